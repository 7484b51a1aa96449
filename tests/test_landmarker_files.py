"""The committed MediaPipe files are checked against their manifest; hands go to the right body side."""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import numpy as np
import pytest

from arsl_desktop import paths
from arsl_desktop.core import features as F
from arsl_desktop.core import landmarker_files as lf
from arsl_desktop.core.errors import LandmarkerFileError
from arsl_desktop.core.landmarks import assign_hands


def test_shipped_files_match_the_manifest():
    entries = lf.read_manifest()
    data = lf.load_all()
    assert set(data) == set(lf.REQUIRED)
    for name, blob in data.items():
        assert len(blob) == entries[name].size and entries[name].licence == "Apache-2.0"
        with zipfile.ZipFile(io.BytesIO(blob)) as z:  # a .task file is a zip MediaPipe maps as is
            assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist()), name
    assert (paths.landmarkers_dir() / "LICENSE").read_text().lstrip().startswith("Apache License")


@pytest.fixture()
def copy(tmp_path):
    folder = tmp_path / "landmarkers"
    folder.mkdir()
    for name in (*lf.REQUIRED, lf.MANIFEST):
        shutil.copy(paths.landmarkers_dir() / name, folder / name)
    return folder


def test_a_missing_file_is_named(copy):
    (copy / lf.HAND_FILE).unlink()
    with pytest.raises(LandmarkerFileError, match=f"{lf.HAND_FILE} is missing"):
        lf.load_all(copy)


def test_an_altered_file_is_named_even_at_the_same_size(copy):
    path = copy / lf.FACE_FILE
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    path.write_bytes(bytes(blob))
    with pytest.raises(LandmarkerFileError, match=f"{lf.FACE_FILE} is altered or damaged"):
        lf.load_all(copy)


def test_a_damaged_manifest_is_reported(copy):
    (copy / lf.MANIFEST).write_text("{not json")
    with pytest.raises(LandmarkerFileError, match="is damaged"):
        lf.load_all(copy)
    (copy / lf.MANIFEST).write_text(json.dumps({"files": []}))
    with pytest.raises(LandmarkerFileError, match="does not list"):
        lf.load_all(copy)


def _pose(left_wrist, right_wrist):
    pose = np.zeros((F.N_POSE, 3), np.float32)
    pose[F.L_WRIST, :2] = left_wrist
    pose[F.R_WRIST, :2] = right_wrist
    return pose


def _hand(x, y):
    h = np.zeros((21, 3), np.float32)
    h[:, 0], h[:, 1] = x, y
    return h


def test_hands_follow_the_pose_wrists_whatever_the_label_says():
    # The signer faces the camera: their left wrist is on the right of the picture.
    pose = _pose((0.7, 0.5), (0.3, 0.5))
    a, b = _hand(0.31, 0.52), _hand(0.69, 0.48)
    left, right = assign_hands([a, b], ["Left", "Right"], pose)
    assert left is b and right is a
    left, right = assign_hands([a], ["Right"], pose)  # one hand: the nearer wrist
    assert left is None and right is a


def test_without_a_pose_the_mirrored_label_decides():
    a = _hand(0.3, 0.5)
    # MediaPipe names hands as in a mirrored selfie: "Right" is the signer's left hand.
    assert assign_hands([a], ["Right"], None)[0] is a
    assert assign_hands([a], ["Left"], None)[1] is a
    assert assign_hands([], [], None) == (None, None)
