"""Learn mode without any widget: decks, the sign being practised, the attempt and its score.

    idle --attempt()--> countdown (3, 2, 1) --> waiting ("sign now") --segment--> scored
    scored --attempt()--> countdown (try again) ; any state --choose(card)--> idle

As in `teach.TeachController`, the attempt is the next segment the spotter cuts from the RUNNING
source after the countdown (`Pipeline.segment_closed` -> `on_segment`); segments cut at any other
time are ignored and a source that stops cancels the wait. The attempt is scored against the
sign's references (`core.practice.score_attempt`, DTW over a few references: fast enough for the
GUI thread) and recorded in the progress store; the deck is then re-ordered by what needs
practice (`core.progress.order`). The scoring and reference functions are injected so tests can
drive the state machine without the core's data. `learn_dialog.LearnDialog` shows what the
signals say.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QObject, Signal

from arsl_desktop.core.decks import Card, Deck
from arsl_desktop.core.errors import ArslError
from arsl_desktop.core.personal_store import (
    Example,
    PersonalSign,
    PersonalStore,
    StoreError,
    forget_unlisted,
    this_user,
)
from arsl_desktop.core.progress import ProgressStore, SignProgress, order
from arsl_desktop.core.spotting import Segment
from arsl_desktop.ui.countdown import Countdown, UsesCountdown
from arsl_desktop.userdata import describe

References = Callable[[Card], Sequence[Example]]
Scorer = Callable[[Example, Sequence[Example], Card], object]  # -> core.practice.PracticeResult


_READ: dict[str, dict[tuple, Example]] = {}  # per signs folder: examples read, by file, modification time and size


def _examples(store: PersonalStore, sign: PersonalSign) -> list[Example]:
    """A personal sign's readable examples, read from disk only where new or changed since last
    read (every attempt compares with all the user's signs: hundreds of files otherwise)."""
    return store.examples(sign, _READ.setdefault(str(store.root), {}))[0]


def shipped_references(card: Card) -> list[Example]:
    """A KArSL sign's shipped reference keypoints; a personal sign's own readable examples."""
    if card.personal is not None:
        return _examples(PersonalStore(card.personal.folder.parent), card.personal)
    from arsl_desktop.core.practice import karsl_references

    return list(karsl_references(int(card.karsl_id)))


def practice_score(attempt: Example, references: Sequence[Example], card: Card):
    """The core's score. An attempt is judged against every other sign too: for a KArSL sign the
    shipped references of the others; for a personal sign those but the KArSL sign it adapts, and
    the user's other personal signs."""
    from arsl_desktop.core.practice import others_for, score_attempt

    if card.personal is None:
        return score_attempt(attempt, references)
    store = PersonalStore(card.personal.folder.parent)
    signs = store.load().signs
    forget_unlisted(_READ.setdefault(str(store.root), {}), signs)  # removed or replaced since: let them go
    mine = [_examples(store, s) for s in signs if s.key != card.personal.key]
    return score_attempt(attempt, references, others_for(card.personal.karsl_id, mine))


def warm_up(card: Card, stop: threading.Event) -> None:
    """What an attempt at the sign is compared with (the shipped references of the KArSL signs and,
    for a personal sign, the user's other signs' examples), read and prepared ahead on a thread
    while the learner watches the sign: with hundreds of personal signs the first attempt
    otherwise waited seconds. `stop`: another sign was chosen, or the window closes."""
    from arsl_desktop.core.practice import karsl_reference_signs, karsl_references, remember

    try:
        for sign_id in karsl_reference_signs():
            if stop.is_set():
                return
            remember(karsl_references(sign_id))
        if card.personal is None:
            return
        store = PersonalStore(card.personal.folder.parent)
        for sign in store.load().signs:
            if stop.is_set():
                return
            remember(_examples(store, sign))
    except (ArslError, OSError, ValueError):
        return  # only saves time: the attempt reads and says what is wrong


class LearnState(str, Enum):
    IDLE = "idle"  # a sign to watch and try (or none chosen)
    COUNTDOWN = "countdown"
    WAITING = "waiting"  # "sign now": the next segment is the attempt
    SCORED = "scored"  # the attempt is scored: feedback shown, try again or next sign


@dataclass(frozen=True)
class Attempt:
    card: Card
    example: Example  # what the learner signed
    reference: Example  # the reference it matched best
    result: object  # core.practice.PracticeResult
    progress: SignProgress  # the sign's progress after this attempt


class LearnController(UsesCountdown, QObject):
    state_changed = Signal(str)  # LearnState value
    countdown = Signal(int)
    decks_changed = Signal()
    card_changed = Signal()  # another sign (or its references) to watch
    order_changed = Signal()  # the deck's order or progress changed
    scored = Signal(object)  # Attempt
    notice = Signal(str)  # i18n key of a passing remark (learn_no_hands, learn_source_stopped, ...)
    problem = Signal(str, str)  # i18n key, detail: progress could not be read or saved

    def __init__(self, progress: ProgressStore | None = None, references: References = shipped_references,
                 score: Scorer = practice_score, parent: QObject | None = None, step_ms: int = 1000,
                 warm: Callable[[Card, threading.Event], None] | None = warm_up) -> None:
        super().__init__(parent)
        self.progress = progress if progress is not None else ProgressStore()
        self._references_of, self._score = references, score
        self._warm_up = warm
        self._warm_stop = threading.Event()
        self.warming: threading.Thread | None = None  # reading ahead what the next attempt is compared with
        self.decks: list[Deck] = []
        self.deck: Deck | None = None
        self.card: Card | None = None
        self.references: list[Example] = []
        self.last: Attempt | None = None
        self.state = LearnState.IDLE
        self._countdown = Countdown(self, step_ms)
        self._countdown.tick.connect(self.countdown)
        self._countdown.finished.connect(lambda: self._set(LearnState.WAITING))

    # -- decks and signs ----------------------------------------------------------------------
    def set_decks(self, decks: list[Deck]) -> None:
        """The decks there are now (the model or the personal signs changed); the current deck
        stays chosen if it still exists."""
        self.decks = list(decks)
        keep = self.deck.id if self.deck is not None else None
        self.decks_changed.emit()
        if not self.choose_deck(keep) and self.decks:
            self.choose_deck(self.decks[0].id)
        elif not self.decks:
            self.deck = None
            self.choose(None)

    def choose_deck(self, deck_id: str | None) -> bool:
        deck = next((d for d in self.decks if d.id == deck_id), None)
        if deck is None:
            return False
        self.deck = deck
        self.order_changed.emit()
        current = deck.card(self.card.key) if self.card is not None else None
        if current is not None and current == self.card:
            return True  # the same sign, unchanged: an attempt or a score on screen stays
        self.choose(current.key if current is not None else self.ordered()[0].key)
        return True

    def ordered(self) -> list[Card]:
        """The deck's signs, those that need practice first."""
        if self.deck is None:
            return []
        keys = order([c.key for c in self.deck.cards], self.progress.entries)
        return [self.deck.card(k) for k in keys]

    def choose(self, key: str | None) -> bool:
        """Practise this sign of the deck (None: none): its references are read for the replay."""
        card = self.deck.card(key) if self.deck is not None and key is not None else None
        if key is not None and card is None:
            return False
        self._stop_attempt()
        self.card, self.last, self.references = card, None, []
        if card is not None:
            try:
                self.references = list(self._references_of(card))
            except (ArslError, OSError, ValueError) as exc:
                self.problem.emit("learn_reference_failed", str(exc) if isinstance(exc, ArslError) else
                                  describe(exc) if isinstance(exc, OSError) else str(exc))
            if not self.references:
                self.notice.emit("learn_no_reference")
        self._warm_stop.set()  # what was read ahead for another sign stops
        if card is not None and self._warm_up is not None:
            self._warm_stop = threading.Event()
            self.warming = threading.Thread(target=self._warm_up, args=(card, self._warm_stop),
                                            name="arsl-learn-warm-up", daemon=True)  # reads only: no wait at exit
            self.warming.start()
        self._set(LearnState.IDLE)
        self.card_changed.emit()
        return True

    def next_card(self) -> Card | None:
        """Go on to the sign that needs practice most (not the one just practised, if there is another)."""
        cards = self.ordered()
        others = [c for c in cards if self.card is None or c.key != self.card.key]
        nxt = (others or cards or [None])[0]
        self.choose(nxt.key if nxt is not None else None)
        return nxt

    # -- the attempt ----------------------------------------------------------------------------
    @property
    def can_attempt(self) -> bool:
        return self.card is not None and bool(self.references) and self.state in (LearnState.IDLE, LearnState.SCORED)

    def attempt(self) -> bool:
        """Start the countdown; the next segment after it is the attempt."""
        if not self.can_attempt:
            return False
        self._set(LearnState.COUNTDOWN)
        self._countdown.start()
        return True

    def cancel(self) -> None:
        if self.state in (LearnState.COUNTDOWN, LearnState.WAITING):
            self._stop_attempt()
            self._set(LearnState.SCORED if self.last is not None else LearnState.IDLE)

    def _stop_attempt(self) -> None:
        self._countdown.stop()

    def close(self) -> None:
        """The learn window closes: no attempt, and nothing more read ahead."""
        self.cancel()
        self._warm_stop.set()

    def on_source_running(self, running: bool) -> None:
        if not running and self.state in (LearnState.COUNTDOWN, LearnState.WAITING):
            self.cancel()
            self.notice.emit("learn_source_stopped")

    def on_segment(self, segment: Segment) -> None:
        """A segment the spotter cut from the running source (GUI thread, by signal)."""
        if self.state is not LearnState.WAITING or self.card is None:
            return
        if not any(k.any_hand for k in segment.keypoints):
            self.notice.emit("learn_no_hands")  # stay waiting: the learner signs again
            return
        try:
            example = Example.from_keypoints(segment.keypoints, this_user())
            result = self._score(example, self.references, self.card)
        except (StoreError, ValueError) as exc:
            self.problem.emit("learn_score_failed", str(exc))
            self._set(LearnState.IDLE)
            return
        try:
            progress = self.progress.record(self.card.key, result.score, result.passed)
        except OSError as exc:
            progress = self.progress.entries[self.card.key]  # counted for this session
            self.problem.emit("progress_not_saved", describe(exc) if exc.strerror else str(exc))
        ref = self.references[min(max(result.reference_index, 0), len(self.references) - 1)]
        self.last = Attempt(self.card, example, ref, result, progress)
        self._set(LearnState.SCORED)
        self.scored.emit(self.last)
        self.order_changed.emit()

    def _set(self, state: LearnState) -> None:
        if state is not self.state:
            self.state = state
            self.state_changed.emit(state.value)
