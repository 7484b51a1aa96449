"""The headless commands `recognize` and `transcribe`: one line of output per input.

Both rank the signs the user taught (`core.personal_match`) with the KArSL ones unless
`--no-personal`; problems with the personal store are warnings on stderr, printed once.

Errors become one clear line on stderr; one bad input in a batch does not stop the others,
and the exit status is non-zero if any input failed.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from arsl_desktop import paths
from arsl_desktop.core.errors import ArslError
from arsl_desktop.core.recognizer import SignResult
from arsl_desktop.interrupts import frames_until_ctrl_c

EXIT_OK, EXIT_INPUT, EXIT_MODEL, EXIT_INTERRUPTED = 0, 1, 2, 130

# The camera coach's codes (`core.coach`) as the hint line of `recognize`'s text output.
ADVICE_TEXT = {
    "no_person": "nobody in view",
    "too_dark": "too dark, add light in front of you",
    "too_bright": "too bright or washed out, move away from the window or dim the light behind you",
    "too_close": "too close, step back until your head, elbows and raised hands are in the picture",
    "too_far": "too far, come closer so your hands look bigger",
    "hand_lost": "a hand was lost while signing, keep it in front of you and in the light",
}


def _err(msg: str) -> None:
    print(f"arsl-desktop: error: {msg}", file=sys.stderr, flush=True)


def shape_arabic(text: str) -> str:
    """Visual-order, joined Arabic for terminals that do not shape text themselves."""
    import arabic_reshaper
    from bidi.algorithm import get_display

    return get_display(arabic_reshaper.reshape(text))


def _load_recognizer(args: argparse.Namespace, top_k: int, threshold: float = 0.0, track: bool = True):
    """The recognizer, ready: the user's taught signs read (their problems warned of, once) and,
    with `track`, MediaPipe built meanwhile (`Recognizer.prepare`: the first input waits for the
    longer of the two, not their sum). A long preparation (after another model) is said first."""
    from arsl_desktop.core.classifier import SignClassifier
    from arsl_desktop.core.recognizer import Recognizer

    clf = SignClassifier(args.model or paths.default_model_path())
    personal = None if getattr(args, "no_personal", False) else _personal_signs(clf)
    rec = Recognizer(clf, top_k=top_k, threshold=threshold, personal=personal)

    def announce(n: int) -> None:
        print(f"arsl-desktop: preparing the {n} examples of your taught signs for this model "
              "(once; a few seconds)...", file=sys.stderr, flush=True)

    if track:
        rec.prepare(announce=announce)
    elif personal is not None:
        personal.refresh(announce=announce)
    for line in personal.problems if personal is not None else ():
        _warn(line)
    return rec


def _warn(msg: str) -> None:
    print(f"arsl-desktop: warning: {msg}", file=sys.stderr, flush=True)


def _personal_signs(clf):
    """The signs the user taught (read by `_load_recognizer`), or None where their folder cannot be opened."""
    from arsl_desktop.core.personal_signs import PersonalSigns

    try:
        return PersonalSigns(clf)
    except OSError as exc:
        _warn(f"personal signs not used: their folder cannot be opened ({exc.strerror or exc}).")
        return None


def _top_json(result: SignResult) -> list[dict]:
    return [{"id": r.sign.id, "ar": r.sign.ar, "en": r.sign.en, "prob": round(r.prob, 4), "personal": r.personal}
            for r in result.top]


def _text(r, ar, width: int = 0) -> str:
    """One candidate for text output: id (`-` for a taught new word), Arabic, English, probability."""
    sid = "-" if r.sign.id is None else str(r.sign.id)
    name = f"{ar(r.sign.ar)} ({r.sign.en})" if r.sign.ar else f"({r.sign.en})"
    return f"{sid:>{width}} {name} {r.prob:.2f}" + (" [personal]" if r.personal else "")


def _one_line(exc: BaseException) -> str:
    """A library error (cv2.error spans several lines) as one line."""
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text if isinstance(exc, ArslError) else f"{exc.__class__.__name__}: {text}"


def guarded(path, work):
    """`work(path)` for one input of a batch; if it fails, one line on stderr and None, so the batch goes on."""
    try:
        return work(path)
    except ArslError as exc:
        _err(str(exc))
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - cv2.error, MemoryError...: this input fails, the batch goes on
        _err(f"cannot process {path}: {_one_line(exc)}")
    return None


def _skipped_note(src) -> int:
    return len(getattr(src, "skipped", ()) or ())


def _recognize(args: argparse.Namespace) -> int:
    from arsl_desktop.core.sources import open_source

    rec = _load_recognizer(args, args.top)
    ar = shape_arabic if args.shape else (lambda s: s)
    status = EXIT_OK
    def one(path):
        with open_source(path) as src:
            try:
                result = rec.recognize_clip(frames_until_ctrl_c(src))  # streamed: only keypoints are kept, never frames
            except ValueError:
                raise ArslError(f"{path} has no frames that could be read.") from None
            return result, _skipped_note(src)

    for path in args.paths:
        done = guarded(path, one)
        if done is None:
            status = EXIT_INPUT
            continue
        result, skipped = done
        if args.format == "jsonl":
            print(json.dumps({"source": str(path), "frames": result.frames, "skipped_frames": skipped,
                              "hands_seen": result.hands_seen, "top": _top_json(result),
                              "advice": list(result.advice)}, ensure_ascii=False),
                  flush=True)
        else:
            cands = ", ".join(_text(r, ar) for r in result.top)
            note = "" if result.hands_seen else ", no hands seen: unreliable"
            if skipped:
                note += f", skipped {skipped} unreadable frame(s)"
            print(f"{path}: {cands}  [{result.frames} frames{note}]", flush=True)
            if result.advice:
                print(f"  camera: {'; '.join(ADVICE_TEXT[c] for c in result.advice)}", flush=True)
    return status


def _transcribe(args: argparse.Namespace) -> int:
    from arsl_desktop.core.sources import open_source

    rec = _load_recognizer(args, 5, args.threshold)
    ar = shape_arabic if args.shape else (lambda s: s)
    found = below = 0

    def emit(r: SignResult) -> None:
        nonlocal found, below
        if not r.accepted:
            below += 1
            return
        found += 1
        b = r.best
        if args.format == "jsonl":
            print(json.dumps({"source": str(args.video), "start": round(r.start, 3), "end": round(r.end, 3),
                              "id": b.sign.id, "ar": b.sign.ar, "en": b.sign.en, "prob": round(b.prob, 4),
                              "personal": b.personal, "top": _top_json(r)}, ensure_ascii=False), flush=True)
        else:
            print(f"{r.start:7.2f}s - {r.end:7.2f}s  {_text(b, ar, 3)}", flush=True)

    def summary(interrupted: bool) -> None:
        if args.format == "text":
            tail = f" ({below} below threshold)" if below else ""
            print(f"{found} sign(s) in {args.video}{tail}" + (" before the interrupt" if interrupted else ""),
                  flush=True)

    with open_source(args.video) as src:  # a video file or a frame folder
        try:
            for r in rec.transcribe(frames_until_ctrl_c(src)):  # each sign is printed as soon as it is found
                emit(r)
        except KeyboardInterrupt:
            for last in rec.finish():  # the sign(s) being signed when the user pressed Ctrl-C
                emit(last)
            summary(interrupted=True)
            print("arsl-desktop: interrupted", file=sys.stderr, flush=True)
            return EXIT_INTERRUPTED
        skipped = _skipped_note(src)
    summary(interrupted=False)
    if skipped:
        print(f"arsl-desktop: warning: skipped {skipped} unreadable frame(s) in {args.video}", file=sys.stderr)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    from arsl_desktop.core.errors import ModelIncompatible, ModelNotFound

    try:
        return _recognize(args) if args.command == "recognize" else _transcribe(args)
    except (ModelNotFound, ModelIncompatible) as exc:
        _err(str(exc))
        return EXIT_MODEL
    except ArslError as exc:
        _err(str(exc))
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("arsl-desktop: interrupted", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
