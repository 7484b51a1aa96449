"""The 3-2-1 before "sign now", shared by teaching a sign and practising one."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

COUNTDOWN_FROM = 3


class Countdown(QObject):
    """`start()` emits `tick(3)`, then `tick(2)`, `tick(1)` a step apart, then `finished`."""

    tick = Signal(int)
    finished = Signal()

    def __init__(self, parent: QObject | None = None, step_ms: int = 1000) -> None:
        super().__init__(parent)
        self.count = 0
        self._timer = QTimer(self, interval=step_ms)
        self._timer.timeout.connect(self._step)

    @property
    def step_ms(self) -> int:
        return self._timer.interval()

    @step_ms.setter
    def step_ms(self, ms: int) -> None:
        self._timer.setInterval(ms)

    def start(self) -> None:
        self.count = COUNTDOWN_FROM
        self.tick.emit(self.count)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _step(self) -> None:
        self.count -= 1
        if self.count > 0:
            self.tick.emit(self.count)
            return
        self._timer.stop()
        self.finished.emit()


class UsesCountdown:
    """For a controller with a `_countdown`: its pace and number as the controller's own."""

    _countdown: Countdown

    @property
    def step_ms(self) -> int:
        return self._countdown.step_ms

    @step_ms.setter
    def step_ms(self, ms: int) -> None:
        self._countdown.step_ms = ms

    @property
    def count(self) -> int:
        """The countdown's number now (3, 2, 1)."""
        return self._countdown.count
