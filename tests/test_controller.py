"""`RunController` without any widget: model, sources, messages and what it remembers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from arsl_desktop.ui.qt_env import prepare_qt_environment

prepare_qt_environment()

from arsl_desktop.core.errors import CameraLost  # noqa: E402
from arsl_desktop.core.recognizer import Recognizer  # noqa: E402
from arsl_desktop.core.sources import Frame, FrameSource, open_source  # noqa: E402
from arsl_desktop.ui.controller import RunController  # noqa: E402
from arsl_desktop.ui.settings import AppSettings  # noqa: E402

pytestmark = pytest.mark.slow  # MediaPipe on real clips
WAIT_MS = 60_000


@pytest.fixture
def controller(qapp, tmp_path, tiny_model):
    c = RunController(AppSettings(tmp_path / "settings.json"))
    c.load_model(tiny_model, initial=True)
    yield c
    c.shutdown()
    assert all(t.isFinished() for t in c.pipeline.history)


class _Camera(FrameSource):
    """A camera that delivers real frames at 30 fps for up to 20 s, then is unplugged."""

    live = True
    name = "camera 5"

    def __init__(self, video: Path) -> None:
        self.frames = list(open_source(video))

    def __iter__(self):
        for i in range(600):
            time.sleep(1 / 30)
            f = self.frames[i % len(self.frames)]
            yield Frame(f.image, i / 30, i)
        raise CameraLost("Camera 5 stopped sending frames (unplugged?). Reconnect it and press Retry.")


def test_a_camera_is_remembered_only_once_it_delivered_a_frame(controller, qtbot, monkeypatch, dense_video):
    import arsl_desktop.ui.workers as workers

    real = workers.open_source
    monkeypatch.setattr(workers, "open_source", lambda spec, loop=False: _Camera(dense_video) if spec == 5 else real(spec))
    with qtbot.waitSignal(controller.message_changed, timeout=WAIT_MS,
                          check_params_cb=lambda m: m is not None and m.key == "err_camera_unavailable"):
        controller.start_camera(7)  # no such camera
    assert controller.settings.camera == 0  # `--camera 7` must not make the next plain start fail
    with qtbot.waitSignal(controller.frame_shown, timeout=WAIT_MS):
        controller.start_camera(5)
    assert controller.settings.camera == 5
    assert AppSettings(controller.settings.path).camera == 5  # on disk for the next start


def test_a_looping_video_keeps_its_tracker_between_passes(controller, qtbot, monkeypatch, dense_video):
    """Rebuilding MediaPipe on every pass grew the window by 1-2.7 GB over a long loop."""
    resets: list[bool] = []
    real_reset = Recognizer.reset

    def recording_reset(self, tracking: bool = True) -> None:
        resets.append(tracking)
        real_reset(self, tracking)

    monkeypatch.setattr(Recognizer, "reset", recording_reset)
    shown = []
    controller.sign_shown.connect(shown.append)
    controller.open_video(dense_video, loop=True)
    qtbot.waitUntil(lambda: len(shown) >= 3, timeout=3 * WAIT_MS)  # one sign per pass
    assert len(resets) >= 2 and not any(resets)  # every pass reset the sign spotter, never the tracker
    assert controller.running and controller.message is None


def test_messages_follow_the_run(controller, qtbot, sparse_sample):
    keys = []
    controller.message_changed.connect(lambda m: keys.append(m.key if m else None))
    with qtbot.waitSignal(controller.message_changed, timeout=WAIT_MS,
                          check_params_cb=lambda m: m is not None and m.key == "video_ended"):
        controller.open_video(sparse_sample, loop=False)
    assert keys[0] == "loading_tracker" and None in keys  # hidden at the first frame
    assert not controller.running
    controller.stop()
    assert controller.message.key == "stopped"


def test_a_model_naming_unknown_signs_is_refused_and_the_old_one_kept(controller, qtbot, tmp_path, tiny_model):
    from tiny_model import build_tiny_model

    odd = build_tiny_model(tmp_path / "odd.onnx", [1, 2, 9999])
    with qtbot.waitSignal(controller.model_refused, timeout=5000) as blocker:
        assert not controller.load_model(odd)
    message, keeps_old = blocker.args
    assert message.key == "err_model_incompatible" and "9999" in message.detail and keeps_old
    assert controller.classifier.path == tiny_model
