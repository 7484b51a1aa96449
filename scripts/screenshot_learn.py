"""Screenshots of learn mode, in the real window under Xvfb, captured with ImageMagick.

    .venv/bin/python scripts/screenshot_learn.py [--model M.onnx] [--lang ar en] [--out DIR]

Plays a KArSL clip of sign 71 (هيكل عظمي, signer 02, train split) as the source, opens
"Learn signs…", picks the Words deck and sign 71, and saves `learn_watch_<lang>.png` while the
reference replays; then presses Try it, lets the clip's next segment be the attempt and saves
`learn_scored_<lang>.png` with the score, the feedback and the attempt beside the reference,
caught in the span that differed most (tinted red) when there is one. The model defaults to
the shipped models/arsl_karsl82.onnx. User data (progress) and settings go to a temporary
folder, never the user's. Starts `Xvfb` itself when DISPLAY is not set; needs `import`
(apt-get install imagemagick).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from screenshot_window import run_under_xvfb  # noqa: E402

from arsl_desktop import paths  # noqa: E402

DIALOG = (1000, 780)


def clip() -> Path:
    sample = paths.sample_dir()
    if sample is None:
        sys.exit("KArSL sample folder not found: set ARSL_SAMPLE_DIR")
    return sorted((sample / "frames" / "02" / "train" / "0071").iterdir())[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "arsl_karsl82.onnx")
    ap.add_argument("--lang", nargs="+", choices=["ar", "en"], default=["ar", "en"])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for each step")
    args = ap.parse_args()
    if not os.environ.get("DISPLAY"):
        return run_under_xvfb()
    os.environ["ARSL_USER_DATA"] = tempfile.mkdtemp(prefix="arsl-learn-shot-")  # never the user's progress
    return shoot(args)


def shoot(args: argparse.Namespace) -> int:
    from arsl_desktop.ui.app import create_application

    app = create_application()
    from PySide6.QtCore import QEventLoop

    from arsl_desktop.ui.learn import LearnState
    from arsl_desktop.ui.main_window import MainWindow
    from arsl_desktop.ui.settings import AppSettings

    def pump(seconds: float, cond=None, what: str = "") -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if cond is not None and cond():
                return
        if cond is not None:
            raise SystemExit(f"timed out waiting for {what}")

    def capture(name: str, dialog) -> Path:
        app.processEvents()
        geo = dialog.frameGeometry()
        path = args.out / name
        subprocess.run(["import", "-window", "root", "-crop", f"{geo.width()}x{geo.height()}+{geo.x()}+{geo.y()}",
                        "+repage", str(path)], check=True)
        print(path)
        return path

    args.out.mkdir(parents=True, exist_ok=True)
    settings = AppSettings(Path(os.environ["ARSL_USER_DATA"]) / "settings.json")
    window = MainWindow(settings, model_path=args.model, language=args.lang[0])
    window.setGeometry(0, 0, 1380, 880)
    window.show()
    window.controller.open_video(clip(), loop=True)
    pump(args.timeout, lambda: window.controller.running and window.video.has_frame, "the clip to play")
    dialog = window.personal.show_learn()
    dialog.setGeometry(10, 10, *DIALOG)
    dialog.learn.step_ms = 400
    for lang in args.lang:
        window.set_language(lang)
        dialog.learn.progress.entries.clear()  # each language starts from no progress
        dialog.pick_deck("words")
        dialog.pick("karsl:71")
        pump(1.3)  # the reference mid-sign
        capture(f"learn_watch_{lang}.png", dialog)
        dialog.try_button.click()
        pump(args.timeout, lambda: dialog.learn.state is LearnState.SCORED, "the attempt to be scored")
        worst = dialog.learn.last.result.worst
        if worst is not None:  # caught in the span that differed most
            pump(10, lambda: dialog.step.attempt.marked, "the span that differed")
            pump(0.05)
        else:
            pump(1.0)
        capture(f"learn_scored_{lang}.png", dialog)
        r = dialog.learn.last.result
        print(f"{lang}: score {r.score:.1f} passed={r.passed} worst={r.worst} feedback={[f.part for f in r.feedback]}")
    dialog.close()
    window.transcript.transcript.mark_saved()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
