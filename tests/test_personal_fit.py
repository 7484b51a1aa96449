"""The personal-sign fusion's fit (training.personal_eval.fit) honours its guards."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("torch")  # training.personal_eval imports the training stack

from training import personal_eval as P  # noqa: E402


def computed(n: int, p_top: float, cls: int, near: float, far: float, truth: int | None) -> P.Computed:
    """n queries the model gives class `cls` with `p_top` (of 2 classes); each is `near` the
    examples of taught sign 0 and `far` from those of taught sign 1 (two examples each)."""
    probs = np.tile([1 - p_top, p_top] if cls == 1 else [p_top, 1 - p_top], (n, 1))
    dtw = np.tile([near, near, far, far], (n, 1))
    target = np.full(n, 2 + truth if truth is not None else cls)
    return P.Computed(probs, dtw, np.zeros_like(dtw), np.array([0, 0, 1, 1]), target, np.full(len(P.NEW), -1),
                      np.zeros(0, bool))


def test_a_fusion_that_lets_taught_signs_take_a_known_look_alike_is_refused():
    taught = [computed(20, 0.9, 0, 0.5, 2.0, truth=0)]  # new words the model is sure are class 0
    known = computed(10, 0.999, 0, 3.0, 3.0, truth=None)  # its own training recordings: far from both
    lookalike = [computed(20, 0.9, 1, 0.5, 2.0, truth=None)]  # a known sign as close as the taught word
    free, _, _ = P.fit(taught, known)
    assert P._top1(taught[0], free) == 1.0 and P._top1(lookalike[0], free) == 0.0  # the look-alike is taken
    guarded, report, by_reach = P.fit(taught, known, lookalike)
    assert P._top1(lookalike[0], guarded) >= 1.0 - P.LOOKALIKE_KEEP
    assert P._top1(known, guarded) == 1.0
    assert all(v["lookalike_top1"][0] >= 1.0 - P.LOOKALIKE_KEEP for v in (*report.values(), *by_reach.values()))


def test_max_distance_reaches_a_true_sign_beyond_the_99th_percentile():
    near = computed(99, 0.6, 0, 1.0, 3.0, truth=0)
    far = computed(1, 0.6, 0, 1.2, 3.0, truth=0)  # the nearest taught sign, but farther than the rest
    taught = [P.Computed(*(np.concatenate([getattr(near, f), getattr(far, f)]) for f in ("probs", "dtw", "cos")),
                         near.owner, np.concatenate([near.target, far.target]), near.adapts, np.zeros(0, bool))]
    known = computed(10, 0.999, 0, 3.0, 3.0, truth=None)
    fusion, _, by_reach = P.fit(taught, known)
    assert list(by_reach) == ["1.01", "1.26", "1.51"]  # 99th percentile 1.002 times MAX_DISTANCE_REACH, rounded up
    assert by_reach["1.01"]["mean_top1"] == 0.99  # the far recording is never offered
    assert fusion.max_distance >= 1.2 and P._top1(taught[0], fusion) == 1.0


def test_held_out_queries_from_another_recording_day_are_counted():
    from training.cache import Clip

    def clip(sign: int, stamp: str) -> Clip:
        return Clip(np.zeros((1, 100, 3), np.float32), np.zeros((1, 4), bool), np.zeros(1), 1.0, "01", "train",
                    sign, f"03_01_{sign:04d}_({stamp})", "")

    assert P.recording_day("03_01_0071_(01_12_16_15_52_44)") == "01_12_16"
    taught = [clip(71, "01_12_16_15_52_44"), clip(72, "20_11_16_16_00_01")]
    queries = [clip(71, "01_12_16_15_59_00"), clip(71, "20_11_16_16_10_00"), clip(72, "01_12_16_15_00_00")]
    ep = P.Episode("a", "original", "01", 1, None, taught, queries, False)
    assert P.other_day(ep) == 2  # the second 71 and the 72: days their sign was not taught on


def test_a_new_word_the_model_reads_as_its_class_takes_that_class_within_reach():
    """Taught sign 0's examples are read as class 1 (p 0.95): it stands in for class 1, so a
    query the model is sure is class 1 and that lies within reach of sign 0's examples is sign 0,
    with class 1's whole probability; a query beyond reach keeps class 1; sign 1 (read 0.6 at
    most) stands in for nothing. The stand-in's own joint column is the only change."""
    near = computed(3, 0.99, 1, 1.5, 9.0, truth=0)  # sure it is class 1, middling match to sign 0
    far = computed(1, 0.99, 1, 7.0, 9.0, truth=0)
    c = P.Computed(*(np.concatenate([getattr(near, f), getattr(far, f)]) for f in ("probs", "dtw", "cos")),
                   near.owner, np.concatenate([near.target, far.target]), near.adapts, np.zeros(0, bool),
                   np.array([[0.05, 0.95], [0.03, 0.97], [0.6, 0.4], [0.4, 0.6]]))
    f = P.FUSION_DEFAULT
    assert f.stand_in > 0 and 1.5 <= f.max_distance < 7.0
    assert list(c.stands(f)[:2]) == [1, -1]
    with_ = P.joint(c, f)
    without = P.joint(c, replace(f, stand_in=0.0))
    assert np.allclose(with_.sum(axis=1), 1.0)
    assert list(with_.argmax(1)) == [2, 2, 2, 1] and list(without.argmax(1)) == [1, 1, 1, 1]
    assert with_[0, 1] == 0.0 and with_[0, 2] == pytest.approx(without[0, 1] + without[0, 2])
    assert np.allclose(with_[3], without[3])  # beyond reach: as before


def test_the_stand_in_threshold_keeps_the_guards_then_the_taught_rows_then_row_k():
    from training.stand_in_eval import choose

    def c(sure, taught, known=1.0, look=(0.9,), no_sign=(0.3,), words=(0.9,)):
        return {"stand_in": sure, "taught_mean_top1": taught, "known_top1": known, "lookalike_top1": list(look),
                "no_sign_named_taught": list(no_sign), "known_words_top1": list(words)}

    rows = [c(0.0, 0.97, words=(0.8,)), c(0.5, 0.99, known=0.98), c(0.7, 0.969, words=(0.99,)), c(0.9, 0.97)]
    assert choose(rows, 1.0, [0.9], 0.99, 0.03) == 0.9  # 0.5 loses the model's own signs; 0.7 a taught row
    rows[3] = c(0.9, 0.97, look=(0.85,))
    assert choose(rows, 1.0, [0.9], 0.99, 0.03) == 0.0  # a look-alike lost 5 points: refused
    rows[3] = c(0.9, 0.97, no_sign=(0.4,))
    assert choose(rows, 1.0, [0.9], 0.99, 0.03) == 0.0  # more taught names where none was taught: refused
    assert choose([c(0.0, 0.97, words=(0.8,)), c(0.9, 0.97, words=(0.95,))], 1.0, [0.9], 0.99, 0.03) == 0.9


def test_a_row_below_its_floor_outweighs_a_better_mean():
    """Row A (new word 0) is named only with a strong gate; row B (the user's way of classes 0 and
    1) loses half its recordings with one, those nearest the examples of the wrong sign, which the
    model alone gets right. Without floors the fit takes the better mean (A 100%, B 50%); with B's
    floor at 100% it keeps B whole, and A, which has no floor, pays."""
    n_classes, adapts = 2, np.array([0, 1, -1, -1, -1, -1])
    row_a = P.Computed(np.tile([0.99, 0.01], (10, 1)), np.tile([2.0, 2.0, 5.0, 5.0], (10, 1)), np.zeros((10, 4)),
                       np.array([0, 0, 1, 1]), np.full(10, n_classes + 0), np.full(len(P.NEW), -1), np.zeros(0, bool))
    dtw_b = np.array([[2.0, 2.0, 5.0, 5.0]] * 5 + [[5.0, 5.0, 2.0, 2.0]] * 5)
    row_b = P.Computed(np.tile([0.6, 0.4], (10, 1)), dtw_b, np.zeros((10, 4)), np.array([0, 0, 1, 1]),
                       np.zeros(10, int), adapts, np.zeros(0, bool))
    known = computed(10, 0.999, 0, 9.0, 9.0, truth=None)
    free, _, _ = P.fit([row_a, row_b], known)
    assert (P._top1(row_a, free), P._top1(row_b, free)) == (1.0, 0.5)
    floored, by_weight, _ = P.fit([row_a, row_b], known, floors=[0.0, 1.0])
    assert (P._top1(row_a, floored), P._top1(row_b, floored)) == (0.0, 1.0)
    assert all(v["short_of_floors"] == 0.0 for v in by_weight.values())


def test_the_floor_of_a_row_is_its_matcher_or_baseline_whichever_is_higher():
    c = computed(4, 0.9, 0, 1.0, 3.0, truth=0)  # the matcher names all four right
    base = replace(c, baseline_right=np.array([True, False, True, False]))
    assert P.floor_of(P.Episode("a", "original", "01", 3, None, [], [], False), base) == 1.0
    worse = replace(base, dtw=np.tile([3.0, 3.0, 1.0, 1.0], (4, 1)))  # now it names none right
    assert P.floor_of(P.Episode("e", "webcam", "01", 3, None, [], [], True), worse) == 0.5
    assert P.floor_of(P.Episode("b", "original", "01", 3, None, [], [], False), base) == 0.0  # no floor
