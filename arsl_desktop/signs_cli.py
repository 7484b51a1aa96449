"""`arsl-desktop signs ...`: teach the app signs from recordings, list, remove, export and import them.

    signs add --en NAME [--ar NAME] [--sign KARSL_ID] FILE...   each file (video or frame folder) is one example
    signs list [--format jsonl]
    signs remove NAME
    signs export PACK.zip [NAME...]
    signs import PACK.zip [--mirror]

The signs live in `<user data>/signs` (`ARSL_USER_DATA` moves it). Errors are one line on
stderr and a non-zero exit. `add` keeps the usable recordings and names each one it could not
use (a sign taught from 2 of 3 recordings still works; add the third later); nothing is written
when none is usable.
`add` and `import` also run the model (`--model`, else the shipped one) on the new examples and
keep what it reads (embedding, class probabilities) in the signs' cache, so that the next window
or `recognize` starts fast.
Heavy imports (MediaPipe) happen only in `add`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_ERROR = 0, 1


def karsl_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a KArSL sign id: {text!r}") from None
    if not 1 <= value <= 502:
        raise argparse.ArgumentTypeError(f"KArSL-502 sign ids are 1 to 502, got {value}")
    return value


def add_parser(sub) -> None:
    sg = sub.add_parser("signs", help="teach the app your own signs: add, list, remove, export, import")
    cmds = sg.add_subparsers(dest="signs_command", metavar="ACTION", required=True)
    add = cmds.add_parser("add", help="teach a sign from 3-5 recordings (each video or frame folder is one)")
    add.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add.add_argument("--en", help="English name (default with --sign: the KArSL gloss)")
    add.add_argument("--ar", help="Arabic name (default with --sign: the KArSL word)")
    add.add_argument("--by", metavar="NAME", help="who made these recordings (default: this computer's user "
                                                 "name); kept with each example, also in packs")
    add.add_argument("--sign", type=karsl_id, metavar="KARSL_ID",
                     help="your own way of doing this KArSL-502 sign (default: a new word)")
    ls = cmds.add_parser("list", help="the signs you taught")
    ls.add_argument("--format", choices=["text", "jsonl"], default="text")
    rm = cmds.add_parser("remove", help="forget a sign you taught")
    rm.add_argument("name", metavar="NAME")
    ex = cmds.add_parser("export", help="write signs you taught (all, or those named) to one .zip pack")
    ex.add_argument("pack", type=Path, metavar="PACK.zip")
    ex.add_argument("names", nargs="*", metavar="NAME")
    im = cmds.add_parser("import", help="add the signs of a pack (signs whose name is taken are skipped)")
    im.add_argument("pack", type=Path, metavar="PACK.zip")
    im.add_argument("--mirror", action="store_true",
                    help="you sign with the other hand than the pack's recorders (e.g. you are left-handed, "
                         "the teacher right-handed): store their recordings mirrored, left and right swapped")


def _err(msg: str) -> None:
    print(f"arsl-desktop: error: {msg}", file=sys.stderr, flush=True)


def _warn(msg: str) -> None:
    print(f"arsl-desktop: warning: {msg}", file=sys.stderr, flush=True)


def _examples(files: list[Path], recorded_by: str = "") -> tuple[list, list[Path]]:
    """One example per usable file, and the files that were not (each with its message on stderr):
    every file is tried, so one bad recording does not cost the good ones."""
    from arsl_desktop.commands import guarded
    from arsl_desktop.core.errors import ArslError
    from arsl_desktop.core.landmarks import create_landmarker
    from arsl_desktop.core.personal_store import MAX_EXAMPLE_FRAMES, Example
    from arsl_desktop.core.sources import open_source
    from arsl_desktop.interrupts import frames_until_ctrl_c

    def one(path: Path) -> Example:
        with open_source(path) as src:
            lm.reset()  # as Recognizer.keypoints_of: each clip tracked from scratch
            kps = [lm.process(f.image, f.timestamp) for f in frames_until_ctrl_c(src)]
        if not kps:
            raise ArslError(f"{path} has no frames that could be read.")
        if not any(k.any_hand for k in kps):
            raise ArslError(f"{path}: no hand was seen in any frame; record the sign with your hands in view.")
        if len(kps) > MAX_EXAMPLE_FRAMES:
            raise ArslError(f"{path} is {len(kps)} frames long (at most {MAX_EXAMPLE_FRAMES}); cut it to the one sign.")
        ex = Example.from_keypoints(kps, recorded_by)
        return Example.from_bytes(ex.to_bytes(), str(path))  # what the store will read back

    examples, refused = [], []
    with create_landmarker() as lm:
        for path in files:
            ex = guarded(path, one)  # a failing file: its one line on stderr, and the others go on
            if ex is None:
                refused.append(path)
            else:
                examples.append(ex)
    return examples, refused


def _add(args: argparse.Namespace, store) -> int:
    from arsl_desktop.core.labels import default_labels
    from arsl_desktop.core.personal_store import StoreError, clean_name, this_user

    en, ar = args.en, args.ar
    if args.sign is not None:
        known = default_labels().get(args.sign)
        if known is None:
            raise StoreError(f"{args.sign} is not a KArSL-502 sign id.")
        en = known.en if en is None else en
        ar = known.ar if ar is None else ar
    en, ar = clean_name(en, "English"), clean_name(ar, "Arabic")
    if not en:
        raise StoreError("Name the sign with --en NAME (or give --sign KARSL_ID).")
    existing = store.find(en) or (store.find(ar) if ar else None)
    if existing is not None and args.sign is not None and existing.karsl_id != args.sign:
        what = f"KArSL sign {existing.karsl_id}" if existing.karsl_id else "a new word"
        raise StoreError(f"'{existing.label}' is already taught as {what}; choose another name.")
    missing = [str(p) for p in args.files if not p.exists()]
    if missing:
        raise StoreError("No such file or folder: " + ", ".join(missing) + ". Nothing was added.")
    try:  # before the slow part: an unwritable user-data folder fails at once
        store.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"The personal signs folder {store.root} cannot be created ({exc.strerror}).") from None
    examples, refused = _examples(args.files, args.by if args.by is not None else this_user())
    if not examples:
        print("arsl-desktop: nothing was added.", file=sys.stderr)
        return EXIT_ERROR
    sign = store.add(en, examples, ar=ar, karsl_id=args.sign, append=True)
    added = len(examples)
    if existing is not None:
        print(f"Added {added} example(s) to the existing sign '{sign.label}' (now {len(sign.examples)}).")
    else:
        what = f"your way of KArSL sign {sign.karsl_id}" if sign.karsl_id else "a new word"
        print(f"Taught '{sign.label}' ({what}) from {added} example(s).")
    if refused:
        _warn(f"{len(refused)} of the {len(args.files)} recordings could not be used (see above); record "
              f"them again and add them with: arsl-desktop signs add --en \"{sign.en}\" FILE")
    if len(sign.examples) < 3:
        print("Tip: 3 to 5 recordings make a sign recognised more reliably.")
    _prepare(args, store)
    return EXIT_OK


def _prepare(args: argparse.Namespace, store) -> None:
    """Run the model recognition uses (`--model`, else the shipped one) on the examples just written
    and keep its readings in the store's cache, so that the next window or `recognize` starts
    without running it on them. The signs are written already: a failure here is one warning, not
    an error."""
    from arsl_desktop import paths
    from arsl_desktop.commands import _one_line
    from arsl_desktop.core.classifier import SignClassifier
    from arsl_desktop.core.personal_signs import prime_outputs

    try:
        prime_outputs(store, SignClassifier(getattr(args, "model", None) or paths.default_model_path()),
                      announce=lambda n: print(f"Preparing the {n} new examples for a fast start (a few seconds)...",
                                               flush=True))
    except Exception as exc:  # noqa: BLE001 - the cache only saves time: a missing model, a full disk...
        _warn(f"saved, but the new examples could not be prepared for a fast start ({_one_line(exc)}); "
              "the next window or `recognize` prepares them.")


def recorders(examples) -> dict[str, int]:
    """How many of a sign's examples each person recorded ("" for examples older than that record)."""
    counts: dict[str, int] = {}
    for ex in examples:
        counts[ex.recorded_by] = counts.get(ex.recorded_by, 0) + 1
    return counts


def _list(args: argparse.Namespace, store) -> int:
    contents = store.load()
    for line in contents.problems:
        _warn(line)
    for s in contents.signs:
        good, bad = store.examples(s)
        for line in bad:
            _warn(line)
        if args.format == "jsonl":
            print(json.dumps({"name": s.en, "ar": s.ar, "id": s.karsl_id, "examples": len(s.examples),
                              "readable_examples": len(good), "recorded_by": recorders(good),
                              "created": s.created, "key": s.key}, ensure_ascii=False))
        else:
            kid = "-" if s.karsl_id is None else str(s.karsl_id)
            who = ", ".join(f"{name or 'unknown'} {n}" for name, n in recorders(good).items())
            print(f"{s.en}\t{s.ar or '-'}\t{kid}\t{len(s.examples)} example(s) ({who or 'none readable'})\t"
                  f"{s.created}")
    if args.format == "text" and not contents.signs:
        print(f"No personal signs (in {store.root}).")
    return EXIT_OK


def _remove(args: argparse.Namespace, store) -> int:
    sign = store.remove(args.name)
    print(f"Removed '{sign.label}'.")
    return EXIT_OK


def _export(args: argparse.Namespace, store) -> int:
    from arsl_desktop.core.personal_pack import export_pack

    result = export_pack(store, args.pack, args.names)
    for line in result.problems:
        _warn(line)
    print(f"Exported {len(result.signs)} sign(s) to {args.pack}: " + ", ".join(s.en for s in result.signs))
    return EXIT_OK


def _import(args: argparse.Namespace, store) -> int:
    from arsl_desktop.core.personal_pack import import_pack

    result = import_pack(store, args.pack, mirror=args.mirror)
    for name, why in result.skipped:
        _warn(f"'{name}' skipped: {why}.")
    names = ", ".join(result.imported)
    how = " mirrored (left and right swapped)" if args.mirror and result.imported else ""
    print(f"Imported {len(result.imported)} sign(s){how} from {args.pack}" + (f": {names}" if names else "."))
    if result.imported:
        print("Tip: add one recording of your own to each of them (`arsl-desktop signs add --en NAME FILE`): "
              "your own recordings are what recognises you best.")
        _prepare(args, store)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    from arsl_desktop.core.errors import ArslError
    from arsl_desktop.core.personal_store import PersonalStore

    action = {"add": _add, "list": _list, "remove": _remove, "export": _export, "import": _import}
    try:
        return action[args.signs_command](args, PersonalStore())
    except ArslError as exc:
        _err(str(exc))
        return EXIT_ERROR
    except OSError as exc:  # the user-data folder unreadable, a pack folder missing...
        _err(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("arsl-desktop: interrupted", file=sys.stderr, flush=True)
        return 130
