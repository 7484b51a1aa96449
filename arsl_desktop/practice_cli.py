"""`arsl-desktop practice --sign ID|NAME FILE...`: each file scored as one attempt at a sign.

The sign is a KArSL id (or its exact English or Arabic word) the shipped model knows, or the
name of a personal sign; its references are the shipped KArSL recordings
(`core.practice.karsl_references`) or the personal sign's own examples. Each file (a video or a
KArSL frame folder) goes through the landmarkers as `signs add` does and is scored by
`core.practice.score_attempt`; the app's own top-1 for it is printed beside the score. A file
with no hand seen scores 0 with that feedback. An unknown sign is one error line and exit 1; a
file that cannot be read is one error line, the others are still scored, and the exit is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

EXIT_OK, EXIT_ERROR, EXIT_MODEL, EXIT_INTERRUPTED = 0, 1, 2, 130


def add_parser(sub) -> None:
    pr = sub.add_parser("practice", help="learn mode: score your attempts at a sign and say what to fix")
    pr.add_argument("files", nargs="+", type=Path, metavar="FILE",
                    help="each video file or KArSL frame folder is one attempt")
    pr.add_argument("--sign", required=True, metavar="ID|NAME",
                    help="the sign practised: a KArSL sign id (or its word), or a personal sign's name")
    pr.add_argument("--format", choices=["text", "jsonl"], default="text")
    pr.add_argument("--shape", action="store_true", help="reshape Arabic for non-shaping terminals")
    pr.add_argument("--no-personal", action="store_true",
                    help="leave out the signs you taught (as references, rivals and in the app's answer)")


def _err(msg: str) -> None:
    print(f"arsl-desktop: error: {msg}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Target:
    """The sign practised: its names, references and the other signs it is compared with."""

    id: int | None
    en: str
    ar: str
    personal: bool
    references: list
    others: list

    def json(self) -> dict:
        return {"id": self.id, "en": self.en, "ar": self.ar, "personal": self.personal}


def _personal(no_personal: bool):
    """[(PersonalSign, examples)] of the store (none with --no-personal); damaged ones skipped."""
    from arsl_desktop.core.personal_store import PersonalStore

    if no_personal:
        return []
    store = PersonalStore()
    out = []
    for sign in store.load().signs:
        examples, _ = store.examples(sign)
        if examples:
            out.append((sign, examples))
    return out


def resolve(text: str, class_ids: list[int], labels, personal) -> Target | None:
    """The sign named by `text`: a personal sign's name first, then a KArSL id (any number) or word
    (English or Arabic, any case) the model knows; None if nothing is."""
    from arsl_desktop.core import practice as P

    needle = " ".join(text.split()).casefold()
    for sign, examples in personal:
        if needle in (sign.en.casefold(), sign.ar.casefold(), sign.key):
            rest = [ex for s, ex in personal if s.key != sign.key]
            return Target(sign.karsl_id, sign.en, sign.ar, True, examples, P.others_for(sign.karsl_id, rest))
    if needle.isdigit():  # a number is a sign id (KArSL's number signs have digits for words, e.g. "400")
        known = labels.get(int(needle)) if int(needle) in class_ids else None
    else:
        known = next((s for s in (labels.get(i) for i in class_ids)
                      if s is not None and needle in (s.en.casefold(), s.ar.casefold())), None)
    if known is None:
        return None
    refs = P.karsl_references(known.id)
    if not refs:
        return None
    rest = [ex for s, ex in personal if s.karsl_id != known.id]  # the user's own way of it is no rival
    return Target(known.id, known.en, known.ar, False, refs, P.others_for(known.id, rest))


def _keypoints(lm, path: Path):
    from arsl_desktop.core.errors import ArslError
    from arsl_desktop.core.personal_store import MAX_EXAMPLE_FRAMES
    from arsl_desktop.core.sources import open_source
    from arsl_desktop.interrupts import frames_until_ctrl_c

    with open_source(path) as src:
        lm.reset()  # each attempt tracked from scratch
        kps = [lm.process(f.image, f.timestamp) for f in frames_until_ctrl_c(src)]
    if not kps:
        raise ArslError(f"{path} has no frames that could be read.")
    if len(kps) > MAX_EXAMPLE_FRAMES:
        raise ArslError(f"{path} is {len(kps)} frames long (at most {MAX_EXAMPLE_FRAMES}); cut it to the one sign.")
    return kps


def _line(path: Path, target: Target, result, top, ar) -> list[str]:
    verdict = "PASS" if result.passed else "try again"
    name = f"{ar(target.ar)} ({target.en})" if target.ar else target.en
    seen = f"{ar(top.sign.ar)} ({top.sign.en}) {top.prob:.2f}" if top is not None else "nothing"
    lines = [f"{path}: {name}: score {result.score:.0f}/100, {verdict}  [the app reads: {seen}]"]
    lines += [f"  - {f.text_en}" for f in result.feedback]
    return lines


def _practice(args: argparse.Namespace) -> int:
    from arsl_desktop.commands import _load_recognizer, guarded, shape_arabic
    from arsl_desktop.core import practice as P
    from arsl_desktop.core.landmarks import create_landmarker
    from arsl_desktop.core.personal_store import Example

    rec = _load_recognizer(args, 1, track=False)  # its own tracker, below
    target = resolve(args.sign, list(rec.classifier.class_ids), rec.labels, _personal(args.no_personal))
    if target is None:
        _err(f"unknown sign '{args.sign}': not a KArSL sign the model knows (by id or word) and no personal "
             "sign has that name (see `arsl-desktop signs list`).")
        return EXIT_ERROR
    ar = shape_arabic if args.shape else (lambda s: s)
    status = EXIT_OK
    with create_landmarker() as lm:
        def one(path):
            kps = _keypoints(lm, path)
            result = P.score_attempt(Example.from_keypoints(kps), target.references, target.others)
            return result, rec.classify(kps).best  # and the app's own answer, as `recognize` gives it

        for path in args.files:
            done = guarded(path, one)
            if done is None:
                status = EXIT_ERROR
                continue
            result, top = done
            if args.format == "jsonl":
                recognized = None if top is None else {
                    "id": top.sign.id, "en": top.sign.en, "ar": top.sign.ar, "prob": round(top.prob, 4),
                    "personal": top.personal}
                print(json.dumps({
                    "source": str(path), "sign": target.json(), "score": round(result.score, 1),
                    "passed": result.passed,
                    "feedback": [{"part": f.part, "start": round(f.start, 2), "end": round(f.end, 2),
                                  "text_en": f.text_en, "text_ar": f.text_ar} for f in result.feedback],
                    "recognized": recognized}, ensure_ascii=False), flush=True)
            else:
                print("\n".join(_line(path, target, result, top, ar)), flush=True)
    return status


def run(args: argparse.Namespace) -> int:
    from arsl_desktop.core.errors import ArslError, ModelIncompatible, ModelNotFound

    try:
        return _practice(args)
    except (ModelNotFound, ModelIncompatible) as exc:
        _err(str(exc))
        return EXIT_MODEL
    except ArslError as exc:
        _err(str(exc))
        return EXIT_ERROR
    except OSError as exc:
        _err(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("arsl-desktop: interrupted", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
