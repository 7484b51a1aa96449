"""The live window's landmarker strides: pose and face on alternate frames, hands on every one.

Fake MediaPipe tasks count the calls (no model is loaded); the slow test runs the real
landmarkers on a KArSL clip and checks the strided keypoints stay near the full ones.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import numpy as np
import pytest

from arsl_desktop.core import features as F
from arsl_desktop.core.landmarks import LIVE_STRIDES, TasksLandmarker, to_keypoints


def _lm(x: float, n: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(x=x + i * 1e-3, y=0.5, z=0.0) for i in range(n)]


class _Task:
    """Stands in for one MediaPipe landmarker: records the timestamps it saw, returns numbered results."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.calls: list[int] = []

    def detect_for_video(self, image, ms: int):
        self.calls.append(ms)
        x = len(self.calls) / 100  # which call produced a result shows in its x
        if self.kind == "pose":
            return SimpleNamespace(pose_landmarks=[_lm(x, 33)])
        if self.kind == "face":
            return SimpleNamespace(face_landmarks=[_lm(x, 478)])
        return SimpleNamespace(hand_landmarks=[_lm(x, 21)], handedness=[[SimpleNamespace(category_name="Left")]])

    def close(self) -> None:
        pass


def _fake(pool: bool) -> TasksLandmarker:
    lm = TasksLandmarker.__new__(TasksLandmarker)
    lm._pool = ThreadPoolExecutor(2) if pool else None
    lm._open = []
    lm._tasks = (_Task("pose"), _Task("hands"), _Task("face"))
    lm._last_ms = -1
    lm._frame = 0
    lm._held = {}
    lm._rescuer = None
    lm.image = lambda rgb: rgb
    lm.set_strides()
    return lm


@pytest.mark.parametrize("pool", [False, True])
def test_default_runs_every_landmarker_on_every_frame(pool):
    lm = _fake(pool)
    frame = np.zeros((8, 8, 3), np.uint8)
    for i in range(6):
        lm.process(frame, i / 30)
    assert [len(t.calls) for t in lm._tasks] == [6, 6, 6]


@pytest.mark.parametrize("pool", [False, True])
def test_live_strides_alternate_pose_and_face_and_repeat_their_last_result(pool):
    lm = _fake(pool)
    lm.set_strides(**LIVE_STRIDES)
    assert LIVE_STRIDES == {"face_every": 2, "pose_every": 2}
    frame = np.zeros((8, 8, 3), np.uint8)
    kps = [lm.process(frame, i / 30) for i in range(7)]
    pose, hands, face = lm._tasks
    ms = [0, 33, 67, 100, 133, 167, 200]
    assert hands.calls == ms
    assert pose.calls == ms[0::2]  # frames 0, 2, 4, 6
    assert face.calls == [0] + ms[1::2]  # frame 0 (nothing to repeat yet), then 1, 3, 5
    assert all(k.present[F.POSE] and k.present[F.FACE] for k in kps)
    # a skipped part repeats the previous frame's values; hands are always fresh
    assert np.array_equal(kps[1].xyz[F.POSE_SL], kps[0].xyz[F.POSE_SL])
    assert np.array_equal(kps[2].xyz[F.FACE_SL], kps[1].xyz[F.FACE_SL])
    assert not np.array_equal(kps[2].xyz[F.POSE_SL], kps[1].xyz[F.POSE_SL])
    hand_x = [k.xyz[F.LEFT_SL, 0][0] if k.present[F.LEFT] else k.xyz[F.RIGHT_SL, 0][0] for k in kps]
    assert len(set(np.round(hand_x, 4))) == 7


def test_reset_starts_the_strides_again():
    lm = _fake(False)
    lm.set_strides(**LIVE_STRIDES)
    frame = np.zeros((8, 8, 3), np.uint8)
    lm.process(frame, 0.0)
    lm.process(frame, 1 / 30)
    lm._frame, lm._held = 0, {}  # what _build() sets after a reset
    lm.process(frame, 2 / 30)
    pose, _, face = lm._tasks
    assert len(pose.calls) == 2 and len(face.calls) == 3  # the first frame after a reset runs all three


def test_face_subset_is_the_same_as_converting_every_point():
    rng = np.random.default_rng(0)
    pts = rng.random((478, 3)).astype(np.float32)
    face = SimpleNamespace(face_landmarks=[[SimpleNamespace(x=float(a), y=float(b), z=float(c)) for a, b, c in pts]])
    kp = to_keypoints(None, None, face, 640, 480)
    assert kp.present[F.FACE]
    np.testing.assert_array_equal(kp.xyz[F.FACE_SL], pts[F.FACE_IDX])


@pytest.mark.slow
def test_live_strides_keep_keypoints_near_the_full_run(dense_video):
    from arsl_desktop.core.landmarks import create_landmarker, stack
    from arsl_desktop.core.sources import VideoFileSource

    with VideoFileSource(dense_video) as src:
        frames = list(src)
    out = {}
    for name, strides in (("full", {}), ("live", LIVE_STRIDES)):
        with create_landmarker(threads=1, **strides) as lm:
            out[name] = stack([lm.process(f.image, f.timestamp) for f in frames])
    (full, fp, _, _), (live, lp, _, _) = out["full"], out["live"]
    assert (fp == lp).mean() >= 0.95
    # A repeated part is one frame (1/30 s) old. On this clip the body points the features use (arms
    # included) moved 0.15% of the picture in the median (3% at the 95th percentile), the face 0.01%.
    both = fp[:, F.POSE] & lp[:, F.POSE]
    pose = np.abs(full[both][:, F.POSE_FEATURE_IDX, :2] - live[both][:, F.POSE_FEATURE_IDX, :2])
    both = fp[:, F.FACE] & lp[:, F.FACE]
    face = np.abs(full[both][:, F.FACE_SL, :2] - live[both][:, F.FACE_SL, :2])
    print(f"pose median {np.median(pose):.4f} p95 {np.percentile(pose, 95):.4f}, "
          f"face median {np.median(face):.4f} p95 {np.percentile(face, 95):.4f}")
    assert np.median(pose) < 0.005 and np.median(face) < 0.001
