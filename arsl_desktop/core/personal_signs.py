"""The personal signs as one classifier sees them: the store read, each example prepared once.

`PersonalSigns` reads the store (`core.personal_store`) and builds the `PersonalIndex` that
`core.personal_match` ranks with: each example's match sequence and, where the fusion uses them,
the model's reading of it (its embedding and class probabilities, `example_outputs`). Both are
cached in memory by (file, modification time, size), so after a change only new or rewritten
examples are prepared again; the model's readings are also cached on disk per model
(`OutputCache`), and whatever writes examples fills that cache (`prime_outputs`), so a window
or command that starts later runs the model on no example.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core import matching
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.personal_match import PersonalIndex, fusion_of, unit
from arsl_desktop.core.personal_store import (
    Example,
    PersonalStore,
    StoreContents,
    StoreError,
    atomic_write,
)


def example_match(ex: Example) -> np.ndarray:
    """An example's match sequence, cut exactly as a live segment is."""
    return matching.match_sequence(ex.xyz, ex.present, ex.times, ex.aspect)


EMBED_CHUNK = 64  # examples per model call when many are read at once


def example_outputs(classifier: SignClassifier, examples: list[Example]) -> np.ndarray:
    """(n, D + C) the model's reading of each example: its unit embedding (D; 0 wide for a model
    without one) and its calibrated class probabilities (C), from one pass.

    Many examples (a store read after a model change) are run in chunks on two threads: the
    model call releases the interpreter, so one chunk's features are computed while the other's
    model call runs, and two cores share the calls (onnxruntime sessions may be run concurrently)."""
    width = (classifier.embedding_dim or 0) + len(classifier.class_ids)
    if not examples:
        return np.zeros((0, width))

    def run(part: list[Example]) -> np.ndarray:
        seqs = np.stack([F.clip_sequence(e.xyz, e.present, e.times, classifier.seq_len, e.aspect) for e in part])
        logits, emb = classifier.outputs(seqs)
        emb = unit(emb) if emb is not None else np.zeros((len(part), 0))
        return np.concatenate([emb, SignClassifier.softmax(logits)], axis=1)

    chunks = [examples[i:i + EMBED_CHUNK] for i in range(0, len(examples), EMBED_CHUNK)]
    if len(chunks) == 1:
        return run(chunks[0])
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="embed") as pool:
        return np.concatenate(list(pool.map(run, chunks)))


@functools.lru_cache(maxsize=8)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    """The model file's digest (hashed once per file version: a refresh or a priming hashes no more)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def example_key(path: Path) -> tuple:
    """What an example is cached by: its file, modification time and size (OSError if it is gone)."""
    st = path.stat()
    return (str(path), st.st_mtime_ns, st.st_size)


def needs_outputs(classifier: SignClassifier) -> bool:
    """Whether the personal signs need the model's reading of the examples with this model: its
    embedding where the fusion weighs it in (`Fusion.embed_weight`), its class probabilities where
    a new word may stand in for a class (`Fusion.stand_in`)."""
    fusion = fusion_of(classifier)
    return (bool(classifier.embedding_dim) and fusion.embed_weight > 0) or fusion.stand_in > 0


class OutputCache:
    """The model's readings of examples (`example_outputs`), kept on disk beside the signs
    (`.cache/` of the signs folder, which the store never reads as a sign): a window or command
    that starts again runs the model only on what is new. Keyed by example file, modification
    time and size, and by the model's bytes; an unreadable cache is ignored and rewritten (it
    only saves time)."""

    def __init__(self, root: Path, classifier: SignClassifier) -> None:
        st = Path(classifier.path).stat()
        digest = _digest(str(classifier.path), st.st_mtime_ns, st.st_size)
        self.path = Path(root) / ".cache" / f"outputs-{digest}.npz"
        self.width = (classifier.embedding_dim or 0) + len(classifier.class_ids)

    def read(self) -> dict[tuple, np.ndarray]:
        try:
            with np.load(self.path, allow_pickle=False) as z:
                keys, vectors = z["keys"], z["vectors"]
            if vectors.ndim != 2 or vectors.shape[1] != self.width:
                return {}
            return {tuple(json.loads(str(k))): v.astype(np.float64) for k, v in zip(keys, vectors, strict=True)}
        except Exception:  # noqa: BLE001 - missing, damaged or foreign: run the model again
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
            pass  # a read-only folder: the readings are computed again next time


def cached_outputs(store: PersonalStore, classifier: SignClassifier, pending: list[tuple[tuple, Example]],
                   keep: set[tuple], known: dict[tuple, np.ndarray] | None = None) -> np.ndarray:
    """The model's readings of the pending examples where the fusion uses them ((n, 0) where not):
    from the store's output cache on disk (`known`: as already read), else computed by the model and
    added to that cache, which then holds the examples in `keep`."""
    if not needs_outputs(classifier):
        return np.zeros((len(pending), 0))
    disk = OutputCache(store.root, classifier)
    known = disk.read() if known is None else known
    todo = [ex for key, ex in pending if key not in known]
    if todo:
        known.update(zip((key for key, _ in pending if key not in known),
                         example_outputs(classifier, todo), strict=True))
        disk.write({k: v for k, v in known.items() if k in keep})
    return np.stack([known[key] for key, _ in pending])


class PersonalSigns:
    """The store as one classifier sees it, rebuilt when the store changes on disk."""

    def __init__(self, classifier: SignClassifier, store: PersonalStore | None = None) -> None:
        self.classifier = classifier
        self.store = store or PersonalStore()
        self._stamp: tuple | None = None
        self.index: PersonalIndex | None = None
        self.problems: tuple[str, ...] = ()
        self._cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def mode(self) -> str:
        """"matching+embedding" when the model's embedding takes part, else "matching"."""
        return self.index.mode if self.index is not None else "matching"

    def refresh(self, force: bool = False) -> bool:
        """Re-read the store if it changed; True if the index was rebuilt.

        Each example's match sequence and the model's reading are cached by (file, modification
        time, size), so after a change only new or rewritten examples are read and prepared again."""
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
                    key = example_key(path)
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
            read = cached_outputs(self.store, self.classifier, pending, {k for _, keys in layout for k in keys})
            cache.update({key: (example_match(ex), e) for (key, ex), e in zip(pending, read, strict=True)})
        self._cache = cache  # only what the store still has
        self.index = PersonalIndex(self.classifier, [
            (s, np.stack([cache[k][0] for k in keys]) if keys else np.zeros((0,)),
             np.stack([cache[k][1] for k in keys]) if keys else np.zeros((0,))) for s, keys in layout])
        self.problems = tuple(problems)
        self._stamp = stamp
        return True


def prime_outputs(store: PersonalStore, classifier: SignClassifier) -> int:
    """Run the model on the store's examples that its output cache lacks, and write the cache.

    Whatever writes examples (`signs add`, `signs import`, the window's Teach and My signs) calls
    it, so that the next window or command finds every reading cached (`PersonalSigns.refresh`
    then runs the model on no example). Returns how many examples were read: 0 where the fusion
    uses no reading or nothing is missing. Unreadable examples are left for `refresh` to report;
    an unwritable cache only costs the time next start (a model that fails to run raises)."""
    if not needs_outputs(classifier):
        return 0
    known = OutputCache(store.root, classifier).read()
    keep: set[tuple] = set()
    missing: list[tuple[tuple, Example]] = []
    for sign in store.load().signs:
        for name in sign.examples:
            path = sign.folder / name
            try:
                key = example_key(path)
                keep.add(key)
                if key not in known:
                    missing.append((key, Example.from_bytes(path, f"Example {name} of '{sign.en}'")))
            except (OSError, StoreError):
                continue
    if missing:
        cached_outputs(store, classifier, missing, keep, known)
    return len(missing)
