"""The baseline every figure is compared with: 1-nearest-neighbour under dynamic time warping.

Each clip becomes the same (seq_len, FEATURE_DIM) sequence the model sees (app trimming,
`features.sequence_features`); a query takes the sign of the training clip with the
smallest DTW distance (Euclidean per step, path normalised by its length). Scores per class
are minus the distance to that class's nearest clip, so `metrics.metrics` gives top-1/top-5
exactly as for the model.

    python -m training.dtw --train-signers 01,02 --train-splits train --test-splits test --signs 1-70
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from arsl_desktop import paths
from arsl_desktop.core.dtw import dtw_distances
from training.cache import Clip, load_cache
from training.dataset import eval_features
from training.discover import parse_ranges


def dtw_scores(train: list[Clip], test: list[Clip], class_ids: list[int], seq_len: int = 32,
               options: dict | None = None) -> np.ndarray:
    """(len(test), len(class_ids)) scores: minus the DTW distance to each class's nearest training clip."""
    index = {c: i for i, c in enumerate(class_ids)}
    refs = [c for c in train if c.sign in index]
    if not refs:
        raise ValueError("no training clips of the given signs for the DTW baseline")
    ref_x = np.stack([eval_features(c, seq_len, options) for c in refs]).astype(np.float64)
    ref_y = np.array([index[c.sign] for c in refs])
    out = np.full((len(test), len(class_ids)), -np.inf)
    for q, clip in enumerate(test):
        d = dtw_distances(eval_features(clip, seq_len, options).astype(np.float64), ref_x)
        for k in np.unique(ref_y):
            out[q, k] = -d[ref_y == k].min()
    return out


def main(argv: list[str] | None = None) -> int:
    from training.metrics import metrics

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=paths.install_root() / "cache" / "keypoints")
    ap.add_argument("--signs", default="1-82")
    ap.add_argument("--train-signers", default=None)
    ap.add_argument("--train-splits", default="train")
    ap.add_argument("--test-signers", default=None)
    ap.add_argument("--test-splits", default="test")
    a = ap.parse_args(argv)
    sets = {}
    signs = parse_ranges(a.signs)
    try:
        for role in ("train", "test"):
            signers, splits = getattr(a, f"{role}_signers"), getattr(a, f"{role}_splits")
            sets[role] = load_cache(a.cache, set(signers.split(",")) if signers else None,
                                    set(splits.split(",")) if splits else None, signs)
        class_ids = sorted({c.sign for c in sets["train"]})
        test = [c for c in sets["test"] if c.sign in set(class_ids)]
        if not test:
            raise ValueError("no test clips of signs that have training clips")
        labels = np.array([class_ids.index(c.sign) for c in test])
        res = metrics(dtw_scores(sets["train"], test, class_ids), labels, class_ids)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"DTW 1-NN: clips {res['n']}  top-1 {res['top1']:.3f}  top-5 {res['top5']:.3f}  "
          f"({len(sets['train'])} training clips, {len(class_ids)} classes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
