"""The signs the loaded model knows (its class ids looked up in the KArSL table), searchable
in Arabic or English."""

from __future__ import annotations

from PySide6.QtCore import Qt
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


class SignsDialog(QDialog):
    def __init__(self, labels: LabelTable, class_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels = labels
        self.class_ids = sorted(i for i in class_ids if labels.get(i) is not None)
        self.setWindowTitle(tr("signs_title", n=len(self.class_ids)))
        self.resize(560, 560)
        self.search = QLineEdit(placeholderText=tr("search_signs"), clearButtonEnabled=True)
        self.search.textChanged.connect(self.filter)
        self.count = QLabel()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("col_id"), tr("col_ar"), tr("col_en"), tr("col_category")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addWidget(self.count)
        layout.addWidget(buttons)
        self.filter("")

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
