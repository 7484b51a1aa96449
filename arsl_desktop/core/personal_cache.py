"""The caches on disk of the personal signs' examples, beside the signs (`.cache/` of the signs
folder, which the store never reads as a sign): each example's match sequence, one small file
per sign in a folder per matcher (`MatchCache`), and the model's readings, one file per model
(`OutputCache`). Keyed by example file, modification time and size; written atomically; a
missing, damaged or foreign file only costs the time to prepare its examples again. The caches
of models and matchers no longer used are removed when newer ones are written (`prune`)."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import shutil
from pathlib import Path

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core import matching
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.personal_files import PersonalSign, atomic_write
from arsl_desktop.core.personal_match import fusion_of

KEEP_MODELS = 3  # the models whose readings stay cached (the most recently written: switching between
# a few models costs nothing again; a retrained model every day does not fill the disk)
KEEP_MATCHERS = 2  # the matchers whose match sequences stay cached (another comes with an app update)


@functools.lru_cache(maxsize=8)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    """The model file's digest (hashed once per file version: a refresh or a priming hashes no more)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def needs_outputs(classifier: SignClassifier) -> bool:
    """Whether the personal signs need the model's reading of the examples with this model: its
    embedding where the fusion weighs it in (`Fusion.embed_weight`), its class probabilities where
    a new word may stand in for a class (`Fusion.stand_in`)."""
    fusion = fusion_of(classifier)
    return (bool(classifier.embedding_dim) and fusion.embed_weight > 0) or fusion.stand_in > 0


class _KeyedArrays:
    """Float32 arrays kept on disk beside the signs (`.cache/` of the signs folder, which the store
    never reads as a sign), keyed by example file, modification time and size; written atomically.
    An unreadable or foreign file is ignored and rewritten: it only saves time."""

    def __init__(self, path: Path, shape: tuple[int, ...]) -> None:
        self.path = path
        self.shape = shape

    def read(self) -> dict[tuple, np.ndarray]:
        try:
            with np.load(self.path, allow_pickle=False) as z:
                keys, vectors = z["keys"], z["vectors"]
            if vectors.dtype != np.float32 or vectors.shape[1:] != self.shape or len(keys) != len(vectors):
                return {}
            return {tuple(json.loads(str(k))): v for k, v in zip(keys, vectors, strict=True)}
        except Exception:  # noqa: BLE001 - missing, damaged or foreign: prepare the examples again
            return {}

    def write(self, entries: dict[tuple, np.ndarray]) -> None:
        if not entries:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            buf = io.BytesIO()
            np.savez(buf, keys=np.array([json.dumps(list(k)) for k in entries]),
                     vectors=np.stack(list(entries.values())).astype(np.float32))
            atomic_write(self.path, buf.getvalue())
        except OSError:
            pass  # a read-only folder: prepared again next time


def prune(kept: Path, pattern: str, keep: int) -> None:
    """Remove the caches beside `kept` matching `pattern` (`kept` itself among them) but the `keep`
    most recently written, so that caches of models and matchers no longer used do not pile up.
    Best effort: what cannot be removed (another process using it) stays for next time."""
    try:
        found = sorted(kept.parent.glob(pattern), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for old in [p for p in found if p != kept][max(keep - 1, 0):]:
        try:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
        except OSError:
            pass


class OutputCache(_KeyedArrays):
    """The model's readings of examples (`example_outputs`), kept on disk per model (by the
    model's bytes): a window or command that starts again runs the model only on what is new.
    The readings of the `KEEP_MODELS` models written last are kept, the others removed."""

    def __init__(self, root: Path, classifier: SignClassifier) -> None:
        st = Path(classifier.path).stat()
        digest = _digest(str(classifier.path), st.st_mtime_ns, st.st_size)
        super().__init__(Path(root) / ".cache" / f"outputs-{digest}.npz",
                         ((classifier.embedding_dim or 0) + len(classifier.class_ids),))

    def write(self, entries: dict[tuple, np.ndarray]) -> None:
        super().write(entries)
        if entries:
            prune(self.path, "outputs-*.npz", KEEP_MODELS)


@functools.lru_cache(maxsize=1)
def match_digest() -> str:
    """What a match sequence depends on besides its recording: the matcher's version and numbers,
    the keypoint schema, and the code that builds it, where its source can be read (an installed
    bundle keeps only the numbers)."""
    h = hashlib.sha256(repr((matching.MATCH_VERSION, F.KEYPOINT_SCHEMA, matching.MATCH_STEPS, matching.MATCH_DIM,
                             matching.BODY_WEIGHT, matching.HAND_SHAPE_WEIGHT, matching.HAND_UP_Y,
                             F.RAISED_Y)).encode())
    for module in (matching, F):
        try:
            h.update(Path(module.__file__).read_bytes())
        except (OSError, TypeError):
            pass
    return h.hexdigest()[:16]


class MatchCache:
    """Each example's match sequence (`example_match`), kept on disk one file per sign (in a
    folder per matcher, `match_digest`): it depends on the recording and the matcher, not the
    model, so a window or command that starts again reads one small file per sign instead of
    every example, and teaching a sign writes only its own."""

    def __init__(self, root: Path) -> None:
        self.folder = Path(root) / ".cache" / f"match-{match_digest()}"

    def of(self, sign: PersonalSign) -> _KeyedArrays:
        return _KeyedArrays(self.folder / f"{sign.key}.npz", (matching.MATCH_STEPS, matching.MATCH_DIM))

    def prune(self) -> None:
        """Keep the folders of the `KEEP_MATCHERS` matchers written last (this one after a write)."""
        prune(self.folder, "match-*", KEEP_MATCHERS)
