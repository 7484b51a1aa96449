"""`arsl-desktop signs ...` end to end on real KArSL recordings, and the acceptance test of "Teach a
sign": words the model never learnt, taught from 3 recordings each, are then recognised by name.

MediaPipe costs about a second per clip here, so one enrolment (9 clips) serves the module."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from arsl_desktop import paths
from arsl_desktop.cli import main
from arsl_desktop.core.personal_store import PersonalStore, this_user

pytestmark = pytest.mark.slow
WITHOUT_71_76 = Path(__file__).parent / "data" / "karsl_without_71_76.onnx"  # trained without signs 71-76
NEW_WORDS = (71, 72, 73)


def recordings(sample: Path, split: str, sign: int) -> list[Path]:
    return sorted((sample / "frames" / "02" / split / f"{sign:04d}").iterdir(), key=lambda p: p.name)


@pytest.fixture(scope="module")
def enrolled(tmp_path_factory) -> Path:
    """A user-data folder where signs 71, 72, 73 were taught as NEW words ("word 71"...), each from the
    first 3 (by sample name) of signer 02's training recordings."""
    sample = paths.sample_dir()
    if sample is None:
        pytest.skip("KArSL sample folder not found (set ARSL_SAMPLE_DIR or put it at ../shared/karsl-sample)")
    user = tmp_path_factory.mktemp("enrolled")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARSL_USER_DATA", str(user))
        for sign in NEW_WORDS:
            assert main(["signs", "add", "--en", f"word {sign}", "--by", "teacher",
                         *map(str, recordings(sample, "train", sign)[:3])]) == 0
    return user


@pytest.fixture
def user(enrolled, tmp_path, monkeypatch) -> Path:
    """A copy of the enrolment for a test that changes it."""
    copy = shutil.copytree(enrolled, tmp_path / "user")
    monkeypatch.setenv("ARSL_USER_DATA", str(copy))
    return copy


def test_new_words_are_recognised_by_their_taught_name(enrolled, monkeypatch, capsys, sample_dir):
    """Acceptance: a model that never saw signs 71-73 names them from the user's 3 recordings each.
    Measured when written: 6 of 6 top-1 (each at probability 0.97-0.99)."""
    monkeypatch.setenv("ARSL_USER_DATA", str(enrolled))
    capsys.readouterr()
    queries = [(sign, p) for sign in NEW_WORDS for p in recordings(sample_dir, "test", sign)[:2]]
    code = main(["--model", str(WITHOUT_71_76), "recognize", "--format", "jsonl", "--top", "3",
                 *[str(p) for _, p in queries]])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["source"] for r in rows] == [str(p) for _, p in queries]
    right = 0
    for (sign, _), row in zip(queries, rows, strict=True):
        best = row["top"][0]
        right += best == {**best, "en": f"word {sign}", "personal": True, "id": None}
        assert all(t["id"] not in range(71, 77) for t in row["top"])  # the model cannot name them
    assert right >= 5, rows


def test_a_long_preparation_after_another_model_is_said_first_and_only_then(user, monkeypatch, capsys, sample_dir):
    """The taught signs were read by the shipped model (`signs add`); `recognize` with another model
    reads every example again first, which takes seconds with hundreds: it says so on stderr
    (here from 5 examples), once; the next run finds them cached and says nothing."""
    from arsl_desktop.core import personal_signs

    monkeypatch.setattr(personal_signs, "ANNOUNCE_FROM", 5)
    query = str(recordings(sample_dir, "test", NEW_WORDS[0])[0])
    capsys.readouterr()
    assert main(["--model", str(WITHOUT_71_76), "recognize", "--format", "jsonl", query]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == ["arsl-desktop: preparing the 9 examples of your taught signs for this model "
                                "(once; a few seconds)..."]
    assert json.loads(out)["top"][0]["en"] == f"word {NEW_WORDS[0]}"
    assert main(["--model", str(WITHOUT_71_76), "recognize", "--format", "jsonl", query]) == 0
    assert capsys.readouterr().err == ""


def test_text_output_marks_personal_signs_and_a_missing_id():
    from arsl_desktop.commands import _text
    from arsl_desktop.core.labels import Sign
    from arsl_desktop.core.recognizer import RankedSign

    same = str
    new = RankedSign(Sign(None, "", "word 71", "personal", ""), 0.914, personal=True, personal_key="word-71")
    adapted = RankedSign(Sign(71, "هيكل عظمي", "Skeleton", "personal", ""), 0.5, personal=True, personal_key="s")
    karsl = RankedSign(Sign(13, "30", "30", "numbers", ""), 0.25)
    assert _text(new, same) == "- (word 71) 0.91 [personal]"
    assert _text(new, same, 3) == "  - (word 71) 0.91 [personal]"
    assert _text(adapted, same) == "71 هيكل عظمي (Skeleton) 0.50 [personal]"
    assert _text(karsl, same, 3) == " 13 30 (30) 0.25"


def test_list_shows_the_taught_signs(enrolled, monkeypatch, capsys):
    monkeypatch.setenv("ARSL_USER_DATA", str(enrolled))
    assert main(["signs", "list", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["name"], r["ar"], r["id"], r["examples"], r["readable_examples"], r["recorded_by"])
            for r in rows] == [(f"word {s}", "", None, 3, 3, {"teacher": 3}) for s in NEW_WORDS]
    assert all(r["created"][:4].isdigit() for r in rows)
    assert main(["signs", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[:4] == ["word 71", "-", "-", "3 example(s) (teacher 3)"]


def test_adapting_a_karsl_sign_and_adding_examples(user, capsys, sample_dir):
    """`--sign 71` with the shipped model (which knows 71): the user's own way of the sign wins, id 71."""
    assert main(["signs", "remove", "word 71"]) == 0
    assert capsys.readouterr().out.strip() == "Removed 'word 71'."
    train = recordings(sample_dir, "train", 71)
    assert main(["signs", "add", "--sign", "71", str(train[3])]) == 0
    out = capsys.readouterr().out
    assert "Taught 'هيكل عظمي (Skeleton)' (your way of KArSL sign 71) from 1 example(s)." in out and "Tip:" in out
    assert main(["signs", "add", "--en", "skeleton", "--by", "sara", str(train[4])]) == 0
    assert "Added 1 example(s) to the existing sign 'هيكل عظمي (Skeleton)' (now 2)." in capsys.readouterr().out
    sign = PersonalStore().find("Skeleton")
    assert (sign.karsl_id, len(sign.examples)) == (71, 2)
    mine, _ = PersonalStore().examples(sign)
    assert [e.recorded_by for e in mine] == [this_user(), "sara"]  # each recording keeps who made it

    query = recordings(sample_dir, "test", 71)[0]
    assert main(["recognize", "--format", "jsonl", str(query)]) == 0  # the shipped model
    best = json.loads(capsys.readouterr().out)["top"][0]
    assert (best["id"], best["personal"], best["en"]) == (71, True, "Skeleton")
    assert main(["recognize", str(query)]) == 0
    assert capsys.readouterr().out.split(": ", 1)[1].startswith("71 هيكل عظمي (Skeleton) ")


def test_export_and_import(user, tmp_path, monkeypatch, capsys):
    pack = tmp_path / "mine.zip"
    assert main(["signs", "export", str(pack), "word 72", "WORD 73"]) == 0
    assert capsys.readouterr().out.strip() == f"Exported 2 sign(s) to {pack}: word 72, word 73"
    assert main(["signs", "export", str(tmp_path / "x.zip"), "nope"]) == 1
    assert capsys.readouterr().err.strip() == "arsl-desktop: error: No personal sign named 'nope'."
    assert not (tmp_path / "x.zip").exists()

    other = tmp_path / "other"
    monkeypatch.setenv("ARSL_USER_DATA", str(other))
    assert main(["signs", "import", str(pack)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Imported 2 sign(s) from {pack}: word 72, word 73",
        "Tip: add one recording of your own to each of them (`arsl-desktop signs add --en NAME FILE`): "
        "your own recordings are what recognises you best."]
    assert [(s.en, len(s.examples)) for s in PersonalStore().load().signs] == [("word 72", 3), ("word 73", 3)]
    assert main(["signs", "import", str(pack)]) == 0  # again: both names are taken
    out, err = capsys.readouterr()
    assert out.strip() == f"Imported 0 sign(s) from {pack}."
    assert err.strip().splitlines() == [
        "arsl-desktop: warning: 'word 72' skipped: a personal sign named 'word 72' already exists.",
        "arsl-desktop: warning: 'word 73' skipped: a personal sign named 'word 73' already exists."]

    bad = tmp_path / "bad.zip"
    bad.write_bytes(pack.read_bytes()[:-200])  # cut short: the central directory is gone
    before = sorted(p.name for p in (other / "signs").rglob("*"))
    assert main(["signs", "import", str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("arsl-desktop: error: The pack bad.zip was refused")
    assert sorted(p.name for p in (other / "signs").rglob("*")) == before


def flipped(folder: Path, out: Path) -> Path:
    """A recording's frames flipped left-right: the same signer, left-handed."""
    out.mkdir(parents=True)
    for f in sorted(folder.iterdir()):
        cv2.imwrite(str(out / f.name), cv2.flip(cv2.imread(str(f)), 1))
    return out


def test_a_left_handed_learner_imports_a_right_handed_pack_mirrored(enrolled, tmp_path, monkeypatch, capsys,
                                                                    sample_dir):
    """A class: the teacher's pack (words 71-73, signer 02's first 3 recordings each) imported by a
    left-handed learner (signer 02's test recordings flipped left-right), as recorded and with
    `--mirror`. The matcher compares keypoints as made, so only the mirrored pack names them.
    Measured when written: as recorded 3 of 6, mirrored 6 of 6."""
    monkeypatch.setenv("ARSL_USER_DATA", str(enrolled))
    pack = tmp_path / "lesson.zip"
    assert main(["signs", "export", str(pack)]) == 0
    queries = [(sign, flipped(p, tmp_path / "left" / f"{sign}-{p.name}"))
               for sign in NEW_WORDS for p in recordings(sample_dir, "test", sign)[:2]]
    right = {}
    for how in ([], ["--mirror"]):
        monkeypatch.setenv("ARSL_USER_DATA", str(tmp_path / f"learner{''.join(how)}"))
        capsys.readouterr()
        assert main(["signs", "import", *how, str(pack)]) == 0
        said = "mirrored (left and right swapped) " if how else ""
        assert capsys.readouterr().out.splitlines()[0] == f"Imported 3 sign(s) {said}from {pack}: word 71, word 72, word 73"
        assert main(["--model", str(WITHOUT_71_76), "recognize", "--format", "jsonl", *[str(p) for _, p in queries]]) == 0
        rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        right[bool(how)] = sum(r["top"][0]["en"] == f"word {sign}" for (sign, _), r in zip(queries, rows, strict=True))
    assert right[True] >= 5 and right[True] >= right[False] + 2, right


def test_errors_are_one_line_and_lose_nothing(user, tmp_path, monkeypatch, capsys, sample_dir):
    store_before = sorted(str(p) for p in (user / "signs").rglob("*") if p.name != ".changed")

    def one_error(argv, code=1) -> str:
        assert main(argv) == code
        out, err = capsys.readouterr()
        lines = err.strip().splitlines()
        assert "Traceback" not in err and lines[0].startswith("arsl-desktop: error: "), err
        return err

    assert "No personal sign named 'word 99'" in one_error(["signs", "remove", "word 99"])
    assert "No such file or folder" in one_error(["signs", "add", "--en", "x", str(tmp_path / "gone.mp4")])
    assert "Name the sign with --en" in one_error(["signs", "add", str(tmp_path)])
    assert "already taught as a new word" in one_error(["signs", "add", "--sign", "5", "--en", "word 72",
                                                        str(tmp_path)])
    with pytest.raises(SystemExit) as exc:
        main(["signs", "add", "--sign", "503", str(tmp_path)])
    assert exc.value.code == 2 and "KArSL-502 sign ids are 1 to 502" in capsys.readouterr().err

    corrupt = tmp_path / "broken.mp4"
    corrupt.write_bytes(b"\x00\x01" * 500)
    handless = tmp_path / "no hands"
    handless.mkdir()
    for i in range(3):
        cv2.imwrite(str(handless / f"f_{i:04d}.jpg"), np.zeros((64, 64, 3), np.uint8))
    good = recordings(sample_dir, "train", 74)[0]
    err = one_error(["signs", "add", "--en", "new", str(corrupt), str(handless)])  # none usable
    lines = err.strip().splitlines()
    assert len(lines) == 3 and "damaged" in lines[0] and "no hand was seen" in lines[1]
    assert lines[2] == "arsl-desktop: nothing was added."
    assert sorted(str(p) for p in (user / "signs").rglob("*") if p.name != ".changed") == store_before

    # one bad recording does not cost the good one: the sign is taught from what was usable
    assert main(["signs", "add", "--en", "new", str(good), str(corrupt), str(handless)]) == 0
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert "damaged" in lines[0] and "no hand was seen" in lines[1]
    assert lines[2].startswith("arsl-desktop: warning: 2 of the 3 recordings could not be used")
    assert "Taught 'new' (a new word) from 1 example(s)." in out
    assert [len(s.examples) for s in PersonalStore().load().signs if s.en == "new"] == [1]

    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ARSL_USER_DATA", str(blocker))
    assert "cannot be created" in one_error(["signs", "add", "--en", "x", str(good)])
    assert main(["signs", "list"]) == 0 and "No personal signs" in capsys.readouterr().out


def test_taught_words_signed_one_straight_after_another_are_each_named(enrolled, monkeypatch, sample_dir):
    """Continuous signing with no rest between the signs (`training.continuous.splice`, as
    `transcribe` and the live window meet it): a segment holding several taught words is cut
    where the words are. Signer 02's test recordings of 71-73, three to a stream in turn. Measured
    when written, on the same streams: cutting by the model's own signs alone (which do not
    include 71-73) made 5 errors in 24 signs (words left out, merged, or named twice); cutting by
    the joint ranking, 0."""
    from arsl_desktop.core.classifier import SignClassifier
    from arsl_desktop.core.landmarks import stack
    from arsl_desktop.core.personal_signs import PersonalSigns
    from arsl_desktop.core.recognizer import Recognizer
    from arsl_desktop.core.sources import open_source
    from training.cache import Clip
    from training.continuous import edit_ops, splice

    monkeypatch.setenv("ARSL_USER_DATA", str(enrolled))
    clf = SignClassifier(WITHOUT_71_76)
    rec = Recognizer(clf, personal=PersonalSigns(clf, PersonalStore()))
    clips = {}
    for sign in NEW_WORDS:
        for path in recordings(sample_dir, "test", sign):
            with open_source(path) as src:
                clips.setdefault(sign, []).append(Clip(*stack(rec.keypoints_of(src)), "02", "test", sign, path.name))
    errors, made = 0, 0
    for k in range(min(len(v) for v in clips.values())):
        order = [NEW_WORDS[(i + k) % len(NEW_WORDS)] for i in range(len(NEW_WORDS))]
        stream = splice([clips[s][k] for s in order], "no_rest")
        rec.reset(tracking=False)
        named = [r.best.sign.en for kp in stream.keypoints() for r in rec.push(kp)[1] if r.accepted]
        named += [r.best.sign.en for r in rec.finish() if r.accepted]
        errors += edit_ops([f"word {s}" for s in order], named)[0]
        made += len(order)
    rec.close()
    assert made >= 18  # at least 6 streams of 3
    assert errors <= 1, f"{errors} errors in {made} signs"
