"""Full KArSL at its real size (docs/TRAINING.md): an epoch's size with hundreds of signs."""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from tests.training_synth import write_synth_cache  # noqa: E402
from training.model import ModelConfig  # noqa: E402
from training.train import TrainConfig, epoch_items, parse_args, train  # noqa: E402

TINY = asdict(ModelConfig(hidden=16, group_dim=8, n_layers=1, n_heads=2, dropout=0.1))


def test_epoch_size_zero_is_one_item_per_training_recording():
    assert epoch_items(0, 60_000, 502) == 60_000
    assert epoch_items(1920, 60_000, 82) == 1920
    with pytest.raises(ValueError):
        epoch_items(-1, 10, 2)
    cfg, _ = parse_args(["--epoch-size", "0"])
    assert cfg.epoch_size == 0


def test_too_few_items_per_sign_warns_with_what_to_set(caplog):
    with caplog.at_level(logging.WARNING, logger="training.train"):
        assert epoch_items(1920, 60_000, 82) == 1920  # the recipe: 23 per sign, no warning
        assert not caplog.records
        assert epoch_items(1920, 60_000, 502) == 1920  # all KArSL signs: 3.8 per sign
    assert len(caplog.records) == 1
    msg = caplog.records[0].getMessage()
    assert "3.8 times" in msg and "--epoch-size 11754" in msg and "60000" in msg


def test_train_with_epoch_size_zero_steps_once_through_the_recordings(tmp_path: Path):
    cache = write_synth_cache(tmp_path / "kp", [1, 2, 3, 4], per_sign=3, splits=("train",))  # 12 clips
    cfg = TrainConfig(cache=str(cache), out=str(tmp_path / "run"), signs="1-4", seq_len=12, epochs=1,
                      epoch_size=0, batch_size=4, val_splits="", threads=1, model=TINY)
    summary = train(cfg, quiet=True)
    assert summary["train_clips"] == 12
    last = torch.load(tmp_path / "run" / "last.pt", weights_only=True)
    assert last["scheduler"]["last_epoch"] == 3  # 12 items in batches of 4
