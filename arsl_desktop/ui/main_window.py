"""The main window: live view with overlays, prediction panel, transcript, controls.

All work happens in `Pipeline`'s threads; this class only reacts to their signals and
to the user. Every way of ending a run (stop, switch camera, open a video, change the
model, close the window) goes through `Pipeline.stop()`.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
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
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.errors import ArslError
from arsl_desktop.core.labels import LabelTable, default_labels
from arsl_desktop.core.recognizer import SignResult
from arsl_desktop.ui import i18n
from arsl_desktop.ui.actions import WindowActions
from arsl_desktop.ui.cameras import CameraPicker
from arsl_desktop.ui.dialogs import shortcuts_box, warning_box
from arsl_desktop.ui.i18n import isolate, tr
from arsl_desktop.ui.messages import ViewMessage, for_error
from arsl_desktop.ui.overlays import OverlayOptions
from arsl_desktop.ui.pipeline import Pipeline
from arsl_desktop.ui.prediction_panel import PredictionPanel
from arsl_desktop.ui.settings import AppSettings
from arsl_desktop.ui.signs_dialog import SignsDialog
from arsl_desktop.ui.speech import Speaker
from arsl_desktop.ui.status import StatusPanel
from arsl_desktop.ui.transcript import TranscriptPanel
from arsl_desktop.ui.video_view import VideoView
from arsl_desktop.ui.workers import Processed

log = logging.getLogger(__name__)

NOBODY_HINT_S = 3.0  # default: no one in view this long -> "Step into view…"
RECOGNISED_HOLD_S = 1.5  # the state pill says "Recognised" this long


class MainWindow(QMainWindow):
    sign_shown = Signal(object)  # every SignResult the panel showed (accepted or not)

    def __init__(self, settings: AppSettings, model_path: Path | None = None, labels: LabelTable | None = None,
                 language: str | None = None, find_cameras: bool = True) -> None:
        super().__init__()
        self.settings = settings
        self.labels = labels or default_labels()
        self.classifier: SignClassifier | None = None
        self.source_spec: int | Path | None = None
        self.source_name = ""
        self.message: ViewMessage | None = None
        self.last_error_box: QMessageBox | None = None
        self._last_person = time.monotonic()
        self._recognised_at = -1e9
        self.nobody_hint_s = NOBODY_HINT_S

        self.pipeline = Pipeline(self)
        self.speaker = Speaker(self)
        self.video = VideoView()
        self.prediction = PredictionPanel()
        self.prediction.setFixedWidth(340)
        self.transcript = TranscriptPanel()
        self.actions = WindowActions(self)
        self.cameras = CameraPicker(self.actions.camera_combo, settings.camera, self)
        self._build_layout()
        self.status = StatusPanel(self.statusBar())
        self._connect()
        self._restore_options()
        self._on_transcript_changed()

        i18n.set_language(language or settings.language)
        self._apply_language()
        remembered = settings.model_path if settings.model_path and settings.model_path.is_file() else None
        self.load_model(model_path or remembered or paths.default_model_path(), initial=True)
        if find_cameras:
            self.find_cameras()
        self._tick = QTimer(self, interval=250)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        if settings.geometry is not None:
            self.restoreGeometry(settings.geometry)
        else:
            self.resize(1180, 760)

    # -- construction -------------------------------------------------------------------------
    def _build_layout(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self.video, 1)
        left.addWidget(self.transcript)
        row = QHBoxLayout()
        row.addLayout(left, 1)
        row.addWidget(self.prediction)
        central = QWidget()
        central.setLayout(row)
        self.setCentralWidget(central)

    def _connect(self) -> None:
        a = self.actions
        a["open_video"].triggered.connect(self.choose_video)
        a["choose_model"].triggered.connect(self.choose_model)
        a["save_transcript"].triggered.connect(self.save_transcript_dialog)
        a["quit"].triggered.connect(self.close)
        a["start_pause"].triggered.connect(self.start_or_pause)
        a["stop"].triggered.connect(self.stop)
        a["retry"].triggered.connect(self.retry)
        a["loop"].toggled.connect(lambda on: self.settings.set_flag("loop", on))
        a["refresh_cameras"].triggered.connect(self.find_cameras)
        a["mirror"].toggled.connect(self._on_view_options)
        for name in ("hands", "arms", "face"):
            a[name].toggled.connect(self._on_view_options)
        a["speak"].toggled.connect(lambda on: self.settings.set_flag("speak", on))
        a["undo"].triggered.connect(self.transcript.undo)
        a["clear"].triggered.connect(self.transcript.clear)
        a["copy"].triggered.connect(self.transcript.copy)
        a["signs_list"].triggered.connect(self.show_signs)
        a["shortcuts"].triggered.connect(self.show_shortcuts)
        a["lang_ar"].triggered.connect(lambda: self.set_language("ar"))
        a["lang_en"].triggered.connect(lambda: self.set_language("en"))
        a["toggle_language"].triggered.connect(
            lambda: self.set_language("en" if i18n.language() == "ar" else "ar"))
        a.threshold_slider.valueChanged.connect(self._on_threshold)
        self.cameras.chosen.connect(self.start_camera)
        self.transcript.save_requested.connect(self.save_transcript_dialog)
        self.transcript.changed.connect(self._on_transcript_changed)
        self.transcript.copied.connect(lambda: self.statusBar().showMessage(tr("copied"), 3000))
        panel = self.video.panel
        panel.retry.connect(self.retry)
        panel.choose_model.connect(self.choose_model)
        panel.open_video.connect(self.choose_video)
        p = self.pipeline
        p.processed.connect(self._on_processed)
        p.sign_found.connect(self._on_sign)
        p.source_opened.connect(self._on_source_opened)
        p.source_failed.connect(self._on_failed)
        p.recognizer_failed.connect(self._on_failed)
        p.source_ended.connect(self._on_ended)

    def _restore_options(self) -> None:
        s, a = self.settings, self.actions
        saved = {name: s.flag(name, True) for name in ("mirror", "hands", "arms", "face")}  # read all first:
        for name, on in saved.items():  # each setChecked saves every view flag
            a[name].setChecked(on)
        a["loop"].setChecked(s.flag("loop", True))
        a.threshold_slider.setValue(round(s.threshold * 100))
        if self.speaker.available:
            a["speak"].setChecked(s.flag("speak", False))
        else:
            a["speak"].setEnabled(False)
        self._on_view_options()

    # -- language -----------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        """Switch the interface language now; Arabic mirrors the whole layout right to left."""
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
        self.actions.retranslate(self.pipeline.running, self.pipeline.paused)
        if not self.speaker.available:
            self.actions["speak"].setToolTip(tr("speak_unavailable", reason=self.speaker.reason))
        self.prediction.retranslate()
        self.transcript.retranslate()
        self.cameras.fill(self.cameras.indices(), self.cameras.current())
        self._on_threshold(self.actions.threshold_slider.value())
        self._update_status()
        if self.message is not None:
            self._show(self.message)

    # -- model --------------------------------------------------------------------------------
    def load_model(self, path: Path, initial: bool = False) -> bool:
        """Validate and use a model. On failure the old model stays; the user is told why and what to do."""
        try:
            classifier = SignClassifier(path)
        except ArslError as exc:
            log.warning("model %s refused: %s", path, exc)
            if initial or self.classifier is None:
                self._show(for_error(exc))
            if not initial:
                self._error_box(tr("model_not_loaded"), for_error(exc), keeps_old=self.classifier is not None)
            self._update_status()
            return False
        self.classifier = classifier
        if not initial:
            self.settings.model_path = Path(path)
        if self.message is not None and self.message.choose_model:
            self._hide_message()
        self._update_status()
        if not initial and self.source_spec is not None:
            self.start_source(self.source_spec)  # restart with the new model (stops the old run first)
        return True

    def _error_box(self, title: str, message: ViewMessage, keeps_old: bool) -> None:
        info = message.detail_text()
        if keeps_old:
            info = f"{tr('keeps_old_model')}\n\n{info}"
        self.last_error_box = warning_box(self, title, message.text(), info)

    def choose_model(self) -> None:
        start = str(self.classifier.path.parent) if self.classifier else str(paths.models_dir())
        path, _ = QFileDialog.getOpenFileName(self, tr("choose_model"), start, tr("models_filter"))
        if path:
            self.load_model(Path(path))

    # -- sources ------------------------------------------------------------------------------
    def start_source(self, spec: int | Path, loop: bool | None = None, paced: bool = True) -> None:
        """Show `spec` (camera index, video file, frame folder): stops the current run first."""
        if loop is not None:
            self.actions["loop"].setChecked(loop)
        self.source_spec = spec
        self.source_name = "" if isinstance(spec, int) else isolate(Path(spec).name)
        if self.classifier is None:
            self.pipeline.stop()
            self._update_status()
            return  # the model message (with "Choose model…") is already up
        self.pipeline.start(spec, self.classifier, loop=self.actions["loop"].isChecked(),
                            threshold=self.settings.threshold, paced=paced)
        self.video.clear_frame()
        self.prediction.set_state("idle")
        self.status.reset_rates()
        self._last_person = time.monotonic()
        self._show(ViewMessage("loading_tracker"))
        self.actions.set_running(True, False)
        self._update_status()

    def start_camera(self, index: int) -> None:
        self.settings.camera = index
        self.cameras.remembered = index
        self.cameras.fill(self.cameras.indices() + [index], index)
        self.start_source(index)

    def open_video(self, path: Path, loop: bool | None = None) -> None:
        self.settings.video_dir = str(Path(path).parent)
        self.start_source(Path(path), loop)

    def choose_video(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("open_video"), self.settings.video_dir, tr("videos_filter"))
        if path:
            self.open_video(Path(path))

    def start_or_pause(self) -> None:
        if self.pipeline.running:
            self.pipeline.set_paused(not self.pipeline.paused)
            self.actions.set_running(True, self.pipeline.paused)
            self._update_status()
        else:
            self.retry()

    def stop(self) -> None:
        self.pipeline.stop()
        self.prediction.set_state("idle")
        self.actions.set_running(False, False)
        self._show(ViewMessage("stopped", retry=True, retry_key="start"))
        self._update_status()

    def retry(self) -> None:
        if self.classifier is None:
            return
        self.start_source(self.source_spec if self.source_spec is not None else self.settings.camera)

    def find_cameras(self) -> None:
        self.cameras.search()

    # -- pipeline signals -----------------------------------------------------------------------
    def _on_source_opened(self, name: str, fps: float) -> None:
        self._update_status()

    def _on_processed(self, item: Processed) -> None:
        self.status.frame_done(item.grabbed_at)
        fr = item.result
        self.video.set_frame(item.frame, fr.keypoints)
        if self.message is not None and self.message.key in ("loading_tracker", "step_into_view"):
            self._hide_message()
        if fr.keypoints.present[0] or fr.keypoints.any_hand:
            self._last_person = time.monotonic()
        if time.monotonic() - self._recognised_at > RECOGNISED_HOLD_S:
            self.prediction.set_state(fr.state.value)
        if fr.result is not None:
            self._on_sign(fr.result)

    def _on_sign(self, result: SignResult) -> None:
        self.prediction.show_result(result)
        if result.accepted and result.hands_seen:
            self.transcript.add(result.best.sign)
            self._recognised_at = time.monotonic()
            self.prediction.set_state("recognised")
            if self.actions["speak"].isChecked():
                self.speaker.say_sign(result.best.sign.ar, result.best.sign.en)
        self.sign_shown.emit(result)

    def _on_transcript_changed(self) -> None:
        has = len(self.transcript.transcript) > 0
        for name in ("undo", "clear", "copy", "save_transcript"):
            self.actions[name].setEnabled(has)

    def _on_failed(self, error: ArslError) -> None:
        """The source or the tracker failed: end the run (the usual stop path) and say what to do."""
        self.pipeline.stop()
        self.actions.set_running(False, False)
        self.video.clear_frame()
        self.prediction.set_state("idle")
        self._show(for_error(error))
        self._update_status()

    def _on_ended(self) -> None:
        self.pipeline.stop()
        self.actions.set_running(False, False)
        if time.monotonic() - self._recognised_at > RECOGNISED_HOLD_S:
            self.prediction.set_state("idle")
        self._show(ViewMessage("video_ended", retry=True, open_video=True, retry_key="start"))
        self._update_status()

    def _on_tick(self) -> None:
        """Periodic: the "Step into view…" hint and the status-bar numbers."""
        if (self.pipeline.running and not self.pipeline.paused and self.video.has_frame
                and time.monotonic() - self._last_person > self.nobody_hint_s and self.message is None):
            self._show(ViewMessage("step_into_view"))
        self._update_status()

    # -- view helpers ---------------------------------------------------------------------------
    def _show(self, message: ViewMessage) -> None:
        self.message = message
        self.video.show_message(message.key, message.text(), message.detail_text(), retry=message.retry,
                                choose_model=message.choose_model, open_video=message.open_video)
        p = self.video.panel
        p.retry_button.setText(tr(message.retry_key))
        p.model_button.setText(tr("choose_model"))
        p.video_button.setText(tr("open_video"))

    def _hide_message(self) -> None:
        self.message = None
        self.video.hide_message()

    def _on_view_options(self, *_: object) -> None:
        a = self.actions
        self.video.mirror = a["mirror"].isChecked()
        self.video.options = OverlayOptions(a["hands"].isChecked(), a["arms"].isChecked(), a["face"].isChecked())
        for name in ("mirror", "hands", "arms", "face"):
            self.settings.set_flag(name, a[name].isChecked())
        self.video.update()

    def _on_threshold(self, value: int) -> None:
        self.actions.threshold_label.setText(tr("threshold", p=value) + " ")
        self.settings.threshold = value / 100
        self.pipeline.set_threshold(value / 100)

    def _update_status(self) -> None:
        spec = self.source_spec
        name = tr("camera_n", n=spec) if isinstance(spec, int) else self.source_name
        source = tr("source", name=name) if spec is not None else tr("no_source")
        c = self.classifier
        model = tr("model", name=isolate(c.name), n=len(c.class_ids)) if c is not None else tr("no_model")
        self.status.update(source, model, self.pipeline.running, self.pipeline.paused)

    # -- transcript, dialogs ----------------------------------------------------------------------
    def save_transcript(self, path: Path) -> bool:
        try:
            self.transcript.transcript.save(path)
        except OSError as exc:
            self.last_error_box = warning_box(self, tr("save_transcript").replace("…", ""),
                                              tr("save_failed", detail=exc.strerror or exc))
            return False
        self.statusBar().showMessage(tr("saved_to", path=isolate(str(path))), 5000)
        return True

    def save_transcript_dialog(self) -> None:
        start = str(paths.user_data_dir() / "transcript.txt")
        path, _ = QFileDialog.getSaveFileName(self, tr("save_transcript"), start, tr("text_files"))
        if path:
            self.save_transcript(Path(path))

    def signs_dialog(self) -> SignsDialog | None:
        if self.classifier is None:
            return None
        return SignsDialog(self.labels, self.classifier.class_ids, self)

    def show_signs(self) -> None:
        dialog = self.signs_dialog()
        if dialog is None:
            self._show(ViewMessage("err_model_not_found", choose_model=True))
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_shortcuts(self) -> None:
        shortcuts_box(self, self.actions.shortcut_rows())

    # -- shutdown -------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop every thread this window started (idempotent)."""
        self._tick.stop()
        self.pipeline.stop()
        self.cameras.wait()
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        event.accept()
