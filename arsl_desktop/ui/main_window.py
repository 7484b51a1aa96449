"""The main window: assembles the video, prediction panel, transcript and controls, and shows
what `RunController` (model, source, run, messages) says. No run logic lives here.

Every way of ending a run (stop, switch camera, open a video, change the model, close the
window) goes through the controller and so through `Pipeline.stop()`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from arsl_desktop import paths
from arsl_desktop.core.labels import LabelTable
from arsl_desktop.core.recognizer import SignResult
from arsl_desktop.ui import i18n
from arsl_desktop.ui.actions import WindowActions
from arsl_desktop.ui.cameras import CameraPicker
from arsl_desktop.ui.controller import RunController
from arsl_desktop.ui.correction_ui import CorrectionUi
from arsl_desktop.ui.dialogs import shortcuts_box, warning_box
from arsl_desktop.ui.i18n import isolate, tr
from arsl_desktop.ui.messages import ViewMessage
from arsl_desktop.ui.options import OptionsBinder
from arsl_desktop.ui.personal_ui import PersonalUi
from arsl_desktop.ui.prediction_panel import PredictionPanel
from arsl_desktop.ui.saving import TranscriptSaver
from arsl_desktop.ui.settings import AppSettings
from arsl_desktop.ui.signs_dialog import SignsDialog
from arsl_desktop.ui.speech import Speaker
from arsl_desktop.ui.status import StatusPanel
from arsl_desktop.ui.transcript import TranscriptPanel
from arsl_desktop.ui.video_view import VideoView

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    sign_shown = Signal(object)  # every SignResult the panel showed (accepted or not)

    def __init__(self, settings: AppSettings, model_path: Path | None = None, labels: LabelTable | None = None,
                 language: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.controller = RunController(settings, labels, self)
        self.pipeline = self.controller.pipeline
        self.labels = self.controller.labels
        self._close_confirmed = False
        self.speaker = Speaker(self)
        self.video = VideoView()
        self.prediction = PredictionPanel()
        self.prediction.setFixedWidth(340)
        self.transcript = TranscriptPanel()
        self.actions = WindowActions(self)
        self.cameras = CameraPicker(self.actions.camera_combo, settings.camera, self)
        self.personal = PersonalUi(self)  # Teach a sign, My signs, and what the store says
        self.correction = CorrectionUi(self)  # "Not this sign?": a wrong name corrected into My signs
        left = QVBoxLayout()
        left.addWidget(self.personal.notice)
        left.addWidget(self.video, 1)
        left.addWidget(self.transcript)
        row = QHBoxLayout()
        row.addLayout(left, 1)
        row.addWidget(self.prediction)
        central = QWidget()
        central.setLayout(row)
        self.setCentralWidget(central)
        self.status = StatusPanel(self.statusBar())
        self.saver = TranscriptSaver(self, self.transcript.transcript, self.statusBar())
        self._connect()
        self.options = OptionsBinder(self.actions, settings, self.video, self.controller, self.speaker,
                                     self.statusBar())
        self.options.restore()
        self._on_transcript_changed()
        i18n.set_language(language or settings.language or i18n.system_language())
        self._apply_language()
        self.controller.load_initial_model(model_path)
        if settings.geometry is not None:
            self.restoreGeometry(QByteArray(settings.geometry))
        else:
            self.resize(1180, 760)
        if settings.problem or not settings.sync():  # said once, in a box that does not block the window
            self.saver.last_error_box = warning_box(self, tr("app_title"),
                                                    tr("settings_problem", detail=isolate(settings.problem or "")))

    # -- construction -------------------------------------------------------------------------
    def _connect(self) -> None:
        a, c = self.actions, self.controller
        for name, slot in (("open_video", self.choose_video), ("choose_model", self.choose_model),
                           ("save_transcript", self.save_transcript_dialog), ("quit", self.close),
                           ("start_pause", c.start_or_pause), ("stop", c.stop), ("retry", c.retry),
                           ("refresh_cameras", self.cameras.refresh), ("undo", self.transcript.undo),
                           ("clear", self.transcript.clear), ("copy", self.transcript.copy),
                           ("signs_list", self.show_signs), ("shortcuts", self.show_shortcuts)):
            a[name].triggered.connect(slot)
        a["lang_ar"].triggered.connect(lambda: self.set_language("ar"))
        a["lang_en"].triggered.connect(lambda: self.set_language("en"))
        a["toggle_language"].triggered.connect(lambda: self.set_language("en" if i18n.language() == "ar" else "ar"))
        self.cameras.chosen.connect(c.start_camera)
        self.transcript.save_requested.connect(self.save_transcript_dialog)
        self.transcript.changed.connect(self._on_transcript_changed)
        self.transcript.copied.connect(lambda: self.statusBar().showMessage(tr("copied"), 3000))
        panel = self.video.panel
        panel.retry.connect(c.retry)
        panel.choose_model.connect(self.choose_model)
        panel.open_video.connect(self.choose_video)
        c.message_changed.connect(self.video.show_view_message)
        c.run_changed.connect(self._update_status)
        c.frame_shown.connect(self._on_frame)
        c.frame_cleared.connect(self._on_frame_cleared)
        c.state_changed.connect(self.prediction.set_state)
        c.sign_shown.connect(self._on_sign_shown)
        c.sign_accepted.connect(self._on_sign_accepted)
        c.model_refused.connect(self._on_model_refused)
        c.source_shown.connect(self._on_source_shown)
        c.coach_changed.connect(self.video.show_hint)

    # -- language -----------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        """Switch the interface language now (and remember the choice); Arabic mirrors the layout."""
        i18n.set_language(lang)
        self.settings.language = lang
        self._apply_language()

    def _apply_language(self) -> None:
        lang = i18n.language()
        direction = Qt.LayoutDirection.RightToLeft if lang == "ar" else Qt.LayoutDirection.LeftToRight
        QApplication.setLayoutDirection(direction)
        self.setLayoutDirection(direction)
        self.setWindowTitle(tr("app_title"))
        self.actions[f"lang_{lang}"].setChecked(True)
        self.actions.retranslate(self.controller.running, self.controller.paused)
        if not self.speaker.available:
            self.actions["speak"].setToolTip(self.speaker.unavailable_text())
        self.prediction.retranslate()
        self.transcript.retranslate()
        self.personal.retranslate()
        self.correction.retranslate()
        self.cameras.refresh()
        self.options.apply_threshold()
        self._update_status()
        self.video.show_view_message(self.controller.message)
        self.video.show_hint(self.controller.coach_hint)

    # -- model and sources (the controller does the work) ------------------------------------------
    @property
    def last_error_box(self) -> QMessageBox | None:
        return self.saver.last_error_box

    def _on_model_refused(self, message: ViewMessage, keeps_old: bool) -> None:
        info = message.detail_text()
        if keeps_old:
            info = f"{tr('keeps_old_model')}\n\n{info}"
        self.saver.last_error_box = warning_box(self, tr("model_not_loaded"), message.text(), info)

    def choose_model(self) -> None:
        c = self.controller.classifier
        start = str(c.path.parent) if c else str(paths.models_dir())
        path, _ = QFileDialog.getOpenFileName(self, tr("choose_model"), start, tr("models_filter"))
        if path:
            self.controller.load_model(Path(path))

    def choose_video(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("open_video"), self.settings.video_dir, tr("videos_filter"))
        if path:
            self.controller.open_video(Path(path))

    def _on_source_shown(self, spec: int | Path) -> None:
        if isinstance(spec, int):
            self.cameras.show_camera(spec)
        else:
            self.cameras.show_video(Path(spec).name)
        self.actions["loop"].setChecked(self.controller.loop)

    # -- what the controller reports ---------------------------------------------------------------
    def _on_frame(self, item) -> None:
        self.status.frame_done(item.grabbed_at)
        self.video.set_frame(item.frame, item.result.keypoints)

    def _on_frame_cleared(self) -> None:
        self.video.clear_frame()
        self.status.reset_rates()

    def _on_sign_shown(self, result: SignResult) -> None:
        self.prediction.show_result(result)
        self.correction.controller.show(result)
        self.sign_shown.emit(result)

    def _on_sign_accepted(self, result: SignResult) -> None:
        if self.personal.teaching:
            return  # examples for the Teach dialog, not words of a sentence
        self.transcript.add(result.best.sign)
        self.correction.controller.added_to_transcript(result)
        if self.actions["speak"].isChecked() and not self.speaker.say_sign(result.best.sign.ar, result.best.sign.en):
            self.options.speech_failed()

    def _on_transcript_changed(self) -> None:
        has = len(self.transcript.transcript) > 0
        for name in ("undo", "clear", "copy", "save_transcript"):
            self.actions[name].setEnabled(has)

    def _update_status(self) -> None:
        self.actions.set_running(self.controller.running, self.controller.paused)
        self.status.show_run(self.controller)

    # -- transcript, dialogs ----------------------------------------------------------------------
    def save_transcript(self, path: Path) -> bool:
        return self.saver.save(path)

    def save_transcript_dialog(self) -> bool:
        return self.saver.save_dialog()

    def signs_dialog(self) -> SignsDialog | None:
        c = self.controller.classifier
        return SignsDialog(self.labels, c.class_ids, self) if c is not None else None

    def show_signs(self) -> None:
        dialog = self.signs_dialog()
        if dialog is None:
            self.controller.show(ViewMessage("err_model_not_found", choose_model=True))
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_shortcuts(self) -> None:
        shortcuts_box(self, self.actions.shortcut_rows())

    # -- shutdown -------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop every thread this window started (idempotent) and keep the window's geometry."""
        self.controller.shutdown()
        self.settings.geometry = bytes(self.saveGeometry())

    def terminate(self) -> Path | None:
        """SIGTERM: no one can answer a question, so unsaved signs are autosaved; then close."""
        saved = self.saver.autosave()
        self._close_confirmed = True
        self.close()
        return saved

    def _close_now(self) -> None:
        self._close_confirmed = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.transcript.transcript.unsaved and not self._close_confirmed:
            event.ignore()  # ask first (Ctrl+Q, the close button)
            self.saver.ask(self._close_now)
            return
        self.shutdown()
        event.accept()
