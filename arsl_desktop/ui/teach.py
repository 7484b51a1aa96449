"""Teaching a sign, without any widget: the recording state machine and the save.

    idle --record()--> countdown (3, 2, 1) --> waiting ("sign now") --segment--> review
    review --keep()--> idle (or complete once N examples are kept) ; review --redo()--> countdown

The example is the next segment the spotter cuts from the RUNNING source after the countdown
(`Pipeline.segment_closed`, connected to `on_segment`); segments cut during the countdown, or
while nobody asked for one, are ignored. A source that stops mid-recording cancels it. `save`
writes through `PersonalStore.add`; on a refusal nothing recorded is lost. The dialog
(`teach_dialog.TeachDialog`) only shows what the signals say; tests drive this class directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QObject, Signal

from arsl_desktop.core.personal_store import (
    Example,
    PersonalSign,
    PersonalStore,
    StoreError,
    this_user,
    written_or_said,
)
from arsl_desktop.core.spotting import Segment
from arsl_desktop.ui.countdown import Countdown, UsesCountdown

MIN_EXAMPLES, MAX_EXAMPLES, DEFAULT_EXAMPLES = 3, 5, 3


class TeachState(str, Enum):
    IDLE = "idle"  # nothing being recorded (more examples wanted, or none)
    COUNTDOWN = "countdown"  # 3-2-1 before "sign now"
    WAITING = "waiting"  # "sign now": the next segment becomes the example
    REVIEW = "review"  # an example was recorded: keep it or redo it
    COMPLETE = "complete"  # the wanted number of examples is kept: ready to save


@dataclass(frozen=True)
class Target:
    """What the examples teach: a KArSL sign (`karsl_id`, your way of doing it) or a new word."""

    en: str
    ar: str = ""
    karsl_id: int | None = None


class TeachController(UsesCountdown, QObject):
    state_changed = Signal(str)  # TeachState value
    countdown = Signal(int)  # 3, 2, 1 during the countdown
    examples_changed = Signal()  # kept examples or the pending one changed
    notice = Signal(str)  # i18n key of a passing remark (teach_no_hands, teach_source_stopped)
    saved = Signal(object)  # the PersonalSign written
    save_failed = Signal(str)  # the store's message; the recordings stay

    def __init__(self, store: PersonalStore | None = None, parent: QObject | None = None,
                 step_ms: int = 1000) -> None:
        super().__init__(parent)
        self.store = store or PersonalStore()
        self.wanted = DEFAULT_EXAMPLES
        self.adding_to: PersonalSign | None = None  # "record yourself once": examples for an existing sign
        self.kept: list[Example] = []
        self.pending: Example | None = None
        self.state = TeachState.IDLE
        self._countdown = Countdown(self, step_ms)
        self._countdown.tick.connect(self.countdown)
        self._countdown.finished.connect(lambda: self._set(TeachState.WAITING))

    # -- settings ---------------------------------------------------------------------------
    @property
    def min_wanted(self) -> int:
        """A new sign needs 3 examples; one more of your own for an existing sign needs one."""
        return 1 if self.adding_to is not None else MIN_EXAMPLES

    def add_to(self, sign: PersonalSign | None) -> None:
        """Record examples for this existing sign (one by default: e.g. yourself, beside a teacher's
        pack), or, with None, teach a sign of the user's choice again."""
        self.adding_to = sign
        self.set_wanted(1 if sign is not None else DEFAULT_EXAMPLES)

    def set_wanted(self, n: int) -> None:
        """How many examples to keep (3-5, or 1-5 for an existing sign); extra kept examples stay."""
        self.wanted = max(self.min_wanted, min(MAX_EXAMPLES, int(n)))
        if self.state in (TeachState.IDLE, TeachState.COMPLETE):
            self._set(TeachState.COMPLETE if len(self.kept) >= self.wanted else TeachState.IDLE)
        self.examples_changed.emit()

    # -- recording --------------------------------------------------------------------------
    def record(self) -> bool:
        """Start the countdown for the next example (False when one is being recorded or all are kept)."""
        if self.state not in (TeachState.IDLE, TeachState.REVIEW) or len(self.kept) >= self.wanted:
            return False
        self._drop_pending()
        self._set(TeachState.COUNTDOWN)
        self._countdown.start()
        return True

    def cancel(self) -> None:
        """Stop a countdown or a wait for the sign; kept examples stay."""
        if self.state in (TeachState.COUNTDOWN, TeachState.WAITING):
            self._countdown.stop()
            self._set(TeachState.IDLE)

    def on_segment(self, segment: Segment) -> None:
        """A segment the spotter cut from the running source (GUI thread, by signal)."""
        if self.state is not TeachState.WAITING:
            return
        if not any(k.any_hand for k in segment.keypoints):
            self.notice.emit("teach_no_hands")  # stay waiting: the user signs again
            return
        try:
            self.pending = Example.from_keypoints(segment.keypoints, this_user())
        except StoreError:
            self.notice.emit("teach_no_hands")
            return
        self._set(TeachState.REVIEW)
        self.examples_changed.emit()

    def on_source_running(self, running: bool) -> None:
        """The source stopped while recording: cancel (the countdown would wait for nothing)."""
        if not running and self.state in (TeachState.COUNTDOWN, TeachState.WAITING):
            self.cancel()
            self.notice.emit("teach_source_stopped")

    def keep(self) -> None:
        if self.state is not TeachState.REVIEW or self.pending is None:
            return
        self.kept.append(self.pending)
        self.pending = None
        self._set(TeachState.COMPLETE if len(self.kept) >= self.wanted else TeachState.IDLE)
        self.examples_changed.emit()

    def redo(self) -> bool:
        """Throw the recorded example away and record it again."""
        if self.state is not TeachState.REVIEW:
            return False
        return self.record()

    def remove(self, i: int) -> None:
        """Drop kept example `i` (to record it again)."""
        if 0 <= i < len(self.kept) and self.state not in (TeachState.COUNTDOWN, TeachState.WAITING):
            del self.kept[i]
            if self.state is TeachState.COMPLETE and len(self.kept) < self.wanted:
                self._set(TeachState.IDLE)
            self.examples_changed.emit()

    def _drop_pending(self) -> None:
        if self.pending is not None:
            self.pending = None
            self.examples_changed.emit()

    def _set(self, state: TeachState) -> None:
        if state is not self.state:
            self.state = state
            self.state_changed.emit(state.value)

    # -- saving -----------------------------------------------------------------------------
    def missing(self, target: Target | None) -> str | None:
        """The i18n key of what stops a save, or None when it can be saved."""
        if target is None:
            return "teach_pick_sign"
        if not target.en.strip():
            return "teach_need_en"
        if len(self.kept) < self.wanted:
            return "teach_need_examples"
        return None

    def save(self, target: Target) -> PersonalSign | None:
        """Write the kept examples (more examples for your own version of the same KArSL sign are
        added to it). A refusal says why (`save_failed`) and keeps every recording."""
        if self.missing(target) is not None:
            return None
        def write() -> PersonalSign:
            existing = self.store.find(target.en)
            append = existing is not None and (self.adding_to is not None or (
                target.karsl_id is not None and existing.karsl_id == target.karsl_id))
            return self.store.add(target.en, list(self.kept), ar=target.ar, karsl_id=target.karsl_id, append=append)

        sign = written_or_said(write, self.save_failed.emit)
        if sign is None:  # refused: every recording is kept
            return None
        self.kept.clear()
        self._set(TeachState.IDLE)
        self.examples_changed.emit()
        self.saved.emit(sign)
        return sign
