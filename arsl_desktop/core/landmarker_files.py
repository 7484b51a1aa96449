"""The MediaPipe `.task` files in `landmarkers/`, checked against `landmarkers/manifest.json`.

Every file is read once, its size and SHA-256 compared with the manifest, and handed to
MediaPipe as bytes (so what was checked is what runs). A missing or altered file raises
`LandmarkerFileError` naming the file and what to do.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from arsl_desktop import paths
from arsl_desktop.core.errors import LandmarkerFileError

MANIFEST = "manifest.json"
POSE_FILE = "pose_landmarker_full.task"
HAND_FILE = "hand_landmarker.task"
FACE_FILE = "face_landmarker.task"
REQUIRED = (POSE_FILE, HAND_FILE, FACE_FILE)

_REINSTALL = "Reinstall the app (or restore landmarkers/ from the repository) to get the original file."


@dataclass(frozen=True)
class ManifestEntry:
    name: str
    sha256: str
    size: int
    source: str
    licence: str


def read_manifest(folder: Path | None = None) -> dict[str, ManifestEntry]:
    folder = Path(folder) if folder is not None else paths.landmarkers_dir()
    path = folder / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        entries = {e["name"]: ManifestEntry(e["name"], e["sha256"].lower(), int(e["size"]), e["source"], e["licence"])
                   for e in raw["files"]}
    except FileNotFoundError:
        raise LandmarkerFileError(f"The landmark model list {path} is missing. {_REINSTALL}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise LandmarkerFileError(f"The landmark model list {path} is damaged ({exc.__class__.__name__}). "
                                  f"{_REINSTALL}") from None
    missing = [n for n in REQUIRED if n not in entries]
    if missing:
        raise LandmarkerFileError(f"{path} does not list {', '.join(missing)}. {_REINSTALL}")
    return entries


def load_verified(name: str, folder: Path | None = None,
                  manifest: dict[str, ManifestEntry] | None = None) -> bytes:
    """The bytes of one landmarker file, after checking size and SHA-256 against the manifest."""
    folder = Path(folder) if folder is not None else paths.landmarkers_dir()
    entry = (manifest or read_manifest(folder)).get(name)
    if entry is None:
        raise LandmarkerFileError(f"{name} is not listed in {folder / MANIFEST}. {_REINSTALL}")
    path = folder / name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LandmarkerFileError(f"The landmark model {path} is missing. {_REINSTALL}") from None
    except OSError as exc:
        raise LandmarkerFileError(f"The landmark model {path} cannot be read ({exc.strerror}).") from None
    digest = hashlib.sha256(data).hexdigest()
    if len(data) != entry.size or digest != entry.sha256:
        raise LandmarkerFileError(
            f"The landmark model {path} is altered or damaged: {len(data):,} bytes with SHA-256 {digest[:12]}…, "
            f"expected {entry.size:,} bytes with {entry.sha256[:12]}…. {_REINSTALL}")
    return data


def load_all(folder: Path | None = None) -> dict[str, bytes]:
    """All three landmarker files, verified: {file name: bytes}."""
    manifest = read_manifest(folder)
    return {name: load_verified(name, folder, manifest) for name in REQUIRED}
