"""The DTW baseline and the figures protocol's helpers."""

from __future__ import annotations

import numpy as np

from training.dtw import dtw_distances
from training.figures import CASES, VARIANTS, _ranges


def test_dtw_is_zero_for_itself_and_prefers_a_time_warped_copy():
    t = np.linspace(0, 1, 20)
    a = np.stack([np.sin(3 * t), np.cos(2 * t)], axis=1)
    warped = np.stack([np.sin(3 * t ** 1.3), np.cos(2 * t ** 1.3)], axis=1)  # same path, other timing
    other = np.stack([np.cos(5 * t), np.sin(t)], axis=1)
    d = dtw_distances(a, np.stack([a, warped, other]))
    assert d[0] == 0.0
    assert d[1] < d[2]
    euclid = np.linalg.norm(a - warped, axis=1).mean()
    assert d[1] < euclid  # warping found a better alignment than step by step


def test_ranges_text():
    assert _ranges([1, 2, 3, 5, 7, 8]) == "1-3,5,7-8"
    assert _ranges([]) == ""


def test_every_case_and_variant_is_well_formed():
    for name, (title, over, test) in CASES.items():
        assert title
        assert isinstance(over, dict) or over in CASES, name
        # validation clips as recorded, mirrored or webcam-like; or (signers, splits, signs[, "webcam"])
        assert test in (None, "mirror", "webcam") or len(test) == 3 or (len(test) == 4 and test[3] == "webcam")
    assert VARIANTS["recipe"] == {}
    assert set(VARIANTS["both"]["features"]) == {"canonical", "shape"}
