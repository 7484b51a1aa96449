"""Personal signs in one file: export some or all of them to a `.zip` pack, import one.

    pack.json                         format, version, keypoint schema, the list of signs
    signs/<key>/manifest.json         as in the store (`personal_store.manifest_bytes`)
    signs/<key>/example-NNN.npz       raw keypoints (`Example.to_bytes`)

A pack comes from someone else, so it is validated whole BEFORE anything is written: the archive
size, every member's declared and real uncompressed size and their total (zip bombs, the npz
files' own arrays included), member names of exactly that pattern (no absolute paths, `..`,
backslashes, links or anything else), every example parsed without pickle, every manifest
parsed by `parse_manifest`, the keypoint schema. A refused pack raises `StoreError` with one
message and writes nothing. Signs whose name is already taken are skipped and reported; the
others are written through `PersonalStore.add` (each appears whole or not at all).
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from arsl_desktop import __version__
from arsl_desktop.core import features as F
from arsl_desktop.core.labels import LabelTable, default_labels
from arsl_desktop.core.personal_store import (
    KEY_RE,
    MANIFEST,
    MAX_EXAMPLE_FRAMES,
    Example,
    PersonalSign,
    PersonalStore,
    StoreError,
    example_names,
    manifest_bytes,
    names_taken,
    now_iso,
    parse_manifest,
    slug,
)

PACK_FORMAT = "arsl-personal-pack"
PACK_VERSION = 1
PACK_JSON = "pack.json"
MAX_PACK_BYTES = 128 * 2**20  # the .zip file itself
MAX_MEMBERS = 4096  # pack.json + per sign a manifest and its examples
MAX_EXAMPLES = 50  # per sign
MAX_JSON_BYTES = 2**20  # pack.json or one manifest, uncompressed
# One example: at most MAX_EXAMPLE_FRAMES frames of float64 keypoints (float32 is what the app writes).
MAX_ARRAY_BYTES = MAX_EXAMPLE_FRAMES * F.N_KEYPOINTS * 3 * 8 + 4096
MAX_EXAMPLE_BYTES = 2 * MAX_ARRAY_BYTES  # one npz member, uncompressed
MAX_TOTAL_BYTES = 256 * 2**20  # all members, uncompressed
NPZ_ARRAYS = {"xyz.npy", "present.npy", "times.npy", "aspect.npy", "schema.npy", "recorded_by.npy"}
MEMBER_RE = re.compile(r"signs/([a-z0-9][a-z0-9-]{0,63})/(manifest\.json|example-\d{3}\.npz)")  # fullmatch


@dataclass(frozen=True)
class ExportResult:
    signs: tuple[PersonalSign, ...]  # what went into the pack
    problems: tuple[str, ...]  # damaged examples or signs left out, one line each


@dataclass(frozen=True)
class ImportResult:
    imported: tuple[str, ...]  # English names of the signs written
    skipped: tuple[tuple[str, str], ...]  # (name, why) for each sign not written


# -- export ---------------------------------------------------------------------------------------
def export_pack(store: PersonalStore, dest: Path, names: Sequence[str] = ()) -> ExportResult:
    """Write the named signs (all when `names` is empty) to `dest`; atomic (a temporary file, then rename)."""
    if names:
        signs, missing = [], []
        for n in names:
            s = store.find(n)
            if s is None:
                missing.append(n)
            elif s not in signs:
                signs.append(s)
        if missing:
            raise StoreError("No personal sign named " + ", ".join(f"'{n}'" for n in missing) + ".")
        problems: list[str] = []
    else:
        contents = store.load()
        signs, problems = list(contents.signs), list(contents.problems)
    entries, used = [], set()
    for sign in signs:
        examples, bad = store.examples(sign)
        problems.extend(bad)
        if not examples:
            problems.append(f"'{sign.en}' has no readable example; left out of the pack.")
            continue
        key = sign.key if KEY_RE.match(sign.key) else slug(sign.en)
        base, n = key, 1
        while key in used:
            n += 1
            key = f"{base}-{n}"
        used.add(key)
        entries.append((key, sign, examples[:MAX_EXAMPLES]))
    if not entries:
        raise StoreError("There are no personal signs to export." if not signs
                         else "None of these personal signs has a readable example; nothing exported.")
    if 1 + sum(1 + len(ex) for _, _, ex in entries) > MAX_MEMBERS:
        raise StoreError(f"Too many signs and examples for one pack (at most {MAX_MEMBERS} files); "
                         "export them in parts by naming the signs.")
    pack = {"format": PACK_FORMAT, "version": PACK_VERSION, "keypoint_schema": F.KEYPOINT_SCHEMA,
            "app_version": __version__, "created": now_iso(),
            "signs": [{"key": k, "en": s.en, "ar": s.ar, "karsl_id": s.karsl_id, "examples": len(ex)}
                      for k, s, ex in entries]}
    dest = Path(dest)
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(PACK_JSON, json.dumps(pack, ensure_ascii=False, indent=1) + "\n")
            for key, sign, examples in entries:
                names_ = example_names(1, len(examples))
                out = replace(sign, key=key, examples=names_)
                zf.writestr(f"signs/{key}/{MANIFEST}", manifest_bytes(out))
                for name, ex in zip(names_, examples, strict=True):
                    zf.writestr(f"signs/{key}/{name}", ex.to_bytes(), compress_type=zipfile.ZIP_STORED)
        os.replace(tmp, dest)
    except OSError as exc:
        raise StoreError(f"Could not write the pack {dest} ({exc.strerror or exc}).") from None
    finally:
        tmp.unlink(missing_ok=True)
    return ExportResult(tuple(s for _, s, _ in entries), tuple(problems))


# -- import ---------------------------------------------------------------------------------------
def _refuse(pack: Path, why: str) -> StoreError:
    return StoreError(f"The pack {pack.name} was refused: {why}. Nothing was imported.")


def _check_members(pack: Path, zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _refuse(pack, f"it holds {len(infos)} files (at most {MAX_MEMBERS})")
    seen, total = set(), 0
    for info in infos:
        name = info.filename
        if name != PACK_JSON and not MEMBER_RE.fullmatch(name):
            raise _refuse(pack, f"it holds an unexpected file {name!r}")
        if name in seen:
            raise _refuse(pack, f"it holds {name!r} twice")
        seen.add(name)
        kind = stat.S_IFMT(info.external_attr >> 16)  # 0: no Unix type recorded (a plain file)
        if info.is_dir() or kind not in (0, stat.S_IFREG):
            raise _refuse(pack, f"{name!r} is a link or folder, not a plain file")
        if info.flag_bits & 0x1:
            raise _refuse(pack, f"{name!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(pack, f"{name!r} uses an unsupported compression")
        if info.file_size > _limit(name):
            raise _refuse(pack, f"{name!r} is too large ({info.file_size} bytes, at most {_limit(name)})")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _refuse(pack, f"its files add up to more than {MAX_TOTAL_BYTES} bytes")
    if PACK_JSON not in seen:
        raise _refuse(pack, f"it has no {PACK_JSON}; it is not a personal signs pack")
    return infos


def _limit(name: str) -> int:
    return MAX_EXAMPLE_BYTES if name.endswith(".npz") else MAX_JSON_BYTES


def _read(pack: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than its limit however the archive lies about its size."""
    limit = min(info.file_size, _limit(info.filename))
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise _refuse(pack, f"{info.filename!r} is damaged ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - zlib.error and kin: a damaged member
        raise _refuse(pack, f"{info.filename!r} is damaged ({exc.__class__.__name__})") from None
    if len(data) != info.file_size:
        raise _refuse(pack, f"{info.filename!r} is not the size the archive declares")
    return data


def _check_npz(pack: Path, name: str, data: bytes) -> None:
    """The example's own arrays: only the expected ones, none larger than an example can be."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            arrays = inner.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _refuse(pack, f"{name!r} is not an example file ({exc})") from None
    names = [a.filename for a in arrays]
    if len(names) != len(set(names)) or not set(names) <= NPZ_ARRAYS:
        raise _refuse(pack, f"{name!r} holds unexpected arrays {sorted(set(names) - NPZ_ARRAYS)}")
    for a in arrays:
        if a.file_size > MAX_ARRAY_BYTES or a.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(pack, f"{name!r} holds an array that is too large or oddly compressed")


def _pack_json(pack: Path, data: bytes) -> list[dict]:
    try:
        meta = json.loads(data.decode("utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("not an object")
    except (ValueError, UnicodeDecodeError) as exc:
        raise _refuse(pack, f"its {PACK_JSON} is not readable ({exc.__class__.__name__})") from None
    if meta.get("format") != PACK_FORMAT:
        raise _refuse(pack, f"it is not a personal signs pack (format {meta.get('format')!r})")
    if meta.get("version") != PACK_VERSION:
        raise _refuse(pack, f"it is pack version {meta.get('version')!r}; this app reads version {PACK_VERSION}")
    if meta.get("keypoint_schema") != F.KEYPOINT_SCHEMA:
        raise _refuse(pack, f"it was recorded with keypoint schema {meta.get('keypoint_schema')!r}, this app "
                            f"uses '{F.KEYPOINT_SCHEMA}'")
    signs = meta.get("signs")
    if not isinstance(signs, list) or not signs or not all(isinstance(s, dict) for s in signs):
        raise _refuse(pack, f"its {PACK_JSON} lists no signs")
    return signs


def read_pack(path: Path, labels: LabelTable | None = None) -> list[tuple[PersonalSign, list[Example]]]:
    """Every sign of a pack with its examples, all validated; raises StoreError on anything amiss."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise StoreError(f"Cannot read the pack {path} ({exc.strerror}).") from None
    if not path.is_file():
        raise StoreError(f"The pack {path} is not a file.")
    if size > MAX_PACK_BYTES:
        raise _refuse(path, f"it is {size} bytes, more than the {MAX_PACK_BYTES} a pack may be")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _refuse(path, f"it is not a zip archive ({exc})") from None
    with zf:
        infos = _check_members(path, zf)
        by_name = {i.filename: i for i in infos}
        listed = _pack_json(path, _read(path, zf, by_name[PACK_JSON]))
        keys = [str(s.get("key", "")) for s in listed]
        in_zip = {MEMBER_RE.fullmatch(n).group(1) for n in by_name if n != PACK_JSON}
        if len(keys) != len(set(keys)) or set(keys) != in_zip:
            raise _refuse(path, f"its {PACK_JSON} does not list the signs it holds")
        labels = labels or default_labels()
        out = []
        for key in keys:
            mname = f"signs/{key}/{MANIFEST}"
            if mname not in by_name:
                raise _refuse(path, f"sign '{key}' has no {MANIFEST}")
            data = _read(path, zf, by_name[mname])
            try:
                sign = parse_manifest(data, key, Path(key))
            except StoreError as exc:
                raise _refuse(path, f"sign '{key}': {exc}") from None
            if sign.karsl_id is not None and labels.get(sign.karsl_id) is None:
                raise _refuse(path, f"sign '{key}' adapts KArSL sign {sign.karsl_id}, which is not a KArSL-502 sign")
            files = {n.rsplit("/", 1)[1] for n in by_name if n.startswith(f"signs/{key}/") and n != mname}
            if set(sign.examples) != files or len(sign.examples) > MAX_EXAMPLES:
                raise _refuse(path, f"sign '{key}': its manifest and its example files do not match "
                                    f"(at most {MAX_EXAMPLES} examples)")
            examples = []
            for e in sign.examples:
                member = f"signs/{key}/{e}"
                data = _read(path, zf, by_name[member])
                _check_npz(path, member, data)
                try:
                    examples.append(Example.from_bytes(data, member))
                except StoreError as exc:
                    raise _refuse(path, str(exc).rstrip(".")) from None
            out.append((sign, examples))
    return out


def import_pack(store: PersonalStore, path: Path, labels: LabelTable | None = None,
                mirror: bool = False) -> ImportResult:
    """Validate the whole pack, then add each sign whose names are free; clashes are skipped.

    `mirror`: store every example mirrored (`Example.mirrored`), for a learner who signs with the
    other hand than the pack's recorders: the matcher compares keypoints as recorded, and a
    right-handed teacher's sign is far from the same sign made left-handed
    (`benchmarks/left_handed_bench.py`, docs/PERSONAL_SIGNS.md)."""
    signs = read_pack(path, labels)
    if mirror:
        signs = [(sign, [e.mirrored() for e in examples]) for sign, examples in signs]
    skipped: list[tuple[str, str]] = []
    taken = names_taken(store.load().signs)
    free = []
    for sign, examples in signs:
        clash = next((n for n in (sign.en, sign.ar) if n and n.casefold() in taken), None)
        if clash is not None:
            skipped.append((sign.en, f"a personal sign named '{clash}' already exists"))
        else:
            free.append((sign.en, sign.ar, sign.karsl_id, examples))
    added: list[PersonalSign] = []
    try:
        meanwhile = store.add_new(free, added)  # one lock and one read of the store for the whole pack
    except StoreError as exc:
        done = f" Imported before the failure: {', '.join(s.en for s in added)}." if added else ""
        raise StoreError(f"{exc}{done}") from None
    skipped += [(en, "a personal sign of that name was added meanwhile") for en in meanwhile]
    imported = [s.en for s in added]
    return ImportResult(tuple(imported), tuple(skipped))
