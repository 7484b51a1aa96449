"""Matching a segment against the user's personal signs, in one ranked list with the KArSL signs.

With a model that has an `embedding` output, each personal sign is the prototype of its
examples (the mean of their unit embeddings); a segment's cosine similarity to a prototype
becomes a logit `scale * cos + offset` on the same scale as the model's calibrated logits, and
one softmax over KArSL and personal logits ranks them all. The scale and offset are fitted by
`training.transfer` (signs the model never learnt, enrolled from a few clips, named among all
signs) and carried in the model's metadata (`arsl_personal`). A sign below `min_similarity`
is not offered at all ("not close enough").

A model without the embedding output falls back to the features: DTW distance to the nearest
example, logit `offset - scale * distance` (`FEATURE_FALLBACK`); the UI says so.

Examples of a KArSL sign (`karsl_id` set) are adaptation: their probability is added to that
sign's, so the sign is pulled toward how this user signs it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.dtw import dtw_distances
from arsl_desktop.core.personal_store import Example, PersonalSign, PersonalStore, StoreContents, StoreError


@dataclass(frozen=True)
class Calibration:
    scale: float
    offset: float
    min_similarity: float  # embedding: cosine; features: minus the largest distance allowed


# Fitted by `python -m training.evaluate --transfer --out runs/transfer --into runs/figures.json`
# (`training.personal_calibration`, the recipe's transfer model, k = 3): "embedding" for a model
# with an embedding that does not carry `arsl_personal`, "features_dtw" for one without an
# embedding output (DTW distance per step -> logit).
EMBEDDING_DEFAULT = Calibration(scale=11.0, offset=3.0, min_similarity=0.18)
FEATURE_FALLBACK = Calibration(scale=2.0, offset=13.0, min_similarity=-4.8)


def calibration_of(classifier: SignClassifier) -> Calibration:
    if classifier.embedding_dim is None:
        return FEATURE_FALLBACK
    meta = classifier.info("personal")
    try:
        return Calibration(float(meta["scale"]), float(meta["offset"]), float(meta["min_similarity"]))
    except (TypeError, KeyError, ValueError):
        return EMBEDDING_DEFAULT


def example_sequence(ex: Example, seq_len: int) -> np.ndarray:
    """The model input for one example: trimmed and resampled exactly as a live segment."""
    return F.clip_sequence(ex.xyz, ex.present, ex.times, seq_len, ex.aspect)


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def example_vectors(classifier: SignClassifier, examples: list[Example]) -> np.ndarray:
    """What the index keeps per example: its unit embedding (n, D), or its model input
    (n, seq_len, FEATURE_DIM) when the model has no embedding output."""
    seqs = np.stack([example_sequence(e, classifier.seq_len) for e in examples])
    if classifier.embedding_dim:
        return unit(classifier.outputs(seqs)[1])
    return seqs.astype(np.float64)


class PersonalIndex:
    """The personal signs with readable examples, prepared for one classifier."""

    def __init__(self, classifier: SignClassifier, entries: list[tuple[PersonalSign, np.ndarray]]) -> None:
        """`entries`: each sign with its examples' `example_vectors` (signs with none are left out)."""
        entries = [(s, v) for s, v in entries if len(v)]
        self.signs = [s for s, _ in entries]
        self.counts = [len(v) for _, v in entries]
        self.calibration = calibration_of(classifier)
        self.mode = "embedding" if classifier.embedding_dim else "features"
        self._owner = np.repeat(np.arange(len(self.signs)), self.counts) if self.signs else np.zeros(0, int)
        if self.mode == "embedding":
            self.prototypes = (unit(np.stack([v.mean(0) for _, v in entries])) if entries
                               else np.zeros((0, classifier.embedding_dim or 0)))
        else:
            self._seqs = (np.concatenate([v for _, v in entries]) if entries
                          else np.zeros((0, classifier.seq_len, F.FEATURE_DIM)))

    def __len__(self) -> int:
        return len(self.signs)

    def similarities(self, sequence: np.ndarray, embedding: np.ndarray | None) -> np.ndarray:
        """(n_signs,) cosine to each prototype, or minus the DTW distance to each sign's nearest example."""
        if not self.signs:
            return np.zeros(0)
        if self.mode == "embedding" and embedding is not None:
            return self.prototypes @ unit(np.asarray(embedding, np.float64).ravel())
        d = dtw_distances(np.asarray(sequence, np.float64), self._seqs)
        return np.array([-d[self._owner == i].min() for i in range(len(self.signs))])

    def logits(self, sequence: np.ndarray, embedding: np.ndarray | None) -> np.ndarray:
        """(n_signs,) logits on the model's scale; -inf for a sign not close enough to offer."""
        sim = self.similarities(sequence, embedding)
        c = self.calibration
        return np.where(sim >= c.min_similarity, c.scale * sim + c.offset, -np.inf)


@dataclass(frozen=True)
class Candidate:
    """One entry of the joint ranking."""

    karsl_id: int | None  # the KArSL sign (model class or the sign a personal one adapts)
    personal: PersonalSign | None  # the personal sign, if personal examples decided this entry
    prob: float


# An adapted KArSL sign is shown as personal when the user's own examples carry at least this share
# of its probability: a near-perfect match to them (cosine ~1) gets about 0.4 beside a model that is
# sure of the sign itself, so a third marks "your way of this sign matched".
ADAPTED_SHARE = 1 / 3


def joint_ranking(class_ids: list[int], logits: np.ndarray, index: PersonalIndex | None,
                  personal_logits: np.ndarray | None, k: int) -> list[Candidate]:
    """One softmax over the model's classes and the personal signs; adapted signs merged."""
    z = np.asarray(logits, np.float64).ravel()
    p_logits = (np.asarray(personal_logits, np.float64).ravel()
                if index is not None and personal_logits is not None else np.zeros(0))
    p = SignClassifier.softmax(np.concatenate([z, p_logits]))
    p_model, p_personal = p[:len(z)], p[len(z):]
    # KArSL id -> (the model's probability, the personal examples' sum, the likeliest personal sign, its own)
    by_id: dict[int, tuple[float, float, PersonalSign | None, float]] = {
        int(c): (float(q), 0.0, None, 0.0) for c, q in zip(class_ids, p_model, strict=True)}
    new_words: list[Candidate] = []
    for i, q in enumerate(p_personal):
        sign = index.signs[i] if index is not None else None
        if sign is None or not np.isfinite(p_logits[i]):
            continue
        if sign.karsl_id is None:
            new_words.append(Candidate(None, sign, float(q)))
            continue
        model_q, pers_q, best, best_q = by_id.get(sign.karsl_id, (0.0, 0.0, None, 0.0))
        if best is None or q > best_q:
            best, best_q = sign, float(q)
        by_id[sign.karsl_id] = (model_q, pers_q + float(q), best, best_q)
    cands = [Candidate(cid, best if pers_q > 0 and pers_q >= ADAPTED_SHARE * (model_q + pers_q) else None,
                       model_q + pers_q)
             for cid, (model_q, pers_q, best, _) in by_id.items()] + new_words
    cands.sort(key=lambda c: -c.prob)
    return cands[:k]


class PersonalSigns:
    """The store as one classifier sees it, rebuilt when the store changes on disk."""

    def __init__(self, classifier: SignClassifier, store: PersonalStore | None = None) -> None:
        self.classifier = classifier
        self.store = store or PersonalStore()
        self._stamp: tuple | None = None
        self.index: PersonalIndex | None = None
        self.problems: tuple[str, ...] = ()
        self._cache: dict[tuple, np.ndarray] = {}

    @property
    def mode(self) -> str:
        """"embedding", or "features" when the model has no embedding output (less accurate)."""
        return "embedding" if self.classifier.embedding_dim else "features"

    def refresh(self, force: bool = False) -> bool:
        """Re-read the store if it changed; True if the index was rebuilt.

        Each example's vector is cached by (file, modification time, size), so after a change
        only new or rewritten examples are read and embedded again."""
        try:
            return self._refresh(force)
        except OSError as exc:  # the folder is unreadable (unplugged drive, permissions): keep going
            kept = "the signs read before are still used" if self.index else "personal signs are not used"
            problem = f"The personal signs folder {self.store.root} cannot be read ({exc.strerror or exc}); {kept}."
            if self.index is None:
                self.index = PersonalIndex(self.classifier, [])
            if problem not in self.problems:
                self.problems = (*self.problems, problem)
            return False

    def _refresh(self, force: bool) -> bool:
        stamp = self.store.stamp()
        if not force and stamp == self._stamp:
            return False
        contents: StoreContents = self.store.load()
        problems = list(contents.problems)
        cache, pending, layout = {}, [], []
        for sign in contents.signs:
            keys = []
            for name in sign.examples:
                path = sign.folder / name
                try:
                    st = path.stat()
                    key = (str(path), st.st_mtime_ns, st.st_size)
                except OSError:
                    problems.append(f"Example {name} of '{sign.en}' is missing (expected in {sign.folder}).")
                    continue
                if key in self._cache:
                    cache[key] = self._cache[key]
                else:
                    try:
                        pending.append((key, Example.from_bytes(path, f"Example {name} of '{sign.en}'")))
                    except StoreError as exc:
                        problems.append(f"{exc} (kept in {sign.folder}).")
                        continue
                keys.append(key)
            if not keys:
                problems.append(f"Personal sign '{sign.en}' has no readable example; it is not used.")
            layout.append((sign, keys))
        if pending:
            vectors = example_vectors(self.classifier, [ex for _, ex in pending])
            cache.update({key: v for (key, _), v in zip(pending, vectors, strict=True)})
        self._cache = cache  # only what the store still has
        self.index = PersonalIndex(self.classifier, [(s, np.stack([cache[k] for k in keys]) if keys else
                                                      np.zeros((0,))) for s, keys in layout])
        self.problems = tuple(problems)
        self._stamp = stamp
        return True
