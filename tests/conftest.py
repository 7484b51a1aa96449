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


@pytest.fixture
def english():
    """The UI in English for one test (the language it had is put back after)."""
    from arsl_desktop.ui import i18n

    before = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


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


@pytest.fixture
def make_window(qtbot, tmp_path):
    """make(model, language="en", settings=None): a shown MainWindow, closed (and its threads
    checked finished) after the test; Qt is imported only by tests that use it."""
    from arsl_desktop.ui.qt_env import prepare_qt_environment

    prepare_qt_environment()
    from arsl_desktop.ui.main_window import MainWindow
    from arsl_desktop.ui.settings import AppSettings

    windows = []

    def make(model: Path, language: str | None = "en", settings=None):
        w = MainWindow(settings or AppSettings(tmp_path / "settings.json"), model_path=model, language=language)
        qtbot.addWidget(w)
        w.resize(1180, 760)
        w.show()
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.transcript.transcript.mark_saved()
        w.close()
        assert all(t.isFinished() for t in w.pipeline.history)
