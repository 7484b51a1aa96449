"""The camera picker: the cameras the system knows, by name, without opening any of them.

`QMediaDevices.videoInputs()` lists devices with their real names and `videoInputsChanged`
reports plugging and unplugging, so nothing competes with the capture thread for a camera
and OpenCV's global log level is never touched. Where QtMultimedia is missing or lists no camera
(no backend, e.g. the installer bundle, whose Qt multimedia plugins are pruned) the names come
from the operating system (`core.camera_names`: /sys/class/video4linux on Linux; no hot-plug
signal there, "Find cameras" re-reads it). The tooltip says which of the two named them. The
remembered camera and the one in use are always listed.
While a video file plays, the picker shows that video, not "Camera 0".
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox

from arsl_desktop.core import camera_names
from arsl_desktop.ui.i18n import isolate, tr

log = logging.getLogger(__name__)
VIDEO = "video"  # item data of the "Video: name" entry
FROM_QT, FROM_OS = "qt", "os"  # CameraList.source: who named the cameras last listed
_TRAILING_DIGITS = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class CameraInfo:
    index: int  # what OpenCV opens (cv2.VideoCapture(index))
    name: str  # the device's own description ("" when unknown)


def opencv_index(device_id: bytes | str, position: int) -> int:
    """OpenCV's index for a Qt camera device: /dev/videoN on Linux, else its place in the list."""
    text = device_id.decode(errors="ignore") if isinstance(device_id, (bytes, bytearray)) else str(device_id)
    m = _TRAILING_DIGITS.search(text) if text.startswith("/dev/video") else None
    return int(m.group(1)) if m else position


class CameraList(QObject):
    """The system's cameras: QtMultimedia's list (`changed` on hot-plug), else the operating system's.

    `source` says who named the cameras of the last `cameras()` call: FROM_QT, FROM_OS or "" (none
    found). `available` is False where neither can list cameras (no QtMultimedia, not Linux).
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None, sysfs_root: Path | None = None) -> None:
        super().__init__(parent)
        self._devices = None
        self.sysfs_root = sysfs_root  # None: /sys/class/video4linux (tests pass a fake tree)
        self.reason = ""
        self.source = ""
        try:
            from PySide6.QtMultimedia import QMediaDevices
        except ImportError as exc:  # the module or its system libraries are missing
            self.reason = str(exc) or "QtMultimedia is not available"
        else:
            self._devices = QMediaDevices(self)
            self._devices.videoInputsChanged.connect(self.changed)

    @property
    def available(self) -> bool:
        return self._devices is not None or self.sysfs_root is not None or sys.platform.startswith("linux")

    def qt_cameras(self) -> list[CameraInfo]:
        if self._devices is None:
            return []
        return [CameraInfo(opencv_index(bytes(dev.id().data()), pos), dev.description())
                for pos, dev in enumerate(self._devices.videoInputs())]

    def cameras(self) -> list[CameraInfo]:
        found, self.source = self.qt_cameras(), FROM_QT
        if not found:
            found = [CameraInfo(c.index, c.name) for c in camera_names.system_cameras(self.sysfs_root)]
            self.source = FROM_OS if found else ""
        return found


class CameraPicker(QObject):
    chosen = Signal(int)  # the user picked camera N
    refreshed = Signal()  # the list was rebuilt

    def __init__(self, combo: QComboBox, remembered: int, parent: QObject | None = None,
                 sysfs_root: Path | None = None) -> None:
        super().__init__(parent)
        self.combo = combo
        self.remembered = remembered
        self.video_name: str | None = None  # a video file is playing: shown instead of a camera
        self.system = CameraList(self, sysfs_root)
        self.system.changed.connect(self.refresh)
        combo.activated.connect(self._on_activated)
        self._current: int | None = remembered
        self.refresh()

    def cameras(self, system: list[CameraInfo] | None = None) -> list[CameraInfo]:
        """The system's cameras, plus the remembered one and the one in use if it is not listed."""
        found = {c.index: c for c in (self.system.cameras() if system is None else system)}
        for i in (self.remembered, self._current):
            if i is not None and i not in found:
                found[i] = CameraInfo(i, "")
        return [found[i] for i in sorted(found)]

    def refresh(self) -> None:
        """Rebuild the list (texts in the current language), keeping the selection."""
        combo = self.combo
        combo.blockSignals(True)
        combo.clear()
        if self.video_name is not None:
            combo.addItem(tr("video_entry", name=isolate(self.video_name)), VIDEO)
        system = self.system.cameras()
        for cam in self.cameras(system):
            text = tr("camera_named", name=cam.name, n=cam.index) if cam.name else tr("camera_n", n=cam.index)
            combo.addItem(text, cam.index)
        pos = combo.findData(VIDEO if self.video_name is not None else self._current)
        combo.setCurrentIndex(max(pos, 0))
        none = self.system.available and not system
        named_by = {FROM_QT: tr("cameras_from_qt"), FROM_OS: tr("cameras_from_os")}.get(self.system.source, "")
        combo.setToolTip("\n".join(t for t in (combo.currentText(), tr("no_cameras") if none else "", named_by) if t))
        combo.blockSignals(False)
        self.refreshed.emit()

    def show_camera(self, index: int) -> None:
        self.video_name, self._current = None, index
        self.refresh()

    def show_video(self, name: str) -> None:
        self.video_name = name
        self.refresh()

    def indices(self) -> list[int]:
        c = self.combo
        return [int(c.itemData(i)) for i in range(c.count()) if isinstance(c.itemData(i), int)]

    def current(self) -> int | None:
        data = self.combo.currentData()
        return int(data) if isinstance(data, int) else None

    def _on_activated(self, pos: int) -> None:
        index = self.combo.itemData(pos)
        if isinstance(index, int):
            self.chosen.emit(index)
