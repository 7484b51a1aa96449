"""Camera coach: is the signer well placed and well lit? From what the pipeline already has.

Per frame, from the frame and its `Keypoints` (no extra model), then smoothed over about a
second (a code counts when it is seen in more than half the frames of the last `window_s`):

    no_person   no pose, no face and no hand
    too_dark    the signer (the box around the upper body's landmarks, else the whole frame)
                is dark: mean grey below `dark_mean`, or below `dim_mean` with contrast (grey
                standard deviation) below `low_contrast`
    too_bright  the same box washed out: mean above `bright_mean`, or above `flat_mean` with
                contrast below `low_contrast`
    too_close   the shoulders span more than `close_shoulders` of the frame's width, or the
                head (nose, eyes, ears, forehead, chin) or an elbow lies outside the frame, or a
                raised wrist or raised hand past its left, right or top edge (a hand resting in
                the lap and cut by the bottom edge is fine)
    too_far     the shoulders span less than `far_shoulders` of the frame's width (finger
                shapes are then a few pixels)
    hand_lost   a hand tracked up in signing space is no longer found while its arm (the pose
                wrist, inside the frame) is still up, and not right by the other hand (which
                then hides it); not when another problem explains it. It stays reported
                `hand_lost_hold_s` after it was last seen, so the window can say it once the
                sign is over

More than one person is not reported: the pose landmarker is built with `num_poses=1` (see
`core/landmarks.py`), so the keypoints never show a second body.

Brightness is measured on a grey copy at most 64 pixels a side: the whole coach costs about
0.5 ms a frame (1280 x 720 or 256 x 256, on the busy 2-core development machine).

Thresholds (`CoachConfig`) were chosen on 16 KArSL clips and altered copies of them
(`tests/coach_clips.py`: darkened x0.15; washed out with 70 % white; zoomed on the face and
upper chest, 0.42 of the frame scaled up; shrunk to half width and half height, a quarter of
the area, in the middle of a black 16:9 frame): signer 01 test videos of signs 1, 3, 5, 7, 9
and 23, two train videos (the 4th file, sign 70), signer 01 test frame folders of signs 71, 75,
78, 80, signer 02 frame folders of test signs 71, 76 and train signs 74, 77. Over every frame
(`.venv/bin/python scripts/coach_figures.py`), median (min-max):

    copy        grey mean       contrast          shoulders / frame width
    original    183 (105-192)   55.2 (47.1-63.7)  0.352 (0.265-0.384)
    darkened    27.5 (15.9-28.8) 8.3 (7.1-9.6)    0.355 (0.272-0.393)
    washed out  233 (210-237)   16.6 (14.2-19.1)  0.353 (0.275-0.399)
    zoomed      154 (132-169)   43.4 (37.6-61.8)  0.721 (0.471-0.889)
    shrunk      173 (86-193)    67.0 (53.1-94.3)  0.100 (0.075-0.112)

so: too dark below 50 (or below 90 when the contrast is under 25), too bright above 215 (or
above 185 when the contrast is under 25: the washed frames at 210-215), too far under 0.15,
too close over 0.55 (every zoomed frame was too close: those under 0.55 had an elbow or the
head outside). Every copy gets exactly its own code from `AdviceTally` (what `recognize`
prints), every original none; on the originals the largest
share of frames with any per-frame problem was hand_lost in 28 % of the signing frames of
one clip (signer 01, sign 80), under the half that `AdviceTally` needs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import cv2
import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core.landmarks import Keypoints

NO_PERSON, TOO_DARK, TOO_BRIGHT, TOO_CLOSE, TOO_FAR, HAND_LOST = (
    "no_person", "too_dark", "too_bright", "too_close", "too_far", "hand_lost")
CODES = (NO_PERSON, TOO_DARK, TOO_BRIGHT, TOO_CLOSE, TOO_FAR, HAND_LOST)  # most important first

_HEAD = (0, 2, 5, 7, 8)  # pose: nose, eyes, ears
_FACE_EDGES = (0, 1)  # face subset: forehead (mesh 10), chin (mesh 152)
_ELBOWS = (13, 14)
_UPPER_BODY = np.arange(0, 25)  # pose landmarks from the head to the hips
_SIDES = ((F.LEFT, F.LEFT_SL, F.L_WRIST), (F.RIGHT, F.RIGHT_SL, F.R_WRIST))


@dataclass(frozen=True)
class CoachConfig:
    dark_mean: float = 50.0  # grey level 0-255 of the signer's box: darker is too dark
    bright_mean: float = 215.0  # brighter is too bright
    dim_mean: float = 90.0  # darker than this and flat (below `low_contrast`) is too dark too
    flat_mean: float = 185.0  # brighter than this and flat is washed out: too bright
    low_contrast: float = 25.0  # grey standard deviation
    far_shoulders: float = 0.15  # shoulder span / frame width below this: too far
    close_shoulders: float = 0.55  # above this: too close
    margin: float = 0.0  # a landmark this far outside [0, 1] is out of the frame
    occlusion: float = 0.5  # a lost hand this near the other hand (shoulder widths) is hidden by it
    window_s: float = 1.0
    hand_lost_hold_s: float = 3.0


@dataclass(frozen=True)
class FrameCheck:
    """One frame's measurements and the problems seen in it alone."""

    brightness: float
    contrast: float
    shoulders: float | None  # shoulder span / frame width; None without a pose
    problems: frozenset[str]
    signing: bool  # a hand is up in signing space, or was and is lost


@dataclass(frozen=True)
class CoachState:
    """The smoothed advice after one frame (immutable: crosses threads by signal)."""

    codes: tuple[str, ...]  # in `CODES` order, empty when all is well
    check: FrameCheck

    @property
    def hint(self) -> str | None:
        """The one problem to tell the user about now."""
        return self.codes[0] if self.codes else None


def light(image: np.ndarray, box: tuple[int, int, int, int] | None = None) -> tuple[float, float]:
    """(mean, standard deviation) of the grey level of `image` (RGB uint8), within `box` (x0, y0, x1, y1)."""
    if box is not None:
        x0, y0, x1, y1 = box
        image = image[y0:y1, x0:x1]
    step = max(1, max(image.shape[:2]) // 128)  # every n-th pixel first: a cheap view, no copy
    image = image[::step, ::step]
    h, w = image.shape[:2]
    scale = 64.0 / max(h, w)
    if scale < 1.0:
        image = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY)
    mean, std = cv2.meanStdDev(grey)
    return float(mean[0, 0]), float(std[0, 0])


def body_box(kp: Keypoints) -> tuple[int, int, int, int] | None:
    """The upper body's box in pixels (pose head to hips, face, hands), clipped to the frame."""
    parts = [kp.xyz[F.POSE_SL][_UPPER_BODY, :2]] if kp.present[F.POSE] else []
    parts += [kp.xyz[sl, :2] for part, sl in ((F.FACE, F.FACE_SL), (F.LEFT, F.LEFT_SL), (F.RIGHT, F.RIGHT_SL))
              if kp.present[part]]
    if not parts:
        return None
    xy = np.concatenate(parts).clip(0.0, 1.0) * np.array([kp.width, kp.height], np.float32)
    x0, y0 = np.floor(xy.min(axis=0)).astype(int)
    x1, y1 = np.ceil(xy.max(axis=0)).astype(int)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    return int(x0), int(y0), int(x1), int(y1)


def _outside(xy: np.ndarray, margin: float, bottom: bool = True) -> bool:
    """Any point outside the frame (`bottom`=False: past the left, right or top edge only)."""
    xy = np.asarray(xy).reshape(-1, 2)
    out = (xy < -margin).any() or (xy[:, 0] > 1.0 + margin).any()
    return bool(out or (bottom and (xy[:, 1] > 1.0 + margin).any()))


class Coach:
    """Feed every frame with its keypoints; `update` returns the smoothed `CoachState`."""

    def __init__(self, config: CoachConfig | None = None) -> None:
        self.config = config or CoachConfig()
        self.reset()

    def reset(self) -> None:
        self._recent: deque[tuple[float, frozenset[str]]] = deque()
        self._engaged = [False, False]  # each hand was tracked up in signing space and its arm is still up
        self._lost_until = -np.inf

    def check(self, image: np.ndarray, kp: Keypoints) -> FrameCheck:
        """This frame's measurements and problems (updates the hands' memory)."""
        cfg = self.config
        mean, std = light(image, body_box(kp))
        problems: set[str] = set()
        if mean < cfg.dark_mean or (mean < cfg.dim_mean and std < cfg.low_contrast):
            problems.add(TOO_DARK)
        elif mean > cfg.bright_mean or (mean > cfg.flat_mean and std < cfg.low_contrast):
            problems.add(TOO_BRIGHT)
        shoulders = None
        signing = False
        if not (kp.present[F.POSE] or kp.present[F.FACE] or kp.any_hand):
            problems.add(NO_PERSON)
        if kp.present[F.POSE]:
            pose = kp.xyz[F.POSE_SL, :2]
            scale = np.array([kp.aspect, 1.0], np.float32)
            span = float(np.linalg.norm((pose[F.L_SHOULDER] - pose[F.R_SHOULDER]) * scale))
            shoulders = span / kp.aspect  # as a fraction of the frame's width
            centre_y = float(pose[[F.L_SHOULDER, F.R_SHOULDER], 1].mean())
            if shoulders > cfg.close_shoulders or _outside(pose[list(_HEAD + _ELBOWS)], cfg.margin):
                problems.add(TOO_CLOSE)
            elif shoulders < cfg.far_shoulders:
                problems.add(TOO_FAR)
            for i, (part, sl, wrist) in enumerate(_SIDES):
                arm_up = span > 1e-4 and (pose[wrist, 1] - centre_y) / span < F.RAISED_Y
                if arm_up and _outside(pose[wrist], cfg.margin, bottom=False):
                    problems.add(TOO_CLOSE)
                if kp.present[part]:
                    hand_up = span > 1e-4 and (kp.xyz[sl.start, 1] - centre_y) / span < F.RAISED_Y
                    self._engaged[i] = hand_up
                    signing |= hand_up
                    if hand_up and _outside(kp.xyz[sl, :2], cfg.margin, bottom=False):
                        problems.add(TOO_CLOSE)
                elif self._engaged[i] and arm_up and not _outside(pose[wrist], cfg.margin):
                    signing = True
                    if not self._hidden_by_other(kp, pose[wrist], 1 - i, span):
                        problems.add(HAND_LOST)
                else:
                    self._engaged[i] = False
        else:
            self._engaged = [False, False]
        if kp.present[F.FACE] and _outside(kp.xyz[F.FACE_SL][list(_FACE_EDGES), :2], cfg.margin):
            problems.add(TOO_CLOSE)
        if HAND_LOST in problems and len(problems) > 1:
            problems.discard(HAND_LOST)  # explained by the light or the distance: that is the advice
        return FrameCheck(mean, std, shoulders, frozenset(problems), signing)

    def _hidden_by_other(self, kp: Keypoints, wrist: np.ndarray, other: int, span: float) -> bool:
        """The lost hand's wrist is within `occlusion` shoulder widths of the other, tracked hand
        (crossed or clasped hands: one hides the other, nothing the user should change)."""
        part, sl, _ = _SIDES[other]
        if not kp.present[part]:
            return False
        scale = np.array([kp.aspect, 1.0], np.float32)
        d = np.linalg.norm((kp.xyz[sl, :2] - wrist) * scale, axis=1).min()
        return bool(d < self.config.occlusion * span)

    def update(self, image: np.ndarray, kp: Keypoints) -> CoachState:
        cfg = self.config
        check = self.check(image, kp)
        t = kp.timestamp
        self._recent.append((t, check.problems))
        while self._recent and self._recent[0][0] < t - cfg.window_s:
            self._recent.popleft()
        n = len(self._recent)
        codes = {c for c in CODES if 2 * sum(c in p for _, p in self._recent) > n}
        if HAND_LOST in codes:
            self._lost_until = t + cfg.hand_lost_hold_s
        elif t <= self._lost_until and not codes & {NO_PERSON, TOO_CLOSE}:
            codes.add(HAND_LOST)
        return CoachState(tuple(c for c in CODES if c in codes), check)


class AdviceTally:
    """A whole input's advice: the codes seen in more than half of its frames (`hand_lost`: of
    the frames in which a hand was up in signing space, or was lost while up)."""

    def __init__(self) -> None:
        self.frames = 0
        self.signing = 0
        self.counts = dict.fromkeys(CODES, 0)

    def add(self, state: CoachState) -> None:
        self.frames += 1
        self.signing += state.check.signing
        for c in state.check.problems:
            self.counts[c] += 1

    def extend(self, states: Iterable[CoachState]) -> None:
        for s in states:
            self.add(s)

    def advice(self) -> list[str]:
        out = []
        for c in CODES:
            total = self.signing if c == HAND_LOST else self.frames
            if total and 2 * self.counts[c] > total:
                out.append(c)
        return out
