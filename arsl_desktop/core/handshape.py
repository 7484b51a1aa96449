"""Hand-shape features that do not change with the hand's rotation, distance or size.

Numbers and letters in KArSL differ mostly by hand shape, and a new signer holds the hand
at another angle, nearer or farther. Relative joint positions alone change with all of
that; these do not (or only with the palm's facing, on purpose):

    15 flexion angles   each finger's three joints (MCP/PIP/DIP; thumb CMC/MCP/IP), / pi
     4 spread angles    between neighbouring fingers' first bones, / pi
    10 tip distances    between the five fingertips, / palm size
     5 tip reach        each fingertip to the wrist, / palm size
     3 palm normal      unit normal of the palm plane (which way the palm faces)
    -> HANDSHAPE_DIM = 37 per hand

Palm size is the mean of wrist->index MCP, wrist->middle MCP and wrist->pinky MCP, more
stable than a single bone. Input: (..., 21, 3) hand points in isotropic units.
"""

from __future__ import annotations

import numpy as np

FINGERS = ((1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16), (17, 18, 19, 20))
TIPS = np.array([4, 8, 12, 16, 20])
_TIP_PAIRS = np.array([(a, b) for i, a in enumerate(TIPS) for b in TIPS[i + 1:]])
# (previous point, joint, next point) for each flexion angle; 0 is the wrist
_JOINTS = np.array([(prev, j, nxt) for f in FINGERS for prev, j, nxt in zip((0,) + f[:2], f[:3], f[1:], strict=True)])
_SPREAD = np.array([(FINGERS[i][0], FINGERS[i][1], FINGERS[i + 1][0], FINGERS[i + 1][1]) for i in range(4)])
HANDSHAPE_DIM = len(_JOINTS) + len(_SPREAD) + len(_TIP_PAIRS) + len(TIPS) + 3
_EPS = 1e-6


def _angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Angle between vectors on the last axis, in [0, 1] (fraction of pi)."""
    nu = np.linalg.norm(u, axis=-1)
    nv = np.linalg.norm(v, axis=-1)
    cos = (u * v).sum(-1) / np.maximum(nu * nv, _EPS)
    return np.arccos(np.clip(cos, -1.0, 1.0)) / np.pi


def palm_size(hand: np.ndarray) -> np.ndarray:
    """(...,) mean distance from the wrist to the index, middle and pinky knuckles."""
    wrist = hand[..., :1, :]
    return np.linalg.norm(hand[..., [5, 9, 17], :] - wrist, axis=-1).mean(-1)


def handshape(hand: np.ndarray) -> np.ndarray:
    """(..., 21, 3) -> (..., HANDSHAPE_DIM) float32 invariant hand-shape features."""
    hand = np.asarray(hand, np.float32)
    size = np.maximum(palm_size(hand), _EPS)[..., None]
    p, j, n = (hand[..., _JOINTS[:, k], :] for k in range(3))
    flex = _angle(j - p, n - j)
    a0, a1, b0, b1 = (hand[..., _SPREAD[:, k], :] for k in range(4))
    spread = _angle(a1 - a0, b1 - b0)
    tips = np.linalg.norm(hand[..., _TIP_PAIRS[:, 0], :] - hand[..., _TIP_PAIRS[:, 1], :], axis=-1) / size
    reach = np.linalg.norm(hand[..., TIPS, :] - hand[..., :1, :], axis=-1) / size
    normal = np.cross(hand[..., 5, :] - hand[..., 0, :], hand[..., 17, :] - hand[..., 0, :])
    normal = normal / np.maximum(np.linalg.norm(normal, axis=-1, keepdims=True), _EPS)
    return np.concatenate([flex, spread, tips, reach, normal], axis=-1).astype(np.float32)
