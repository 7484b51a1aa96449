"""Command line: `arsl-desktop` (window), `recognize`, `transcribe`, `signs`, `practice`, `--self-check`.

Thin: parses arguments and hands over. Heavy imports (Qt, MediaPipe) happen only in
the branch that needs them, so `--help` is instant.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from arsl_desktop import __version__, practice_cli, signs_cli


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="arsl-desktop",
        description="Recognise word-level Arabic Sign Language (KArSL) from a webcam or video.",
    )
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    ap.add_argument("--model", type=Path, help="ONNX model file (default: the shipped model)")
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--camera", type=int, metavar="N", help="open camera N in the window (default 0)")
    src.add_argument("--video", type=Path, metavar="FILE", help="play a video file in the window as the camera")
    ap.add_argument("--loop", action="store_true", help="loop the --video file")
    ap.add_argument("--lang", choices=["ar", "en"], help="interface language (default: last used)")
    ap.add_argument("--self-check", nargs="?", const="", metavar="VIDEO",
                    help="load every resource and the model, run the pipeline on VIDEO (or generated frames), and exit")
    ap.add_argument("--qt-probe", action="store_true", help=argparse.SUPPRESS)  # see qt_platform.probe
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    rec = sub.add_parser("recognize", help="classify isolated signs: video files or KArSL sample folders")
    rec.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    rec.add_argument("--top", type=positive_int, default=5, help="how many candidates to print (default 5)")
    rec.add_argument("--format", choices=["text", "jsonl"], default="text")
    rec.add_argument("--shape", action="store_true",
                     help="reshape Arabic for terminals that do not shape it themselves")
    rec.add_argument("--no-personal", action="store_true", help="leave out the signs you taught")

    tr = sub.add_parser("transcribe", help="find and recognise the signs in a continuous video or frame folder")
    tr.add_argument("video", type=Path, metavar="VIDEO", help="video file or KArSL frame folder")
    tr.add_argument("--threshold", type=float, default=0.0, help="hide signs below this confidence (0-1)")
    tr.add_argument("--format", choices=["text", "jsonl"], default="text")
    tr.add_argument("--shape", action="store_true", help="reshape Arabic for non-shaping terminals")
    tr.add_argument("--no-personal", action="store_true", help="leave out the signs you taught")
    signs_cli.add_parser(sub)
    practice_cli.add_parser(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.qt_probe:
        from arsl_desktop.ui.app import probe_platform

        return probe_platform()
    if argv is None:  # a real process, not a test calling main(): hide MediaPipe's native chatter
        from arsl_desktop import native_log

        native_log.install()
    if args.command in ("recognize", "transcribe"):
        from arsl_desktop import commands

        return commands.run(args)
    if args.command == "signs":
        return signs_cli.run(args)
    if args.command == "practice":
        return practice_cli.run(args)
    if args.self_check is not None:
        from arsl_desktop import selfcheck

        return selfcheck.run(args.self_check or None, args.model)
    from arsl_desktop.ui.app import run_app

    return run_app(args)


def gui_main() -> int:
    """Entry for the windowed launcher (double-click): same options as `main`."""
    return main(sys.argv[1:])
