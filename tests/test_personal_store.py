"""The personal signs store: add, list, rename, remove; a damaged store is read around, never
deleted from; two processes adding at once both land."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from test_personal_pack import synth_example

from arsl_desktop.cli import main
from arsl_desktop.core import features as F
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.personal_signs import PersonalSigns
from arsl_desktop.core.personal_store import Example, PersonalStore, StoreError

MODEL = Path(__file__).parent / "data" / "karsl_without_71_76.onnx"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the store but the embedding cache (`.cache/`, which only saves time)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != ".cache"}


def test_add_list_rename_remove(tmp_path):
    store = PersonalStore(tmp_path / "signs")
    assert store.load().signs == ()
    a = store.add("Hello there", [synth_example(1), synth_example(2, frames=45)], ar="مرحبا")
    b = store.add("Skeleton", [synth_example(3)], karsl_id=71)
    assert (a.key, b.key) == ("hello-there", "skeleton")
    assert [(s.en, s.ar, s.karsl_id, len(s.examples)) for s in store.load().signs] == [
        ("Hello there", "مرحبا", None, 2), ("Skeleton", "", 71, 1)]
    ex, problems = store.examples(store.find("مرحبا"))
    assert problems == [] and [e.frames for e in ex] == [60, 45]
    np.testing.assert_array_equal(ex[0].xyz, synth_example(1).xyz)

    with pytest.raises(StoreError, match="already exists"):
        store.add("hello   THERE", [synth_example(4)])
    more = store.add("hello there", [synth_example(4)], append=True)
    assert more.examples == ("example-001.npz", "example-002.npz", "example-003.npz")

    renamed = store.rename("hello there", en="Greeting")
    assert renamed.key == "hello-there" and store.find("greeting").ar == "مرحبا" and store.find("hello there") is None
    with pytest.raises(StoreError, match="already exists"):
        store.rename("greeting", en="skeleton")

    store.remove_example("greeting", "example-002.npz")
    assert store.find("greeting").examples == ("example-001.npz", "example-003.npz")
    assert not (store.root / "hello-there" / "example-002.npz").exists()

    assert store.remove("Skeleton").en == "Skeleton"
    assert [s.en for s in store.load().signs] == ["Greeting"]
    left = sorted(p.name for p in store.root.iterdir() if p.name != ".changed")
    assert left == ["hello-there"]  # no lock, temporary or removed folder left behind
    with pytest.raises(StoreError, match="No personal sign named 'Skeleton'"):
        store.remove("Skeleton")


def test_bad_names_and_empty_signs_are_refused(tmp_path):
    store = PersonalStore(tmp_path / "signs")
    for en, examples in (("", [synth_example(1)]), ("x" * 81, [synth_example(1)]), ("bell\x07", [synth_example(1)]),
                         ("ok", [])):
        with pytest.raises(StoreError):
            store.add(en, examples)
    assert not store.root.exists() or store.load().signs == ()


@pytest.fixture
def damaged(tmp_path, monkeypatch) -> PersonalStore:
    """Good signs next to every kind of damage a disk, an old version or a hand edit leaves."""
    monkeypatch.setenv("ARSL_USER_DATA", str(tmp_path / "user"))
    store = PersonalStore()
    store.add("good", [synth_example(1), synth_example(2)])
    store.add("half", [synth_example(3), synth_example(4), synth_example(5)])
    store.add("broken", [synth_example(6)])
    store.add("garbage", [synth_example(7)])
    store.add("old schema", [synth_example(8)])
    half, root = store.root / "half", store.root
    data = (half / "example-002.npz").read_bytes()
    (half / "example-002.npz").write_bytes(data[: len(data) // 2])  # truncated
    ex = Example.from_bytes(half / "example-003.npz", "x")
    buf = io.BytesIO()
    np.savez_compressed(buf, xyz=ex.xyz, present=ex.present, times=ex.times, aspect=np.float64(ex.aspect),
                        schema=np.str_("arsl-kp-v1"))
    (half / "example-003.npz").write_bytes(buf.getvalue())  # another keypoint schema
    (root / "broken" / "example-001.npz").write_bytes(b"")  # emptied: the sign has no readable example
    (root / "garbage" / "manifest.json").write_bytes(b"\x00\x01garbage")
    m = json.loads((root / "old-schema" / "manifest.json").read_text())
    m["keypoint_schema"] = "arsl-kp-v1"
    (root / "old-schema" / "manifest.json").write_text(json.dumps(m))
    (root / "notes.txt").write_text("a stray file")
    (root / "empty folder").mkdir()
    (root / "good" / "thumbs.db").write_bytes(b"stray")
    return store


def test_a_damaged_store_is_read_around_and_nothing_is_deleted(damaged):
    before = snapshot(damaged.root)
    contents = damaged.load()
    assert [s.en for s in contents.signs] == ["broken", "good", "half"]
    problems = "\n".join(contents.problems)
    assert len(contents.problems) == 3
    assert "'empty folder' skipped" in problems and "'garbage' skipped: its manifest is not readable" in problems
    assert "'old-schema' skipped: it was recorded with keypoint schema 'arsl-kp-v1'" in problems

    personal = PersonalSigns(SignClassifier(MODEL), damaged)
    assert personal.refresh(force=True)
    assert [s.en for s in personal.index.signs] == ["good", "half"] and personal.index.counts == [2, 1]
    lines = "\n".join(personal.problems)
    assert "example-002.npz of 'half' is damaged" in lines
    assert "example-003.npz of 'half' was recorded with keypoint schema 'arsl-kp-v1'" in lines
    assert "'broken' has no readable example" in lines
    assert snapshot(damaged.root) == before


def test_cli_list_on_a_damaged_store_warns_and_runs(damaged, capsys):
    before = snapshot(damaged.root)
    assert main(["signs", "list", "--format", "jsonl"]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["name"], r["examples"], r["readable_examples"], r["id"]) for r in rows] == [
        ("broken", 1, 0, None), ("good", 2, 2, None), ("half", 3, 1, None)]
    warnings = err.strip().splitlines()
    assert len(warnings) == 6 and all(w.startswith("arsl-desktop: warning: ") for w in warnings)
    assert snapshot(damaged.root) == before


@pytest.mark.slow
def test_cli_recognize_on_a_damaged_store_warns_once_and_runs(damaged, capsys, sparse_sample):
    before = snapshot(damaged.root)
    assert main(["--model", str(MODEL), "recognize", "--format", "jsonl", str(sparse_sample), str(sparse_sample)]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 2 and all(isinstance(t["personal"], bool) for r in rows for t in r["top"])
    assert {t["en"] for t in rows[0]["top"] if t["personal"]} <= {"good", "half"}
    warnings = err.strip().splitlines()
    assert len(warnings) == 7, warnings  # 3 skipped signs, 3 damaged examples, 1 sign left with none
    assert all(w.startswith("arsl-desktop: warning: Personal sign")
                                      or w.startswith("arsl-desktop: warning: Example") for w in warnings)
    assert snapshot(damaged.root) == before


ADDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from test_personal_pack import synth_example
    from arsl_desktop.core.personal_store import PersonalStore
    who, go = sys.argv[1], Path(sys.argv[2])
    store = PersonalStore(Path(sys.argv[3]))
    while not go.exists():
        time.sleep(0.005)
    for i in range(6):
        store.add(f"{{who}} {{i}}", [synth_example(i, frames=30)])
        store.add("shared", [synth_example(100 + i, frames=20)], append=True)
""")


def test_two_processes_adding_at_once_both_land(tmp_path):
    root, go = tmp_path / "signs", tmp_path / "go"
    script = ADDER.format(tests=str(Path(__file__).parent))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    procs = [subprocess.Popen([sys.executable, "-c", script, who, str(go), str(root)], env=env,
                              stderr=subprocess.PIPE, text=True) for who in ("a", "b")]
    go.touch()
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    contents = PersonalStore(root).load()
    assert contents.problems == ()
    names = sorted(s.en for s in contents.signs)
    assert names == sorted([f"{w} {i}" for w in "ab" for i in range(6)] + ["shared"])
    shared = PersonalStore(root).find("shared")
    assert len(shared.examples) == 12 and len(set(shared.examples)) == 12
    good, problems = PersonalStore(root).examples(shared)
    assert problems == [] and len(good) == 12
    assert not [p for p in root.iterdir() if p.name.startswith(".") and p.name != ".changed"]  # no lock left
    assert F.KEYPOINT_SCHEMA in (root / "shared" / "manifest.json").read_text()


def test_written_or_said_gives_the_result_or_says_why_not():
    from arsl_desktop.core.personal_store import StoreError, written_or_said

    said: list[str] = []
    assert written_or_said(lambda: 7, said.append) == 7 and said == []

    def refused():
        raise StoreError("A personal sign named 'wave' already exists.")

    def disk_full():
        raise OSError(28, "No space left on device")

    assert written_or_said(refused, said.append) is None
    assert written_or_said(disk_full, said.append) is None
    assert said == ["A personal sign named 'wave' already exists.", "OSError: [Errno 28] No space left on device"]
