"""Soak the real window: a KArSL clip looping as the camera for N minutes, RSS and threads sampled.

    .venv/bin/python benchmarks/soak_window.py [--minutes 30] [--interval 10] [--video CLIP] [--model M.onnx]

Runs under the current Qt platform (a desktop, Xvfb, or QT_QPA_PLATFORM=offscreen); with no
DISPLAY and no QT_QPA_PLATFORM it starts Xvfb itself. Every interval it prints (flushed) the
elapsed time, resident memory, thread count, frames recognised, signs in the transcript and
the transcript panel's height; at the end a screenshot of the window and a summary. Settings
go to a temporary folder. Prints numbers; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arsl_desktop import paths  # noqa: E402


def proc_status() -> tuple[float, int]:
    """(resident memory in MB, threads) of this process, from /proc (Linux)."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["Threads"])


def default_clip() -> Path:
    sample = paths.sample_dir()
    if sample is None:
        sys.exit("KArSL sample folder not found: pass --video or set ARSL_SAMPLE_DIR")
    return sorted((sample / "videos" / "01" / "test").glob("*_0045_*.mp4"))[0]


def under_xvfb() -> int:
    if shutil.which("Xvfb") is None:
        sys.exit("No DISPLAY, no QT_QPA_PLATFORM and no Xvfb: install xvfb or set QT_QPA_PLATFORM=offscreen")
    display = next(f":{n}" for n in range(99, 140) if not Path(f"/tmp/.X{n}-lock").exists())
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        return subprocess.call([sys.executable, *sys.argv], env=dict(os.environ, DISPLAY=display))
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--interval", type=float, default=10.0, help="seconds between samples")
    ap.add_argument("--video", type=Path, help="clip to loop (default: a KArSL test recording of sign 45)")
    ap.add_argument("--model", type=Path, help="ONNX model (default: ARSL_MODEL or the shipped model)")
    ap.add_argument("--lang", choices=["ar", "en"], default="ar")
    ap.add_argument("--threshold", type=float, default=0.0, help="confidence threshold (0: every sign is added)")
    ap.add_argument("--screenshot", type=Path, default=ROOT / "screenshots" / "soak_final.png")
    args = ap.parse_args()
    if not os.environ.get("DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
        return under_xvfb()
    return soak(args, args.video or default_clip())


def soak(args: argparse.Namespace, video: Path) -> int:
    from arsl_desktop.ui.app import create_application

    app = create_application()
    from PySide6.QtCore import QTimer

    from arsl_desktop.ui.main_window import MainWindow
    from arsl_desktop.ui.settings import AppSettings

    window = MainWindow(AppSettings(Path(tempfile.mkdtemp(prefix="arsl-soak-")) / "settings.json"),
                        model_path=args.model, language=args.lang)
    window.resize(1180, 740)
    window.move(0, 0)
    window.show()
    window.actions.threshold_slider.setValue(round(args.threshold * 100))
    counts = {"frames": 0, "signs": 0}
    window.pipeline.processed.connect(lambda _: counts.__setitem__("frames", counts["frames"] + 1))
    window.sign_shown.connect(lambda _: counts.__setitem__("signs", counts["signs"] + 1))
    window.controller.open_video(video, loop=True)
    t0 = time.monotonic()
    samples: list[tuple[float, float, int]] = []
    print(f"soak: {video.name} looping for {args.minutes:g} min on Qt platform '{app.platformName()}', "
          f"model {window.controller.classifier.name if window.controller.classifier else 'none'}", flush=True)

    def sample() -> None:
        rss, threads = proc_status()
        elapsed = time.monotonic() - t0
        samples.append((elapsed, rss, threads))
        t = window.transcript
        print(f"t={elapsed:7.0f}s  rss={rss:7.1f} MB  threads={threads:3d}  frames={counts['frames']:6d}  "
              f"signs shown={counts['signs']:4d}  transcript={len(t.transcript):4d}  "
              f"panel={t.height()}px video={window.video.height()}px", flush=True)
        if elapsed >= args.minutes * 60:
            finish()

    def finish() -> None:
        timer.stop()
        args.screenshot.parent.mkdir(parents=True, exist_ok=True)
        shot = app.primaryScreen().grabWindow(window.winId()) if app.platformName() == "xcb" else None
        if shot is None or shot.isNull() or shot.width() < 100:
            shot = window.grab()
        shot.save(str(args.screenshot))
        after = [s for s in samples if s[0] >= 60] or samples  # the first minute loads MediaPipe
        gloss = window.transcript.gloss
        print(f"summary: RSS {samples[0][1]:.0f} MB at start, {after[0][1]:.0f} MB after 1 min, "
              f"max {max(s[1] for s in samples):.0f} MB, {samples[-1][1]:.0f} MB at the end; "
              f"threads {min(s[2] for s in samples)}-{max(s[2] for s in samples)}; {counts['frames']} frames, "
              f"{counts['signs']} signs shown, transcript {len(window.transcript.transcript)} signs, "
              f"English line {round(gloss.height() / gloss.fontMetrics().lineSpacing())} line(s); "
              f"screenshot {args.screenshot}", flush=True)
        window.transcript.transcript.mark_saved()  # a benchmark's transcript: quit without asking
        window.close()
        app.quit()

    timer = QTimer(interval=round(args.interval * 1000))
    timer.timeout.connect(sample)
    timer.start()
    sample()
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
