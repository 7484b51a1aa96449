"""How many examples the personal-sign matcher must align exactly: the shortlist against exact DTW.

    .venv/bin/python benchmarks/shortlist_bench.py [--cache cache/keypoints] [--webcam-cache cache/webcam]
        [--per-sign 5] [--queries 6] [--sizes 16,32,64]

`matching.ExampleBank.distances` aligns a segment exactly (DTW) with the `SHORTLIST` examples
nearest by the straight path and gives the others their straight distance, an upper bound. This
builds a store bigger than any the personal figures use (each signer's first PER_SIGN recordings
of every sign in the keypoint caches, original and webcam-like, each signer x rendering x sign a
sign of its own: the same sign by another signer or camera competes), names each signer's next
recordings, and prints for each shortlist size how often the nearest sign, and the distances of
the exact ranking's 2 and 5 nearest signs, are what aligning every example gives. Only time
depends on the size beyond that: `make bench-personal` prints it. The caches are written by
`python -m training.extract` (and `--webcam`); without them there is nothing to measure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arsl_desktop.core import matching  # noqa: E402
from arsl_desktop.core.personal_match import sign_distances  # noqa: E402
from training.cache import load_cache  # noqa: E402
from training.train import first_per_sign  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=ROOT / "cache" / "keypoints")
    ap.add_argument("--webcam-cache", type=Path, default=ROOT / "cache" / "webcam")
    ap.add_argument("--per-sign", type=int, default=5)
    ap.add_argument("--queries", type=int, default=6, help="recordings named per signer and sign")
    ap.add_argument("--sizes", default="16,32,64")
    args = ap.parse_args(argv)
    caches = [(name, c) for name, c in (("original", args.cache), ("webcam-like", args.webcam_cache)) if c.is_dir()]
    if not caches:
        print(f"no keypoint cache at {args.cache} or {args.webcam_cache} (python -m training.extract): nothing to measure")
        return 1
    examples, owners, queries, truths = [], [], [], []
    for name, cache in caches:
        clips = load_cache(cache, None, {"train", "test"})
        for signer in sorted({c.signer for c in clips}):
            own, rest = first_per_sign([c for c in clips if c.signer == signer], args.per_sign)
            examples += [matching.match_sequence(c.xyz, c.present, c.times, c.aspect) for c in own]
            owners += [(name, signer, c.sign) for c in own]
            named = first_per_sign(rest, args.queries)[0]
            queries += [matching.match_sequence(c.xyz, c.present, c.times, c.aspect) for c in named]
            truths += [(name, signer, c.sign) for c in named]
    signs = sorted(set(owners))
    owner = np.array([signs.index(o) for o in owners])
    truth = np.array([signs.index(t) for t in truths])
    bank = matching.ExampleBank(np.stack(examples))
    print(f"{len(examples)} examples of {len(signs)} signs ({', '.join(n for n, _ in caches)}; each signer x rendering "
          f"x sign its own), {len(queries)} recordings named; compact bank: {bank.folded}", flush=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    t = time.perf_counter()
    exact = sign_distances(np.stack([bank.distances(q, shortlist=len(bank)) for q in queries]), owner, len(signs))
    exact_ms = (time.perf_counter() - t) * 1000 / len(queries)
    order = np.argsort(exact, axis=1)
    print(f"every example aligned: top-1 {100 * (exact.argmin(1) == truth).mean():.1f}% ({exact_ms:.1f} ms a segment)")
    for size in sizes:
        t = time.perf_counter()
        got = sign_distances(np.stack([bank.distances(q, shortlist=size) for q in queries]), owner, len(signs))
        ms = (time.perf_counter() - t) * 1000 / len(queries)
        kept = {n: 100 * np.isclose(np.take_along_axis(got, order[:, :n], 1),
                                    np.take_along_axis(exact, order[:, :n], 1)).mean() for n in (2, 5)}
        print(f"shortlist {size:3d}: nearest sign as with every example aligned {100 * (got.argmin(1) == exact.argmin(1)).mean():.1f}%"
              f", top-1 {100 * (got.argmin(1) == truth).mean():.1f}%; the 2 nearest signs' distances exact "
              f"{kept[2]:.1f}%, the 5 nearest {kept[5]:.1f}% ({ms:.1f} ms a segment)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
