"""Golden keypoints and features for one real KArSL clip (sign 71, signer 02, sparse frames).

The feature half always runs (stored keypoints in, stored features out): any change to the
normalisation fails here and must come with a new SCHEMA_VERSION. The landmark half re-runs
MediaPipe on the real clip when the sample folder is present.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from arsl_desktop.core import features as F

GOLDEN = Path(__file__).parent / "golden" / "karsl_02_test_0071_first.npz"


@pytest.fixture(scope="module")
def golden():
    return np.load(GOLDEN)


def test_schema_version_matches_golden(golden):
    assert str(golden["keypoints"]) == F.KEYPOINT_SCHEMA, "keypoints changed: bump KEYPOINT_SCHEMA and regenerate"
    assert str(golden["schema"]) == F.SCHEMA_VERSION, "features changed: bump FEATURES_VERSION and regenerate"


def test_features_match_golden(golden):
    feats = F.frame_features(golden["xyz"], golden["present"], float(golden["aspect"]))
    np.testing.assert_allclose(feats, golden["features"], atol=1e-5)
    seq = F.sequence_features(golden["xyz"], golden["present"], golden["times"], 32, float(golden["aspect"]))
    np.testing.assert_allclose(seq, golden["sequence"], atol=1e-5)


@pytest.mark.slow
def test_landmarks_match_golden(golden, sample_dir):
    from arsl_desktop.core.landmarks import create_landmarker, stack
    from arsl_desktop.core.sources import FrameFolderSource

    clip = sample_dir / "frames" / "02" / "test" / "0071" / str(golden["clip"])
    with create_landmarker() as lm:
        kps = [lm.process(f.image, f.timestamp) for f in FrameFolderSource(clip)]
    xyz, present, times, aspect = stack(kps)
    np.testing.assert_allclose(times, golden["times"])
    assert aspect == pytest.approx(float(golden["aspect"]))
    agree = (present == golden["present"]).mean()
    assert agree >= 0.95, f"part presence agrees on only {agree:.0%} of frames"
    both = present & golden["present"]
    for part, sl in ((F.POSE, F.POSE_SL), (F.LEFT, F.LEFT_SL), (F.RIGHT, F.RIGHT_SL)):
        rows = both[:, part]
        if rows.any():
            # MediaPipe's CPU kernels may differ in the last bits between processors.
            np.testing.assert_allclose(xyz[rows][:, sl, :2], golden["xyz"][rows][:, sl, :2], atol=0.02)
