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
    """The engine itself is created on first use (Speak switched on): connecting to a speech
    daemon can block, and a window that does not speak should never wait for one."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tts = None
        self.reason = ""  # i18n key of why there is no speech ("" when there may be)
        self.detail = ""  # the module's or engine's own words
        self.engine = ""
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:  # e.g. the Qt speech module's system libraries are missing
            self.reason, self.detail = "tts_no_module", str(exc)
            return
        # Qt lists a "mock" engine (for Qt's own tests) that speaks nothing: it is no engine
        engines = [e for e in QTextToSpeech.availableEngines() if e != "mock"]
        if not engines:
            self.reason = "tts_no_engine"
            return
        self.engine = engines[0]

    def start(self) -> bool:
        """Create the engine (once); False, with `reason` set, when it cannot start."""
        if self._tts is not None:
            return True
        if not self.engine:
            return False
        from PySide6.QtTextToSpeech import QTextToSpeech

        try:
            tts = QTextToSpeech(self.engine, self)
        except Exception as exc:  # noqa: BLE001 - engine plugins fail in many ways
            self.reason, self.detail, self.engine = "tts_failed", str(exc), ""
            return False
        if tts.state() == QTextToSpeech.State.Error:
            self.reason, self.detail, self.engine = "tts_failed", tts.errorString(), ""
            return False
        self._tts = tts
        return True

    @property
    def available(self) -> bool:
        """An engine is installed (and, once started, it started)."""
        return bool(self.engine)

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

    def say_sign(self, ar: str, en: str) -> bool:
        """The Arabic word with an Arabic voice; the English gloss when there is none.
        False when the engine could not start (`unavailable_text()` says why)."""
        if not self.start():
            return False
        if self.voice_language() == "ar":
            self.say(ar, "ar")
        else:
            self.say(en, "en")
        return True

    def say(self, text: str, lang: str = "ar") -> None:
        if not text or not self.start():
            return
        try:
            self._use_language(lang)
            self._tts.say(text)
        except Exception:  # noqa: BLE001 - speaking must never break recognition
            log.exception("text to speech failed")
