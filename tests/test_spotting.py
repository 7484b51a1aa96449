"""Spotting on synthetic keypoint streams: rest, signing, holding still, hand blips."""

from __future__ import annotations

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core.landmarks import Keypoints
from arsl_desktop.core.spotting import SignSpotter, SpotState, SpotterConfig

FPS = 30


def _frame(t: float, hand_y: float | None, wiggle: float = 0.0) -> Keypoints:
    xyz, present = F.empty_keypoints()
    present[F.POSE] = True
    xyz[F.L_SHOULDER, :2] = (0.6, 0.4)
    xyz[F.R_SHOULDER, :2] = (0.4, 0.4)
    if hand_y is not None:
        present[F.RIGHT] = True
        xyz[F.RIGHT_SL, 0] = 0.4 + wiggle + np.linspace(0, 0.05, F.N_HAND)
        xyz[F.RIGHT_SL, 1] = hand_y + np.linspace(0, -0.08, F.N_HAND)
    return Keypoints(xyz, present, 640, 480, t)


def _stream(plan):
    """plan: list of (seconds, kind) with kind in rest/sign/hold/gone -> Keypoints at 30 fps."""
    frames, t = [], 0.0
    for seconds, kind in plan:
        for i in range(int(round(seconds * FPS))):
            if kind == "rest":
                frames.append(_frame(t, 0.95))
            elif kind == "gone":
                frames.append(_frame(t, None))
            elif kind == "hold":
                frames.append(_frame(t, 0.5, 0.0))
            else:
                frames.append(_frame(t, 0.5, 0.06 * np.sin(2 * np.pi * 1.5 * i / FPS)))
            t += 1 / FPS
    return frames


def _segments(frames, config=None):
    sp = SignSpotter(config)
    segs = [s for s in map(sp.push, frames) if s is not None]
    last = sp.flush()
    return segs + ([last] if last else [])


def test_two_signs_separated_by_rest():
    segs = _segments(_stream([(1, "rest"), (1, "sign"), (0.8, "rest"), (1.2, "sign"), (1, "rest")]))
    assert len(segs) == 2
    (a, b) = segs
    assert abs(a.start - 1.0) < 0.15 and abs(a.end - 2.0) < 0.15
    assert abs(b.start - 2.8) < 0.15 and abs(b.end - 4.0) < 0.15
    assert all(s.reason == "hands_down" for s in segs)


def test_held_sign_is_reported_once():
    """A static handshape held for 3 s (a number or a letter) gives one segment, not a stream."""
    segs = _segments(_stream([(0.5, "rest"), (0.5, "sign"), (3, "hold"), (0.5, "rest")]))
    assert len(segs) == 1 and segs[0].reason == "still"


def test_blip_shorter_than_minimum_is_ignored():
    segs = _segments(_stream([(1, "rest"), (0.15, "sign"), (1, "rest")]))
    assert segs == []


def test_maximum_length_splits_and_end_of_stream_flushes():
    cfg = SpotterConfig(max_duration_s=2.0)
    segs = _segments(_stream([(0.5, "rest"), (5, "sign")]), cfg)
    assert [s.reason for s in segs] == ["max_length", "max_length", "end_of_stream"]
    assert all(s.duration <= 2.0 + 1 / FPS + 1e-6 for s in segs)  # closes on the frame that reaches it


def test_states():
    sp = SignSpotter()
    assert sp.state == SpotState.NO_PERSON
    xyz, present = F.empty_keypoints()
    sp.push(Keypoints(xyz, present, 640, 480, 0.0))
    assert sp.state == SpotState.NO_PERSON
    for k in _stream([(0.2, "rest")]):
        sp.push(k)
    assert sp.state == SpotState.WAITING
    for k in _stream([(0.3, "sign")]):
        sp.push(k)
    assert sp.state == SpotState.SIGNING


def test_hand_lost_mid_sign_does_not_split_it():
    segs = _segments(_stream([(0.5, "rest"), (0.6, "sign"), (0.1, "gone"), (0.6, "sign"), (0.6, "rest")]))
    assert len(segs) == 1


def _shaped(t: float, curl: float) -> Keypoints:
    """A hand held still at chest height; `curl` moves the fingertips toward the wrist (a new
    static hand shape, as a number or a letter)."""
    kp = _frame(t, 0.5)
    xyz = kp.xyz.copy()
    wrist = xyz[F.RIGHT_SL.start].copy()
    for tip in (4, 8, 12, 16, 20):
        i = F.RIGHT_SL.start + tip
        xyz[i] = wrist + (xyz[i] - wrist) * (1 - curl)
    return Keypoints(xyz, kp.present, kp.width, kp.height, t)


def test_a_new_static_shape_after_a_held_one_is_a_new_sign():
    """Two static signs in a row with the wrist still (a number, then a letter): the first closes
    when held still, and the changed hand shape starts the second, as moving on would."""
    frames = _stream([(1, "rest"), (1, "sign")])
    t = frames[-1].timestamp
    frames += [_shaped(t + (i + 1) / FPS, 0.0) for i in range(30)]  # hold the first shape
    t = frames[-1].timestamp
    frames += [_shaped(t + (i + 1) / FPS, min(1.0, i / 6) * 0.7) for i in range(45)]  # curl, then hold
    t = frames[-1].timestamp
    frames += [_frame(t + (i + 1) / FPS, 0.95) for i in range(30)]  # rest
    segs = _segments(frames)
    assert [s.reason for s in segs] == ["still", "still"]  # each held, each reported once
    assert segs[1].start > segs[0].end
    still_only = _segments(frames, SpotterConfig(rearm_shape=float("inf")))  # the old rule: wrists only
    assert len(still_only) == 1
