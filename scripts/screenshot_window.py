"""Screenshot the real window on a KArSL clip, in Arabic and English, under Xvfb.

    .venv/bin/python scripts/screenshot_window.py [--video CLIP] [--model M.onnx] [--lang ar en]

Starts `Xvfb :99` itself when DISPLAY is not set (apt-get install xvfb). Plays the clip
as the camera (looping), waits until the window has shown a recognised sign and a few
more frames with overlays, then saves `docs/screenshots/window_<lang>.png`. Settings go
to a temporary settings.json, never to the user's. The model: --model, else ARSL_MODEL, else the
shipped `models/arsl_karsl82.onnx`.
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


def default_clip() -> Path:
    """A KArSL test recording of sign 71 (هيكل عظمي, two words: shows right-to-left layout)."""
    sample = paths.sample_dir()
    if sample is None:
        sys.exit("KArSL sample folder not found: pass --video or set ARSL_SAMPLE_DIR")
    folders = sorted((sample / "frames" / "01" / "test" / "0071").glob("*"))
    clips = folders or sorted((sample / "videos" / "01" / "test").glob("*.mp4"))
    if not clips:
        sys.exit(f"no KArSL test recordings under {sample}: pass --video")
    return clips[0]


def free_display() -> str:
    for n in range(99, 140):
        if not Path(f"/tmp/.X{n}-lock").exists():
            return f":{n}"
    sys.exit("no free X display number between :99 and :139")


def run_under_xvfb() -> int:
    """No screen: start Xvfb, run this script again on it (so a crash cannot orphan Xvfb), stop Xvfb."""
    if shutil.which("Xvfb") is None:
        sys.exit("No DISPLAY and no Xvfb: install it (apt-get install -y xvfb) or run under a desktop.")
    display = free_display()
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        if xvfb.poll() is not None:
            sys.exit(f"Xvfb {display} did not start")
        env = dict(os.environ, DISPLAY=display)
        env.pop("QT_QPA_PLATFORM", None)
        return subprocess.call([sys.executable, *sys.argv], env=env)
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--video", type=Path, help="video file or KArSL frame folder to play as the camera "
                    "(default: a KArSL test recording of sign 71)")
    ap.add_argument("--model", type=Path, help="ONNX model (default: ARSL_MODEL or the shipped model)")
    ap.add_argument("--lang", nargs="+", choices=["ar", "en"], default=["ar", "en"])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--threshold", type=float, help="confidence threshold (default: the app's)")
    ap.add_argument("--size", default="1180x740", help="window size WxH")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for a recognised sign")
    args = ap.parse_args()
    if not os.environ.get("DISPLAY"):
        return run_under_xvfb()
    return shoot(args, args.video or default_clip())


def shoot(args: argparse.Namespace, video: Path) -> int:
    from arsl_desktop.ui.app import create_application

    app = create_application()
    from PySide6.QtCore import QEventLoop

    from arsl_desktop.ui.main_window import MainWindow
    from arsl_desktop.ui.settings import AppSettings

    settings = AppSettings(Path(tempfile.mkdtemp(prefix="arsl-shot-")) / "settings.json")
    window = MainWindow(settings, model_path=args.model, language=args.lang[0])
    w, h = (int(v) for v in args.size.split("x"))
    window.resize(w, h)
    window.move(0, 0)
    window.show()
    if args.threshold is not None:
        window.actions.threshold_slider.setValue(round(args.threshold * 100))
    seen: list[object] = []
    frames = [0]
    window.sign_shown.connect(seen.append)
    window.pipeline.processed.connect(lambda _: frames.__setitem__(0, frames[0] + 1))
    window.controller.open_video(video, loop=True)

    def pump_until(cond, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            if cond():
                return True
        return False

    args.out.mkdir(parents=True, exist_ok=True)
    status = 0
    for lang in args.lang:
        window.set_language(lang)
        n = len(seen)
        if not pump_until(lambda: len(seen) > n, args.timeout):  # noqa: B023
            print(f"[{lang}] no sign was recognised within {args.timeout:.0f} s", file=sys.stderr)
            status = 1
        start = frames[0]
        # a few more frames so the picture shows the signer with overlays, mid-sign
        pump_until(lambda: frames[0] >= start + 8 and window.controller.message is None, 20)  # noqa: B023
        shot = app.primaryScreen().grabWindow(window.winId())
        if shot.isNull() or shot.width() < 100:
            shot = window.grab()
        path = args.out / f"window_{lang}.png"
        shot.save(str(path))
        print(f"[{lang}] {path}  sign: {seen[-1].best.sign.ar} / {seen[-1].best.sign.en} "
              f"p={seen[-1].best.prob:.2f}  {window.status.fps.text()}  {window.status.latency.text()}"
              if seen else f"[{lang}] {path}")
    window.transcript.transcript.mark_saved()  # a script's transcript: close without asking
    window.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
