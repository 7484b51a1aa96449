"""Practice progress (core/progress.py) and decks (core/decks.py): no Qt."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from arsl_desktop import paths
from arsl_desktop.core import progress as P
from arsl_desktop.core.decks import build_decks
from arsl_desktop.core.labels import default_labels
from arsl_desktop.core.personal_store import PersonalSign
from arsl_desktop.core.progress import ProgressStore, SignProgress, karsl_key, order, personal_key, updated

T0 = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)


def test_attempts_are_written_atomically_and_read_back():
    store = ProgressStore()
    assert store.path == paths.user_data_root() / "progress.json" and store.entries == {} and store.problem is None
    store.record(karsl_key(71), 40.0, False, T0)
    p = store.record(karsl_key(71), 85.25, True, T0 + dt.timedelta(minutes=1))
    store.record(personal_key("lamp"), 90, True, T0)
    assert (p.best, p.last, p.attempts, p.passes, p.last_passed, p.box) == (85.2, 85.2, 2, 1, True, 2)
    assert p.last_date == (T0 + dt.timedelta(minutes=1)).isoformat()
    assert [f.name for f in store.path.parent.iterdir() if f.name.startswith(".progress")] == []  # no temp file left
    again = ProgressStore()
    assert again.entries == store.entries and again.problem is None
    data = json.loads(store.path.read_text("utf-8"))
    assert data["format"] == P.FORMAT and set(data["signs"]) == {"karsl:71", "personal:lamp"}
    assert again.get("karsl:71").best == 85.2 and again.get("karsl:1") is None


def test_a_failed_write_leaves_the_old_file_whole(monkeypatch):
    store = ProgressStore()
    store.record(karsl_key(1), 70, True, T0)
    before = store.path.read_bytes()

    def full_disk(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        store.record(karsl_key(2), 50, False, T0)
    assert store.path.read_bytes() == before
    assert not [f for f in store.path.parent.iterdir() if f.name.endswith(".tmp")]
    assert store.get(karsl_key(2)).attempts == 1  # still counted for this session


@pytest.mark.parametrize("content", [b"\x00 not json {", b'{"format": "other", "signs": {}}', b"[1, 2]",
                                     "{\"format\": \"arsl-progress/1\", \"signs\": \u00e9".encode("latin-1")])
def test_a_damaged_file_is_kept_aside_and_reported(content):
    path = paths.user_data_root() / "progress.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    store = ProgressStore()
    assert store.entries == {} and store.problem is not None and "kept as" in store.problem
    assert store.damaged_copy is not None and store.damaged_copy.read_bytes() == content
    assert store.damaged_copy.name.startswith("progress.damaged-") and store.damaged_copy.suffix == ".json"
    assert not path.exists()
    store.record(karsl_key(3), 60, True, T0)  # practice goes on, into a new file
    assert ProgressStore().get(karsl_key(3)).attempts == 1 and store.damaged_copy.read_bytes() == content
    again = ProgressStore(path)
    assert again.problem is None


def test_damaged_entries_are_reported_the_good_ones_kept_and_the_file_kept_aside():
    store = ProgressStore()
    store.record(karsl_key(1), 70, True, T0)
    data = json.loads(store.path.read_text("utf-8"))
    data["signs"]["karsl:2"] = {"best": "lots"}
    data["signs"]["karsl:3"] = dict(data["signs"]["karsl:1"], best=5.0)  # best below last: not written by us
    store.path.write_text(json.dumps(data), "utf-8")
    original = store.path.read_bytes()
    again = ProgressStore()
    assert set(again.entries) == {"karsl:1"} and "2 of its entries" in again.problem
    assert again.damaged_copy.read_bytes() == original


def test_an_unmovable_damaged_file_is_never_written_over(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    path.write_bytes(b"garbage")

    def refuse(self, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(path), "rename", refuse)
    store = ProgressStore(path)
    assert "left as it is" in store.problem and store.damaged_copy is None
    with pytest.raises(OSError):
        store.record(karsl_key(1), 90, True, T0)
    assert path.read_bytes() == b"garbage"


def test_leitner_boxes():
    first_fail = updated(None, 30, False, T0)
    assert first_fail.box == 1 and first_fail.due() == T0  # failed: due again at once
    p = updated(None, 80, True, T0)
    assert p.box == 2 and p.due() == T0 + dt.timedelta(days=1)  # passed at the first try: tomorrow
    p2 = updated(p, 90, True, T0)
    assert p2.box == 3 and p2.due() == T0 + dt.timedelta(days=3)
    p3 = updated(updated(updated(p2, 90, True, T0), 90, True, T0), 95, True, T0)
    assert p3.box == P.MAX_BOX and p3.due() == T0 + dt.timedelta(days=14)
    fail = updated(p3, 20, False, T0)
    assert fail.box == 1 and fail.best == 95 and fail.last == 20 and fail.passes == 5 and fail.attempts == 6
    assert updated(None, 130, True, T0).last == 100 and updated(None, -3, False, T0).last == 0


def entry(score: float, passed: bool, box: int, days_ago: float) -> SignProgress:
    return SignProgress(score, score, 1, int(passed), (T0 - dt.timedelta(days=days_ago)).isoformat(), passed, box)


def test_the_deck_order_never_tried_then_failed_then_due_then_the_rest():
    entries = {
        "a": entry(90, True, 3, 1),  # passed, due in 2 days
        "b": entry(30, False, 1, 0),  # failed at 30
        "d": entry(55, False, 1, 5),  # failed at 55
        "e": entry(80, True, 2, 3),  # due 2 days ago
        "f": entry(85, True, 4, 8),  # due 1 day ago
        "g": entry(95, True, 5, 1),  # due in 13 days
    }
    keys = ["a", "b", "c", "d", "e", "f", "g", "h"]
    assert order(keys, entries, T0) == ["c", "h", "b", "d", "e", "f", "a", "g"]
    assert order(keys, entries, T0) == order(list(keys), dict(entries), T0)  # deterministic
    assert order(keys, {}, T0) == keys  # nothing tried: the deck's own order
    later = T0 + dt.timedelta(days=20)  # everything passed is due: most overdue first
    assert order(keys, entries, later) == ["c", "h", "b", "d", "e", "f", "a", "g"]
    assert order(["g", "a"], entries, T0 + dt.timedelta(days=2)) == ["a", "g"]


def test_decks_from_the_models_signs_and_the_personal_signs(tmp_path):
    labels = default_labels()
    decks = build_decks(labels, list(range(1, 83)), [])
    assert [d.id for d in decks] == ["all", "numbers", "letters", "words"]
    by = {d.id: d for d in decks}
    assert len(by["all"].cards) == 82 and [c.karsl_id for c in by["numbers"].cards] == list(range(1, 32))
    assert [c.karsl_id for c in by["letters"].cards] == list(range(32, 71))
    assert [c.karsl_id for c in by["words"].cards] == list(range(71, 83))
    assert by["words"].cards[0].key == "karsl:71" and by["words"].cards[0].ar == labels[71].ar
    lamp = PersonalSign("lamp", "Lamp", "مصباح", None, "", ("example-001.npz",), tmp_path / "lamp")
    door = PersonalSign("door", "door", "", 71, "", ("example-001.npz",), tmp_path / "door")
    decks = build_decks(labels, [71, 72], [lamp, door])
    assert [d.id for d in decks] == ["all", "mine"]  # one category only: no deck that repeats "all"
    mine = decks[-1]
    assert [c.key for c in mine.cards] == ["personal:door", "personal:lamp"] and mine.cards[1].personal is lamp
    assert mine.card("personal:lamp").label == "مصباح (Lamp)" and mine.card("nope") is None
    assert [d.id for d in build_decks(labels, [], [lamp])] == ["mine"]
