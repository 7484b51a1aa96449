"""The personal-sign fusion's fit (training.personal_eval.fit) honours its guards."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")  # training.personal_eval imports the training stack

from training import personal_eval as P  # noqa: E402


def computed(n: int, p_top: float, cls: int, near: float, far: float, truth: int | None) -> P.Computed:
    """n queries the model gives class `cls` with `p_top` (of 2 classes); each is `near` the
    examples of taught sign 0 and `far` from those of taught sign 1 (two examples each)."""
    probs = np.tile([1 - p_top, p_top] if cls == 1 else [p_top, 1 - p_top], (n, 1))
    dtw = np.tile([near, near, far, far], (n, 1))
    target = np.full(n, 2 + truth if truth is not None else cls)
    return P.Computed(probs, dtw, np.zeros_like(dtw), np.array([0, 0, 1, 1]), target, np.full(len(P.NEW), -1),
                      np.zeros(0, bool))


def test_a_fusion_that_lets_taught_signs_take_a_known_look_alike_is_refused():
    taught = [computed(20, 0.9, 0, 0.5, 2.0, truth=0)]  # new words the model is sure are class 0
    known = computed(10, 0.999, 0, 3.0, 3.0, truth=None)  # its own training recordings: far from both
    lookalike = [computed(20, 0.9, 1, 0.5, 2.0, truth=None)]  # a known sign as close as the taught word
    free, _, _ = P.fit(taught, known)
    assert P._top1(taught[0], free) == 1.0 and P._top1(lookalike[0], free) == 0.0  # the look-alike is taken
    guarded, report, by_reach = P.fit(taught, known, lookalike)
    assert P._top1(lookalike[0], guarded) >= 1.0 - P.LOOKALIKE_KEEP
    assert P._top1(known, guarded) == 1.0
    assert all(v["lookalike_top1"][0] >= 1.0 - P.LOOKALIKE_KEEP for v in (*report.values(), *by_reach.values()))


def test_max_distance_reaches_a_true_sign_beyond_the_99th_percentile():
    near = computed(99, 0.6, 0, 1.0, 3.0, truth=0)
    far = computed(1, 0.6, 0, 1.2, 3.0, truth=0)  # the nearest taught sign, but farther than the rest
    taught = [P.Computed(*(np.concatenate([getattr(near, f), getattr(far, f)]) for f in ("probs", "dtw", "cos")),
                         near.owner, np.concatenate([near.target, far.target]), near.adapts, np.zeros(0, bool))]
    known = computed(10, 0.999, 0, 3.0, 3.0, truth=None)
    fusion, _, by_reach = P.fit(taught, known)
    assert list(by_reach) == ["1.01", "1.26", "1.51"]  # 99th percentile 1.002 times MAX_DISTANCE_REACH, rounded up
    assert by_reach["1.01"]["mean_top1"] == 0.99  # the far recording is never offered
    assert fusion.max_distance >= 1.2 and P._top1(taught[0], fusion) == 1.0


def test_held_out_queries_from_another_recording_day_are_counted():
    from training.cache import Clip

    def clip(sign: int, stamp: str) -> Clip:
        return Clip(np.zeros((1, 100, 3), np.float32), np.zeros((1, 4), bool), np.zeros(1), 1.0, "01", "train",
                    sign, f"03_01_{sign:04d}_({stamp})", "")

    assert P.recording_day("03_01_0071_(01_12_16_15_52_44)") == "01_12_16"
    taught = [clip(71, "01_12_16_15_52_44"), clip(72, "20_11_16_16_00_01")]
    queries = [clip(71, "01_12_16_15_59_00"), clip(71, "20_11_16_16_10_00"), clip(72, "01_12_16_15_00_00")]
    ep = P.Episode("a", "original", "01", 1, None, taught, queries, False)
    assert P.other_day(ep) == 2  # the second 71 and the 72: days their sign was not taught on
