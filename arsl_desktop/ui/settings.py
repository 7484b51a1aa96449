"""Typed access to the settings that persist between runs (QSettings).

The app uses QSettings' default location (the platform's user settings store); tests
pass a QSettings on an .ini file in a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from arsl_desktop import paths

DEFAULT_THRESHOLD = 0.4


def default_qsettings() -> QSettings:
    return QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, paths.ORG_NAME, paths.APP_NAME)


class AppSettings:
    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else default_qsettings()

    def _get(self, key: str, default, kind):
        value = self.store.value(key, default)
        if value is None:
            return default
        try:
            if kind is bool:
                return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            return kind(value)
        except (TypeError, ValueError):
            return default

    def _set(self, key: str, value) -> None:
        self.store.setValue(key, value)

    @property
    def language(self) -> str:
        lang = self._get("ui/language", "ar", str)
        return lang if lang in ("ar", "en") else "ar"

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
        self._set("recognition/threshold", float(value))

    def flag(self, name: str, default: bool) -> bool:
        """Boolean options: mirror, hands, arms, face, speak."""
        return self._get(f"view/{name}", default, bool)

    def set_flag(self, name: str, value: bool) -> None:
        self._set(f"view/{name}", bool(value))

    @property
    def geometry(self) -> QByteArray | None:
        value = self.store.value("ui/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._set("ui/geometry", value)

    def sync(self) -> None:
        self.store.sync()
