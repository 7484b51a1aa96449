"""Cutting one spotted segment into the signs it holds, when the hands never came down between them.

The spotter closes a segment when the hands go down or hold still; a signer who goes from one
sign straight into the next gives it one long segment. Every way of cutting the segment at
points `step_s` apart into parts of a sign's length is scored by the classifier, all
candidate parts in one batch, and the best is found by dynamic programming:

    score(cut) = sum over parts of [log P(the part's best sign) + duration_weight x log D(its length)]
                 - split_penalty x (parts - 1)

where D is a log-normal over how long one sign takes (KArSL's training recordings, cut to their
signing span, take a median 1.25 s, spread 0.31 in log units; the setting chosen on validation
streams, and shipped in the model's `arsl_split`, is wider: 1.4 s, 0.45). A classifier is often sure of a segment
that holds two signs; their length, twice a sign's, is what gives them away. A cut is made
where the parts are each clearly a sign of a sign's length, more clearly than the whole.
Neighbouring parts that name the same sign are reported once by the recogniser (a sign with a
repeated movement), as two segments of one sign are.
`split_penalty` and the lengths are chosen on validation streams (`training.continuous`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SplitConfig:
    """Defaults: chosen on validation streams (`python -m training.evaluate --continuous`; a model
    exported with its own choice carries it in `arsl_split`). A grid step of 0.3 s did as well as
    0.15 s there with a quarter of the classifier passes."""

    step_s: float = 0.3  # candidate cut points this far apart
    min_s: float = 0.6  # shortest part
    max_s: float = 2.4  # longest part (the whole segment is always a candidate too)
    split_penalty: float = 0.0  # log-probability a cut must gain (beyond the length prior)
    typical_s: float = 1.4  # median length of one sign (KArSL recordings cut to their signing span: 1.25 s)
    spread: float = 0.45  # its standard deviation in log units (KArSL's recordings: 0.31)
    duration_weight: float = 1.0
    min_split_s: float = 2.0  # shorter segments are one sign (99% of KArSL's single signs are shorter than 2.2 s)
    # join neighbouring parts that name the same sign into one (and classify it again); off: the
    # recogniser reports such neighbours once anyway, and on the validation streams joining merged
    # a misnamed part into its neighbour more often than it helped (no rest: 24.3% vs 25.7%, 12.9% vs 13.8%)
    join_same: bool = False
    enabled: bool = True


def split_config(meta: object) -> SplitConfig:
    """The model's `arsl_split` metadata as a SplitConfig; the defaults when absent or unusable."""
    if not isinstance(meta, dict):
        return SplitConfig()
    known = {f: meta[f] for f in SplitConfig.__dataclass_fields__ if f in meta}
    try:
        cfg = SplitConfig(**{k: (bool(v) if k in ("enabled", "join_same") else float(v)) for k, v in known.items()})
    except (TypeError, ValueError):
        return SplitConfig()
    ok = cfg.step_s > 0 and 0 < cfg.min_s < cfg.max_s and cfg.typical_s > 0 and cfg.spread > 0
    return cfg if ok else SplitConfig()


# spans (start, stop) frame indices -> (log P of each span's best sign, its class index)
SpanScorer = Callable[[list[tuple[int, int]]], tuple[np.ndarray, np.ndarray]]


def cut_points(times: np.ndarray, step_s: float) -> np.ndarray:
    """Frame indices where a part may start: 0, then the first frame at or after each step."""
    if len(times) == 0:
        return np.zeros(0, int)
    grid = np.arange(times[0], times[-1], step_s)
    idx = np.unique(np.searchsorted(times, grid, side="left"))
    return idx[idx < len(times)]


def candidate_spans(times: np.ndarray, cfg: SplitConfig) -> list[tuple[int, int]]:
    """Every (start, stop) between cut points with a sign's length, and the whole segment."""
    n = len(times)
    starts = cut_points(times, cfg.step_s)
    ends = list(starts[1:]) + [n]
    spans = {(0, n)}
    for a in starts:
        for b in ends:
            if b <= a:
                continue
            dur = times[b - 1] - times[a]
            if dur > cfg.max_s:
                break
            if dur >= cfg.min_s:
                spans.add((int(a), int(b)))
    return sorted(spans)


def best_split(times: np.ndarray, score: SpanScorer, cfg: SplitConfig | None = None) -> list[tuple[int, int]]:
    """The parts (start, stop) the segment with these frame `times` is best cut into."""
    cfg = cfg or SplitConfig()
    n = len(times)
    if not cfg.enabled or n < 2 or times[-1] - times[0] < max(2 * cfg.min_s, cfg.min_split_s):
        return [(0, n)]
    spans = candidate_spans(times, cfg)
    if len(spans) == 1:
        return [(0, n)]
    logp, label = score(spans)
    dur = np.array([max(times[b - 1] - times[a], 1e-3) for a, b in spans])
    logp = logp - cfg.duration_weight * 0.5 * ((np.log(dur / cfg.typical_s)) / cfg.spread) ** 2
    by_end: dict[int, list[int]] = {}
    for k, (_, b) in enumerate(spans):
        by_end.setdefault(b, []).append(k)
    ends = sorted({b for _, b in spans} | {0})
    best = {0: 0.0}
    back: dict[int, int] = {}
    for b in ends[1:]:
        for k in by_end.get(b, []):
            a = spans[k][0]
            if a not in best:
                continue
            cost = 0.0 if a == 0 else cfg.split_penalty
            value = best[a] + float(logp[k]) - cost
            if value > best.get(b, -np.inf):
                best[b], back[b] = value, k
    if n not in best:
        return [(0, n)]
    parts: list[int] = []
    b = n
    while b:
        parts.append(back[b])
        b = spans[back[b]][0]
    parts.reverse()
    merged: list[tuple[int, int]] = []
    last_label = None
    for k in parts:
        a, b = spans[k]
        if merged and cfg.join_same and label[k] == last_label:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
        last_label = label[k]
    return merged
