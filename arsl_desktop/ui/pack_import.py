"""Importing a pack in My signs: which hand the learner signs with (`hand_question`), and the
import itself off the GUI thread (`PackImport`): checking and writing hundreds of signs, and
reading the list again, take seconds, and the window goes on meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from arsl_desktop.core import personal_pack
from arsl_desktop.core.labels import LabelTable
from arsl_desktop.core.personal_store import PersonalStore
from arsl_desktop.ui.i18n import tr


def hand_question(parent: QWidget) -> QMessageBox:
    """Which hand the learner signs with, against the pack's recorders: the other one stores
    their recordings mirrored (`personal_pack.import_pack`); "Same hand" is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, tr("import_pack").rstrip("…"), tr("import_hand_question"),
                      parent=parent)
    box.setObjectName("importHandQuestion")
    same = box.addButton(tr("import_same_hand"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("import_other_hand"), QMessageBox.ButtonRole.AcceptRole).setObjectName("otherHand")
    box.addButton(tr("cancel"), QMessageBox.ButtonRole.RejectRole).setObjectName("cancelImport")
    box.setDefaultButton(same)
    return box


class PackImport(QObject):
    """One import on its own thread; `finished` (queued to the thread that made this object)
    carries (ImportResult, mirrored, what `read` returned after it) or the exception. Made without
    a parent, so that a dialog closed meanwhile leaves its thread something to report to."""

    finished = Signal(object)

    def __init__(self, store: PersonalStore, labels: LabelTable, read: Callable[[], object]) -> None:
        super().__init__()
        self.store, self.labels, self.read = store, labels, read

    def start(self, path: Path, mirror: bool) -> None:
        threading.Thread(target=self._run, args=(path, mirror), name="arsl-import-pack").start()

    def _run(self, path: Path, mirror: bool) -> None:
        try:
            result = personal_pack.import_pack(self.store, path, self.labels, mirror=mirror)
            self.finished.emit((result, mirror, self.read()))
        except Exception as exc:  # noqa: BLE001 - a refused pack, a full disk, a bug: said in the dialog
            self.finished.emit(exc)
