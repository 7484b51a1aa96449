"""Build the shipped reference recordings of learn mode: `resources/references/karsl82.npz`.

    python -m training.references [--cache cache/keypoints] [--per-sign 3]

Per KArSL sign, up to `--per-sign` recordings the model learnt from (the keypoint cache,
`training.cache`), training split first, taking the signers in turn so both appear where the
cache has both; each recording's RAW keypoints (never images, never features) trimmed to its
signing span (`features.signing_span`), xyz as float16. Read back by
`arsl_desktop.core.practice.karsl_references(sign_id)`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from arsl_desktop import paths
from arsl_desktop.core import features as F
from arsl_desktop.core import practice
from arsl_desktop.core.personal_store import Example
from training.cache import Clip, load_cache

PER_SIGN = 3


def select(clips: Iterable[Clip], per_sign: int = PER_SIGN, splits: tuple[str, ...] = ("train", "test"),
           exclude: set[str] = frozenset()) -> dict[int, list[Clip]]:
    """Per sign, up to `per_sign` clips: earlier `splits` first, signers taken in turn, in the
    cache's order within a signer. `exclude`: sample names never chosen."""
    by_sign: dict[int, dict[str, list[Clip]]] = {}
    for c in clips:
        if c.split in splits and c.sample not in exclude:
            by_sign.setdefault(c.sign, {}).setdefault(c.signer, []).append(c)
    out: dict[int, list[Clip]] = {}
    for sign, signers in sorted(by_sign.items()):
        for queue in signers.values():
            queue.sort(key=lambda c: (splits.index(c.split), c.sample))
        chosen: list[Clip] = []
        for split in splits:
            queues = [[c for c in q if c.split == split] for _, q in sorted(signers.items())]
            while len(chosen) < per_sign and any(queues):
                for q in queues:
                    if q and len(chosen) < per_sign:
                        chosen.append(q.pop(0))
        out[sign] = chosen
    return out


def trimmed(clip: Clip) -> Example:
    """A clip cut to its signing span, times from 0, as an `Example`."""
    span = F.signing_span(clip.xyz, clip.present, clip.times, clip.aspect)
    times = clip.times[span]
    return Example(clip.xyz[span].astype(np.float32), clip.present[span].astype(bool),
                   (times - times[0]).astype(np.float64), float(clip.aspect), f"KArSL signer {clip.signer}")


def write(path: Path, chosen: dict[int, list[Clip]]) -> dict:
    examples = [(sign, c, trimmed(c)) for sign, cs in sorted(chosen.items()) for c in cs]
    lengths = [e.frames for _, _, e in examples]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp, schema=np.str_(F.KEYPOINT_SCHEMA),
        xyz=np.concatenate([e.xyz for _, _, e in examples]).astype(np.float16),
        present=np.concatenate([e.present for _, _, e in examples]),
        times=np.concatenate([e.times for _, _, e in examples]).astype(np.float32),
        offsets=np.r_[0, np.cumsum(lengths)].astype(np.int64),
        signs=np.array([s for s, _, _ in examples], np.int64),
        aspects=np.array([e.aspect for _, _, e in examples], np.float64),
        recorded_by=np.array([e.recorded_by for _, _, e in examples]),
        samples=np.array([c.sample for _, c, _ in examples]),
        splits=np.array([c.split for _, c, _ in examples]))
    tmp.replace(path)
    practice._load_references.cache_clear()
    return {"signs": len(chosen), "recordings": len(examples), "frames": int(sum(lengths)),
            "bytes": path.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path("cache/keypoints"))
    ap.add_argument("--per-sign", type=int, default=PER_SIGN)
    ap.add_argument("--out", type=Path, default=paths.resource(*practice.REFERENCES_FILE))
    args = ap.parse_args(argv)
    info = write(args.out, select(load_cache(args.cache), args.per_sign))
    print(f"{args.out}: {info['recordings']} recordings of {info['signs']} signs, {info['frames']} frames, "
          f"{info['bytes'] / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
