"""Template matching of one sign against recorded examples: the matcher of personal signs.

A user's own recordings are the best evidence of how they sign, and on new words by new people
nearest-neighbour matching under time warping beats an embedding learnt from other signers
(issue 17: DTW 1-NN over simple keypoint features named 100% of taught words where the model's
embedding named 82%). The features are chosen for matching, not for the model:

    upper body (nose, shoulders, elbows, wrists) xy - shoulder centre, / shoulder width   7 x 2
    per hand: 21 joints xy - shoulder centre, / shoulder width                          21 x 2
              21 joints xy - the hand's own wrist, / shoulder width, x shape weight       21 x 2
    a missing part is zeros

A personal sign's match sequence (`match_sequence`) weighs the upper body x `BODY_WEIGHT` and
each hand's own shape x `HAND_SHAPE_WEIGHT`: the arms, found by the pose model on a body of any
size, are the steadiest evidence from one session or camera to another, and 14 numbers would
otherwise count for little beside the hands' 168 (a small, dim hand's joints are the noisiest).

over the sign's span (`features.signing_span`, as every segment is cut), `MATCH_STEPS` of its
frames evenly spaced (the nearest frame, never a blend, so a missing hand stays missing): a
15 fps webcam and a 30 fps recording of the same sign give the same sequence, and every
sequence has the same length, so one segment is aligned with all examples at once
(`dtw_batch`). A hand that never comes up from the lap during the sign counts for nothing
(`hand_weights`): whether a resting hand is in the picture depends on the camera, not the sign.
These choices, evenly spaced frames rather than instants evenly spaced in time (KArSL's sparse
recordings keep more frames where the hands move), the hand's own shape x0.5 and the upper body
x3 rather than the baseline's x2 and x1, and the resting hand's weight, were made on validation
recordings: the table "matcher choices" of `training.personal_eval` (docs/PERSONAL_SIGNS.md).

Beside the aligned path, each distance adds `EXTENT_WEIGHT` x how differently far each hand's
wrist ranges, left-right and up-down, over the sign (`extents`): DTW compares where the hands are
step by step, and a small movement made a little to the side can look nearer to a still sign
there than to a bigger movement of its own (chosen on validation rows, as the weights above).

`ExampleBank.distances` aligns a segment with every example: a cheap straight (linear-time)
distance ranks all of them, and the `SHORTLIST` nearest are aligned exactly with DTW (the
others keep the straight distance, which is never smaller than their DTW distance). The
distance is the DTW path cost divided by the two lengths, as in the baseline it replaces.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from arsl_desktop.core import features as F

MATCH_VERSION = "match-v3"
MATCH_STEPS = 24
BODY_WEIGHT = 3.0  # the upper body's block in a match sequence
HAND_SHAPE_WEIGHT = 0.5  # each hand's own shape (joints relative to its wrist) in a match sequence
EXTENT_WEIGHT = 0.8  # distance += this x the L1 difference of the wrists' ranges (`extents`)
SHORTLIST = 32  # measured: benchmarks/shortlist_bench.py
HAND_UP_Y = 0.5  # a hand whose wrist comes this high (shoulder widths below the shoulders) fully counts
UPPER_BODY = np.array([0, 11, 12, 13, 14, 15, 16])  # nose, shoulders, elbows, wrists
MATCH_DIM = 2 * len(UPPER_BODY) + 2 * (2 * 2 * F.N_HAND)
_CLIP = 8.0


def frame_match_features(xyz: np.ndarray, present: np.ndarray, aspect: float = 1.0,
                         shape_weight: float = 1.0, body_weight: float = 1.0) -> np.ndarray:
    """(T, N_KEYPOINTS, 3), (T, 4) -> (T, MATCH_DIM) float32, body-relative (see the module);
    the upper body's block x `body_weight`, each hand's own shape x `shape_weight`."""
    xyz = np.asarray(xyz, np.float32)
    present = np.asarray(present, bool)
    T = xyz.shape[0]
    if T == 0:
        return np.zeros((0, MATCH_DIM), np.float32)
    centre, width = F.body_reference(xyz, present, aspect)
    rel = (xyz[..., :2] * np.array([aspect, 1.0], np.float32) - centre) / width  # (T, N, 2)
    rel = np.clip(rel, -_CLIP, _CLIP)  # a joint that far from the body is a landmark error
    blocks = [rel[:, UPPER_BODY].reshape(T, -1) * present[:, F.POSE, None] * body_weight]
    for part, sl in ((F.LEFT, F.LEFT_SL), (F.RIGHT, F.RIGHT_SL)):
        hand = rel[:, sl]  # (T, 21, 2)
        own = (hand - hand[:, :1]) * shape_weight
        seen = present[:, part, None]
        blocks += [hand.reshape(T, -1) * seen, own.reshape(T, -1) * seen]
    return np.concatenate(blocks, axis=1).astype(np.float32)


def sample_steps(frames: np.ndarray, steps: int = MATCH_STEPS) -> np.ndarray:
    """`steps` rows of `frames`, evenly spaced over them (the nearest frame, never a blend)."""
    if len(frames) == 0:
        return np.zeros((steps, frames.shape[1]), np.float32)
    return frames[np.round(np.linspace(0, len(frames) - 1, steps)).astype(int)]


def extents(sequences: np.ndarray) -> np.ndarray:
    """(..., L, MATCH_DIM) match sequences -> (..., 4): each hand's wrist range, left-right and
    up-down, over the steps where the hand is seen (a hand that is missing or rests, all zeros in
    a match sequence, ranges 0). In the sequence's units: shoulder widths x the hand's weight."""
    seqs = np.asarray(sequences, np.float64)
    body, hand = 2 * len(UPPER_BODY), 4 * F.N_HAND
    out = []
    for i in range(2):
        start = body + i * hand
        wrist = seqs[..., start:start + 2]
        seen = np.any(seqs[..., start:start + 2 * F.N_HAND] != 0, axis=-1, keepdims=True)
        hi = np.where(seen, wrist, -np.inf).max(axis=-2)
        lo = np.where(seen, wrist, np.inf).min(axis=-2)
        out.append(np.where(np.isfinite(hi) & np.isfinite(lo), hi - lo, 0.0))
    return np.concatenate(out, axis=-1)


def extent_distances(query: np.ndarray, refs: np.ndarray, weight: float = EXTENT_WEIGHT) -> np.ndarray:
    """`weight` x the L1 difference of the wrists' ranges (`extents`): (L, D), (N, 4) -> (N,)."""
    return weight * np.abs(extents(query)[None] - np.asarray(refs, np.float64)).sum(axis=-1)


def hand_weights(xyz: np.ndarray, present: np.ndarray, aspect: float = 1.0) -> np.ndarray:
    """(2,) how much each hand (signer's left, right) takes part in a sign: 0 for a hand that never
    rises above the resting line (`features.RAISED_Y` shoulder widths below the shoulders), 1 for
    one that comes up to `HAND_UP_Y` or higher, in between linearly. A hand resting in the lap is
    seen by one camera and not another (framing, a different session): it must not decide."""
    top = F.wrist_heights(xyz, present, aspect).min(axis=0) if len(xyz) else np.full(2, np.inf)
    w = (F.RAISED_Y - top) / (F.RAISED_Y - HAND_UP_Y)
    return np.where(np.isfinite(top), np.clip(w, 0.0, 1.0), 0.0)


def match_sequence(xyz: np.ndarray, present: np.ndarray, times: np.ndarray, aspect: float = 1.0,
                   trim: bool = True, steps: int = MATCH_STEPS) -> np.ndarray:
    """One recorded sign (raw keypoints) -> (steps, MATCH_DIM): cut to its signing span, each hand
    weighted by how much it takes part (`hand_weights`), `steps` frames; the upper body x
    `BODY_WEIGHT`, the hands' own shapes x `HAND_SHAPE_WEIGHT`."""
    if trim and len(times):
        span = F.signing_span(xyz, present, times, aspect)
        xyz, present = xyz[span], present[span]
    f = frame_match_features(xyz, present, aspect, HAND_SHAPE_WEIGHT, BODY_WEIGHT)
    body, hand = 2 * len(UPPER_BODY), 4 * F.N_HAND
    for i, w in enumerate(hand_weights(xyz, present, aspect)):
        f[:, body + i * hand: body + (i + 1) * hand] *= w
    return sample_steps(f, steps)


@lru_cache(maxsize=8)
def _skew(length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index arrays that lay an (L, L) matrix out by anti-diagonals: cell [s, i] is (i, s - i)."""
    s, i = np.meshgrid(np.arange(2 * length - 1), np.arange(length), indexing="ij")
    j = s - i
    valid = (j >= 0) & (j < length)
    return i, np.clip(j, 0, length - 1), ~valid


def cost_matrices(query: np.ndarray, refs: np.ndarray, refs_sq: np.ndarray | None = None,
                  query_sq: np.ndarray | None = None) -> np.ndarray:
    """(N, Tq, Tr): Euclidean distance between each query step and each step of each reference
    (`refs_sq`, `query_sq`: the squared norms per step, when already known; given both, the
    sequences need only give the right dot products, as a folded query and compact references,
    `fold_query`)."""
    query = np.asarray(query, np.float64)
    refs = np.asarray(refs, np.float64)
    n, tr, d = refs.shape
    if refs_sq is None:
        refs_sq = (refs ** 2).sum(-1)
    if query_sq is None:
        query_sq = (query ** 2).sum(-1)
    dot = (query @ refs.reshape(n * tr, d).T).reshape(len(query), n, tr).transpose(1, 0, 2)
    sq = np.asarray(query_sq, np.float64)[None, :, None] + refs_sq[:, None, :] - 2 * dot
    return np.sqrt(np.maximum(sq, 0.0))


def dtw_batch(query: np.ndarray, refs: np.ndarray, refs_sq: np.ndarray | None = None,
              query_sq: np.ndarray | None = None) -> np.ndarray:
    """DTW distance from one (L, D) sequence to each of (N, L, D) sequences of the same length -> (N,).

    Steps (1,0), (0,1), (1,1); the path cost is divided by 2L. Vectorised over the references and
    along anti-diagonals: 2L - 1 array operations, whatever N."""
    n, length = refs.shape[0], refs.shape[1]
    if query.shape[0] != length:
        raise ValueError(f"dtw_batch needs sequences of one length ({query.shape[0]} vs {length})")
    if n == 0:
        return np.zeros(0)
    cost = cost_matrices(query, refs, refs_sq, query_sq)
    ii, jj, invalid = _skew(length)
    skewed = np.ascontiguousarray(cost[:, ii, jj].transpose(1, 2, 0))  # (2L-1, L, N)
    skewed[invalid] = np.inf
    acc = np.empty_like(skewed)
    acc[0] = skewed[0]
    for s in range(1, 2 * length - 1):
        best = acc[s - 1].copy()  # from (i, j-1)
        np.minimum(best[1:], acc[s - 1, :-1], out=best[1:])  # from (i-1, j)
        if s >= 2:
            np.minimum(best[1:], acc[s - 2, :-1], out=best[1:])  # from (i-1, j-1)
        np.add(skewed[s], best, out=acc[s])
    return acc[2 * length - 2, length - 1] / (2 * length)


def straight_distances(query: np.ndarray, refs: np.ndarray, refs_sq: np.ndarray | None = None) -> np.ndarray:
    """The cost of the straight (diagonal) path to each of (N, L, D) references, on DTW's scale:
    never below the DTW distance (DTW minimises over paths that include this one)."""
    query = np.asarray(query, np.float64)
    refs = np.asarray(refs, np.float64)
    if refs_sq is None:
        refs_sq = (refs ** 2).sum(-1)
    dot = np.einsum("nld,ld->nl", refs, query, optimize=True)
    step = np.sqrt(np.maximum(refs_sq + (query ** 2).sum(-1)[None] - 2 * dot, 0.0))
    return step.sum(axis=1) / (2 * refs.shape[1])


def _hand_blocks() -> list[tuple[slice, slice]]:
    """Each hand's (joints, own shape) columns in a match sequence."""
    body, joints = 2 * len(UPPER_BODY), 2 * F.N_HAND
    return [(slice(start, start + joints), slice(start + joints, start + 2 * joints))
            for start in (body, body + 2 * joints)]


def _compact_columns() -> np.ndarray:
    """The columns a match sequence keeps in `ExampleBank`'s compact form: the upper body and
    each hand's joints; a hand's own shape is `HAND_SHAPE_WEIGHT` x (its joints - its wrist)."""
    keep = [np.arange(2 * len(UPPER_BODY))] + [np.arange(MATCH_DIM)[joints] for joints, _ in _hand_blocks()]
    return np.concatenate(keep)


def fold_query(query: np.ndarray, weight: float = HAND_SHAPE_WEIGHT) -> np.ndarray:
    """(L, MATCH_DIM) -> (L, compact): a query whose dot product with a compact reference equals
    its dot product with the full one. For a reference hand h (21 joints xy, wrist h0) whose own
    shape is w (h - h0), and the query's joints q and own shape o:
        q.h + o.(w (h - h0)) = (q + w o).h - w (sum_j o_j).h0"""
    q = np.array(query, np.float64 if np.asarray(query).dtype == np.float64 else np.float32)
    parts = [q[:, :2 * len(UPPER_BODY)]]
    for joints, own in _hand_blocks():
        o = q[:, own]
        folded = q[:, joints] + weight * o
        folded[:, :2] -= weight * o.reshape(len(q), F.N_HAND, 2).sum(axis=1)
        parts.append(folded)
    return np.concatenate(parts, axis=1)


def is_foldable(sequences: np.ndarray, weight: float = HAND_SHAPE_WEIGHT) -> bool:
    """Whether every hand's own shape in (N, L, MATCH_DIM) sequences is `weight` x (its joints -
    its wrist), as `match_sequence` builds it (then `fold_query` holds)."""
    seqs = np.asarray(sequences, np.float32)
    if seqs.ndim != 3 or seqs.shape[-1] != MATCH_DIM:
        return False
    for joints, own in _hand_blocks():
        h = seqs[..., joints].reshape(*seqs.shape[:2], F.N_HAND, 2)
        expect = weight * (h - h[..., :1, :])
        if not np.allclose(seqs[..., own].reshape(expect.shape), expect, rtol=1e-5, atol=1e-5):
            return False
    return True


def unfold(compact: np.ndarray, weight: float = HAND_SHAPE_WEIGHT) -> np.ndarray:
    """(..., compact) -> (..., MATCH_DIM): the full match sequence again, each hand's own shape
    `weight` x (its joints - its wrist)."""
    c = np.asarray(compact)
    body, joints = 2 * len(UPPER_BODY), 2 * F.N_HAND
    parts = [c[..., :body]]
    for i in range(2):
        h = c[..., body + i * joints: body + (i + 1) * joints]
        wrist = np.tile(h[..., :2], F.N_HAND)
        parts += [h, (weight * (h - wrist)).astype(c.dtype)]
    return np.concatenate(parts, axis=-1)


class ExampleBank:
    """Examples' match sequences (N, L, D), prepared once for aligning many segments: kept step by
    step (L, N, D) in float32, so the straight distances to all of them are L matrix-vector
    products. Every segment reads every example, so they are kept in compact form where they were
    built by `match_sequence`: a hand's own shape follows from its joints, so the query is folded
    instead (`fold_query`), which leaves 98 of 182 numbers a step: the same distances with half
    the memory and its traffic."""

    def __init__(self, sequences: np.ndarray) -> None:
        seqs = np.asarray(sequences, np.float32)
        if not seqs.size:
            seqs = np.zeros((0, MATCH_STEPS, MATCH_DIM), np.float32)
        self.squared = np.ascontiguousarray((seqs.astype(np.float64) ** 2).sum(-1).T)  # (L, N), as `steps`
        self.extents = extents(seqs)  # (N, 4)
        self.folded = is_foldable(seqs)
        kept = seqs[..., _compact_columns()] if self.folded else seqs
        self.steps = np.ascontiguousarray(kept.transpose(1, 0, 2))  # (L, N, compact or D)

    def __len__(self) -> int:
        return self.steps.shape[1]

    @property
    def sequences(self) -> np.ndarray:
        """(N, L, D) float32 (rebuilt from the compact form where kept so)."""
        kept = self.steps.transpose(1, 0, 2)
        return unfold(kept) if self.folded else kept

    def _read(self, query: np.ndarray) -> np.ndarray:
        """The query as the kept examples are read: folded where they are compact."""
        return fold_query(query) if self.folded else np.asarray(query)

    def straight_distances(self, query: np.ndarray) -> np.ndarray:
        """`straight_distances` to every example, computed step by step."""
        q = np.asarray(query, np.float32)
        # step by step (L, N), in place: one layout throughout (a transposed operand made the
        # elementwise part cost as much as the products)
        step = np.matmul(self.steps, self._read(q)[:, :, None])[..., 0].astype(np.float64)  # (L, N) dot products
        step *= -2.0
        step += self.squared
        step += (q.astype(np.float64) ** 2).sum(-1)[:, None]
        np.maximum(step, 0.0, out=step)
        np.sqrt(step, out=step)
        return step.sum(axis=0) / (2 * self.steps.shape[0])

    def aligned(self, query: np.ndarray, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """DTW distances (`dtw_batch`) to the examples in `rows`."""
        q = np.asarray(query, np.float64)
        return dtw_batch(self._read(q), self.steps[:, rows].transpose(1, 0, 2), self.squared[:, rows].T,
                         (q ** 2).sum(-1))

    def distances(self, query: np.ndarray, shortlist: int = SHORTLIST) -> np.ndarray:
        """(N,) match distances (DTW + `extent_distances`) for the `shortlist` examples nearest by
        the straight path; the others keep their straight distance (an upper bound of their DTW
        distance), plus the same extent term."""
        extra = extent_distances(query, self.extents)
        if len(self) <= shortlist:
            return self.aligned(query) + extra
        straight = self.straight_distances(query) + extra
        near = np.argpartition(straight, shortlist)[:shortlist]
        straight[near] = self.aligned(query, near) + extra[near]
        return straight
