"""Taught signs in continuous signing: a user's recordings, one after another, through the app's spotting.

    .venv/bin/python benchmarks/taught_continuous.py [--model FILE] [--new-words] [--cache cache/keypoints]
        [--signs 71-76] [--taught 3]

Each signer of the keypoint cache teaches signs 71-76 from their first 3 training recordings
(`PersonalStore.add`, what `signs add` stores: their way of each KArSL sign, or with
`--new-words` new words, for a model that does not know them, such as the transfer model of
`training.evaluate --personal` exported with `training.export`). Their other training recordings
are joined 5 at a time into streams (`training.continuous.splice`: with the hands coming down
between signs, and without any rest) and fed frame by frame to `Recognizer.push` with the taught
signs, as `transcribe` and the live window run after MediaPipe. Printed per signer and kind: the
sign error rate (edit distance between the signs named and made, over the signs made), beside
the same recordings named one at a time (`Recognizer.classify`, as `recognize` names a file).
The gap between the two is what continuous signing costs the taught signs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arsl_desktop import native_log, paths  # noqa: E402
from arsl_desktop.core.classifier import SignClassifier  # noqa: E402
from arsl_desktop.core.landmarks import Keypoints  # noqa: E402
from arsl_desktop.core.personal_signs import PersonalSigns  # noqa: E402
from arsl_desktop.core.personal_store import Example, PersonalStore  # noqa: E402
from arsl_desktop.core.recognizer import Recognizer  # noqa: E402
from training.cache import Clip, load_cache  # noqa: E402
from training.continuous import KINDS, compose, edit_ops, splice  # noqa: E402
from training.selection import first_per_sign  # noqa: E402


def keypoints_of(c: Clip) -> list[Keypoints]:
    """A recording's frames as the recogniser takes them (`Example.keypoints`)."""
    return Example(c.xyz, c.present, c.times, c.aspect).keypoints()


def label(result, new_words: bool) -> object:
    """What a user reads for a result: the taught word's name, else the KArSL id."""
    best = result.best
    return best.sign.en if (new_words and best.personal) else best.sign.id


def truth(sign: int, new_words: bool) -> object:
    return f"new word {sign}" if new_words else sign


def stream_named(rec: Recognizer, kps: list[Keypoints], new_words: bool) -> list:
    rec.reset(tracking=False)
    named = []
    for kp in kps:
        named += [label(r, new_words) for r in rec.push(kp)[1] if r.accepted]
    return named + [label(r, new_words) for r in rec.finish() if r.accepted]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=paths.default_model_path())
    ap.add_argument("--new-words", action="store_true", help="teach the signs as new words (a model that does not know them)")
    ap.add_argument("--cache", type=Path, default=ROOT / "cache" / "keypoints")
    ap.add_argument("--signs", default="71-76")
    ap.add_argument("--taught", type=int, default=3)
    a = ap.parse_args(argv)
    native_log.install()
    lo, _, hi = a.signs.partition("-")
    signs = set(range(int(lo), int(hi or lo) + 1))
    if not a.cache.is_dir():
        print(f"no keypoint cache at {a.cache} (python -m training.extract): nothing to run")
        return 1
    clips = load_cache(a.cache, splits={"train"}, signs=signs)
    clf = SignClassifier(a.model)
    print(f"model {clf.name}; signs {a.signs} taught from {a.taught} recordings each "
          f"({'new words' if a.new_words else 'their way of each KArSL sign'}); the others named\n")
    print("| signer | streams (signs) | kind | continuous: sign error rate | substituted / left out / added | "
          "exact streams | one at a time: top-1 |\n|---|---|---|---|---|---|---|")
    for signer in sorted({c.signer for c in clips}):
        own, rest = first_per_sign([c for c in clips if c.signer == signer], a.taught)
        with tempfile.TemporaryDirectory() as tmp:
            store = PersonalStore(Path(tmp))
            for s in sorted({c.sign for c in own}):
                store.add(f"new word {s}" if a.new_words else f"sign {s}",
                          [Example.from_keypoints(keypoints_of(c), f"signer {signer}") for c in own if c.sign == s],
                          karsl_id=None if a.new_words else s)
            rec = Recognizer(clf, personal=PersonalSigns(clf, store))
            alone = np.mean([label(rec.classify(keypoints_of(c)), a.new_words) == truth(c.sign, a.new_words)
                             for c in rest])
            groups = compose(rest)
            for kind in KINDS:
                made = errors = exact = 0
                ops = np.zeros(3, int)
                for group in groups:
                    stream = splice(group, kind)
                    named = stream_named(rec, stream.keypoints(), a.new_words)
                    dist, subs, dels, ins = edit_ops([truth(s, a.new_words) for s in stream.signs], named)
                    made, errors, exact = made + len(group), errors + dist, exact + (dist == 0)
                    ops += (len(subs), len(dels), len(ins))
                print(f"| {signer} | {len(groups)} ({made}) | {kind} | {100 * errors / max(made, 1):.1f}% | "
                      f"{' / '.join(map(str, ops))} | {exact} of {len(groups)} | {100 * alone:.1f}% |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
