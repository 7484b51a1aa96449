"""Reads recognised signs aloud with QtTextToSpeech when this computer has an engine.

Import and engine are both optional: `Speaker.available` is False with a `reason` the
window shows as the disabled toggle's tooltip, and nothing else changes.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale, QObject

log = logging.getLogger(__name__)


class Speaker(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tts = None
        self.reason = ""
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:  # e.g. the Qt speech module's system libraries are missing
            self.reason = str(exc) or "the Qt speech module is missing"
            return
        engines = QTextToSpeech.availableEngines()
        if not engines:
            self.reason = "no text-to-speech engine is installed"
            return
        try:
            self._tts = QTextToSpeech(self)
        except Exception as exc:  # noqa: BLE001 - engine plugins fail in many ways
            self.reason = str(exc)
            self._tts = None
            return
        if self._tts.state() == QTextToSpeech.State.Error:
            self.reason = self._tts.errorString() or "the speech engine failed to start"
            self._tts = None

    @property
    def available(self) -> bool:
        return self._tts is not None

    def _use_language(self, lang: str) -> None:
        """Prefer a voice of `lang` (ar or en); keep the engine default if there is none."""
        want = QLocale.Language.Arabic if lang == "ar" else QLocale.Language.English
        for locale in self._tts.availableLocales():
            if locale.language() == want:
                self._tts.setLocale(locale)
                return

    def has_voice(self, lang: str) -> bool:
        if self._tts is None:
            return False
        want = QLocale.Language.Arabic if lang == "ar" else QLocale.Language.English
        return any(loc.language() == want for loc in self._tts.availableLocales())

    def say_sign(self, ar: str, en: str) -> None:
        """The Arabic word with an Arabic voice; the English gloss when there is none."""
        if self.has_voice("ar"):
            self.say(ar, "ar")
        else:
            self.say(en, "en")

    def say(self, text: str, lang: str = "ar") -> None:
        if self._tts is None or not text:
            return
        try:
            self._use_language(lang)
            self._tts.say(text)
        except Exception:  # noqa: BLE001 - speaking must never break recognition
            log.exception("text to speech failed")
