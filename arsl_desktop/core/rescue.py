"""A second look at a face the landmarker missed, on a close crop of the head found by the pose.

MediaPipe's face detector looks at the whole frame shrunk to its small input (128 pixels). A
signer who sits back from a laptop webcam, or stands in front of a room camera, has a face too
small for it: on KArSL recordings rendered as a webcam sees them (`training.webcam_like`) the
face was found in 7.5 % of frames, while the pose, which finds a body of any size, still showed
where the head was. So when the pose shows a head and no face was found, the face landmarker runs
again on a square crop around the head (`head_box`), scaled to `CROP_SIZE` pixels, and the
landmarks found are mapped back into the frame (`to_frame`): nothing downstream knows a crop was
used. It costs nothing while the face is found.

Hands were tried the same way (a crop beyond a raised pose wrist, along the forearm): on
webcam-like renderings it found a hand in 3 % more frames, but the personal-sign matcher's
validation rows moved both ways (signer 01 taught from 3 of their recordings: studio 97.4 ->
96.4 %, webcam-like 95.8 -> 95.3 %; from a teacher's pack, webcam-like: 93.3 -> 94.8 %), so it
was left out.

This module holds the geometry (box, crop, mapping back); `landmarks.TasksLandmarker` runs the
landmarker.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

CROP_SIZE = 256  # a crop's side after scaling, pixels
HEAD = [0, 2, 5, 7, 8]  # pose: nose, eyes, ears
HEAD_SPAN = 3.0  # a head crop's side: this x the head points' left-right span
HEAD_MIN_PX = 40


@dataclass(frozen=True)
class Box:
    """A square in pixels: left, top, side (it may reach past the frame; `crop` pads)."""

    x0: float
    y0: float
    side: float


def _inside(points: np.ndarray, width: int, height: int) -> bool:
    return bool(np.all((points[:, 0] >= 0) & (points[:, 0] < width) & (points[:, 1] >= 0) & (points[:, 1] < height)))


def head_box(pose: np.ndarray, width: int, height: int) -> Box | None:
    """The square to look for a face in, from the pose's head points ((33, 3) normalised), or
    None where the head is not in the frame, or the square would be as large as the frame
    (the detector saw the face at that scale already)."""
    head = pose[HEAD, :2] * np.array([width, height], np.float32)
    if not _inside(head, width, height):
        return None
    side = max(HEAD_SPAN * float(np.ptp(head[:, 0])), HEAD_MIN_PX)
    if side >= min(width, height):
        return None
    cx, cy = head.mean(axis=0)
    return Box(float(cx - side / 2), float(cy - side / 2), side)


def crop(rgb: np.ndarray, box: Box, size: int = CROP_SIZE) -> np.ndarray:
    """The box's pixels scaled to (size, size, 3); what lies outside the frame is black."""
    h, w = rgb.shape[:2]
    x0, y0 = int(round(box.x0)), int(round(box.y0))
    s = max(int(round(box.side)), 1)
    pad = ((max(0, -y0), max(0, y0 + s - h)), (max(0, -x0), max(0, x0 + s - w)), (0, 0))
    inner = rgb[max(0, y0):min(h, y0 + s), max(0, x0):min(w, x0 + s)]
    square = np.pad(inner, pad) if any(p for pair in pad[:2] for p in pair) else inner
    return np.ascontiguousarray(cv2.resize(square, (size, size), interpolation=cv2.INTER_CUBIC))


def to_frame(points: np.ndarray, box: Box, width: int, height: int) -> np.ndarray:
    """Landmarks normalised to a crop ((n, 3)) -> normalised to the frame. z, in MediaPipe
    scaled like x, is scaled as x is."""
    s = round(box.side)
    out = np.asarray(points, np.float32).copy()
    out[:, 0] = (round(box.x0) + out[:, 0] * s) / width
    out[:, 1] = (round(box.y0) + out[:, 1] * s) / height
    out[:, 2] = out[:, 2] * s / width
    return out
