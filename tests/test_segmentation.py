"""Cutting one segment into the signs it holds (`core.segmentation`) and the continuous-signing
measure built on it (`training.continuous`)."""

from __future__ import annotations

import numpy as np
import pytest

from arsl_desktop.core import features as F
from arsl_desktop.core.segmentation import SplitConfig, best_split, candidate_spans, cut_points
from arsl_desktop.core.spotting import SignSpotter

TRUE_CUTS = (0.0, 1.2, 2.4, 3.6)  # three signs of 1.2 s back to back


def _scorer(times: np.ndarray, cuts=TRUE_CUTS):
    """A classifier that is sure of a span exactly when it covers one true sign (within 0.1 s),
    and names the sign by where it starts."""
    def score(spans):
        logp, label = [], []
        for a, b in spans:
            t0, t1 = times[a], times[b - 1]
            k = int(np.argmin([abs(t0 - c) for c in cuts[:-1]]))
            exact = abs(t0 - cuts[k]) < 0.1 and abs(t1 - cuts[k + 1]) < 0.1
            logp.append(-0.05 if exact else -0.7)
            label.append(k)
        return np.array(logp), np.array(label)
    return score


def test_cut_points_and_spans_respect_lengths():
    times = np.arange(0, 3.0, 1 / 30)
    cuts = cut_points(times, 0.15)
    assert cuts[0] == 0 and np.all(np.diff(times[cuts]) > 0.12)
    cfg = SplitConfig(min_s=0.5, max_s=2.0)
    spans = candidate_spans(times, cfg)
    assert (0, len(times)) in spans  # the whole segment is always a candidate
    for a, b in spans:
        if (a, b) != (0, len(times)):
            assert 0.5 <= times[b - 1] - times[a] <= 2.0


def test_three_signs_back_to_back_are_cut_where_they_meet():
    times = np.arange(0, 3.6, 1 / 30)
    parts = best_split(times, _scorer(times), SplitConfig(split_penalty=0.5, typical_s=1.2))
    assert len(parts) == 3
    starts = [times[a] for a, _ in parts]
    assert np.allclose(starts, TRUE_CUTS[:3], atol=0.1)
    assert parts[0][0] == 0 and parts[-1][1] == len(times)
    assert all(b == c for (_, b), (c, _) in zip(parts, parts[1:], strict=False))  # no frame lost or repeated


def test_one_sign_is_not_cut():
    times = np.arange(0, 2.4, 1 / 30)  # one long sign the classifier is sure of as a whole
    def score(spans):
        return np.array([-0.05 if (a, b) == (0, len(times)) else -0.7 for a, b in spans]), np.zeros(len(spans), int)
    assert best_split(times, score, SplitConfig(typical_s=1.6)) == [(0, len(times))]
    short = np.arange(0, 1.5, 1 / 30)  # shorter than min_split_s: never cut, the scorer is not even asked
    assert best_split(short, lambda spans: pytest.fail("scored"), SplitConfig()) == [(0, len(short))]
    assert best_split(times, _scorer(times), SplitConfig(enabled=False)) == [(0, len(times))]


def test_neighbours_naming_the_same_sign_are_joined():
    times = np.arange(0, 3.6, 1 / 30)
    score = _scorer(times)

    def same(spans):
        logp, _ = score(spans)
        return logp, np.zeros(len(spans), int)  # every part names sign 0: a repeated movement
    assert best_split(times, same, SplitConfig(split_penalty=0.5, typical_s=1.2, join_same=True)) == [(0, len(times))]
    assert len(best_split(times, same, SplitConfig(split_penalty=0.5, typical_s=1.2))) == 3  # the recogniser joins them


def test_spotter_resume_continues_a_cut_sign():
    from arsl_desktop.core.landmarks import Keypoints

    xyz = np.zeros((F.N_KEYPOINTS, 3), np.float32)
    frames = [Keypoints(xyz.copy(), np.array([True, True, False, True]), 256, 256, i / 30) for i in range(15)]
    sp = SignSpotter()
    sp.resume(frames)
    assert sp.state.value == "signing"
    seg = sp.flush()
    assert seg is not None and seg.reason == "end_of_stream"
    assert len(seg.keypoints) == 15 and all(a is b for a, b in zip(seg.keypoints, frames, strict=True))


def test_split_config_from_model_metadata():
    from arsl_desktop.core.segmentation import split_config

    assert split_config(None) == SplitConfig()
    cfg = split_config({"split_penalty": 2, "typical_s": 1.6, "spread": 0.3, "enabled": True, "unknown": 1})
    assert (cfg.split_penalty, cfg.typical_s, cfg.spread) == (2.0, 1.6, 0.3)
    assert split_config({"enabled": False}).enabled is False
    assert split_config({"min_s": 3.0, "max_s": 1.0}) == SplitConfig()  # nonsense: the defaults
    assert split_config({"typical_s": "fast"}) == SplitConfig()
