"""Owns the capture and recognition threads; `stop()` is the ONE way they end.

Starting a source, switching camera, opening another video, changing the model and
closing the window all call `stop()` first: request both threads to stop, wake the
worker, and `wait()` for both. Signals from a stopped run are ignored by generation.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.personal_signs import PersonalSigns
from arsl_desktop.ui.mailbox import FrameMailbox
from arsl_desktop.ui.workers import CaptureThread, Processed, RecognitionThread

log = logging.getLogger(__name__)


class Pipeline(QObject):
    """GUI-thread controller; re-emits only the current run's signals."""

    processed = Signal(object)  # Processed
    sign_found = Signal(object)  # SignResult finished at the end of a clip
    source_opened = Signal(str, float)  # name, fps
    source_failed = Signal(object)  # ArslError (camera unavailable/lost, unreadable video)
    source_ended = Signal()
    recognizer_failed = Signal(object)
    segment_closed = Signal(object)  # every Segment the spotter cuts (mid-stream or at a clip's end)
    personal_changed = Signal(object)  # workers.PersonalStatus after the personal signs were (re)read
    preparing_personal = Signal()  # many examples of the personal signs are prepared before recognising

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._capture: CaptureThread | None = None
        self._worker: RecognitionThread | None = None
        self.history: list[QObject] = []  # threads of recent runs (tests check they all finished)
        self.paused = False

    # -- control -------------------------------------------------------------------------
    def start(self, spec: int | Path, classifier: SignClassifier, loop: bool = False,
              threshold: float = 0.0, paced: bool = True, personal: PersonalSigns | None = None) -> None:
        """Stop whatever runs, then read `spec` (camera index, video file or frame folder)."""
        self.stop()
        self._generation += 1
        gen = self._generation
        mailbox = FrameMailbox()
        capture = CaptureThread(gen, spec, mailbox, loop=loop, paced=paced)
        worker = RecognitionThread(gen, classifier, mailbox, threshold=threshold, personal=personal)
        capture.opened.connect(self._on_opened)
        capture.failed.connect(self._on_source_failed)
        worker.processed.connect(self._on_processed)
        worker.sign_found.connect(self._on_sign)
        worker.failed.connect(self._on_worker_failed)
        worker.ended.connect(self._on_ended)
        worker.segment_flushed.connect(self._on_segment)
        worker.personal_changed.connect(self._on_personal)
        worker.preparing.connect(self._on_preparing)
        self._capture, self._worker = capture, worker
        self.history = self.history[-6:] + [capture, worker]  # bounded: old runs hold frames
        self.paused = False
        worker.start()
        capture.start()

    def stop(self) -> None:
        """The single shutdown path: cooperative stop, then wait for both threads."""
        capture, worker = self._capture, self._worker
        self._capture = self._worker = None
        if capture is None and worker is None:
            return
        self._generation += 1  # anything still queued from the old run is now stale
        for t in (capture, worker):
            if t is not None:
                t.request_stop()
        for t in (capture, worker):
            if t is not None and not t.wait(15000):
                log.error("%s did not stop within 15 s", type(t).__name__)
        self.paused = False

    def set_paused(self, paused: bool) -> None:
        if self._capture is not None:
            self._capture.set_paused(paused)
            self.paused = paused

    def set_threshold(self, threshold: float) -> None:
        if self._worker is not None:
            self._worker.threshold = threshold

    @property
    def running(self) -> bool:
        return self._capture is not None

    def threads(self) -> list[QObject]:
        return [t for t in (self._capture, self._worker) if t is not None]

    # -- forwarding (current generation only) ---------------------------------------------
    def _current(self, gen: int) -> bool:
        return gen == self._generation and self._capture is not None

    @Slot(int, str, float)
    def _on_opened(self, gen: int, name: str, fps: float) -> None:
        if self._current(gen):
            self.source_opened.emit(name, fps)

    @Slot(int, object)
    def _on_source_failed(self, gen: int, error: object) -> None:
        if self._current(gen):
            self.source_failed.emit(error)

    @Slot(int)
    def _on_ended(self, gen: int) -> None:
        if self._current(gen):
            self.source_ended.emit()

    @Slot(object)
    def _on_processed(self, item: Processed) -> None:
        if self._current(item.generation):
            self.processed.emit(item)
            if item.result.segment is not None:
                self.segment_closed.emit(item.result.segment)

    @Slot(int, object)
    def _on_segment(self, gen: int, segment: object) -> None:
        if self._current(gen):
            self.segment_closed.emit(segment)

    @Slot(int, object)
    def _on_personal(self, gen: int, status: object) -> None:
        if self._current(gen):
            self.personal_changed.emit(status)

    @Slot(int)
    def _on_preparing(self, gen: int) -> None:
        if self._current(gen):
            self.preparing_personal.emit()

    @Slot(int, object)
    def _on_sign(self, gen: int, result: object) -> None:
        if self._current(gen):
            self.sign_found.emit(result)

    @Slot(int, object)
    def _on_worker_failed(self, gen: int, error: object) -> None:
        if self._current(gen):
            self.recognizer_failed.emit(error)
