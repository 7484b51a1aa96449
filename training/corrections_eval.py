"""Corrections measured (issue 17): the signer's recordings named in the order they were made, each
wrong answer corrected once by the user (`core.correction`: the recording becomes an example of
the sign it really was), so later recordings are matched against it too.

A signer's way of a sign drifts over a session and between days (signer 01's later repetitions of
75 end at the throat with the chin raised, as their 76 does), and examples recorded first do not
cover that. The figure says how much of the drift one correction per miss recovers, for the app
(the fusion of `training.personal_eval`, fitted before and not on this), for the matcher alone
among the taught signs, and for the DTW baseline (`training.baseline`) given the same corrections
of its own misses: the floor, in the same table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from arsl_desktop.core import matching
from arsl_desktop.core.dtw import dtw_distances
from arsl_desktop.core.personal_match import Fusion, sign_distances
from training.baseline import baseline_features
from training.cache import Clip


def recording_time(sample: str) -> tuple[int, ...]:
    """When a KArSL recording was made, from its name: '03_01_0071_(01_12_16_15_52_44)' -> (16, 12,
    1, 15, 52, 44) (year, month, day, hour, minute, second); () when the name has no time."""
    inside = sample.rsplit("(", 1)[-1].rstrip(")").split("_")
    if len(inside) < 6 or not all(p.isdigit() for p in inside[:6]):
        return ()
    d, m, y, hh, mm, ss = (int(p) for p in inside[:6])
    return (y, m, d, hh, mm, ss)


def in_recording_order(clips: list[Clip]) -> np.ndarray:
    """Indices of `clips` in the order they were recorded (name order where a time is missing)."""
    return np.array(sorted(range(len(clips)), key=lambda i: (recording_time(clips[i].sample), clips[i].sample)),
                    dtype=int)


def _sequential(n_queries: int, order: np.ndarray, right) -> tuple[float, int]:
    """Name the queries in `order`; `right(i, corrected)` says whether query i is named right with
    the earlier corrected queries as examples. Returns (top-1, corrections made)."""
    corrected: list[int] = []
    hits = 0
    for i in order:
        if right(int(i), corrected):
            hits += 1
        else:
            corrected.append(int(i))
    return hits / max(n_queries, 1), len(corrected)


def corrected_row(ep, comp, fusion: Fusion, new_signs: list[int], joint: Callable) -> dict:
    """One episode (`personal_eval.Episode` and its `Computed`) named in recording order with
    corrections: the app (`joint`, `personal_eval.joint`), the matcher alone and the baseline,
    each correcting its own misses."""
    queries: list[Clip] = ep.queries
    n_signs = len(new_signs)
    order = in_recording_order(queries)
    truth = np.array([new_signs.index(c.sign) for c in queries])
    seqs = np.stack([matching.match_sequence(c.xyz, c.present, c.times, c.aspect) for c in queries])
    bank = matching.ExampleBank(seqs)
    qq = np.stack([bank.distances(s) for s in seqs])  # (Q, Q) match distances between the queries
    _, emb = ep.view.outputs(queries)
    qq_cos = emb @ emb.T

    def examples(i: int, corrected: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (np.concatenate([comp.dtw[i], qq[i, corrected]]), np.concatenate([comp.cos[i], qq_cos[i, corrected]]),
                np.concatenate([comp.owner, truth[corrected]]))

    def app_right(i: int, corrected: list[int]) -> bool:
        d_ex, cos, owner = examples(i, corrected)
        read = (np.concatenate([comp.enrolled_probs, comp.probs[corrected]]) if comp.enrolled_probs.size
                else comp.enrolled_probs)  # a corrected recording is an example the model read too
        one = replace(comp, probs=comp.probs[i:i + 1], dtw=d_ex[None], cos=cos[None], owner=owner,
                      enrolled_probs=read)
        return int(joint(one, fusion).argmax()) == int(comp.target[i])

    def matcher_right(i: int, corrected: list[int]) -> bool:
        d_ex, _, owner = examples(i, corrected)
        return int(sign_distances(d_ex, owner, n_signs).argmin()) == truth[i]

    refs = [baseline_features(c) for c in ep.enrolled]
    feats = [baseline_features(c) for c in queries]
    base_owner = np.array([new_signs.index(c.sign) for c in ep.enrolled])

    def baseline_right(i: int, corrected: list[int]) -> bool:
        d = dtw_distances(feats[i], refs + [feats[j] for j in corrected])
        return int(sign_distances(d, np.concatenate([base_owner, truth[corrected]]), n_signs).argmin()) == truth[i]

    out = {"row": ep.row, "data": ep.data, "signer": ep.signer, "k": ep.k, "queries": len(queries)}
    for name, right in (("app", app_right), ("matcher", matcher_right), ("dtw_baseline", baseline_right)):
        top1, n = _sequential(len(queries), order, right)
        out[f"{name}_top1"], out[f"{name}_corrections"] = round(top1, 4), n
    return out
