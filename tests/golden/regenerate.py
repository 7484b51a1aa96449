"""Regenerate the golden keypoints/features (only when the schema changes on purpose):

    .venv/bin/python tests/golden/regenerate.py

Bump `features.FEATURES_VERSION` whenever the features change, `features.KEYPOINT_SCHEMA`
whenever the landmarker or the keypoint layout changes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from arsl_desktop import paths
from arsl_desktop.core import features as F
from arsl_desktop.core.landmarks import create_landmarker, stack
from arsl_desktop.core.sources import FrameFolderSource

GOLDEN = Path(__file__).parent / "karsl_02_test_0071_first.npz"
CLIP = ("frames", "02", "test", "0071")


def clip_path() -> Path:
    root = paths.sample_dir()
    if root is None:
        raise SystemExit("KArSL sample folder not found")
    return sorted(root.joinpath(*CLIP).iterdir())[0]


def main() -> None:
    clip = clip_path()
    with create_landmarker() as lm:
        kps = [lm.process(f.image, f.timestamp) for f in FrameFolderSource(clip)]
    xyz, present, times, aspect = stack(kps)
    feats = F.frame_features(xyz, present, aspect)
    seq = F.sequence_features(xyz, present, times, 32, aspect)
    np.savez_compressed(GOLDEN, clip=clip.name, schema=F.SCHEMA_VERSION, keypoints=F.KEYPOINT_SCHEMA, xyz=xyz, present=present, times=times,
                        aspect=aspect, features=feats, sequence=seq)
    print(f"wrote {GOLDEN} ({len(times)} frames)")


if __name__ == "__main__":
    main()
