"""The signs the loaded model knows (its class ids looked up in the KArSL table), searchable
in Arabic or English; the searchable table is reused by the Teach dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from arsl_desktop.core.labels import LabelTable
from arsl_desktop.ui.fonts import arabic_font
from arsl_desktop.ui.i18n import tr, tr_n


class SignsTable(QWidget):
    """A search field over a table of KArSL signs (number, Arabic, English, category); searching
    matches Arabic, English or the sign's number. `picked` carries the selected sign's id."""

    picked = Signal(object)  # sign id, or None when nothing is selected

    def __init__(self, labels: LabelTable, class_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels = labels
        self.class_ids = sorted(i for i in class_ids if labels.get(i) is not None)
        self.search = QLineEdit(placeholderText=tr("search_signs"), clearButtonEnabled=True)
        self.search.textChanged.connect(self.filter)
        self.count = QLabel()
        self.table = QTableWidget(0, 4)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(lambda: self.picked.emit(self.selected_id()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addWidget(self.count)
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(tr("search_signs"))
        self.table.setHorizontalHeaderLabels([tr("col_id"), tr("col_ar"), tr("col_en"), tr("col_category")])
        self.filter(self.search.text())

    def filter(self, text: str) -> None:
        signs = self.labels.search(text, self.class_ids)
        self.table.setRowCount(len(signs))
        big = arabic_font(14)
        for row, s in enumerate(signs):
            items = [QTableWidgetItem(str(s.id)), QTableWidgetItem(s.ar), QTableWidgetItem(s.en),
                     QTableWidgetItem(s.category)]
            items[1].setFont(big)
            items[0].setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            for col, item in enumerate(items):
                self.table.setItem(row, col, item)
        self.count.setText(tr("shown_of", shown=len(signs), signs=tr_n("signs", len(self.class_ids))))

    def shown_ids(self) -> list[int]:
        return [int(self.table.item(r, 0).text()) for r in range(self.table.rowCount())]

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return int(self.table.item(rows[0].row(), 0).text()) if rows else None

    def select_id(self, sign_id: int) -> bool:
        """Select the row of `sign_id` if it is shown."""
        for r, i in enumerate(self.shown_ids()):
            if i == sign_id:
                self.table.selectRow(r)
                return True
        return False


class SignsDialog(QDialog):
    def __init__(self, labels: LabelTable, class_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.signs = SignsTable(labels, class_ids, self)
        self.labels, self.class_ids = labels, self.signs.class_ids
        self.search, self.table, self.count = self.signs.search, self.signs.table, self.signs.count
        self.setWindowTitle(tr("signs_title", n=len(self.class_ids)))
        self.resize(560, 560)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.signs)
        layout.addWidget(buttons)

    def filter(self, text: str) -> None:
        self.signs.filter(text)

    def shown_ids(self) -> list[int]:
        return self.signs.shown_ids()
