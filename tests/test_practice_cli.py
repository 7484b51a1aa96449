"""`arsl-desktop practice`: attempts at a sign scored from real KArSL recordings."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from arsl_desktop.cli import main
from arsl_desktop.core import practice as P
from arsl_desktop.core.labels import default_labels

pytestmark = pytest.mark.slow


def recording(sample: Path, signer: str, split: str, sign: int, k: int = 0) -> Path:
    return sorted((sample / "frames" / signer / split / f"{sign:04d}").iterdir(), key=lambda p: p.name)[k]


def _jsonl(capsys) -> tuple[list[dict], str]:
    out, err = capsys.readouterr()
    return [json.loads(line) for line in out.splitlines() if line.strip()], err


def test_jsonl_scores_the_right_sign_above_its_look_alike(sample_dir, capsys):
    right = recording(sample_dir, "02", "test", 75)
    other = recording(sample_dir, "02", "test", 76)
    assert main(["practice", "--sign", "75", "--format", "jsonl", str(right), str(other)]) == 0
    rows, err = _jsonl(capsys)
    assert "Traceback" not in err and len(rows) == 2
    for row in rows:
        assert set(row) == {"source", "sign", "score", "passed", "feedback", "recognized"}
        assert row["sign"] == {"id": 75, "en": rows[0]["sign"]["en"], "ar": rows[0]["sign"]["ar"], "personal": False}
        assert set(row["recognized"]) == {"id", "en", "ar", "prob", "personal"}
        assert 0 <= row["score"] <= 100 and row["passed"] == (row["score"] >= P.PASS_MARK)
        for f in row["feedback"]:
            assert set(f) == {"part", "start", "end", "text_en", "text_ar"} and f["start"] <= f["end"]
    assert rows[0]["source"] == str(right) and rows[0]["sign"]["en"]
    assert rows[0]["score"] > rows[1]["score"] + 30
    assert rows[0]["passed"] and not rows[1]["passed"] and rows[1]["feedback"]
    assert rows[0]["recognized"]["id"] == 75 and rows[1]["recognized"]["id"] == 76


def test_a_sign_named_by_its_word_and_text_output(sample_dir, capsys):
    right = recording(sample_dir, "02", "test", 75)
    word = default_labels()[75].en
    assert main(["practice", "--sign", word.upper(), str(right)]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith(f"{right}: ") and "score " in out and "/100" in out and "the app reads:" in out


def test_unknown_sign_is_one_error_line_and_exit_1(tmp_path, capsys, sample_dir):
    right = recording(sample_dir, "02", "test", 75)
    for sign in ("no such sign", "400"):  # 400: a KArSL id the shipped model does not know
        assert main(["practice", "--sign", sign, str(right)]) == 1
        out, err = capsys.readouterr()
        assert out == "" and len(err.strip().splitlines()) == 1 and err.startswith("arsl-desktop: error: unknown sign")


def test_no_hands_scores_zero_and_a_bad_file_fails_alone(tmp_path, capsys, sample_dir):
    handless = tmp_path / "no hands"
    handless.mkdir()
    for i in range(3):
        cv2.imwrite(str(handless / f"f_{i:04d}.jpg"), np.zeros((64, 64, 3), np.uint8))
    corrupt = tmp_path / "broken.mp4"
    corrupt.write_bytes(b"\x00\x01" * 500)
    assert main(["practice", "--sign", "75", "--format", "jsonl", str(handless), str(corrupt)]) == 1
    rows, err = _jsonl(capsys)
    assert len(rows) == 1 and rows[0]["score"] == 0 and rows[0]["passed"] is False
    assert [f["part"] for f in rows[0]["feedback"]] == ["no_hands"]
    assert len(err.strip().splitlines()) == 1 and str(corrupt) in err


def test_a_personal_sign_is_practised_against_its_own_examples(sample_dir, capsys):
    examples = [str(recording(sample_dir, "02", "train", 71, k)) for k in range(3)]
    assert main(["signs", "add", "--en", "my word", "--ar", "كلمتي", *examples]) == 0
    capsys.readouterr()
    right = recording(sample_dir, "02", "test", 71)
    other = recording(sample_dir, "02", "test", 74)
    assert main(["practice", "--sign", "my word", "--format", "jsonl", str(right), str(other)]) == 0
    rows, _ = _jsonl(capsys)
    assert rows[0]["sign"] == {"id": None, "en": "my word", "ar": "كلمتي", "personal": True}
    assert rows[0]["score"] > rows[1]["score"] and rows[0]["passed"] and not rows[1]["passed"]
