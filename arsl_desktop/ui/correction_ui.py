"""The window's "Not this sign?" wiring: the prediction panel's button, its menu of the sign's
alternatives ("It was: صدر (Chest)") and "Another sign…" (`correction_dialog`), and what a
correction says in the status bar. `correction.CorrectionController` decides and writes.

A correction that worked replaces the transcript's last word when it was that sign's, and the
new example is embedded ahead on a thread, as after Teach (`PersonalUi.store_changed`). A
refused one says why in a box that does not block the window; nothing was written. While the
corrected sign is on show, the same button undoes the correction (a wrong pick): the sign that
was recognised comes back in the panel and the transcript, and can be corrected again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMenu

from arsl_desktop.core.correction import Correction
from arsl_desktop.core.personal_store import PersonalSign, PersonalStore
from arsl_desktop.core.recognizer import SignResult
from arsl_desktop.ui.correction import Choice, CorrectionController, as_word
from arsl_desktop.ui.correction_dialog import OtherSignDialog, sign_name
from arsl_desktop.ui.dialogs import warning_box
from arsl_desktop.ui.i18n import isolate, language, tr
from arsl_desktop.ui.transcript import PERSONAL_MARK

MESSAGE_MS = 10_000


def choice_text(choice: Choice) -> str:
    return tr("correct_it_was", name=(PERSONAL_MARK + " " if choice.personal else "") + sign_name(choice.sign))


class CorrectionUi:
    def __init__(self, window: QMainWindow, store: PersonalStore | None = None) -> None:
        self.window = window
        self.controller = CorrectionController(store, window.transcript.transcript, window.labels, window)
        self.menu: QMenu | None = None  # the last menu shown (tests trigger its actions)
        self.dialog: OtherSignDialog | None = None
        panel = window.prediction
        c = self.controller
        c.available.connect(panel.set_correctable)
        c.undoable.connect(panel.set_undoable)
        c.replace_word.connect(window.transcript.replace_last)
        c.corrected.connect(self._on_corrected)
        c.failed.connect(self._on_failed)
        c.undone.connect(self._on_undone)
        c.undo_failed.connect(self._on_undo_failed)
        panel.correct_button.clicked.connect(self._clicked)

    def _clicked(self) -> None:
        if self.controller.applied is not None:  # the button reads "Undo this correction"
            self.controller.undo()
        else:
            self.show_menu()

    # -- the menu and the dialog ---------------------------------------------------------------
    def show_menu(self) -> QMenu | None:
        """The alternatives of the sign shown, then "Another sign…", under the panel's button."""
        result = self.controller.result
        if result is None:
            return None
        if self.menu is not None:
            self.menu.deleteLater()
        button = self.window.prediction.correct_button
        menu = QMenu(button, objectName="correctMenu")
        choices = self.controller.choices(result)
        for choice in choices:
            action = menu.addAction(choice_text(choice))
            action.triggered.connect(lambda _=False, how=choice.correction: self.controller.correct(how, result))
        if choices:
            menu.addSeparator()
        menu.addAction(tr("correct_other")).triggered.connect(lambda: self.show_dialog(result))
        self.menu = menu
        menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
        return menu

    def show_dialog(self, result: SignResult | None = None) -> OtherSignDialog | None:
        """Pick any KArSL sign, one of the user's own or a new word for `result` (default: the one shown)."""
        result = self.controller.result if result is None else result
        if result is None or self.controller.done(result):
            return None
        try:
            mine = list(self.controller.store.load().signs)
        except OSError:
            mine = []  # an unreadable folder: the store's own message comes if a correction is tried
        if self.dialog is not None:
            self.dialog.close()
        dialog = OtherSignDialog(self.window.labels, result.best.sign, mine, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._picked(dialog.correction(), result))
        dialog.destroyed.connect(lambda *_: self._forget(dialog))
        self.dialog = dialog
        dialog.open()  # window-modal: the video goes on
        return dialog

    def _forget(self, dialog: OtherSignDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _picked(self, correction: Correction | None, result: SignResult) -> None:
        if correction is not None:
            self.controller.correct(correction, result)

    # -- what the controller says --------------------------------------------------------------
    def _on_corrected(self, result: SignResult, sign: PersonalSign) -> None:
        if self.window.prediction.result is result:  # still on show: show the sign it really was
            self.window.prediction.show_corrected(as_word(sign, self.window.labels))
        self.window.statusBar().showMessage(tr("correct_done", name=isolate(self._name(sign))), MESSAGE_MS)
        self.window.personal.store_changed(self.controller.store)

    def _on_undone(self, result: SignResult, sign: PersonalSign) -> None:
        self.window.prediction.show_result(result)  # what was recognised, again
        self.window.statusBar().showMessage(tr("correct_undone", name=isolate(self._name(sign))), MESSAGE_MS)
        self.window.personal.store_changed(self.controller.store)

    def _on_undo_failed(self, message: str) -> None:
        self.window.saver.last_error_box = warning_box(self.window, tr("correct_undo_failed_title"),
                                                       tr("correct_undo_failed", detail=isolate(message)))

    @staticmethod
    def _name(sign: PersonalSign) -> str:
        """The sign as the status bar names it, in the interface's language."""
        return (sign.ar or sign.en) if language() == "ar" else sign.en

    def _on_failed(self, message: str) -> None:
        self.window.saver.last_error_box = warning_box(self.window, tr("correct_failed_title"),
                                                       tr("correct_failed", detail=isolate(message)))

    def retranslate(self) -> None:
        if self.dialog is not None:
            self.dialog.retranslate()
