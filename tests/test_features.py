"""The keypoint schema and its normalisation, on tiny synthetic keypoints."""

from __future__ import annotations

import numpy as np
import pytest

from arsl_desktop.core import features as F


def _body(T=10, seed=0):
    """A plausible frame sequence: shoulders at y=.45, both hands present and moving."""
    rng = np.random.default_rng(seed)
    xyz = np.zeros((T, F.N_KEYPOINTS, 3), np.float32)
    xyz[:, F.POSE_SL, :2] = rng.uniform(0.3, 0.7, (T, F.N_POSE, 2))
    xyz[:, F.L_SHOULDER, :2] = (0.6, 0.45)
    xyz[:, F.R_SHOULDER, :2] = (0.4, 0.45)
    xyz[:, F.FACE_SL, :2] = rng.uniform(0.4, 0.6, (T, F.N_FACE, 2))
    for sl, x0 in ((F.LEFT_SL, 0.6), (F.RIGHT_SL, 0.4)):
        xyz[:, sl, 0] = x0 + rng.uniform(-0.05, 0.05, (T, F.N_HAND))
        xyz[:, sl, 1] = np.linspace(0.5, 0.6, T)[:, None] + rng.uniform(-0.05, 0.05, (T, F.N_HAND))
        xyz[:, sl, 2] = rng.uniform(-0.02, 0.02, (T, F.N_HAND))
    present = np.ones((T, 4), bool)
    return xyz, present


def test_layout_is_consistent():
    assert F.N_KEYPOINTS == 100 and F.FEATURE_DIM == 282
    assert F.SCHEMA_VERSION == f"{F.KEYPOINT_SCHEMA}+{F.FEATURES_VERSION}"
    cols = np.concatenate(F.PART_COLS)
    assert sorted(cols) == list(range(F.FEATURE_DIM))  # every column belongs to exactly one part


def test_features_are_body_relative():
    xyz, present = _body()
    base = F.frame_features(xyz, present)
    moved = xyz.copy()
    moved[..., :2] = (moved[..., :2] - 0.5) * 1.7 + 0.5 + np.array([0.08, -0.05])  # zoom and shift
    moved[..., 2] *= 1.7
    np.testing.assert_allclose(F.frame_features(moved, present), base, atol=1e-4)


def test_aspect_ratio_is_undone():
    """The same body seen in a 4:3 frame (x squeezed by MediaPipe) gives the same features."""
    xyz, present = _body()
    wide = xyz.copy()
    wide[..., 0] = xyz[..., 0] * 3 / 4 + 0.125
    wide[..., 2] = xyz[..., 2] * 3 / 4
    np.testing.assert_allclose(F.frame_features(wide, present, aspect=4 / 3), F.frame_features(xyz, present),
                               atol=1e-4)


def test_missing_hand_is_explicit():
    xyz, present = _body()
    present[3:5, F.LEFT] = False
    feats = F.frame_features(xyz, present)
    assert (feats[3:5, F.LEFT_COLS] == 0).all()
    assert (feats[:3, F.LEFT_COLS.stop - 1] == 1).all()  # the present flag is the block's last column


def test_mirror_is_an_involution_and_swaps_hands():
    xyz, present = _body()
    present[:, F.LEFT] = False
    m_xyz, m_pres = F.mirror_keypoints(xyz, present)
    assert m_pres[:, F.RIGHT].sum() == 0 and m_pres[:, F.LEFT].all()
    np.testing.assert_allclose(m_xyz[:, F.LEFT_SL, 0], 1 - xyz[:, F.RIGHT_SL, 0], atol=1e-6)
    back_xyz, back_pres = F.mirror_keypoints(m_xyz, m_pres)
    np.testing.assert_allclose(back_xyz, xyz, atol=1e-6)
    assert (back_pres == present).all()


def test_resample_makes_sparse_and_dense_alike():
    """A linear movement recorded densely or at uneven sparse times resamples to the same sequence."""
    dense_t = np.arange(0, 43) / 30
    sparse_t = np.array([0, 4, 8, 9, 11, 13, 14, 15, 16, 17, 18, 20, 21, 22, 23, 24, 30, 42]) / 30

    def seq(t):
        f = np.zeros((len(t), F.FEATURE_DIM), np.float32)
        f[:, 0] = t * 2
        f[:, F.POSE_FLAG_COL] = 1
        return f

    a = F.resample(seq(dense_t), dense_t, 32)
    b = F.resample(seq(sparse_t), sparse_t, 32)
    np.testing.assert_allclose(a, b, atol=1e-5)
    assert a.shape == (32, F.FEATURE_DIM)


def test_resample_does_not_blend_a_missing_hand():
    t = np.arange(4) / 30
    f = np.zeros((4, F.FEATURE_DIM), np.float32)
    f[:2, F.LEFT_COLS] = 1.0  # hand present in frames 0-1, gone in 2-3
    out = F.resample(f, t, 7)
    flag = out[:, F.LEFT_COLS.stop - 1]
    assert set(np.unique(flag)) <= {0.0, 1.0}  # never half a hand


def test_resample_edge_cases():
    one = np.ones((1, F.FEATURE_DIM), np.float32)
    assert F.resample(one, np.zeros(1), 5).shape == (5, F.FEATURE_DIM)
    assert (F.resample(one[:0], np.zeros(0), 5) == 0).all()


def test_hands_raised_and_signing_span():
    xyz, present = _body(T=12)
    xyz[:3, F.LEFT_SL, 1] = xyz[:3, F.RIGHT_SL, 1] = 0.95  # hands resting low at first
    xyz[9:, F.LEFT_SL, 1] = xyz[9:, F.RIGHT_SL, 1] = 0.95  # and at the end
    raised = F.hands_raised(xyz, present)
    assert raised.tolist() == [False] * 3 + [True] * 6 + [False] * 3
    times = np.arange(12) / 30
    span = F.signing_span(xyz, present, times, margin=1.5 / 30)
    assert (span.start, span.stop) == (2, 10)


def test_signing_span_margin_stops_where_no_hand_is_seen():
    """A live segment's pre-roll as the hands come into view: frames without any hand are not
    part of the sign, so the margin does not reach into them (a model reads them as the sign)."""
    xyz, present = _body(T=12)
    present[:3, [F.LEFT, F.RIGHT]] = False  # hands not in view yet
    present[10:, [F.LEFT, F.RIGHT]] = False  # and gone again
    times = np.arange(12) / 30
    span = F.signing_span(xyz, present, times, margin=0.2)
    assert (span.start, span.stop) == (3, 10)
    present[:, F.LEFT] = True  # one hand seen all along: the margin is whole again
    xyz[:, F.LEFT_SL, 1] = 0.95  # but resting low
    span = F.signing_span(xyz, present, times, margin=2.5 / 30)
    assert (span.start, span.stop) == (1, 12)


@pytest.mark.parametrize("missing", [F.POSE, F.FACE])
def test_part_flags(missing):
    xyz, present = _body()
    present[:, missing] = False
    feats = F.frame_features(xyz, present)
    flag = F.POSE_FLAG_COL if missing == F.POSE else F.FACE_FLAG_COL
    assert (feats[:, flag] == 0).all()


def _one_handed(side: int, T: int = 10):
    """Only `side`'s hand is seen, raised to shoulder height (the other is out of the picture)."""
    xyz, present = _body(T)
    present[:, F.LEFT if side == F.RIGHT else F.RIGHT] = False
    sl = F.LEFT_SL if side == F.LEFT else F.RIGHT_SL
    xyz[:, sl, 1] = 0.45 + (xyz[:, sl, 1] - 0.55)
    xyz[:, F.LEFT_SL if side == F.RIGHT else F.RIGHT_SL] = 0.0
    return xyz, present


def test_hand_activity_names_the_signing_hand():
    left, right = F.hand_activity(*_one_handed(F.LEFT))
    assert left > 0 and right == 0
    xyz, present = _body()
    xyz[:, F.LEFT_SL, 1] = 0.95  # left hand hanging at rest, right hand up
    xyz[:, F.RIGHT_SL, 1] = 0.40
    left, right = F.hand_activity(xyz, present)
    assert right > left == 0


def test_two_handed_clips_are_not_mirrored():
    xyz, present = _body()
    xyz[:, F.LEFT_SL, 1] = 0.40  # both hands up, the left a little higher
    xyz[:, F.RIGHT_SL, 1] = 0.45
    left, right = F.hand_activity(xyz, present)
    assert left > right > F.ONE_HANDED * left
    assert not F.canonical_side(xyz, present)[2]
    assert F.signing_side(xyz, present) == 0


def test_the_signing_side_is_the_one_hand_that_signs_and_flips_in_the_mirror():
    xyz, present = _one_handed(F.LEFT)
    assert F.signing_side(xyz, present) == -1
    assert F.signing_side(*F.mirror_keypoints(xyz, present)) == 1
    none = present.copy()
    none[:, [F.LEFT, F.RIGHT]] = False
    assert F.signing_side(xyz, none) == 0  # no hand seen: no side


def test_app_computes_with_the_shipped_switches():
    xyz, present = _body()
    np.testing.assert_array_equal(F.frame_features(xyz, present), F.frame_features(xyz, present, **F.APP_OPTIONS))


def test_canonical_side_makes_either_hand_the_same_sign():
    """A sign made with the left hand gives exactly the features of its mirror image made with the right."""
    xyz, present = _one_handed(F.LEFT)
    m_xyz, m_present = F.mirror_keypoints(xyz, present)
    _, _, flipped = F.canonical_side(xyz, present)
    _, _, flipped_mirror = F.canonical_side(m_xyz, m_present)
    assert flipped and not flipped_mirror
    np.testing.assert_allclose(F.frame_features(xyz, present, canonical=True),
                               F.frame_features(m_xyz, m_present, canonical=True), atol=1e-5)
    # without the canonical side they differ: the switch is what makes them equal
    assert not np.allclose(F.frame_features(xyz, present, canonical=False),
                           F.frame_features(m_xyz, m_present, canonical=False), atol=1e-3)


def test_shape_switch_only_zeroes_the_invariant_columns():
    xyz, present = _body()
    full = F.frame_features(xyz, present, shape=True)
    plain = F.frame_features(xyz, present)
    for cols in (F.LEFT_COLS, F.RIGHT_COLS):
        inv = slice(cols.start + F.HANDSHAPE_OFFSET, cols.stop - 1)
        assert (plain[:, inv] == 0).all() and np.abs(full[:, inv]).sum() > 0
        full[:, inv] = 0
    np.testing.assert_allclose(full, plain)
