"""A new word the model already knows (issue 17): stand-ins measured, and their threshold chosen,
on validation recordings.

A user teaching a word does not know which signs the model learnt. Where they teach, as a new
word, a sign the model knows, the model is sure of its own name for it, often surer than the
gate lets the user's examples outweigh, and the app answered with the model's name instead of
the user's word. A new word whose examples the model reads as one of its classes, with a mean
probability of at least `Fusion.stand_in`, stands in for that class: the model's vote for it
counts for the word wherever a segment is within reach of the word's examples
(`core.personal_match.stand_ins`, `stand_in_winner`).

Row k measures it (`known_word_episodes`): the validation case's model (`personal_eval`'s
`validation`, which learnt 71-77 from other recordings) and signer X, who teaches 71-76 as new
words from their first 3 recordings that model never learnt from; X's other such recordings are
named among the model's signs and the taught words, which must win. The threshold is chosen on
`stand_in_choices`, the fitted fusion with each candidate on every row that could lose by it and
on row k (`choose`): among the thresholds that keep the fit's guards (the model's own signs, known
look-alikes) and give "no sign" no more taught names than none, the best mean top-1 of the taught
rows (the fit's own objective: stand-ins must not cost the rows the fusion was fitted on), then of
row k.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from arsl_desktop.core.personal_match import Fusion
from training.cache import Clip
from training.personal_eval import (
    NEW,
    SIGNERS,
    THRESHOLD,
    Computed,
    Episode,
    ModelView,
    first_per_sign,
    joint,
    no_sign_result,
    row_result,
)

STAND_IN_CHOICES = (0.0, 0.5, 0.7, 0.9)  # 0: no stand-ins


def known_word_episodes(sets: dict[str, list[Clip]], view: ModelView, k: int = 3) -> list[Episode]:
    """Row k for each set of keypoints (original, webcam-like) and signer: 71-76 taught as new
    words to `view`, which knows them, from X's first k recordings it never learnt from."""
    out = []
    for data, clips in sets.items():
        for x in SIGNERS:
            mine = [c for c in clips if c.signer == x and c.split == "train" and c.sign in NEW
                    and c.sample not in view.trained_on]
            own, rest = first_per_sign(mine, k)
            if len(own) == k * len(NEW) and rest:
                out.append(Episode("k", data, x, k, view, own, rest, False))
    return out


def known_word_row(ep: Episode, comp: Computed, fusion: Fusion) -> dict:
    """Row k's figures: the app (the taught word must win), and how often the model alone names
    the sign by its own name (what the app answered before stand-ins where the model was sure)."""
    ids = np.array(ep.view.class_ids)
    return {**row_result(ep, comp, fusion),
            "app_top1_without_stand_ins": round(float((joint(comp, replace(fusion, stand_in=0.0)).argmax(1)
                                                       == comp.target).mean()), 4),
            "model_alone_names_its_sign": round(float((ids[comp.probs.argmax(1)]
                                                       == np.array([q.sign for q in ep.queries])).mean()), 4),
            "stand_ins": int((comp.stands(fusion) >= 0).sum())}


def _top1(c: Computed, f: Fusion) -> float:
    return float((joint(c, f).argmax(1) == c.target).mean())


def stand_in_choices(fusion: Fusion, taught: list[Computed], known: Computed, lookalike: list[Computed],
                     no_sign: list[tuple[Episode, Computed]], known_words: list[Computed]) -> list[dict]:
    """The fitted fusion with each `STAND_IN_CHOICES` threshold, on every row it touches."""
    out = []
    for sure in STAND_IN_CHOICES:
        f = replace(fusion, stand_in=sure)
        out.append({"stand_in": sure,
                    "taught_mean_top1": round(float(np.mean([_top1(c, f) for c in taught])), 4),
                    "known_top1": round(_top1(known, f), 4),
                    "lookalike_top1": [round(_top1(c, f), 4) for c in lookalike],
                    "no_sign_named_taught": [no_sign_result(ep, c, f, THRESHOLD)["named_taught_share"]
                                             for ep, c in no_sign],
                    "known_words_top1": [round(_top1(c, f), 4) for c in known_words]})
    return out


def choose(choices: list[dict], known_alone: float, lookalike_alone: list[float], keep: float,
           lookalike_keep: float) -> float:
    """The stand-in threshold (see the module): 0 when no other keeps the guards."""
    base = next(c for c in choices if c["stand_in"] == 0.0)

    def guarded(c: dict) -> bool:
        return (c["known_top1"] >= keep * known_alone
                and all(v >= a - lookalike_keep for v, a in zip(c["lookalike_top1"], lookalike_alone, strict=True))
                and all(v <= b for v, b in zip(c["no_sign_named_taught"], base["no_sign_named_taught"], strict=True)))

    ok = [c for c in choices if guarded(c)] or [base]
    return max(ok, key=lambda c: (round(c["taught_mean_top1"], 4), float(np.mean(c["known_words_top1"] or [0.0])),
                                  c["stand_in"]))["stand_in"]
