"""Shared fixtures: the KArSL sample folder (skip when absent), tiny models, isolated user dirs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))

from arsl_desktop import paths  # noqa: E402

SKIP_NO_SAMPLE = "KArSL sample folder not found (set ARSL_SAMPLE_DIR or put it at ../shared/karsl-sample)"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Tests never write into the real user's folders."""
    monkeypatch.setenv("ARSL_USER_DATA", str(tmp_path_factory.mktemp("userdata")))


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    d = paths.sample_dir()
    if d is None:
        pytest.skip(SKIP_NO_SAMPLE)
    return d


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    from tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny.onnx", list(range(1, 83)))


@pytest.fixture(scope="session")
def sparse_sample(sample_dir) -> Path:
    """A sparse (18 uneven frames) KArSL sample of sign 71, signer 02, test split."""
    return sorted((sample_dir / "frames" / "02" / "test" / "0071").iterdir())[0]


@pytest.fixture(scope="session")
def dense_video(sample_dir) -> Path:
    """A KArSL video of signer 01 (sign 23, test split)."""
    return sorted((sample_dir / "videos" / "01" / "test").glob("*_0023_*.mp4"))[0]
