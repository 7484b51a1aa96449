"""GUI-thread stalls while the window's pipeline runs flat out on a KArSL video.

    .venv/bin/python benchmarks/gui_stall_bench.py [--video CLIP] [--model M.onnx] [--seconds 20] [--unpaced]
        [--personal 200]

A 5 ms QTimer heartbeat on the GUI thread records when it actually fires; the gaps
between beats are how long the event loop was blocked (painting, signal handling, the
GIL held by the workers). Measured first with the window idle, then while the capture
thread plays the clip (looping) at its 30 fps, faster than the worker can recognise, so
the worker runs MediaPipe + the classifier back to back on the newest frame (flat out);
--unpaced also makes the capture thread decode as fast as it can. Runs offscreen
unless DISPLAY is set. Without --model and ARSL_MODEL, and no shipped model, a tiny
random model with the app's interface is built (same pipeline cost, minus a few ms of
classifier time per sign). With --personal N, a second phase as long as the first runs after
N personal signs x 5 examples (jittered copies of real KArSL keypoints) are written to the
window's store, and the frame rates of the two phases are compared; user data goes to a
temporary folder (ARSL_USER_DATA), never the user's.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ARSL_USER_DATA"] = tempfile.mkdtemp(prefix="arsl-bench-user-")  # never the user's signs

from arsl_desktop import paths  # noqa: E402

HEARTBEAT_MS = 5


def pick_model(arg: Path | None) -> Path:
    if arg is not None:
        return arg
    shipped = paths.default_model_path()
    if shipped.is_file():
        return shipped
    sys.path.insert(0, str(ROOT / "tests"))
    from tiny_model import build_tiny_model

    print("(no model given and none shipped: using a tiny random model with the app's interface)")
    return build_tiny_model(Path(tempfile.mkdtemp()) / "tiny.onnx", list(range(1, 83)))


def thread_cpu() -> dict[str, float]:
    """CPU seconds used so far by this process's threads, summed by thread name (Linux; else empty)."""
    out: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for task in Path("/proc/self/task").glob("*") if Path("/proc/self/task").is_dir() else []:
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue  # the thread ended meanwhile
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        group = "mediapipe" if name.startswith("drishti") else name
        out[group] = out.get(group, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def gaps_report(label: str, beats: list[float]) -> str:
    gaps = np.diff(np.array(beats)) * 1000
    if len(gaps) == 0:
        return f"{label}: no heartbeats"
    return (f"{label}: {len(gaps)} beats (every {HEARTBEAT_MS} ms), gap median {np.median(gaps):.1f} ms, "
            f"p99 {np.percentile(gaps, 99):.1f} ms, longest {gaps.max():.1f} ms, "
            f"gaps > 50 ms: {(gaps > 50).sum()}, > 100 ms: {(gaps > 100).sum()}")


def personal_phase(args, window, pump, processed: list, signs: list) -> tuple[int, float, float, float]:
    """Teach `args.personal` signs into the window's store, let it notice, then measure as long
    again: (signs the recogniser holds, frames/s, median latency ms, seconds)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from personal_bench import jittered, real_clips, synthetic_clips

    from arsl_desktop.core.personal_store import Example, PersonalStore

    clips = (real_clips(3) or synthetic_clips(3))[0][:3]
    base = [Example.from_keypoints(c) for c in clips]
    rng = np.random.default_rng(0)
    store = PersonalStore()
    for i in range(args.personal):
        store.add(f"bench {i}", [jittered(base[i % len(base)], rng) for _ in range(5)])
    personal = window.controller.personal
    pump(30.0, until=lambda: personal is not None and personal.index is not None
         and len(personal.index) >= args.personal)  # the next segment re-reads the store
    processed.clear()
    signs.clear()
    t0 = time.perf_counter()
    pump(args.seconds)
    seconds = time.perf_counter() - t0
    lat = [(arrived - item.grabbed_at) * 1000 for item, arrived in processed]
    held = len(personal.index) if personal is not None and personal.index is not None else 0
    return held, len(processed) / seconds, float(np.median(lat)) if lat else float("nan"), seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--video", type=Path)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--unpaced", action="store_true", help="decode the clip as fast as possible too")
    ap.add_argument("--personal", type=int, default=0, metavar="N",
                    help="then N personal signs x 5 examples taught, and a second phase measured")
    args = ap.parse_args()
    video = args.video
    if video is None:
        sample = paths.sample_dir()
        if sample is None:
            sys.exit("KArSL sample folder not found: pass --video or set ARSL_SAMPLE_DIR")
        video = sorted((sample / "videos" / "01" / "test").glob("*_0045_*.mp4"))[0]
    model = pick_model(args.model)

    from arsl_desktop.ui.app import create_application

    app = create_application()
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    from arsl_desktop.ui.main_window import MainWindow
    from arsl_desktop.ui.settings import AppSettings

    settings = AppSettings(Path(tempfile.mkdtemp(prefix="arsl-bench-")) / "settings.json")
    window = MainWindow(settings, model_path=model, language="ar")
    window.resize(1180, 740)
    window.show()
    window.actions.threshold_slider.setValue(0)

    beats: list[float] = []
    heartbeat = QTimer(timerType=Qt.TimerType.PreciseTimer, interval=HEARTBEAT_MS)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    processed: list = []
    signs: list = []
    window.pipeline.processed.connect(lambda item: processed.append((item, time.perf_counter())))
    window.sign_shown.connect(signs.append)

    def pump(seconds: float, until=None) -> None:
        # A blocking event loop, as the app's own exec(): spinning on processEvents() here kept the
        # GUI thread busy-polling and, on one core, took about half the CPU from the worker.
        loop = QEventLoop()
        deadline = QTimer(singleShot=True, interval=int(seconds * 1000))
        deadline.timeout.connect(loop.quit)
        check = QTimer(interval=20)
        check.timeout.connect(lambda: until() and loop.quit())
        deadline.start()
        if until is not None:
            check.start()
        loop.exec()
        deadline.stop()
        check.stop()

    heartbeat.start()
    pump(0.5)  # first show and layout of the window
    beats.clear()
    pump(3.0)
    idle = list(beats)
    window.controller.start_source(video, loop=True, paced=not args.unpaced)
    pump(60.0, until=lambda: len(processed) >= 10)  # tracker loaded and warm
    beats.clear()
    processed.clear()
    signs.clear()
    cpu0 = thread_cpu()
    t0 = time.perf_counter()
    pump(args.seconds)
    elapsed = time.perf_counter() - t0
    cpu1 = thread_cpu()
    busy = list(beats)
    first, first_signs = list(processed), list(signs)  # the run without personal signs
    with_personal = personal_phase(args, window, pump, processed, signs) if args.personal else None
    processed, signs = first, first_signs
    heartbeat.stop()
    dropped = processed[-1][0].dropped if processed else 0
    window.transcript.transcript.mark_saved()  # a script's transcript: close without asking
    window.close()

    lat = np.array([(arrived - item.grabbed_at) * 1000 for item, arrived in processed])
    lm = np.array([item.result.landmark_ms for item, _ in processed])
    print(f"video {video.name}, model {model.name}, {'capture unpaced' if args.unpaced else 'capture at 30 fps'}, {elapsed:.1f} s, "
          f"Qt platform {app.platformName()}")
    print(gaps_report("idle window ", idle))
    print(gaps_report("pipeline on ", busy))
    if len(lat):
        print(f"pipeline: {len(processed) / elapsed:.1f} frames/s recognised, landmarks {np.median(lm):.0f} ms median, "
              f"frame->GUI latency median {np.median(lat):.0f} ms, p95 {np.percentile(lat, 95):.0f} ms, "
              f"{len(signs)} signs shown, {dropped} stale frames dropped by the mailbox in this run")
    if processed and cpu1:
        used = {k: v - cpu0.get(k, 0.0) for k, v in cpu1.items()}
        total = sum(used.values())
        parts = ", ".join(f"{k} {v * 1000 / len(processed):.1f}" for k, v in sorted(used.items(), key=lambda kv: -kv[1])
                          if v * 1000 / len(processed) >= 0.05)
        print(f"CPU per recognised frame: {total * 1000 / len(processed):.1f} ms ({total / elapsed:.0%} of one core) = {parts}")
    if with_personal is not None:
        n_signs, rate, lat_p, seconds = with_personal
        base = len(processed) / elapsed
        print(f"with {n_signs} personal signs x 5 examples ({seconds:.1f} s): {rate:.1f} frames/s recognised "
              f"({rate / base:.2f}x the run without), frame->GUI latency median {lat_p:.0f} ms")
    alive = [t for t in window.pipeline.history if t.isRunning()]
    print(f"threads still running after close: {len(alive)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
