"""Reads recognised signs aloud with QtTextToSpeech when this computer has an engine.

Import and engine are both optional: `Speaker.available` is False with a `reason` (an i18n
key, plus the engine's own detail) that the window shows on the Speak toggle and when the user
tries to switch it on; nothing else changes.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale, QObject

from arsl_desktop.ui.i18n import tr

log = logging.getLogger(__name__)


class Speaker(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tts = None
        self.reason = ""  # i18n key of why there is no speech ("" when there is)
        self.detail = ""  # the module's or engine's own words
        self.engine = ""
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:  # e.g. the Qt speech module's system libraries are missing
            self.reason, self.detail = "tts_no_module", str(exc)
            return
        engines = QTextToSpeech.availableEngines()
        if not engines:
            self.reason = "tts_no_engine"
            return
        try:
            self._tts = QTextToSpeech(self)
        except Exception as exc:  # noqa: BLE001 - engine plugins fail in many ways
            self.reason, self.detail, self._tts = "tts_failed", str(exc), None
            return
        if self._tts.state() == QTextToSpeech.State.Error:
            self.reason, self.detail = "tts_failed", self._tts.errorString()
            self._tts = None
            return
        self.engine = self._tts.engine() or engines[0]

    @property
    def available(self) -> bool:
        return self._tts is not None

    def unavailable_text(self) -> str:
        """Why the Speak toggle is off, in the interface language ("" when speech works)."""
        if self.available:
            return ""
        reason = tr(self.reason) + (f" ({self.detail})" if self.detail else "")
        return tr("speak_unavailable", reason=reason)

    def voice_language(self) -> str:
        """'ar' when an Arabic voice exists (signs are spoken in Arabic), else 'en' (the English gloss)."""
        return "ar" if self.has_voice("ar") else "en"

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
        if self.voice_language() == "ar":
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
