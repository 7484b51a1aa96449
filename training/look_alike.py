"""Recordings that look like another taught sign (issue 17): what no matcher of the user's first
examples can name, measured after the fit and never chosen on.

Every recording of the adaptation row (e) is judged twice, independently: by the matcher, from
the signer's own first k examples among the taught signs, and by the model trained on the other
signer only, which knows all six signs but never saw this signer. A recording that both name as
the same other taught sign (the model with probability at least `SURE`) looks like that sign to
the signer's own examples and to another signer's way of it: the signer's way drifted (signer
01's later repetitions of 75 end at the throat with the chin raised, as their 76 does), which no
matching of the first examples can follow; a correction (`training.corrections_eval`) can.

Whether a recording looks like another sign is a matter of how it was signed, not of the camera:
it is judged on the studio keypoints, and the webcam-like rendering of the same recording counts
the same. For rows a and e at the same k (the same examples, the same recordings named), the
figures are then given over the other recordings as well: the app, the matcher and the DTW
baseline, so the misses that are not such look-alikes stand out. Nothing is fitted on it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from arsl_desktop.core.personal_match import sign_distances

SURE = 0.5  # the other signer's model names the other sign with at least this probability


def _named(ep, comp, new_signs: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(Q,) twice: each query's taught sign, and the one the matcher names (indices into `new_signs`)."""
    truth = np.array([new_signs.index(c.sign) for c in ep.queries])
    return truth, sign_distances(comp.dtw, comp.owner, len(new_signs)).argmin(axis=1)


def look_alikes(e_ep, e_comp, new_signs: list[int], sure: float = SURE) -> np.ndarray:
    """(Q,) bool: the recordings of row e (`personal_eval.Episode`, `Computed`) that the matcher
    and the other signer's model both name as the same other taught sign."""
    ids = list(e_ep.view.class_ids)
    truth, matched = _named(e_ep, e_comp, new_signs)
    cols = [ids.index(s) for s in new_signs]  # the model's classes of the taught signs
    p = e_comp.probs[:, cols]
    model = p.argmax(axis=1)
    return (matched != truth) & (model == matched) & (p.max(axis=1) >= sure)


def look_alike_row(a_ep, a_comp, e_ep, e_comp, new_signs: list[int], fusion, joint: Callable,
                   samples: set[str] | None = None) -> dict:
    """Rows a and e of one signer, k and data (the same examples and recordings): how many
    recordings look like another taught sign (`samples`: these recordings, as judged on other
    keypoints of them; default judged here), which, and each figure over the others (the DTW
    baseline's as `compute` scored it, `Computed.baseline_right`)."""
    if [c.sample for c in a_ep.queries] != [c.sample for c in e_ep.queries]:
        raise ValueError("rows a and e must name the same recordings")
    alike = (look_alikes(e_ep, e_comp, new_signs) if samples is None
             else np.array([c.sample in samples for c in e_ep.queries], bool))
    rest = ~alike
    truth, matched = _named(e_ep, e_comp, new_signs)
    mistaken = Counter(f"{c.sign} → {new_signs[m]}" if m != t else f"{c.sign} (named right)"
                       for c, m, t, a in zip(e_ep.queries, matched, truth, alike, strict=True) if a)

    def top1(right: np.ndarray) -> float:
        return round(float(right[rest].mean()), 4) if rest.any() else 0.0

    return {"data": e_ep.data, "signer": e_ep.signer, "k": e_ep.k, "queries": len(e_ep.queries),
            "look_alike": int(alike.sum()), "as": dict(sorted(mistaken.items())),
            "samples": [c.sample for c, a in zip(e_ep.queries, alike, strict=True) if a],
            "a_app_top1_rest": top1(joint(a_comp, fusion).argmax(1) == a_comp.target),
            "e_app_top1_rest": top1(joint(e_comp, fusion).argmax(1) == e_comp.target),
            "matcher_top1_rest": top1(matched == truth), "dtw_baseline_top1_rest": top1(e_comp.baseline_right)}


def look_alike_rows(eps: list, comps: list, new_signs: list[int], fusion, joint: Callable, k: int = 3) -> list[dict]:
    """`look_alike_row` for every signer and data at `k`, the look-alikes judged on the original
    keypoints and carried to the webcam-like renderings of the same recordings."""
    pairs = {}
    for ep, comp in zip(eps, comps, strict=True):
        if ep.k == k and ep.row in ("a", "e"):
            pairs.setdefault((ep.data, ep.signer), {})[ep.row] = (ep, comp)
    judged: dict[str, set[str]] = {}
    out = []
    for (data, signer), rows in sorted(pairs.items(), key=lambda kv: (kv[0][0] != "original", kv[0])):
        if set(rows) != {"a", "e"}:
            continue
        (a_ep, a_comp), (e_ep, e_comp) = rows["a"], rows["e"]
        row = look_alike_row(a_ep, a_comp, e_ep, e_comp, new_signs, fusion, joint,
                             None if data == "original" else judged.get(signer))
        if data == "original":
            judged[signer] = set(row["samples"])
        out.append(row)
    return out
