"""The "Teach a sign" dialog: widgets only; `teach.TeachController` records and saves.

Left: what to teach (a KArSL sign picked from the searchable table, or a new word with Arabic
and English names). Right: how many examples, the source being recorded from (or a button that
starts the last one), the camera check ("get ready": the camera coach's hint or "ready", until
the user is asked to sign), the countdown / "sign now" prompt, the examples with a skeleton replay,
Keep / Redo, and Save. The dialog is not modal: the main window keeps showing the video.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from arsl_desktop.core.labels import LabelTable
from arsl_desktop.core.personal_store import PersonalSign, PersonalStore
from arsl_desktop.ui.coach_hint import check_text
from arsl_desktop.ui.fonts import arabic_font
from arsl_desktop.ui.i18n import isolate, tr, tr_n
from arsl_desktop.ui.signs_dialog import SignsTable
from arsl_desktop.ui.skeleton_view import SkeletonReplay
from arsl_desktop.ui.teach import MAX_EXAMPLES, MIN_EXAMPLES, Target, TeachController, TeachState

PROMPT_STYLE = {  # state -> colour of the big prompt
    "countdown": "#b7791f", "waiting": "#2f855a", "review": "#2b6cb0", "idle": "palette(text)",
    "complete": "#2f855a",
}


def source_name(spec: int | Path | None, camera: int) -> str:
    spec = camera if spec is None else spec
    return tr("camera_n", n=spec) if isinstance(spec, int) else isolate(Path(spec).name)


class TeachDialog(QDialog):
    def __init__(self, run, labels: LabelTable, store: PersonalStore | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teachDialog")
        self.run = run  # controller.RunController: the running source and its segments
        self.labels = labels
        self.teach = TeachController(store, self)
        self.notice_key: str | None = None
        # what to teach
        self.known = QRadioButton(objectName="teachKnown")
        self.new = QRadioButton(objectName="teachNew")
        self.kind = QButtonGroup(self)
        self.kind.addButton(self.known)
        self.kind.addButton(self.new)
        self.signs = SignsTable(labels, [s.id for s in labels], self)
        self.signs.table.hideColumn(3)  # the category: room for the names in a narrow column
        header = self.signs.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.ar_name = QLineEdit(objectName="teachArabic")
        self.ar_name.setFont(arabic_font(14))
        self.ar_name.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.en_name = QLineEdit(objectName="teachEnglish")
        self.en_name.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.names = QFormLayout()
        self.ar_label, self.en_label = QLabel(), QLabel()
        self.names.addRow(self.ar_label, self.ar_name)
        self.names.addRow(self.en_label, self.en_name)
        self.what = QGroupBox()
        left = QVBoxLayout(self.what)
        left.addWidget(self.known)
        left.addWidget(self.signs, 1)
        left.addWidget(self.new)
        left.addLayout(self.names)
        # recording
        self.count_label = QLabel()
        self.wanted = QSpinBox(minimum=MIN_EXAMPLES, maximum=MAX_EXAMPLES, value=self.teach.wanted)
        self.source = QLabel(wordWrap=True, objectName="teachSource")
        self.start_button = QPushButton(objectName="teachStartSource")
        self.camera_check = QLabel(wordWrap=True, objectName="teachCameraCheck")
        self.prompt = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True, objectName="teachPrompt")
        self.prompt.setMinimumHeight(64)
        self.record_button = QPushButton(objectName="teachRecord")
        self.keep_button = QPushButton(objectName="teachKeep")
        self.redo_button = QPushButton(objectName="teachRedo")
        self.remove_button = QPushButton(objectName="teachRemove")
        self.examples = QListWidget(objectName="teachExamples")
        self.replay = SkeletonReplay(self)
        self.message = QLabel(wordWrap=True, objectName="teachMessage")
        self.save_button = QPushButton(objectName="teachSave")
        self.close_button = QPushButton()
        right = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(self.count_label)
        row.addWidget(self.wanted)
        row.addStretch()
        right.addLayout(row)
        src = QHBoxLayout()
        src.addWidget(self.source, 1)
        src.addWidget(self.start_button)
        right.addLayout(src)
        right.addWidget(self.camera_check)
        right.addWidget(self.prompt)
        buttons = QHBoxLayout()
        for b in (self.record_button, self.keep_button, self.redo_button):
            buttons.addWidget(b)
        right.addLayout(buttons)
        right.addWidget(self.replay, 3)
        right.addWidget(self.examples, 2)
        right.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeading)
        body = QHBoxLayout()
        body.addWidget(self.what, 1)
        body.addLayout(right, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)
        self._connect()
        self.new.setChecked(True)
        self.retranslate()
        self.resize(820, 700)

    def _connect(self) -> None:
        t = self.teach
        self.kind.buttonToggled.connect(lambda *_: self._refresh())
        self.signs.picked.connect(lambda *_: self._refresh())
        self.en_name.textChanged.connect(lambda *_: self._refresh())
        self.wanted.valueChanged.connect(t.set_wanted)
        self.start_button.clicked.connect(self.run.retry)
        self.record_button.clicked.connect(self._record_or_cancel)
        self.keep_button.clicked.connect(t.keep)
        self.redo_button.clicked.connect(t.redo)
        self.remove_button.clicked.connect(lambda: t.remove(self.examples.currentRow()))
        self.examples.currentRowChanged.connect(self._show_example)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.close)
        t.state_changed.connect(lambda *_: self._refresh())
        t.countdown.connect(lambda *_: self._refresh())
        t.examples_changed.connect(self._fill_examples)
        t.notice.connect(self._on_notice)
        t.saved.connect(self._on_saved)
        t.save_failed.connect(lambda detail: self._say(tr("teach_save_failed", detail=isolate(detail)), error=True))
        self.run.pipeline.segment_closed.connect(t.on_segment)
        self.run.run_changed.connect(self._on_run_changed)
        self.run.coach_checked.connect(lambda *_: self._show_camera_check())

    # -- what the user asked ----------------------------------------------------------------
    def add_to(self, sign: PersonalSign | None) -> None:
        """Record more examples of an existing personal sign ("record yourself once"), or (None)
        teach a sign of the user's choice."""
        self.teach.add_to(sign)
        self.wanted.setMinimum(self.teach.min_wanted)
        self.wanted.setValue(self.teach.wanted)
        self.what.setEnabled(sign is None)
        self.retranslate()

    def target(self) -> Target | None:
        sign = self.teach.adding_to
        if sign is not None:
            return Target(sign.en, sign.ar, sign.karsl_id)
        if self.known.isChecked():
            sign_id = self.signs.selected_id()
            if sign_id is None:
                return None
            sign = self.labels[sign_id]
            return Target(sign.en, sign.ar, sign.id)
        return Target(self.en_name.text().strip(), self.ar_name.text().strip(), None)

    def _record_or_cancel(self) -> None:
        if self.teach.state in (TeachState.COUNTDOWN, TeachState.WAITING):
            self.teach.cancel()
        else:
            self._say("")
            self.teach.record()

    def save(self) -> PersonalSign | None:
        missing = self.teach.missing(self.target())
        if missing is not None:
            self._say(tr(missing, n=tr_n("examples", self.teach.wanted)), error=True)
            return None
        return self.teach.save(self.target())

    # -- what the controller says -----------------------------------------------------------
    def _on_run_changed(self) -> None:
        self.teach.on_source_running(self.run.running)
        self._refresh()

    def _on_notice(self, key: str) -> None:
        self._say(tr(key), error=True)

    def _on_saved(self, sign: PersonalSign) -> None:
        self._say(tr("teach_saved", name=sign.ar or sign.en, examples=tr_n("examples", len(sign.examples))))
        self.ar_name.clear()
        self.en_name.clear()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c53030;" if error else "color: #2f855a;")

    def _fill_examples(self) -> None:
        t = self.teach
        self.examples.clear()
        rows = list(t.kept) + ([t.pending] if t.pending is not None else [])
        for i, ex in enumerate(rows, 1):
            text = tr("example_row", i=i, seconds=float(ex.times[-1]) if ex.frames else 0.0, frames=tr_n("frames", ex.frames))
            if ex is t.pending:
                text += " " + tr("example_pending")
            self.examples.addItem(text)
        if rows:
            self.examples.setCurrentRow(len(rows) - 1)  # the newest: replay it
        else:
            self.replay.play([])
        self._refresh()

    def _show_example(self, row: int) -> None:
        t = self.teach
        rows = list(t.kept) + ([t.pending] if t.pending is not None else [])
        self.replay.play(rows[row].keypoints() if 0 <= row < len(rows) else [])
        self._show_remove_state()

    def _refresh(self) -> None:
        t, state = self.teach, self.teach.state
        known = self.known.isChecked()
        self.signs.setEnabled(known)
        for w in (self.ar_name, self.en_name, self.ar_label, self.en_label):
            w.setEnabled(not known)
        running = self.run.running
        self.source.setText(tr("teach_source", name=source_name(self.run.source_spec, self.run.settings.camera))
                            if running else tr("teach_no_source"))
        self.start_button.setVisible(not running and self.run.classifier is not None)
        self.start_button.setText(tr("start_source", name=source_name(self.run.source_spec,
                                                                       self.run.settings.camera)))
        busy = state in (TeachState.COUNTDOWN, TeachState.WAITING)
        more = len(t.kept) < t.wanted
        self.record_button.setText(tr("cancel_recording") if busy else
                                   tr("record_example", i=min(len(t.kept) + 1, t.wanted), n=t.wanted) if more
                                   else tr("all_recorded"))
        self.record_button.setEnabled(busy or (running and more and state is not TeachState.REVIEW))
        self.keep_button.setEnabled(state is TeachState.REVIEW)
        self.redo_button.setEnabled(state is TeachState.REVIEW)
        self.wanted.setEnabled(not busy)
        self.save_button.setEnabled(state is TeachState.COMPLETE)
        prompt = {TeachState.COUNTDOWN: tr("teach_get_ready", n=t.count), TeachState.WAITING: tr("teach_sign_now"),
                  TeachState.REVIEW: tr("teach_review"), TeachState.COMPLETE: tr("teach_ready_to_save")}
        self.prompt.setText(prompt.get(state, tr("teach_idle")))
        size = 26 if busy else 13
        self.prompt.setStyleSheet(f"font-size: {size}pt; font-weight: bold; color: {PROMPT_STYLE[state.value]};")
        self._show_camera_check()
        self._show_remove_state()

    def _show_camera_check(self) -> None:
        """Before the user is asked to sign: is the signer well placed and lit (the camera coach)?"""
        run = self.run
        shown = run.running and self.teach.state is not TeachState.WAITING
        self.camera_check.setVisible(shown)
        if shown:
            ready = run.coach_seen and run.coach_check is None
            self.camera_check.setText(check_text(run.coach_check, run.coach_seen))
            colour = "#2f855a" if ready else "#b7791f" if run.coach_seen else "palette(text)"
            self.camera_check.setStyleSheet(f"font-weight: bold; color: {colour};")

    def _show_remove_state(self) -> None:
        row = self.examples.currentRow()
        self.remove_button.setEnabled(0 <= row < len(self.teach.kept) and self.teach.state not in (
            TeachState.COUNTDOWN, TeachState.WAITING))

    def retranslate(self) -> None:
        sign = self.teach.adding_to
        self.setWindowTitle(tr("teach_title") if sign is None else tr("record_yourself_title", name=sign.label))
        self.what.setTitle(tr("teach_what"))
        self.known.setText(tr("teach_known"))
        self.new.setText(tr("teach_new"))
        self.ar_label.setText(tr("name_ar"))
        self.en_label.setText(tr("name_en"))
        self.count_label.setText(tr("examples_wanted"))
        self.keep_button.setText(tr("keep"))
        self.redo_button.setText(tr("redo"))
        self.remove_button.setText(tr("remove_example"))
        self.save_button.setText(tr("save_sign"))
        self.close_button.setText(tr("close"))
        self.signs.retranslate()
        self._fill_examples()

    def closeEvent(self, event) -> None:
        self.teach.cancel()
        self.replay.stop()
        super().closeEvent(event)
