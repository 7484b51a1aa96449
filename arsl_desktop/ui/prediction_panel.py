"""The current sign in large Arabic text (right to left), its English gloss, the next
best candidates with confidence bars, and what the recogniser is doing right now.

"Not this sign?" (`correct_button`) shows while the sign can be corrected (`set_correctable`);
after a correction the same button reads "Undo this correction" while the corrected sign is on
show (`set_undoable`, `undo_mode`); its menu and what it does are `correction_ui`'s."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from arsl_desktop.core.labels import Sign
from arsl_desktop.core.recognizer import SignResult
from arsl_desktop.core.spotting import SpotState
from arsl_desktop.ui.fonts import arabic_font
from arsl_desktop.ui.i18n import tr
from arsl_desktop.ui.transcript import PERSONAL_MARK, word

N_ALTERNATIVES = 4
STATE_STYLE = {  # key -> (i18n key, background colour)
    "idle": ("state_idle", "#5a5a66"),
    SpotState.NO_PERSON.value: ("state_no_person", "#6b6b78"),
    SpotState.WAITING.value: ("state_waiting", "#b7791f"),
    SpotState.SIGNING.value: ("state_signing", "#2b6cb0"),
    "recognised": ("state_recognised", "#2f855a"),
}


def _percent(p: float) -> int:
    return int(round(100 * p))


class PredictionPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        self.state = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, objectName="state")
        self.state.setMinimumHeight(30)
        self.word = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter, objectName="word")
        self.word.setFont(arabic_font(40, bold=True))
        self.word.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # Arabic always runs right to left
        self.word.setMinimumHeight(90)
        self.word.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.gloss = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, objectName="gloss")
        self.gloss.setStyleSheet("font-size: 16pt; color: palette(mid);")
        self.personal = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, objectName="personalTag")
        self.personal.setStyleSheet("QLabel#personalTag { background: #6b46c1; color: white; border-radius: 6px; "
                                    "padding: 2px 8px; font-weight: bold; }")
        self.personal.hide()
        self.note = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True, objectName="note")
        self.note.setStyleSheet("color: #c05621;")
        self.correct_button = QPushButton(objectName="correctButton")
        policy = self.correct_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the alternatives below do not jump when it shows
        self.correct_button.setSizePolicy(policy)
        self.correct_button.hide()
        self._correctable = self.undo_mode = False
        self.alt_title = QLabel()
        grid = QGridLayout()
        self.alt_labels: list[QLabel] = []  # Arabic words
        self.alt_glosses: list[QLabel] = []
        self.alt_bars: list[QProgressBar] = []
        for i in range(N_ALTERNATIVES):
            label = QLabel()
            label.setFont(arabic_font(15))
            gloss = QLabel(wordWrap=True)  # a long English name wraps instead of being cut off
            bar = QProgressBar(maximum=100, textVisible=True)
            bar.setFixedWidth(100)
            grid.addWidget(label, i, 0)
            grid.addWidget(gloss, i, 1)
            grid.addWidget(bar, i, 2)
            self.alt_labels.append(label)
            self.alt_glosses.append(gloss)
            self.alt_bars.append(bar)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.state)
        layout.addWidget(self.word)
        layout.addWidget(self.gloss)
        layout.addWidget(self.personal, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.note)
        layout.addWidget(self.correct_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.alt_title)
        layout.addLayout(grid)
        layout.addStretch()
        self.result: SignResult | None = None
        self.state_key = "idle"
        self.set_state("idle")
        self.show_result(None)
        self.retranslate()

    def set_state(self, key: str) -> None:
        """One of idle, no_person, waiting, signing, recognised."""
        self.state_key = key
        text_key, colour = STATE_STYLE[key]
        self.state.setText(tr(text_key))
        self.state.setStyleSheet(f"QLabel#state {{ background: {colour}; color: white; border-radius: 6px; "
                                 "padding: 4px 10px; font-weight: bold; }")

    def set_correctable(self, on: bool) -> None:
        """The sign shown can be corrected ("Not this sign?")."""
        self._correctable = on
        self._show_button()

    def set_undoable(self, on: bool) -> None:
        """The correction of the sign shown can be undone: the button reads "Undo this correction"."""
        self.undo_mode = on
        self._show_button()

    def _show_button(self) -> None:
        self.correct_button.setText(tr("correct_undo" if self.undo_mode else "correct_button"))
        self.correct_button.setToolTip(tr("correct_undo_tip" if self.undo_mode else "correct_tip"))
        self.correct_button.setVisible(self._correctable or self.undo_mode)

    def show_corrected(self, sign: Sign) -> None:
        """The sign shown was corrected by the user: show the sign it really was (their own example
        now), in place of the wrong name and its alternatives."""
        self.show_result(None)
        self.corrected = sign
        self.word.setText(word(sign))
        self.gloss.setText(f"{sign.en}  ·  {tr('correct_yours')}")
        self.personal.show()

    def show_result(self, result: SignResult | None) -> None:
        """Show a finished sign (accepted or not); None clears the panel."""
        self.result = result
        self.corrected: Sign | None = None
        if result is None:
            self.word.setText("")
            self.gloss.setText("")
            self.note.setText("")
            self.personal.hide()
            for label, gloss, bar in zip(self.alt_labels, self.alt_glosses, self.alt_bars, strict=False):
                label.setText("")
                gloss.setText("")
                bar.setValue(0)
                bar.setVisible(False)
            return
        best = result.best
        self.word.setText(word(best.sign))
        self.personal.setVisible(best.personal)
        self.word.setStyleSheet("" if result.accepted else "color: palette(mid);")
        self.gloss.setText(f"{best.sign.en}  ·  {_percent(best.prob)}%")
        if not result.hands_seen:
            self.note.setText(tr("no_hands_seen"))
        elif not result.accepted:
            self.note.setText(tr("uncertain", p=_percent(best.prob)))
        else:
            self.note.setText("")
        alts = result.top[1:1 + N_ALTERNATIVES]
        for i, (label, gloss, bar) in enumerate(zip(self.alt_labels, self.alt_glosses, self.alt_bars, strict=False)):
            shown = i < len(alts)
            label.setText(word(alts[i].sign) if shown else "")
            gloss.setText((PERSONAL_MARK + " " if alts[i].personal else "") + alts[i].sign.en if shown else "")
            gloss.setToolTip(tr("personal_tip") if shown and alts[i].personal else "")
            bar.setValue(_percent(alts[i].prob) if shown else 0)
            bar.setVisible(shown)

    def retranslate(self) -> None:
        self.title.setText(f"<b>{tr('current_sign')}</b>")
        self.alt_title.setText(f"<b>{tr('alternatives')}</b>")
        self.personal.setText(tr("personal_tag"))
        self.personal.setToolTip(tr("personal_tip"))
        self._show_button()
        self.set_state(self.state_key)
        corrected = self.corrected
        self.show_result(self.result)
        if corrected is not None:
            self.show_corrected(corrected)
