"""The two background threads: frame capture and recognition.

Both are QThreads with a cooperative stop (a flag the loop checks, then `wait()`); they
are never terminated. They only emit immutable data (Frame, FrameResult, SignResult,
ArslError); every signal carries the run's `generation` so the GUI can ignore anything
a previous, already stopped run had queued.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QThread, Signal

from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.errors import ArslError, SourceUnreadable
from arsl_desktop.core.landmarks import LIVE_STRIDES, quiet_mediapipe
from arsl_desktop.core.personal_signs import PersonalSigns
from arsl_desktop.core.recognizer import FrameResult, Recognizer
from arsl_desktop.core.sources import Frame, FrameSource, open_source
from arsl_desktop.ui.mailbox import FrameMailbox, Grabbed, Marker

# PySide6's import hook is not thread-safe: the first import of mediapipe (which pulls in
# matplotlib) on a worker thread crashes the interpreter ("none_dealloc: deallocating
# None"). So it is imported here, on the GUI thread, before any worker starts, with
# MediaPipe's log level set first.
quiet_mediapipe()
import mediapipe.tasks.python.vision  # noqa: E402, F401

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Processed:
    """One frame after recognition: the picture, what was found in it, and its timing."""

    generation: int
    frame: Frame
    result: FrameResult
    grabbed_at: float  # time.perf_counter() when the frame was grabbed
    dropped: int  # frames dropped so far in this run (the model was busier than the source)


@dataclass(frozen=True)
class PersonalStatus:
    """The personal signs as the worker's recogniser sees them (after each reload of the store)."""

    signs: tuple[str, ...]  # labels of the signs with readable examples
    problems: tuple[str, ...]  # one line per damaged entry or example (kept on disk)
    mode: str  # "embedding", or "features" (the model has no embedding output: less accurate)


def personal_status(personal: PersonalSigns) -> PersonalStatus:
    index = personal.index
    return PersonalStatus(tuple(s.label for s in index.signs) if index else (), personal.problems, personal.mode)


def _as_user_error(exc: BaseException, what: str) -> ArslError:
    if isinstance(exc, ArslError):
        return exc
    return SourceUnreadable(f"{what} failed unexpectedly ({exc.__class__.__name__}: {exc}). "
                            "Try another camera or video file.")


class _StoppableThread(QThread):
    def __init__(self, generation: int) -> None:
        super().__init__()
        self.generation = generation
        self._stop = threading.Event()

    def request_stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()


class CaptureThread(_StoppableThread):
    """Grabs frames from a camera, video file or frame folder into the mailbox.

    Files are played at their own frame rate (sleeping to each frame's timestamp) so a
    recording behaves like a camera; cameras are read as fast as they deliver.
    Looping restarts the file and puts a CLIP_END marker between the passes.
    """

    opened = Signal(int, str, float)  # generation, source name, fps
    failed = Signal(int, object)  # generation, ArslError

    def __init__(self, generation: int, spec: int | Path, mailbox: FrameMailbox, loop: bool = False,
                 paced: bool = True) -> None:
        super().__init__(generation)
        self.spec = spec
        self.loop = loop
        self.paced = paced  # False: files as fast as they decode (benchmarks), not at their frame rate
        self.mailbox = mailbox
        self._playing = threading.Event()
        self._playing.set()

    def set_paused(self, paused: bool) -> None:
        if paused:
            self._playing.clear()
        else:
            self._playing.set()

    def request_stop(self) -> None:
        super().request_stop()
        self._playing.set()  # a paused loop must wake up to see the stop

    def _open(self) -> FrameSource:
        return open_source(self.spec, loop=False)  # looping is done here, with a marker per pass

    def run(self) -> None:
        try:
            source = self._open()
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message
            self.failed.emit(self.generation, _as_user_error(exc, "Opening the source"))
            return
        self.opened.emit(self.generation, source.name, float(source.fps))
        try:
            self._pump(source)
        except Exception as exc:  # noqa: BLE001 - CameraLost, decoding errors
            if not self.stopping:
                self.failed.emit(self.generation, _as_user_error(exc, "Reading frames"))
        finally:
            source.close()

    def _pump(self, source: FrameSource) -> None:
        offset_t, offset_i = 0.0, 0
        while not self.stopping:
            if not source.live and not self.mailbox.wait_for_consumer(self._stop):
                return  # a file waits for the tracker (loaded / reset after the last pass): no frame lost
            clock = time.perf_counter()  # wall time at which this pass's t=0 is due
            last: Frame | None = None
            for frame in source:
                if self.stopping:
                    return
                if not self._playing.is_set():
                    paused_at = time.perf_counter()
                    self._playing.wait()
                    clock += time.perf_counter() - paused_at  # resume where we were, not late
                    if self.stopping:
                        return
                if self.paced and not source.live:
                    delay = clock + frame.timestamp - time.perf_counter()
                    if delay > 0 and self._stop.wait(delay):
                        return
                last = Frame(frame.image, frame.timestamp + offset_t, frame.index + offset_i)
                self.mailbox.put(Grabbed(last, time.perf_counter()))
            if source.live or self.stopping:
                return
            if not self.loop or last is None:
                self.mailbox.put_marker(Marker.STREAM_END)  # the worker finishes the last sign, then says so
                return
            self.mailbox.put_marker(Marker.CLIP_END)
            offset_t = last.timestamp + 1.0 / source.fps
            offset_i = last.index + 1
            source.close()
            source = self._open()


class RecognitionThread(_StoppableThread):
    """Runs `Recognizer.process` on the newest frame; MediaPipe is built in this thread."""

    processed = Signal(object)  # Processed
    sign_found = Signal(int, object)  # generation, SignResult finished at the end of a clip
    failed = Signal(int, object)  # generation, ArslError
    ended = Signal(int)  # generation: the source's last frame and last sign are done
    segment_flushed = Signal(int, object)  # generation, Segment closed by the end of a clip (teaching)
    personal_changed = Signal(int, object)  # generation, PersonalStatus after the store was (re)read
    preparing = Signal(int)  # generation: many examples of the personal signs are read and prepared first

    def __init__(self, generation: int, classifier: SignClassifier, mailbox: FrameMailbox,
                 threshold: float = 0.0, top_k: int = 5, personal: PersonalSigns | None = None) -> None:
        super().__init__(generation)
        self.classifier = classifier
        self.personal = personal  # one per model load, used by one worker at a time
        self._personal_index: object = None
        self.mailbox = mailbox
        self.threshold = threshold  # read before every frame: the GUI may change it while running
        self.top_k = top_k

    def request_stop(self) -> None:
        super().request_stop()
        self.mailbox.close()

    def run(self) -> None:
        try:
            recognizer = Recognizer(self.classifier, top_k=self.top_k, threshold=self.threshold,
                                    personal=self.personal)
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(self.generation, _as_user_error(exc, "Starting the hand and body tracker"))
            return
        try:
            # the tracker and the personal signs, side by side and off the GUI thread (saying so first where
            # the signs take a while after a model change); an unreadable signs folder is reported in the
            # status, and recognition goes on
            recognizer.prepare(announce=lambda _n: self.preparing.emit(self.generation))
            recognizer.landmarker.set_strides(**LIVE_STRIDES)  # live: pose and face on alternate frames
            if self.personal is not None:
                self._report_personal(force=True)
            self.mailbox.set_ready()
            self._loop(recognizer)
        except Exception as exc:  # noqa: BLE001
            log.exception("recognition failed")
            self.failed.emit(self.generation, _as_user_error(exc, "Recognition"))
        finally:
            recognizer.close()

    def _loop(self, recognizer: Recognizer) -> None:
        while not self.stopping:
            item = self.mailbox.take(timeout=0.1)
            if item is None:
                continue
            recognizer.threshold = self.threshold
            if isinstance(item, Marker):
                last = recognizer.finish()  # KArSL clips and many videos end mid-sign (maybe several signs)
                if recognizer.flushed is not None:
                    self._report_personal()  # classifying it re-read the store if it changed
                    self.segment_flushed.emit(self.generation, recognizer.flushed)
                for result in last:
                    self.sign_found.emit(self.generation, result)
                # The next pass (or nothing) follows with later timestamps: keep the tracker. Rebuilding
                # MediaPipe on every pass of a looping clip grew the process by ~20 MB a pass.
                recognizer.reset(tracking=False)
                self.mailbox.marker_done()
                if item is Marker.STREAM_END:
                    self.ended.emit(self.generation)
                continue
            result = recognizer.process(item.frame)
            if result.segment is not None:
                self._report_personal()  # classifying the segment re-read the store if it changed
            self.processed.emit(Processed(self.generation, item.frame, result, item.grabbed_at,
                                          self.mailbox.dropped))

    def _report_personal(self, force: bool = False) -> None:
        index = self.personal.index if self.personal is not None else None
        if index is not None and (force or index is not self._personal_index):
            self._personal_index = index
            self.personal_changed.emit(self.generation, personal_status(self.personal))
