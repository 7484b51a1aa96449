"""Camera names from the operating system (a fake /sys/class/video4linux tree), the picker showing
them where QtMultimedia is missing or lists nothing, and the camera-error panel's Details."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from arsl_desktop.core.camera_names import SystemCamera, linux_cameras, system_cameras
from arsl_desktop.core.errors import CameraLost, CameraUnavailable
from arsl_desktop.ui.qt_env import prepare_qt_environment

prepare_qt_environment()

from PySide6.QtWidgets import QComboBox  # noqa: E402

from arsl_desktop.ui import i18n  # noqa: E402
from arsl_desktop.ui.cameras import FROM_OS, FROM_QT, CameraList, CameraPicker  # noqa: E402
from arsl_desktop.ui.messages import for_error  # noqa: E402


def add_node(root: Path, n: int, name: str | None, index: str | None = "0") -> None:
    node = root / f"video{n}"
    node.mkdir(parents=True)
    if name is not None:
        (node / "name").write_text(name + "\n")
    if index is not None:
        (node / "index").write_text(index + "\n")


@pytest.fixture
def v4l(tmp_path) -> Path:
    """Two webcams, each with a metadata node (index 1), as the uvcvideo driver makes them."""
    root = tmp_path / "sys" / "class" / "video4linux"
    add_node(root, 0, "Integrated Camera: Integrated C")
    add_node(root, 1, "Integrated Camera: Integrated C", index="1")
    add_node(root, 2, "HD Webcam C270: HD Webcam C270")
    add_node(root, 3, "HD Webcam C270: HD Webcam C270", index="1")
    (root / "v4l-subdev0").mkdir()  # not a video node
    return root


def test_capture_nodes_only_with_their_opencv_index(v4l):
    assert linux_cameras(v4l) == [SystemCamera(0, "Integrated Camera: Integrated C"), SystemCamera(2, "HD Webcam C270")]


def test_node_without_index_or_name_is_kept_and_order_is_numeric(tmp_path):
    add_node(tmp_path, 10, "Capture card", index=None)  # older kernels have no index file
    add_node(tmp_path, 9, None)
    assert linux_cameras(tmp_path) == [SystemCamera(9, ""), SystemCamera(10, "Capture card")]


def test_no_video4linux_folder_means_no_cameras(tmp_path):
    assert linux_cameras(tmp_path / "missing") == [] == system_cameras(tmp_path / "missing")


@pytest.fixture
def no_qt_multimedia(monkeypatch):
    """As in the installer bundle: QtMultimedia cannot be imported."""
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)


def test_picker_shows_the_system_names_without_qt_multimedia(qtbot, v4l, no_qt_multimedia):
    i18n.set_language("en")
    combo = QComboBox()
    qtbot.addWidget(combo)
    picker = CameraPicker(combo, remembered=0, sysfs_root=v4l)
    assert picker.system.reason and picker.system.source == FROM_OS
    assert [combo.itemText(i) for i in range(combo.count())] == ["Integrated Camera: Integrated C (0)",
                                                                  "HD Webcam C270 (2)"]
    assert picker.indices() == [0, 2]
    assert combo.toolTip().splitlines() == ["Integrated Camera: Integrated C (0)", "Camera names from the operating system"]
    add_node(v4l, 4, "USB Video: USB Video")  # plugged in; "Find cameras" reads the folder again
    try:
        i18n.set_language("ar")
        with qtbot.waitSignal(picker.refreshed, timeout=5000):
            picker.refresh()
        assert combo.itemText(2) == "USB Video (4)" and picker.indices() == [0, 2, 4]
        assert combo.toolTip().splitlines()[-1] == "أسماء الكاميرات من نظام التشغيل"
    finally:
        i18n.set_language("en")


def test_picker_falls_back_to_the_system_when_qt_lists_no_camera(qtbot, v4l, monkeypatch):
    monkeypatch.setattr(CameraList, "qt_cameras", lambda self: [])  # Qt loads but has no backend
    combo = QComboBox()
    qtbot.addWidget(combo)
    picker = CameraPicker(combo, remembered=5, sysfs_root=v4l)
    assert picker.indices() == [0, 2, 5] and combo.currentData() == 5 and combo.currentText() == "Camera 5"
    assert combo.toolTip().splitlines() == ["Camera 5", "Camera names from the operating system"]


def test_tooltip_names_qt_when_qt_lists_the_cameras(qtbot, v4l, monkeypatch):
    from arsl_desktop.ui.cameras import CameraInfo

    monkeypatch.setattr(CameraList, "qt_cameras", lambda self: [CameraInfo(0, "Qt's name")])
    combo = QComboBox()
    qtbot.addWidget(combo)
    picker = CameraPicker(combo, remembered=0, sysfs_root=v4l)
    assert picker.system.source == FROM_QT and picker.indices() == [0]  # the OS list is not mixed in
    assert combo.toolTip().splitlines() == ["Qt's name (0)", "Camera names from Qt's multimedia module"]


def test_no_camera_anywhere_says_so(qtbot, tmp_path, no_qt_multimedia):
    combo = QComboBox()
    qtbot.addWidget(combo)
    CameraPicker(combo, remembered=0, sysfs_root=tmp_path / "none")
    assert combo.toolTip().splitlines() == ["Camera 0", "No camera found"]


# -- the camera-error panel: Details adds the technical reason, not the sentence again -----------

def test_unavailable_camera_details_hold_only_the_reason(qtbot):
    from arsl_desktop.core.sources import CameraSource
    from arsl_desktop.ui.video_view import VideoView

    with pytest.raises(CameraUnavailable) as info:
        CameraSource(97)
    message = for_error(info.value)
    assert message.detail == info.value.detail and "cv2.VideoCapture(97)" in message.detail
    if sys.platform.startswith("linux") and not Path("/dev/video97").exists():
        assert message.detail == "cv2.VideoCapture(97) did not open: /dev/video97 does not exist"
    view = VideoView()
    qtbot.addWidget(view)
    view.show_view_message(message)
    text, details = view.panel.text.text(), view.panel.detail.text()
    assert "could not be opened" in text and "not used by another program" in text
    assert "could not be opened" not in details and "another program" not in details
    assert details.startswith("Details: ") and "97" in details and not view.panel.detail.isHidden()


def test_lost_camera_details_hold_only_the_reason(qtbot):
    from arsl_desktop.ui.video_view import VideoView

    error = CameraLost("Camera 5 stopped sending frames (unplugged?). Reconnect it and press Retry.",
                       "cv2.VideoCapture(5).read() failed 30 times in a row")
    view = VideoView()
    qtbot.addWidget(view)
    view.show_view_message(for_error(error))
    assert "Reconnect" in view.panel.text.text()
    assert "Reconnect" not in view.panel.detail.text() and "read() failed 30 times" in view.panel.detail.text()
    view.show_view_message(for_error(CameraLost("Camera 5 stopped sending frames (unplugged?).")))
    assert view.panel.detail.isHidden()  # nothing to add: no Details line at all
