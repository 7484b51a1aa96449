"""A recorded example replayed as a moving skeleton (the overlays' drawing, on a dark field).

The view fits the body's extent over the whole example (hands, arms, face), so a sign made
in a corner of the camera's picture still fills the small view; it replays at the example's
own timing and loops.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QElapsedTimer, QRectF, QSize, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from arsl_desktop.core import features as F
from arsl_desktop.core.landmarks import Keypoints
from arsl_desktop.ui.overlays import OverlayOptions, draw_keypoints

MARGIN = 0.12  # of the body's extent, around it
DRAWN_POSE = [11, 12, 13, 14, 15, 16]  # shoulders, elbows, wrists: the pose points the overlays draw
FRAME_MS = 33


def body_extent(keypoints: list[Keypoints]) -> QRectF:
    """The pixel rectangle every drawn point of every frame lies in (the whole frame if none)."""
    pts = []
    for kp in keypoints:
        for part in range(4):
            xy = kp.part(part)
            if xy is not None:
                pts.append(xy[DRAWN_POSE] if part == F.POSE else xy)
    if not pts:
        kp = keypoints[0] if keypoints else None
        return QRectF(0, 0, kp.width if kp else 1, kp.height if kp else 1)
    allp = np.concatenate(pts)
    finite = allp[np.isfinite(allp).all(axis=1)]
    if not len(finite):
        return QRectF(0, 0, 1, 1)
    (x0, y0), (x1, y1) = finite.min(axis=0), finite.max(axis=0)
    w, h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    return QRectF(x0 - MARGIN * w, y0 - MARGIN * h, w * (1 + 2 * MARGIN), h * (1 + 2 * MARGIN))


class SkeletonReplay(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("skeletonReplay")
        self.setMinimumSize(220, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.keypoints: list[Keypoints] = []
        self.frame = 0
        self.options = OverlayOptions()
        self._extent = QRectF()
        self._clock = QElapsedTimer()
        self._timer = QTimer(self, interval=FRAME_MS)
        self._timer.timeout.connect(self._advance)

    def sizeHint(self) -> QSize:
        return QSize(280, 260)

    def play(self, keypoints: list[Keypoints]) -> None:
        """Replay these frames (in a loop); an empty list clears the view."""
        self.keypoints = list(keypoints)
        self.frame = 0
        self._extent = body_extent(self.keypoints) if self.keypoints else QRectF()
        if len(self.keypoints) > 1:
            self._clock.start()
            self._timer.start()
        else:
            self._timer.stop()
        self.update()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def _advance(self) -> None:
        if not self.keypoints:
            return
        t0, t1 = self.keypoints[0].timestamp, self.keypoints[-1].timestamp
        span = max(t1 - t0, 1e-3) + FRAME_MS / 1000  # a short pause before it loops
        t = t0 + (self._clock.elapsed() / 1000) % span
        times = [k.timestamp for k in self.keypoints]
        self.frame = max(0, int(np.searchsorted(times, t, side="right")) - 1)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(18, 18, 22))
        if not self.keypoints:
            return
        kp = self.keypoints[min(self.frame, len(self.keypoints) - 1)]
        ext = self._extent
        s = min(self.width() / ext.width(), self.height() / ext.height())
        painter.translate((self.width() - ext.width() * s) / 2, (self.height() - ext.height() * s) / 2)
        painter.scale(s, s)
        painter.translate(-ext.left(), -ext.top())
        draw_keypoints(painter, kp, self.options, s)
