"""Faults a user hit with the headless commands (issue 11): each reproduced, each answered with
a clear message or the partial result kept, never a traceback or a lost result."""

from __future__ import annotations

import json
import shutil

import cv2
import numpy as np
import pytest
from tiny_model import build_tiny_model

import arsl_desktop.core.sources as sources
from arsl_desktop.cli import build_parser, main
from arsl_desktop.core.sources import FrameSource, open_source


@pytest.mark.parametrize("top", ["0", "-3", "two"])
def test_top_must_be_a_positive_number(top, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["recognize", "--top", top, "x.mp4"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert "argument --top" in err and "Traceback" not in err


def test_model_naming_unknown_signs_is_refused_at_load(tmp_path, capsys, sparse_sample):
    bad = build_tiny_model(tmp_path / "odd.onnx", [1, 2, 999])
    assert main(["--model", str(bad), "recognize", str(sparse_sample), str(sparse_sample)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip().splitlines() == [
        "arsl-desktop: error: odd.onnx names 1 sign id(s) that are not in the KArSL-502 label table (999). "
        "Choose a model exported for KArSL-502."]


class _Exploding(FrameSource):
    """What a 4K clip does under a memory limit: OpenCV raises cv2.error mid-clip."""

    name = "huge.mp4"

    def __iter__(self):
        yield from ()
        cv2.cvtColor(np.zeros((4, 4, 5), np.uint8), cv2.COLOR_BGR2RGB)  # a real cv2.error


@pytest.mark.slow
def test_a_library_error_is_one_line_and_the_batch_goes_on(monkeypatch, capsys, tiny_model, sparse_sample, tmp_path):
    huge = tmp_path / "huge.mp4"
    real = sources.open_source
    monkeypatch.setattr(sources, "open_source", lambda p, loop=False: _Exploding() if p == huge else real(p, loop))
    code = main(["--model", str(tiny_model), "recognize", "--format", "jsonl", str(huge), str(sparse_sample)])
    out, err = capsys.readouterr()
    assert code == 1
    assert [json.loads(line)["source"] for line in out.splitlines()] == [str(sparse_sample)]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"arsl-desktop: error: cannot process {huge}: error: ")


@pytest.mark.slow
def test_truncated_frame_is_skipped_and_reported(tmp_path, capsys, tiny_model, sparse_sample):
    folder = shutil.copytree(sparse_sample, tmp_path / sparse_sample.name)
    frames = sorted(folder.iterdir())
    data = frames[5].read_bytes()
    frames[5].write_bytes(data[: len(data) // 2])  # cut off mid-file: OpenCV would decode it half grey
    assert main(["--model", str(tiny_model), "recognize", "--format", "jsonl", str(folder)]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["frames"] == 17 and row["skipped_frames"] == 1
    assert main(["--model", str(tiny_model), "recognize", str(folder)]) == 0
    assert "[17 frames, skipped 1 unreadable frame(s)]" in capsys.readouterr().out


@pytest.mark.slow
def test_one_frame_video_and_single_image_are_recognised(tmp_path, capsys, tiny_model, sparse_sample):
    jpg = sorted(sparse_sample.iterdir())[9]
    image = tmp_path / "still.jpg"
    shutil.copy(jpg, image)
    video = tmp_path / "one.mp4"
    bgr = cv2.imread(str(jpg))
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 30, (bgr.shape[1], bgr.shape[0]))
    writer.write(bgr)
    writer.release()
    assert len(list(open_source(video))) == 1
    assert main(["--model", str(tiny_model), "recognize", "--format", "jsonl", str(video), str(image)]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["source"], r["frames"]) for r in rows] == [(str(video), 1), (str(image), 1)]
    assert err == ""


@pytest.mark.slow
def test_transcribe_reads_a_frame_folder(capsys, tiny_model, sparse_sample):
    assert main(["--model", str(tiny_model), "transcribe", str(sparse_sample)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == f"1 sign(s) in {sparse_sample}"


class _InterruptedRecording(FrameSource):
    """A continuous recording: one KArSL sign, its first frame held for 1.3 s (hands down), another
    sign, then Ctrl-C while it is still signed. Records what had been printed when the interrupt came."""

    name = "long.mp4"

    def __init__(self, first, second, capsys) -> None:
        self.frames = list(open_source(first))
        self.second = list(open_source(second))
        self.capsys = capsys
        self.printed_before_interrupt = ""

    def __iter__(self):
        fps, i = 30.0, 0
        clip = self.frames + [self.frames[0]] * 40 + self.second
        for f in clip:
            yield sources.Frame(f.image, i / fps, i)
            i += 1
        self.printed_before_interrupt = self.capsys.readouterr().out
        raise KeyboardInterrupt


@pytest.mark.slow
def test_ctrl_c_in_transcribe_keeps_what_was_found(monkeypatch, capsys, tiny_model, dense_video, sample_dir):
    second = sorted((sample_dir / "videos" / "01" / "test").glob("*_0001_*.mp4"))[0]
    src = _InterruptedRecording(dense_video, second, capsys)
    monkeypatch.setattr(sources, "open_source", lambda p, loop=False: src)
    code = main(["--model", str(tiny_model), "transcribe", "--format", "text", str(dense_video)])
    out, err = capsys.readouterr()
    assert code == 130
    streamed = [line for line in src.printed_before_interrupt.splitlines() if line.strip()]
    assert len(streamed) >= 1 and "s - " in streamed[0]  # the first sign was printed while it ran
    finished = [line for line in out.splitlines() if "s - " in line]
    assert len(finished) == 1  # the sign open at the interrupt is classified, not lost
    total = len(streamed) + len(finished)
    assert out.strip().splitlines()[-1] == f"{total} sign(s) in {dense_video} before the interrupt"
    assert err.strip() == "arsl-desktop: interrupted"


def _long_recording(path, sample_dir, passes: int = 12) -> None:
    """A continuous video: KArSL signs of signer 01, each followed by 1.3 s with the hands down."""
    videos = sorted((sample_dir / "videos" / "01" / "test").glob("*.mp4"))
    clips = [list(open_source(v)) for v in (videos[11], videos[0])]  # signs 23 and 1: each spotted here
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (256, 256))
    for i in range(passes):
        frames = clips[i % 2]
        for f in frames + [frames[0]] * 40:
            writer.write(cv2.cvtColor(np.ascontiguousarray(f.image), cv2.COLOR_RGB2BGR))
    writer.release()


@pytest.mark.slow
def test_real_ctrl_c_in_a_real_process(tmp_path, tiny_model, sample_dir):
    """The console command, a real SIGINT: the first sign is on stdout while the video is still being
    read (flushed as found), and the interrupt ends the command with status 130 and the count."""
    import signal
    import subprocess
    import sys

    video = tmp_path / "long.mp4"
    _long_recording(video, sample_dir)
    proc = subprocess.Popen([sys.executable, "-m", "arsl_desktop", "--model", str(tiny_model), "transcribe",
                             str(video)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()  # blocks until the first sign is printed
    assert "s - " in first and proc.poll() is None, first  # a sign line, and the command still runs
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    lines = out.strip().splitlines()
    assert lines[-1].endswith(f"in {video} before the interrupt")
    signs_after_first = len(lines) - 1  # lines before the summary
    assert int(lines[-1].split()[0]) == 1 + signs_after_first  # every sign printed is counted
    assert err.strip().splitlines()[-1] == "arsl-desktop: interrupted" and "Traceback" not in err
