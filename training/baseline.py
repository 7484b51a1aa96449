"""The floor every taught-sign figure must beat (issue 17): DTW 1-NN over simple keypoint features.

x, y of the upper body and both hands relative to the shoulder centre over the shoulder width,
each hand relative to its own wrist x2, a missing hand as zeros, every frame of the recording (no
trimming, no resampling), the DTW path cost divided by the two lengths: the template matcher that
named 100% of a user's taught words where the app named 82%. Scored among the taught signs only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from arsl_desktop.core import matching
from arsl_desktop.core.personal_match import sign_distances
from training.cache import Clip


def baseline_features(c: Clip) -> np.ndarray:
    """The baseline's features: every frame of the recording, no trimming, no resampling, each
    hand's own shape weighted x2."""
    return matching.frame_match_features(c.xyz, c.present, c.aspect, shape_weight=2.0).astype(np.float64)


def ragged_dtw(query: np.ndarray, refs: Sequence[np.ndarray]) -> np.ndarray:
    """DTW distance from one (T, D) sequence to each of several (T_n, D) sequences of any lengths
    -> (N,); steps (1,0), (0,1), (1,1), the path cost over T + T_n. The references are padded to
    one length and aligned together: a cell depends only on cells before it, so each reference's
    distance is read at its own last step, as if aligned alone."""
    lengths = np.array([len(r) for r in refs])
    n, t1 = len(refs), len(query)
    if n == 0:
        return np.zeros(0)
    padded = np.zeros((n, lengths.max(), query.shape[1]))
    for i, r in enumerate(refs):
        padded[i, :len(r)] = r
    sq = ((query ** 2).sum(-1)[None, :, None] + (padded ** 2).sum(-1)[:, None, :]
          - 2 * np.einsum("id,njd->nij", query, padded))
    cost = np.sqrt(np.maximum(sq, 0.0))
    acc = np.full((n, t1 + 1, lengths.max() + 1), np.inf)
    acc[:, 0, 0] = 0.0
    for i in range(1, t1 + 1):
        prev = acc[:, i - 1]
        diag = np.minimum(prev[:, :-1], prev[:, 1:])  # from (i-1, j-1) or (i-1, j)
        row = acc[:, i]
        for j in range(1, lengths.max() + 1):
            row[:, j] = cost[:, i - 1, j - 1] + np.minimum(diag[:, j - 1], row[:, j - 1])
    return acc[np.arange(n), t1, lengths] / (t1 + lengths)


def baseline_scores(enrolled: list[Clip], queries: list[Clip], signs: list[int]) -> np.ndarray:
    """(Q, S) minus the DTW distance to each sign's nearest enrolled recording (the floor to beat)."""
    refs = [baseline_features(c) for c in enrolled]
    owner = np.array([signs.index(c.sign) for c in enrolled])
    out = np.zeros((len(queries), len(signs)))
    for q, clip in enumerate(queries):
        out[q] = -sign_distances(ragged_dtw(baseline_features(clip), refs), owner, len(signs))
    return out
