"""MediaPipe Holistic -> one fixed keypoint array per frame (layout in `features`).

Holistic (`mp.solutions.holistic`, mediapipe 0.10.21) ships its models inside the wheel,
so this works offline. Video mode (tracking between frames) for continuous input; call
`reset()` between unrelated clips so tracking does not carry over.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

import numpy as np

from arsl_desktop.core import features as F

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Keypoints:
    """Landmarks of one frame. Immutable: safe to hand across threads."""

    xyz: np.ndarray  # (N_KEYPOINTS, 3) float32, MediaPipe normalised image coordinates
    present: np.ndarray  # (4,) bool: pose, face, left hand, right hand
    width: int
    height: int
    timestamp: float = 0.0
    extra: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.xyz.setflags(write=False)
        self.present.setflags(write=False)

    @property
    def aspect(self) -> float:
        return self.width / self.height if self.height else 1.0

    @property
    def any_hand(self) -> bool:
        return bool(self.present[F.LEFT] or self.present[F.RIGHT])

    def part(self, index: int) -> np.ndarray | None:
        """(n, 2) pixel coordinates of one part (POSE, FACE, LEFT, RIGHT), or None if absent."""
        if not self.present[index]:
            return None
        sl = (F.POSE_SL, F.FACE_SL, F.LEFT_SL, F.RIGHT_SL)[index]
        return self.xyz[sl, :2] * np.array([self.width, self.height], np.float32)


def _quiet_mediapipe() -> None:
    # MediaPipe/absl print C++ INFO/WARNING lines to stderr; users only need real errors.
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")



class HolisticLandmarker:
    """Wraps `mp.solutions.holistic.Holistic`; one instance per thread or process."""

    def __init__(self, model_complexity: int = 1, video_mode: bool = True,
                 min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5) -> None:
        _quiet_mediapipe()
        import mediapipe as mp  # heavy import: only when a landmarker is built

        self._holistic_cls = mp.solutions.holistic.Holistic
        self._kwargs = dict(static_image_mode=not video_mode, model_complexity=model_complexity,
                            smooth_landmarks=video_mode, refine_face_landmarks=False,
                            min_detection_confidence=min_detection_confidence,
                            min_tracking_confidence=min_tracking_confidence)
        self._holistic = self._holistic_cls(**self._kwargs)

    def reset(self) -> None:
        """Forget tracking state (start of a new, unrelated clip)."""
        self._holistic.close()
        self._holistic = self._holistic_cls(**self._kwargs)

    def close(self) -> None:
        self._holistic.close()

    def __enter__(self) -> HolisticLandmarker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def process(self, rgb: np.ndarray, timestamp: float = 0.0) -> Keypoints:
        """Landmarks of one RGB uint8 frame (H, W, 3)."""
        if rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError(f"expected an RGB image (H, W, 3), got shape {rgb.shape}")
        if not rgb.flags["C_CONTIGUOUS"]:
            rgb = np.ascontiguousarray(rgb)
        res = self._holistic.process(rgb)
        return to_keypoints(res, rgb.shape[1], rgb.shape[0], timestamp)


def _fill(dst: np.ndarray, landmarks, index: np.ndarray | None = None) -> bool:
    if landmarks is None:
        return False
    lm = landmarks.landmark
    pts = np.array([(p.x, p.y, p.z) for p in lm], np.float32)
    dst[:] = pts if index is None else pts[index]
    return True


def to_keypoints(result, width: int, height: int, timestamp: float = 0.0) -> Keypoints:
    """Convert a Holistic result object to `Keypoints`."""
    xyz, present = F.empty_keypoints()
    present[F.POSE] = _fill(xyz[F.POSE_SL], result.pose_landmarks)
    present[F.FACE] = _fill(xyz[F.FACE_SL], result.face_landmarks, F.FACE_IDX)
    present[F.LEFT] = _fill(xyz[F.LEFT_SL], result.left_hand_landmarks)
    present[F.RIGHT] = _fill(xyz[F.RIGHT_SL], result.right_hand_landmarks)
    return Keypoints(xyz, present, int(width), int(height), float(timestamp))


def stack(keypoints: list[Keypoints]) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """A clip's keypoints as arrays: xyz (T, N, 3), present (T, 4), times (T,), aspect."""
    if not keypoints:
        xyz, pres = F.empty_keypoints()
        return xyz[None][:0], pres[None][:0], np.zeros(0), 1.0
    xyz = np.stack([k.xyz for k in keypoints])
    present = np.stack([k.present for k in keypoints])
    times = np.array([k.timestamp for k in keypoints], np.float64)
    return xyz, present, times, keypoints[0].aspect
