"""Personal signs ranked with the KArSL signs: calibration, adaptation, "not close enough", fallback."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from training_synth import synth_clip

from arsl_desktop.core import personal_signs
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.matching import MATCH_VERSION
from arsl_desktop.core.personal_match import (
    FUSION_DEFAULT,
    Fusion,
    PersonalIndex,
    fusion_of,
    joint_best,
    joint_probabilities,
    joint_ranking,
    stand_in_winner,
    stand_ins,
)
from arsl_desktop.core.personal_signs import PersonalSigns
from arsl_desktop.core.personal_store import Example, PersonalSign, PersonalStore
from arsl_desktop.core.recognizer import Recognizer

TRANSFER_MODEL = Path(__file__).parent / "data" / "karsl_without_71_76.onnx"
FUSION = Fusion(sharpness=8.0, gate_bias=6.0, gate_slope=6.0, max_distance=1.5)


def example(sign: int, k: int) -> Example:
    """One recording of a synthetic sign: its trajectory with this recording's own landmark noise."""
    c = synth_clip(sign, frames=30)
    noise = np.random.default_rng([sign, k]).normal(0, 0.004, c.xyz.shape).astype(np.float32)
    return Example(np.where(c.xyz != 0, c.xyz + noise, 0).astype(np.float32), c.present, c.times, c.aspect)


def psign(key: str, karsl_id: int | None = None) -> PersonalSign:
    return PersonalSign(key, key, "", karsl_id, "", ("example-001.npz",), Path(key))


class FakeIndex:
    def __init__(self, signs, class_ids, fusion=FUSION, stands=None):
        self.signs = signs
        self.fusion = fusion
        self.adapts = np.array([class_ids.index(s.karsl_id) if s.karsl_id in class_ids else -1 for s in signs])
        self.stands = np.full(len(signs), -1) if stands is None else np.asarray(stands)

    def __len__(self):
        return len(self.signs)

    mass_of = PersonalIndex.mass_of


def test_the_users_close_examples_of_a_karsl_sign_win_over_a_sure_model():
    """A user who taught their way of sign 7 and signs it is not told 5, however sure the model is."""
    logits = np.log(np.array([0.98, 0.01, 0.01]))
    index = FakeIndex([psign("mine-7", karsl_id=7)], [5, 7, 9])
    cands = joint_ranking([5, 7, 9], logits, index, np.array([0.1]), k=3)
    assert [c.karsl_id for c in cands] == [7, 5, 9]
    assert cands[0].personal is index.signs[0]  # the personal examples decided it
    assert cands[0].prob > 0.9
    assert sum(c.prob for c in cands) == pytest.approx(1.0)


def test_a_new_word_stands_in_for_the_class_its_examples_are_read_as():
    """Mean probability of class 1 over "wave"'s examples 0.93 >= 0.9: "wave" is the user's name
    for it; "zigzag" (0.6 at most) and the adapting "mine-2" stand in for nothing, and no word
    stands in for a class a personal sign adapts."""
    probs = np.array([[0.05, 0.9, 0.05], [0.02, 0.96, 0.02], [0.6, 0.3, 0.1], [0.3, 0.1, 0.6], [0.0, 0.0, 1.0]])
    owner = np.array([0, 0, 1, 1, 2])
    assert list(stand_ins(probs, owner, np.array([-1, -1, 2]), 0.9)) == [1, -1, -1]
    assert list(stand_ins(probs, owner, np.array([-1, -1, 2]), 0.0)) == [-1, -1, -1]  # off
    assert list(stand_ins(probs, owner, np.array([-1, -1, 1]), 0.9)) == [-1, -1, -1]  # 1 is adapted
    assert list(stand_ins(np.zeros((0, 0)), owner, np.array([-1, -1, 2]), 0.9)) == [-1, -1, -1]  # not read


def test_a_stand_in_takes_its_class_s_place_where_the_segment_is_within_its_reach():
    """The model is sure of class 5 (0.9); "wave" stands in for it. Within reach of wave's examples
    (even a middling 1.2, where the gate gives wave little of its own) the sign is named "wave"
    with all of 5's probability; beyond `max_distance` it is 5 again."""
    assert 1.2 < FUSION.max_distance
    logits = np.log(np.array([0.9, 0.06, 0.04]))
    index = FakeIndex([psign("wave"), psign("zigzag")], [5, 7, 9], stands=[0, -1])
    near = joint_ranking([5, 7, 9], logits, index, np.array([1.2, 9.0]), k=5)
    assert near[0].karsl_id is None and near[0].personal is index.signs[0] and near[0].prob > 0.85
    assert all(c.karsl_id != 5 for c in near) and sum(c.prob for c in near) == pytest.approx(1.0)
    far = joint_ranking([5, 7, 9], logits, index, np.array([FUSION.max_distance + 0.5, 9.0]), k=5)
    assert [(c.karsl_id, c.personal) for c in far] == [(5, None), (7, None), (9, None)]
    assert [c.prob for c in far] == pytest.approx([0.9, 0.06, 0.04])
    assert stand_in_winner(0, np.array([0, 0]), np.array([1.0, 0.5]), FUSION.max_distance) == 1  # the nearer


def test_far_personal_signs_leave_the_model_as_it_was():
    logits = np.log(np.array([0.6, 0.3, 0.1]))
    index = FakeIndex([psign("mine-7", karsl_id=7), psign("wave")], [5, 7, 9])
    cands = joint_ranking([5, 7, 9], logits, index, np.array([FUSION.max_distance + 0.1, 3.0]), k=5)
    assert [(c.karsl_id, c.personal) for c in cands] == [(5, None), (7, None), (9, None)]  # "wave": never offered
    assert [c.prob for c in cands] == pytest.approx([0.6, 0.3, 0.1])


def test_a_close_new_word_is_named_and_a_middling_match_shares_with_the_model():
    logits = np.log(np.array([0.6, 0.4]))
    index = FakeIndex([psign("wave"), psign("far")], [1, 2])
    close = joint_ranking([1, 2], logits, index, np.array([0.2, 5.0]), k=5)
    assert close[0].karsl_id is None and close[0].personal.key == "wave" and close[0].prob > 0.95
    assert all(c.personal is None or c.personal.key != "far" for c in close) and len(close) == 3
    middling = {c.karsl_id: c.prob for c in joint_ranking([1, 2], logits, index, np.array([1.2, 5.0]), k=5)}
    gate = 1 / (1 + np.exp(-(FUSION.gate_bias - FUSION.gate_slope * 1.2)))
    assert 0.05 < gate < 0.5  # not close: the model's ranking mostly stands, the word is an alternative
    assert middling == pytest.approx({1: 0.6 * (1 - gate), 2: 0.4 * (1 - gate), None: gate})


def test_fusion_comes_from_the_model_when_it_carries_one_for_this_matcher(tmp_path):
    from tiny_model import build_tiny_model

    fitted = {"matcher": MATCH_VERSION, "sharpness": 5.0, "gate_bias": 3.0, "gate_slope": 2.0,
              "max_distance": 1.2, "embed_weight": 0.0}
    with_fusion = build_tiny_model(tmp_path / "f.onnx", [1, 2], meta_overrides={"arsl_personal": json.dumps(fitted)})
    assert fusion_of(SignClassifier(with_fusion)) == Fusion(5.0, 3.0, 2.0, 1.2, 0.0)
    older = build_tiny_model(tmp_path / "o.onnx", [1, 2], meta_overrides={
        "arsl_personal": json.dumps({"scale": 11.0, "offset": 4.0, "min_similarity": 0.11})})
    # fitted for the old embedding prototypes: not used; no embedding output: no embedding term
    assert fusion_of(SignClassifier(older)) == replace(FUSION_DEFAULT, embed_weight=0.0)
    # a model whose fusion was fitted for another matcher version: the defaults, fitted for this one
    assert fusion_of(SignClassifier(TRANSFER_MODEL)) == FUSION_DEFAULT


def test_the_matcher_names_the_nearest_personal_sign_with_any_model(tiny_model, tmp_path):
    clf = SignClassifier(tiny_model)  # no embedding output: matching does not need one
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)])
    store.add("zigzag", [example(2, k) for k in range(3)])
    personal = PersonalSigns(clf, store)
    assert personal.refresh() and personal.mode == "matching"
    index = personal.index
    for sign, name in ((1, "circle"), (2, "zigzag")):
        ex = example(sign, 7)
        d, gate = index.distances(personal_signs.example_match(ex), None)
        assert index.signs[int(np.argmin(d))].en == name and d.min() < FUSION_DEFAULT.max_distance
        np.testing.assert_array_equal(gate, d)  # no embedding: the gate sees the same distances


def test_the_recognizer_ranks_personal_signs_with_the_model(tmp_path):
    clf = SignClassifier(TRANSFER_MODEL)
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)], ar="دائرة")
    store.add("zigzag", [example(2, k) for k in range(3)], karsl_id=12)
    personal = PersonalSigns(clf, store)
    rec = Recognizer(clf, personal=personal, landmarker=object(), top_k=len(clf.class_ids) + 2)
    for sign, name, sid in ((1, "circle", None), (2, "zigzag", 12)):
        ranked = rec.classify(example(sign, 9).keypoints()).top
        assert ranked[0].personal and ranked[0].sign.en == name and ranked[0].sign.id == sid
        assert abs(sum(r.prob for r in ranked) - 1.0) < 1e-6
    assert len(personal.index) == 2
    circle = rec.classify(example(1, 9).keypoints()).top[0]
    assert circle.sign.ar == "دائرة" and circle.key == "personal:circle"
    # the store changes on disk (another process): the next classification sees it
    store.remove("circle")
    ranked = rec.classify(example(1, 9).keypoints()).top
    assert all(r.sign.en != "circle" for r in ranked) and len(personal.index) == 1


def test_damaged_examples_are_reported_and_kept(tmp_path):
    clf = SignClassifier(TRANSFER_MODEL)
    store = PersonalStore(tmp_path / "signs")
    sign = store.add("circle", [example(1, k) for k in range(3)])
    victim = sign.folder / sign.examples[0]
    victim.write_bytes(victim.read_bytes()[:100])  # truncated
    before = sorted(p.name for p in sign.folder.iterdir())
    personal = PersonalSigns(clf, store)
    personal.refresh()
    assert len(personal.index) == 1 and personal.index.counts == [2]
    assert any("example-001.npz" in p and "damaged" in p for p in personal.problems)
    assert sorted(p.name for p in sign.folder.iterdir()) == before


def test_a_change_prepares_only_the_new_examples(tmp_path, monkeypatch):
    clf = SignClassifier(TRANSFER_MODEL)
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)])
    personal = PersonalSigns(clf, store)
    prepared = []
    real = personal_signs.example_match

    def counting(ex):
        prepared.append(ex.frames)
        return real(ex)

    monkeypatch.setattr(personal_signs, "example_match", counting)
    personal.refresh()
    assert len(prepared) == 3
    before = personal.index.bank.sequences[:3].copy()
    store.add("zigzag", [example(2, k) for k in range(2)])
    assert personal.refresh() and len(prepared) == 5  # the three cached examples are not prepared again
    np.testing.assert_allclose(personal.index.bank.sequences[:3], before)
    assert not personal.refresh()  # nothing changed on disk: nothing rebuilt
    store.remove("circle")
    assert personal.refresh() and len(prepared) == 5 and [s.en for s in personal.index.signs] == ["zigzag"]


def test_an_unreadable_folder_keeps_the_signs_read_before(tmp_path, monkeypatch):
    clf = SignClassifier(TRANSFER_MODEL)
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(2)])
    personal = PersonalSigns(clf, store)
    personal.refresh()

    def unreadable(self):
        raise PermissionError(13, "Permission denied")

    store.add("zigzag", [example(2, 0)])  # the store changed, but now cannot be listed
    monkeypatch.setattr(PersonalStore, "load", unreadable)
    assert personal.refresh() is False
    assert [s.en for s in personal.index.signs] == ["circle"]
    assert any("cannot be read (Permission denied)" in p for p in personal.problems)


def test_two_adaptations_of_one_sign_name_the_nearest():
    logits = np.log(np.array([0.9, 0.1]))
    index = FakeIndex([psign("mine-a", karsl_id=7), psign("mine-b", karsl_id=7), psign("mine-c", karsl_id=7)], [5, 7])
    cands = joint_ranking([5, 7], logits, index, np.array([0.5, 0.3, 0.25]), k=2)
    assert cands[0].karsl_id == 7 and cands[0].personal.key == "mine-c"


def test_with_many_taught_signs_the_list_holds_the_likeliest_and_ties_keep_the_stores_order():
    """Only the k likeliest entries are made: the list is the head of every entry sorted by
    probability (ties in the store's order), whatever k, with adaptations and unknown ids mixed in."""
    rng = np.random.default_rng(3)
    signs = [psign(f"word-{i}", karsl_id=(5 if i % 7 == 0 else 400 + i if i % 11 == 0 else None)) for i in range(60)]
    index = FakeIndex(signs, [5, 7, 9])
    distances = np.round(rng.uniform(0.2, 1.4, len(signs)), 1)  # many ties
    logits = np.log(np.array([0.5, 0.3, 0.2]))
    p_model, p_pers = (a[0] for a in joint_probabilities(np.array([[0.5, 0.3, 0.2]]), distances[None],
                                                          index.adapts, FUSION))
    every = [(s.karsl_id, s.key, float(p_pers[j])) for j, s in enumerate(signs) if index.adapts[j] < 0 and p_pers[j] > 0]
    every += [(cid, None, float(p_model[c])) for c, cid in enumerate([5, 7, 9])]
    every.sort(key=lambda e: -e[2])
    for k in (1, 3, 5, 20):
        got = [(c.karsl_id, c.personal.key if c.personal and c.karsl_id != 5 else None, c.prob)
               for c in joint_ranking([5, 7, 9], logits, index, distances, k=k)]
        assert got == [(i, key, pytest.approx(p)) for i, key, p in every[:k]]


def with_embedding_fusion(tmp_path: Path) -> Path:
    """The transfer model carrying a fusion that weighs the embedding (as a model may)."""
    import onnx

    model = onnx.load(str(TRANSFER_MODEL))
    fusion = {**FUSION_DEFAULT.as_dict(), "embed_weight": 2.0}
    for prop in [p for p in model.metadata_props if p.key == "arsl_personal"]:
        model.metadata_props.remove(prop)
    model.metadata_props.add(key="arsl_personal", value=json.dumps(fusion))
    path = tmp_path / "embedding_fusion.onnx"
    onnx.save(model, str(path))
    return path


def test_embeddings_are_kept_on_disk_so_a_new_start_embeds_nothing(tmp_path):
    model = with_embedding_fusion(tmp_path)
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)])
    first = PersonalSigns(SignClassifier(model), store)
    first.refresh()
    assert first.mode == "matching+embedding"
    assert list((store.root / ".cache").glob("outputs-*.npz"))
    clf = SignClassifier(model)  # the window or a command started again
    calls = []
    real = clf.outputs
    clf.outputs = lambda batch: calls.append(len(batch)) or real(batch)
    again = PersonalSigns(clf, store)
    again.refresh()
    assert calls == [] and [s.en for s in again.index.signs] == ["circle"]
    np.testing.assert_allclose(again.index.embeddings, first.index.embeddings, atol=1e-6)
    for f in [f for f in (store.root / ".cache").rglob("*") if f.is_file()]:
        f.write_bytes(b"damaged")  # a damaged cache only costs time
    damaged = PersonalSigns(clf, store)
    damaged.refresh()
    assert calls == [3] and len(damaged.index) == 1
    assert store.load().problems == ()  # the cache folder is not taken for a sign


def test_the_gate_may_see_the_embedding_but_the_users_keypoints_rank_the_personal_signs():
    probs = np.array([[0.7, 0.3]])
    fusion = Fusion(sharpness=8.0, gate_bias=6.0, gate_slope=6.0, max_distance=1.5, embed_weight=2.0)
    near = np.array([[0.2, 0.6]])  # by keypoints, personal sign 0 is the nearer
    _, same = joint_probabilities(probs, near, np.array([-1, -1]), fusion)
    assert same[0, 0] > same[0, 1] and same.sum() > 0.9  # close: the personal signs take the segment
    # the embedding says the segment is unlike either example: the gate closes, the model's ranking stands
    model, far = joint_probabilities(probs, near, np.array([-1, -1]), fusion, gate_distances=np.array([[2.0, 2.6]]))
    assert far.sum() < 0.01 and model[0] == pytest.approx(probs[0], abs=0.01)
    # the embedding never reorders them: a gate half open still puts sign 0 first
    _, half = joint_probabilities(probs, near, np.array([-1, -1]), fusion, gate_distances=np.array([[1.0, 0.1]]))
    assert half[0, 0] > half[0, 1]


@pytest.mark.parametrize("distances, stands, logits", [
    ([0.1, 3.0, 0.2], None, [0.5, 0.3, 0.2]),  # a close new word
    ([2.0, 3.0, 9.0], None, [0.9, 0.05, 0.05]),  # middling matches beside a sure model
    ([9.0, 9.0, 9.0], None, [0.2, 0.7, 0.1]),  # nothing offered: the model's own
    ([0.3, 5.0, 5.0], [2, -1, -1], [0.1, 0.1, 0.8]),  # "wave" stands in for 9, within reach
])
def test_the_best_entry_for_cutting_a_segment_is_the_joint_rankings_first(distances, stands, logits):
    """`joint_best` scores the parts of a segment that holds several signs: its probability and
    entry must be what `joint_ranking` puts first for the same segment."""
    class_ids = [5, 7, 9]
    signs = [psign("wave"), psign("mine-7", karsl_id=7), psign("zigzag")]
    index = FakeIndex(signs, class_ids, stands=stands)
    logits = np.log(np.array(logits))
    d = np.array(distances)
    first = joint_ranking(class_ids, logits, index, d, k=1)[0]
    best, which = joint_best(SignClassifier.softmax(logits)[None], d[None], d[None], index)
    assert best[0] == pytest.approx(first.prob)
    j = signs.index(first.personal) if first.personal is not None else None
    if j is not None and index.mass_of[j] < 0:  # a new word of its own
        assert which[0] == len(class_ids) + j
    elif j is not None and index.stands[j] >= 0:  # a new word named in its class's place
        assert which[0] == index.stands[j]
    else:  # a model class, with its adapting personal signs' mass
        assert which[0] == class_ids.index(first.karsl_id)
