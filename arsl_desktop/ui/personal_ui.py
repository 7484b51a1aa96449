"""The window's personal-signs wiring: the Teach and My signs dialogs, and a notice strip over
the video for what the recognition worker found in the store.

The worker reads the store (`PersonalSigns.refresh`, off the GUI thread) and reports a
`workers.PersonalStatus` whenever it re-read it. Damaged entries are said once each, in the
strip (it does not block anything and the run goes on); nothing is deleted. A model without an
embedding output is said once per model, when there are personal signs to match.
Examples saved by Teach, added by a correction or imported in My signs are read by the window's
model at once, on a thread (`prime_outputs`), so that the next start finds its readings cached.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton

from arsl_desktop.core.personal_signs import prime_outputs
from arsl_desktop.core.personal_store import PersonalStore
from arsl_desktop.ui.i18n import isolate, tr
from arsl_desktop.ui.learn_dialog import LearnDialog
from arsl_desktop.ui.my_signs_dialog import MySignsDialog
from arsl_desktop.ui.teach_dialog import TeachDialog
from arsl_desktop.ui.workers import PersonalStatus

MAX_LINES = 4  # problems shown in the strip; the rest in its tooltip
log = logging.getLogger(__name__)
_one_at_a_time = threading.Lock()  # two primings at once could each write the cache without the other's


def prime_in_background(store: PersonalStore, classifier) -> threading.Thread:
    """Run the model on the store's new examples and cache its readings, on a thread (the GUI goes
    on; a closing window waits for it, seconds at most). A failure is logged: the cache only saves
    time."""
    def prime() -> None:
        try:
            with _one_at_a_time:
                prime_outputs(store, classifier)
        except Exception:  # noqa: BLE001
            log.warning("the new personal examples were not embedded ahead", exc_info=True)

    thread = threading.Thread(target=prime, name="arsl-prime-embeddings")
    thread.start()
    return thread


class NoticeBar(QFrame):
    """A dismissible strip with a short text (the full text in the tooltip)."""

    def __init__(self) -> None:
        super().__init__(objectName="personalNotice")
        self.setStyleSheet("#personalNotice { background: #fff4e0; border: 1px solid #e2a24a; border-radius: 6px; }"
                           "QLabel { color: #5a3300; }")
        self.text = QLabel(wordWrap=True, objectName="personalNoticeText")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton(objectName="personalNoticeDismiss")
        self.close_button.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.text, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def say(self, lines: list[str]) -> None:
        shown = lines[:MAX_LINES] + (["…"] if len(lines) > MAX_LINES else [])
        self.text.setText("\n".join(shown))
        self.setToolTip("\n".join(lines))
        self.close_button.setText(tr("dismiss"))
        self.show()


class PersonalUi:
    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.notice = NoticeBar()
        self.status: PersonalStatus | None = None
        self._said: set[str] = set()  # problems and notes already shown (each is said once)
        self._lines: list[tuple[str, str]] = []  # what the strip says now (re-rendered on a language switch)
        self.teach: TeachDialog | None = None
        self.my_signs: MySignsDialog | None = None
        self.learn: LearnDialog | None = None
        self.priming: threading.Thread | None = None  # the last `prime_in_background`
        window.pipeline.personal_changed.connect(self.on_status)
        window.actions["teach_sign"].triggered.connect(lambda: self.show_teach())
        window.actions["my_signs"].triggered.connect(self.show_my_signs)
        window.actions["learn"].triggered.connect(self.show_learn)

    # -- what the worker found ----------------------------------------------------------------
    def on_status(self, status: PersonalStatus) -> None:
        self.status = status
        new = [p for p in status.problems if p not in self._said]
        if not new:
            return
        self._said.update(new)
        self._lines = [("problems", "")] + [("line", p) for p in new]
        self._render()

    def _render(self) -> None:
        if not self._lines:
            return
        text = {"problems": lambda _: tr("personal_problems"), "line": lambda p: "• " + isolate(p)}
        self.notice.say([text[kind](p) for kind, p in self._lines])

    @property
    def teaching(self) -> bool:
        """The Teach or Learn dialog is open: the signs made now are examples or attempts, not a
        sentence for the transcript."""
        return any(d is not None and d.isVisible() for d in (self.teach, self.learn))

    # -- dialogs ------------------------------------------------------------------------------
    def show_teach(self, adding_to=None) -> TeachDialog:
        """Teach a sign; with `adding_to` (a PersonalSign), record more of one's own examples of it."""
        if self.teach is None:
            w = self.window
            self.teach = TeachDialog(w.controller, w.labels, parent=w)
            self.teach.teach.saved.connect(self._on_saved)
        if not self.teach.isVisible() or adding_to is not None:
            self.teach.add_to(adding_to)
        self.teach.show()
        self.teach.raise_()
        self.teach.activateWindow()
        return self.teach

    def _prime(self, store: PersonalStore) -> None:
        classifier = self.window.controller.classifier
        if classifier is not None:
            self.priming = prime_in_background(store, classifier)

    def store_changed(self, store: PersonalStore) -> None:
        """The window wrote examples (Teach, a correction): embed them ahead, show them in the open dialogs."""
        self._prime(store)
        if self.my_signs is not None and self.my_signs.isVisible():
            self.my_signs.reload()
        if self.learn is not None:
            self.learn.reload()

    def _on_saved(self, _sign) -> None:
        self.store_changed(self.teach.teach.store)

    def show_learn(self) -> LearnDialog:
        """Learn signs: practise a deck, each attempt scored against the sign's references."""
        if self.learn is None:
            self.learn = LearnDialog(self.window.controller, self.window.labels, parent=self.window)
        else:
            self.learn.reload()  # the model or the personal signs may have changed
        self.learn.show()
        self.learn.raise_()
        self.learn.activateWindow()
        return self.learn

    def show_my_signs(self) -> MySignsDialog:
        if self.my_signs is None:
            self.my_signs = MySignsDialog(self.window.labels, parent=self.window)
            self.my_signs.record_yourself.connect(self.show_teach)
            self.my_signs.imported.connect(lambda: self._prime(self.my_signs.store))
        else:
            self.my_signs.reload()
        self.my_signs.show()
        self.my_signs.raise_()
        self.my_signs.activateWindow()
        return self.my_signs

    def retranslate(self) -> None:
        for dialog in (self.teach, self.my_signs, self.learn):
            if dialog is not None:
                dialog.retranslate()
        if self.notice.isVisible():
            self._render()
