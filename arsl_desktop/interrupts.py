"""Ctrl-C in the commands: they stop between two frames, never inside MediaPipe.

A KeyboardInterrupt raised inside the landmarker's Python wrapper can leave a half-built object
(a `mediapipe.Image` without its native pointer) whose clean-up prints a traceback after the
command's own "interrupted" line. While a command reads frames (`frames_until_ctrl_c`), the
first Ctrl-C only asks it to stop: the frame in hand is finished, and KeyboardInterrupt is raised
before the next one, where the command's usual handling takes over (the signs found so far,
status 130). A second Ctrl-C interrupts at once, as before.
"""

from __future__ import annotations

import signal
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def frames_until_ctrl_c(frames: Iterable[T]) -> Iterator[T]:
    """`frames`, one by one, until Ctrl-C: then KeyboardInterrupt, raised between two frames.

    Only the main thread receives signals; elsewhere the frames pass through unchanged."""
    asked = False

    def on_ctrl_c(signum, frame) -> None:
        nonlocal asked
        if asked:
            raise KeyboardInterrupt  # pressed again: at once
        asked = True

    try:
        previous = signal.signal(signal.SIGINT, on_ctrl_c)
    except ValueError:  # not the main thread
        yield from frames
        return
    try:
        for item in frames:
            if asked:
                raise KeyboardInterrupt
            yield item
    finally:
        signal.signal(signal.SIGINT, previous)
