"""The "Learn signs" dialog: widgets only; `learn.LearnController` holds decks, attempts and progress.

Leading side: the deck and its signs, those that need practice first, with best and last score.
Trailing side: the sign's names; the source and the Try button with the 3-2-1 countdown; then
either the reference as a moving skeleton (watch) or, once an attempt is scored, the score (big,
green when passed, red when not), the feedback in the interface language, and the attempt and the
reference replayed side by side in step with the part that differed most tinted red. "Slower"
(half speed) and "Mirror" (for left-handed learners) apply to every replay. Not modal: the main
window keeps showing the video.
"""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from arsl_desktop.core.decks import build_decks
from arsl_desktop.core.personal_store import PersonalStore
from arsl_desktop.core.practice import PASS_MARK
from arsl_desktop.core.progress import ProgressStore, pass_rate
from arsl_desktop.ui.fonts import arabic_font
from arsl_desktop.ui.i18n import isolate, language, tr, tr_n
from arsl_desktop.ui.learn import Attempt, LearnController, LearnState
from arsl_desktop.ui.learn_replay import SLOW, PracticeSkeleton, StepReplay
from arsl_desktop.ui.teach_dialog import source_name

PASS_COLOUR, FAIL_COLOUR, WAIT_COLOUR = "#2f855a", "#c53030", "#b7791f"
DECK_NAMES = {"all": "deck_all", "numbers": "deck_numbers", "letters": "deck_letters", "words": "deck_words",
              "mine": "deck_mine"}  # core.decks ids -> i18n keys


class LearnDialog(QDialog):
    def __init__(self, run, labels, store: PersonalStore | None = None, learn: LearnController | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("learnDialog")
        self.run = run  # controller.RunController: the running source, its model and its segments
        self.labels = labels
        self.store = store or PersonalStore()
        self.learn = learn or LearnController(ProgressStore(), parent=self)
        self.learn.setParent(self)
        # the deck and its signs
        self.deck_label = QLabel()
        self.deck = QComboBox(objectName="learnDeck")
        self.table = QTableWidget(0, 4, objectName="learnSigns")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.summary = QLabel(objectName="learnSummary")
        left = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(self.deck_label)
        row.addWidget(self.deck, 1)
        left.addLayout(row)
        left.addWidget(self.table, 1)
        left.addWidget(self.summary)
        # the sign, the source, the attempt
        self.word = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, objectName="learnWord")
        self.word.setFont(arabic_font(26))
        self.gloss = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, objectName="learnGloss")
        self.gloss.setStyleSheet("font-size: 12pt;")
        self.source = QLabel(wordWrap=True, objectName="learnSource")
        self.start_button = QPushButton(objectName="learnStartSource")
        self.prompt = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True, objectName="learnPrompt")
        self.prompt.setMinimumHeight(48)
        self.try_button = QPushButton(objectName="learnTry")
        self.next_button = QPushButton(objectName="learnNext")
        self.slower = QCheckBox(objectName="learnSlower")
        self.mirror = QCheckBox(objectName="learnMirror")
        # watch: the reference
        self.watch_title = QLabel()
        self.reference = PracticeSkeleton(self)
        self.reference.setObjectName("learnReference")
        watch = QWidget()
        wl = QVBoxLayout(watch)
        wl.setContentsMargins(0, 0, 0, 0)
        wl.addWidget(self.watch_title)
        wl.addWidget(self.reference, 1)
        # scored: the score, the feedback, the attempt beside the reference
        self.score = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, objectName="learnScore")
        self.verdict = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, objectName="learnVerdict")
        self.history = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, objectName="learnHistory")
        self.feedback = QLabel(wordWrap=True, objectName="learnFeedback")
        self.feedback.setTextFormat(Qt.TextFormat.PlainText)
        self.worst = QLabel(wordWrap=True, objectName="learnWorst")
        self.worst.setStyleSheet("color: #c53030;")
        self.step = StepReplay(self)
        result = QWidget()
        rl = QVBoxLayout(result)
        rl.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.score)
        verdict = QVBoxLayout()
        verdict.addWidget(self.verdict)
        verdict.addWidget(self.history)
        top.addLayout(verdict, 1)
        rl.addLayout(top)
        rl.addWidget(self.feedback)
        rl.addWidget(self.step, 1)
        rl.addWidget(self.worst)
        self.pages = QStackedWidget(objectName="learnPages")
        self.pages.addWidget(watch)
        self.pages.addWidget(result)
        right = QVBoxLayout()
        right.addWidget(self.word)
        right.addWidget(self.gloss)
        src = QHBoxLayout()
        src.addWidget(self.source, 1)
        src.addWidget(self.start_button)
        right.addLayout(src)
        right.addWidget(self.prompt)
        buttons = QHBoxLayout()
        buttons.addWidget(self.try_button, 1)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.slower)
        buttons.addWidget(self.mirror)
        right.addLayout(buttons)
        right.addWidget(self.pages, 1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 1)
        self.progress_note = QLabel(wordWrap=True, objectName="learnProgressNote")  # progress not read / saved
        self.progress_note.setStyleSheet("color: #5a3300; background: #fff4e0; border: 1px solid #e2a24a; "
                                         "border-radius: 6px; padding: 4px;")
        self.progress_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress_note.hide()
        self.message = QLabel(wordWrap=True, objectName="learnMessage")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton()
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress_note)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)
        self._connect()
        self.retranslate()
        self.reload()
        self._show_progress_problem()
        self.resize(1000, 760)

    def _connect(self) -> None:
        c = self.learn
        self.deck.activated.connect(lambda i: c.choose_deck(self.deck.itemData(i)))
        self.table.itemSelectionChanged.connect(self._on_row_picked)
        self.start_button.clicked.connect(self.run.retry)
        self.try_button.clicked.connect(self._try_or_cancel)
        self.next_button.clicked.connect(c.next_card)
        self.slower.toggled.connect(self._set_speed)
        self.mirror.toggled.connect(self._set_mirror)
        self.close_button.clicked.connect(self.close)
        c.decks_changed.connect(self._fill_decks)
        c.order_changed.connect(self._fill_signs)
        c.card_changed.connect(self._on_card)
        c.state_changed.connect(lambda *_: self._refresh())
        c.countdown.connect(lambda *_: self._refresh())
        c.scored.connect(self._on_scored)
        c.notice.connect(lambda key: self._say(tr(key), error=True))
        c.problem.connect(self._on_problem)
        self.run.pipeline.segment_closed.connect(c.on_segment)
        self.run.run_changed.connect(self._on_run_changed)

    # -- decks and signs ------------------------------------------------------------------------
    def reload(self) -> None:
        """Build the decks again: the model's signs and the personal signs now."""
        classifier = self.run.classifier
        ids = list(classifier.class_ids) if classifier is not None else []
        self.learn.set_decks(build_decks(self.labels, ids, self.store.load().signs))
        if not self.learn.decks:
            self._say(tr("learn_no_decks"), error=True)

    def pick_deck(self, deck_id: str) -> bool:
        ok = self.learn.choose_deck(deck_id)
        self._fill_decks()
        return ok

    def pick(self, key: str) -> bool:
        return self.learn.choose(key)

    def _fill_decks(self) -> None:
        self.deck.blockSignals(True)
        self.deck.clear()
        for d in self.learn.decks:
            self.deck.addItem(f"{tr(DECK_NAMES[d.id])} ({tr_n('signs', len(d.cards))})", d.id)
        current = self.learn.deck.id if self.learn.deck is not None else None
        self.deck.setCurrentIndex(max(0, self.deck.findData(current)))
        self.deck.blockSignals(False)

    def _fill_signs(self) -> None:
        c = self.learn
        cards = c.ordered()
        self.table.blockSignals(True)
        self.table.setRowCount(len(cards))
        big = arabic_font(13)
        for row, card in enumerate(cards):
            p = c.progress.get(card.key)
            items = [QTableWidgetItem(card.ar), QTableWidgetItem(card.en),
                     QTableWidgetItem(f"{p.best:.0f}" if p else tr("not_tried")),
                     QTableWidgetItem(f"{p.last:.0f}" if p else "")]
            items[0].setFont(big)
            items[0].setData(Qt.ItemDataRole.UserRole, card.key)
            tip = card.label  # the whole name, however narrow the columns
            if p is not None:
                when = _dt.datetime.fromisoformat(p.last_date).strftime("%Y-%m-%d %H:%M")
                tip += "\n" + tr("learn_row_tip", attempts=tr_n("attempts", p.attempts), date=when)
                items[3].setForeground(Qt.GlobalColor.darkGreen if p.last_passed else Qt.GlobalColor.red)
            for col, item in enumerate(items):
                item.setToolTip(tip)
                if col > 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)
        self._select_current()
        self.table.blockSignals(False)
        self.table.setHorizontalHeaderLabels([tr("col_ar"), tr("col_en"), tr("col_best"), tr("col_last")])
        passed, _ = pass_rate(c.progress.entries, [x.key for x in cards])
        self.summary.setText(tr("learn_passed_of", passed=passed, signs=tr_n("signs", len(cards))))

    def row_keys(self) -> list[str]:
        return [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.table.rowCount())]

    def _select_current(self) -> None:
        key = self.learn.card.key if self.learn.card is not None else None
        keys = self.row_keys()
        if key in keys:
            self.table.selectRow(keys.index(key))
            self.table.scrollToItem(self.table.item(keys.index(key), 0))
        else:
            self.table.clearSelection()

    def _on_row_picked(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.learn.choose(self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    # -- the sign and the attempt ------------------------------------------------------------------
    def _on_card(self) -> None:
        c = self.learn
        self.table.blockSignals(True)
        self._select_current()
        self.table.blockSignals(False)
        card = c.card
        self.word.setText((card.ar or card.en) if card else "")
        self.gloss.setText(card.en if card and card.ar else "")
        self.reference.play(c.references[0].keypoints() if c.references else [])
        self.step.clear()
        self.pages.setCurrentIndex(0)
        self._say("")
        self._refresh()

    def _try_or_cancel(self) -> None:
        if self.learn.state in (LearnState.COUNTDOWN, LearnState.WAITING):
            self.learn.cancel()
        else:
            self._say("")
            self.pages.setCurrentIndex(0)  # watch the reference during the countdown
            self.learn.attempt()

    def _on_scored(self, a: Attempt) -> None:
        r = a.result
        colour = PASS_COLOUR if r.passed else FAIL_COLOUR
        self.score.setText(tr("learn_score", score=r.score))
        self.score.setStyleSheet(f"font-size: 34pt; font-weight: bold; color: {colour};")
        self.verdict.setText(tr("learn_passed") if r.passed else tr("learn_failed"))
        self.verdict.setStyleSheet(f"font-size: 15pt; font-weight: bold; color: {colour};")
        self.history.setText(tr("learn_history", attempts=tr_n("attempts", a.progress.attempts),
                                best=a.progress.best) + " · " + tr("learn_pass_mark", mark=PASS_MARK))
        lines = [f"• {f.text_ar if language() == 'ar' else f.text_en}" for f in r.feedback]
        self.feedback.setText("\n".join(lines) if lines else tr("learn_feedback_none"))
        self.worst.setText(tr("learn_worst", start=r.worst[0], end=r.worst[1]) if r.worst else "")
        self.step.play(a.example, a.reference, r.path, r.worst)
        self.step.set_speed(SLOW if self.slower.isChecked() else 1.0)
        self.step.set_mirror(self.mirror.isChecked())
        self.pages.setCurrentIndex(1)

    def _set_speed(self, slow: bool) -> None:
        for view in (self.reference, self.step):
            view.set_speed(SLOW if slow else 1.0)

    def _set_mirror(self, on: bool) -> None:
        self.reference.mirror = on
        self.reference.update()
        self.step.set_mirror(on)

    def _on_run_changed(self) -> None:
        self.learn.on_source_running(self.run.running)
        self._refresh()

    def _refresh(self) -> None:
        c, state = self.learn, self.learn.state
        running = self.run.running
        name = source_name(self.run.source_spec, self.run.settings.camera)
        self.source.setText(tr("teach_source", name=name) if running else tr("teach_no_source"))
        self.start_button.setVisible(not running and self.run.classifier is not None)
        self.start_button.setText(tr("start_source", name=name))
        busy = state in (LearnState.COUNTDOWN, LearnState.WAITING)
        self.try_button.setText(tr("learn_cancel") if busy else tr("learn_try_again") if state is LearnState.SCORED
                                else tr("learn_try"))
        self.try_button.setEnabled(busy or (running and c.can_attempt))
        self.next_button.setEnabled(not busy and c.deck is not None and len(c.deck.cards) > 1)
        prompt = {LearnState.COUNTDOWN: tr("teach_get_ready", n=c.count), LearnState.WAITING: tr("teach_sign_now"),
                  LearnState.SCORED: tr("learn_scored")}
        self.prompt.setText(prompt.get(state, tr("learn_idle")))
        colour = {LearnState.COUNTDOWN: WAIT_COLOUR, LearnState.WAITING: PASS_COLOUR}.get(state, "palette(text)")
        self.prompt.setStyleSheet(f"font-size: {24 if busy else 11}pt; font-weight: bold; color: {colour};")

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {FAIL_COLOUR if error else PASS_COLOUR};")

    def _on_problem(self, key: str, detail: str) -> None:
        text = tr(key, detail=isolate(detail))
        if key.startswith("progress_"):
            self.progress_note.setText(text)
            self.progress_note.show()
        else:
            self._say(text, error=True)

    def _show_progress_problem(self) -> None:
        """Progress that could not be read is said above everything until the dialog closes."""
        p = self.learn.progress
        if p.damaged_copy is not None:
            self.progress_note.setText(tr("progress_damaged", path=isolate(str(p.damaged_copy))))
        elif p.problem:
            self.progress_note.setText(tr("progress_unreadable", detail=isolate(p.problem)))
        self.progress_note.setVisible(bool(p.problem))

    def retranslate(self) -> None:
        self.setWindowTitle(tr("learn_title"))
        self.deck_label.setText(tr("learn_deck"))
        self.watch_title.setText(tr("learn_watch"))
        self.slower.setText(tr("learn_slower"))
        self.mirror.setText(tr("learn_mirror"))
        self.next_button.setText(tr("learn_next"))
        self.step.attempt_caption.setText(tr("learn_you"))
        self.step.reference_caption.setText(tr("learn_reference"))
        self.close_button.setText(tr("close"))
        self._show_progress_problem()
        self._fill_decks()
        self._fill_signs()
        if self.learn.last is not None:
            self._on_scored(self.learn.last)
        self._refresh()

    def closeEvent(self, event) -> None:
        self.learn.close()
        self.reference.stop()
        self.step.stop()
        super().closeEvent(event)
