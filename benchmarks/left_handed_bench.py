"""A left-handed learner and a right-handed teacher: the matcher as it is, and with a mirrored look.

    .venv/bin/python benchmarks/left_handed_bench.py [--cache cache/keypoints] [--webcam-cache cache/webcam]
        [--penalties 1,1.25,1.5,2]

The personal-sign matcher compares keypoints as recorded: a sign made with the other hand is far
from every example of it. This measures that on the validation rows of `training.evaluate
--personal` (signs 71-76, training recordings only): each signer's recordings named against the
other signer's first 3 of each sign (a teacher's pack, row b), against those plus one of their
own (row c), and against their own first 3 (row a), once as recorded and once mirrored
(`features.mirror_keypoints`: the same signer, left-handed). Top-1 among the taught signs only.

Beside the matcher as it is, a candidate: each example's distance is the smaller of the
segment's and the mirrored segment's (that one times PENALTY); and the same only where the
segment and the example are one-handed with opposite hands (`features.signing_side`). It prints, for each penalty, the
rows (a right-handed signer's must not drop), and how many pairs of recordings (any training
recording of any sign as the segment, a 71-76 recording as the example) the mirrored look
would change: those are the taught signs an untaught one could now be taken for, and the
generated figures that would move. Nothing here is used by the app, which leaves the choice to
the learner instead (`signs import --mirror`, the same as mirroring the segment for a pack's
examples); it measures an automatic alternative.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arsl_desktop.core import features as F  # noqa: E402
from arsl_desktop.core import matching  # noqa: E402
from arsl_desktop.core.personal_match import sign_distances  # noqa: E402
from training.cache import Clip, load_cache  # noqa: E402
from training.personal_eval import NEW  # noqa: E402
from training.selection import first_per_sign  # noqa: E402


def match(c: Clip) -> np.ndarray:
    return matching.match_sequence(c.xyz, c.present, c.times, c.aspect)


def distances(query: Clip, bank: np.ndarray, spread: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the segment's, the mirrored segment's) match distances to every example."""
    out = []
    for q in (match(query), match(query.mirrored())):
        out.append(matching.dtw_batch(q, bank) + matching.extent_distances(q, spread))
    return out[0], out[1]


def opposite(query: Clip, enrolled: list[Clip]) -> np.ndarray:
    """Per example: the segment and the example are one-handed with opposite hands
    (`features.signing_side`)."""
    s = F.signing_side(query.xyz, query.present, query.aspect)
    return np.array([s != 0 and F.signing_side(c.xyz, c.present, c.aspect) == -s for c in enrolled])


def row(enrolled: list[Clip], queries: list[Clip]):
    """One row's distances, aligned once for every penalty: (segment's, mirrored segment's) per
    query and example, where the hands are opposite, each example's sign and each query's."""
    bank = np.stack([match(c) for c in enrolled])
    spread = matching.extents(bank)
    d, dm = zip(*(distances(q, bank, spread) for q in queries), strict=True)
    owner = np.array([NEW.index(c.sign) for c in enrolled])
    gate = np.stack([opposite(q, enrolled) for q in queries])
    return np.stack(d), np.stack(dm), gate, owner, np.array([q.sign for q in queries])


def top1(rows, penalty: float | None, gated: bool) -> float:
    d, dm, gate, owner, truth = rows
    if penalty is not None:
        d = np.where(gate, np.minimum(d, penalty * dm), d) if gated else np.minimum(d, penalty * dm)
    named = [NEW[int(sign_distances(each, owner, len(NEW)).argmin())] for each in d]
    return 100 * float(np.mean(np.array(named) == truth))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=ROOT / "cache" / "keypoints")
    ap.add_argument("--webcam-cache", type=Path, default=ROOT / "cache" / "webcam")
    ap.add_argument("--penalties", default="1,1.25,1.5,2")
    args = ap.parse_args(argv)
    caches = [(name, path) for name, path in (("original", args.cache), ("webcam", args.webcam_cache)) if path.is_dir()]
    if not caches:
        print(f"no keypoint cache ({args.cache}): run `python -m training.extract` first")
        return 1
    penalties = [None, *(float(p) for p in args.penalties.split(","))]
    print("| data | mirrored look (penalty) | learner | b: teacher's pack of 3 | c: pack + 1 own | a: own 3 | "
          "pairs it changes |\n|---|---|---|---|---|---|---|", flush=True)
    for data, path in caches:
        every = load_cache(path, splits={"train"})
        taught = [c for c in every if c.sign in NEW]
        bank = np.stack([match(c) for c in taught])
        spread = matching.extents(bank)
        ratio, gates = [], []  # per pair: direct over mirrored distance (the mirrored look wins where penalty < it)
        for c in every:
            d, dm = distances(c, bank, spread)
            same = np.array([t.sample == c.sample and t.signer == c.signer for t in taught])
            ratio.append(np.where(same, 0.0, d / np.maximum(dm, 1e-12)))
            gates.append(opposite(c, taught))
        ratio, gates = np.concatenate(ratio), np.concatenate(gates)
        by = {x: [c for c in taught if c.signer == x] for x in ("01", "02")}
        rows = {}  # (learner, left-handed) -> rows b, c, a
        for x, y in (("01", "02"), ("02", "01")):
            teacher = first_per_sign(by[y], 3)[0]
            for left in (False, True):
                mine = [c.mirrored() for c in by[x]] if left else by[x]
                one, rest1 = first_per_sign(mine, 1)
                own, rest3 = first_per_sign(mine, 3)
                rows[x, left] = [row(teacher, mine), row(teacher + one, rest1), row(own, rest3)]
        for penalty, gated in [(None, False), *((p, g) for p in penalties[1:] for g in (False, True))]:
            wins = ratio > (penalty or np.inf)
            changed = "–" if penalty is None else f"{int((wins & gates if gated else wins).sum())} of {ratio.size}"
            look = "none" if penalty is None else f"×{penalty:g}{', opposite hands only' if gated else ''}"
            for (x, left), (b, c, a) in rows.items():
                print(f"| {data} | {look} | {x}{' left-handed' if left else ''} | {top1(b, penalty, gated):.1f}% | "
                      f"{top1(c, penalty, gated):.1f}% | {top1(a, penalty, gated):.1f}% | {changed} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
