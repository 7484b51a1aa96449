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

import datetime as _dt
import io
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from arsl_desktop import paths
from arsl_desktop.core import features as F
from arsl_desktop.core.errors import ArslError
from arsl_desktop.core.landmarks import Keypoints, stack

T = TypeVar("T")

MANIFEST = "manifest.json"
CHANGED = ".changed"  # touched by every write: readers reload when it changes
FORMAT = "arsl-personal-sign/1"
MAX_NAME = 80
MAX_EXAMPLE_FRAMES = 600  # 20 s at 30 fps: far longer than one sign
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
EXAMPLE_RE = re.compile(r"^example-\d{3}\.npz$")


class StoreError(ArslError):
    """A store operation that cannot be done (unknown name, clash, unwritable folder...)."""


@dataclass(frozen=True)
class Example:
    """One recording of a sign as raw keypoints (what `Recognizer.classify` takes)."""

    xyz: np.ndarray  # (T, N_KEYPOINTS, 3) float32
    present: np.ndarray  # (T, 4) bool
    times: np.ndarray  # (T,) float64 seconds
    aspect: float
    # who made this recording (kept in the example file, so it travels with it in a pack); "" unknown
    recorded_by: str = ""

    @classmethod
    def from_keypoints(cls, keypoints: Sequence[Keypoints], recorded_by: str = "") -> Example:
        if not keypoints:
            raise StoreError("An example needs at least one frame.")
        xyz, present, times, aspect = stack(list(keypoints))
        return cls(xyz.astype(np.float32), present.astype(bool), times - times[0], float(aspect),
                   clean_name(recorded_by, "recorder"))

    @property
    def frames(self) -> int:
        return int(len(self.times))

    def mirrored(self) -> Example:
        """The same recording as if made with the other hand: left and right swapped
        (`features.mirror_keypoints`), as a left-handed learner sees a right-handed teacher's sign."""
        xyz, present = F.mirror_keypoints(self.xyz, self.present)
        return replace(self, xyz=xyz.astype(np.float32, copy=False), present=present.astype(bool, copy=False))

    def keypoints(self) -> list[Keypoints]:
        w, h = (1000, round(1000 / self.aspect)) if self.aspect else (1000, 1000)
        return [Keypoints(self.xyz[i].copy(), self.present[i].copy(), w, h, float(self.times[i]))
                for i in range(self.frames)]

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez_compressed(buf, xyz=self.xyz, present=self.present, times=self.times,
                            aspect=np.float64(self.aspect), schema=np.str_(F.KEYPOINT_SCHEMA),
                            recorded_by=np.str_(self.recorded_by))
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes | Path, what: str) -> Example:
        """Parse an example file; raises StoreError naming `what` if it is damaged or foreign."""
        try:
            src = io.BytesIO(data) if isinstance(data, bytes) else data
            with np.load(src, allow_pickle=False) as z:
                schema = str(z["schema"])
                xyz, present, times = z["xyz"], z["present"], z["times"]
                aspect = float(z["aspect"])
                by = str(z["recorded_by"]) if "recorded_by" in z else ""
        except ValueError as exc:
            if "pickle" in str(exc).lower():
                raise StoreError(f"{what} contains pickled Python objects; refused.") from None
            raise StoreError(f"{what} is damaged ({exc}).") from None
        except Exception as exc:  # noqa: BLE001 - zipfile/EOF/OS/Key errors: all mean "damaged"
            raise StoreError(f"{what} is damaged or not an example file ({exc.__class__.__name__}).") from None
        if schema != F.KEYPOINT_SCHEMA:
            raise StoreError(f"{what} was recorded with keypoint schema '{schema}'; this app uses "
                             f"'{F.KEYPOINT_SCHEMA}'. Record this sign again.")
        t = len(times)
        if (xyz.shape != (t, F.N_KEYPOINTS, 3) or present.shape != (t, 4) or not 1 <= t <= MAX_EXAMPLE_FRAMES
                or xyz.dtype.kind != "f" or present.dtype != bool or not np.isfinite(xyz).all()
                or not np.isfinite(times).all() or not 0.1 < aspect < 10):
            raise StoreError(f"{what} has keypoints of the wrong shape or values; skipped.")
        try:
            by = clean_name(by, "recorder")
        except StoreError:
            raise StoreError(f"{what} names its recorder with unprintable characters; skipped.") from None
        return cls(xyz.astype(np.float32), present, times.astype(np.float64), aspect, by)


def this_user() -> str:
    """Who is recording on this computer (the account's name): examples keep it."""
    import getpass

    try:
        return clean_name(getpass.getuser(), "recorder")
    except (OSError, KeyError, StoreError):  # no login name (some containers, services)
        return ""


@dataclass(frozen=True)
class PersonalSign:
    key: str  # folder name, stable
    en: str
    ar: str
    karsl_id: int | None  # the KArSL sign this adapts; None for a new word
    created: str
    examples: tuple[str, ...]  # example file names
    folder: Path = field(compare=False)

    @property
    def label(self) -> str:
        return self.en if not self.ar else f"{self.ar} ({self.en})"


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


def clean_name(text: str | None, what: str) -> str:
    name = " ".join((text or "").split())
    if len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise StoreError(f"The {what} name must be at most {MAX_NAME} printable characters.")
    return name


def slug(en: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", en.casefold()).strip("-")[:40] or "sign"
    return s if s[0].isalnum() else f"s{s}"


def now_iso() -> str:
    """The local time, to the second, as manifests and packs record it."""
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


def example_names(first: int, n: int) -> tuple[str, ...]:
    """`n` example file names numbered from `first`."""
    return tuple(f"example-{i:03d}.npz" for i in range(first, first + n))


def atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def parse_manifest(data: bytes, key: str, folder: Path) -> PersonalSign:
    """A manifest's sign; raises StoreError if it is not one this app wrote."""
    try:
        m = json.loads(data.decode("utf-8"))
        if m.get("format") != FORMAT:
            raise ValueError(f"format {m.get('format')!r}")
        karsl = m.get("karsl_id")
        sign = PersonalSign(key, clean_name(m["en"], "English"), clean_name(m.get("ar", ""), "Arabic"),
                            None if karsl is None else int(karsl), str(m.get("created", "")),
                            tuple(str(e) for e in m["examples"]), folder)
        schema = m.get("keypoint_schema")
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 - any malformed JSON or field
        raise StoreError(f"its manifest is not readable ({exc.__class__.__name__}: {exc})") from None
    if not sign.en or isinstance(m.get("karsl_id"), bool):
        raise StoreError("its manifest has no English name or a bad KArSL id")
    if schema != F.KEYPOINT_SCHEMA:
        raise StoreError(f"it was recorded with keypoint schema '{schema}', this app uses '{F.KEYPOINT_SCHEMA}'; "
                         "record it again")
    bad = [e for e in sign.examples if not EXAMPLE_RE.match(e)]
    if bad or not sign.examples:
        raise StoreError("its manifest lists no examples or bad example names")
    return sign


def manifest_bytes(sign: PersonalSign) -> bytes:
    m = {"format": FORMAT, "en": sign.en, "ar": sign.ar, "karsl_id": sign.karsl_id, "created": sign.created,
         "keypoint_schema": F.KEYPOINT_SCHEMA, "examples": list(sign.examples)}
    return (json.dumps(m, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


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
                    st = path.stat()
                    key = (str(path), st.st_mtime_ns, st.st_size)
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
        en, ar = clean_name(en, "English"), clean_name(ar, "Arabic")
        if not en:
            raise StoreError("A personal sign needs an English name.")
        if not examples:
            raise StoreError("A personal sign needs at least one example.")
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
            taken = {n.casefold() for s in self.load().signs for n in (s.en, s.ar, s.key) if n}
            skipped = []
            for en, ar, karsl_id, examples in signs:
                en, ar = clean_name(en, "English"), clean_name(ar, "Arabic")
                if not en or not examples:
                    raise StoreError(f"A personal sign needs an English name and at least one example ('{en}').")
                if any(n.casefold() in taken for n in (en, ar) if n):
                    skipped.append(en)
                    continue
                sign = self._create(en, ar, karsl_id, examples)
                added.append(sign)
                taken.update(n.casefold() for n in (sign.en, sign.ar, sign.key) if n)
            return skipped

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
