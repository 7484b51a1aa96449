"""The sentence built from recognised signs: undo last, clear, copy, save as UTF-8 text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QTextOption
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from arsl_desktop.core.labels import Sign
from arsl_desktop.ui.fonts import arabic_font
from arsl_desktop.ui.i18n import tr


class Transcript:
    """The signs in order. Arabic words form the sentence; English glosses ride along."""

    def __init__(self) -> None:
        self.signs: list[Sign] = []

    def add(self, sign: Sign) -> None:
        self.signs.append(sign)

    def undo(self) -> Sign | None:
        return self.signs.pop() if self.signs else None

    def clear(self) -> None:
        self.signs.clear()

    def arabic(self) -> str:
        return " ".join(s.ar for s in self.signs)

    def english(self) -> str:
        return " ".join(s.en for s in self.signs)

    def as_text(self) -> str:
        """What Save writes: the Arabic sentence, then the English glosses."""
        return f"{self.arabic()}\n{self.english()}\n" if self.signs else ""

    def save(self, path: Path) -> None:
        Path(path).write_text(self.as_text(), encoding="utf-8")

    def __len__(self) -> int:
        return len(self.signs)


class TranscriptPanel(QFrame):
    changed = Signal()
    save_requested = Signal()
    copied = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.transcript = Transcript()
        self.title = QLabel()
        self.view = QPlainTextEdit(readOnly=True, objectName="transcriptText")
        self.view.setFont(arabic_font(20))
        self.view.setMaximumHeight(110)
        option = QTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft)  # the sentence is Arabic in either UI language
        option.setAlignment(Qt.AlignmentFlag.AlignRight)
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        self.view.document().setDefaultTextOption(option)
        self.gloss = QLabel(wordWrap=True, objectName="transcriptGloss")
        self.gloss.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.gloss.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.undo_button = QPushButton()
        self.clear_button = QPushButton()
        self.copy_button = QPushButton()
        self.save_button = QPushButton()
        self.undo_button.clicked.connect(self.undo)
        self.clear_button.clicked.connect(self.clear)
        self.copy_button.clicked.connect(self.copy)
        self.save_button.clicked.connect(self.save_requested)
        buttons = QHBoxLayout()
        for b in (self.undo_button, self.clear_button, self.copy_button, self.save_button):
            buttons.addWidget(b)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.view)
        layout.addWidget(self.gloss)
        layout.addLayout(buttons)
        self.retranslate()

    def add(self, sign: Sign) -> None:
        self.transcript.add(sign)
        self._refresh()

    def undo(self) -> None:
        if self.transcript.undo() is not None:
            self._refresh()

    def clear(self) -> None:
        if len(self.transcript):
            self.transcript.clear()
            self._refresh()

    def copy(self) -> None:
        """Copies the Arabic sentence (what a user pastes into a message)."""
        QGuiApplication.clipboard().setText(self.transcript.arabic())
        self.copied.emit()

    def _refresh(self) -> None:
        has = bool(len(self.transcript))
        self.view.setPlainText(self.transcript.arabic())
        self.gloss.setText(self.transcript.english())
        for b in (self.undo_button, self.clear_button, self.copy_button, self.save_button):
            b.setEnabled(has)
        self.changed.emit()

    def retranslate(self) -> None:
        self.title.setText(f"<b>{tr('transcript')}</b>")
        self.view.setPlaceholderText(tr("transcript_empty"))
        self.undo_button.setText(tr("undo"))
        self.clear_button.setText(tr("clear"))
        self.copy_button.setText(tr("copy"))
        self.save_button.setText(tr("save"))
        self._refresh()
