"""What the window runs, without any widget: the model, the source, the run and its messages.

`RunController` owns the `Pipeline` (threads), validates and keeps the model, starts and stops
sources, decides which message the video view shows and which state the prediction panel
shows, and remembers the user's choices in the settings. The window only assembles widgets,
forwards the user's actions here and displays what the signals say; tests drive this class
directly, with no window.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from arsl_desktop import paths
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.errors import ArslError
from arsl_desktop.core.labels import LabelTable, default_labels, require_known_ids
from arsl_desktop.core.personal_signs import PersonalSigns
from arsl_desktop.core.recognizer import SignResult
from arsl_desktop.core.spotting import SpotState
from arsl_desktop.ui.messages import ViewMessage, for_error
from arsl_desktop.ui.pipeline import Pipeline
from arsl_desktop.ui.settings import AppSettings
from arsl_desktop.ui.workers import Processed

log = logging.getLogger(__name__)

NOBODY_HINT_S = 3.0  # default: no one in view this long -> "Step into view…"
RECOGNISED_HOLD_S = 1.5  # the state pill says "Recognised" this long
HINT_AFTER_S = 0.3  # the camera coach's hint waits this long after a sign (no flash between two signs)


class RunController(QObject):
    message_changed = Signal(object)  # ViewMessage, or None when the view is clear
    run_changed = Signal()  # running / paused / source / model changed: actions and status follow
    frame_shown = Signal(object)  # Processed: the picture with its landmarks, for the video view
    state_changed = Signal(str)  # prediction panel state key (idle, no_person, waiting, signing, recognised)
    sign_shown = Signal(object)  # every SignResult the panel shows (accepted or not)
    sign_accepted = Signal(object)  # a SignResult that goes into the transcript
    model_refused = Signal(object, bool)  # ViewMessage, whether the previous model stays in use
    source_shown = Signal(object)  # the source now in use: camera index or Path (for the picker)
    frame_cleared = Signal()  # a new run starts or the run failed: no picture, fresh rates
    coach_changed = Signal(object)  # the camera coach's hint code (core/coach.py) over the video, None: none
    coach_checked = Signal(object)  # the coach's code now, even during a sign (the Teach dialog's check)

    def __init__(self, settings: AppSettings, labels: LabelTable | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.labels = labels or default_labels()
        self.classifier: SignClassifier | None = None
        self.personal: PersonalSigns | None = None  # the user's taught signs for this model (read by the worker)
        self.source_spec: int | Path | None = None
        self.message: ViewMessage | None = None
        self.loop = settings.flag("loop", True)
        self.nobody_hint_s = NOBODY_HINT_S
        self._camera_to_remember: int | None = None  # remembered once it delivers a frame
        self._has_frame = False
        self._last_person = time.monotonic()
        self._recognised_at = -1e9
        self.coach_hint: str | None = None  # what the hint over the video says (never while signing)
        self.coach_check: str | None = None  # the coach's most important code now, signing or not
        self.coach_seen = False  # the current run has a processed frame: the Teach dialog's check means something
        self._quiet_since: float | None = None  # frame time since which no sign is being made
        self.pipeline = Pipeline(self)
        p = self.pipeline
        p.processed.connect(self._on_processed)
        p.sign_found.connect(self._on_sign)
        p.source_opened.connect(lambda *_: self.run_changed.emit())
        p.source_failed.connect(self._on_failed)
        p.recognizer_failed.connect(self._on_failed)
        p.source_ended.connect(self._on_ended)
        p.preparing_personal.connect(lambda: self._replace("loading_tracker", ViewMessage("preparing_signs")))
        self._tick = QTimer(self, interval=250)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()

    # -- messages -------------------------------------------------------------------------
    def show(self, message: ViewMessage | None) -> None:
        self.message = message
        self.message_changed.emit(message)

    def _replace(self, key: str, message: ViewMessage) -> None:
        """Show `message` where the message now up is `key` (and nothing else was said since)."""
        if self.message is not None and self.message.key == key:
            self.show(message)

    def _hide(self, *keys: str) -> None:
        if self.message is not None and (not keys or self.message.key in keys):
            self.show(None)

    # -- model ----------------------------------------------------------------------------
    def load_model(self, path: Path, initial: bool = False) -> bool:
        """Validate and use a model. On failure the old one stays and the user is told why."""
        try:
            classifier = SignClassifier(path)
            require_known_ids(classifier.class_ids, self.labels, Path(path).name)
        except ArslError as exc:
            log.warning("model %s refused: %s", path, exc)
            if initial or self.classifier is None:
                self.show(for_error(exc))
            if not initial:
                self.model_refused.emit(for_error(exc), self.classifier is not None)
            self.run_changed.emit()
            return False
        self.classifier = classifier
        self.personal = PersonalSigns(classifier)  # once per model; it re-reads the store when it changes
        if not initial:
            self.settings.model_path = Path(path)
        if self.message is not None and self.message.choose_model:
            self.show(None)
        self.run_changed.emit()
        if not initial and self.source_spec is not None:
            self.start_source(self.source_spec)  # restart with the new model (stops the old run first)
        return True

    def load_initial_model(self, model_path: Path | None) -> None:
        remembered = self.settings.model_path
        remembered = remembered if remembered is not None and remembered.is_file() else None
        self.load_model(model_path or remembered or paths.default_model_path(), initial=True)

    # -- sources --------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.pipeline.running

    @property
    def paused(self) -> bool:
        return self.pipeline.paused

    def set_loop(self, on: bool) -> None:
        self.loop = on
        self.settings.set_flag("loop", on)

    def start_source(self, spec: int | Path, loop: bool | None = None, paced: bool = True) -> None:
        """Show `spec` (camera index, video file, frame folder): stops the current run first."""
        if loop is not None:
            self.set_loop(loop)
        self.source_spec = spec
        self._camera_to_remember = spec if isinstance(spec, int) else None
        self.source_shown.emit(spec)
        if self.classifier is None:
            self.pipeline.stop()
            self.run_changed.emit()
            return  # the model message (with "Choose model…") is already up
        self.pipeline.start(spec, self.classifier, loop=self.loop, threshold=self.settings.threshold, paced=paced,
                            personal=self.personal)
        self._clear_coach()
        self._has_frame = False
        self._last_person = time.monotonic()
        self.frame_cleared.emit()
        self.state_changed.emit("idle")
        self.show(ViewMessage("loading_tracker"))
        self.run_changed.emit()

    def start_camera(self, index: int) -> None:
        """Camera `index`; it becomes the remembered camera only once it has delivered a frame."""
        self.start_source(int(index))

    def open_video(self, path: Path, loop: bool | None = None) -> None:
        self.settings.video_dir = str(Path(path).parent)
        self.start_source(Path(path), loop)

    def start_or_pause(self) -> None:
        if self.pipeline.running:
            self.pipeline.set_paused(not self.pipeline.paused)
            self.run_changed.emit()
        else:
            self.retry()

    def stop(self) -> None:
        self.pipeline.stop()
        self._clear_coach()
        self.state_changed.emit("idle")
        self.show(ViewMessage("stopped", retry=True, retry_key="start"))
        self.run_changed.emit()

    def retry(self) -> None:
        if self.classifier is None:
            return
        self.start_source(self.source_spec if self.source_spec is not None else self.settings.camera)

    def set_threshold(self, value: float) -> None:
        self.settings.threshold = value
        self.pipeline.set_threshold(value)

    def shutdown(self) -> None:
        """Stop every thread (idempotent)."""
        self._tick.stop()
        self.pipeline.stop()

    # -- pipeline signals -------------------------------------------------------------------
    def _on_processed(self, item: Processed) -> None:
        self._has_frame = True
        if self._camera_to_remember is not None:  # the camera works: now it is worth remembering
            self.settings.camera = self._camera_to_remember
            self._camera_to_remember = None
        self.frame_shown.emit(item)
        self._hide("loading_tracker", "preparing_signs", "step_into_view")
        fr = item.result
        first, self.coach_seen = not self.coach_seen, True
        if fr.state is SpotState.SIGNING:
            self._quiet_since = None  # a sign is being made: say nothing now
        elif self._quiet_since is None or fr.timestamp < self._quiet_since:
            self._quiet_since = fr.timestamp
        quiet = self._quiet_since is not None and fr.timestamp - self._quiet_since >= HINT_AFTER_S
        now = fr.coach.hint if fr.coach is not None else None
        self._set_coach(now if quiet else None, first)
        if first or now != self.coach_check:
            self.coach_check = now
            self.coach_checked.emit(now)
        if fr.keypoints.present[0] or fr.keypoints.any_hand:
            self._last_person = time.monotonic()
        if time.monotonic() - self._recognised_at > RECOGNISED_HOLD_S:
            self.state_changed.emit(fr.state.value)
        for result in fr.results:  # a segment may hold several signs
            self._on_sign(result)

    def _set_coach(self, hint: str | None, force: bool = False) -> None:
        if force or hint != self.coach_hint:
            self.coach_hint = hint
            self.coach_changed.emit(hint)

    def _clear_coach(self) -> None:
        self.coach_seen = False
        self._quiet_since = None
        self._set_coach(None)
        if self.coach_check is not None:
            self.coach_check = None
            self.coach_checked.emit(None)

    def _on_sign(self, result: SignResult) -> None:
        self.sign_shown.emit(result)
        if result.accepted and result.hands_seen:
            self._recognised_at = time.monotonic()
            self.state_changed.emit("recognised")
            self.sign_accepted.emit(result)

    def _on_failed(self, error: ArslError) -> None:
        """The source or the tracker failed: end the run (the usual stop path) and say what to do."""
        self.pipeline.stop()
        self._clear_coach()
        self._has_frame = False
        self.frame_cleared.emit()
        self.state_changed.emit("idle")
        self.show(for_error(error))
        self.run_changed.emit()

    def _on_ended(self) -> None:
        self.pipeline.stop()
        self._clear_coach()
        if time.monotonic() - self._recognised_at > RECOGNISED_HOLD_S:
            self.state_changed.emit("idle")
        self.show(ViewMessage("video_ended", retry=True, open_video=True, retry_key="start"))
        self.run_changed.emit()

    def _on_tick(self) -> None:
        """Periodic: the "Step into view…" hint, and the status bar's numbers."""
        if (self.pipeline.running and not self.pipeline.paused and self._has_frame
                and time.monotonic() - self._last_person > self.nobody_hint_s and self.message is None):
            self.show(ViewMessage("step_into_view"))
        self.run_changed.emit()
