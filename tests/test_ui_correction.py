""""Not this sign?": a wrongly named sign corrected into the user's personal signs.

The controller is driven without widgets, with a real `PersonalStore` in a temporary folder;
the window is driven with made-up results (no source runs), as the recognition worker would
report them through `RunController.sign_shown` / `sign_accepted`.
"""

from __future__ import annotations

import numpy as np
import pytest

from arsl_desktop.ui.qt_env import prepare_qt_environment

prepare_qt_environment()

from arsl_desktop.core import features as F  # noqa: E402
from arsl_desktop.core.correction import Correction  # noqa: E402
from arsl_desktop.core.labels import Sign, default_labels  # noqa: E402
from arsl_desktop.core.landmarks import Keypoints  # noqa: E402
from arsl_desktop.core.personal_store import Example, PersonalStore  # noqa: E402
from arsl_desktop.core.recognizer import RankedSign, SignResult  # noqa: E402
from arsl_desktop.ui import i18n  # noqa: E402
from arsl_desktop.ui.correction import CorrectionController  # noqa: E402
from arsl_desktop.ui.transcript import Transcript  # noqa: E402

LABELS = default_labels()
SKELETON, CHEST, FACE = LABELS[71], LABELS[74], LABELS[80]


pytestmark = pytest.mark.usefixtures("english")


def frames(n: int = 12) -> tuple[Keypoints, ...]:
    rng = np.random.default_rng(n)
    return tuple(Keypoints((0.3 + 0.4 * rng.random((F.N_KEYPOINTS, 3))).astype(np.float32),
                           np.array([True, True, True, True]), 640, 480, i / 30) for i in range(n))


def personal(sign, key: str, karsl_id: int | None = None, p: float = 0.1) -> RankedSign:
    return RankedSign(Sign(karsl_id, sign.ar, sign.en, "personal", ""), p, personal=True, personal_key=key)


def result(*top: RankedSign, n: int = 14, hands: bool = True, keypoints: bool = True,
           accepted: bool = True) -> SignResult:
    top = top or (RankedSign(SKELETON, 0.6), RankedSign(CHEST, 0.3), RankedSign(FACE, 0.1))
    return SignResult(0.0, n / 30, top, accepted, n, hands_seen=hands, keypoints=frames(n) if keypoints else ())


@pytest.fixture
def store(tmp_path) -> PersonalStore:
    return PersonalStore(tmp_path / "signs")


@pytest.fixture
def fix(qtbot, store) -> CorrectionController:
    return CorrectionController(store, Transcript(), LABELS)


def files(store: PersonalStore) -> dict:
    return {p: p.read_bytes() for p in store.root.rglob("*") if p.is_file() and ".changed" not in p.name} \
        if store.root.exists() else {}


# -- the controller -----------------------------------------------------------------------------
def test_a_karsl_alternative_becomes_the_users_way_of_it_once(qtbot, fix, store):
    shown = result()
    with qtbot.waitSignal(fix.available, check_params_cb=lambda on: on, timeout=1000):
        fix.show(shown)
    choices = fix.choices()
    assert [c.correction for c in choices] == [Correction.of_karsl(CHEST), Correction.of_karsl(FACE)]
    assert not any(c.personal for c in choices)
    with qtbot.waitSignal(fix.corrected, timeout=1000) as done:
        fix.correct(choices[0].correction)
    got, sign = done.args
    assert got is shown and (sign.karsl_id, sign.en, sign.ar, len(sign.examples)) == (74, "Chest", CHEST.ar, 1)
    assert store.examples(sign)[0][0].frames == 14
    # the same segment cannot be corrected twice (into another sign)
    assert fix.result is None and fix.choices(shown) == []
    before = files(store)
    with qtbot.assertNotEmitted(fix.corrected):
        assert fix.correct(Correction.of_karsl(FACE), shown) is None
    assert files(store) == before and len(store.load().signs) == 1


def test_a_personal_alternative_gets_one_more_example(qtbot, fix, store):
    wave = store.add("wave", [Example.from_keypoints(frames(10 + i)) for i in range(3)], ar="تلويح")
    fix.show(result(RankedSign(SKELETON, 0.5), personal(Sign(None, "تلويح", "wave", "", ""), wave.key)))
    (choice,) = fix.choices()
    assert choice.personal and choice.correction == Correction.of_personal(wave.key)
    with qtbot.waitSignal(fix.corrected, timeout=1000) as done:
        fix.correct(choice.correction)
    assert done.args[1].key == wave.key and len(store.find("wave").examples) == 4


def test_one_choice_per_sign_and_never_the_sign_that_was_wrong(fix):
    adapted = personal(CHEST, "chest", karsl_id=74)  # the user's way of Chest and Chest itself: one target
    fix.show(result(personal(SKELETON, "skel", karsl_id=71, p=0.5), RankedSign(SKELETON, 0.2), adapted,
                    RankedSign(CHEST, 0.1), RankedSign(FACE, 0.05)))
    assert [c.correction for c in fix.choices()] == [Correction.of_personal("chest"), Correction.of_karsl(FACE)]


def test_the_transcripts_last_word_is_replaced_as_an_edit(qtbot, fix):
    transcript = fix.transcript
    fix.replace_word.connect(transcript.replace_last)
    transcript.add(FACE)
    shown = result()
    fix.show(shown)
    transcript.add(shown.best.sign)  # what the window does with an accepted sign
    fix.added_to_transcript(shown)
    transcript.mark_saved()
    fix.show(result(accepted=False))  # a newer sign, shown but not added: the word is still the last
    with qtbot.waitSignal(fix.replace_word, timeout=1000):
        assert fix.correct(Correction.of_karsl(CHEST), shown) is not None  # as the menu opened for it does
    assert [s.en for s in transcript.signs] == ["Face", "Chest"]
    assert transcript.signs[-1] == Sign(74, CHEST.ar, "Chest", "personal", "")  # as the recogniser names it now
    assert transcript.unsaved  # an edit: quitting asks, Undo removes the corrected word
    assert transcript.undo().en == "Chest" and transcript.english() == "Face"


def test_a_word_no_longer_last_is_left_alone(qtbot, fix):
    transcript = fix.transcript
    fix.replace_word.connect(transcript.replace_last)
    shown = result()
    fix.show(shown)
    transcript.add(shown.best.sign)
    fix.added_to_transcript(shown)
    transcript.undo()
    transcript.add(FACE)
    with qtbot.assertNotEmitted(fix.replace_word), qtbot.waitSignal(fix.corrected, timeout=1000):
        fix.correct(Correction.of_karsl(CHEST))
    assert transcript.english() == "Face"


def test_a_refused_correction_writes_nothing_says_why_and_can_be_redone(qtbot, fix, store):
    store.add("Chest", [Example.from_keypoints(frames(9))])  # a new word with KArSL sign 74's English name
    shown = result()
    fix.show(shown)
    before = files(store)
    with qtbot.waitSignal(fix.failed, timeout=1000) as failed, qtbot.assertNotEmitted(fix.corrected):
        assert fix.correct(Correction.of_karsl(CHEST)) is None
    assert "rename it in My signs" in failed.args[0]
    assert files(store) == before
    assert fix.result is shown and len(fix.choices()) == 2  # nothing lost: another sign can be picked
    with qtbot.waitSignal(fix.corrected, timeout=1000):
        fix.correct(Correction.new_word("Chest plate"))
    assert store.find("Chest plate") is not None


def test_an_undone_correction_takes_its_example_out_and_brings_back_the_word(qtbot, fix, store):
    wave = store.add("wave", [Example.from_keypoints(frames(10 + i)) for i in range(3)], ar="تلويح")
    transcript = fix.transcript
    fix.replace_word.connect(transcript.replace_last)
    shown = result(RankedSign(SKELETON, 0.5), personal(Sign(None, "تلويح", "wave", "", ""), wave.key))
    fix.show(shown)
    transcript.add(shown.best.sign)
    fix.added_to_transcript(shown)
    before = files(store)
    with qtbot.waitSignal(fix.undoable, check_params_cb=lambda on: on, timeout=1000):
        fix.correct(fix.choices()[0].correction)
    assert len(store.find("wave").examples) == 4 and transcript.english() == "wave"
    with qtbot.waitSignal(fix.undone, timeout=1000) as undone, \
            qtbot.waitSignal(fix.undoable, check_params_cb=lambda on: not on, timeout=1000):
        assert fix.undo()
    assert undone.args[0] is shown and undone.args[1].key == wave.key
    assert files(store) == before  # the three examples it had, byte for byte
    assert transcript.english() == "Skeleton"
    assert fix.result is shown and fix.applied is None and len(fix.choices()) == 1  # correctable again
    assert not fix.undo()  # once


def test_undoing_a_correction_that_made_a_sign_removes_it(qtbot, fix, store):
    fix.show(result())
    fix.correct(Correction.new_word("Lamp", "مصباح"))
    assert store.find("Lamp") is not None
    assert fix.undo()
    assert store.load().signs == ()


def test_undo_is_offered_only_while_the_corrected_sign_is_on_show(qtbot, fix, store):
    fix.show(result())
    fix.correct(Correction.of_karsl(CHEST))
    with qtbot.waitSignal(fix.undoable, check_params_cb=lambda on: not on, timeout=1000):
        fix.show(result(accepted=False))  # the next sign
    assert not fix.undo() and len(store.find("Chest").examples) == 1
    older = fix.result
    fix.show(result())
    with qtbot.assertNotEmitted(fix.undoable):
        fix.correct(Correction.of_karsl(CHEST), older)  # a sign no longer on show: corrected, no undo
    assert fix.applied is None and len(store.find("Chest").examples) == 2


def test_an_undo_the_store_refuses_says_why(qtbot, fix, store):
    fix.show(result())
    fix.correct(Correction.of_karsl(CHEST))
    store.remove("Chest")  # removed in My signs meanwhile
    with qtbot.waitSignal(fix.undo_failed, timeout=1000) as failed, qtbot.assertNotEmitted(fix.undone):
        assert not fix.undo()
    assert failed.args[0] == f"'{CHEST.ar} (Chest)' is no longer in My signs." and fix.applied is None


@pytest.mark.parametrize("shown", [result(keypoints=False), result(hands=False), None])
def test_a_sign_without_frames_or_hands_offers_nothing(qtbot, fix, store, shown):
    fix.show(result())
    with qtbot.waitSignal(fix.available, check_params_cb=lambda on: not on, timeout=1000):
        fix.show(shown)
    assert fix.result is None and fix.choices() == [] and fix.choices(shown) == []
    assert fix.correct(Correction.of_karsl(CHEST)) is None and fix.correct(Correction.of_karsl(CHEST), shown) is None
    assert not store.root.exists()


# -- the window ---------------------------------------------------------------------------------
def show_sign(w, shown: SignResult) -> None:
    """As `RunController._on_sign` reports a sign from the worker."""
    w.controller.sign_shown.emit(shown)
    if shown.accepted and shown.hands_seen:
        w.controller.sign_accepted.emit(shown)


@pytest.fixture
def window(make_window, tiny_model):
    w = make_window(tiny_model)
    yield w
    if w.personal.priming is not None:
        w.personal.priming.join(timeout=60)


def test_the_button_shows_only_for_a_sign_that_can_be_corrected(window):
    w = window
    button = w.prediction.correct_button
    assert button.objectName() == "correctButton" and not button.isVisible()
    show_sign(w, result())
    assert button.isVisible() and button.text() == "Not this sign?"
    show_sign(w, result(keypoints=False))
    assert not button.isVisible()
    show_sign(w, result(hands=False))
    assert not button.isVisible()
    show_sign(w, result())
    w.set_language("ar")
    assert button.isVisible() and button.text() == "ليست هذه الإشارة؟"


def test_the_menu_corrects_the_last_word_and_says_so(window, qtbot):
    w = window
    w.transcript.add(FACE)
    show_sign(w, result())
    assert w.transcript.transcript.english() == "Face Skeleton"
    menu = w.correction.show_menu()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    iso = i18n.isolate
    assert texts == [f"It was: {iso(CHEST.ar)} {iso('(Chest)')}", f"It was: {iso(FACE.ar)} {iso('(Face)')}",
                     "Another sign…"]
    with qtbot.waitSignal(w.correction.controller.corrected, timeout=5000):
        menu.actions()[0].trigger()
    menu.close()
    store = PersonalStore()  # the store the window's recogniser reads
    assert store.find("Chest").karsl_id == 74 and len(store.find("Chest").examples) == 1
    assert w.transcript.transcript.english() == "Face Chest" and w.transcript.view.toPlainText().endswith(CHEST.ar)
    assert w.actions["undo"].isEnabled() and w.transcript.transcript.unsaved
    assert w.statusBar().currentMessage() == f"Added this recording to “{i18n.isolate('Chest')}”: it is recognised " \
                                             "from now on."
    assert w.correction.show_menu() is None  # corrected once; the button now undoes it
    button = w.prediction.correct_button
    assert button.isVisible() and button.text() == "Undo this correction"
    # the panel now shows the sign it really was, the user's own, in place of the wrong name
    p = w.prediction
    assert p.word.text() == CHEST.ar and p.gloss.text() == "Chest  ·  corrected by you" and p.personal.isVisible()
    assert not any(label.text() for label in p.alt_labels)
    w.set_language("ar")
    assert p.word.text() == CHEST.ar and p.gloss.text().endswith("صحّحتَها أنت")
    assert button.text() == "تراجع عن هذا التصحيح"
    show_sign(w, result())  # the next sign replaces it
    assert p.gloss.text() != "Chest  ·  corrected by you" and p.corrected is None
    assert button.isVisible() and button.text() == "ليست هذه الإشارة؟"  # the new sign can be corrected


def test_the_button_undoes_a_wrong_pick(window, qtbot):
    w = window
    shown = result()
    show_sign(w, shown)
    menu = w.correction.show_menu()
    with qtbot.waitSignal(w.correction.controller.corrected, timeout=5000):
        menu.actions()[1].trigger()  # It was: Face (a slip: the user meant Chest)
    menu.close()
    assert PersonalStore().find("Face") is not None and w.transcript.transcript.english() == "Face"
    button = w.prediction.correct_button
    with qtbot.waitSignal(w.correction.controller.undone, timeout=5000):
        button.click()
    assert PersonalStore().load().signs == ()  # the adaptation it made is gone
    assert w.transcript.transcript.english() == "Skeleton"
    assert w.prediction.result is shown and w.prediction.word.text() == SKELETON.ar and w.prediction.corrected is None
    assert w.statusBar().currentMessage() == f"Took this recording out of “{i18n.isolate('Face')}” again."
    assert button.isVisible() and button.text() == "Not this sign?"
    menu = w.correction.show_menu()  # and the right sign can be picked now
    with qtbot.waitSignal(w.correction.controller.corrected, timeout=5000):
        menu.actions()[0].trigger()
    menu.close()
    assert [s.en for s in PersonalStore().load().signs] == ["Chest"] and w.transcript.transcript.english() == "Chest"


def test_another_sign_a_new_word_and_a_refusal_in_a_box(window, qtbot):
    w = window
    PersonalStore().add("Lamp", [Example.from_keypoints(frames(9))], ar="مصباح")
    shown = result(accepted=False)
    show_sign(w, shown)
    menu = w.correction.show_menu()
    menu.actions()[-1].trigger()  # Another sign…
    menu.close()
    d = w.correction.dialog
    assert d is not None and d.isVisible() and "Skeleton" in d.shown.text()
    assert d.known.isChecked() and not d.ok_button.isEnabled()  # no sign picked yet
    assert [d.mine_box.itemText(i) for i in range(d.mine_box.count())] == ["مصباح (Lamp)"]
    d.signs.search.setText("Chest")
    assert d.signs.select_id(74) and d.ok_button.isEnabled()
    assert d.correction() == Correction.of_karsl(CHEST)
    d.personal.setChecked(True)
    assert d.correction() == Correction.of_personal(PersonalStore().find("Lamp").key)
    d.new.setChecked(True)
    assert not d.ok_button.isEnabled()
    d.en_name.setText("Lamp")  # the name of a sign already taught: one more example of it
    with qtbot.waitSignal(w.correction.controller.corrected, timeout=5000):
        d.accept()
    assert len(PersonalStore().find("Lamp").examples) == 2 and len(w.transcript.transcript) == 0

    PersonalStore().add("Chest", [Example.from_keypoints(frames(9))])  # KArSL 74's name, a new word
    show_sign(w, result())
    d = w.correction.show_dialog()
    d.signs.select_id(74)
    with qtbot.waitSignal(w.correction.controller.failed, timeout=5000):
        d.accept()
    box = w.last_error_box
    assert box.isVisible() and box.text().startswith("The recording was not added:") and "rename it" in box.text()
    box.close()
    assert w.prediction.correct_button.isVisible() and w.transcript.transcript.english() == "Skeleton"
