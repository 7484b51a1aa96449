"""Step 7: how fast is an exported model? onnxruntime latency and throughput, size on disk.

    python -m training.benchmark models/arsl_karsl82.onnx [--threads 1] [--runs 200]

Prints p50/p95 latency and sequences per second for batch 1 (live recognition: one sign
at a time) and batch 32 (offline evaluation), through the app's own `SignClassifier`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.errors import ArslError


def bench(clf: SignClassifier, batch: int, runs: int, warmup: int = 5) -> dict:
    x = np.random.default_rng(0).normal(0, 1, (batch, clf.seq_len, F.FEATURE_DIM)).astype(np.float32)
    for _ in range(warmup):
        clf.probabilities(x)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        clf.probabilities(x)
        times.append(time.perf_counter() - t0)
    ms = np.array(times) * 1000
    return {"batch": batch, "p50_ms": round(float(np.percentile(ms, 50)), 3),
            "p95_ms": round(float(np.percentile(ms, 95)), 3),
            "sequences_per_s": round(batch * runs / float(np.sum(times)), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", type=Path, nargs="+")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--json", action="store_true", help="print one JSON object per model")
    a = ap.parse_args(argv)
    for path in a.models:
        try:
            clf = SignClassifier(path, threads=a.threads)
        except ArslError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        res = {"model": str(path), "size_mb": round(path.stat().st_size / 1e6, 2), "threads": a.threads,
               "seq_len": clf.seq_len, "classes": len(clf.class_ids),
               "results": [bench(clf, 1, a.runs), bench(clf, 32, max(10, a.runs // 10))]}
        if a.json:
            print(json.dumps(res))
            continue
        print(f"{path.name}: {res['size_mb']} MB on disk, {res['classes']} classes, seq_len {res['seq_len']}, "
              f"{a.threads} thread(s)")
        for r in res["results"]:
            print(f"  batch {r['batch']:>2}: p50 {r['p50_ms']:.2f} ms  p95 {r['p95_ms']:.2f} ms  "
                  f"{r['sequences_per_s']:.0f} sequences/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
