"""The camera coach in the window: the hint over the video and the Teach dialog's camera check."""

from __future__ import annotations

import numpy as np
import pytest
from coach_clips import darken, shrink_in_wide, write_altered

from arsl_desktop.ui.qt_env import prepare_qt_environment

prepare_qt_environment()

from PySide6.QtCore import Qt  # noqa: E402

from arsl_desktop.core import features as F  # noqa: E402
from arsl_desktop.core.coach import CoachState, FrameCheck  # noqa: E402
from arsl_desktop.core.landmarks import Keypoints  # noqa: E402
from arsl_desktop.core.recognizer import FrameResult  # noqa: E402
from arsl_desktop.core.sources import Frame  # noqa: E402
from arsl_desktop.core.spotting import SpotState  # noqa: E402
from arsl_desktop.ui import i18n  # noqa: E402
from arsl_desktop.ui.workers import Processed  # noqa: E402

WAIT_MS = 60_000


pytestmark = pytest.mark.usefixtures("english")


def processed(generation: int, state: SpotState, codes: tuple[str, ...], t: float) -> Processed:
    """What the worker emits for the frame at `t` seconds, with the coach saying `codes`."""
    image = np.zeros((48, 64, 3), np.uint8)
    xyz, present = F.empty_keypoints()
    present[F.POSE] = True
    kp = Keypoints(xyz, present, 64, 48, t)
    check = FrameCheck(100.0, 40.0, 0.3, frozenset(codes), state is SpotState.SIGNING)
    result = FrameResult(round(t * 30), t, kp, state, None, 1.0, 0.1, None, CoachState(codes, check))
    return Processed(generation, Frame(image, t, round(t * 30)), result, 0.0, 0)


def test_the_hint_is_never_shown_while_a_sign_is_being_made(make_window, qtbot, tiny_model):
    w = make_window(tiny_model)
    c = w.controller
    emitted: list[str | None] = []
    c.coach_changed.connect(emitted.append)

    def feed(t0: float, t1: float, state: SpotState, codes: tuple[str, ...]) -> None:
        for t in np.arange(t0, t1, 1 / 30):
            c._on_processed(processed(0, state, codes, float(t)))

    with qtbot.waitSignal(c.coach_changed, check_params_cb=lambda code: code == "too_dark"):
        feed(0.0, 0.5, SpotState.WAITING, ("too_dark", "too_far"))
    assert emitted[-2:] == [None, "too_dark"]  # none on the first frame: it waits HINT_AFTER_S
    assert w.video.hint.isVisible() and w.video.hint.text() == "Too dark — add light in front of you"
    with qtbot.waitSignal(c.coach_changed, check_params_cb=lambda code: code is None):
        feed(0.5, 1.5, SpotState.SIGNING, ("too_dark",))  # a segment is open: say nothing
    assert emitted[-1] is None and not w.video.hint.isVisible()
    feed(1.5, 1.7, SpotState.WAITING, ("hand_lost",))  # just after the sign: not yet
    assert emitted[-1] is None and not w.video.hint.isVisible()
    with qtbot.waitSignal(c.coach_changed, check_params_cb=lambda code: code == "hand_lost"):
        feed(1.7, 2.0, SpotState.WAITING, ("hand_lost",))  # the sign is over: now say it
    assert w.video.hint.isVisible() and "hand was lost" in w.video.hint.text()
    w.set_language("ar")
    assert w.video.hint.text() == i18n.STRINGS["coach_hand_lost"]["ar"]
    assert w.layoutDirection() == w.video.hint.layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_a_message_over_the_video_hides_the_hint(make_window, qtbot, tiny_model):
    w = make_window(tiny_model)
    w.video.show_hint("too_far")
    assert w.video.hint.isVisible()
    w.video.show_message("x", "A message with buttons")
    assert not w.video.hint.isVisible()
    w.video.hide_message()
    assert w.video.hint.isVisible()
    hint, view = w.video.hint.geometry(), w.video.rect()
    assert view.contains(hint)  # nothing cut off


@pytest.mark.slow
def test_a_darkened_video_shows_too_dark_over_the_picture(make_window, qtbot, tiny_model, dense_video, tmp_path):
    dark = write_altered(dense_video, tmp_path / "dark.mp4", darken, hold_s=2.0)
    w = make_window(tiny_model)
    with qtbot.waitSignal(w.controller.coach_changed, timeout=WAIT_MS,
                          check_params_cb=lambda code: code == "too_dark"):
        w.controller.open_video(dark, loop=True)
    assert w.video.hint.isVisible() and w.video.hint.text().startswith("Too dark")
    picture = w.video.image_rect().toAlignedRect()
    assert picture.contains(w.video.hint.geometry())  # over the picture, whole


@pytest.mark.slow
def test_teach_dialog_shows_the_camera_check_before_the_countdown(make_window, qtbot, tiny_model, dense_video,
                                                                  tmp_path):
    far = write_altered(dense_video, tmp_path / "far.mp4", shrink_in_wide)
    w = make_window(tiny_model)
    dialog = w.personal.show_teach()
    assert not dialog.camera_check.isVisible()  # nothing running: no check
    # The check says what the coach sees even while the signer's hands are up (KArSL clips: all along).
    with qtbot.waitSignal(w.controller.coach_checked, timeout=WAIT_MS,
                          check_params_cb=lambda code: code == "too_far"):
        w.controller.open_video(far, loop=True)
    assert dialog.camera_check.isVisible()
    assert dialog.camera_check.text() == "Camera check: Too far — come closer so your hands look bigger"
    dialog.teach.step_ms = 50
    assert dialog.teach.record()  # the countdown: the check stays up
    assert dialog.camera_check.isVisible()
    qtbot.waitUntil(lambda: dialog.teach.state.value == "waiting", timeout=WAIT_MS)  # "sign now": it goes
    assert not dialog.camera_check.isVisible()
    dialog.teach.cancel()
    w.controller.open_video(dense_video, loop=True)
    qtbot.waitUntil(lambda: w.controller.coach_seen, timeout=WAIT_MS)
    assert dialog.camera_check.isVisible() and dialog.camera_check.text() == "Camera check: ready"
    dialog.close()
