"""Recordings that look like another taught sign (training.look_alike): judged by the matcher and
the other signer's model together, and carried from the studio keypoints to the webcam-like ones."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from training.look_alike import look_alike_rows, look_alikes

SIGNS = [75, 76]
CLASS_IDS = [1, 75, 76]  # the other signer's model knows both taught signs and one more


def _clip(sign: int, sample: str) -> SimpleNamespace:
    return SimpleNamespace(sign=sign, sample=sample)


def _row(row: str, data: str, dtw: list[list[float]], probs: list[list[float]], baseline_right=(True,) * 4):
    queries = [_clip(75, "q0"), _clip(75, "q1"), _clip(75, "q2"), _clip(76, "q3")]
    enrolled = [_clip(75, "e0"), _clip(76, "e1")]
    ep = SimpleNamespace(row=row, data=data, signer="01", k=3, queries=queries, enrolled=enrolled,
                         view=SimpleNamespace(class_ids=CLASS_IDS))
    comp = SimpleNamespace(dtw=np.array(dtw, float), owner=np.array([0, 1]), probs=np.array(probs, float),
                           target=np.array([1, 1, 1, 2]), baseline_right=np.array(baseline_right))
    return ep, comp


# q0: the matcher says 76, and so does the other signer's model, surely -> looks like 76
# q1: the matcher says 76, the model says 75 -> a matching error, not a look-alike
# q2: the matcher says 76, the model leans to 76 but below SURE -> not
# q3: a 76 named 76 -> not
DTW = [[0.9, 0.6], [0.9, 0.6], [0.9, 0.6], [1.2, 0.4]]
PROBS = [[0.0, 0.05, 0.95], [0.0, 0.9, 0.1], [0.3, 0.3, 0.4], [0.0, 0.0, 1.0]]


def test_a_recording_looks_like_another_sign_only_when_matcher_and_model_agree_surely():
    ep, comp = _row("e", "original", DTW, PROBS)
    assert look_alikes(ep, comp, SIGNS).tolist() == [True, False, False, False]


def test_the_webcam_rendering_of_a_look_alike_counts_the_same_and_figures_leave_it_out():
    def joint(comp, fusion):  # the app: here the matcher's choice, as probabilities over classes
        p = np.zeros((len(comp.dtw), 3))
        p[np.arange(len(comp.dtw)), 1 + comp.dtw.argmin(axis=1)] = 1.0
        return p

    eps, comps = [], []
    for data, dtw, probs in (("original", DTW, PROBS),
                             ("webcam", [[1.5, 0.5], [0.5, 1.5], [0.5, 1.5], [1.5, 0.5]], [[1 / 3] * 3] * 4)):
        for row in ("a", "e"):
            ep, comp = _row(row, data, dtw, probs, baseline_right=(True, True, True, False))  # names all 75
            eps.append(ep)
            comps.append(comp)
    original, webcam = look_alike_rows(eps, comps, SIGNS, None, joint)
    assert (original["data"], original["look_alike"], original["as"]) == ("original", 1, {"75 → 76": 1})
    # over q1-q3: q1 and q2 named 76 (wrong), q3 right
    assert original["matcher_top1_rest"] == round(1 / 3, 4) == original["a_app_top1_rest"]
    assert original["dtw_baseline_top1_rest"] == round(2 / 3, 4)  # q1, q2 right, q3 wrong
    # the webcam model is unsure of everything, yet q0 is the same recording: still a look-alike
    assert (webcam["data"], webcam["samples"], webcam["as"]) == ("webcam", ["q0"], {"75 → 76": 1})
    assert webcam["matcher_top1_rest"] == 1.0  # q1, q2 named 75 there, q3 named 76
