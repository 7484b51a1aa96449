"""The status bar: source, model and how many signs it knows, frames per second, latency.

Latency is from the moment the capture thread grabbed a frame to the moment its result
reached the GUI thread; both numbers are over the last 30 recognised frames.
"""

from __future__ import annotations

import time
from collections import deque
from pathlib import Path

from PySide6.QtWidgets import QLabel, QStatusBar

from arsl_desktop.ui.i18n import isolate, tr, tr_n

WINDOW = 30


class StatusPanel:
    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        self.source = QLabel(objectName="statusSource")
        self.model = QLabel(objectName="statusModel")
        self.fps = QLabel(objectName="statusFps")
        self.latency = QLabel(objectName="statusLatency")
        for w in (self.source, self.model, self.fps, self.latency):
            bar.addPermanentWidget(w)
        self._done: deque[float] = deque(maxlen=WINDOW)
        self._latency_ms: deque[float] = deque(maxlen=WINDOW)

    def reset_rates(self) -> None:
        self._done.clear()
        self._latency_ms.clear()

    def frame_done(self, grabbed_at: float) -> None:
        """A recognised frame reached the GUI thread (`grabbed_at`: time.perf_counter when grabbed)."""
        now = time.perf_counter()
        self._done.append(now)
        self._latency_ms.append((now - grabbed_at) * 1000)

    def rates(self) -> tuple[float, float | None]:
        """(frames per second, mean latency in ms or None) over the last frames."""
        t = self._done
        fps = (len(t) - 1) / (t[-1] - t[0]) if len(t) > 2 and t[-1] > t[0] else 0.0
        lat = sum(self._latency_ms) / len(self._latency_ms) if self._latency_ms else None
        return fps, lat

    def show_run(self, controller) -> None:
        """Source, model and rates of a `controller.RunController`, in the current language."""
        spec = controller.source_spec
        if spec is None:
            source = tr("no_source")
        else:
            source = tr("source", name=tr("camera_n", n=spec) if isinstance(spec, int) else isolate(Path(spec).name))
        clf = controller.classifier
        model = tr("model", name=isolate(clf.name), signs=tr_n("signs", len(clf.class_ids))) if clf else tr("no_model")
        self.update(source, model, controller.running, controller.paused)

    def update(self, source: str, model: str, running: bool, paused: bool) -> None:
        self.source.setText(source)
        self.model.setText(model)
        fps, lat = self.rates()
        live = running and not paused
        self.fps.setText(tr("fps", fps=fps) if live else "")
        self.latency.setText(tr("latency", ms=lat) if live and lat is not None else "")
        if paused:
            self.bar.showMessage(tr("paused"))
        elif self.bar.currentMessage() == tr("paused"):
            self.bar.clearMessage()
