"""MediaPipe Tasks (pose, hands, face) -> one fixed keypoint array per frame (layout in `features`).

Three official landmarkers from `landmarkers/` (verified against its manifest), in VIDEO
mode (tracking between frames). They run concurrently: pose and face on a small thread
pool while the calling thread runs the hands; MediaPipe's C calls release the GIL, so on
two cores the three cost about as much as the slowest plus a share of the others.

Each detected hand is assigned to the body by the pose wrists (the nearer wrist wins, both
hands jointly), not by MediaPipe's handedness label, which assumes a mirrored selfie image;
the label is only the fallback when no pose is found. "Left" is always the signer's left.
Call `reset()` between unrelated clips so tracking does not carry over.

A face that the whole frame did not show is looked for again on a close crop of the head placed
by the pose (`rescue`, `core.rescue`: a signer far from the camera; on by default, as the
shipped model learnt it).
"""

from __future__ import annotations

import os
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core import landmarker_files as files
from arsl_desktop.core import rescue as R

LANDMARKER_NAME = "MediaPipe Tasks (pose full, hand, face; a second look at a small face)"
# `rescue=False`: the three whole-frame landmarkers only, the keypoints the shipped model learnt
FIRST_LOOK_NAME = "MediaPipe Tasks (pose full, hand, face)"
# The live window's strides (`TasksLandmarker.set_strides`): pose on even frames, face on odd ones,
# hands on every frame. Pinned to one core the window went from 20.5 to 27.2 recognised frames/s
# (MediaPipe 41.4 -> 30.4 ms a frame); top-1 on the 179 KArSL test clips stayed 179/179, no clip's
# top-1 changed (benchmarks/live_accuracy.py; README "Measured here").
LIVE_STRIDES = {"face_every": 2, "pose_every": 2}


@dataclass(frozen=True)
class Keypoints:
    """Landmarks of one frame. Immutable: safe to hand across threads."""

    xyz: np.ndarray  # (N_KEYPOINTS, 3) float32, MediaPipe normalised image coordinates
    present: np.ndarray  # (4,) bool: pose, face, left hand, right hand
    width: int
    height: int
    timestamp: float = 0.0

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


def quiet_mediapipe() -> None:
    """MediaPipe/absl print C++ INFO/WARNING lines to stderr; users only need real errors.

    Must run before mediapipe is first imported.
    """
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


_FACE_ROWS = [int(i) for i in F.FACE_IDX]
_FACE_MAX = max(_FACE_ROWS)


def _points(landmarks) -> np.ndarray:
    return np.array([(p.x, p.y, p.z) for p in landmarks], np.float32)


def assign_hands(hands: list[np.ndarray], labels: list[str], pose: np.ndarray | None,
                 aspect: float = 1.0) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(signer's left hand, signer's right hand) from up to two detected hands.

    With a pose, the assignment that puts the hands' wrists nearest the pose wrists wins
    (one hand: the nearer wrist; two: the cheaper of the two pairings). Without one,
    MediaPipe's label decides; it names hands as in a mirrored picture, so "Right" is the
    signer's left in the unmirrored camera image this app processes.
    """
    hands = hands[:2]
    if not hands:
        return None, None
    if pose is not None:
        scale = np.array([aspect, 1.0], np.float32)
        wrists = pose[[F.L_WRIST, F.R_WRIST], :2] * scale  # signer's left, right
        d = np.array([[np.linalg.norm(h[0, :2] * scale - w) for w in wrists] for h in hands])
        if len(hands) == 1:
            side = int(np.argmin(d[0]))
            return (hands[0], None) if side == 0 else (None, hands[0])
        if d[0, 0] + d[1, 1] <= d[0, 1] + d[1, 0]:
            return hands[0], hands[1]
        return hands[1], hands[0]
    left = right = None
    for h, label in zip(hands, labels, strict=False):
        if label.lower() == "right" and left is None:
            left = h
        elif right is None:
            right = h
        else:
            left = h if left is None else left
    return left, right


def to_keypoints(pose_result, hand_result, face_result, width: int, height: int,
                 timestamp: float = 0.0) -> Keypoints:
    """Combine the three landmarkers' results of one frame into `Keypoints`."""
    xyz, present = F.empty_keypoints()
    pose = None
    if pose_result is not None and pose_result.pose_landmarks:
        pose = _points(pose_result.pose_landmarks[0])
        xyz[F.POSE_SL] = pose
        present[F.POSE] = True
    if face_result is not None and face_result.face_landmarks:
        face = face_result.face_landmarks[0]
        if len(face) > _FACE_MAX:
            xyz[F.FACE_SL] = _points([face[i] for i in _FACE_ROWS])  # the subset only, not all 478 points
            present[F.FACE] = True
    if hand_result is not None and hand_result.hand_landmarks:
        hands = [_points(h) for h in hand_result.hand_landmarks]
        labels = [(h[0].category_name or "") if h else "" for h in hand_result.handedness]
        left, right = assign_hands(hands, labels, pose, width / height if height else 1.0)
        for part, sl, hand in ((F.LEFT, F.LEFT_SL, left), (F.RIGHT, F.RIGHT_SL, right)):
            if hand is not None:
                xyz[sl] = hand
                present[part] = True
    return Keypoints(xyz, present, int(width), int(height), float(timestamp))


class TasksLandmarker:
    """Pose + hands + face landmarkers in VIDEO mode; one instance per thread or process.

    `threads` > 1 runs pose and face on a pool beside the hands (the default);
    1 runs the three one after another on the calling thread.

    `face_every` / `pose_every` = n runs that landmarker on every n-th frame only (face on the
    frames pose skips) and repeats its last result in between; 1 (the default, what training,
    `recognize` and the golden tests use) runs all three on every frame. The live window sets
    `LIVE_STRIDES` (see `set_strides`).

    `rescue` (the default) looks again for a face missed where the pose shows a head, on a close
    crop of the head (`core.rescue`; what the shipped model learnt from); False: the three
    whole-frame landmarkers only (`benchmarks/rescue_bench.py` compares).
    """

    def __init__(self, folder: Path | None = None, threads: int = 3, min_detection: float = 0.5,
                 min_tracking: float = 0.5, face_every: int = 1, pose_every: int = 1,
                 rescue: bool = True) -> None:
        quiet_mediapipe()
        self._models = files.load_all(folder)  # verified bytes, kept for reset()
        self._conf = (min_detection, min_tracking)
        self._pool = ThreadPoolExecutor(min(2, threads - 1), "landmarks") if threads > 1 else None
        self.face_every = self.pose_every = 1
        self.set_strides(face_every, pose_every)
        self._tasks: tuple = ()
        self._open: list = []  # the live MediaPipe tasks, closed at exit if the owner forgot
        # MediaPipe's own __del__ fails once the interpreter is tearing down (tracebacks at exit);
        # a finalizer closes them when this object goes, or marks them closed at exit.
        self._finalizer = weakref.finalize(self, _close_all, self._open)
        self._rescuer = self._build_rescuer() if rescue else None  # stateless: kept over reset()
        self._build()

    def _options(self):
        import mediapipe as mp  # heavy import: only when a landmarker is built
        from mediapipe.tasks.python import BaseOptions, vision

        self._mp = mp
        return vision, lambda name: BaseOptions(model_asset_buffer=self._models[name])

    def _build_rescuer(self):
        """The face landmarker in IMAGE mode for the head crops of `rescue` (no tracking: each
        crop is placed anew)."""
        vision, base = self._options()
        det = self._conf[0]
        face = vision.FaceLandmarker.create_from_options(vision.FaceLandmarkerOptions(
            base_options=base(files.FACE_FILE), running_mode=vision.RunningMode.IMAGE, num_faces=1,
            min_face_detection_confidence=det, min_face_presence_confidence=det))
        self._open.append(face)
        return face

    def _build(self) -> None:
        vision, base = self._options()
        det, track = self._conf
        video = vision.RunningMode.VIDEO

        pose = vision.PoseLandmarker.create_from_options(vision.PoseLandmarkerOptions(
            base_options=base(files.POSE_FILE), running_mode=video, num_poses=1,
            min_pose_detection_confidence=det, min_pose_presence_confidence=det, min_tracking_confidence=track))
        hands = vision.HandLandmarker.create_from_options(vision.HandLandmarkerOptions(
            base_options=base(files.HAND_FILE), running_mode=video, num_hands=2,
            min_hand_detection_confidence=det, min_hand_presence_confidence=det, min_tracking_confidence=track))
        face = vision.FaceLandmarker.create_from_options(vision.FaceLandmarkerOptions(
            base_options=base(files.FACE_FILE), running_mode=video, num_faces=1,
            min_face_detection_confidence=det, min_face_presence_confidence=det, min_tracking_confidence=track))
        self._tasks = (pose, hands, face)
        self._open += self._tasks
        self._last_ms = -1
        self._frame = 0
        self._held: dict[str, object] = {}  # a part's last result, reused on frames it is not run

    def set_strides(self, face_every: int = 1, pose_every: int = 1) -> None:
        """Run the face / pose landmarker on every n-th frame only (1: every frame); takes effect
        at the next frame."""
        self.face_every = max(1, int(face_every))
        self.pose_every = max(1, int(pose_every))

    @property
    def tasks(self) -> dict[str, object]:
        """The three MediaPipe landmarkers by part (for benchmarks that time each alone)."""
        return dict(zip(("pose", "hands", "face"), self._tasks, strict=True))

    def image(self, rgb: np.ndarray):
        """`rgb` as the MediaPipe image the landmarkers take."""
        return self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb, np.uint8))

    def _close_tasks(self) -> None:
        video = [t for t in self._open if any(t is v for v in self._tasks)]
        self._open[:] = [t for t in self._open if not any(t is v for v in video)]
        _close_all(video)
        self._tasks = ()

    def reset(self) -> None:
        """Forget tracking state (start of a new, unrelated clip): fresh landmarkers, same verified files."""
        self._close_tasks()
        self._build()

    def close(self) -> None:
        self._close_tasks()
        _close_all(self._open)
        self._rescuer = None
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def __enter__(self) -> TasksLandmarker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def process(self, rgb: np.ndarray, timestamp: float = 0.0) -> Keypoints:
        """Landmarks of one RGB uint8 frame (H, W, 3); timestamps in seconds, increasing."""
        if rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError(f"expected an RGB image (H, W, 3), got shape {rgb.shape}")
        if not self._tasks:
            raise RuntimeError("the landmarker is closed")
        # VIDEO mode needs strictly increasing integer milliseconds.
        ms = max(int(round(timestamp * 1000)), self._last_ms + 1)
        self._last_ms = ms
        image = self.image(rgb)
        pose, hands, face = self._tasks
        n = self._frame
        self._frame += 1
        run_pose = n % self.pose_every == 0 or "pose" not in self._held
        run_face = n % self.face_every == self.face_every - 1 or "face" not in self._held  # off pose's beat
        if self._pool is not None:
            pose_f = self._pool.submit(pose.detect_for_video, image, ms) if run_pose else None
            face_f = self._pool.submit(face.detect_for_video, image, ms) if run_face else None
            hand_r = hands.detect_for_video(image, ms)
            pose_r = pose_f.result() if pose_f else self._held["pose"]
            face_r = face_f.result() if face_f else self._held["face"]
        else:
            pose_r = pose.detect_for_video(image, ms) if run_pose else self._held["pose"]
            hand_r = hands.detect_for_video(image, ms)
            face_r = face.detect_for_video(image, ms) if run_face else self._held["face"]
        self._held["pose"], self._held["face"] = pose_r, face_r
        keypoints = to_keypoints(pose_r, hand_r, face_r, rgb.shape[1], rgb.shape[0], timestamp)
        if self._rescuer is None or not keypoints.present[F.POSE]:
            return keypoints
        return self._second_look(rgb, keypoints, run_face)

    def _second_look(self, rgb: np.ndarray, kp: Keypoints, fresh_face: bool) -> Keypoints:
        """`kp` with a missing face looked for again on a close crop of the head (`rescue`). A
        face found so is held over the frames the face landmarker skips, as its own result is."""
        if fresh_face:
            self._held["face_rescued"] = None
            box = None if kp.present[F.FACE] else R.head_box(kp.xyz[F.POSE_SL], kp.width, kp.height)
            if box is not None:
                found = self._rescuer.detect(self.image(R.crop(rgb, box))).face_landmarks
                if found and len(found[0]) > _FACE_MAX:
                    points = _points([found[0][i] for i in _FACE_ROWS])
                    self._held["face_rescued"] = R.to_frame(points, box, kp.width, kp.height)
        rescued = self._held.get("face_rescued")
        if kp.present[F.FACE] or rescued is None:
            return kp
        xyz, present = kp.xyz.copy(), kp.present.copy()
        xyz[F.FACE_SL], present[F.FACE] = rescued, True
        return Keypoints(xyz, present, kp.width, kp.height, kp.timestamp)


def _close_all(tasks: list) -> None:
    while tasks:
        task = tasks.pop()
        try:
            task.close()
        except RuntimeError:
            # At interpreter exit MediaPipe's dispatcher threads are already gone ("cannot schedule
            # new futures after shutdown"): the process is ending, so only keep its __del__ from
            # trying again and printing a traceback.
            task._handle = None


def create_landmarker(**kwargs) -> TasksLandmarker:
    """The app's landmarker (what the recogniser, training and the self-check build)."""
    return TasksLandmarker(**kwargs)


def stack(keypoints: list[Keypoints]) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """A clip's keypoints as arrays: xyz (T, N, 3), present (T, 4), times (T,), aspect."""
    if not keypoints:
        xyz, pres = F.empty_keypoints()
        return xyz[None][:0], pres[None][:0], np.zeros(0), 1.0
    xyz = np.stack([k.xyz for k in keypoints])
    present = np.stack([k.present for k in keypoints])
    times = np.array([k.timestamp for k in keypoints], np.float64)
    return xyz, present, times, keypoints[0].aspect
