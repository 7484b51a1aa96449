"""Personal signs on disk: words the user taught, or their own way of doing a KArSL sign.

    <user data>/signs/<key>/manifest.json      names, optional KArSL id, dates, keypoint schema
    <user data>/signs/<key>/example-001.npz    one recording's RAW keypoints (never features)

Raw keypoints, stamped with the keypoint schema, so examples are re-embedded by whatever
model is loaded; examples of another schema are refused with a message. Every write is atomic
(temporary file or folder, then rename) and the window and the command line may use the store
at the same time: changes to one sign's manifest are serialised by a lock folder. A damaged
entry (unreadable manifest, truncated example) is reported and skipped, never deleted.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from arsl_desktop import paths
from arsl_desktop.core.personal_files import (
    EXAMPLE_RE,
    FORMAT,
    KEY_RE,
    MANIFEST,
    MAX_EXAMPLE_FRAMES,
    MAX_NAME,
    Example,
    PersonalSign,
    StoreError,
    atomic_write,
    clean_name,
    example_key,
    example_names,
    manifest_bytes,
    now_iso,
    parse_manifest,
    slug,
    this_user,
)

# The files of a sign (`core.personal_files`) are named here too: the store is where callers find them.
__all__ = ["CHANGED", "EXAMPLE_RE", "FORMAT", "KEY_RE", "MANIFEST", "MAX_EXAMPLE_FRAMES", "MAX_NAME", "Example", "PersonalSign",
           "PersonalStore", "StoreContents", "StoreError", "atomic_write", "clean_name", "example_key", "example_names", "forget_unlisted",
           "manifest_bytes", "now_iso", "names_taken", "parse_manifest", "slug", "this_user",
           "written_or_said"]

T = TypeVar("T")

CHANGED = ".changed"  # touched by every write: readers reload when it changes


@dataclass(frozen=True)
class StoreContents:
    signs: tuple[PersonalSign, ...]
    problems: tuple[str, ...]  # one line per damaged entry, for the user


def written_or_said(write: Callable[[], T], say: Callable[[str], None]) -> T | None:
    """`write()`'s result, or None after `say` got why the store refused it (its `StoreError`, or
    any other OSError the store did not wrap): the caller keeps what it was about to write."""
    try:
        return write()
    except StoreError as exc:
        say(str(exc))
    except OSError as exc:
        say(f"{exc.__class__.__name__}: {exc}")
    return None


def names_taken(signs: Sequence[PersonalSign]) -> set[str]:
    """Every name the signs go by (English, Arabic, folder key), casefolded: what a new sign may not be called."""
    return {n.casefold() for s in signs for n in (s.en, s.ar, s.key) if n}


def forget_unlisted(known: dict[tuple, Example], signs: Sequence[PersonalSign]) -> None:
    """Drop from examples read before (`PersonalStore.examples`'s `known`) the files the signs no
    longer list (a sign or an example removed, a file replaced), so that the memory holds what the
    store has."""
    listed = {str(s.folder / name) for s in signs for name in s.examples}
    for key in [k for k in list(known) if k[0] not in listed]:  # a snapshot: another thread may add
        known.pop(key, None)


class PersonalStore:
    """The signs folder. Cheap to construct; every read goes to disk (another process may write)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else paths.personal_signs_dir()

    # -- reading ------------------------------------------------------------------------------
    def load(self) -> StoreContents:
        signs, problems = [], []
        if not self.root.is_dir():
            return StoreContents((), ())
        for folder in sorted(self.root.iterdir()):
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            try:
                signs.append(parse_manifest((folder / MANIFEST).read_bytes(), folder.name, folder))
            except (StoreError, OSError) as exc:
                problems.append(f"Personal sign '{folder.name}' skipped: {exc} (kept in {folder}).")
        return StoreContents(tuple(signs), tuple(problems))

    def examples(self, sign: PersonalSign, known: dict[tuple, Example] | None = None) -> tuple[list[Example], list[str]]:
        """The sign's readable examples and a line for each damaged one (which stays on disk).
        `known`: examples read before, by (file, modification time, size), taken from there
        instead of read again, and added to as files are read (a list shown again after one change)."""
        good, problems = [], []
        for name in sign.examples:
            path = sign.folder / name
            key = None
            if known is not None:
                try:
                    key = example_key(path)
                except OSError:
                    key = None  # missing: reading it says so
                if key in known:
                    good.append(known[key])
                    continue
            try:
                ex = Example.from_bytes(path, f"Example {name} of '{sign.en}'")
            except StoreError as exc:
                problems.append(f"{exc} (kept in {sign.folder}).")
                continue
            good.append(ex)
            if key is not None:
                known[key] = ex
        return good, problems

    def find(self, name: str) -> PersonalSign | None:
        """A sign by English name, Arabic name or key (case-insensitive)."""
        needle = " ".join(name.split()).casefold()
        for s in self.load().signs:
            if needle in (s.en.casefold(), s.ar.casefold(), s.key):
                return s
        return None

    def stamp(self) -> tuple:
        """Changes whenever a sign is added, changed or removed through any `PersonalStore` (every
        write puts a new token in `.changed`), or a folder is added or removed by hand. One stat
        and one tiny read: cheap enough to check before every ranking."""
        try:
            root = self.root.stat().st_mtime_ns
        except OSError:
            return ()
        try:
            token = (self.root / CHANGED).read_bytes()[:200]
        except OSError:
            token = b""
        return (root, token)

    # -- writing ------------------------------------------------------------------------------
    def _ensure_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"The personal signs folder {self.root} cannot be created ({exc.strerror}).") from None

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time across processes: a lock folder (atomic mkdir), stale after 30 s."""
        self._ensure_root()
        lock = self.root / ".lock"
        deadline = time.monotonic() + 10
        while True:
            try:
                lock.mkdir()
                break
            except FileExistsError:
                try:
                    if time.time() - lock.stat().st_mtime > 30:
                        lock.rmdir()
                        continue
                except OSError:
                    continue
                if time.monotonic() > deadline:
                    raise StoreError(f"The personal signs folder is busy (lock {lock}); try again.") from None
                time.sleep(0.02)
            except OSError as exc:
                raise StoreError(f"The personal signs folder {self.root} is not writable ({exc.strerror}).") from None
        try:
            yield
        finally:
            try:
                atomic_write(self.root / CHANGED, f"{time.time_ns()} {uuid.uuid4().hex}\n".encode())
            except OSError:
                pass
            try:
                lock.rmdir()
            except OSError:
                pass

    def add(self, en: str, examples: Sequence[Example], ar: str = "", karsl_id: int | None = None,
            append: bool = False) -> PersonalSign:
        """A new sign (or, with `append`, more examples for the sign of that name)."""
        en, ar = self._names(en, ar, examples)
        with self._locked():
            existing = self.find(en) or (self.find(ar) if ar else None)
            if existing is not None:
                if not append:
                    raise StoreError(f"A personal sign named '{existing.label}' already exists.")
                return self._append(existing, examples)
            return self._create(en, ar, karsl_id, examples)

    def add_new(self, signs: Sequence[tuple[str, str, int | None, Sequence[Example]]],
                added: list[PersonalSign]) -> list[str]:
        """New signs (English, Arabic, KArSL id, examples) under one lock and one read of the store:
        a teacher's pack of hundreds of signs is not read again for each. Each sign whose names are
        free is created and appended to `added` at once (so that a failure part-way still tells what
        was saved); returns the English names skipped because a sign of that name exists (or was
        added before it here)."""
        with self._locked():
            taken = names_taken(self.load().signs)
            skipped = []
            for en, ar, karsl_id, examples in signs:
                en, ar = self._names(en, ar, examples)
                if any(n.casefold() in taken for n in (en, ar) if n):
                    skipped.append(en)
                    continue
                sign = self._create(en, ar, karsl_id, examples)
                added.append(sign)
                taken |= names_taken([sign])
            return skipped

    @staticmethod
    def _names(en: str, ar: str, examples: Sequence[Example]) -> tuple[str, str]:
        """A new sign's English and Arabic names, cleaned; StoreError without an English name or an example."""
        en, ar = clean_name(en, "English"), clean_name(ar, "Arabic")
        if not en:
            raise StoreError("A personal sign needs an English name.")
        if not examples:
            raise StoreError("A personal sign needs at least one example.")
        return en, ar

    def _create(self, en: str, ar: str, karsl_id: int | None, examples: Sequence[Example]) -> PersonalSign:
        base = slug(en)
        key, n = base, 1
        while (self.root / key).exists():
            n += 1
            key = f"{base}-{n}"
        tmp = self.root / f".new-{uuid.uuid4().hex[:8]}"
        tmp.mkdir()
        try:
            names = example_names(1, len(examples))
            for name, ex in zip(names, examples, strict=True):
                atomic_write(tmp / name, ex.to_bytes())
            sign = PersonalSign(key, en, ar, karsl_id, now_iso(), names, self.root / key)
            atomic_write(tmp / MANIFEST, manifest_bytes(sign))
            os.rename(tmp, self.root / key)  # the sign appears whole or not at all
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise StoreError(f"Could not save '{en}' in {self.root} ({exc.strerror or exc}).") from None
        return sign

    def _append(self, sign: PersonalSign, examples: Sequence[Example]) -> PersonalSign:
        used = {int(n[8:11]) for n in sign.examples} | {
            int(p.name[8:11]) for p in sign.folder.glob("example-*.npz") if EXAMPLE_RE.match(p.name)}
        names = example_names(max(used, default=0) + 1, len(examples))
        try:
            for name, ex in zip(names, examples, strict=True):
                atomic_write(sign.folder / name, ex.to_bytes())
            new = replace(sign, examples=sign.examples + names)
            atomic_write(sign.folder / MANIFEST, manifest_bytes(new))
        except OSError as exc:
            raise StoreError(f"Could not add examples to '{sign.en}' ({exc.strerror or exc}).") from None
        return new

    def _require(self, name: str) -> PersonalSign:
        sign = self.find(name)
        if sign is None:
            raise StoreError(f"No personal sign named '{name}'.")
        return sign

    def rename(self, name: str, en: str | None = None, ar: str | None = None) -> PersonalSign:
        with self._locked():
            sign = self._require(name)
            new_en = clean_name(en, "English") if en is not None else sign.en
            new_ar = clean_name(ar, "Arabic") if ar is not None else sign.ar
            if not new_en:
                raise StoreError("A personal sign needs an English name.")
            other = self.find(new_en)
            if other is not None and other.key != sign.key:
                raise StoreError(f"A personal sign named '{other.label}' already exists.")
            new = replace(sign, en=new_en, ar=new_ar)
            atomic_write(sign.folder / MANIFEST, manifest_bytes(new))
            return new

    def remove_example(self, name: str, example: str) -> PersonalSign:
        """Drop one example from a sign (its file goes; the last example cannot be removed)."""
        with self._locked():
            sign = self._require(name)
            if example not in sign.examples or len(sign.examples) == 1:
                raise StoreError(f"'{sign.en}' has no example {example} to remove, or it is the only one.")
            new = replace(sign, examples=tuple(e for e in sign.examples if e != example))
            atomic_write(sign.folder / MANIFEST, manifest_bytes(new))
            (sign.folder / example).unlink(missing_ok=True)
            return new

    def remove(self, name: str) -> PersonalSign:
        """Delete a sign the user names (renamed aside first, so it vanishes at once and whole)."""
        with self._locked():
            sign = self._require(name)
            trash = self.root / f".removed-{sign.key}-{uuid.uuid4().hex[:8]}"
            try:
                os.rename(sign.folder, trash)
            except OSError as exc:
                raise StoreError(f"Could not remove '{sign.en}' ({exc.strerror}).") from None
            shutil.rmtree(trash, ignore_errors=True)
            return sign
