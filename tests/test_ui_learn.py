"""Issue 19 in the window: Learn signs… with a KArSL clip playing as the source.

A deck is picked, a sign watched (the reference as a moving skeleton), the clip's next segment
after the countdown is the attempt; the score, the feedback and the attempt beside the
reference are shown, and the progress is saved and read back. Skipped without the KArSL sample.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from arsl_desktop.ui.qt_env import prepare_qt_environment

prepare_qt_environment()

from PySide6.QtCore import Qt  # noqa: E402

from arsl_desktop.core.personal_store import PersonalStore  # noqa: E402
from arsl_desktop.core.practice import PASS_MARK, karsl_references, others_for, score_attempt  # noqa: E402
from arsl_desktop.core.progress import ProgressStore  # noqa: E402
from arsl_desktop.ui import i18n  # noqa: E402
from arsl_desktop.ui.learn import LearnState  # noqa: E402

WAIT_MS = 60_000
ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "models" / "arsl_karsl82.onnx"
WITHOUT_71_76 = Path(__file__).parent / "data" / "karsl_without_71_76.onnx"


def clip(sample_dir: Path, split: str = "train", i: int = 1) -> Path:
    return sorted((sample_dir / "frames" / "02" / split / "0071").iterdir())[i]


def try_once(qtbot, w, d, source: Path):
    with qtbot.waitSignal(w.pipeline.processed, timeout=WAIT_MS):
        w.controller.open_video(source, loop=True)
    assert d.try_button.isEnabled() and d.try_button.text() in ("Try it", "Try again")
    with qtbot.waitSignal(d.learn.scored, timeout=WAIT_MS) as scored:
        qtbot.mouseClick(d.try_button, Qt.MouseButton.LeftButton)
        assert d.prompt.text() == "Get ready… 3" and d.try_button.text() == "Cancel"
    return scored.args[0]


@pytest.mark.slow
def test_learn_a_karsl_sign_from_the_playing_video(make_window, qtbot, sample_dir):
    if not karsl_references(71):
        pytest.skip("no shipped reference recordings of KArSL sign 71 (resources/references/karsl82.npz)")
    w = make_window(SHIPPED)
    w.actions["learn"].trigger()
    d = w.personal.learn
    assert d.isVisible() and d.windowTitle() == "Learn signs" and not d.try_button.isEnabled()  # nothing plays
    assert [d.deck.itemData(i) for i in range(d.deck.count())] == ["all", "numbers", "letters", "words"]
    assert d.deck.itemText(3) == "Words (12 signs)"
    assert d.pick_deck("words") and d.deck.currentData() == "words"
    assert d.row_keys() == [f"karsl:{i}" for i in range(71, 83)]  # nothing tried: the deck's order
    assert d.table.item(0, 2).text() == "new" and d.summary.text() == "Passed 0 of 12 signs"
    d.table.selectRow(0)
    assert d.learn.card.karsl_id == 71 and d.word.text() == "هيكل عظمي" and d.gloss.text() == "Skeleton"
    # watch: the reference as a moving skeleton, slower and mirrored on demand
    assert d.pages.currentIndex() == 0 and d.reference.playing
    assert len(d.reference.keypoints) == d.learn.references[0].frames
    d.slower.setChecked(True)
    d.mirror.setChecked(True)
    assert d.reference.speed == 0.5 and d.reference.mirror and d.step.speed == 0.5
    d.learn.step_ms = 20  # the countdown's pace (a second per step for people)

    attempt = try_once(qtbot, w, d, clip(sample_dir))
    r = attempt.result
    again = score_attempt(attempt.example, d.learn.references)  # what the dialog shows is the core's score
    assert (again.score, again.passed, again.path) == (r.score, r.passed, r.path)
    assert d.learn.state is LearnState.SCORED and d.pages.currentIndex() == 1
    assert d.score.text() == f"{r.score:.0f} / 100"
    assert d.verdict.text() == ("Passed" if r.score >= PASS_MARK else "Not yet — keep practising")
    assert ("#2f855a" if r.passed else "#c53030") in d.score.styleSheet()
    assert d.history.text().startswith("1 attempt — best")
    shown = d.feedback.text().splitlines()
    assert shown == [f"• {f.text_en}" for f in r.feedback] or (not r.feedback and shown == [
        i18n.tr("learn_feedback_none")])
    # the attempt beside the reference, in step, the part that differed most tinted
    step = d.step
    assert step.playing and len(step.pairs) == attempt.example.frames and step.attempt.mirror
    for a, _ref in r.path[:5]:
        assert step.pairs[a] == min(j for i, j in r.path if i == a)
    if r.worst is not None:
        assert step.timeline.worst == r.worst and "Red: where you differed most" in d.worst.text()
        inside = next(i for i, t in enumerate(step.times) if r.worst[0] <= t <= r.worst[1])
        step._show(inside)
        assert step.attempt.marked and step.reference.marked and step.reference.frame == step.pairs[inside]
        step._show(0 if step.times[0] < r.worst[0] else len(step.times) - 1)
        assert not step.attempt.marked or step.in_worst(step.times[step.attempt.frame])
    assert len(w.transcript.transcript) == 0  # attempts are not words of a sentence

    # progress saved, read back, and the deck re-ordered by it
    saved = ProgressStore().get("karsl:71")
    assert saved is not None and (saved.attempts, saved.last, saved.last_passed) == (1, round(r.score, 1), r.passed)
    keys = d.row_keys()
    assert keys.index("karsl:71") > 0  # tried: after the signs never tried
    row = keys.index("karsl:71")
    assert d.table.item(row, 2).text() == f"{saved.best:.0f}" and d.table.item(row, 3).text() == f"{saved.last:.0f}"
    assert "1 attempt, the last on" in d.table.item(row, 0).toolTip()
    assert d.summary.text() == f"Passed {int(r.passed)} of 12 signs"

    # the interface in Arabic: feedback in Arabic, right to left, Arabic plurals
    w.set_language("ar")
    assert d.layoutDirection() == Qt.LayoutDirection.RightToLeft and d.windowTitle() == "تعلّم الإشارات"
    assert d.feedback.text().splitlines() == [f"• {f.text_ar}" for f in r.feedback] or not r.feedback
    assert d.history.text().startswith("محاولة واحدة") and d.deck.itemText(3) == "الكلمات (12 إشارة)"
    assert d.summary.text() == f"اجتزت {int(r.passed)} من 12 إشارة"
    w.set_language("en")

    # next sign: one never tried, back to watching it
    qtbot.mouseClick(d.next_button, Qt.MouseButton.LeftButton)
    assert d.learn.card.karsl_id == 72 and d.pages.currentIndex() == 0 and d.reference.playing
    assert d.learn.state is LearnState.IDLE and d.table.selectionModel().selectedRows()[0].row() == 0
    d.close()
    assert not w.personal.teaching


@pytest.mark.slow
def test_learn_a_personal_sign_and_a_damaged_progress_file_is_kept(make_window, qtbot, sample_dir):
    from arsl_desktop import paths

    refs = karsl_references(71)
    if not refs:
        pytest.skip("no shipped reference recordings of KArSL sign 71 (resources/references/karsl82.npz)")
    PersonalStore().add("Skeleton", refs, ar="هيكل عظمي")  # as if a teacher's pack had it
    damaged = paths.user_data_root() / "progress.json"
    damaged.write_bytes(b"{ not json")
    w = make_window(WITHOUT_71_76)
    d = w.personal.show_learn()
    assert d.progress_note.isVisible() and "progress.damaged-" in d.progress_note.text()
    kept = list(paths.user_data_root().glob("progress.damaged-*.json"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"{ not json"
    assert d.deck.itemData(d.deck.count() - 1) == "mine" and d.pick_deck("mine")
    assert d.row_keys() == ["personal:skeleton"] and d.learn.card.personal.en == "Skeleton"
    assert len(d.learn.references) == len(refs) and not d.next_button.isEnabled()  # one sign only
    d.learn.step_ms = 20
    attempt = try_once(qtbot, w, d, clip(sample_dir, "train", 2))
    assert attempt.card.key == "personal:skeleton" and d.pages.currentIndex() == 1
    others = others_for(None, [])  # a new word: judged against every shipped sign (no other personal sign)
    assert score_attempt(attempt.example, d.learn.references, others).score == attempt.result.score
    saved = ProgressStore().get("personal:skeleton")
    assert saved.attempts == 1 and saved.last == round(attempt.result.score, 1)
    assert kept[0].read_bytes() == b"{ not json"  # the damaged file is still there, untouched
    assert not d.learn.progress.problem or d.learn.progress.damaged_copy == kept[0]


def test_a_second_attempt_at_a_personal_sign_reads_and_prepares_no_example_again(tmp_path, monkeypatch):
    """Each attempt is compared with every other sign, the user's personal signs included: with
    hundreds of them, reading and preparing their examples anew took seconds per attempt (200 x 5:
    5 s, then 0.2 s once kept). Files that changed are read again."""
    from training_synth import synth_clip

    from arsl_desktop.core import practice
    from arsl_desktop.core.decks import Card
    from arsl_desktop.core.personal_store import Example
    from arsl_desktop.ui import learn

    def example(sign: int, k: int) -> Example:
        c = synth_clip(sign, frames=30)
        xyz = c.xyz + np.random.default_rng([sign, k]).normal(0, 0.004, c.xyz.shape).astype(np.float32)
        return Example(np.where(c.xyz != 0, xyz, 0).astype(np.float32), c.present, c.times, c.aspect)

    store = PersonalStore(tmp_path / "signs")
    for s in range(1, 5):
        store.add(f"word {s}", [example(s, k) for k in range(3)])
    card = Card("p", "", "word 1", None, store.find("word 1"))
    reads, prepared = [], []
    real_read, real_prepare = Example.from_bytes, practice.prepare_example
    monkeypatch.setattr(Example, "from_bytes", staticmethod(lambda d, w: reads.append(w) or real_read(d, w)))
    monkeypatch.setattr(practice, "prepare_example", lambda ex, m=False: prepared.append(ex) or real_prepare(ex, m))
    attempt = example(1, 9)
    refs = learn.shipped_references(card)
    first = learn.practice_score(attempt, refs, card)
    assert len(reads) == 12 and sum(ex is not attempt for ex in prepared) >= 12  # the sign's own 3 and the 9 others
    reads.clear(), prepared.clear()
    again = learn.practice_score(attempt, learn.shipped_references(card), card)
    assert reads == [] and all(ex is attempt for ex in prepared)  # only the attempt is prepared
    assert again.score == first.score and again.reference_index == first.reference_index
    store.add("word 2", [example(2, 7)], append=True)  # one more example of another sign: only it is read
    learn.practice_score(attempt, learn.shipped_references(card), card)
    assert len(reads) == 1


def test_choosing_a_personal_sign_reads_ahead_what_its_first_attempt_is_compared_with(tmp_path, monkeypatch):
    """While the learner watches the sign, a thread reads and prepares the user's other signs'
    examples: the first attempt (seconds with hundreds of signs) finds them ready."""
    from training_synth import synth_clip

    from arsl_desktop.core import practice
    from arsl_desktop.core.decks import Card, Deck
    from arsl_desktop.core.personal_store import Example
    from arsl_desktop.ui import learn

    def example(sign: int, k: int) -> Example:
        c = synth_clip(sign, frames=30)
        xyz = c.xyz + np.random.default_rng([sign, k, 5]).normal(0, 0.004, c.xyz.shape).astype(np.float32)
        return Example(np.where(c.xyz != 0, xyz, 0).astype(np.float32), c.present, c.times, c.aspect)

    store = PersonalStore(tmp_path / "signs")
    for s in range(1, 5):
        store.add(f"word {s}", [example(s, k) for k in range(3)])
    cards = [Card(f"p:{s.key}", "", s.en, None, s) for s in store.load().signs]
    controller = learn.LearnController(ProgressStore(tmp_path / "progress.json"))
    controller.set_decks([Deck("mine", tuple(cards))])
    assert controller.card is not None and controller.warming is not None
    controller.warming.join(30)
    reads, prepared = [], []
    real_read, real_prepare = Example.from_bytes, practice.prepare_example
    monkeypatch.setattr(Example, "from_bytes", staticmethod(lambda d, w: reads.append(w) or real_read(d, w)))
    monkeypatch.setattr(practice, "prepare_example", lambda ex, m=False: prepared.append(ex) or real_prepare(ex, m))
    attempt = example(int(controller.card.en.split()[1]), 9)
    learn.practice_score(attempt, controller.references, controller.card)
    assert reads == [] and all(ex is attempt for ex in prepared)  # the first attempt: everything ready
