"""Synthetic KArSL-like keypoint clips for training tests (no MediaPipe, no data needed).

Each sign is a distinct right-hand trajectory in front of a fixed body, so a model can
learn them in a few steps and a broken pipeline shows up as chance accuracy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from arsl_desktop.core import features as F
from training.cache import Clip, cache_path, save_clip


def synth_clip(sign: int, signer: str = "01", split: str = "train", k: int = 0, frames: int = 24,
               seed: int = 0) -> Clip:
    rng = np.random.default_rng([seed, sign, k, int(signer)])
    T = frames
    xyz = np.zeros((T, F.N_KEYPOINTS, 3), np.float32)
    present = np.zeros((T, 4), bool)
    present[:, [F.POSE, F.FACE]] = True
    xyz[:, F.POSE_SL, :2] = rng.uniform(0.4, 0.6, (F.N_POSE, 2))
    xyz[:, F.L_SHOULDER, :2] = (0.62, 0.55)
    xyz[:, F.R_SHOULDER, :2] = (0.38, 0.55)
    xyz[:, F.FACE_SL, :2] = 0.5 + rng.normal(0, 0.03, (F.N_FACE, 2))
    t = np.linspace(0, 1, T)
    phase = sign * 0.9
    cx = 0.4 + 0.12 * np.cos(2 * np.pi * t + phase)
    cy = 0.5 - 0.15 * np.sin(2 * np.pi * t * (1 + sign % 3) + phase)
    hand = rng.normal(0, 0.03, (F.N_HAND, 3)).astype(np.float32)
    hand[0] = 0
    for i in range(T):
        xyz[i, F.RIGHT_SL] = hand + np.array([cx[i], cy[i], 0], np.float32) + rng.normal(0, 0.003, (F.N_HAND, 3))
    present[:, F.RIGHT] = True
    xyz[:, F.R_WRIST, :2] = np.stack([cx, cy], 1)
    times = np.arange(T) / 30.0
    return Clip(xyz, present, times, 1.0, signer, split, sign, f"03_{signer}_{sign:04d}_(synth_{split}_{k})")


def write_synth_cache(root: Path, signs: list[int], per_sign: int = 3, signers: tuple[str, ...] = ("01",),
                      splits: tuple[str, ...] = ("train", "test")) -> Path:
    for signer in signers:
        for split in splits:
            for s in signs:
                for k in range(per_sign):
                    c = synth_clip(s, signer, split, k)
                    save_clip(cache_path(root, f"{signer}/{split}/{s:04d}/{c.sample}"), c)
    return root
