"""Typed access to the settings that persist between runs: a JSON file in the user-data folder.

`paths.settings_file()` (so ARSL_USER_DATA moves them, as documented), written atomically on
every change (temporary file, then os.replace), never pickled. When the folder cannot be used
the settings still work for this session and `problem` says why, for the window to show.
"""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

from arsl_desktop import paths
from arsl_desktop.userdata import atomic_write_text, describe

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.4


class AppSettings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else paths.settings_file()
        self.problem: str | None = None  # why settings cannot be kept (shown by the window)
        self._data: dict[str, object] = {}
        try:
            if self.path.is_file():
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self._data = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError) as exc:
            log.warning("settings %s unreadable, defaults used: %s", self.path, exc)

    # -- storage --------------------------------------------------------------------------
    def _get(self, key: str, default, kind):
        value = self._data.get(key, default)
        if value is None:
            return default
        try:
            if kind is bool:
                return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            return kind(value)
        except (TypeError, ValueError):
            return default

    def _set(self, key: str, value) -> None:
        if self._data.get(key) == value:
            return
        self._data[key] = value
        self.sync()

    def sync(self) -> bool:
        """Write the file now; False (and `problem` set) when the folder cannot be used."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps(self._data, ensure_ascii=False, indent=1, sort_keys=True),
                              durable=False)
        except OSError as exc:
            self.problem = (f"Settings cannot be saved in {self.path.parent} ({describe(exc)}). "
                            "Set ARSL_USER_DATA to a writable folder.")
            return False
        self.problem = None
        return True

    # -- values ---------------------------------------------------------------------------
    @property
    def language(self) -> str | None:
        """The interface language the user chose, or None before they chose one (first start)."""
        lang = self._data.get("ui/language")
        return lang if lang in ("ar", "en") else None

    @language.setter
    def language(self, value: str) -> None:
        self._set("ui/language", value)

    @property
    def camera(self) -> int:
        return self._get("source/camera", 0, int)

    @camera.setter
    def camera(self, value: int) -> None:
        self._set("source/camera", int(value))

    @property
    def video_dir(self) -> str:
        return self._get("source/video_dir", "", str)

    @video_dir.setter
    def video_dir(self, value: str) -> None:
        self._set("source/video_dir", value)

    @property
    def model_path(self) -> Path | None:
        raw = self._get("model/path", "", str)
        return Path(raw) if raw else None

    @model_path.setter
    def model_path(self, value: Path | None) -> None:
        self._set("model/path", str(value) if value else "")

    @property
    def threshold(self) -> float:
        return min(1.0, max(0.0, self._get("recognition/threshold", DEFAULT_THRESHOLD, float)))

    @threshold.setter
    def threshold(self, value: float) -> None:
        self._set("recognition/threshold", round(float(value), 4))

    def flag(self, name: str, default: bool) -> bool:
        """Boolean options: mirror, hands, arms, face, speak, loop."""
        return self._get(f"view/{name}", default, bool)

    def set_flag(self, name: str, value: bool) -> None:
        self._set(f"view/{name}", bool(value))

    @property
    def geometry(self) -> bytes | None:
        raw = self._data.get("ui/geometry")
        try:
            return base64.b64decode(raw) if isinstance(raw, str) and raw else None
        except ValueError:
            return None

    @geometry.setter
    def geometry(self, value: bytes) -> None:
        self._set("ui/geometry", base64.b64encode(bytes(value)).decode("ascii"))
