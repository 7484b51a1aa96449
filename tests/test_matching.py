"""The template matcher of personal signs: features, alignment, shortlist."""

from __future__ import annotations

import numpy as np
import pytest
from training_synth import synth_clip

from arsl_desktop.core import features as F
from arsl_desktop.core import matching
from arsl_desktop.core.dtw import dtw_distances


def test_dtw_batch_is_the_reference_dtw_vectorised():
    rng = np.random.default_rng(0)
    q, refs = rng.normal(size=(12, 5)), rng.normal(size=(30, 12, 5))
    np.testing.assert_allclose(matching.dtw_batch(q, refs), dtw_distances(q, refs), rtol=1e-12)
    shifted = np.concatenate([q[:1], q[:-1]])  # the same sequence one step late: DTW forgives it
    assert matching.dtw_batch(q, shifted[None])[0] < matching.straight_distances(q, shifted[None])[0]


def test_the_straight_path_bounds_dtw_and_the_shortlist_keeps_the_nearest():
    rng = np.random.default_rng(1)
    refs = rng.normal(size=(300, matching.MATCH_STEPS, 8))
    q = refs[123] + rng.normal(0, 0.05, refs[123].shape)
    bank = matching.ExampleBank(refs)
    exact = matching.dtw_batch(q, refs)
    straight = matching.straight_distances(q, refs)
    np.testing.assert_allclose(bank.straight_distances(q), straight, rtol=1e-4)  # float32, step by step
    assert np.all(straight >= exact - 1e-9)
    short = bank.distances(q, shortlist=16)
    assert int(np.argmin(short)) == 123 and short[123] == pytest.approx(exact[123], rel=1e-4)
    assert np.all(short >= exact - 1e-4)  # the others keep an upper bound, never a better score


def test_match_features_are_body_relative_and_a_missing_hand_is_zero():
    c = synth_clip(3, frames=20)
    f = matching.frame_match_features(c.xyz, c.present, c.aspect)
    assert f.shape == (20, matching.MATCH_DIM)
    moved = c.xyz.copy()
    moved[..., 0] += np.where(c.xyz[..., 0] != 0, 0.1, 0)  # the signer a little to the side
    np.testing.assert_allclose(matching.frame_match_features(moved, c.present, c.aspect), f, atol=1e-5)
    left = slice(2 * len(matching.UPPER_BODY), 2 * len(matching.UPPER_BODY) + 4 * F.N_HAND)
    assert not c.present[:, F.LEFT].any() and np.all(f[:, left] == 0)


def test_a_15_fps_recording_gives_the_same_sequence_as_30_fps():
    """Sampled in time, not by frame: a webcam's rate does not change what is matched."""
    c = synth_clip(5, frames=60)
    full = matching.match_sequence(c.xyz, c.present, c.times, c.aspect, trim=False)
    half = matching.match_sequence(c.xyz[::2], c.present[::2], c.times[::2], c.aspect, trim=False)
    other = synth_clip(6, frames=60)
    d = matching.dtw_batch(full, np.stack([half, matching.match_sequence(other.xyz, other.present, other.times,
                                                                        other.aspect, trim=False)]))
    assert d[0] < 0.2 * d[1]


def test_sign_distances_take_each_signs_nearest_example():
    from arsl_desktop.core.personal_match import sign_distances

    d = np.array([[3.0, 1.0, 2.0, 5.0, 4.0], [0.5, 9.0, 9.0, 1.0, 0.2]])
    owner = np.array([2, 0, 0, 2, 1])  # in any order; sign 3 has no example
    np.testing.assert_array_equal(sign_distances(d, owner, 4), [[1.0, 4.0, 3.0, np.inf], [9.0, 0.2, 0.5, np.inf]])


def test_a_hand_resting_in_the_lap_does_not_count():
    """Whether the camera sees the resting hand depends on the framing, not on the sign."""
    c = synth_clip(4, frames=20)
    seen = c.xyz.copy(), c.present.copy()
    seen[0][:, F.LEFT_SL, :2] = np.array([0.7, 0.9], np.float32)  # the other hand lies in the lap...
    seen[1][:, F.LEFT] = True
    np.testing.assert_array_equal(matching.hand_weights(*seen, c.aspect), [0.0, 1.0])
    without = matching.match_sequence(c.xyz, c.present, c.times, c.aspect)
    with_lap = matching.match_sequence(*seen, c.times, c.aspect)
    np.testing.assert_allclose(with_lap, without, atol=1e-6)  # ...and the sign is the same sign
    half = seen[0].copy()
    half[:, F.LEFT_SL, 1] = 0.55 + 0.24 * (F.RAISED_Y + matching.HAND_UP_Y) / 2  # halfway up
    assert matching.hand_weights(half, seen[1], c.aspect)[0] == pytest.approx(0.5, abs=0.02)


def test_a_match_sequence_weighs_the_arms_up_and_the_hands_own_shape_down():
    """The upper body (7 points) weighs x BODY_WEIGHT beside the hands' 42 points each, and a
    hand's shape relative to its wrist (the noisiest part of a small, dim hand) x HAND_SHAPE_WEIGHT."""
    c = synth_clip(3, frames=20)
    plain = matching.match_sequence(c.xyz, c.present, c.times, c.aspect, trim=False)
    raw = matching.sample_steps(matching.frame_match_features(c.xyz, c.present, c.aspect))
    body, hand = 2 * len(matching.UPPER_BODY), 2 * F.N_HAND
    weights = matching.hand_weights(c.xyz, c.present, c.aspect)
    np.testing.assert_allclose(plain[:, :body], matching.BODY_WEIGHT * raw[:, :body], rtol=1e-6)
    for i, w in enumerate(weights):
        start = body + 2 * i * hand
        np.testing.assert_allclose(plain[:, start:start + hand], w * raw[:, start:start + hand], rtol=1e-6)
        np.testing.assert_allclose(plain[:, start + hand:start + 2 * hand],
                                   w * matching.HAND_SHAPE_WEIGHT * raw[:, start + hand:start + 2 * hand], rtol=1e-6)
    assert matching.BODY_WEIGHT > 1 > matching.HAND_SHAPE_WEIGHT


def test_a_bigger_movement_is_farther_than_the_same_path_at_another_place():
    """The wrists' ranges (`extents`) count beside the aligned path: a hand moving down twice as
    far is told from the same small movement made a little to the side."""
    c = synth_clip(3, frames=20)
    seq = matching.match_sequence(c.xyz, c.present, c.times, c.aspect, trim=False)
    ext = matching.extents(seq)
    assert ext.shape == (4,) and np.all(ext >= 0)
    assert np.all(matching.extents(np.zeros_like(seq)) == 0)  # no hand seen: no range
    assert not c.present[:, F.LEFT].any() and ext[0] == ext[1] == 0 and ext[3] > 0.1  # the right hand signs
    wrist = 2 * len(matching.UPPER_BODY) + 4 * F.N_HAND  # the right hand's wrist x, y
    bigger, aside = seq.copy(), seq.copy()
    bigger[:, wrist + 1] *= 2.0  # up-down twice as far (about its own place: the same mean scale)
    aside[:, wrist] += 0.3  # the same path, further to the side
    d_extent = matching.extent_distances(seq, matching.extents(np.stack([bigger, aside])))
    assert d_extent[0] == pytest.approx(matching.EXTENT_WEIGHT * ext[3], rel=1e-5)
    assert d_extent[1] == pytest.approx(0.0, abs=1e-6)
    bank = matching.ExampleBank(np.stack([bigger, aside]))
    plain = matching.dtw_batch(seq, np.stack([bigger, aside]))
    np.testing.assert_allclose(bank.distances(seq), plain + d_extent, rtol=1e-5)


def test_the_compact_bank_gives_the_distances_of_the_full_sequences():
    """Match sequences built by `match_sequence` are read in compact form (a hand's own shape
    follows from its joints): the same straight and DTW distances, half the numbers read."""
    clips = [synth_clip(s, frames=30 + s) for s in range(40)]
    seqs = np.stack([matching.match_sequence(c.xyz, c.present, c.times, c.aspect) for c in clips])
    assert matching.is_foldable(seqs)
    bank = matching.ExampleBank(seqs)
    assert bank.folded and bank.steps.shape[-1] < matching.MATCH_DIM
    q = seqs[7] + np.float32(0.01)  # a query need not be foldable itself
    np.testing.assert_allclose(matching.fold_query(q.astype(np.float64)) @ bank.steps[3].T,
                               q.astype(np.float64) @ seqs[:, 3].T.astype(np.float64), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(bank.straight_distances(q), matching.straight_distances(q, seqs), rtol=1e-4)
    full = matching.dtw_batch(q, seqs) + matching.extent_distances(q, matching.extents(seqs))
    np.testing.assert_allclose(bank.distances(q, shortlist=8)[np.argsort(full)[:3]], np.sort(full)[:3], rtol=1e-6)
    shaken = seqs.copy()
    shaken[:, :, -1] += 1.0  # an own-shape column that no longer follows its joints: read in full
    assert not matching.is_foldable(shaken) and not matching.ExampleBank(shaken).folded
    np.testing.assert_allclose(bank.sequences, seqs, atol=1e-6)  # the compact form gives the sequences back
    small = matching.ExampleBank(seqs[:5])  # no shortlist: every example aligned, from the compact form
    np.testing.assert_allclose(small.distances(q), full[:5], rtol=1e-6)
