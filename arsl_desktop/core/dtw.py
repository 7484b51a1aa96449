"""Dynamic time warping between feature sequences of any lengths: the baseline every training
figure is compared with (`training.dtw`) and the floor of the taught-sign figures
(`training.baseline`). The personal-sign matcher aligns its fixed-length sequences with
`core.matching.dtw_batch`, which a test checks against this."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def dtw_distances(query: np.ndarray, refs: np.ndarray | Sequence[np.ndarray]) -> np.ndarray:
    """DTW distance from one (T, D) sequence to each reference -> (N,): `refs` is (N, T2, D), or
    N sequences (T_n, D) of any lengths. Steps (1,0), (0,1), (1,1); the path cost over T + T_n.

    The references are aligned together, padded to the longest: a cell depends only on cells
    before it, so each reference's distance, read at its own last step, is the one it has aligned
    alone."""
    lengths = np.array([len(r) for r in refs], dtype=int)
    n, t1 = len(lengths), query.shape[0]
    if n == 0:
        return np.zeros(0)
    t2 = int(lengths.max())
    if isinstance(refs, np.ndarray):
        padded = refs
    else:
        padded = np.zeros((n, t2, query.shape[1]))
        for i, r in enumerate(refs):
            padded[i, :len(r)] = r
    # cost[n, i, j] = ||query[i] - refs[n, j]||
    sq = (query ** 2).sum(-1)[None, :, None] + (padded ** 2).sum(-1)[:, None, :] - 2 * np.einsum(
        "id,njd->nij", query, padded)
    cost = np.sqrt(np.maximum(sq, 0.0))
    acc = np.full((n, t1 + 1, t2 + 1), np.inf)
    acc[:, 0, 0] = 0.0
    for i in range(1, t1 + 1):
        row_prev = acc[:, i - 1]
        diag = np.minimum(row_prev[:, :-1], row_prev[:, 1:])  # from (i-1, j-1) or (i-1, j)
        row = acc[:, i]
        for j in range(1, t2 + 1):
            row[:, j] = cost[:, i - 1, j - 1] + np.minimum(diag[:, j - 1], row[:, j - 1])
    return acc[np.arange(n), t1, lengths] / (t1 + lengths)
