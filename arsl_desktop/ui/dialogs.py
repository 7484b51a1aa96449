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
