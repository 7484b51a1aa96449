"""The "Another sign…" dialog: which sign a wrongly named recording really was, when it is not among the
alternatives: any KArSL sign (the searchable table the Teach dialog uses), one of the user's
personal signs, or a new word (English name required, Arabic optional). Widgets only; the
choice is a `core.correction.Correction` and `correction.CorrectionController` applies it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from arsl_desktop.core.correction import Correction
from arsl_desktop.core.labels import LabelTable, Sign
from arsl_desktop.core.personal_store import PersonalSign
from arsl_desktop.ui.fonts import arabic_font
from arsl_desktop.ui.i18n import isolate, tr
from arsl_desktop.ui.signs_dialog import SignsTable


def sign_name(sign: Sign) -> str:
    """"<Arabic> (<English>)", or the English name of a word taught without an Arabic one; each part
    keeps its own direction, so the Arabic comes first in either interface language."""
    en = isolate(f"({sign.en})" if sign.ar else sign.en)
    return f"{isolate(sign.ar)} {en}" if sign.ar else en


class OtherSignDialog(QDialog):
    def __init__(self, labels: LabelTable, shown: Sign, mine: list[PersonalSign],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("correctDialog")
        self.labels = labels
        self.shown_sign = shown  # what the recogniser said
        self.mine = mine
        self.shown = QLabel(wordWrap=True, objectName="correctShown")
        self.known = QRadioButton(objectName="correctKnown")
        self.personal = QRadioButton(objectName="correctMine")
        self.new = QRadioButton(objectName="correctNew")
        self.kind = QButtonGroup(self)
        for b in (self.known, self.personal, self.new):
            self.kind.addButton(b)
        self.signs = SignsTable(labels, [s.id for s in labels], self)
        self.signs.table.hideColumn(3)  # the category: room for the names
        header = self.signs.table.horizontalHeader()
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.mine_box = QComboBox(objectName="correctMineBox")
        for s in mine:
            self.mine_box.addItem(s.label, s.key)
        self.ar_name = QLineEdit(objectName="correctArabic")
        self.ar_name.setFont(arabic_font(14))
        self.ar_name.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.en_name = QLineEdit(objectName="correctEnglish")
        self.en_name.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.ar_label, self.en_label = QLabel(), QLabel()
        names = QFormLayout()
        names.addRow(self.ar_label, self.ar_name)
        names.addRow(self.en_label, self.en_name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.shown)
        layout.addWidget(self.known)
        layout.addWidget(self.signs, 1)
        layout.addWidget(self.personal)
        layout.addWidget(self.mine_box)
        layout.addWidget(self.new)
        layout.addLayout(names)
        layout.addWidget(self.buttons)
        self.kind.buttonToggled.connect(lambda *_: self._refresh())
        self.signs.picked.connect(lambda *_: self._refresh())
        self.en_name.textChanged.connect(lambda *_: self._refresh())
        self.known.setChecked(True)
        self.retranslate()
        self.resize(520, 600)

    def correction(self) -> Correction | None:
        """What the user chose, or None while the choice is incomplete."""
        if self.known.isChecked():
            sign_id = self.signs.selected_id()
            return Correction.of_karsl(self.labels[sign_id]) if sign_id is not None else None
        if self.personal.isChecked():
            key = self.mine_box.currentData()
            return Correction.of_personal(key) if key else None
        en = self.en_name.text().strip()
        return Correction.new_word(en, self.ar_name.text().strip()) if en else None

    def _refresh(self) -> None:
        known, mine = self.known.isChecked(), self.personal.isChecked()
        self.signs.setEnabled(known)
        self.mine_box.setEnabled(mine and bool(self.mine))
        for w in (self.ar_name, self.en_name, self.ar_label, self.en_label):
            w.setEnabled(not known and not mine)
        self.ok_button.setEnabled(self.correction() is not None)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("correct_title"))
        self.shown.setText(tr("correct_shown", name=sign_name(self.shown_sign)))
        self.known.setText(tr("correct_known"))
        self.personal.setText(tr("correct_mine") if self.mine else tr("correct_no_mine"))
        self.personal.setEnabled(bool(self.mine))
        self.new.setText(tr("teach_new"))
        self.ar_label.setText(tr("name_ar"))
        self.en_label.setText(tr("name_en"))
        self.ok_button.setText(tr("correct_ok"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("cancel"))
        self.signs.retranslate()
        self._refresh()
