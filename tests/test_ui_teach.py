"""Issue 10 in the window: teaching a sign from the running source, recognising it, My signs,
and a damaged store that the window survives.

The end-to-end test plays real KArSL clips of sign 71 ("Skeleton", signer 02) with a model
trained WITHOUT signs 71-76, so the word is truly new to it: three examples are cut by the
spotter from the playing clips, saved, and a held-out clip is then recognised as the personal
sign. The teach controller's state machine is tested without widgets.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from arsl_desktop.ui.qt_env import prepare_qt_environment

prepare_qt_environment()

from PySide6.QtCore import Qt  # noqa: E402

from arsl_desktop import paths  # noqa: E402
from arsl_desktop.core import features as F  # noqa: E402
from arsl_desktop.core.landmarks import Keypoints  # noqa: E402
from arsl_desktop.core.personal_pack import export_pack  # noqa: E402
from arsl_desktop.core.personal_store import MANIFEST, Example, PersonalStore, this_user  # noqa: E402
from arsl_desktop.core.spotting import Segment  # noqa: E402
from arsl_desktop.ui import i18n  # noqa: E402
from arsl_desktop.ui.teach import Target, TeachController, TeachState  # noqa: E402

WAIT_MS = 60_000
WITHOUT_71_76 = Path(__file__).parent / "data" / "karsl_without_71_76.onnx"


pytestmark = pytest.mark.usefixtures("english")


# -- synthetic keypoints for the widget-free tests ------------------------------------------------
def frames(n: int = 12, hands: bool = True, t0: float = 0.0) -> tuple[Keypoints, ...]:
    rng = np.random.default_rng(n)
    out = []
    for i in range(n):
        xyz = (0.3 + 0.4 * rng.random((F.N_KEYPOINTS, 3))).astype(np.float32)
        present = np.array([True, True, hands, hands])
        out.append(Keypoints(xyz, present, 640, 480, t0 + i / 30))
    return tuple(out)


def segment(hands: bool = True, n: int = 12) -> Segment:
    kps = frames(n, hands)
    return Segment(kps[0].timestamp, kps[-1].timestamp, kps, "hands_down")


@pytest.fixture
def teach(qtbot, tmp_path) -> TeachController:
    t = TeachController(PersonalStore(tmp_path / "signs"), step_ms=5)
    return t


def record_one(qtbot, t: TeachController) -> None:
    with qtbot.waitSignal(t.state_changed, check_params_cb=lambda s: s == "waiting", timeout=2000):
        assert t.record()
    t.on_segment(segment())
    assert t.state is TeachState.REVIEW


def test_countdown_then_the_next_segment_is_the_example(qtbot, teach):
    counts = []
    teach.countdown.connect(counts.append)
    with qtbot.waitSignal(teach.state_changed, check_params_cb=lambda s: s == "waiting", timeout=2000):
        assert teach.record()
        assert teach.state is TeachState.COUNTDOWN
        teach.on_segment(segment())  # cut during the countdown: not the example
        assert teach.pending is None
    assert counts == [3, 2, 1]
    with qtbot.waitSignal(teach.notice, check_params_cb=lambda k: k == "teach_no_hands", timeout=1000):
        teach.on_segment(segment(hands=False))
    assert teach.state is TeachState.WAITING and teach.pending is None  # still waiting for a real sign
    teach.on_segment(segment(n=15))
    assert teach.state is TeachState.REVIEW and teach.pending.frames == 15
    teach.on_segment(segment(n=9))  # a later segment does not replace the one under review
    assert teach.pending.frames == 15


def test_redo_keep_remove_and_complete(qtbot, teach):
    record_one(qtbot, teach)
    with qtbot.waitSignal(teach.state_changed, check_params_cb=lambda s: s == "waiting", timeout=2000):
        assert teach.redo()
        assert teach.pending is None and teach.state is TeachState.COUNTDOWN
    teach.on_segment(segment())
    teach.keep()
    assert teach.state is TeachState.IDLE and len(teach.kept) == 1 and teach.pending is None
    record_one(qtbot, teach)
    teach.keep()
    record_one(qtbot, teach)
    teach.keep()
    assert teach.state is TeachState.COMPLETE and len(teach.kept) == 3
    assert not teach.record()  # all wanted examples are kept
    teach.remove(1)
    assert teach.state is TeachState.IDLE and len(teach.kept) == 2
    teach.set_wanted(9)
    assert teach.wanted == 5 and teach.state is TeachState.IDLE
    for _ in range(3):
        record_one(qtbot, teach)
        teach.keep()
    assert teach.state is TeachState.COMPLETE and len(teach.kept) == 5
    teach.set_wanted(1)
    assert teach.wanted == 3 and teach.state is TeachState.COMPLETE


def test_a_source_that_stops_cancels_the_recording(qtbot, teach):
    with qtbot.waitSignal(teach.notice, check_params_cb=lambda k: k == "teach_source_stopped", timeout=1000):
        teach.record()
        teach.on_source_running(False)
    assert teach.state is TeachState.IDLE
    teach.on_segment(segment())
    assert teach.pending is None  # nobody asked for an example


def test_save_writes_the_store_and_a_refusal_keeps_the_recordings(qtbot, teach):
    assert teach.missing(None) == "teach_pick_sign"
    assert teach.missing(Target("")) == "teach_need_en"
    assert teach.missing(Target("Lamp")) == "teach_need_examples"
    for _ in range(3):
        record_one(qtbot, teach)
        teach.keep()
    with qtbot.waitSignal(teach.saved, timeout=1000) as saved:
        teach.save(Target("Lamp", "مصباح"))
    sign = saved.args[0]
    assert (sign.en, sign.ar, sign.karsl_id, len(sign.examples)) == ("Lamp", "مصباح", None, 3)
    assert teach.kept == [] and teach.state is TeachState.IDLE
    for _ in range(3):
        record_one(qtbot, teach)
        teach.keep()
    with qtbot.waitSignal(teach.save_failed, timeout=1000) as failed:
        assert teach.save(Target("lamp")) is None  # the name is taken
    assert "already exists" in failed.args[0]
    assert len(teach.kept) == 3 and teach.state is TeachState.COMPLETE  # nothing lost: save again under another name
    # your own way of doing a KArSL sign: taught twice, the examples are added to it
    assert teach.save(Target("Skeleton", "هيكل عظمي", 71)).karsl_id == 71
    for _ in range(3):
        record_one(qtbot, teach)
        teach.keep()
    assert len(teach.save(Target("Skeleton", "هيكل عظمي", 71)).examples) == 6


# -- the window --------------------------------------------------------------------------------
def clips(sample_dir: Path, split: str) -> list[Path]:
    return sorted((sample_dir / "frames" / "02" / split / "0071").iterdir())


@pytest.mark.slow
def test_teach_a_new_word_from_the_playing_video_then_recognise_it(make_window, qtbot, sample_dir):
    train = clips(sample_dir, "train")[1:4]  # each pass of each clip is cut into one segment
    w = make_window(WITHOUT_71_76)
    assert 71 not in w.controller.classifier.class_ids
    w.actions["teach_sign"].trigger()
    d = w.personal.teach
    assert d.isVisible() and not d.record_button.isEnabled()  # nothing plays yet
    assert d.source.text() == i18n.tr("teach_no_source") and d.start_button.isVisible()
    d.teach.step_ms = 20  # the countdown's pace (a second per step for people)
    d.new.setChecked(True)
    d.en_name.setText("Skeleton")
    d.ar_name.setText("هيكل عظمي")
    for i, clip in enumerate(train):
        with qtbot.waitSignal(w.pipeline.processed, timeout=WAIT_MS):
            w.controller.open_video(clip, loop=True)
        assert d.record_button.isEnabled() and clip.name in d.source.text()
        assert d.record_button.text() == f"Record example {i + 1} of 3"
        with qtbot.waitSignal(d.teach.state_changed, check_params_cb=lambda s: s == "review", timeout=WAIT_MS):
            qtbot.mouseClick(d.record_button, Qt.MouseButton.LeftButton)
            assert d.prompt.text() == "Get ready… 3"
        assert d.keep_button.isEnabled() and d.redo_button.isEnabled() and not d.save_button.isEnabled()
        assert d.examples.count() == i + 1 and "not kept yet" in d.examples.item(i).text()
        assert d.replay.playing and len(d.replay.keypoints) == d.teach.pending.frames >= 5
        qtbot.mouseClick(d.keep_button, Qt.MouseButton.LeftButton)
        if i == 0:  # the source stops: the dialog says so and its button starts the same clip again
            w.actions["stop"].trigger()
            assert d.source.text() == i18n.tr("teach_no_source") and not d.record_button.isEnabled()
            with qtbot.waitSignal(w.pipeline.processed, timeout=WAIT_MS):
                qtbot.mouseClick(d.start_button, Qt.MouseButton.LeftButton)
            assert w.controller.source_spec == clip and d.record_button.isEnabled() and not d.start_button.isVisible()
    assert d.teach.state is TeachState.COMPLETE and d.save_button.isEnabled()
    assert len(w.transcript.transcript) == 0  # the examples are not words of a sentence
    assert d.record_button.text() == "All examples recorded" and not d.record_button.isEnabled()
    with qtbot.waitSignal(d.teach.saved, timeout=5000):
        qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert "Saved" in d.message.text() and "3 examples" in d.message.text()

    store = PersonalStore()
    assert store.root == paths.personal_signs_dir() and str(store.root).startswith(str(paths.user_data_root()))
    sign = store.find("Skeleton")
    assert sign is not None and (sign.ar, sign.karsl_id, len(sign.examples)) == ("هيكل عظمي", None, 3)
    manifest = json.loads((sign.folder / MANIFEST).read_text("utf-8"))
    assert manifest["keypoint_schema"] == F.KEYPOINT_SCHEMA
    examples, problems = store.examples(sign)
    assert len(examples) == 3 and not problems and all(e.frames >= 5 for e in examples)

    d.close()
    held_out = clips(sample_dir, "test")[0]
    with qtbot.waitSignal(w.sign_shown, check_params_cb=lambda r: r.best.personal, timeout=WAIT_MS) as shown:
        w.controller.open_video(held_out, loop=False)
    result = shown.args[0]
    assert result.best.sign.en == "Skeleton" and result.best.personal_key == sign.key
    assert w.prediction.word.text() == "هيكل عظمي" and w.prediction.personal.isVisible()
    assert w.prediction.personal.text() == "★ Personal sign"
    assert result.accepted  # into the transcript, marked there too
    assert w.transcript.transcript.signs[-1].category == "personal"
    assert w.transcript.gloss.text().endswith("★Skeleton") and w.transcript.transcript.arabic().endswith("هيكل عظمي")
    assert not w.personal.notice.isVisible()  # the model has an embedding: nothing to say


@pytest.mark.slow
def test_a_damaged_store_is_said_once_and_nothing_is_deleted(make_window, qtbot, tiny_model, dense_video):
    store = PersonalStore()
    good = store.add("Lamp", [Example.from_keypoints(frames(n=10 + i)) for i in range(3)], ar="مصباح")
    cut = store.add("Door", [Example.from_keypoints(frames(n=10 + i)) for i in range(3)])
    (store.root / "broken").mkdir()
    (store.root / "broken" / MANIFEST).write_bytes(b"\x00 not json {")
    truncated = cut.folder / cut.examples[1]
    truncated.write_bytes(truncated.read_bytes()[:100])
    before = {p: p.read_bytes() for p in store.root.rglob("*") if p.is_file() and ".cache" not in p.parts}

    w = make_window(tiny_model)  # no embedding output: matching needs none
    with qtbot.waitSignal(w.pipeline.personal_changed, timeout=WAIT_MS) as changed:
        w.controller.open_video(dense_video, loop=True)
    status = changed.args[0]
    assert status.mode == "matching" and set(status.signs) == {good.label, cut.label}
    assert any("'broken'" in p for p in status.problems) and any(cut.examples[1] in p for p in status.problems)
    notice = w.personal.notice
    assert notice.isVisible()
    text = notice.text.text()
    assert text.startswith(i18n.tr("personal_problems"))
    assert "broken" in text and cut.examples[1] in text
    with qtbot.waitSignal(w.pipeline.processed, timeout=WAIT_MS):
        pass  # the run goes on
    assert w.pipeline.running and (w.controller.message is None or not w.controller.message.key.startswith("err"))
    w.personal.on_status(status)  # the same problems again (the worker re-read the store): said once
    qtbot.mouseClick(notice.close_button, Qt.MouseButton.LeftButton)
    w.personal.on_status(status)
    assert not notice.isVisible()

    dialog = w.personal.show_my_signs()
    assert dialog.table.rowCount() == 2 and dialog.problems.isVisible() and "broken" in dialog.problems.text()
    door = [r for r in range(2) if dialog.table.item(r, 1).text() == "Door"][0]
    assert dialog.table.item(door, 3).text() == "2 examples" and cut.examples[1] in dialog.table.item(door, 5).text()
    w.set_language("ar")
    assert dialog.windowTitle() == "إشاراتي (2)" and dialog.table.item(door, 3).text() == "مثالان"
    after = {p: p.read_bytes() for p in store.root.rglob("*") if p.is_file() and ".cache" not in p.parts}
    assert after == before  # nothing deleted or rewritten


def test_my_signs_rename_delete_and_packs(qtbot, tmp_path):
    from arsl_desktop.core.labels import default_labels
    from arsl_desktop.ui.my_signs_dialog import MySignsDialog

    store = PersonalStore(tmp_path / "signs")
    store.add("Lamp", [Example.from_keypoints(frames(n=10 + i)) for i in range(3)], ar="مصباح")
    store.add("Skeleton", [Example.from_keypoints(frames(n=20))], karsl_id=71)
    d = MySignsDialog(default_labels(), store)
    qtbot.addWidget(d)
    d.show()
    assert d.table.rowCount() == 2
    rows = {d.table.item(r, 1).text(): r for r in range(2)}
    assert d.table.item(rows["Lamp"], 2).text() == "new word"
    assert d.table.item(rows["Skeleton"], 2).text() == "71 — هيكل عظمي"
    d.select(["lamp"])
    assert [s.en for s in d.selected()] == ["Lamp"]
    assert d.example.count() == 3 and d.replay.playing
    assert not d.rename("skeleton", "Lamp", "")  # the name is taken: said, nothing changed
    assert "already exists" in d.message.text() and store.find("Skeleton") is not None
    assert d.rename("lamp", "Light", "ضوء") and store.find("Light").ar == "ضوء"
    pack = tmp_path / "mine.zip"
    assert d.export_to(pack, []) and pack.is_file() and "2 personal signs" in d.message.text()
    assert d.delete("light") and store.find("Light") is None and d.table.rowCount() == 1
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with qtbot.waitSignal(d.import_done) as done:
        d.import_from(bad)
    assert done.args == [False] and "refused" in d.message.text()
    with qtbot.waitSignal(d.import_done) as done:
        d.import_from(pack)
    assert done.args == [True] and store.find("Light") is not None
    assert "Imported 1 personal sign" in d.message.text() and "Skeleton" in d.message.text()  # skipped: exists


def test_my_signs_reads_again_only_the_example_files_that_changed(qtbot, tmp_path, monkeypatch):
    """The list is shown again after every change; with hundreds of signs, reading every example
    file each time froze the dialog for a second or more. Unchanged files are not read again; a
    new or rewritten one is, and a file damaged meanwhile is reported."""
    from arsl_desktop.core.labels import default_labels
    from arsl_desktop.ui.my_signs_dialog import MySignsDialog

    store = PersonalStore(tmp_path / "signs")
    store.add("Lamp", [Example.from_keypoints(frames(n=10 + i)) for i in range(3)])
    store.add("Door", [Example.from_keypoints(frames(n=12))])
    d = MySignsDialog(default_labels(), store)
    qtbot.addWidget(d)
    reads: list[str] = []
    real = Example.from_bytes
    monkeypatch.setattr(Example, "from_bytes", staticmethod(lambda data, what: reads.append(what) or real(data, what)))
    d.reload()
    assert d.rename("lamp", "Light", "") and reads == []  # nothing changed on disk but a manifest
    store.add("Light", [Example.from_keypoints(frames(n=14))], append=True)
    d.reload()
    assert len(reads) == 1 and "example-004" in reads[0]
    door = store.find("Door")
    (door.folder / door.examples[0]).write_bytes(b"damaged")
    d.reload()
    assert len(reads) == 2 and door.examples[0] in d.problems.text()
    rows = {d.table.item(r, 1).text(): r for r in range(2)}
    assert d.table.item(rows["Light"], 3).text() == "4 examples" and d.table.item(rows["Door"], 3).text() == "0 examples"


def test_a_pack_is_imported_off_the_gui_thread_and_no_other_change_is_made_meanwhile(qtbot, tmp_path, monkeypatch):
    """A pack of hundreds of signs takes seconds to check and write (and the list to read again):
    the dialog says it is importing, keeps its event loop running, and offers no other change to
    the store until the import is done."""
    import threading

    from arsl_desktop.core import personal_pack
    from arsl_desktop.core.labels import default_labels
    from arsl_desktop.ui.my_signs_dialog import MySignsDialog

    teacher = PersonalStore(tmp_path / "teacher")
    teacher.add("Lamp", [Example.from_keypoints(frames(n=10 + i), "teacher") for i in range(3)], ar="مصباح")
    pack = tmp_path / "class.zip"
    export_pack(teacher, pack)
    store = PersonalStore(tmp_path / "signs")
    store.add("Door", [Example.from_keypoints(frames(n=12))])
    d = MySignsDialog(default_labels(), store)
    qtbot.addWidget(d)
    release, started = threading.Event(), threading.Event()
    real = personal_pack.import_pack

    def slow(*a, **k):
        started.set()
        assert release.wait(10), "the dialog never let the import go on"
        return real(*a, **k)

    monkeypatch.setattr(personal_pack, "import_pack", slow)
    with qtbot.waitSignal(d.import_done, timeout=15000) as done:
        d.import_from(pack)  # returns at once: were it run here, `slow` would wait 10 s and fail
        assert started.wait(5) and d.message.text() == f"Importing {i18n.isolate('class.zip')}…"
        busy = [k for k in ("import_pack", "rename", "delete", "record_yourself", "export_selected")
                if d.buttons[k].isEnabled()]
        qtbot.wait(50)  # the event loop runs while the pack is being imported
        release.set()
    assert busy == [] and done.args == [True]
    assert sorted(s.en for s in d.signs) == ["Door", "Lamp"] and d.buttons["import_pack"].isEnabled()
    assert [s.en for s in d.selected()] == ["Lamp"] and d.buttons["rename"].isEnabled()


@pytest.mark.parametrize("answer", ["cancelImport", "sameHand", "otherHand"])
def test_importing_a_pack_asks_which_hand_the_learner_signs_with(qtbot, tmp_path, monkeypatch, answer):
    """"Import pack…" asks whether the learner signs with the pack's recorders' hand: Cancel imports
    nothing, "Same hand" the recordings as made, "The other hand" mirrored (and says so)."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

    from arsl_desktop.core.labels import default_labels
    from arsl_desktop.ui.my_signs_dialog import MySignsDialog

    teacher = PersonalStore(tmp_path / "teacher")
    made = [Example.from_keypoints(frames(n=10 + i), "teacher") for i in range(3)]
    teacher.add("Lamp", made, ar="مصباح")
    pack = tmp_path / "class.zip"
    export_pack(teacher, pack)
    store = PersonalStore(tmp_path / "signs")
    d = MySignsDialog(default_labels(), store)
    qtbot.addWidget(d)
    asked = []

    def click(box: QMessageBox) -> int:
        asked.append((box.text(), [b.text() for b in box.buttons()], box.defaultButton().text()))
        (box.defaultButton() if answer == "sameHand" else box.findChild(QPushButton, answer)).click()
        return 0

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(pack), ""))
    monkeypatch.setattr(QMessageBox, "exec", click)
    if answer == "cancelImport":
        qtbot.mouseClick(d.buttons["import_pack"], Qt.MouseButton.LeftButton)
    else:
        with qtbot.waitSignal(d.import_done):
            qtbot.mouseClick(d.buttons["import_pack"], Qt.MouseButton.LeftButton)
    text, buttons, default = asked[0]
    assert "same hand as the people who recorded this pack" in text and default == "Same hand"
    assert sorted(buttons) == ["Cancel", "Same hand", "The other hand (mirror)"]
    if answer == "cancelImport":
        assert store.load().signs == () and d.message.text() == ""
        return
    (lamp,) = store.load().signs
    kept = store.examples(lamp)[0]
    want = [e.mirrored() if answer == "otherHand" else e for e in made]
    assert all(np.array_equal(k.xyz, w.xyz) and np.array_equal(k.present, w.present) for k, w in zip(kept, want, strict=True))
    said = d.message.text().splitlines()
    assert said[0] == ("Imported 1 personal sign, mirrored (left and right swapped)." if answer == "otherHand"
                       else "Imported 1 personal sign.")
    assert said[1].startswith("Record yourself once for each sign")  # and the imported sign is selected for it
    assert [x.en for x in d.selected()] == ["Lamp"] and d.buttons["record_yourself"].isEnabled()


@pytest.mark.slow
def test_the_window_says_why_it_waits_while_many_taught_examples_are_prepared(make_window, qtbot, tiny_model,
                                                                           dense_video, monkeypatch):
    """After a model change every taught example is read and prepared again before recognition
    starts (seconds with hundreds): the view says so instead of "Starting the tracker…", and the
    message goes with the first recognised frame."""
    from arsl_desktop.core import personal_signs

    monkeypatch.setattr(personal_signs, "ANNOUNCE_FROM", 3)
    PersonalStore().add("Lamp", [Example.from_keypoints(frames(n=10 + i)) for i in range(3)])  # nothing cached
    w = make_window(tiny_model)
    shown: list[str | None] = []
    w.controller.message_changed.connect(lambda m: shown.append(m.key if m is not None else None))
    with qtbot.waitSignal(w.pipeline.processed, timeout=WAIT_MS):
        w.controller.open_video(dense_video, loop=True)
    assert shown[:2] == ["loading_tracker", "preparing_signs"], shown
    assert i18n.tr("preparing_signs").startswith("Preparing the signs you taught for this model")
    assert w.controller.message is None or w.controller.message.key != "preparing_signs"


@pytest.mark.slow
def test_an_unreadable_signs_folder_is_said_and_recognition_goes_on(make_window, qtbot, tiny_model, dense_video,
                                                                    monkeypatch):
    def unreadable(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(PersonalStore, "stamp", unreadable)
    w = make_window(tiny_model)
    with qtbot.waitSignal(w.pipeline.personal_changed, timeout=WAIT_MS) as changed:
        w.controller.open_video(dense_video, loop=True)
    assert "cannot be read (Permission denied)" in changed.args[0].problems[0]
    assert w.personal.notice.isVisible() and "Permission denied" in w.personal.notice.text.text()
    with qtbot.waitSignal(w.sign_shown, timeout=WAIT_MS):
        pass  # signs are still recognised, from the model alone
    assert w.pipeline.running


def test_record_yourself_adds_one_own_recording_to_a_sign(qtbot, teach):
    """A teacher's sign (imported) plus one recording of the user's own: one example is enough."""
    lamp = teach.store.add("Lamp", [Example.from_keypoints(frames(n=10 + i), "teacher") for i in range(3)])
    teach.add_to(lamp)
    assert teach.wanted == 1 and teach.min_wanted == 1
    record_one(qtbot, teach)
    teach.keep()
    assert teach.state is TeachState.COMPLETE
    sign = teach.save(Target(lamp.en, lamp.ar, lamp.karsl_id))
    assert sign.key == lamp.key and len(sign.examples) == 4
    assert [e.recorded_by for e in teach.store.examples(sign)[0]] == ["teacher"] * 3 + [this_user()]
    teach.add_to(None)  # back to teaching a new sign: three examples again
    assert teach.wanted == 3 and teach.min_wanted == 3


@pytest.mark.slow
def test_my_signs_record_yourself_from_the_playing_video(make_window, qtbot, sample_dir, tmp_path):
    teacher = PersonalStore(tmp_path / "teacher")
    teacher.add("Skeleton", [Example.from_keypoints(frames(n=10 + i), "teacher") for i in range(3)], ar="هيكل عظمي")
    pack = tmp_path / "class.zip"
    export_pack(teacher, pack)
    w = make_window(WITHOUT_71_76)
    d = w.personal.show_my_signs()
    with qtbot.waitSignal(d.import_done):
        d.import_from(pack)
    assert d.table.item(0, 3).text() == f"3 examples ({i18n.isolate('teacher')} 3)"
    d.select([d.signs[0].key])
    assert d.buttons["record_yourself"].isEnabled()
    qtbot.mouseClick(d.buttons["record_yourself"], Qt.MouseButton.LeftButton)
    t = w.personal.teach
    assert t.isVisible() and t.windowTitle() == "Record yourself: هيكل عظمي (Skeleton)" and not t.what.isEnabled()
    assert t.wanted.value() == 1
    t.teach.step_ms = 20
    with qtbot.waitSignal(w.pipeline.processed, timeout=WAIT_MS):
        w.controller.open_video(clips(sample_dir, "train")[1], loop=True)
    with qtbot.waitSignal(t.teach.state_changed, check_params_cb=lambda s: s == "review", timeout=WAIT_MS):
        qtbot.mouseClick(t.record_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(t.keep_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(t.teach.saved, timeout=5000):
        qtbot.mouseClick(t.save_button, Qt.MouseButton.LeftButton)
    sign = PersonalStore().find("Skeleton")
    mine, problems = PersonalStore().examples(sign)
    assert not problems and [e.recorded_by for e in mine] == ["teacher"] * 3 + [this_user()]
    d.reload()
    me = i18n.isolate(this_user()) if this_user() else "unknown"
    assert d.table.item(0, 3).text() == f"4 examples ({i18n.isolate('teacher')} 3, {me} 1)"
