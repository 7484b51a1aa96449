"""The camera picker: the cameras the system knows, by name, without opening any of them.

`QMediaDevices.videoInputs()` lists devices with their real names and `videoInputsChanged`
reports plugging and unplugging, so nothing competes with the capture thread for a camera
and OpenCV's global log level is never touched. Where QtMultimedia is missing (or has no
backend, e.g. a pruned bundle) the picker lists the remembered camera and the one in use.
While a video file plays, the picker shows that video, not "Camera 0".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox

from arsl_desktop.ui.i18n import isolate, tr

log = logging.getLogger(__name__)
VIDEO = "video"  # item data of the "Video: name" entry
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
    """The system's cameras from QtMultimedia; `changed` on hot-plug. `available` False without it."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._devices = None
        self.reason = ""
        try:
            from PySide6.QtMultimedia import QMediaDevices
        except ImportError as exc:  # the module or its system libraries are missing
            self.reason = str(exc) or "QtMultimedia is not available"
            return
        self._devices = QMediaDevices(self)
        self._devices.videoInputsChanged.connect(self.changed)

    @property
    def available(self) -> bool:
        return self._devices is not None

    def cameras(self) -> list[CameraInfo]:
        if self._devices is None:
            return []
        found = []
        for pos, dev in enumerate(self._devices.videoInputs()):
            found.append(CameraInfo(opencv_index(bytes(dev.id().data()), pos), dev.description()))
        return found


class CameraPicker(QObject):
    chosen = Signal(int)  # the user picked camera N

    def __init__(self, combo: QComboBox, remembered: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.combo = combo
        self.remembered = remembered
        self.video_name: str | None = None  # a video file is playing: shown instead of a camera
        self.system = CameraList(self)
        self.system.changed.connect(self.refresh)
        combo.activated.connect(self._on_activated)
        self._current: int | None = remembered
        self.refresh()

    def cameras(self) -> list[CameraInfo]:
        """The system's cameras, plus the remembered one and the one in use if it is not listed."""
        found = {c.index: c for c in self.system.cameras()}
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
        for cam in self.cameras():
            text = tr("camera_named", name=cam.name, n=cam.index) if cam.name else tr("camera_n", n=cam.index)
            combo.addItem(text, cam.index)
        pos = combo.findData(VIDEO if self.video_name is not None else self._current)
        combo.setCurrentIndex(max(pos, 0))
        none = self.system.available and not self.system.cameras()
        combo.setToolTip("\n".join(t for t in (combo.currentText(), tr("no_cameras") if none else "") if t))
        combo.blockSignals(False)

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
