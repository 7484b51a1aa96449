"""UI building blocks without MediaPipe: Qt environment fix, mailbox, strings, settings,
transcript, overlays, signs list."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from arsl_desktop.ui.qt_env import prepare_qt_environment

prepare_qt_environment()  # before pytest-qt creates the QApplication

from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402

from arsl_desktop.core import features as F  # noqa: E402
from arsl_desktop.core.labels import default_labels  # noqa: E402
from arsl_desktop.core.landmarks import Keypoints  # noqa: E402
from arsl_desktop.core.sources import Frame  # noqa: E402
from arsl_desktop.ui import i18n  # noqa: E402
from arsl_desktop.ui.mailbox import FrameMailbox, Grabbed, Marker  # noqa: E402
from arsl_desktop.ui.overlays import OverlayOptions, draw_keypoints  # noqa: E402
from arsl_desktop.ui.settings import AppSettings  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


# -- cv2 / Qt environment ---------------------------------------------------------------------
def test_cv2_qt_variables_are_removed_but_foreign_ones_kept(monkeypatch, tmp_path):
    import cv2

    cv2_plugins = str(Path(cv2.__file__).parent / "qt" / "plugins")
    monkeypatch.setenv("QT_QPA_PLATFORM_PLUGIN_PATH", cv2_plugins)
    monkeypatch.setenv("QT_QPA_FONTDIR", str(tmp_path))  # the user's own: keep
    assert prepare_qt_environment() == ["QT_QPA_PLATFORM_PLUGIN_PATH"]
    assert "QT_QPA_PLATFORM_PLUGIN_PATH" not in os.environ
    assert os.environ["QT_QPA_FONTDIR"] == str(tmp_path)


def test_window_process_starts_qt_after_cv2_import():
    """A fresh process: import cv2 first (as the core does), then the app's QApplication."""
    code = ("import os, cv2; assert 'cv2' in os.environ.get('QT_QPA_PLATFORM_PLUGIN_PATH', 'cv2');"
            "from arsl_desktop.ui.app import create_application; app = create_application();"
            "assert 'cv2' not in os.environ.get('QT_QPA_PLATFORM_PLUGIN_PATH', ''), os.environ;"
            "assert 'cv2' not in os.environ.get('QT_QPA_FONTDIR', '');"
            "from arsl_desktop.ui.fonts import load_fonts; assert 'Noto Sans Arabic' in load_fonts(); print('ok')")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr[-2000:]


# -- mailbox ----------------------------------------------------------------------------------
def _grabbed(i: int) -> Grabbed:
    return Grabbed(Frame(np.zeros((2, 2, 3), np.uint8), i / 30, i), 0.0)


def test_mailbox_keeps_only_the_newest_frame_and_every_marker():
    box = FrameMailbox()
    for i in range(5):
        box.put(_grabbed(i))
    assert len(box) == 1 and box.dropped == 4
    box.put_marker(Marker.CLIP_END)
    box.put(_grabbed(5))
    box.put(_grabbed(6))
    taken = [box.take(0.01) for _ in range(4)]
    assert [t.frame.index if isinstance(t, Grabbed) else t for t in taken] == [4, Marker.CLIP_END, 6, None]


def test_mailbox_stays_bounded_when_markers_come_faster_than_the_worker():
    box = FrameMailbox()
    for i in range(100):  # a short looping clip decoded much faster than it is recognised
        box.put(_grabbed(2 * i))
        box.put_marker(Marker.CLIP_END)
        box.put(_grabbed(2 * i + 1))
        assert len(box) <= 3
    box.put_marker(Marker.STREAM_END)
    items = [box.take(0.01) for _ in range(3)]
    assert items[0].frame.index == 0 and items[1] is Marker.STREAM_END and items[2] is None


def test_mailbox_lets_a_file_wait_until_the_consumer_is_ready_and_done_with_markers():
    box, stop = FrameMailbox(), threading.Event()
    waited = []

    def producer() -> None:
        waited.append(box.wait_for_consumer(stop, poll=0.01))

    t = threading.Thread(target=producer)
    t.start()
    t.join(0.1)
    assert t.is_alive()  # the consumer is not ready yet
    box.set_ready()
    t.join(5)
    assert waited == [True]
    box.put_marker(Marker.CLIP_END)
    t = threading.Thread(target=producer)
    t.start()
    t.join(0.1)
    assert t.is_alive()  # the marker is not handled yet
    assert box.take(0.01) is Marker.CLIP_END
    box.marker_done()
    t.join(5)
    assert waited == [True, True]
    box.put_marker(Marker.CLIP_END)
    stop.set()
    assert box.wait_for_consumer(stop) is False  # stopping never waits


def test_mailbox_close_wakes_a_waiting_taker():
    box = FrameMailbox()
    got = []
    t = threading.Thread(target=lambda: got.append(box.take(timeout=30)))
    t.start()
    box.close()
    t.join(5)
    assert not t.is_alive() and got == [None]


# -- strings ----------------------------------------------------------------------------------
def test_every_string_exists_in_both_languages_with_the_same_placeholders():
    for key, texts in i18n.STRINGS.items():
        assert set(texts) == set(i18n.LANGUAGES), key
        names = [set(re.findall(r"{(\w+)", texts[lang])) for lang in i18n.LANGUAGES]
        assert all(texts[lang].strip() for lang in i18n.LANGUAGES), key
        assert names[0] == names[1], key
    assert any("\u0600" <= c <= "\u06ff" for c in i18n.STRINGS["start"]["ar"])


def test_names_keep_their_direction_inside_arabic_text():
    assert i18n.isolate("03_01_0071_(01_12).mp4") == "\u206603_01_0071_(01_12).mp4\u200e\u2069"  # LRI: no strong letter
    assert i18n.isolate("نموذج") == "\u2068نموذج\u2069"  # FSI: an Arabic name stays right to left


def test_every_tr_key_used_in_the_ui_exists():
    used = set()
    for path in (REPO / "arsl_desktop" / "ui").glob("*.py"):
        used |= set(re.findall(r"""\btr\(\s*["'](\w+)["']""", path.read_text(encoding="utf-8")))
        used |= set(re.findall(r"""ViewMessage\(\s*["'](\w+)["']""", path.read_text(encoding="utf-8")))
    from arsl_desktop.ui.actions import ACTIONS

    used |= {key for key, _, _ in ACTIONS.values() if key}
    assert used and not (used - set(i18n.STRINGS)), used - set(i18n.STRINGS)


# -- settings ---------------------------------------------------------------------------------
def test_settings_round_trip_through_a_json_file(tmp_path):
    path = tmp_path / "settings.json"
    s = AppSettings(path)
    assert s.language is None and s.camera == 0 and s.model_path is None and s.flag("mirror", True)
    s.language, s.camera, s.threshold = "en", 2, 0.65
    s.model_path = tmp_path / "m.onnx"
    s.set_flag("mirror", False)
    s.geometry = b"\x01\x02geometry"
    t = AppSettings(path)  # every change is already on disk
    assert (t.language, t.camera, t.threshold, t.model_path, t.flag("mirror", True), t.geometry) == \
        ("en", 2, 0.65, tmp_path / "m.onnx", False, b"\x01\x02geometry")
    assert json.loads(path.read_text(encoding="utf-8"))["source/camera"] == 2  # plain JSON, never pickle
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temporary file left behind


# -- transcript -------------------------------------------------------------------------------
def test_transcript_undo_clear_copy_save(qtbot, tmp_path):
    from PySide6.QtGui import QGuiApplication

    from arsl_desktop.ui.transcript import TranscriptPanel

    labels = default_labels()
    panel = TranscriptPanel()
    qtbot.addWidget(panel)
    for i in (71, 80, 72):
        panel.add(labels[i])
    assert panel.transcript.arabic() == "هيكل عظمي وجه جمجة"
    panel.undo()
    assert panel.transcript.english() == "Skeleton Face"
    panel.copy()
    assert QGuiApplication.clipboard().text() == "هيكل عظمي وجه"
    out = tmp_path / "t.txt"
    panel.transcript.save(out)
    assert out.read_bytes().decode("utf-8") == "هيكل عظمي وجه\nSkeleton Face\n"
    panel.clear()
    assert len(panel.transcript) == 0 and not panel.undo_button.isEnabled()


# -- overlays ---------------------------------------------------------------------------------
def _keypoints(w: int, h: int) -> Keypoints:
    xyz, present = F.empty_keypoints()
    xyz[F.RIGHT_SL, 0] = np.linspace(0.6, 0.8, F.N_HAND)
    xyz[F.RIGHT_SL, 1] = np.linspace(0.2, 0.4, F.N_HAND)
    present[F.RIGHT] = True
    return Keypoints(xyz, present, w, h)


@pytest.mark.parametrize("hands", [True, False])
def test_hand_overlay_draws_where_the_hand_is(qapp, hands):
    img = QImage(200, 100, QImage.Format.Format_RGB32)
    img.fill(QColor("black"))
    painter = QPainter(img)
    draw_keypoints(painter, _keypoints(200, 100), OverlayOptions(hands=hands, arms=True, face=True))
    painter.end()
    lit = [(x, y) for x in range(200) for y in range(100) if img.pixelColor(x, y) != QColor("black")]
    if hands:
        assert lit and all(110 <= x <= 170 and 10 <= y <= 50 for x, y in lit)
    else:
        assert not lit  # no pose, no face, hands switched off


def test_mirror_flips_only_the_display(qtbot):
    from arsl_desktop.ui.video_view import VideoView

    image = np.zeros((60, 80, 3), np.uint8)
    image[:, :40] = (255, 0, 0)  # left half red
    frame = Frame(image, 0.0, 0)
    view = VideoView()
    qtbot.addWidget(view)
    view.resize(80, 60)
    view.set_frame(frame, None)
    left = lambda: view.grab().toImage().pixelColor(10, 30).red()  # noqa: E731
    assert left() > 200
    view.mirror = True
    assert left() < 50
    assert frame.image[0, 0, 0] == 255 and not frame.image.flags.writeable  # the frame itself is untouched


# -- signs dialog -----------------------------------------------------------------------------
def test_signs_dialog_searches_arabic_and_english(qtbot):
    from arsl_desktop.ui.signs_dialog import SignsDialog

    i18n.set_language("en")
    dialog = SignsDialog(default_labels(), list(range(1, 83)))
    qtbot.addWidget(dialog)
    assert len(dialog.shown_ids()) == 82
    dialog.search.setText("skull")
    assert dialog.shown_ids() == [72]
    dialog.search.setText("عظمي")
    assert dialog.shown_ids() == [71]
    dialog.search.setText("no such sign")
    assert dialog.shown_ids() == [] and dialog.count.text() == "0 of 82 signs"
