"""The keypoint cache: one .npz per sample, RAW landmarks (not features).

Caching keypoints rather than features keeps `arsl_desktop.core.features` the only place
that computes features (at train time, after augmentation on keypoints), so a schema change
needs no re-extraction. Writes are atomic (temp file, then rename): a killed extraction
never leaves a half-written file that a later run would trust.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from arsl_desktop.core import features as F

CACHE_VERSION = 1


@dataclass
class Clip:
    """One sample's keypoints plus where it came from."""

    xyz: np.ndarray  # (T, N_KEYPOINTS, 3) float32
    present: np.ndarray  # (T, 4) bool
    times: np.ndarray  # (T,) float64 seconds
    aspect: float
    signer: str
    split: str
    sign: int
    sample: str
    source: str = ""
    landmarker: str = ""  # `core.landmarks.LANDMARKER_NAME` of the code that extracted it ("" before it was kept)

    def __len__(self) -> int:
        return len(self.times)

    def mirrored(self, mark: str = "") -> Clip:
        """The same recording as a signer of the other hand makes it (`features.mirror_keypoints`:
        left and right swapped, x flipped); `mark` is added to the sample's name."""
        xyz, present = F.mirror_keypoints(self.xyz, self.present)
        return replace(self, xyz=xyz, present=present, sample=self.sample + mark)


def cache_path(out: Path, key: str) -> Path:
    return Path(out) / f"{key}.npz"


def save_clip(path: Path, clip: Clip) -> None:
    """Write atomically: a temp file in the same folder, then `os.replace`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(
                fh, xyz=clip.xyz.astype(np.float32), present=clip.present.astype(bool),
                times=clip.times.astype(np.float64), aspect=np.float64(clip.aspect),
                signer=clip.signer, split=clip.split, sign=np.int64(clip.sign), sample=clip.sample,
                source=clip.source, landmarker=clip.landmarker, schema=F.KEYPOINT_SCHEMA,
                cache_version=np.int64(CACHE_VERSION))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_clip(path: Path) -> Clip:
    with np.load(path, allow_pickle=False) as z:
        schema = str(z["schema"]) if "schema" in z else "unknown"
        if schema != F.KEYPOINT_SCHEMA:
            raise ValueError(f"{path} holds keypoints of schema '{schema}', this code makes '{F.KEYPOINT_SCHEMA}': "
                             "extract the cache again into a new folder (python -m training.extract --out ...)")
        return Clip(z["xyz"], z["present"], z["times"], float(z["aspect"]), str(z["signer"]),
                    str(z["split"]), int(z["sign"]), str(z["sample"]), str(z["source"]),
                    str(z["landmarker"]) if "landmarker" in z else "")


def cached_landmarker(path: Path) -> str | None:
    """The landmarker a cached clip was extracted with ("" if it was not kept), None if the file
    cannot be read (a later extraction writes it again)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            return str(z["landmarker"]) if "landmarker" in z else ""
    except (OSError, ValueError, KeyError):
        return None


def load_cache(root: Path, signers: set[str] | None = None, splits: set[str] | None = None,
               signs: set[int] | None = None) -> list[Clip]:
    """All cached clips under `root` that match the filters, in a stable order."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"keypoint cache not found: {root} (run `python -m training.extract` first)")
    clips = []
    for p in sorted(root.rglob("*.npz")):
        if p.name.startswith(".tmp-"):
            continue
        rel = p.relative_to(root).parts  # signer/split/sign/sample.npz
        if len(rel) == 4:
            if signers is not None and rel[0] not in signers:
                continue
            if splits is not None and rel[1] not in splits:
                continue
            if signs is not None and rel[2].isdigit() and int(rel[2]) not in signs:
                continue
        clip = load_clip(p)
        if ((signers is None or clip.signer in signers) and (splits is None or clip.split in splits)
                and (signs is None or clip.sign in signs)):
            clips.append(clip)
    return clips
