"""`arsl-desktop --self-check`: passes with a working install, names what is missing otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from arsl_desktop import selfcheck
from arsl_desktop.cli import main
from arsl_desktop.core import features as F

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=300)


@pytest.mark.slow
def test_passes_on_generated_frames_without_importing_qt(tiny_model, tmp_path):
    # A fresh process, started from another folder: proves paths do not depend on the working
    # directory and that the check stays headless (Qt is never imported).
    code = ("import sys; from pathlib import Path; from arsl_desktop import selfcheck; "
            f"rc = selfcheck.run(None, Path({str(tiny_model)!r})); "
            "print('QT-IMPORTED' if any(m.startswith('PySide6') for m in sys.modules) else 'NO-QT'); "
            "sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "ARSL_USER_DATA": str(tmp_path / "user")}, timeout=300)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    for expected in ("OK    label table: 502 signs", "OK    icon: 256x256 PNG",
                     f"OK    model: 'tiny-test-model', schema {F.SCHEMA_VERSION}, seq_len 16, 82 signs",
                     "OK    MediaPipe: mediapipe 1.2.3", "OK    landmarkers: 3 files match", "OK    onnxruntime: onnxruntime",
                     f"OK    pipeline: {selfcheck.GENERATED_FRAMES} generated frames",
                     "no hands found", "INFO  first frame after", "self-check passed"):
        assert expected in out, f"missing {expected!r} in:\n{out}"
    assert "NO-QT" in out
    assert str(tmp_path / "user") in out  # tells where user data goes
    assert "INFO  personal signs: 0 (0 examples)" in out and "matched by their recordings (time-warped keypoints)" in out
    log = tmp_path / "user" / "logs" / "self-check.log"
    assert "self-check" in log.read_text(encoding="utf-8").splitlines()[0]


def test_missing_model_fails_and_names_it(tmp_path, capsys):
    missing = tmp_path / "no-such-model.onnx"
    assert selfcheck.run(None, missing) == 1
    out = capsys.readouterr().out
    assert f"FAIL  model: Model file not found: {missing}" in out
    assert "SKIP  pipeline" in out
    assert out.strip().splitlines()[-1].startswith("self-check FAILED: model")


def test_cli_reads_arsl_model_and_exits_non_zero(tmp_path):
    missing = tmp_path / "gone.onnx"
    proc = _run("-m", "arsl_desktop", "--self-check", env={"ARSL_MODEL": str(missing),
                                                            "ARSL_USER_DATA": str(tmp_path / "u")})
    assert proc.returncode == 1
    assert f"Model file not found: {missing}" in proc.stdout


def test_missing_video_fails_and_names_it(tmp_path, tiny_model, capsys):
    clip = tmp_path / "nothing.mp4"
    assert selfcheck.run(str(clip), tiny_model) == 1
    out = capsys.readouterr().out
    assert f"FAIL  input: no such video file or sample folder: {clip}" in out


@pytest.mark.slow
def test_clip_top1_matches_recognize(tiny_model, dense_video, capsys):
    assert main(["--model", str(tiny_model), "recognize", "--format", "jsonl", str(dense_video)]) == 0
    best = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["top"][0]
    assert selfcheck.run(str(dense_video), tiny_model) == 0
    out = capsys.readouterr().out
    assert f"top-1 sign {best['id']} {best['ar']} ({best['en']})" in out
    assert "frames/s" in out and "self-check passed" in out


def test_since_start_counts_from_process_start():
    """In a fresh process that waits 1.5 s before importing the self-check: the clock must include
    that wait (it counts from the process start, not from the import)."""
    code = ("import time; time.sleep(1.5); from arsl_desktop import selfcheck; "
            "s, since = selfcheck.since_start(); print(f'{s:.3f} {since}')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60).stdout.split()
    seconds, since = float(out[0]), " ".join(out[1:])
    if sys.platform.startswith("linux"):
        assert since == "process start"
        assert 1.5 <= seconds < 1.5 + 20  # the wait, plus interpreter start-up on a busy machine
    else:
        assert since == "self-check start" and seconds < 1.0


def test_reports_damaged_personal_signs_without_failing_or_deleting(tmp_path, monkeypatch, capsys):
    from arsl_desktop.core.classifier import SignClassifier

    monkeypatch.setenv("ARSL_USER_DATA", str(tmp_path))
    bad = tmp_path / "signs" / "wave"
    bad.mkdir(parents=True)
    (bad / "manifest.json").write_text("{not json", encoding="utf-8")
    report = selfcheck.Report()
    selfcheck._personal_signs(report, SignClassifier(ROOT / "models" / "arsl_karsl82.onnx"))
    out = capsys.readouterr().out
    assert "INFO  personal signs: 0 (0 examples)" in out and "matched by their recordings" in out
    assert "WARN  Personal sign 'wave' skipped: its manifest is not readable" in out
    assert not report.failures and (bad / "manifest.json").read_text(encoding="utf-8") == "{not json"
