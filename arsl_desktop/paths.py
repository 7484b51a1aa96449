"""The one place that knows where files live.

Resources resolve from the source tree or, when frozen by PyInstaller, from the bundle
(`sys._MEIPASS`); never from the working directory. User data (settings, logs, extra
models) goes to the platform's user folders, never into the install.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_path, user_log_path

APP_NAME = "ArSL Desktop"
APP_SLUG = "arsl-desktop"
ORG_NAME = "ArSL"


def is_frozen() -> bool:
    """True inside a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def install_root() -> Path:
    """Folder holding `resources/`, `models/` and `landmarkers/` (source tree or bundle)."""
    if is_frozen():
        return Path(sys._MEIPASS)  # type: ignore[attr-defined]
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return install_root() / "resources"


def resource(*parts: str) -> Path:
    """Path of a file shipped in `resources/`."""
    return resources_dir().joinpath(*parts)


def models_dir() -> Path:
    return install_root() / "models"


def landmarkers_dir() -> Path:
    return install_root() / "landmarkers"


def labels_file() -> Path:
    return resource("labels", "karsl502.json")


def default_model_path() -> Path:
    """The model that ships with the app (overridable with ARSL_MODEL)."""
    env = os.environ.get("ARSL_MODEL")
    if env:
        return Path(env).expanduser()
    return models_dir() / "arsl_karsl82.onnx"


def user_data_root() -> Path:
    """Where user data goes (ARSL_USER_DATA, else the platform's folder); not created here."""
    env = os.environ.get("ARSL_USER_DATA")
    return Path(env).expanduser() if env else user_data_path(APP_SLUG, ORG_NAME)


def user_data_dir() -> Path:
    """Per-user writable folder (settings, autosaved transcripts, models the user adds).
    Created on demand; raises OSError when it cannot be (e.g. ARSL_USER_DATA names a file)."""
    path = user_data_root()
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_file() -> Path:
    """The window's settings (JSON), inside the user-data folder."""
    return user_data_root() / "settings.json"


def autosave_dir() -> Path:
    """Transcripts saved when the app is terminated with unsaved work."""
    return user_data_root() / "autosave"


def personal_signs_dir() -> Path:
    """Signs the user taught (`core.personal_store`), inside the user-data folder."""
    return user_data_root() / "signs"


def user_log_dir() -> Path:
    env = os.environ.get("ARSL_USER_DATA")
    path = Path(env).expanduser() / "logs" if env else user_log_path(APP_SLUG, ORG_NAME)
    path.mkdir(parents=True, exist_ok=True)
    return path


def sample_dir() -> Path | None:
    """The KArSL sample folder for development and tests: ARSL_SAMPLE_DIR or ../shared/karsl-sample."""
    env = os.environ.get("ARSL_SAMPLE_DIR")
    candidates = [Path(env).expanduser()] if env else []
    candidates.append(Path(__file__).resolve().parent.parent.parent / "shared" / "karsl-sample")
    for c in candidates:
        if (c / "frames").is_dir():
            return c
    return None
