"""Learn mode's core (core/practice.py, core/feedback.py) on real KArSL recordings."""

from __future__ import annotations

import re

import numpy as np
import pytest

from arsl_desktop.core import features as F
from arsl_desktop.core import feedback as FB
from arsl_desktop.core import matching as M
from arsl_desktop.core import practice as P
from arsl_desktop.core.personal_store import Example


def _attempt(folder) -> Example:
    from arsl_desktop.core.landmarks import create_landmarker
    from arsl_desktop.core.sources import open_source

    with create_landmarker() as lm, open_source(folder) as src:
        return Example.from_keypoints([lm.process(f.image, f.timestamp) for f in src])


@pytest.fixture(scope="module")
def attempts(sample_dir):
    """Test-split recordings of signer 02 (never among the shipped references, which are training
    recordings for these signs): sign 75 and its look-alike neighbour 76."""
    base = sample_dir / "frames" / "02" / "test"
    return {sign: _attempt(sorted((base / f"{sign:04d}").iterdir())[0]) for sign in (75, 76)}


def test_shipped_references_cover_the_model_and_are_small():
    from arsl_desktop import paths

    path = paths.resource(*P.REFERENCES_FILE)
    assert path.stat().st_size < 4_000_000
    assert P.karsl_reference_signs() == list(range(1, 83))
    for sign in (1, 70, 75, 82):
        refs = P.karsl_references(sign)
        assert 1 <= len(refs) <= 3
        assert all(r.xyz.shape[1:] == (100, 3) and r.present.any() and r.times[0] == 0 for r in refs)
    assert P.karsl_references(400) == []
    with np.load(path) as z:
        assert z["xyz"].dtype == np.float16 and "samples" in z  # keypoints only, never images


def test_right_sign_scores_above_its_look_alike(attempts):
    right = P.score_attempt(attempts[75], P.karsl_references(75))
    other = P.score_attempt(attempts[76], P.karsl_references(75))
    assert right.score > other.score + 30
    assert right.passed and not other.passed
    assert 0 <= other.score <= 100 and other.feedback  # a failed attempt always says what to fix
    assert other.worst == (other.feedback[0].start, other.feedback[0].end)


def test_path_and_reference_index_point_into_the_recordings(attempts):
    refs = P.karsl_references(75)
    res = P.score_attempt(attempts[75], refs)
    assert 0 <= res.reference_index < len(refs)
    ref = refs[res.reference_index]
    a = np.array(res.path)
    assert (np.diff(a, axis=0) >= 0).all()  # monotonic in both recordings
    assert a[:, 0].max() < attempts[75].frames and a[:, 1].max() < ref.frames
    for f in res.feedback:
        assert 0 <= f.start <= f.end <= attempts[75].times[-1] + 1e-6


def test_signing_with_the_other_hand_is_recognised_as_mirrored(attempts):
    ex = attempts[75]
    xyz, present = F.mirror_keypoints(ex.xyz, ex.present)
    mirrored = Example(xyz, present, ex.times, ex.aspect)
    plain = P.score_attempt(ex, P.karsl_references(75))
    res = P.score_attempt(mirrored, P.karsl_references(75))
    assert res.mirrored and not plain.mirrored
    assert abs(res.score - plain.score) < 1.0


def test_half_speed_is_told_to_sign_faster(attempts):
    ex = attempts[75]
    slow = Example(ex.xyz, ex.present, ex.times * 2.5, ex.aspect)
    res = P.score_attempt(slow, P.karsl_references(75))
    assert res.feedback and res.feedback[0].part == "speed"
    assert res.feedback[0].text_en.startswith("Sign faster")


def test_no_hands_scores_zero_with_that_feedback(attempts):
    ex = attempts[75]
    present = ex.present.copy()
    present[:, 2:] = False
    res = P.score_attempt(Example(ex.xyz, present, ex.times, ex.aspect), P.karsl_references(75))
    assert res.score == 0 and not res.passed and res.reference_index == -1 and res.worst is None
    assert [f.part for f in res.feedback] == ["no_hands"]
    with pytest.raises(ValueError):
        P.score_attempt(ex, [])


def test_dtw_path_cost_is_the_batch_distance():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(M.MATCH_STEPS, 6)), rng.normal(size=(M.MATCH_STEPS, 6))
    d, path = P.dtw_path(M.cost_matrices(a, b[None])[0])
    assert d == pytest.approx(M.dtw_batch(a, b[None])[0])
    assert path[0] == (0, 0) and path[-1] == (M.MATCH_STEPS - 1, M.MATCH_STEPS - 1)
    assert all(0 <= i2 - i1 <= 1 and 0 <= j2 - j1 <= 1 for (i1, j1), (i2, j2) in zip(path, path[1:], strict=False))


def test_score_map_is_monotonic_and_bounded():
    margins = np.linspace(-3, 3, 61)
    scores = [P.score_of(1.0 + m, 1.0) for m in margins]
    assert all(0 <= s <= 100 for s in scores) and all(np.diff(scores) <= 0)
    assert P.score_of(0.0, 1.0) > P.PASS_MARK > P.score_of(3.0, 1.0)


def test_every_text_has_english_and_arabic():
    for key, (en, ar) in FB.TEXTS.items():
        assert en and re.search("[\u0600-\u06ff]", ar), key
        assert set(re.findall(r"{(\w+)", en)) == set(re.findall(r"{(\w+)", ar)), key


def _clip(ex: Example, sign: int = 75, signer: str = "02", split: str = "test", sample: str = "s"):
    from training.cache import Clip

    return Clip(ex.xyz.copy(), ex.present.copy(), ex.times.copy(), ex.aspect, signer, split, sign, sample)


def test_references_prefer_training_recordings_and_take_signers_in_turn(attempts):
    from training.references import select, trimmed

    ex = attempts[75]
    clips = ([_clip(ex, 5, "01", "train", f"a{i}") for i in range(3)] + [_clip(ex, 5, "02", "train", "b0")]
             + [_clip(ex, 5, "02", "test", "t0"), _clip(ex, 6, "01", "test", "t1")])
    chosen = select(clips, per_sign=3)
    assert [c.sample for c in chosen[5]] == ["a0", "b0", "a1"]
    assert [c.sample for c in chosen[6]] == ["t1"]  # no training recording: a test one rather than none
    assert 6 not in select(clips, per_sign=3, splits=("train",))
    cut = trimmed(clips[0])
    assert cut.times[0] == 0 and 0 < cut.frames <= ex.frames and cut.recorded_by == "KArSL signer 01"


def test_alterations_change_only_their_part(attempts):
    from arsl_desktop.core import features as F
    from training import learn_alter as A

    clip = _clip(attempts[75])
    h = A.signing_hand(clip)
    wrist = F.LEFT_SL.start if h == 0 else F.RIGHT_SL.start
    swapped = A.swap_shape(clip, _clip(attempts[76], 76))
    assert np.allclose(swapped.xyz[:, wrist], clip.xyz[:, wrist]) and not np.allclose(swapped.xyz, clip.xyz)
    moved = A.move_place(clip)
    shift = (moved.xyz[:, wrist, 0] - clip.xyz[:, wrist, 0])[clip.present[:, 2 + h]]
    width = F.body_reference(clip.xyz, clip.present, clip.aspect)[1]
    assert np.abs(shift).max() * clip.aspect == pytest.approx(A.PLACE_SHIFT * width, rel=1e-4)
    for alter in (A.reverse_movement, A.freeze_movement):
        out = alter(clip)
        span = F.signing_span(clip.xyz, clip.present, clip.times, clip.aspect)
        assert F.signing_span(out.xyz, out.present, out.times, out.aspect) == span  # the span stays
    assert np.allclose(A.half_speed(clip).times, clip.times * 2)


def test_learn_eval_measures():
    from training import learn_eval as E

    assert E.neighbour(1) == 2 and E.neighbour(70) == 69 and E.neighbour(77) == 73 and E.neighbour(71) is None
    assert E.auc(np.array([0.1, 0.2]), np.array([0.3, 0.4])) == 1.0  # right attempts nearer: perfect
    assert E.auc(np.array([0.3, 0.4]), np.array([0.1, 0.2])) == 0.0
    rng = np.random.default_rng(0)
    mid, slope = E.fit_logistic(rng.normal(-1, 0.3, 400), rng.normal(1, 0.3, 400))
    assert abs(mid) < 0.1 and slope > 3
    assert E.margins({1: 0.5, 2: 0.8, 3: 2.0}) == pytest.approx({1: -0.3, 2: 0.3, 3: 1.5})


def test_two_handed_sign_names_the_hand_whose_shape_differs():
    """Sign 71 is two-handed (both hands sign about as much): a changed shape of EITHER hand is a
    hand-shape item naming that hand, not the vaguer "other hand differs"."""
    donor = P.karsl_references(5)[0]
    assert len(FB.compared_hands(P.prepare_example(P.karsl_references(75)[0]))) == 1  # one-handed
    for ref in (P.karsl_references(71)[k] for k in (0, 2)):
        assert len(FB.compared_hands(P.prepare_example(ref))) == 2
        for name, sl in (("left", F.LEFT_SL), ("right", F.RIGHT_SL)):
            xyz = ref.xyz.astype(np.float32)
            pick = np.round(np.linspace(0, donor.frames - 1, ref.frames)).astype(int)
            hand = donor.xyz[pick][:, F.RIGHT_SL].astype(np.float32)
            xyz[:, sl] = xyz[:, sl][:, :1] + (hand - hand[:, :1])
            res = P.score_attempt(Example(xyz, ref.present, ref.times, ref.aspect), [ref])
            assert res.feedback[0].part == "hand_shape"
            assert res.feedback[0].text_en.startswith(f"Your {name} hand's shape"), res.feedback
