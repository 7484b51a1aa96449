"""Ctrl-C in the commands stops between two frames, never inside the landmarker's work
(`arsl_desktop.interrupts`): an interrupt there once left a half-built MediaPipe image whose
clean-up printed a traceback after "arsl-desktop: interrupted"."""

from __future__ import annotations

import signal
import threading

import pytest

from arsl_desktop.interrupts import frames_until_ctrl_c


def ctrl_c() -> None:
    signal.raise_signal(signal.SIGINT)


def test_ctrl_c_during_a_frame_finishes_that_frame_and_stops_before_the_next():
    before = signal.getsignal(signal.SIGINT)
    done = []
    with pytest.raises(KeyboardInterrupt):
        for frame in frames_until_ctrl_c(range(10)):
            if frame == 3:
                ctrl_c()  # as if pressed while MediaPipe works on frame 3
            done.append(frame)  # the work on the frame goes on to its end
    assert done == [0, 1, 2, 3]
    assert signal.getsignal(signal.SIGINT) is before  # the usual Ctrl-C again


def test_a_second_ctrl_c_interrupts_at_once():
    done = []
    with pytest.raises(KeyboardInterrupt):
        for frame in frames_until_ctrl_c(range(10)):
            if frame == 3:
                ctrl_c()
                ctrl_c()  # the user insists: raised here, inside the frame's work
            done.append(frame)
    assert done == [0, 1, 2]


def test_without_ctrl_c_every_frame_passes_and_the_usual_handler_is_back():
    before = signal.getsignal(signal.SIGINT)
    assert list(frames_until_ctrl_c(iter("abc"))) == ["a", "b", "c"]
    assert signal.getsignal(signal.SIGINT) is before
    with pytest.raises(KeyboardInterrupt):  # and Ctrl-C interrupts at once again
        ctrl_c()


def test_off_the_main_thread_the_frames_pass_unchanged():
    got = []
    t = threading.Thread(target=lambda: got.extend(frames_until_ctrl_c(range(3))))
    t.start()
    t.join()
    assert got == [0, 1, 2]
