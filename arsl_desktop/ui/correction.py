"""Correcting a wrongly named sign, without any widget: "Not this sign? It was …".

The window shows every recognised sign (`show`); the newest one that can be corrected (hands
were seen and its frames came with it, `SignResult.keypoints`) is remembered, and whether its
word went into the transcript (`added_to_transcript`). `choices` are the sign's other ranked
candidates; `correct` adds its frames to the sign it really was (`core.correction`) through the
window's `PersonalStore`. The recogniser's worker re-reads the store before its next ranking
(`PersonalSigns.refresh`), so the correction counts from the next sign on.

A segment is corrected once: after a success it is forgotten. A refusal (`failed`, the store's
message) writes nothing and keeps the result, so the user can pick another sign. While the
corrected sign is still on show, the correction can be undone (`undo`, a wrong pick): the example
it added is taken out of the store again (the sign too, if the correction made it), the
transcript gets back the word it replaced, and the sign can be corrected again. The panel's
button, menu and dialog (`correction_ui`) only show what this class says; tests drive it directly.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from arsl_desktop.core.correction import Correction, apply_correction
from arsl_desktop.core.labels import LabelTable, Sign, default_labels
from arsl_desktop.core.personal_store import PersonalSign, PersonalStore, StoreError, written_or_said
from arsl_desktop.core.recognizer import RankedSign, SignResult
from arsl_desktop.ui.transcript import Transcript

REMEMBERED = 16  # corrected results kept (by identity) so that none is corrected twice


@dataclass(frozen=True)
class Applied:
    """A correction that can still be undone: what it wrote, and the word it replaced."""

    result: SignResult
    sign: PersonalSign  # the sign the frames went to, as after the correction
    replaced: Sign | None  # the transcript's last word it replaced, if it did
    version: int  # the transcript's version after that

    # A correction adds one example, after the sign's others (`PersonalStore.add`): it is the last
    # one, and a sign left with only it was made by the correction.
    @property
    def example(self) -> str:
        return self.sign.examples[-1]

    @property
    def created(self) -> bool:
        return len(self.sign.examples) == 1


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
    undoable = Signal(bool)  # the last correction can be undone (its sign is still on show)
    undone = Signal(object, object)  # SignResult, the PersonalSign its frames were taken out of: shown and
    # correctable again
    undo_failed = Signal(str)  # the store's message: the correction could not be taken back

    def __init__(self, store: PersonalStore | None = None, transcript: Transcript | None = None,
                 labels: LabelTable | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store or PersonalStore()
        self.transcript = transcript
        self.labels = labels or default_labels()
        self.result: SignResult | None = None  # the newest shown sign that can be corrected
        self._last_word: tuple[SignResult, int] | None = None  # a result and the transcript's version after its word
        self._done: deque[SignResult] = deque(maxlen=REMEMBERED)
        self.applied: Applied | None = None  # the correction that can still be undone

    # -- what the window shows ----------------------------------------------------------------
    def show(self, result: SignResult | None) -> None:
        """The panel now shows `result` (None: nothing)."""
        self.result = result if correctable(result) else None
        self.available.emit(self.result is not None)
        if self.applied is not None:  # another sign (or none) on show: the correction stays
            self.applied = None
            self.undoable.emit(False)

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
        on_show = result is self.result
        if on_show:
            self.show(None)
        replaced = None
        if last_word:
            replaced = self.transcript.signs[-1]
            self.replace_word.emit(as_word(sign, self.labels))
        self.corrected.emit(result, sign)
        if on_show:
            self.applied = Applied(result, sign, replaced, self.transcript.version if self.transcript is not None else 0)
            self.undoable.emit(True)
        return sign

    def undo(self) -> bool:
        """Take the last correction back (`applied`): its example leaves the store (its sign too, if
        the correction made it), the transcript's word it replaced comes back, and the sign is
        shown and can be corrected again. False when there is nothing to undo or the store refused
        (`undo_failed` says why: e.g. the example was removed in My signs meanwhile)."""
        a = self.applied
        if a is None:
            return False

        def take_back() -> PersonalSign:
            if self.store.find(a.sign.key) is None:
                raise StoreError(f"'{a.sign.label}' is no longer in My signs.")
            if a.created:
                return self.store.remove(a.sign.key)
            return self.store.remove_example(a.sign.key, a.example)

        self.applied = None
        self.undoable.emit(False)
        if written_or_said(take_back, self.undo_failed.emit) is None:
            return False
        self._done = deque((r for r in self._done if r is not a.result), maxlen=REMEMBERED)
        if a.replaced is not None and self.transcript is not None and self.transcript.version == a.version:
            self.replace_word.emit(a.replaced)
            self._last_word = (a.result, self.transcript.version)
        self.show(a.result)
        self.undone.emit(a.result, a.sign)
        return True
