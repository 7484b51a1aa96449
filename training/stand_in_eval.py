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
row k. The rows themselves are computed by `personal_eval` (`known_word_episodes`,
`known_word_row`, `stand_in_choices`); this module holds the candidates and the choice.
"""

from __future__ import annotations

import numpy as np

STAND_IN_CHOICES = (0.0, 0.5, 0.7, 0.9)  # 0: no stand-ins


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
