"""Personal signs ranked with the KArSL signs: calibration, adaptation, "not close enough", fallback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from training_synth import synth_clip

from arsl_desktop.core import features as F
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.personal_match import (
    EMBEDDING_DEFAULT,
    FEATURE_FALLBACK,
    PersonalSigns,
    calibration_of,
    joint_ranking,
)
from arsl_desktop.core.personal_store import Example, PersonalSign, PersonalStore
from arsl_desktop.core.recognizer import Recognizer

TRANSFER_MODEL = Path(__file__).parent / "data" / "karsl_without_71_76.onnx"


def example(sign: int, k: int) -> Example:
    """One recording of a synthetic sign: its trajectory with this recording's own landmark noise."""
    c = synth_clip(sign, frames=30)
    noise = np.random.default_rng([sign, k]).normal(0, 0.004, c.xyz.shape).astype(np.float32)
    return Example(np.where(c.xyz != 0, c.xyz + noise, 0).astype(np.float32), c.present, c.times, c.aspect)


def psign(key: str, karsl_id: int | None = None) -> PersonalSign:
    return PersonalSign(key, key, "", karsl_id, "", ("example-001.npz",), Path(key))


class FakeIndex:
    def __init__(self, signs):
        self.signs = signs


def test_joint_ranking_adds_an_adapted_sign_to_its_karsl_sign():
    logits = np.log(np.array([0.5, 0.3, 0.2]))
    index = FakeIndex([psign("mine-7", karsl_id=7)])
    # personal logit equal to sign 5's: the adapted sign 7 gets 0.3 + its personal share and leads
    cands = joint_ranking([5, 7, 9], logits, index, np.array([np.log(0.5)]), k=3)
    assert [c.karsl_id for c in cands] == [7, 5, 9]
    assert cands[0].personal is index.signs[0]  # the personal examples decided it
    assert cands[0].prob == pytest.approx((0.3 + 0.5) / 1.5)
    assert sum(c.prob for c in cands) == pytest.approx(1.0)


def test_joint_ranking_new_word_and_not_close_enough():
    logits = np.log(np.array([0.6, 0.4]))
    index = FakeIndex([psign("wave"), psign("far")])
    cands = joint_ranking([1, 2], logits, index, np.array([np.log(3.0), -np.inf]), k=5)
    assert cands[0].karsl_id is None and cands[0].personal.key == "wave"
    assert cands[0].prob == pytest.approx(3.0 / 4.0)
    assert all(c.personal is None or c.personal.key != "far" for c in cands)  # -inf: never offered
    assert len(cands) == 3


def test_calibration_comes_from_the_model(tiny_model):
    shipped = SignClassifier(TRANSFER_MODEL)
    c = calibration_of(shipped)
    meta = shipped.info("personal")
    assert (c.scale, c.offset, c.min_similarity) == (meta["scale"], meta["offset"], meta["min_similarity"])
    assert calibration_of(SignClassifier(tiny_model)) == FEATURE_FALLBACK  # no embedding output
    assert EMBEDDING_DEFAULT.scale > 0


def test_feature_fallback_names_the_nearest_personal_sign(tiny_model, tmp_path):
    clf = SignClassifier(tiny_model)
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)])
    store.add("zigzag", [example(2, k) for k in range(3)])
    personal = PersonalSigns(clf, store)
    assert personal.refresh() and personal.mode == "features"
    index = personal.index
    for sign, name in ((1, "circle"), (2, "zigzag")):
        ex = example(sign, 7)
        seq = F.clip_sequence(ex.xyz, ex.present, ex.times, clf.seq_len, ex.aspect)
        sims = index.similarities(seq, None)
        assert index.signs[int(np.argmax(sims))].en == name


def test_embedding_prototypes_and_the_recognizer(tmp_path):
    clf = SignClassifier(TRANSFER_MODEL)
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)], ar="دائرة")
    store.add("zigzag", [example(2, k) for k in range(3)], karsl_id=12)
    personal = PersonalSigns(clf, store)
    rec = Recognizer(clf, personal=personal, landmarker=object(), top_k=len(clf.class_ids) + 2)
    for sign, name in ((1, "circle"), (2, "zigzag")):
        kps = example(sign, 9).keypoints()
        ranked = rec.classify(kps).top
        mine = [r for r in ranked if r.personal]
        assert mine and mine[0].sign.en == name  # the nearer prototype ranks first among personal signs
        assert abs(sum(r.prob for r in ranked) - 1.0) < 1e-6
    assert personal.mode == "embedding" and len(personal.index) == 2
    circle = next(r for r in rec.classify(example(1, 9).keypoints()).top if r.personal and r.sign.en == "circle")
    assert circle.sign.id is None and circle.sign.ar == "دائرة" and circle.key == "personal:circle"
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


def test_a_change_embeds_only_the_new_examples(tmp_path):
    clf = SignClassifier(TRANSFER_MODEL)
    store = PersonalStore(tmp_path / "signs")
    store.add("circle", [example(1, k) for k in range(3)])
    personal = PersonalSigns(clf, store)
    embedded = []
    real = clf.outputs

    def counting(batch):
        embedded.append(len(batch))
        return real(batch)

    clf.outputs = counting
    personal.refresh()
    assert embedded == [3]
    before = personal.index.prototypes[0].copy()
    store.add("zigzag", [example(2, k) for k in range(2)])
    assert personal.refresh() and embedded == [3, 2]  # the three cached examples are not embedded again
    np.testing.assert_allclose(personal.index.prototypes[0], before)
    assert not personal.refresh()  # nothing changed on disk: nothing rebuilt
    store.remove("circle")
    assert personal.refresh() and embedded == [3, 2] and [s.en for s in personal.index.signs] == ["zigzag"]


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


def test_two_adaptations_of_one_sign_name_the_likelier():
    logits = np.log(np.array([0.9, 0.1]))
    index = FakeIndex([psign("mine-a", karsl_id=7), psign("mine-b", karsl_id=7), psign("mine-c", karsl_id=7)])
    # shares 1 : 2 : 2.5 of the personal mass: c is the likeliest, though below a + b together
    cands = joint_ranking([5, 7], logits, index, np.log(np.array([1.0, 2.0, 2.5])), k=2)
    assert cands[0].karsl_id == 7 and cands[0].personal.key == "mine-c"
