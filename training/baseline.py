"""The floor every taught-sign figure must beat (issue 17): DTW 1-NN over simple keypoint features.

x, y of the upper body and both hands relative to the shoulder centre over the shoulder width,
each hand relative to its own wrist x2, a missing hand as zeros, every frame of the recording (no
trimming, no resampling), the DTW path cost divided by the two lengths: the template matcher that
named 100% of a user's taught words where the app named 82%. Scored among the taught signs only.
"""

from __future__ import annotations

import numpy as np

from arsl_desktop.core import matching
from arsl_desktop.core.dtw import dtw_distances
from arsl_desktop.core.personal_match import sign_distances
from training.cache import Clip


def baseline_features(c: Clip) -> np.ndarray:
    """The baseline's features: every frame of the recording, no trimming, no resampling, each
    hand's own shape weighted x2."""
    return matching.frame_match_features(c.xyz, c.present, c.aspect, shape_weight=2.0).astype(np.float64)


def baseline_scores(enrolled: list[Clip], queries: list[Clip], signs: list[int]) -> np.ndarray:
    """(Q, S) minus the DTW distance to each sign's nearest enrolled recording (the floor to beat)."""
    refs = [baseline_features(c) for c in enrolled]
    owner = np.array([signs.index(c.sign) for c in enrolled])
    out = np.zeros((len(queries), len(signs)))
    for q, clip in enumerate(queries):
        out[q] = -sign_distances(dtw_distances(baseline_features(clip), refs), owner, len(signs))
    return out
