"""Top-1 of the shipped model on KArSL test clips, per landmarker setting, as `recognize` computes it.

    .venv/bin/python benchmarks/live_accuracy.py [--variant full --variant live ...] [CLIP ...]

Each clip (a KArSL frame folder or video; default: every folder under frames/*/test/*/ of
the sample) goes through `Recognizer.recognize_clip`, exactly what `arsl-desktop recognize`
runs, once per landmarker variant: `full` is `create_landmarker()` (every landmarker on every
frame: what `recognize`, training and the golden tests use), `live` is what the window's
worker runs (`LIVE_STRIDES`), and `face2`, `pose2`, `face2pose2` are the
per-part strides tried on the way. The true sign is the clip name's third field
(`01_01_0045_...` is sign 45). Prints top-1 per variant, how many clips change their top-1
against the first variant, and (--jsonl) one line per clip and variant.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arsl_desktop import paths  # noqa: E402
from arsl_desktop.core.classifier import SignClassifier  # noqa: E402
from arsl_desktop.core.landmarks import LIVE_STRIDES, create_landmarker  # noqa: E402
from arsl_desktop.core.recognizer import Recognizer  # noqa: E402
from arsl_desktop.core.sources import open_source  # noqa: E402

VARIANTS = {
    "full": create_landmarker,
    "live": lambda: create_landmarker(**LIVE_STRIDES),
    "face2": lambda: create_landmarker(face_every=2),
    "pose2": lambda: create_landmarker(pose_every=2),
    "face2pose2": lambda: create_landmarker(face_every=2, pose_every=2),
}


def true_id(clip: Path) -> int:
    return int(clip.stem.split("_")[2])


def default_clips() -> list[Path]:
    root = paths.sample_dir()
    if root is None:
        sys.exit("KArSL sample folder not found: pass clips or set ARSL_SAMPLE_DIR")
    return sorted(p for p in (root / "frames").glob("*/test/*/*") if p.is_dir())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="*", type=Path)
    ap.add_argument("--variant", action="append", choices=sorted(VARIANTS))
    ap.add_argument("--model", type=Path, default=paths.default_model_path())
    ap.add_argument("--jsonl", type=Path, help="write one line per clip and variant here")
    args = ap.parse_args()
    clips = args.clips or default_clips()
    variants = args.variant or ["full", "live"]
    clf = SignClassifier(args.model)
    known = set(clf.class_ids)
    clips = [c for c in clips if true_id(c) in known]
    out = args.jsonl.open("w", encoding="utf-8") if args.jsonl else None
    tops: dict[str, list[int]] = {}
    for name in variants:
        rec = Recognizer(clf, landmarker=VARIANTS[name](), top_k=5)
        t = time.perf_counter()
        tops[name] = []
        for clip in clips:
            with open_source(clip) as src:
                result = rec.recognize_clip(src)
            tops[name].append(result.best.sign.id)
            if out:
                out.write(json.dumps({"variant": name, "source": str(clip), "true": true_id(clip),
                                      "top": [[r.sign.id, round(r.prob, 4)] for r in result.top]}) + "\n")
        rec.close()
        right = sum(p == true_id(c) for p, c in zip(tops[name], clips, strict=True))
        changed = sum(a != b for a, b in zip(tops[name], tops[variants[0]], strict=True))
        print(f"{name:11s} top-1 {right}/{len(clips)} = {right / len(clips):.1%}, "
              f"top-1 differs from {variants[0]} on {changed} clips ({time.perf_counter() - t:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
