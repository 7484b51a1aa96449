"""Small windows the main window opens without blocking: warnings and the shortcuts table."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTableWidget, QTableWidgetItem, QWidget

from arsl_desktop.ui.i18n import tr


def warning_box(parent: QWidget, title: str, text: str, info: str = "") -> QMessageBox:
    """A window-modal warning shown with open(), not exec(): video and recognition keep running."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    if info:
        box.setInformativeText(info)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box


def shortcuts_box(parent: QWidget, rows: list[tuple[str, str]]) -> QMessageBox:
    table = QTableWidget(len(rows), 2)
    table.setHorizontalHeaderLabels([tr("action"), tr("key")])
    table.verticalHeader().hide()
    for r, (text, key) in enumerate(rows):
        table.setItem(r, 0, QTableWidgetItem(text))
        table.setItem(r, 1, QTableWidgetItem(key))
    table.resizeColumnsToContents()
    table.setMinimumSize(360, 420)
    box = QMessageBox(QMessageBox.Icon.NoIcon, tr("shortcuts"), tr("shortcuts"), QMessageBox.StandardButton.Close,
                      parent)
    box.button(QMessageBox.StandardButton.Close).setText(tr("close"))
    grid = box.layout()
    grid.addWidget(table, grid.rowCount(), 0, 1, grid.columnCount())
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def unsaved_box(parent: QWidget, on_answer) -> QMessageBox:
    """Save / Discard / Cancel for an unsaved transcript; `on_answer(StandardButton)` gets the choice.
    Shown with open(), so the window keeps running while it waits."""
    B = QMessageBox.StandardButton
    box = QMessageBox(QMessageBox.Icon.Question, tr("unsaved_title"), tr("unsaved_text"),
                      B.Save | B.Discard | B.Cancel, parent)
    for button, key in ((B.Save, "save"), (B.Discard, "discard"), (B.Cancel, "cancel")):
        box.button(button).setText(tr(key))
    box.setDefaultButton(B.Save)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.finished.connect(lambda _: on_answer(box.standardButton(box.clickedButton())))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
