"""The continuous-signing measure (`training.continuous`): streams made of recordings, the edit
distance that scores them, and the app's recogniser running over them."""

from __future__ import annotations

import numpy as np
import pytest
from training_synth import synth_clip

from arsl_desktop.core import features as F
from arsl_desktop.core.spotting import SignSpotter
from training import continuous as C


def _group(signs=(1, 2, 3, 4, 5)):
    return [synth_clip(s, frames=36, k=i) for i, s in enumerate(signs)]


def test_edit_ops_counts_each_kind_of_error():
    assert C.edit_ops([1, 2, 3], [1, 2, 3]) == (0, [], [], [])
    assert C.edit_ops([1, 2, 3], [1, 4, 3]) == (1, [(2, 4)], [], [])
    assert C.edit_ops([1, 2, 3], [1, 3]) == (1, [], [2], [])
    assert C.edit_ops([1, 2, 3], [1, 2, 2, 3]) == (1, [], [], [2])
    assert C.edit_ops([1, 2], []) == (2, [], [1, 2], [])


def test_compose_never_puts_a_sign_twice_in_a_row():
    clips = [synth_clip(s, k=k) for s in (1, 2, 3) for k in range(4)]
    groups = C.compose(clips, seed=1, per_stream=4)
    assert len(groups) == 3 and all(len(g) == 4 for g in groups)
    for g in groups:
        assert all(a.sign != b.sign for a, b in zip(g, g[1:], strict=False))
    assert len({c.sample for g in groups for c in g}) == 12  # each recording once


def _spotted(stream):
    sp = SignSpotter()
    segs = [s for kp in stream.keypoints() if (s := sp.push(kp)) is not None]
    last = sp.flush()
    return segs + ([last] if last else [])


def test_rest_stream_brings_the_hands_down_between_signs():
    s = C.splice(_group(), "rest")
    assert s.signs == (1, 2, 3, 4, 5) and np.all(np.diff(s.times) > 0)
    hands = s.present[:, F.LEFT] | s.present[:, F.RIGHT]
    assert not hands[0] and not hands[-1]  # starts and ends at rest
    gaps = np.diff(hands.astype(int))
    assert (gaps == 1).sum() == 5  # the hands come into view once per sign
    assert len(_spotted(s)) == 5  # and the spotter finds each sign on its own


def test_no_rest_stream_keeps_the_hands_up_between_signs():
    s = C.splice(_group(), "no_rest")
    hands = s.present[:, F.LEFT] | s.present[:, F.RIGHT]
    first, last = np.nonzero(hands)[0][[0, -1]]
    assert hands[first:last + 1].all()  # never down between signs
    segs = _spotted(s)
    assert len(segs) < 5  # the spotter alone cannot tell the signs apart: that is what splitting is for


def test_bodies_are_placed_where_the_first_one_is():
    group = _group()
    moved = group[1]
    moved.xyz[..., 0] += 0.1  # the second recording's signer stands elsewhere
    s = C.splice(group, "rest")
    centre0, width0 = F.body_reference(group[0].xyz, group[0].present, 1.0)
    i0 = len(group[0].times) + C.LOWER_FRAMES + round(C.REST_S * C.FPS) + 2 * C.LOWER_FRAMES + round(C.REST_S * C.FPS)
    centre, width = F.body_reference(s.xyz[i0:i0 + 5], s.present[i0:i0 + 5], 1.0)
    assert np.allclose(centre, centre0, atol=1e-4) and width == pytest.approx(width0, rel=1e-4)
