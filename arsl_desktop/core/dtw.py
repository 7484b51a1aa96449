"""Dynamic time warping between feature sequences: the matcher personal signs fall back to
when a model has no embedding output, and the baseline every training figure is compared with
(`training.dtw`)."""

from __future__ import annotations

import numpy as np


def dtw_distances(query: np.ndarray, refs: np.ndarray) -> np.ndarray:
    """DTW distance from one (T, D) sequence to each of (N, T2, D) sequences -> (N,)."""
    t1, t2 = query.shape[0], refs.shape[1]
    # cost[n, i, j] = ||query[i] - refs[n, j]||
    sq = (query ** 2).sum(-1)[None, :, None] + (refs ** 2).sum(-1)[:, None, :] - 2 * np.einsum(
        "id,njd->nij", query, refs)
    cost = np.sqrt(np.maximum(sq, 0.0))
    acc = np.full((refs.shape[0], t1 + 1, t2 + 1), np.inf)
    acc[:, 0, 0] = 0.0
    for i in range(1, t1 + 1):
        row_prev = acc[:, i - 1]
        diag = np.minimum(row_prev[:, :-1], row_prev[:, 1:])  # from (i-1, j-1) or (i-1, j)
        row = acc[:, i]
        for j in range(1, t2 + 1):
            row[:, j] = cost[:, i - 1, j - 1] + np.minimum(diag[:, j - 1], row[:, j - 1])
    return acc[:, t1, t2] / (t1 + t2)
