"""Screenshots of teaching a sign, in the real window under Xvfb, captured with ImageMagick.

    .venv/bin/python scripts/screenshot_teach.py [--model M.onnx] [--lang ar|en] [--out DIR]

Plays KArSL clips of sign 71 (هيكل عظمي, signer 02) as the source, opens "Teach a sign…",
records three examples as a new word (the spotter cuts each from the playing clip) and saves
`teach_dialog.png` while the third is under review (skeleton replay, Keep / Redo); then saves
the sign, plays a held-out clip and saves `personal_sign.png` once the panel shows it as a
personal sign. The model defaults to tests/data/karsl_without_71_76.onnx (never trained on 71,
so the word is truly new). User data (the personal signs) and settings go to a temporary
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

SCREEN = (1400, 900)


def clips(split: str) -> list[Path]:
    sample = paths.sample_dir()
    if sample is None:
        sys.exit("KArSL sample folder not found: set ARSL_SAMPLE_DIR")
    return sorted((sample / "frames" / "02" / split / "0071").iterdir())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "tests" / "data" / "karsl_without_71_76.onnx")
    ap.add_argument("--lang", choices=["ar", "en"], default="ar")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for each step")
    args = ap.parse_args()
    if not os.environ.get("DISPLAY"):
        return run_under_xvfb()
    os.environ["ARSL_USER_DATA"] = tempfile.mkdtemp(prefix="arsl-teach-shot-")  # never the user's signs
    return shoot(args)


def shoot(args: argparse.Namespace) -> int:
    from arsl_desktop.ui.app import create_application

    app = create_application()
    from PySide6.QtCore import QEventLoop

    from arsl_desktop.ui.main_window import MainWindow
    from arsl_desktop.ui.settings import AppSettings
    from arsl_desktop.ui.teach import TeachState

    def pump_until(cond, seconds: float, what: str) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            if cond():
                return
        raise SystemExit(f"timed out waiting for {what}")

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    def capture(name: str) -> Path:
        pump(0.3)  # let the last paint reach the X server
        path = args.out / name
        subprocess.run(["import", "-window", "root", str(path)], check=True)
        print(path)
        return path

    args.out.mkdir(parents=True, exist_ok=True)
    settings = AppSettings(Path(os.environ["ARSL_USER_DATA"]) / "settings.json")
    window = MainWindow(settings, model_path=args.model, language=args.lang)
    window.move(0, 0)
    window.resize(*SCREEN)  # the whole screen (moved aside while the Teach dialog is open)
    window.show()
    train, test = clips("train")[1:4], clips("test")
    shown: list[object] = []
    window.sign_shown.connect(shown.append)

    window.controller.open_video(train[0], loop=True)
    # the video beside the dialog: the window to the trailing side, the dialog over its prediction panel
    side = 400
    window.setGeometry(side if args.lang == "ar" else 0, 0, SCREEN[0] - side, SCREEN[1])
    dialog = window.personal.show_teach()
    dialog.resize(side * 2, SCREEN[1])
    dialog.move(0 if args.lang == "ar" else SCREEN[0] - side * 2, 0)
    dialog.new.setChecked(True)
    dialog.ar_name.setText("هيكل عظمي")
    dialog.en_name.setText("Skeleton")
    teach = dialog.teach
    for i, clip in enumerate(train):
        if i:
            window.controller.open_video(clip, loop=True)
        pump_until(lambda: window.controller.running and window.video.has_frame, args.timeout, "the clip to play")
        dialog.record_button.click()
        pump_until(lambda: teach.state is TeachState.REVIEW, args.timeout, f"example {i + 1}")
        if i < len(train) - 1:
            dialog.keep_button.click()
    pump(1.0)  # the skeleton replay mid-sign, the video behind with its overlays
    capture("teach_dialog.png")
    dialog.keep_button.click()
    if dialog.save() is None:
        raise SystemExit(f"the sign was not saved: {dialog.message.text()}")
    pump(0.5)
    dialog.close()
    window.setGeometry(0, 0, *SCREEN)

    window.controller.open_video(test[0], loop=True)
    pump_until(lambda: any(r.best.personal and r.accepted for r in shown), args.timeout, "the personal sign")
    hands = [0]
    window.pipeline.processed.connect(
        lambda item: hands.__setitem__(0, hands[0] + 1 if item.result.keypoints.any_hand else 0))
    # a few frames on, mid-sign: the body with its overlays, the panel and the transcript showing the sign
    pump_until(lambda: hands[0] >= 6, args.timeout, "frames with hands")
    capture("personal_sign.png")
    best = shown[-1].best
    print(f"recognised: {best.sign.ar} / {best.sign.en} p={best.prob:.2f} personal={best.personal}; "
          f"transcript: {window.transcript.transcript.arabic()}")
    window.transcript.transcript.mark_saved()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
