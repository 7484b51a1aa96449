"""Cached clips -> fixed-length feature sequences for PyTorch (train: augmented; eval: as the app).

Evaluation calls what `arsl_desktop.core.recognizer.Recognizer.classify` calls:
`features.clip_sequence` (trim with `features.signing_span`, then `features.sequence_features`). Training trims the
same way, then augments the keypoints and jitters the start and end before resampling.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import torch
from torch.utils.data import Dataset

from arsl_desktop.core import features as F
from training.augment import AugmentConfig, augment
from training.cache import Clip


def trimmed(clip: Clip) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The signing part of a clip, cut as the app cuts it."""
    if not len(clip):
        return clip.xyz, clip.present, clip.times
    span = F.signing_span(clip.xyz, clip.present, clip.times, clip.aspect)
    return clip.xyz[span], clip.present[span], clip.times[span]


def eval_features(clip: Clip, seq_len: int, options: dict | None = None) -> np.ndarray:
    """(seq_len, FEATURE_DIM): the model input the app would build for this clip.

    `options`: `features.frame_features` switches (None: the app's defaults)."""
    return F.clip_sequence(clip.xyz, clip.present, clip.times, seq_len, clip.aspect, **(options or {}))


def train_features(clip: Clip, seq_len: int, rng: np.random.Generator, cfg: AugmentConfig,
                   span: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                   options: dict | None = None) -> np.ndarray:
    """One augmented (seq_len, FEATURE_DIM) view of a clip."""
    xyz, present, times = span if span is not None else trimmed(clip)
    xyz, present, times = augment(xyz, present, times, clip.aspect, rng, cfg)
    feats = F.frame_features(xyz, present, clip.aspect, **(options or {}))
    start = end = None
    if len(times) > 1 and cfg.trim_jitter:
        dur = times[-1] - times[0]
        start = times[0] + rng.uniform(-0.5, 1.0) * cfg.trim_jitter * dur
        end = times[-1] - rng.uniform(-0.5, 1.0) * cfg.trim_jitter * dur
        if end - start < 0.3 * dur:
            start, end = None, None
    return F.resample(feats, times, seq_len, start, end)


class TrainSet(Dataset):
    """Class-balanced augmented views: item i shows class i % n_classes.

    One epoch is `epoch_size` items. Each item's randomness comes from (seed, epoch, index)
    only, so results do not depend on workers, ranks or resuming.
    """

    def __init__(self, clips: list[Clip], class_ids: list[int], seq_len: int, cfg: AugmentConfig,
                 epoch_size: int, seed: int = 0, options: dict | None = None) -> None:
        self.class_ids = list(class_ids)
        index = {c: i for i, c in enumerate(self.class_ids)}
        self.by_class: dict[int, list[int]] = defaultdict(list)
        for j, c in enumerate(clips):
            self.by_class[index[c.sign]].append(j)
        missing = [c for c in self.class_ids if not self.by_class[index[c]]]
        if missing:
            raise ValueError(f"no training clips for signs {missing}")
        self.clips = clips
        self.spans = [trimmed(c) for c in clips]
        self.seq_len, self.cfg, self.epoch_size, self.seed = seq_len, cfg, epoch_size, seed
        self.options = options
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return self.epoch_size

    def draw(self, i: int) -> tuple[np.random.Generator, int, int]:
        """Item i's random generator (seeded by seed, epoch, i), its class and the clip it shows."""
        rng = np.random.default_rng([self.seed, self.epoch, i])
        label = i % len(self.class_ids)
        members = self.by_class[label]
        return rng, label, members[int(rng.integers(len(members)))]

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        rng, label, j = self.draw(i)
        x = train_features(self.clips[j], self.seq_len, rng, self.cfg, self.spans[j], self.options)
        return torch.from_numpy(x), label


class EvalSet(Dataset):
    """Fixed features of clips whose sign is among `class_ids` (others dropped)."""

    def __init__(self, clips: list[Clip], class_ids: list[int], seq_len: int, options: dict | None = None) -> None:
        index = {c: i for i, c in enumerate(class_ids)}
        self.clips = [c for c in clips if c.sign in index]
        self.x = torch.from_numpy(np.stack([eval_features(c, seq_len, options) for c in self.clips])
                                  if self.clips else np.zeros((0, seq_len, F.FEATURE_DIM), np.float32))
        self.y = torch.tensor([index[c.sign] for c in self.clips], dtype=torch.long)

    def __len__(self) -> int:
        return len(self.clips)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return self.x[i], int(self.y[i])
