""""No sign" among look-alikes: how well the matcher's numbers tell an untaught sign from a taught one.

    .venv/bin/python benchmarks/no_sign_bench.py [--cache cache/keypoints] [--webcam-cache cache/webcam]

The case of the "No sign" lines of `training.evaluate --personal`, with the matcher alone: each
signer teaches 71-73 from their first 3 training recordings; their other recordings of 71-73
must be named (taught), and every recording of 74-76, body-part signs made near the chest as
71-73 are, must not (untaught). Each recording's personal-sign distances (`ExampleBank`, as the
app computes them) give a score, lower meaning "taught":

    nearest       d1, the nearest taught sign's distance (what the fusion's gate and
                  `max_distance` use today)
    per sign      d1 / that sign's spread (the mean distance from each of its examples to the
                  nearest other one of its examples)
    ratio         d1 / d2, d2 the second-nearest taught sign's distance (a recording between
                  two taught signs is likelier to be neither)

For each it prints the AUC (the chance that a taught recording scores below an untaught one)
and the share of untaught recordings turned away when a threshold keeps 95% and 99% of the
taught ones. Nothing here is used by the app: it measures candidates for its "no sign" decision.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arsl_desktop.core import matching  # noqa: E402
from arsl_desktop.core.personal_match import sign_distances  # noqa: E402
from training.cache import Clip, load_cache  # noqa: E402
from training.selection import first_per_sign  # noqa: E402

TAUGHT, UNTAUGHT = (71, 72, 73), (74, 75, 76)


def match(c: Clip) -> np.ndarray:
    return matching.match_sequence(c.xyz, c.present, c.times, c.aspect)


def scores(own: list[Clip], queries: list[Clip]) -> dict[str, np.ndarray]:
    """Each query's score by each candidate (lower: taught)."""
    bank = matching.ExampleBank(np.stack([match(c) for c in own]))
    owner = np.array([TAUGHT.index(c.sign) for c in own])
    inside = np.stack([bank.distances(s) for s in bank.sequences])
    np.fill_diagonal(inside, np.inf)
    spread = np.array([np.mean([inside[i, owner == j].min() for i in np.nonzero(owner == j)[0]])
                       for j in range(len(TAUGHT))])
    d = sign_distances(np.stack([bank.distances(match(q)) for q in queries]), owner, len(TAUGHT))
    nearest, order = d.min(axis=1), d.argmin(axis=1)
    return {"nearest": nearest, "per sign": nearest / spread[order], "ratio": nearest / np.sort(d, axis=1)[:, 1]}


def auc(taught: np.ndarray, untaught: np.ndarray) -> float:
    below = (taught[:, None] < untaught[None]).mean() + 0.5 * (taught[:, None] == untaught[None]).mean()
    return float(below)


def turned_away(taught: np.ndarray, untaught: np.ndarray, keep: float) -> float:
    return float((untaught > np.quantile(taught, keep)).mean())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=ROOT / "cache" / "keypoints")
    ap.add_argument("--webcam-cache", type=Path, default=ROOT / "cache" / "webcam")
    a = ap.parse_args(argv)
    print("| data | signer | taught / untaught | score | AUC | untaught turned away, 95% kept | 99% kept |\n"
          "|---|---|---|---|---|---|---|")
    for data, root in (("original", a.cache), ("webcam", a.webcam_cache)):
        if not root.is_dir():
            print(f"| {data} | – | no keypoint cache at {root} (training.extract) | | | | |")
            continue
        every = load_cache(root, splits={"train"}, signs=set(TAUGHT + UNTAUGHT))
        for signer in sorted({c.signer for c in every}):
            mine = [c for c in every if c.signer == signer]
            own, rest = first_per_sign([c for c in mine if c.sign in TAUGHT], 3)
            other = [c for c in mine if c.sign in UNTAUGHT]
            pos, neg = scores(own, rest), scores(own, other)
            for name in pos:
                print(f"| {data} | {signer} | {len(rest)} / {len(other)} | {name} | {auc(pos[name], neg[name]):.3f} | "
                      f"{100 * turned_away(pos[name], neg[name], 0.95):.0f}% | "
                      f"{100 * turned_away(pos[name], neg[name], 0.99):.0f}% |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
