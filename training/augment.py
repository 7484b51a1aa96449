"""Keypoint augmentation: what makes one recording per sign enough to learn from.

Everything works on RAW keypoints (MediaPipe image coordinates) before
`arsl_desktop.core.features.frame_features`, so augmented clips go through exactly the
normalisation the app uses. Missing parts stay missing (zeros, present False).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arsl_desktop.core import features as F

_HAND_SL = {F.LEFT: F.LEFT_SL, F.RIGHT: F.RIGHT_SL}
_POSE_HAND = {F.LEFT: [15, 17, 19, 21], F.RIGHT: [16, 18, 20, 22]}  # pose wrist + finger points


@dataclass
class AugmentConfig:
    mirror_p: float = 0.5  # left-right mirror: KArSL signers switch hands between recordings
    rotate_deg: float = 10.0  # whole-body in-plane rotation
    scale: float = 0.10  # whole-body scale, and x/y stretch (body proportions)
    shift: float = 0.05  # whole-body shift (image fraction)
    hand_shift: float = 0.08  # per-hand offset (shoulder widths): signers place hands differently
    hand_scale: float = 0.10  # per-hand size around the wrist
    jitter: float = 0.003  # per-point noise (image fraction), like landmark noise
    speed: float = 0.25  # time stretch factor range 1 +- speed (also non-uniform warp)
    trim_jitter: float = 0.12  # random start/end shift, fraction of the clip duration
    frame_drop_p: float = 0.1  # drop each frame with this probability
    part_drop_p: float = 0.3  # probability of a hand going missing for a few frames
    part_drop_len: float = 0.2  # longest such gap, fraction of the clip


def _present_mask(xyz: np.ndarray) -> np.ndarray:
    return np.any(xyz != 0, axis=-1)


def affine(xyz: np.ndarray, aspect: float, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    """Rotate/scale/stretch/shift all points about the image centre, in isotropic units."""
    mask = _present_mask(xyz)
    iso = xyz[..., :2] * np.array([aspect, 1.0], np.float32)
    centre = np.array([aspect / 2, 0.5], np.float32)
    a = np.deg2rad(rng.uniform(-cfg.rotate_deg, cfg.rotate_deg))
    s = 1 + rng.uniform(-cfg.scale, cfg.scale)
    sx, sy = s * (1 + rng.uniform(-cfg.scale, cfg.scale) / 2), s
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    m = rot @ np.diag([sx, sy]).astype(np.float32)
    shift = rng.uniform(-cfg.shift, cfg.shift, 2).astype(np.float32)
    iso = (iso - centre) @ m.T + centre + shift
    out = xyz.copy()
    out[..., :2] = iso / np.array([aspect, 1.0], np.float32)
    out[..., 2] *= s
    return np.where(mask[..., None], out, 0.0).astype(np.float32)


def hands(xyz: np.ndarray, present: np.ndarray, aspect: float, rng: np.random.Generator,
          cfg: AugmentConfig) -> np.ndarray:
    """Move each hand by a constant offset and resize it about its wrist (whole clip)."""
    out = xyz.copy()
    width = F.body_reference(xyz, present, aspect)[1]
    for part, sl in _HAND_SL.items():
        on = present[:, part]
        if not on.any():
            continue
        off = rng.uniform(-cfg.hand_shift, cfg.hand_shift, 2) * width / np.array([aspect, 1.0])
        k = 1 + rng.uniform(-cfg.hand_scale, cfg.hand_scale)
        h = out[on, sl]
        wrist = h[:, :1].copy()
        h = wrist + (h - wrist) * k
        h[..., :2] += off.astype(np.float32)
        out[on, sl] = h
        # the pose's wrist and finger points follow the hand they belong to
        pose_on = on & present[:, F.POSE]
        out[np.ix_(pose_on, _POSE_HAND[part], [0, 1])] += off.astype(np.float32)
    return out.astype(np.float32)


def time_warp(times: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    """Speed change plus a smooth non-uniform warp; times stay increasing."""
    if len(times) < 2:
        return times.copy()
    t = times - times[0]
    dur = max(t[-1], 1e-6)
    u = t / dur
    bend = rng.uniform(-0.15, 0.15)
    u = u + bend * u * (1 - u)  # monotonic for |bend| < 1
    speed = 1 + rng.uniform(-cfg.speed, cfg.speed)
    return times[0] + u * dur * speed


def drop_frames(n: int, rng: np.random.Generator, p: float) -> np.ndarray:
    """Indices of frames kept (at least two, first and last kept)."""
    keep = rng.random(n) >= p
    if n:
        keep[0] = keep[-1] = True
    return np.nonzero(keep)[0]


def drop_part(xyz: np.ndarray, present: np.ndarray, rng: np.random.Generator,
              cfg: AugmentConfig) -> tuple[np.ndarray, np.ndarray]:
    """A hand missing for a short run of frames, as MediaPipe loses hands in fast motion."""
    if rng.random() >= cfg.part_drop_p or len(present) < 3:
        return xyz, present
    part = int(rng.choice([F.LEFT, F.RIGHT]))
    n = len(present)
    length = max(1, int(rng.uniform(0.05, cfg.part_drop_len) * n))
    start = int(rng.integers(0, max(1, n - length)))
    xyz, present = xyz.copy(), present.copy()
    present[start:start + length, part] = False
    xyz[start:start + length, _HAND_SL[part]] = 0.0
    return xyz, present


def augment(xyz: np.ndarray, present: np.ndarray, times: np.ndarray, aspect: float,
            rng: np.random.Generator, cfg: AugmentConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One random variant of a clip: (xyz, present, times) with the same layout."""
    if cfg.mirror_p and rng.random() < cfg.mirror_p:
        xyz, present = F.mirror_keypoints(xyz, present)
    keep = drop_frames(len(times), rng, cfg.frame_drop_p)
    xyz, present, times = xyz[keep], present[keep], times[keep]
    xyz = hands(xyz, present, aspect, rng, cfg)
    xyz = affine(xyz, aspect, rng, cfg)
    if cfg.jitter:
        mask = _present_mask(xyz)[..., None]
        xyz = np.where(mask, xyz + rng.normal(0, cfg.jitter, xyz.shape).astype(np.float32), 0.0)
    xyz, present = drop_part(xyz, present, rng, cfg)
    times = time_warp(times, rng, cfg)
    return xyz.astype(np.float32), present, times
