"""Learn mode's controller (ui/learn.py) without widgets: decks, countdown, the attempt cut by
the spotter, scoring (an injected scorer), progress recorded, the next sign."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from arsl_desktop.ui.qt_env import prepare_qt_environment

prepare_qt_environment()

from arsl_desktop.core import features as F  # noqa: E402
from arsl_desktop.core.decks import build_decks  # noqa: E402
from arsl_desktop.core.labels import default_labels  # noqa: E402
from arsl_desktop.core.landmarks import Keypoints  # noqa: E402
from arsl_desktop.core.personal_store import Example  # noqa: E402
from arsl_desktop.core.progress import ProgressStore  # noqa: E402
from arsl_desktop.core.spotting import Segment  # noqa: E402
from arsl_desktop.ui.learn import LearnController, LearnState  # noqa: E402


def frames(n: int = 12, hands: bool = True) -> tuple[Keypoints, ...]:
    rng = np.random.default_rng(n)
    out = []
    for i in range(n):
        xyz = (0.3 + 0.4 * rng.random((F.N_KEYPOINTS, 3))).astype(np.float32)
        out.append(Keypoints(xyz, np.array([True, True, hands, hands]), 640, 480, 5.0 + i / 30))
    return tuple(out)


def segment(n: int = 12, hands: bool = True) -> Segment:
    kps = frames(n, hands)
    return Segment(kps[0].timestamp, kps[-1].timestamp, kps, "hands_down")


@dataclass(frozen=True)
class Result:  # the fields of core.practice.PracticeResult the controller uses
    score: float
    passed: bool
    reference_index: int = 0
    feedback: tuple = ()
    path: tuple = ()
    worst: tuple | None = None


class Scorer:
    """Scores attempts from a list, one by one; remembers what it was given."""

    def __init__(self, scores):
        self.scores = list(scores)
        self.calls = []

    def __call__(self, attempt, references, card):
        self.calls.append((attempt, list(references)))
        s = self.scores.pop(0)
        return Result(s, s >= 60, reference_index=len(references) - 1)


REFS = {k: [Example.from_keypoints(frames(8 + k)), Example.from_keypoints(frames(9 + k))] for k in range(1, 83)}


def references(card):
    return REFS[card.karsl_id] if card.karsl_id != 5 else []  # sign 5: nothing shipped


@pytest.fixture
def learn(qtbot):
    def make(scores=(), progress=None):
        c = LearnController(progress or ProgressStore(), references, Scorer(scores), step_ms=5)
        c.set_decks(build_decks(default_labels(), list(range(1, 83)), []))
        return c

    return make


def attempt(qtbot, c, seg=None):
    with qtbot.waitSignal(c.state_changed, check_params_cb=lambda s: s == "waiting", timeout=2000):
        assert c.attempt()
    with qtbot.waitSignal(c.scored, timeout=1000) as scored:
        c.on_segment(seg or segment())
    return scored.args[0]


def test_decks_and_the_first_sign(qtbot, learn):
    c = learn()
    assert [d.id for d in c.decks] == ["all", "numbers", "letters", "words"]
    assert c.deck.id == "all" and c.card.karsl_id == 1 and c.references == REFS[1]
    with qtbot.waitSignal(c.card_changed, timeout=1000):
        assert c.choose_deck("words")
    assert c.card.karsl_id == 71 and [x.karsl_id for x in c.ordered()] == list(range(71, 83))
    assert not c.choose_deck("nope") and c.deck.id == "words"
    assert not c.choose("karsl:1")  # not in this deck
    assert c.choose("karsl:75") and c.card.karsl_id == 75
    c.set_decks(build_decks(default_labels(), list(range(1, 83)), []))  # the same decks again: stays put
    assert c.deck.id == "words" and c.card.karsl_id == 75
    c.set_decks(build_decks(default_labels(), [1, 2], []))  # words are gone: the first deck
    assert c.deck.id == "all" and c.card.karsl_id == 1


def test_a_sign_without_references_cannot_be_tried(qtbot, learn):
    c = learn()
    with qtbot.waitSignal(c.notice, check_params_cb=lambda k: k == "learn_no_reference", timeout=1000):
        c.choose("karsl:5")
    assert c.references == [] and not c.can_attempt and not c.attempt()


def test_countdown_attempt_score_progress_and_next(qtbot, learn):
    c = learn([45.0, 80.0])
    c.choose_deck("numbers")
    counts = []
    c.countdown.connect(counts.append)
    with qtbot.waitSignal(c.state_changed, check_params_cb=lambda s: s == "waiting", timeout=2000):
        assert c.attempt()
        assert c.state is LearnState.COUNTDOWN and not c.attempt()
        c.on_segment(segment())  # cut during the countdown: not the attempt
    assert counts == [3, 2, 1] and c._score.calls == []
    with qtbot.waitSignal(c.notice, check_params_cb=lambda k: k == "learn_no_hands", timeout=1000):
        c.on_segment(segment(hands=False))
    assert c.state is LearnState.WAITING  # still waiting for a real sign
    with qtbot.waitSignal(c.scored, timeout=1000) as scored:
        c.on_segment(segment(n=15))
    a = scored.args[0]
    assert c.state is LearnState.SCORED and a.card.karsl_id == 1 and a.example.frames == 15
    assert a.result.score == 45.0 and a.reference is REFS[1][1]  # the reference the scorer matched best
    assert c._score.calls[0][1] == REFS[1]
    assert (a.progress.attempts, a.progress.best, a.progress.last_passed) == (1, 45.0, False)
    c.on_segment(segment())  # a later segment is not another attempt
    assert len(c._score.calls) == 1
    assert [x.karsl_id for x in c.ordered()][:3] == [2, 3, 4]  # never tried first, then the failed sign 1
    assert [x.karsl_id for x in c.ordered()][-1] == 1
    a2 = attempt(qtbot, c)  # try again
    assert a2.progress.attempts == 2 and a2.progress.best == 80.0 and a2.progress.last_passed
    c.set_decks(build_decks(default_labels(), list(range(1, 83)), []))  # e.g. a sign was taught meanwhile
    assert c.state is LearnState.SCORED and c.last is a2 and c.deck.id == "numbers"  # the score stays
    saved = ProgressStore().get("karsl:1")  # read back from the file
    assert (saved.attempts, saved.best, saved.last) == (2, 80.0, 80.0)
    assert c.next_card().karsl_id == 2 and c.state is LearnState.IDLE and c.last is None


def test_next_goes_to_the_failed_sign_once_all_are_tried(qtbot, learn):
    c = learn([90.0, 20.0, 70.0])
    c.set_decks(build_decks(default_labels(), [1, 2, 3], []))
    for _ in range(3):
        attempt(qtbot, c)
        c.next_card()
    assert c.card.karsl_id == 2  # failed at 20: first now
    assert [x.karsl_id for x in c.ordered()] == [2, 1, 3]  # then the passed ones, by due date (same: deck order)


def test_a_source_that_stops_cancels_the_attempt(qtbot, learn):
    c = learn([50.0])
    with qtbot.waitSignal(c.notice, check_params_cb=lambda k: k == "learn_source_stopped", timeout=1000):
        c.attempt()
        c.on_source_running(False)
    assert c.state is LearnState.IDLE
    c.on_segment(segment())
    assert c._score.calls == []


def test_progress_that_cannot_be_saved_is_said_and_the_score_still_shown(qtbot, learn, tmp_path, monkeypatch):
    bad = tmp_path / "progress.json"
    bad.write_bytes(b"garbage")

    def refuse(self, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(bad), "rename", refuse)
    progress = ProgressStore(bad)  # damaged and cannot be moved aside: never written over
    assert progress.problem is not None
    c = learn([70.0], progress)
    with qtbot.waitSignal(c.problem, check_params_cb=lambda k, d: k == "progress_not_saved", timeout=2000):
        a = attempt(qtbot, c)
    assert a.result.score == 70.0 and a.progress.attempts == 1 and bad.read_bytes() == b"garbage"


def test_a_scorer_that_refuses_the_attempt_is_said(qtbot, learn):
    def refuse(attempt, refs, card):
        raise ValueError("no hand in the signing span")

    c = LearnController(ProgressStore(), references, refuse, step_ms=5)
    c.set_decks(build_decks(default_labels(), [1], []))
    with qtbot.waitSignal(c.state_changed, check_params_cb=lambda s: s == "waiting", timeout=2000):
        c.attempt()
    with qtbot.waitSignal(c.problem, check_params_cb=lambda k, d: k == "learn_score_failed", timeout=1000):
        c.on_segment(segment())
    assert c.state is LearnState.IDLE and ProgressStore().entries == {}


def test_the_attempt_and_the_reference_are_paired_along_the_dtw_path():
    from arsl_desktop.ui.learn_replay import pair_frames

    path = ((2, 0), (3, 0), (3, 1), (5, 4), (7, 9))
    assert pair_frames(9, 10, path).tolist() == [0, 0, 0, 0, 0, 4, 4, 9, 9]  # before, on, between, after the path
    assert pair_frames(4, 8, ()).tolist() == [0, 2, 4, 6]  # no path (no hands): the same fraction of the reference
    assert pair_frames(3, 2, ((0, 5),)).tolist() == [1, 1, 1]  # never past the reference's last frame
    assert pair_frames(0, 5, path).tolist() == []
