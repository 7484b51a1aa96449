"""The files of one personal sign: its recordings (`Example`, one `.npz` each: RAW keypoints,
stamped with the keypoint schema) and its manifest (`PersonalSign`: names, optional KArSL id,
date, example files), how they are written (atomically) and read back (checked: a damaged or
foreign file is a `StoreError` naming it). `core.personal_store` keeps them in folders."""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core.errors import ArslError
from arsl_desktop.core.landmarks import Keypoints, stack

MANIFEST = "manifest.json"
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


def example_key(path: Path) -> tuple:
    """What a read example is remembered by: its file, modification time and size (OSError if it
    is gone), so that a rewritten file is read again."""
    st = path.stat()
    return (str(path), st.st_mtime_ns, st.st_size)


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
