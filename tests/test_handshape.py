"""Invariant hand-shape features: the same hand shape turned, moved or resized gives the same numbers."""

from __future__ import annotations

import numpy as np

from arsl_desktop.core.handshape import HANDSHAPE_DIM, TIPS, handshape, palm_size


def _hand(seed: int = 0) -> np.ndarray:
    """A plausible open hand: five fingers fanning out from a palm, with some bend."""
    rng = np.random.default_rng(seed)
    pts = [np.zeros(3)]
    for f, angle in enumerate(np.linspace(-0.9, 0.6, 5)):
        direction = np.array([np.sin(angle), -np.cos(angle), 0.1 * f])
        base = 0.3 * direction if f else np.array([0.25, -0.1, 0.05])
        for k in range(1, 5):
            bend = np.array([0.0, 0.05 * k, 0.08 * k]) * rng.uniform(0.5, 1.5)
            pts.append(base + direction * 0.12 * k + bend)
    return np.array(pts, np.float32)


def _rotation(ax: float, ay: float, az: float) -> np.ndarray:
    cx, sx, cy, sy, cz, sz = np.cos(ax), np.sin(ax), np.cos(ay), np.sin(ay), np.cos(az), np.sin(az)
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return (rz @ ry @ rx).astype(np.float32)


def test_shape_and_size():
    h = _hand()
    assert handshape(h).shape == (HANDSHAPE_DIM,)
    assert handshape(np.stack([h, h])).shape == (2, HANDSHAPE_DIM)
    assert palm_size(h) > 0


def test_invariant_to_in_plane_rotation_distance_and_place():
    h = _hand()
    moved = (h * 0.37) @ _rotation(0, 0, 1.1).T + np.array([0.4, 0.2, -0.1], np.float32)
    a, b = handshape(h), handshape(moved)
    # flexion, spread, tip distances and reach do not change; the palm normal turns with the hand
    np.testing.assert_allclose(a[:-3], b[:-3], atol=1e-4)
    np.testing.assert_allclose(b[-3:], _rotation(0, 0, 1.1) @ a[-3:], atol=1e-4)


def test_invariant_to_any_3d_rotation_except_the_normal():
    h = _hand(3)
    turned = h @ _rotation(0.5, -0.7, 0.3).T
    np.testing.assert_allclose(handshape(h)[:-3], handshape(turned)[:-3], atol=1e-4)


def test_a_closed_fist_differs_from_an_open_hand():
    open_hand = _hand()
    fist = open_hand.copy()
    for tip in TIPS[1:]:
        fist[tip] = fist[tip - 3] + np.array([0.0, 0.05, 0.05])  # fingertips back at the knuckles
    a, b = handshape(open_hand), handshape(fist)
    reach = slice(HANDSHAPE_DIM - 8, HANDSHAPE_DIM - 3)
    assert (b[reach][1:] < a[reach][1:]).all()  # every finger reaches less far from the wrist


def test_degenerate_hand_gives_finite_numbers():
    assert np.isfinite(handshape(np.zeros((21, 3), np.float32))).all()
