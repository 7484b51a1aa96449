"""The main window driven with real KArSL clips as the camera (offscreen, tiny model).

Asserts that a sign is recognised and reaches the panel and the transcript (not which
sign: the tiny model is random), that every way of ending a run leaves no thread
running, and that each failure shows its message with the button that fixes it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from arsl_desktop.ui.qt_env import prepare_qt_environment

prepare_qt_environment()

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from arsl_desktop.core.errors import CameraLost  # noqa: E402
from arsl_desktop.core.sources import FrameSource, open_source  # noqa: E402
from arsl_desktop.ui import i18n  # noqa: E402
from arsl_desktop.ui.main_window import MainWindow  # noqa: E402
from arsl_desktop.ui.settings import AppSettings  # noqa: E402

pytestmark = pytest.mark.slow  # MediaPipe runs on real clips (about a second per start)
WAIT_MS = 60_000


@pytest.fixture
def settings(tmp_path) -> AppSettings:
    return AppSettings(tmp_path / "settings.json")


@pytest.fixture
def make_window(qtbot, settings, tiny_model):
    windows: list[MainWindow] = []

    def make(model: Path | None = tiny_model, language: str = "en", **kw) -> MainWindow:
        w = MainWindow(settings, model_path=model, language=language, **kw)
        qtbot.addWidget(w)
        w.show()
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.transcript.transcript.mark_saved()  # tests that leave signs do not answer the "unsaved" question
        w.close()
        assert_no_thread_running(w)


def plain(text: str) -> str:
    """Without the bidi isolation marks the window puts around file and model names."""
    return text.translate({c: None for c in [*range(0x2066, 0x206A), 0x200E]})


def assert_no_thread_running(w: MainWindow) -> None:
    threads = w.pipeline.history
    assert all(not t.isRunning() and t.isFinished() for t in threads), threads


def test_recognised_sign_reaches_panel_and_transcript(make_window, qtbot, dense_video):
    w = make_window()
    w.actions.threshold_slider.setValue(0)  # accept any sign: the tiny model's confidence means nothing
    with qtbot.waitSignal(w.pipeline.processed, timeout=WAIT_MS):
        w.controller.open_video(dense_video, loop=False)
    assert w.video.has_frame
    qtbot.waitUntil(lambda: len(w.transcript.transcript) > 0, timeout=WAIT_MS)
    sign = w.transcript.transcript.signs[0]
    assert w.prediction.word.text() == sign.ar and w.prediction.gloss.text().startswith(sign.en)
    assert w.transcript.view.toPlainText() == sign.ar
    assert any(bar.isVisible() for bar in w.prediction.alt_bars)
    assert w.prediction.state_key == "recognised"  # set with the sign, held for RECOGNISED_HOLD_S
    assert dense_video.name in w.status.source.text()
    assert "Model: tiny-test-model (82 signs)" == plain(w.status.model.text())
    qtbot.waitUntil(lambda: w.controller.message is not None and w.controller.message.key == "video_ended", timeout=WAIT_MS)
    w.transcript.transcript.mark_saved()
    w.close()
    assert_no_thread_running(w)


def test_below_threshold_is_shown_as_uncertain_and_not_added(make_window, qtbot, dense_video):
    w = make_window()
    w.actions.threshold_slider.setValue(100)
    with qtbot.waitSignal(w.sign_shown, timeout=WAIT_MS) as blocker:
        w.controller.open_video(dense_video, loop=False)
    result = blocker.args[0]
    assert not result.accepted
    assert len(w.transcript.transcript) == 0
    assert "not added" in w.prediction.note.text()


def test_switching_sources_and_closing_leave_no_thread(make_window, qtbot, sample_dir, dense_video):
    w = make_window()
    other = sorted((sample_dir / "frames" / "02" / "test" / "0071").iterdir())[0]  # a frame folder
    with qtbot.waitSignal(w.pipeline.processed, timeout=WAIT_MS):
        w.controller.open_video(dense_video, loop=True)
    qtbot.waitUntil(lambda: "fps" in w.status.fps.text() and "latency" in w.status.latency.text(), timeout=WAIT_MS)
    first = list(w.pipeline.threads())
    with qtbot.waitSignal(w.pipeline.processed, timeout=WAIT_MS):
        w.controller.open_video(other, loop=True)
    assert all(t.isFinished() for t in first)
    w.actions["stop"].trigger()
    assert not w.pipeline.running and w.controller.message.key == "stopped"
    assert_no_thread_running(w)
    with qtbot.waitSignal(w.pipeline.processed, timeout=WAIT_MS):
        w.actions["start_pause"].trigger()  # Start after Stop plays the same source again
    w.actions["start_pause"].trigger()
    assert w.pipeline.paused and w.actions["start_pause"].text() == "Start"
    w.close()
    assert_no_thread_running(w)
    assert len(w.pipeline.history) == 6


def test_missing_camera_says_so_and_offers_retry(make_window, qtbot):
    w = make_window()
    w.controller.start_camera(99)
    qtbot.waitUntil(lambda: w.controller.message is not None and w.controller.message.key == "err_camera_unavailable", timeout=WAIT_MS)
    panel = w.video.panel
    assert "99" in panel.text.text() and "pick another camera" in panel.text.text()
    assert not panel.retry_button.isHidden() and not panel.video_button.isHidden()
    assert w.settings.camera == 0  # a camera that never delivered a frame is not remembered
    assert AppSettings(w.settings.path).camera == 0  # so the next plain start does not fail again
    combo = w.actions.camera_combo
    assert combo.currentData() == 99 and combo.currentText() == "Camera 99"
    combo.activated.emit(combo.findData(0))  # the user picks camera 0 in the toolbar
    assert w.controller.source_spec == 0
    assert w.transcript.isEnabled() and w.actions["open_video"].isEnabled()  # the rest keeps working


def test_unreadable_video_says_so(make_window, qtbot, tmp_path):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"this is not a video" * 100)
    w = make_window()
    w.controller.open_video(bad)
    qtbot.waitUntil(lambda: w.controller.message is not None and w.controller.message.key == "err_source_unreadable", timeout=WAIT_MS)
    assert "broken.mp4" in w.video.panel.detail.text()
    assert not w.video.panel.video_button.isHidden()


class _FlakyCamera(FrameSource):
    """A 'camera' that delivers a few real frames and then is unplugged."""

    live = True
    name = "camera 5"

    def __init__(self, video: Path) -> None:
        self.frames = list(open_source(video))[:4]

    def __iter__(self):
        yield from self.frames
        raise CameraLost("Camera 5 stopped sending frames (unplugged?). Reconnect it and press Retry.")


def test_camera_unplugged_while_running_offers_retry(make_window, qtbot, monkeypatch, dense_video):
    import arsl_desktop.ui.workers as workers

    monkeypatch.setattr(workers, "open_source", lambda spec, loop=False: _FlakyCamera(dense_video))
    w = make_window()
    w.controller.start_camera(5)
    qtbot.waitUntil(lambda: w.controller.message is not None and w.controller.message.key == "err_camera_lost", timeout=WAIT_MS)
    assert "Retry" in w.video.panel.text.text() and not w.video.panel.retry_button.isHidden()
    w.video.panel.retry_button.click()  # the same path as the user's Retry: a fresh run
    qtbot.waitUntil(lambda: w.controller.message is not None and w.controller.message.key == "err_camera_lost", timeout=WAIT_MS)


def test_missing_model_opens_the_window_and_asks_for_one(make_window, qtbot, tmp_path, tiny_model):
    w = make_window(model=tmp_path / "nowhere.onnx")
    assert w.controller.classifier is None and w.controller.message.key == "err_model_not_found"
    assert not w.video.panel.model_button.isHidden()
    w.controller.start_camera(0)
    assert not w.pipeline.running  # nothing to recognise with: no threads started
    assert w.status.model.text() == "No model"
    assert w.controller.load_model(tiny_model)
    assert w.controller.message is None or w.controller.message.key != "err_model_not_found"
    assert w.settings.model_path == tiny_model
    w.close()
    again = make_window(model=None)  # no --model: the remembered one is used
    assert again.controller.classifier is not None and again.controller.classifier.path == tiny_model


def test_incompatible_model_is_refused_and_the_old_one_kept(make_window, qtbot, tmp_path, tiny_model):
    from tiny_model import build_tiny_model

    bad = build_tiny_model(tmp_path / "old.onnx", [1, 2, 3], meta_overrides={"arsl_schema": "arsl-kp-v0"})
    w = make_window()
    assert not w.controller.load_model(bad)
    assert w.controller.classifier is not None and w.controller.classifier.path == tiny_model
    box = w.last_error_box
    assert box is not None and "cannot be used" in box.text()
    assert "arsl-kp-v0" in box.informativeText() and "stays loaded" in box.informativeText()
    assert "tiny-test-model" in w.status.model.text()
    box.close()


def test_language_switch_mirrors_the_layout_and_persists(make_window, qtbot, settings):
    w = make_window(language="en")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    w.actions["toggle_language"].trigger()
    assert i18n.language() == "ar" and settings.language == "ar"
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert w.windowTitle() == i18n.STRINGS["app_title"]["ar"]
    assert w.actions["open_video"].text() == "فتح فيديو…"
    assert w.transcript.undo_button.text() == "تراجع عن الأخيرة"
    assert w.status.model.text().startswith("النموذج")
    w.set_language("en")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert w.actions["open_video"].text() == "Open video…"


def test_view_options_persist_between_runs(make_window, qtbot, settings):
    w = make_window()
    w.actions["mirror"].setChecked(False)
    w.actions["face"].setChecked(False)
    w.actions.threshold_slider.setValue(70)
    w.close()
    again = make_window()
    assert not again.actions["mirror"].isChecked() and not again.actions["face"].isChecked()
    assert again.actions["hands"].isChecked() and again.actions["arms"].isChecked()
    assert again.actions.threshold_slider.value() == 70 and not again.video.mirror


def test_signs_list_and_shortcuts_open(make_window, qtbot):
    w = make_window()
    dialog = w.signs_dialog()
    qtbot.addWidget(dialog)
    assert len(dialog.shown_ids()) == 82
    rows = dict((k, t) for t, k in w.actions.shortcut_rows())
    assert {"Ctrl+O", "Ctrl+Z", "Space", "F5", "Ctrl+K"} <= set(rows)


def test_nobody_in_view_for_long_says_step_into_view(make_window, qtbot, tmp_path):
    import cv2
    import numpy as np

    folder = tmp_path / "empty_room"
    folder.mkdir()
    for i in range(1, 31):
        cv2.imwrite(str(folder / f"room_{i:04d}.jpg"), np.full((120, 160, 3), 90, np.uint8))
    w = make_window()
    w.controller.nobody_hint_s = 0.5
    w.controller.open_video(folder, loop=True)
    qtbot.waitUntil(lambda: w.controller.message is not None and w.controller.message.key == "step_into_view", timeout=WAIT_MS)
    assert "Step into view" in w.video.panel.text.text()
    assert w.prediction.state_key == "no_person"


def test_changing_the_model_restarts_the_run_through_stop(make_window, qtbot, dense_video, tmp_path):
    from tiny_model import build_tiny_model

    other = build_tiny_model(tmp_path / "other.onnx", list(range(71, 83)), seed=3)
    w = make_window()
    with qtbot.waitSignal(w.pipeline.processed, timeout=WAIT_MS):
        w.controller.open_video(dense_video, loop=True)
    old = w.pipeline.threads()
    with qtbot.waitSignal(w.pipeline.processed, timeout=WAIT_MS):
        assert w.controller.load_model(other)
    assert all(t.isFinished() for t in old) and w.pipeline.threads() != old
    assert "(12 signs)" in w.status.model.text()


def test_camera_picker_lists_names_without_opening_and_shows_the_video(make_window, qtbot, dense_video):
    w = make_window()
    picker, combo = w.cameras, w.actions.camera_combo
    system = picker.system.cameras()  # QtMultimedia's list: nothing is opened to make it
    assert picker.indices() == sorted({c.index for c in system} | {0})  # plus the remembered camera
    with qtbot.waitSignal(w.pipeline.processed, timeout=WAIT_MS):
        w.controller.open_video(dense_video, loop=True)
    assert combo.currentData() == "video" and plain(combo.currentText()) == f"Video: {dense_video.name}"
    assert "Camera 0" not in combo.currentText()
    w.controller.start_camera(99)
    assert combo.currentData() == 99 and combo.findData("video") == -1


def test_run_app_opens_the_window_and_quitting_stops_threads(qapp, qtbot, tmp_path, dense_video, tiny_model):
    import signal
    from argparse import Namespace

    from PySide6.QtCore import QTimer

    from arsl_desktop.ui.app import run_app

    previous_term = signal.getsignal(signal.SIGTERM)
    found: list[MainWindow] = []

    def quit_when_running() -> None:
        found.extend(x for x in QApplication.topLevelWidgets() if isinstance(x, MainWindow))
        if found and found[0].video.has_frame:
            QApplication.quit()
        else:
            QTimer.singleShot(100, quit_when_running)

    QTimer.singleShot(100, quit_when_running)
    args = Namespace(camera=None, video=dense_video, loop=True, model=tiny_model, lang="ar")
    try:
        assert run_app(args) == 0
    finally:
        signal.signal(signal.SIGTERM, previous_term)
    w = found[0]
    assert w.controller.source_spec == dense_video and w.pipeline.history
    assert_no_thread_running(w)
    w.close()
    # Closing the last window asks the application to quit once more; Qt clears its "quit now" flag only
    # when exec() returns, and until then every later test's event loop (waitSignal) returned at once.
    QTimer.singleShot(0, QApplication.quit)
    QApplication.exec()


def test_keyboard_shortcuts_and_transcript_actions(make_window, qtbot, tmp_path):
    from PySide6.QtTest import QTest

    from arsl_desktop.core.labels import default_labels

    w = make_window()
    w.raise_()
    w.activateWindow()
    with warnings.catch_warnings():  # offscreen: only this (deprecated) call reliably takes activation back
        warnings.simplefilter("ignore", DeprecationWarning)  # from other tests' windows
        QApplication.setActiveWindow(w)
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    assert not w.actions["save_transcript"].isEnabled()  # nothing to save yet
    mirrored = w.video.mirror
    QTest.keyClick(w, Qt.Key.Key_M)
    assert w.video.mirror is not mirrored and w.settings.flag("mirror", True) is not mirrored
    QTest.keyClick(w, Qt.Key.Key_H)
    assert not w.video.options.hands
    labels = default_labels()
    w.transcript.add(labels[80])
    w.transcript.add(labels[72])
    assert w.actions["save_transcript"].isEnabled()
    QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.transcript.transcript.arabic() == "وجه"
    assert w.save_transcript(tmp_path / "out.txt")
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "وجه\nFace\n"
    assert not w.save_transcript(tmp_path)  # a folder: refused with a message, not a crash
    assert "Could not save" in w.last_error_box.text()
    w.last_error_box.close()
    QTest.keyClick(w, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert len(w.transcript.transcript) == 0
