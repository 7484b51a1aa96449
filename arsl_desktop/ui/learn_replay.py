"""Replays for learn mode: the reference (slower, mirrored for left-handed learners) and the
attempt beside the reference in step.

`PracticeSkeleton` is a `SkeletonReplay` that can play at half speed, mirror the picture, be
driven frame by frame from outside, and tint itself while the part that differed is shown.
`StepReplay` plays the attempt on its own clock and shows, beside it, the reference frame the
DTW path pairs with each attempt frame (`PracticeResult.path`), under a timeline of the attempt
with the span that differed most (`PracticeResult.worst`) in red and a moving cursor.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QElapsedTimer, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from arsl_desktop.core.landmarks import Keypoints
from arsl_desktop.core.personal_store import Example
from arsl_desktop.ui.overlays import draw_keypoints
from arsl_desktop.ui.skeleton_view import FRAME_MS, SkeletonReplay

MARK_COLOUR = QColor(229, 62, 62)  # the part that differed
SLOW = 0.5  # "slower": half speed


def pair_frames(n_attempt: int, n_reference: int, path: Sequence[tuple[int, int]]) -> np.ndarray:
    """For every attempt frame, the reference frame shown beside it: the DTW path's pair for that
    frame (the first, if several), else the last pair before it (frames between the path's sampled
    steps), else the first pair; without a path, the same fraction of the reference."""
    if n_attempt <= 0:
        return np.zeros(0, dtype=int)
    if not path:
        return np.minimum((np.arange(n_attempt) * max(n_reference, 1)) // n_attempt, max(n_reference - 1, 0))
    first: dict[int, int] = {}
    for a, r in path:
        first.setdefault(int(a), int(r))
    keys = np.array(sorted(first))
    refs = np.array([first[k] for k in keys])
    idx = np.searchsorted(keys, np.arange(n_attempt), side="right") - 1
    return np.clip(refs[np.maximum(idx, 0)], 0, max(n_reference - 1, 0))


class PracticeSkeleton(SkeletonReplay):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(180, 170)
        self.speed = 1.0
        self.mirror = False
        self.marked = False  # tinted: showing the part that differed
        self._offset = 0.0  # seconds into the example when the clock (re)started

    def set_speed(self, speed: float) -> None:
        """Change the pace without a jump: the clock restarts at the frame shown now."""
        if self.keypoints and self.playing:
            self._offset = self.keypoints[min(self.frame, len(self.keypoints) - 1)].timestamp - self.keypoints[0].timestamp
            self._clock.restart()
        self.speed = speed

    def play(self, keypoints: list[Keypoints]) -> None:
        self._offset = 0.0
        super().play(keypoints)

    def show_frame(self, i: int, marked: bool = False) -> None:
        """Show frame `i` (driven by `StepReplay`; this view's own clock is not used)."""
        self.frame = max(0, min(int(i), len(self.keypoints) - 1))
        self.marked = marked
        self.update()

    def load(self, keypoints: list[Keypoints]) -> None:
        """Frames to show with `show_frame` (no clock of its own)."""
        self.play(keypoints)
        self.stop()

    def _advance(self) -> None:
        if not self.keypoints:
            return
        t0, t1 = self.keypoints[0].timestamp, self.keypoints[-1].timestamp
        span = max(t1 - t0, 1e-3) + FRAME_MS / 1000
        t = t0 + (self._offset + self._clock.elapsed() / 1000 * self.speed) % span
        times = [k.timestamp for k in self.keypoints]
        self.frame = max(0, int(np.searchsorted(times, t, side="right")) - 1)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(60, 18, 22) if self.marked else QColor(18, 18, 22))
        if self.marked:
            painter.setPen(QPen(MARK_COLOUR, 4))
            painter.drawRect(self.rect().adjusted(2, 2, -2, -2))
        if not self.keypoints:
            return
        kp = self.keypoints[min(self.frame, len(self.keypoints) - 1)]
        ext = self._extent
        s = min(self.width() / ext.width(), self.height() / ext.height())
        if self.mirror:  # the picture flipped left to right, as in a mirror
            painter.translate(self.width(), 0)
            painter.scale(-1, 1)
        painter.translate((self.width() - ext.width() * s) / 2, (self.height() - ext.height() * s) / 2)
        painter.scale(s, s)
        painter.translate(-ext.left(), -ext.top())
        draw_keypoints(painter, kp, self.options, s)


class Timeline(QWidget):
    """The attempt's duration, the span that differed most in red, and where the replay is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("learnTimeline")
        self.setFixedHeight(14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.duration = 0.0
        self.worst: tuple[float, float] | None = None
        self.t = 0.0

    def _x(self, t: float) -> float:
        frac = 0.0 if self.duration <= 0 else min(max(t / self.duration, 0.0), 1.0)
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            frac = 1.0 - frac  # time runs from the right in Arabic
        return frac * self.width()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(QRectF(0, 3, self.width(), self.height() - 6), QColor(90, 90, 100))
        if self.worst is not None and self.duration > 0:
            a, b = sorted((self._x(self.worst[0]), self._x(self.worst[1])))
            p.fillRect(QRectF(a, 0, max(b - a, 3.0), self.height()), MARK_COLOUR)
        x = self._x(self.t)
        p.fillRect(QRectF(x - 1.5, 0, 3, self.height()), QColor(255, 255, 255))


class StepReplay(QWidget):
    """The attempt (left in English, right in Arabic) and the reference, in step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("learnStepReplay")
        self.attempt = PracticeSkeleton(self)
        self.attempt.setObjectName("learnAttemptReplay")
        self.reference = PracticeSkeleton(self)
        self.reference.setObjectName("learnReferenceReplay")
        self.attempt_caption = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.reference_caption = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.timeline = Timeline(self)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.attempt_caption, 0, 0)
        grid.addWidget(self.reference_caption, 0, 1)
        grid.addWidget(self.attempt, 1, 0)
        grid.addWidget(self.reference, 1, 1)
        grid.addWidget(self.timeline, 2, 0, 1, 2)
        self.pairs = np.zeros(0, dtype=int)
        self.times = np.zeros(0)
        self.worst: tuple[float, float] | None = None
        self.speed = 1.0
        self._offset = 0.0
        self._clock = QElapsedTimer()
        self._timer = QTimer(self, interval=FRAME_MS)
        self._timer.timeout.connect(self._advance)

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def play(self, attempt: Example, reference: Example, path: Sequence[tuple[int, int]],
             worst: tuple[float, float] | None) -> None:
        self.attempt.load(attempt.keypoints())
        self.reference.load(reference.keypoints())
        self.times = np.asarray(attempt.times, dtype=float) - float(attempt.times[0])
        self.pairs = pair_frames(attempt.frames, reference.frames, path)
        self.worst = worst
        self.timeline.duration, self.timeline.worst = float(self.times[-1]), worst
        self._offset = 0.0
        self._show(0)
        self._clock.start()
        self._timer.start()

    def clear(self) -> None:
        self._timer.stop()
        self.attempt.play([])
        self.reference.play([])
        self.timeline.duration, self.timeline.worst = 0.0, None
        self.timeline.update()

    def stop(self) -> None:
        self._timer.stop()

    def set_speed(self, speed: float) -> None:
        if len(self.times):
            self._offset = float(self.times[self.attempt.frame])
            self._clock.restart()
        self.speed = speed

    def set_mirror(self, on: bool) -> None:
        for view in (self.attempt, self.reference):
            view.mirror = on
            view.update()

    def in_worst(self, t: float) -> bool:
        return self.worst is not None and self.worst[0] <= t <= self.worst[1]

    def _show(self, i: int) -> None:
        t = float(self.times[i])
        marked = self.in_worst(t)
        self.attempt.show_frame(i, marked)
        self.reference.show_frame(int(self.pairs[i]), marked)
        self.timeline.t = t
        self.timeline.update()

    def _advance(self) -> None:
        if not len(self.times):
            return
        span = max(float(self.times[-1]), 1e-3) + 0.5  # a short pause before it loops
        t = (self._offset + self._clock.elapsed() / 1000 * self.speed) % span
        self._show(max(0, int(np.searchsorted(self.times, t, side="right")) - 1))
