"""The command line: output formats and exit codes for bad input."""

from __future__ import annotations

import json

import pytest
from tiny_model import build_tiny_model

from arsl_desktop.cli import build_parser, main


def test_help_is_instant_and_lists_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "recognize" in out and "transcribe" in out and "--camera" in out


def test_window_options_parse():
    args = build_parser().parse_args(["--camera", "2"])
    assert args.camera == 2 and args.command is None
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--camera", "1", "--video", "x.mp4"])


def test_missing_model_exits_2_with_one_line(tmp_path, capsys, dense_video):
    code = main(["--model", str(tmp_path / "none.onnx"), "recognize", str(dense_video)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "Model file not found" in err[0]


def test_incompatible_model_exits_2(tmp_path, capsys, dense_video):
    bad = build_tiny_model(tmp_path / "old.onnx", [1, 2, 3], meta_overrides={"arsl_schema": "other-v9"})
    assert main(["--model", str(bad), "recognize", str(dense_video)]) == 2
    assert "keypoint schema 'other-v9'" in capsys.readouterr().err


@pytest.mark.slow
def test_batch_goes_on_past_bad_inputs(tmp_path, capsys, tiny_model, dense_video, sparse_sample):
    corrupt = tmp_path / "broken.mp4"
    corrupt.write_bytes(b"\x00\x01" * 500)
    code = main(["--model", str(tiny_model), "recognize", "--format", "jsonl", "--top", "3",
                 str(tmp_path / "missing.mp4"), str(dense_video), str(corrupt), str(sparse_sample)])
    out, err = capsys.readouterr()
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["source"] for r in rows] == [str(dense_video), str(sparse_sample)]
    for r in rows:
        assert len(r["top"]) == 3 and r["frames"] > 0 and r["hands_seen"] is True
        assert set(r["top"][0]) == {"id", "ar", "en", "prob", "personal"}
        assert 1 <= r["top"][0]["id"] <= 82
    lines = err.strip().splitlines()
    assert len(lines) == 2 and "missing.mp4" in lines[0] and "damaged" in lines[1]


@pytest.mark.slow
def test_recognize_text_and_shaped_arabic(capsys, tiny_model, sparse_sample):
    assert main(["--model", str(tiny_model), "recognize", "--shape", str(sparse_sample)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(str(sparse_sample)) and "[18 frames]" in out


@pytest.mark.slow
def test_transcribe_video(capsys, tiny_model, dense_video):
    assert main(["--model", str(tiny_model), "transcribe", "--format", "jsonl", str(dense_video)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 1  # one isolated sign in a KArSL clip
    assert 0 <= rows[0]["start"] < rows[0]["end"] and rows[0]["id"] in range(1, 83)


def test_transcribe_unreadable_video_exits_1(tmp_path, capsys, tiny_model):
    assert main(["--model", str(tiny_model), "transcribe", str(tmp_path / "nope.mp4")]) == 1
    assert "not found" in capsys.readouterr().err


@pytest.mark.slow
def test_console_script_stderr_is_one_clean_line(tmp_path, tiny_model, sparse_sample):
    """In a real process: MediaPipe's native start-up chatter must not drown the one error line."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "arsl_desktop", "--model", str(tiny_model), "recognize",
                           str(sparse_sample), str(tmp_path / "gone.mp4")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stdout.count("\n") == 1 and str(sparse_sample) in proc.stdout
    assert proc.stderr.strip().splitlines() == [f"arsl-desktop: error: Video file not found: {tmp_path / 'gone.mp4'}"]
