"""A wrongly named recording becomes an example of the sign it really was (`core.correction`)."""

from __future__ import annotations

import numpy as np
import pytest

from arsl_desktop.core import features as F
from arsl_desktop.core.correction import Correction, apply_correction
from arsl_desktop.core.labels import default_labels
from arsl_desktop.core.landmarks import Keypoints
from arsl_desktop.core.personal_store import Example, PersonalStore, StoreError


def _frames(n: int = 12, shift: float = 0.0) -> tuple[Keypoints, ...]:
    rng = np.random.default_rng(n)
    out = []
    for i in range(n):
        xyz = rng.uniform(0.3, 0.7, (F.N_KEYPOINTS, 3)).astype(np.float32) + shift
        out.append(Keypoints(xyz, np.array([True, True, False, True]), 640, 480, 10.0 + i / 15))
    return tuple(out)


@pytest.fixture
def store(tmp_path) -> PersonalStore:
    return PersonalStore(tmp_path / "signs")


def test_a_personal_sign_gets_one_more_example(store):
    taught = store.add("wave", [Example.from_keypoints(_frames(10))] * 3)
    sign = apply_correction(store, _frames(14), Correction.of_personal(taught.key), recorded_by="me")
    assert sign.key == taught.key and len(sign.examples) == 4
    examples, problems = store.examples(sign)
    assert not problems and examples[-1].frames == 14 and examples[-1].recorded_by == "me"
    assert examples[-1].times[0] == 0.0  # times start at the recording's first frame, as taught examples do


def test_a_karsl_sign_not_adapted_yet_becomes_the_users_way_of_it(store):
    known = default_labels()[74]
    sign = apply_correction(store, _frames(), Correction.of_karsl(known))
    assert (sign.karsl_id, sign.en, sign.ar, len(sign.examples)) == (74, known.en, known.ar, 1)
    again = apply_correction(store, _frames(9), Correction.of_karsl(known))
    assert again.key == sign.key and len(again.examples) == 2  # the same adaptation, not a second sign
    assert len(store.load().signs) == 1


def test_an_adaptation_under_another_name_is_found_by_its_karsl_id(store):
    mine = store.add("my chest", [Example.from_keypoints(_frames())], karsl_id=74)
    sign = apply_correction(store, _frames(), Correction.of_karsl(default_labels()[74]))
    assert sign.key == mine.key and len(sign.examples) == 2


def test_a_new_word_from_one_recording_and_then_its_name_again(store):
    sign = apply_correction(store, _frames(), Correction.new_word("teapot", "إبريق"))
    assert (sign.en, sign.ar, sign.karsl_id, len(sign.examples)) == ("teapot", "إبريق", None, 1)
    again = apply_correction(store, _frames(8), Correction.new_word("Teapot"))
    assert again.key == sign.key and len(again.examples) == 2


def test_refusals_write_nothing(store):
    taught = store.add("wave", [Example.from_keypoints(_frames())])
    store.add("Chest", [Example.from_keypoints(_frames())])  # a new word with KArSL sign 74's English name
    for keypoints, correction, says in (
            ((), Correction.of_personal(taught.key), "no frames"),
            (_frames(), Correction.of_personal("gone"), "no longer"),
            (_frames(), Correction.new_word("  "), "English name"),
            (_frames(), Correction.of_karsl(default_labels()[74]), "rename it")):
        with pytest.raises(StoreError, match=says):
            apply_correction(store, keypoints, correction)
    assert sorted(len(s.examples) for s in store.load().signs) == [1, 1]
