"""Matching a segment against the user's personal signs, in one ranked list with the KArSL signs.

The user's own recordings decide. Each example is kept as a match sequence
(`core.matching`: body-relative keypoints of its signing span at `MATCH_STEPS` instants), and a
segment is aligned with every example by DTW (the nearest `SHORTLIST` exactly). A personal
sign's distance d is its nearest example's: the user's keypoints alone rank the personal signs.
Where the model has an `embedding` output and the fusion says so (`embed_weight`), the gate's
distance d_gate also grows with the segment's cosine distance to each example's embedding: the
model helps decide whether a segment is a personal sign at all (a known sign that looks like a
taught one), never which one. Then a mixture of two experts (`joint_probabilities`):

    g        = sigmoid(gate_bias - gate_slope * min d_gate - gate_confidence * max p_model)
               how close the nearest personal sign is, against how sure the model is
    p_pers   = softmax(-sharpness * d) over the personal signs offered (d <= max_distance)
    p(sign)  = (1 - g) * p_model(sign) + g * p_pers(personal signs of that sign)

A segment close to the user's own examples is named by them, whatever the model learnt from
other signers (a user who taught their way of sign 78 is not told "74": a close match outweighs
even a certain model); a segment close to none leaves the model's ranking as it was; a personal sign farther than `max_distance` is never
offered. Examples of a KArSL sign (`karsl_id` set, "adaptation") add their mass to that sign.
A new word whose examples the model reads as one of its classes (`stand_ins`: a mean probability
of at least `stand_in`) is the user's name for that sign: its mass joins the class's, and the
class is named by the word wherever the segment is within `max_distance` of the word's examples
(`stand_in_winner`): a user who teaches a sign the model knows, as a new word, gets their word.
The numbers are fitted by `training.personal_eval` (taught-sign and model-sign queries,
NLL on validation recordings) and carried in the model's metadata (`arsl_personal`, with
`matcher` = `MATCH_VERSION`); a model without them uses `FUSION_DEFAULT`, fitted the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from arsl_desktop.core import matching
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.personal_store import PersonalSign


@dataclass(frozen=True)
class Fusion:
    sharpness: float  # p_pers ~ exp(-sharpness * distance)
    gate_bias: float
    gate_slope: float  # g = sigmoid(gate_bias - gate_slope * nearest distance)
    max_distance: float  # a personal sign farther than this is not offered
    embed_weight: float = 0.0  # the gate's distance += embed_weight * (1 - cosine of the embeddings)
    gate_confidence: float = 0.0  # the gate closes as the model's top probability rises
    stand_in: float = 0.0  # a new word stands in for the class the model reads its examples as, this sure (0: never)

    def as_dict(self) -> dict:
        return {"matcher": matching.MATCH_VERSION, "sharpness": self.sharpness, "gate_bias": self.gate_bias,
                "gate_slope": self.gate_slope, "max_distance": self.max_distance,
                "embed_weight": self.embed_weight, "gate_confidence": self.gate_confidence,
                "stand_in": self.stand_in}


# Fitted by `python -m training.evaluate --personal --variant w1_cam --threads 1 --out runs/personal
# --webcam-cache cache/webcam` (training.personal_eval; runs/personal/personal.json "fusion"); used
# for a model whose metadata carries no fusion for this matcher (the embedding term only where the
# model has an embedding output).
FUSION_DEFAULT = Fusion(sharpness=4.0, gate_bias=10.0, gate_slope=1.0, max_distance=6.18, embed_weight=1.0,
                        gate_confidence=8.0, stand_in=0.9)


def fusion_of(classifier: SignClassifier) -> Fusion:
    meta = classifier.info("personal")
    if not isinstance(meta, dict) or meta.get("matcher") != matching.MATCH_VERSION:
        return FUSION_DEFAULT if classifier.embedding_dim else replace(FUSION_DEFAULT, embed_weight=0.0)
    try:
        weight = float(meta.get("embed_weight", 0.0)) if classifier.embedding_dim else 0.0
        return Fusion(float(meta["sharpness"]), float(meta["gate_bias"]), float(meta["gate_slope"]),
                      float(meta["max_distance"]), weight, float(meta.get("gate_confidence", 0.0)),
                      float(meta.get("stand_in", 0.0)))
    except (TypeError, KeyError, ValueError):
        return FUSION_DEFAULT


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def sign_distances(example_distances: np.ndarray, owner: np.ndarray, n_signs: int) -> np.ndarray:
    """(..., n_examples) -> (..., n_signs): each sign's nearest example (inf for a sign with none)."""
    d = np.asarray(example_distances, np.float64)
    out = np.full(d.shape[:-1] + (n_signs,), np.inf)
    owner = np.asarray(owner, int)
    if owner.size == 0:
        return out
    order = np.argsort(owner, kind="stable")
    signs, starts = np.unique(owner[order], return_index=True)
    out[..., signs] = np.minimum.reduceat(d[..., order], starts, axis=-1)
    return out


def match_and_gate_distances(example_distances: np.ndarray, cosines: np.ndarray | None, owner: np.ndarray,
                             n_signs: int, embed_weight: float) -> tuple[np.ndarray, np.ndarray]:
    """(..., n_examples) match distances (and the examples' embedding cosines to the segment, or
    None) -> each sign's distance twice, (..., n_signs): its nearest example's match distance,
    which ranks the personal signs, and the gate's, the nearest of match distance +
    `embed_weight` x (1 - cosine) (the first again where there is no embedding term)."""
    by_match = sign_distances(example_distances, owner, n_signs)
    if cosines is None or not embed_weight:
        return by_match, by_match
    return by_match, sign_distances(np.asarray(example_distances, np.float64) + embed_weight * (1.0 - cosines),
                                    owner, n_signs)


def stand_ins(example_probs: np.ndarray, owner: np.ndarray, adapts: np.ndarray, sure: float) -> np.ndarray:
    """(S,) the model class each new word stands in for, -1 for none.

    A new word whose examples the model reads as one of its own classes (their mean probability
    of it at least `sure`) is the user's name for that sign: the model's vote for the class
    counts for the word where a segment is within reach of the word's examples (`stand_in_winner`).
    Signs that adapt a class, and classes a personal sign adapts, are left alone; `sure` 0: none."""
    adapts = np.asarray(adapts, int)
    out = np.full(len(adapts), -1)
    probs = np.asarray(example_probs, np.float64)
    if sure <= 0 or probs.ndim != 2 or probs.shape[1] == 0:
        return out
    owner = np.asarray(owner, int)
    for j in np.nonzero(adapts < 0)[0]:
        mine = probs[owner == j]
        if len(mine):
            mean = mine.mean(axis=0)
            c = int(mean.argmax())
            if mean[c] >= sure and c not in adapts:
                out[j] = c
    return out


def stand_in_winner(cls: int, stands: np.ndarray, distances: np.ndarray, max_distance: float) -> int | None:
    """The new word that takes class `cls`'s place for one segment: of those standing in for it,
    the nearest within `max_distance` of the segment (None: the class keeps its name)."""
    mine = [j for j in np.nonzero(np.asarray(stands) == cls)[0] if distances[j] <= max_distance]
    return int(min(mine, key=lambda j: distances[j])) if mine else None


def joint_probabilities(probs: np.ndarray, distances: np.ndarray, adapts: np.ndarray, fusion: Fusion,
                        gate_distances: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The mixture of the model and the personal signs, for (Q, C) model probabilities and (Q, S)
    personal-sign distances (`gate_distances`: the gate's, with the embedding term; default the
    same). `adapts[j]` is the model class index personal sign j adapts, or -1.

    Returns (model classes (Q, C), personal signs (Q, S)): the first already holds the mass of the
    adapting personal signs; the second is each personal sign's own share (for new words, their
    probability; for adaptations, the part of their class's probability that they carry)."""
    probs = np.atleast_2d(np.asarray(probs, np.float64))
    d = np.atleast_2d(np.asarray(distances, np.float64))
    offered = d <= fusion.max_distance
    if d.shape[1] == 0:
        return probs.copy(), np.zeros_like(d)
    gd = d if gate_distances is None else np.atleast_2d(np.asarray(gate_distances, np.float64))
    nearest = np.where(offered, gd, np.inf).min(axis=1)
    evidence = (fusion.gate_bias - fusion.gate_slope * np.where(np.isfinite(nearest), nearest, 0.0)
                - fusion.gate_confidence * (probs.max(axis=1) if probs.shape[1] else 0.0))
    gate = np.where(np.isfinite(nearest), 1.0 / (1.0 + np.exp(-evidence)), 0.0)
    z = np.where(offered, -fusion.sharpness * d, -np.inf)
    z_max = np.where(np.isfinite(nearest), z.max(axis=1), 0.0)[:, None]
    e = np.where(offered, np.exp(z - z_max), 0.0)
    p_pers = gate[:, None] * e / np.maximum(e.sum(axis=1, keepdims=True), 1e-300)
    p_model = (1.0 - gate)[:, None] * probs
    for j, c in enumerate(np.asarray(adapts, int)):
        if c >= 0:
            p_model[:, c] += p_pers[:, j]
    return p_model, p_pers


class PersonalIndex:
    """The personal signs with readable examples, prepared for one classifier."""

    def __init__(self, classifier: SignClassifier, entries: list[tuple[PersonalSign, np.ndarray, np.ndarray]]) -> None:
        """`entries`: each sign with its examples' match sequences (n, L, MATCH_DIM) and the
        model's reading of them (n, D + C: unit embedding, 0 wide without one, then the class
        probabilities; (n, 0) where not computed); signs with no example are left out."""
        entries = [e for e in entries if len(e[1])]
        self.signs = [s for s, _, _ in entries]
        self.counts = [len(m) for _, m, _ in entries]
        self.fusion = fusion_of(classifier)
        self.mode = "matching+embedding" if self.fusion.embed_weight > 0 else "matching"
        self.owner = np.repeat(np.arange(len(self.signs)), self.counts) if self.signs else np.zeros(0, int)
        self.bank = matching.ExampleBank(np.concatenate([m for _, m, _ in entries]) if entries else np.zeros(0))
        dim = classifier.embedding_dim or 0
        outputs = [np.asarray(o, np.float64).reshape(len(m), -1) for _, m, o in entries]
        self.embeddings = (np.concatenate([o[:, :dim] for o in outputs]).astype(np.float32)
                           if entries and self.fusion.embed_weight > 0 else None)  # float32: half the reading
        index_of = {int(c): i for i, c in enumerate(classifier.class_ids)}
        self.adapts = np.array([index_of.get(s.karsl_id, -1) if s.karsl_id is not None else -1
                                for s in self.signs], int)
        n_classes = len(classifier.class_ids)
        probs = (np.concatenate([o[:, dim:] for o in outputs]) if entries and all(
            o.shape[1] == dim + n_classes for o in outputs) else np.zeros((0, 0)))
        self.stands = stand_ins(probs, self.owner, self.adapts, self.fusion.stand_in)

    def __len__(self) -> int:
        return len(self.signs)

    @property
    def mass_of(self) -> np.ndarray:
        """(S,) the model class whose probability each personal sign's mass joins (its class for an
        adaptation, the class a new word stands in for), -1 for a new word of its own."""
        return np.where(self.stands >= 0, self.stands, self.adapts)

    def distances(self, match: np.ndarray, embedding: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Each personal sign's distance to a segment, (n_signs,) twice: by its nearest example's
        match sequence (which ranks the personal signs), and the gate's (the same plus the
        embedding term where the fusion uses one)."""
        if not self.signs:
            return np.zeros(0), np.zeros(0)
        cos = (None if self.embeddings is None or embedding is None
               else (self.embeddings @ unit(np.asarray(embedding, np.float64).ravel()).astype(np.float32))
               .astype(np.float64))
        return match_and_gate_distances(self.bank.distances(match), cos, self.owner, len(self.signs),
                                        self.fusion.embed_weight)


@dataclass(frozen=True)
class Candidate:
    """One entry of the joint ranking."""

    karsl_id: int | None  # the KArSL sign (model class or the sign a personal one adapts)
    personal: PersonalSign | None  # the personal sign, if personal examples decided this entry
    prob: float


def joint_best(probs: np.ndarray, distances: np.ndarray, gate_distances: np.ndarray,
               index: PersonalIndex) -> tuple[np.ndarray, np.ndarray]:
    """For (Q, C) model probabilities and (Q, S) personal-sign distances (the match's and the
    gate's): each row's likeliest entry of the joint ranking (`joint_ranking`), (Q,) its
    probability and (Q,) which entry it is (a model class c, its adapting and standing-in personal
    signs' mass included: c; a new word j of its own: C + j)."""
    mass_of = index.mass_of
    p_model, p_pers = joint_probabilities(probs, distances, mass_of, index.fusion, gate_distances)
    both = np.concatenate([p_model, np.where(mass_of[None] < 0, p_pers, 0.0)], axis=1)
    return both.max(axis=1), both.argmax(axis=1)


# An adapted KArSL sign is shown as personal when the user's own examples carry at least this share
# of its probability.
ADAPTED_SHARE = 1 / 3


def joint_ranking(class_ids: list[int], logits: np.ndarray, index: PersonalIndex | None,
                  distances: np.ndarray | None, k: int, gate_distances: np.ndarray | None = None) -> list[Candidate]:
    """The model's classes and the personal signs in one list (`joint_probabilities`), best first."""
    probs = SignClassifier.softmax(np.asarray(logits, np.float64).ravel())
    if index is None or distances is None or not len(index):
        cands = [Candidate(int(c), None, float(q)) for c, q in zip(class_ids, probs, strict=True)]
        return sorted(cands, key=lambda c: -c.prob)[:k]
    mass_of = index.mass_of  # a stand-in's mass joins its class's
    p_model, p_pers = (a[0] for a in joint_probabilities(
        probs[None], np.asarray(distances)[None], mass_of, index.fusion,
        None if gate_distances is None else np.asarray(gate_distances)[None]))
    # Entries of their own: new words, and adaptations of a KArSL sign this model does not know
    # (under that id). Only the k likeliest can be listed: the others are not made (with hundreds
    # of taught signs, making and sorting every entry cost more than the matching); a stable order,
    # so ties keep the store's order as before.
    own = np.nonzero((mass_of < 0) & (p_pers > 0))[0]
    if len(own) > k:
        own = np.sort(own[np.argsort(-p_pers[own], kind="stable")[:k]])
    cands = [Candidate(index.signs[j].karsl_id, index.signs[j], float(p_pers[j])) for j in own]
    # the likeliest personal sign behind each class, and the share of the class it carries (a
    # stand-in's mass is in its class's, which it names when it wins, below)
    behind: dict[int, tuple[PersonalSign, float]] = {}
    pers_sum: dict[int, float] = {}
    for j in np.nonzero((mass_of >= 0) & (index.stands < 0))[0]:
        c, q = int(mass_of[j]), float(p_pers[j])
        pers_sum[c] = pers_sum.get(c, 0.0) + q
        if q > 0 and (c not in behind or q > behind[c][1]):
            behind[c] = (index.signs[j], q)
    standing = set(index.stands[index.stands >= 0].tolist())
    for c, cid in enumerate(class_ids):
        total = float(p_model[c])
        word = (stand_in_winner(c, index.stands, np.asarray(distances), index.fusion.max_distance)
                if c in standing else None)
        if word is not None:
            cands.append(Candidate(None, index.signs[word], total))
            continue
        mine = behind.get(c)
        shown = mine[0] if mine and total > 0 and pers_sum[c] >= ADAPTED_SHARE * total else None
        cands.append(Candidate(int(cid), shown, total))
    cands.sort(key=lambda c: -c.prob)
    return cands[:k]
