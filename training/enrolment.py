"""Teaching signs to a model that never learnt them: who teaches which recordings, and the
embedding prototypes they make (shared by `training.transfer` and `training.personal_calibration`).
"""

from __future__ import annotations

import numpy as np

from arsl_desktop.core.personal_match import unit
from training.cache import Clip
from training.dataset import eval_features
from training.selection import first_per_sign


def enrolment(clips: list[Clip], signer: str, k: int) -> list[Clip]:
    """The first k training recordings (by name) of each sign by `signer`, sign by sign."""
    first, _ = first_per_sign([c for c in clips if c.signer == signer and c.split == "train"], k)
    return sorted(first, key=lambda c: (c.sign, c.sample))


def prototype_scores(embed, enrolled: list[Clip], queries: list[Clip], signs: list[int],
                     seq_len: int) -> np.ndarray:
    """(len(queries), len(signs)) cosine similarity to each sign's mean normalised embedding."""
    def embedded(clips: list[Clip]) -> np.ndarray:
        return unit(embed(np.stack([eval_features(c, seq_len) for c in clips])))

    e_enrol, e_query = embedded(enrolled), embedded(queries)
    protos = unit(np.stack([e_enrol[[c.sign == s for c in enrolled]].mean(0) for s in signs]))
    return e_query @ protos.T
