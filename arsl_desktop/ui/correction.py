"""Correcting a wrongly named sign, without any widget: "Not this sign? It was …".

The window shows every recognised sign (`show`); the newest one that can be corrected (hands
were seen and its frames came with it, `SignResult.keypoints`) is remembered, and whether its
word went into the transcript (`added_to_transcript`). `choices` are the sign's other ranked
candidates; `correct` adds its frames to the sign it really was (`core.correction`) through the
window's `PersonalStore`. The recogniser's worker re-reads the store before its next ranking
(`PersonalSigns.refresh`), so the correction counts from the next sign on.

A segment is corrected once: after a success it is forgotten. A refusal (`failed`, the store's
message) writes nothing and keeps the result, so the user can pick another sign. The panel's
button, menu and dialog (`correction_ui`) only show what this class says; tests drive it directly.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from arsl_desktop.core.correction import Correction, apply_correction
from arsl_desktop.core.labels import LabelTable, Sign, default_labels
from arsl_desktop.core.personal_store import PersonalSign, PersonalStore, written_or_said
from arsl_desktop.core.recognizer import RankedSign, SignResult
from arsl_desktop.ui.transcript import Transcript

REMEMBERED = 16  # corrected results kept (by identity) so that none is corrected twice


@dataclass(frozen=True)
class Choice:
    """One sign to offer: what the menu shows (`sign`, `personal`) and what picking it does."""

    sign: Sign
    personal: bool
    correction: Correction


def correctable(result: SignResult | None) -> bool:
    """A shown sign the user can correct: hands were seen and its frames are there to learn from."""
    return result is not None and result.hands_seen and bool(result.keypoints) and bool(result.top)


def as_word(sign: PersonalSign, labels: LabelTable) -> Sign:
    """The personal sign as a word of the sentence, as the recogniser names it (`Recognizer._ranked`)."""
    known = labels.get(sign.karsl_id) if sign.karsl_id is not None else None
    return Sign(sign.karsl_id, sign.ar or (known.ar if known else ""), sign.en, "personal", "")


def _target(r: RankedSign) -> tuple[str, object]:
    """What correcting to `r` adds to: a personal sign, or the user's way of a KArSL sign."""
    if r.personal and r.sign.id is None:
        return ("personal", r.personal_key)
    return ("karsl", r.sign.id)  # a KArSL sign and the user's adaptation of it are one target


class CorrectionController(QObject):
    available = Signal(bool)  # a correctable sign is shown (the panel's "Not this sign?" button)
    replace_word = Signal(object)  # Sign: the corrected sign was the transcript's last word; it becomes this
    corrected = Signal(object, object)  # SignResult, the PersonalSign its frames were added to
    failed = Signal(str)  # the store's message; nothing was written and the sign can still be corrected

    def __init__(self, store: PersonalStore | None = None, transcript: Transcript | None = None,
                 labels: LabelTable | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store or PersonalStore()
        self.transcript = transcript
        self.labels = labels or default_labels()
        self.result: SignResult | None = None  # the newest shown sign that can be corrected
        self._last_word: tuple[SignResult, int] | None = None  # a result and the transcript's version after its word
        self._done: deque[SignResult] = deque(maxlen=REMEMBERED)

    # -- what the window shows ----------------------------------------------------------------
    def show(self, result: SignResult | None) -> None:
        """The panel now shows `result` (None: nothing)."""
        self.result = result if correctable(result) else None
        self.available.emit(self.result is not None)

    def added_to_transcript(self, result: SignResult) -> None:
        """`result`'s word was just added to the end of the transcript."""
        if self.transcript is not None:
            self._last_word = (result, self.transcript.version)

    def in_transcript(self, result: SignResult) -> bool:
        """`result`'s word is the transcript's last word, unchanged since it was added."""
        return (self._last_word is not None and self._last_word[0] is result and self.transcript is not None
                and self.transcript.version == self._last_word[1])

    # -- correcting ---------------------------------------------------------------------------
    def choices(self, result: SignResult | None = None) -> list[Choice]:
        """The other ranked signs of `result` (default: the one shown), best first, one per target."""
        result = self.result if result is None else result
        if not correctable(result) or self.done(result):
            return []
        seen, out = {_target(result.best)}, []
        for r in result.top[1:]:
            if _target(r) in seen:
                continue
            seen.add(_target(r))
            how = Correction.of_personal(r.personal_key) if r.personal else Correction.of_karsl(r.sign)
            out.append(Choice(r.sign, r.personal, how))
        return out

    def done(self, result: SignResult) -> bool:
        return any(r is result for r in self._done)

    def correct(self, correction: Correction, result: SignResult | None = None) -> PersonalSign | None:
        """Add the frames of `result` (default: the sign shown) to the sign they really were.

        A menu or dialog opened for one sign passes it: newer signs may have come meanwhile."""
        result = self.result if result is None else result
        if not correctable(result) or self.done(result):
            return None
        last_word = self.in_transcript(result)
        sign = written_or_said(lambda: apply_correction(self.store, result.keypoints, correction), self.failed.emit)
        if sign is None:  # nothing was written: the sign can still be corrected
            return None
        self._done.append(result)
        if result is self.result:
            self.show(None)
        if last_word:
            self.replace_word.emit(as_word(sign, self.labels))
        self.corrected.emit(result, sign)
        return sign
