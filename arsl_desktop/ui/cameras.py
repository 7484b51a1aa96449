"""The camera picker: lists the cameras that open (searched on a background thread,
since opening a camera can take seconds) plus the remembered one, and says which the user chose."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QComboBox

from arsl_desktop.core.sources import probe_cameras
from arsl_desktop.ui.i18n import tr


class CameraProbe(QThread):
    found = Signal(list)

    def run(self) -> None:
        from cv2.utils import logging as cv_log

        # Probing absent indices makes OpenCV print an error per backend and index; they are expected here.
        previous = cv_log.getLogLevel()
        cv_log.setLogLevel(cv_log.LOG_LEVEL_SILENT)
        try:
            found = probe_cameras()
        finally:
            cv_log.setLogLevel(previous)
        self.found.emit(found)


class CameraPicker(QObject):
    chosen = Signal(int)  # the user picked camera N

    def __init__(self, combo: QComboBox, remembered: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.combo = combo
        self.remembered = remembered
        self.probe: CameraProbe | None = None
        combo.activated.connect(self._on_activated)
        self.fill([remembered], remembered)

    def search(self) -> None:
        """Look for cameras in the background; the list updates when done."""
        if self.probe is not None and self.probe.isRunning():
            return
        self.probe = CameraProbe(self)
        self.probe.found.connect(self._on_found)
        self.probe.start()

    def wait(self) -> None:
        if self.probe is not None:
            self.probe.wait()

    def indices(self) -> list[int]:
        c = self.combo
        return [int(c.itemData(i)) for i in range(c.count()) if c.itemData(i) is not None]

    def fill(self, indices: list[int], current: int | None) -> None:
        """List cameras `indices` (texts in the current language), selecting `current`."""
        combo = self.combo
        combo.blockSignals(True)
        combo.clear()
        for i in sorted(set(indices) | {self.remembered}):
            combo.addItem(tr("camera_n", n=i), i)
        pos = combo.findData(current if current is not None else self.remembered)
        combo.setCurrentIndex(pos if pos >= 0 else 0)
        combo.blockSignals(False)

    def current(self) -> int | None:
        data = self.combo.currentData()
        return int(data) if data is not None else None

    @Slot(list)
    def _on_found(self, found: list) -> None:
        self.fill(found, self.current())
        self.combo.setToolTip("" if found else tr("no_cameras"))

    def _on_activated(self, pos: int) -> None:
        index = self.combo.itemData(pos)
        if index is not None:
            self.remembered = int(index)
            self.chosen.emit(int(index))
