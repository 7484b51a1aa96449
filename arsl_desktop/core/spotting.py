"""Sign spotting: turn a continuous keypoint stream into one segment per sign.

A segment starts when a hand rises into signing space and ends when the hands go down,
when they hold still, or at the maximum length. After a segment that ended by stillness
the spotter waits for movement, a new hand shape or lowered hands before it starts again, so a held sign
is reported once, not over and over.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core.landmarks import Keypoints

_TIPS = [4, 8, 12, 16, 20]  # fingertips in MediaPipe's hand layout (0 is the wrist, 9 the middle knuckle)


class SpotState(str, Enum):
    NO_PERSON = "no_person"  # nobody (no pose) in view
    WAITING = "waiting"  # person in view, hands down
    SIGNING = "signing"  # inside a segment


@dataclass(frozen=True)
class SpotterConfig:
    start_frames: int = 2  # consecutive raised frames that open a segment
    end_rest_s: float = 0.25  # hands down this long closes a segment
    still_s: float = 0.7  # hands held still this long closes a segment
    still_range: float = 0.08  # "still": wrists move less than this (shoulder widths) over still_s
    still_shape: float = 0.5  # ... and fingertips move less than this (hand sizes, relative to the wrist)
    rearm_shape: float = 0.8  # after a held sign, a new hand shape this different starts the next sign
    min_duration_s: float = 0.3
    max_duration_s: float = 4.0
    pre_roll_s: float = 0.1  # frames kept before the first raised frame
    history: int = 90  # frames remembered for the body reference and pre-roll


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    keypoints: tuple[Keypoints, ...]
    reason: str  # "hands_down", "still", "max_length" or "end_of_stream"

    @property
    def duration(self) -> float:
        return self.end - self.start


class SignSpotter:
    """Feed `Keypoints` frame by frame; `push` returns a finished `Segment` or None."""

    def __init__(self, config: SpotterConfig | None = None) -> None:
        self.config = config or SpotterConfig()
        self.reset()

    def reset(self) -> None:
        self._history: deque[Keypoints] = deque(maxlen=self.config.history)
        self._segment: list[Keypoints] = []
        self._raised_run = 0
        self._down_since: float | None = None
        self._first_raised = self._last_raised = 0.0
        self._armed = True
        self.state = SpotState.NO_PERSON

    def _raised(self) -> bool:
        hist = list(self._history)[-30:]
        xyz = np.stack([k.xyz for k in hist])
        present = np.stack([k.present for k in hist])
        return bool(F.hands_raised(xyz[-1:], present[-1:], hist[-1].aspect, reference=(xyz, present))[0])

    def _movement(self, frames: list[Keypoints]) -> tuple[float, float]:
        """(how far the wrists moved, in shoulder widths; how much the hand shape changed: the
        fingertips' range relative to the wrist, in hand sizes) across `frames`; inf if a hand
        came or went."""
        xyz = np.stack([k.xyz for k in frames])
        present = np.stack([k.present for k in frames])
        aspect = frames[-1].aspect
        _, width = F.body_reference(xyz, present, aspect)
        spans, shapes = [], []
        for part, sl in ((F.LEFT, F.LEFT_SL), (F.RIGHT, F.RIGHT_SL)):
            p = present[:, part]
            if p.any() and not p.all():
                return float("inf"), float("inf")
            if p.all():
                hand = xyz[:, sl, :2] * np.array([aspect, 1.0])
                w = hand[:, 0]
                spans.append(float(np.max(w.max(axis=0) - w.min(axis=0))))
                size = max(float(np.linalg.norm(hand[:, 9] - hand[:, 0], axis=1).mean()), 1e-4)
                tips = (hand[:, _TIPS] - hand[:, :1]) / size
                shapes.append(float(np.max(tips.max(axis=0) - tips.min(axis=0))))
        if not spans:
            return float("inf"), float("inf")
        return max(spans) / width, max(shapes)

    def push(self, kp: Keypoints) -> Segment | None:
        cfg = self.config
        self._history.append(kp)
        raised = self._raised() if kp.any_hand else False
        t = kp.timestamp

        if self.state != SpotState.SIGNING:
            self.state = SpotState.WAITING if kp.present[F.POSE] or kp.any_hand else SpotState.NO_PERSON
            if not raised:
                self._armed = True
                self._raised_run = 0
                return None
            if not self._armed:
                recent = [k for k in self._history if k.timestamp >= t - cfg.still_s]
                if len(recent) >= 3:
                    moved, reshaped = self._movement(recent)
                    # the hands move on, or take a new shape (a static sign straight after a held one)
                    self._armed = moved > 2 * cfg.still_range or reshaped > cfg.rearm_shape
                if not self._armed:
                    return None
            self._raised_run += 1
            if self._raised_run < cfg.start_frames:
                return None
            self._first_raised = self._last_raised = list(self._history)[-cfg.start_frames].timestamp
            self._segment = [k for k in self._history if k.timestamp >= self._first_raised - cfg.pre_roll_s]
            self._down_since = None
            self.state = SpotState.SIGNING
            return None

        self._segment.append(kp)
        start = self._segment[0].timestamp
        if raised:
            self._down_since = None
            self._last_raised = t
        elif self._down_since is None:
            self._down_since = t
        if self._down_since is not None and t - self._down_since >= cfg.end_rest_s:
            return self._close("hands_down", keep_until=self._down_since)
        if t - start >= cfg.min_duration_s + cfg.still_s:
            recent = [k for k in self._segment if k.timestamp >= t - cfg.still_s]
            if len(recent) >= 3:
                moved, reshaped = self._movement(recent)
                if moved < cfg.still_range and reshaped < cfg.still_shape:
                    self._armed = False
                    return self._close("still")
        if t - start >= cfg.max_duration_s:
            return self._close("max_length")
        return None

    def resume(self, frames: tuple[Keypoints, ...] | list[Keypoints]) -> None:
        """Open a segment again with `frames` (the unfinished last sign of a segment cut at the
        length limit), so the sign goes on from where it was rather than from the cut."""
        if not frames:
            return
        self._segment = list(frames)
        self._first_raised = frames[0].timestamp
        self._last_raised = frames[-1].timestamp
        self._down_since = None
        self._raised_run = 0
        self._armed = True
        self.state = SpotState.SIGNING

    def flush(self) -> Segment | None:
        """End of stream: close an open segment."""
        if self.state == SpotState.SIGNING:
            return self._close("end_of_stream")
        return None

    def _close(self, reason: str, keep_until: float | None = None) -> Segment | None:
        frames = self._segment
        signed = self._last_raised - self._first_raised
        if keep_until is not None:
            frames = [k for k in frames if k.timestamp <= keep_until + self.config.pre_roll_s]
        self._segment = []
        self._raised_run = 0
        self._down_since = None
        self.state = SpotState.WAITING
        if not frames:
            return None
        if signed < self.config.min_duration_s:
            return None  # a blip: hands up too briefly to be a sign
        return Segment(frames[0].timestamp, frames[-1].timestamp, tuple(frames), reason)
