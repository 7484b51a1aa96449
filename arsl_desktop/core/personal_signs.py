"""The personal signs as one classifier sees them: the store read, each example prepared once.

`PersonalSigns` reads the store (`core.personal_store`) and builds the `PersonalIndex` that
`core.personal_match` ranks with: each example's match sequence and, where the fusion uses them,
the model's reading of it (its embedding and class probabilities, `example_outputs`). Both are
cached in memory by (file, modification time, size), so after a change only new or rewritten
examples are prepared again; both are also kept on disk (`core.personal_cache`), the match
sequences per matcher and the model's readings per model, and whatever writes examples
fills them (`prime_outputs`), so a window or command that starts later reads no example file
and runs the model on none.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core import matching
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.personal_cache import MatchCache, OutputCache, needs_outputs
from arsl_desktop.core.personal_files import example_key
from arsl_desktop.core.personal_match import PersonalIndex, unit
from arsl_desktop.core.personal_store import (
    Example,
    PersonalSign,
    PersonalStore,
    StoreContents,
    StoreError,
)


def example_match(ex: Example) -> np.ndarray:
    """An example's match sequence, cut exactly as a live segment is."""
    return matching.match_sequence(ex.xyz, ex.present, ex.times, ex.aspect)


EMBED_CHUNK = 64  # examples per model call when many are read at once
ANNOUNCE_FROM = 200  # examples to read and prepare from which `refresh` announces it (a second or more)


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

    def refresh(self, force: bool = False, announce: Callable[[int], None] | None = None) -> bool:
        """Re-read the store if it changed; True if the index was rebuilt.

        Each example's match sequence and the model's reading are cached by (file, modification
        time, size), so after a change only new or rewritten examples are read and prepared again.
        `announce(n)` is called first where n >= `ANNOUNCE_FROM` examples are (after another model
        or matcher, or a store copied without its caches), so that the window can say why it waits."""
        try:
            return self._refresh(force, announce)
        except OSError as exc:  # the folder is unreadable (unplugged drive, permissions): keep going
            kept = "the signs read before are still used" if self.index else "personal signs are not used"
            problem = f"The personal signs folder {self.store.root} cannot be read ({exc.strerror or exc}); {kept}."
            if self.index is None:
                self.index = PersonalIndex(self.classifier, [])
            if problem not in self.problems:
                self.problems = (*self.problems, problem)
            return False

    def _refresh(self, force: bool, announce: Callable[[int], None] | None = None) -> bool:
        stamp = self.store.stamp()
        if not force and stamp == self._stamp:
            return False
        contents: StoreContents = self.store.load()
        problems = list(contents.problems)
        layout, new = [], []
        for sign in contents.signs:
            keys = []
            for name in sign.examples:
                path = sign.folder / name
                try:
                    key = example_key(path)
                except OSError:
                    problems.append(f"Example {name} of '{sign.en}' is missing (expected in {sign.folder}).")
                    continue
                keys.append(key)
                if key not in self._cache:
                    new.append((key, sign, name))
            layout.append((sign, keys))
        cache = {k: self._cache[k] for _, keys in layout for k in keys if k in self._cache}
        if new:
            cache.update(prepare(self.store, self.classifier, new, {k for _, keys in layout for k in keys}, problems,
                                 have={k: v[0] for k, v in self._cache.items()}, announce=announce)[0])
        layout = [(s, [k for k in keys if k in cache]) for s, keys in layout]  # unreadable examples left out
        problems += [f"Personal sign '{s.en}' has no readable example; it is not used." for s, keys in layout if not keys]
        self._cache = cache  # only what the store still has
        self.index = PersonalIndex(self.classifier, [
            (s, np.stack([cache[k][0] for k in keys]) if keys else np.zeros((0,)),
             np.stack([cache[k][1] for k in keys]) if keys else np.zeros((0,))) for s, keys in layout])
        self.problems = tuple(problems)
        self._stamp = stamp
        return True


def prepare(store: PersonalStore, classifier: SignClassifier, new: list[tuple[tuple, PersonalSign, str]],
            keep: set[tuple], problems: list[str], read: dict[tuple, np.ndarray] | None = None,
            have: dict[tuple, np.ndarray] | None = None,
            announce: Callable[[int], None] | None = None) -> tuple[dict[tuple, tuple[np.ndarray, np.ndarray]], int]:
    """Each new example (key, sign, file name) -> (match sequence, the model's reading): from the
    caches on disk (`MatchCache`, `OutputCache`) where they hold it, else from the example file,
    which is then read and checked (a damaged one adds a line to `problems` and is left out), and
    the caches are written to hold the examples in `keep` (`read`: the output cache, when read
    already; `have`: match sequences already prepared, which a sign's file also takes). Also
    returns how many examples the model read (0 where its readings were all cached, or the
    fusion uses none; `announce`: see `PersonalSigns.refresh`)."""
    matches = MatchCache(store.root)
    files = {sign.key: matches.of(sign) for _, sign, _ in new}
    by_sign = {k: f.read() for k, f in files.items()}
    known = {key: v for got in by_sign.values() for key, v in got.items()}
    outputs = OutputCache(store.root, classifier) if needs_outputs(classifier) else None
    read = ({} if outputs is None else outputs.read() if read is None else read)
    todo = [(key, sign, name) for key, sign, name in new if not (key in known and (outputs is None or key in read))]
    if announce is not None and len(todo) >= ANNOUNCE_FROM:
        announce(len(todo))
    examples = {}
    for key, sign, name in todo:
        try:
            examples[key] = Example.from_bytes(sign.folder / name, f"Example {name} of '{sign.en}'")
        except StoreError as exc:
            problems.append(f"{exc} (kept in {sign.folder}).")
    fresh = {key: example_match(ex) for key, ex in examples.items() if key not in known}
    for key, sign, _ in new:
        if key in fresh:
            by_sign[sign.key][key] = fresh[key]
    for sign in {sign.key: sign for key, sign, _ in new if key in fresh}.values():
        inside = str(sign.folder / "x")[:-1]  # the folder's path and separator: its examples' keys start so
        mine = {k: v for k, v in (have or {}).items() if k[0].startswith(inside)}
        files[sign.key].write({k: v for k, v in {**mine, **by_sign[sign.key]}.items() if k in keep})
    if fresh:
        matches.prune()
    known.update(fresh)
    good = [key for key, _, _ in new if key in known and (outputs is None or key in read or key in examples)]
    run = 0 if outputs is None else sum(key not in read for key in good)
    if outputs is None or not good:
        readings = np.zeros((len(good), 0))
    else:
        readings = cached_outputs(store, classifier, [(k, examples.get(k)) for k in good], keep, read)
    return {key: (known[key], r) for key, r in zip(good, readings, strict=True)}, run


def prime_outputs(store: PersonalStore, classifier: SignClassifier,
                  announce: Callable[[int], None] | None = None) -> int:
    """Fill the store's caches on disk for whatever is not in them yet: each example's match
    sequence (`MatchCache`) and, where the fusion uses them, the model's readings (`OutputCache`).

    Whatever writes examples (`signs add`, `signs import`, the window's Teach and My signs) calls
    it, so that the next window or command finds every example prepared (`PersonalSigns.refresh`
    then reads no example file and runs the model on none). Returns how many examples the model
    read: 0 where the fusion uses no reading or nothing is missing. Unreadable examples are left
    for `refresh` to report; an unwritable cache only costs the time next start (a model that
    fails to run raises).
    `announce(n)`: as for `PersonalSigns.refresh`, where many are to be read."""
    matches = MatchCache(store.root)
    outputs = OutputCache(store.root, classifier) if needs_outputs(classifier) else None
    read = outputs.read() if outputs is not None else {}
    new, keep = [], set()
    for sign in store.load().signs:
        keys = []
        for name in sign.examples:
            try:
                keys.append((example_key(sign.folder / name), name))
            except OSError:
                continue
        keep.update(key for key, _ in keys)
        try:  # written after every example of the sign: it holds them all (a refresh checks each)
            kept = matches.of(sign).path.stat().st_mtime_ns >= max((key[1] for key, _ in keys), default=0)
        except OSError:
            kept = False
        new += [(key, sign, name) for key, name in keys if not kept or (outputs is not None and key not in read)]
    return prepare(store, classifier, new, keep, [], read, announce=announce)[1] if new else 0
