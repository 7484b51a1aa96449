"""Attempts altered on purpose, to check that learn mode's feedback names what was changed.

Each function takes one recording's raw keypoints (a `training.cache.Clip`) and returns a new
clip with ONE part changed, over the signing span, on the signing hand (the hand that takes
part more, `features.hand_activity`):

    hand_shape   the hand's joints relative to its wrist replaced by another sign's signing hand
                 (time-resampled to this clip, scaled by the shoulder widths), at this wrist
    hand_place   the whole hand (and the pose wrist) moved `PLACE_SHIFT` shoulder widths
                 sideways, away from the body's midline
    movement     the wrist's path played backwards (the hand's shape keeps its own timing),
                 or frozen at its mean place, over the frames where the hand is raised
    speed        the clip played at half speed (every timestamp doubled)
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from arsl_desktop.core import features as F
from training.cache import Clip

PLACE_SHIFT = 0.8  # shoulder widths
MIN_TRAVEL = 1.0  # shoulder widths the wrist must travel for a movement alteration to mean something
POSE_WRIST = {0: F.L_WRIST, 1: F.R_WRIST}
HAND_SL = {0: F.LEFT_SL, 1: F.RIGHT_SL}
HAND_PART = {0: F.LEFT, 1: F.RIGHT}


def signing_hand(clip: Clip) -> int:
    """As `practice.Prepared.signing_hand`: the hand that signs more over the signing span."""
    idx = _span(clip)
    left, right = F.hand_activity(clip.xyz[idx], clip.present[idx], clip.aspect)
    return 0 if left > right else 1


def _span(clip: Clip) -> np.ndarray:
    span = F.signing_span(clip.xyz, clip.present, clip.times, clip.aspect)
    return np.arange(len(clip.times))[span]


def _width(clip: Clip) -> float:
    """Shoulder width in image-x units (MediaPipe's x is a fraction of the width)."""
    return F.body_reference(clip.xyz, clip.present, clip.aspect)[1]


def wrist_travel(clip: Clip) -> float:
    """Path length of the signing wrist over the signing span, in shoulder widths."""
    h = signing_hand(clip)
    idx = _span(clip)
    ok = clip.present[idx, HAND_PART[h]]
    xy = clip.xyz[idx][ok, HAND_SL[h].start, :2] * np.array([clip.aspect, 1.0])
    return float(np.linalg.norm(np.diff(xy, axis=0), axis=-1).sum() / _width(clip)) if len(xy) > 1 else 0.0


def swap_shape(clip: Clip, donor: Clip) -> Clip:
    h = signing_hand(clip)
    dxyz, dpres = donor.xyz, donor.present
    if signing_hand(donor) != h:
        dxyz, dpres = F.mirror_keypoints(dxyz, dpres)
    didx = _span(donor)
    dok = didx[dpres[didx, HAND_PART[h]]]
    if not len(dok):
        raise ValueError("donor has no signing hand")
    idx = _span(clip)
    xyz = clip.xyz.copy()
    scale = _width(clip) / _width(donor)
    pick = dok[np.round(np.linspace(0, len(dok) - 1, len(idx))).astype(int)]
    own = dxyz[pick, HAND_SL[h]] - dxyz[pick, HAND_SL[h].start][:, None]  # (n, 21, 3)
    own[..., 0] *= donor.aspect / clip.aspect  # x in this clip's image units
    hand = xyz[idx, HAND_SL[h]]
    xyz[idx, HAND_SL[h]] = hand[:, :1] + own * scale
    return replace(clip, xyz=xyz)


def move_place(clip: Clip, shift: float = PLACE_SHIFT) -> Clip:
    h = signing_hand(clip)
    idx = _span(clip)
    centre, width = F.body_reference(clip.xyz, clip.present, clip.aspect)
    wx = clip.xyz[idx, HAND_SL[h].start, 0] * clip.aspect
    seen = clip.present[idx, HAND_PART[h]]
    side = np.sign(np.median(wx[seen]) - centre[0]) if seen.any() else 1.0
    dx = (side or 1.0) * shift * width / clip.aspect
    xyz = clip.xyz.copy()
    xyz[idx, HAND_SL[h], 0] += dx
    xyz[idx, POSE_WRIST[h], 0] += dx
    return replace(clip, xyz=xyz)


def _wrist_path(clip: Clip, new_path) -> Clip:
    """The wrist's path over the frames where the hand is up in signing space replaced (so the
    signing span, cut by raised hands, stays as it was); the hand's shape moves with it."""
    h = signing_hand(clip)
    idx = _span(clip)
    raised = F.wrist_heights(clip.xyz, clip.present, clip.aspect)[idx, h] < F.RAISED_Y
    idx = idx[raised]
    xyz = clip.xyz.copy()
    wrist = xyz[idx, HAND_SL[h].start].copy()
    target = new_path(wrist)
    xyz[idx, HAND_SL[h]] += (target - wrist)[:, None]
    xyz[idx, POSE_WRIST[h]] += target - wrist
    return replace(clip, xyz=xyz)


def reverse_movement(clip: Clip) -> Clip:
    return _wrist_path(clip, lambda w: w[::-1])


def freeze_movement(clip: Clip) -> Clip:
    return _wrist_path(clip, lambda w: np.repeat(w.mean(axis=0, keepdims=True), len(w), axis=0))


def half_speed(clip: Clip) -> Clip:
    return replace(clip, times=clip.times * 2.0)


ALTERATIONS = {  # name -> (the part feedback should name first, function of (clip, donor))
    "shape swapped": ("hand_shape", swap_shape),
    "hand moved": ("hand_place", lambda c, d: move_place(c)),
    "movement reversed": ("movement", lambda c, d: reverse_movement(c)),
    "movement frozen": ("movement", lambda c, d: freeze_movement(c)),
    "half speed": ("speed", lambda c, d: half_speed(c)),
}
