"""What the landmarker's second look at a small face costs and finds, on real KArSL recordings.

    .venv/bin/python benchmarks/rescue_bench.py [--clips 12] [--rounds 2]

Each clip (test split, both signers) as filmed and as a laptop webcam sees it
(`training.webcam_like`: 16:9, the signer smaller and off-centre, darker, JPEG, 15 fps): the share
of frames with a face, and the landmarker's time per frame, with the second look (`rescue`, the
app's default) and without. Rounds alternate between the two so both see the same machine load;
the ratio is what counts, absolute times drift. Frames are decoded and rendered first.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from arsl_desktop import paths
from arsl_desktop.core import features as F
from arsl_desktop.core.landmarks import create_landmarker
from arsl_desktop.core.sources import open_source


def clips(n: int) -> list[Path]:
    root = paths.sample_dir()
    if root is None:
        sys.exit("KArSL sample folder not found (set ARSL_SAMPLE_DIR)")
    folders = sorted((root / "frames").glob("0[12]/test/*/*"), key=lambda p: p.name)
    return folders[:: max(1, len(folders) // n)][:n]


def frames_of(folder: Path, webcam: bool) -> list[tuple[np.ndarray, float]]:
    from training.webcam_like import at_most_fps, look_for, render

    with open_source(folder) as src:
        if not webcam:
            return [(np.asarray(f.image), f.timestamp) for f in src]
        look = look_for(folder.name)
        return [(render(np.asarray(f.image), look), f.timestamp) for f in at_most_fps(src)]


def run(landmarker, data: list[list[tuple[np.ndarray, float]]]) -> tuple[float, float]:
    """(seconds per frame, share of frames with a face) over the clips, tracking reset per clip."""
    n = faces = 0
    t = time.perf_counter()
    for frames in data:
        landmarker.reset()
        for image, ts in frames:
            faces += bool(landmarker.process(image, ts).present[F.FACE])
            n += 1
    return (time.perf_counter() - t) / max(n, 1), faces / max(n, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clips", type=int, default=12)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args(argv)
    folders = clips(a.clips)
    print(f"{len(folders)} KArSL test recordings; landmarker on 1 thread, tracking reset per clip", flush=True)
    landmarkers = {"second look": create_landmarker(threads=1), "without": create_landmarker(threads=1, rescue=False)}
    for webcam in (False, True):
        data = [frames_of(f, webcam) for f in folders]
        times: dict[str, list[float]] = {k: [] for k in landmarkers}
        found: dict[str, float] = {}
        for _ in range(a.rounds):
            for name, lm in landmarkers.items():
                per_frame, found[name] = run(lm, data)
                times[name].append(per_frame)
        ms = {k: 1000 * statistics.median(v) for k, v in times.items()}
        print(f"{'as a webcam sees them' if webcam else 'as filmed'} ({sum(map(len, data))} frames): face found in "
              f"{100 * found['without']:.1f}% of frames without the second look, {100 * found['second look']:.1f}% "
              f"with it; {ms['without']:.1f} -> {ms['second look']:.1f} ms a frame "
              f"(x{ms['second look'] / ms['without']:.2f})", flush=True)
    for lm in landmarkers.values():
        lm.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
