"""A window's start (`Recognizer.prepare`): the tracker built and the personal signs read side by side."""

from __future__ import annotations

import threading

import pytest

from arsl_desktop.core import recognizer as R
from arsl_desktop.core.classifier import SignClassifier


class FakeLandmarker:
    def close(self) -> None:
        pass


class FakePersonal:
    """Stands in for `PersonalSigns`: `refresh` signals that it runs, and may fail."""

    def __init__(self, fails: bool = False) -> None:
        self.running = threading.Event()
        self.announced: list[int] = []
        self.fails = fails

    def refresh(self, force: bool = False, announce=None) -> bool:
        self.running.set()
        if announce is not None:
            announce(1000)
            self.announced.append(1000)
        if self.fails:
            raise RuntimeError("the model failed on the examples")
        return True


def test_the_personal_signs_are_read_while_the_tracker_is_built(tiny_model, monkeypatch):
    personal = FakePersonal()
    seen = []

    def slow_tracker() -> FakeLandmarker:  # MediaPipe's start: the signs are read meanwhile, not after
        seen.append(personal.running.wait(timeout=10))
        return FakeLandmarker()

    monkeypatch.setattr(R, "create_landmarker", slow_tracker)
    rec = R.Recognizer(SignClassifier(tiny_model), personal=personal)
    heard = []
    rec.prepare(announce=heard.append)
    assert seen == [True]  # one after the other, the tracker would have waited 10 s and seen nothing
    assert isinstance(rec.landmarker, FakeLandmarker) and heard == [1000] == personal.announced


def test_a_failing_read_is_raised_once_the_tracker_is_built(tiny_model, monkeypatch):
    built = []
    monkeypatch.setattr(R, "create_landmarker", lambda: built.append(1) or FakeLandmarker())
    rec = R.Recognizer(SignClassifier(tiny_model), personal=FakePersonal(fails=True))
    with pytest.raises(RuntimeError, match="failed on the examples"):
        rec.prepare()
    assert built == [1] and isinstance(rec.landmarker, FakeLandmarker)  # nothing half-built


def test_without_personal_signs_only_the_tracker_is_built(tiny_model, monkeypatch):
    built = []
    monkeypatch.setattr(R, "create_landmarker", lambda: built.append(1) or FakeLandmarker())
    rec = R.Recognizer(SignClassifier(tiny_model))
    rec.prepare()
    assert built == [1] and isinstance(rec.landmarker, FakeLandmarker)
