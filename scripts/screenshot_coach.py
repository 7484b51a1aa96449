"""Screenshot the camera coach under Xvfb: the hint over the video, and the Teach dialog's check.

    .venv/bin/python scripts/screenshot_coach.py [--video CLIP] [--model M.onnx] [--lang ar en]

Makes altered copies of a KArSL clip (`tests/coach_clips.py`: darkened x0.15, shrunk into a
black 16:9 frame), each followed by its last frame held for 2 s (KArSL clips keep the hands up
from the first frame to the last: a looping clip alone is one endless sign, and the hint is never
shown during a sign). Plays each as the camera, waits for the coach's hint, and saves
`docs/screenshots/coach_<code>_<lang>.png`; then opens Teach a sign… on the shrunk copy and saves
`docs/screenshots/teach_check_<lang>.png`. Starts `Xvfb` itself when DISPLAY is not set.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "scripts")]

from screenshot_window import run_under_xvfb  # noqa: E402

from arsl_desktop import paths  # noqa: E402


def default_clip() -> Path:
    sample = paths.sample_dir()
    if sample is None:
        sys.exit("KArSL sample folder not found: pass --video or set ARSL_SAMPLE_DIR")
    return sorted((sample / "videos" / "01" / "test").glob("*_0023_*.mp4"))[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--video", type=Path, help="clip to alter (default: a KArSL test video of sign 23)")
    ap.add_argument("--model", type=Path, help="ONNX model (default: ARSL_MODEL or the shipped model)")
    ap.add_argument("--lang", nargs="+", choices=["ar", "en"], default=["ar", "en"])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--size", default="1180x740", help="window size WxH")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each hint")
    args = ap.parse_args()
    if not os.environ.get("DISPLAY"):
        return run_under_xvfb()
    return shoot(args, args.video or default_clip())


def shoot(args: argparse.Namespace, video: Path) -> int:
    from arsl_desktop.ui.app import create_application

    app = create_application()
    from coach_clips import darken, shrink_in_wide, write_altered
    from PySide6.QtCore import QEventLoop

    from arsl_desktop.ui.main_window import MainWindow
    from arsl_desktop.ui.settings import AppSettings

    tmp = Path(tempfile.mkdtemp(prefix="arsl-coach-"))
    copies = {"too_dark": write_altered(video, tmp / "dark.mp4", darken, hold_s=2.0),
              "too_far": write_altered(video, tmp / "far.mp4", shrink_in_wide, hold_s=2.0)}
    window = MainWindow(AppSettings(tmp / "settings.json"), model_path=args.model, language=args.lang[0])
    w, h = (int(v) for v in args.size.split("x"))
    window.resize(w, h)
    window.move(0, 0)
    window.show()
    c = window.controller

    def pump_until(cond, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            if cond():
                return True
        return False

    def save(widget, name: str) -> Path:
        shot = app.primaryScreen().grabWindow(widget.winId())
        if shot.isNull() or shot.width() < 100:
            shot = widget.grab()
        path = args.out / name
        shot.save(str(path))
        return path

    args.out.mkdir(parents=True, exist_ok=True)
    status = 0
    for lang in args.lang:
        window.set_language(lang)
        for code, clip in copies.items():
            c.open_video(clip, loop=True)
            if not pump_until(lambda: c.coach_hint == code and window.video.hint.isVisible(),  # noqa: B023
                              args.timeout):
                print(f"[{lang}] no {code} hint within {args.timeout:.0f} s", file=sys.stderr)
                status = 1
                continue
            pump_until(lambda: False, 0.3)  # let the frame and the hint paint
            print(f"[{lang}] {save(window, f'coach_{code}_{lang}.png')}: {window.video.hint.text()}")
        dialog = window.personal.show_teach()
        dialog.move(40, 40)
        c.open_video(copies["too_far"], loop=True)
        check = dialog.camera_check
        if pump_until(lambda: c.coach_seen and c.coach_check == "too_far" and check.isVisible(),  # noqa: B023
                      args.timeout):
            pump_until(lambda: False, 0.3)
            print(f"[{lang}] {save(dialog, f'teach_check_{lang}.png')}: {dialog.camera_check.text()}")
        else:
            print(f"[{lang}] the Teach dialog's check did not say too_far", file=sys.stderr)
            status = 1
        dialog.close()
    window.transcript.transcript.mark_saved()  # a script's transcript: close without asking
    window.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
