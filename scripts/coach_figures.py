"""The camera coach's figures on KArSL clips and altered copies (thresholds in `core/coach.py`).

    .venv/bin/python scripts/coach_figures.py [--cache /tmp/coach.pkl]

For each clip (signer 01 videos and frame folders, signer 02 frame folders) and each copy
(original, darkened, washed out, zoomed on the face, shrunk in a black 16:9 frame; see
`tests/coach_clips.py`), prints the median grey mean, contrast and shoulder span over its
frames, the share of frames in which each code was smoothed in, and the advice `recognize`
would give. `--cache` keeps the landmarks between runs (tuning the thresholds re-runs only
the coach).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from coach_clips import ALTERATIONS  # noqa: E402

from arsl_desktop import paths  # noqa: E402
from arsl_desktop.core.coach import CODES, AdviceTally, Coach  # noqa: E402
from arsl_desktop.core.sources import open_source  # noqa: E402


def clips(sample: Path) -> list[Path]:
    """Signer 01 videos (test: signs 1, 3, 5, 7, 9, 23; train: the 4th file and sign 70), signer 01 test
    frame folders (signs 71, 75, 78, 80), signer 02 frame folders (test 71, 76; train 74, 77)."""
    tests = sorted((sample / "videos" / "01" / "test").glob("*.mp4"))
    trains = sorted((sample / "videos" / "01" / "train").glob("*.mp4"))
    v1 = tests[:5] + [p for p in tests if "_0023_" in p.name][:1] + [trains[3]]
    v1 += [p for p in trains if "_0070_" in p.name][:1]
    folders = []
    for signer, split, sign, nth in (("01", "test", 71, 0), ("01", "test", 75, 0), ("01", "test", 78, 0),
                                     ("01", "test", 80, 0), ("02", "test", 71, 0), ("02", "test", 76, 0),
                                     ("02", "train", 74, 2), ("02", "train", 77, 0)):
        folders.append(sorted((sample / "frames" / signer / split / f"{sign:04d}").iterdir())[nth])
    return v1 + folders


def landmarks(clip_list: list[Path]) -> dict:
    from arsl_desktop.core.landmarks import create_landmarker

    out = {}
    with create_landmarker() as lm:
        for clip in clip_list:
            for name, alter in [("original", None), *ALTERATIONS.items()]:
                lm.reset()
                rows = []
                with open_source(clip) as src:
                    for f in src:
                        rgb = np.asarray(f.image)
                        if alter is not None:
                            rgb = cv2.cvtColor(alter(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)), cv2.COLOR_BGR2RGB)
                        rows.append((rgb, lm.process(rgb, f.timestamp)))
                out[(clip.name, name)] = rows
                print(f"  landmarks: {clip.name} {name}", file=sys.stderr, flush=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, help="pickle of the landmarks, written once, then read")
    args = ap.parse_args()
    sample = paths.sample_dir()
    if sample is None:
        sys.exit("KArSL sample folder not found (set ARSL_SAMPLE_DIR)")
    if args.cache and args.cache.exists():
        data = pickle.loads(args.cache.read_bytes())
    else:
        data = landmarks(clips(sample))
        if args.cache:
            args.cache.write_bytes(pickle.dumps(data))
    per_variant: dict[str, list] = {}
    print(f"{'clip':44} {'copy':9} {'mean':>6} {'contr':>6} {'should':>6}  " + " ".join(f"{c[:9]:>9}" for c in CODES)
          + "  advice")
    for (clip, variant), rows in data.items():
        coach, tally = Coach(), AdviceTally()
        states = [coach.update(rgb, kp) for rgb, kp in rows]
        tally.extend(states)
        means = np.median([s.check.brightness for s in states])
        contr = np.median([s.check.contrast for s in states])
        sh = [s.check.shoulders for s in states if s.check.shoulders is not None]
        should = float(np.median(sh)) if sh else float("nan")
        shares = [tally.counts[c] / max(1, tally.signing if c == "hand_lost" else tally.frames) for c in CODES]
        per_variant.setdefault(variant, []).extend(
            (s.check.brightness, s.check.contrast, np.nan if s.check.shoulders is None else s.check.shoulders)
            for s in states)
        print(f"{clip[:44]:44} {variant:9} {means:6.1f} {contr:6.1f} {should:6.3f}  "
              + " ".join(f"{x:9.2f}" for x in shares) + f"  {tally.advice()}")
    print("\nper copy, over every frame of the clips: median (min-max) of grey mean | contrast | shoulders / width")
    for variant, vals in per_variant.items():
        a = np.array(vals)
        cols = [f"{np.nanmedian(a[:, i]):.3g} ({np.nanmin(a[:, i]):.3g}-{np.nanmax(a[:, i]):.3g})" for i in range(3)]
        print(f"  {variant:9} " + " | ".join(cols))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
