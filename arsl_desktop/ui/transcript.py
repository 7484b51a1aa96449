"""The sentence built from recognised signs: undo last, clear, copy, save as UTF-8 text.

The panel shows only the newest signs (the whole transcript is kept for Copy and Save): the
Arabic sentence scrolls to its newest word, the English glosses are one line elided at the
start, and the panel's height never changes, so the video above it is never squeezed.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent, QTextOption
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from arsl_desktop.core.labels import Sign
from arsl_desktop.ui.fonts import arabic_font
from arsl_desktop.ui.i18n import tr
from arsl_desktop.userdata import atomic_write_text

SHOWN_SIGNS = 40  # the panel shows this many newest signs; Copy and Save use all of them
ELLIPSIS = "…"
PERSONAL_MARK = "★"  # before the gloss of a personal sign in the panel (not in Copy or Save)


def word(sign: Sign) -> str:
    """The sign's word in the sentence: Arabic, or the English name of a new word taught without one."""
    return sign.ar or sign.en


def is_personal(sign: Sign) -> bool:
    return sign.category == "personal"


class Transcript:
    """The signs in order. Arabic words form the sentence; English glosses ride along."""

    def __init__(self) -> None:
        self.signs: list[Sign] = []
        self._changes = 0  # edits so far; `unsaved` compares it with the count at the last save
        self._saved_at = 0

    def add(self, sign: Sign) -> None:
        self.signs.append(sign)
        self._changes += 1

    def undo(self) -> Sign | None:
        if not self.signs:
            return None
        self._changes += 1
        return self.signs.pop()

    def clear(self) -> None:
        self.signs.clear()
        self._changes += 1

    def replace_last(self, sign: Sign) -> Sign | None:
        """The last word was another sign (a correction): an edit, like Undo. Returns the word replaced."""
        if not self.signs:
            return None
        old, self.signs[-1] = self.signs[-1], sign
        self._changes += 1
        return old

    @property
    def version(self) -> int:
        """Changes with every edit: the same number means the same words."""
        return self._changes

    @property
    def unsaved(self) -> bool:
        """Signs that would be lost on quitting: something changed since the last save (or ever)."""
        return bool(self.signs) and self._changes != self._saved_at

    def mark_saved(self) -> None:
        self._saved_at = self._changes

    def shown(self, limit: int = SHOWN_SIGNS) -> tuple[str, str]:
        """(Arabic, English) of the newest `limit` signs, with an ellipsis when older ones are hidden."""
        tail = self.signs[-limit:]
        more = ELLIPSIS + " " if len(self.signs) > limit else ""
        glosses = " ".join(PERSONAL_MARK + s.en if is_personal(s) else s.en for s in tail)
        return more + " ".join(word(s) for s in tail), more + glosses

    def arabic(self) -> str:
        return " ".join(word(s) for s in self.signs)

    def english(self) -> str:
        return " ".join(s.en for s in self.signs)

    def as_text(self) -> str:
        """What Save writes: the Arabic sentence, then the English glosses."""
        return f"{self.arabic()}\n{self.english()}\n" if self.signs else ""

    def save(self, path: Path) -> None:
        """Write atomically (a failed save leaves the old file whole); raises OSError."""
        atomic_write_text(Path(path), self.as_text())
        self.mark_saved()

    def autosave(self, folder: Path) -> Path:
        """Save into `folder` under a new time-stamped name (termination with unsaved work)."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / time.strftime("transcript-%Y%m%d-%H%M%S.txt")
        self.save(path)
        return path

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
        self.view.setFixedHeight(self.view.fontMetrics().lineSpacing() * 2 + 16)  # two lines, then it scrolls
        option = QTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft)  # the sentence is Arabic in either UI language
        option.setAlignment(Qt.AlignmentFlag.AlignRight)
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        self.view.document().setDefaultTextOption(option)
        self.gloss = QLabel(objectName="transcriptGloss")  # one line: the newest glosses, older ones elided
        self.gloss.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.gloss.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.gloss.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.gloss.setFixedHeight(self.gloss.fontMetrics().lineSpacing() + 4)  # empty or full: the same height
        self._gloss_text = ""
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
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
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

    def replace_last(self, sign: Sign) -> None:
        if self.transcript.replace_last(sign) is not None:
            self._refresh()

    def copy(self) -> None:
        """Copies the Arabic sentence (what a user pastes into a message)."""
        QGuiApplication.clipboard().setText(self.transcript.arabic())
        self.copied.emit()

    def _refresh(self) -> None:
        has = bool(len(self.transcript))
        arabic, self._gloss_text = self.transcript.shown()
        self.view.setPlainText(arabic)
        bar = self.view.verticalScrollBar()
        bar.setValue(bar.maximum())  # the newest sign in view
        self._elide_gloss()
        for b in (self.undo_button, self.clear_button, self.copy_button, self.save_button):
            b.setEnabled(has)
        self.changed.emit()

    def _elide_gloss(self) -> None:
        width = max(self.gloss.width(), 50)
        self.gloss.setText(self.gloss.fontMetrics().elidedText(self._gloss_text, Qt.TextElideMode.ElideLeft, width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide_gloss()
        bar = self.view.verticalScrollBar()
        bar.setValue(bar.maximum())

    def retranslate(self) -> None:
        self.title.setText(f"<b>{tr('transcript')}</b>")
        self.view.setPlaceholderText(tr("transcript_empty"))
        self.undo_button.setText(tr("undo"))
        self.clear_button.setText(tr("clear"))
        self.copy_button.setText(tr("copy"))
        self.save_button.setText(tr("save"))
        self._refresh()
