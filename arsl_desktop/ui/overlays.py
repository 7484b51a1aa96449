"""Landmark overlays drawn with QPainter in the frame's pixel coordinates.

Hands (21-point skeleton), arms (shoulders, elbows, wrists from the pose) and a face
outline (an ellipse through forehead, chin and cheeks, plus eyes, brows and mouth from
the face subset in `core.features.FACE_IDX`). Each part can be switched off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from arsl_desktop.core import features as F
from arsl_desktop.core.landmarks import Keypoints

HAND_CONNECTIONS = [(0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (5, 9), (9, 10),
                    (10, 11), (11, 12), (9, 13), (13, 14), (14, 15), (15, 16), (13, 17), (0, 17),
                    (17, 18), (18, 19), (19, 20)]
ARM_CONNECTIONS = [(11, 12), (11, 13), (13, 15), (12, 14), (14, 16)]  # pose indices
_FACE_POS = {int(idx): i for i, idx in enumerate(F.FACE_IDX)}  # MediaPipe face index -> row in FACE part
FACE_LINES = [  # MediaPipe face-mesh indices, each a polyline
    [33, 159, 133, 145, 33], [362, 386, 263, 374, 362],  # eyes
    [70, 105, 107], [336, 334, 300],  # brows
    [61, 0, 291, 17, 61],  # lips
]
_KAPPA = 0.5523  # cubic Bezier approximation of a quarter ellipse

LEFT_COLOUR = QColor(255, 140, 0)  # the signer's left hand
RIGHT_COLOUR = QColor(0, 200, 255)
ARM_COLOUR = QColor(120, 255, 120)
FACE_COLOUR = QColor(255, 255, 255, 170)


@dataclass(frozen=True)
class OverlayOptions:
    hands: bool = True
    arms: bool = True
    face: bool = True


def _pen(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCosmetic(True)  # width in screen pixels whatever the frame's scale
    return pen


def _pt(xy: np.ndarray) -> QPointF:
    return QPointF(float(xy[0]), float(xy[1]))


def _lines(painter: QPainter, pts: np.ndarray, pairs: list[tuple[int, int]]) -> None:
    for a, b in pairs:
        painter.drawLine(_pt(pts[a]), _pt(pts[b]))


def _dots(painter: QPainter, pts: np.ndarray, radius: float) -> None:
    for p in pts:
        painter.drawEllipse(_pt(p), radius, radius)


def face_outline(face: np.ndarray) -> QPainterPath:
    """An ellipse through forehead (10), cheeks (234, 454) and chin (152); follows head tilt."""
    top, chin = face[_FACE_POS[10]], face[_FACE_POS[152]]
    right, left = face[_FACE_POS[234]], face[_FACE_POS[454]]
    c = (top + chin + right + left) / 4
    ends = [top, left, chin, right]
    path = QPainterPath(_pt(ends[0]))
    for i in range(4):
        p0, p1 = ends[i], ends[(i + 1) % 4]
        a, b = p0 - c, p1 - c  # conjugate semi-axes of the quarter arc
        path.cubicTo(_pt(c + a + _KAPPA * b), _pt(c + b + _KAPPA * a), _pt(p1))
    return path


def draw_keypoints(painter: QPainter, kp: Keypoints, options: OverlayOptions, scale: float = 1.0) -> None:
    """Draw onto a painter already transformed to the frame's pixel coordinates.

    `scale` is how many screen pixels one frame pixel covers (dot sizes stay readable).
    """
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    dot = max(1.5, 2.5 / max(scale, 1e-6))
    if options.face:
        face = kp.part(F.FACE)
        if face is not None:
            painter.setPen(_pen(FACE_COLOUR, 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(face_outline(face))
            for line in FACE_LINES:
                rows = [face[_FACE_POS[i]] for i in line]
                for p, q in zip(rows, rows[1:], strict=False):
                    painter.drawLine(_pt(p), _pt(q))
    if options.arms:
        pose = kp.part(F.POSE)
        if pose is not None:
            painter.setPen(_pen(ARM_COLOUR, 3))
            _lines(painter, pose, ARM_CONNECTIONS)
            painter.setBrush(ARM_COLOUR)
            _dots(painter, pose[[11, 12, 13, 14, 15, 16]], dot * 1.4)
    if options.hands:
        for part, colour in ((F.LEFT, LEFT_COLOUR), (F.RIGHT, RIGHT_COLOUR)):
            hand = kp.part(part)
            if hand is None:
                continue
            painter.setPen(_pen(colour, 2))
            _lines(painter, hand, HAND_CONNECTIONS)
            painter.setBrush(colour)
            painter.setPen(_pen(colour.darker(160), 1))
            _dots(painter, hand, dot)
