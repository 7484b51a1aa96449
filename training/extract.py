"""Step 1: KArSL recordings -> cached raw keypoints, with the app's own landmark code.

    python -m training.extract --data /path/to/karsl --out cache/keypoints \
        [--signers 01,02] [--splits train,test] [--signs 1-82] [--workers 2] [--videos]

Parallel worker processes, one MediaPipe Tasks landmarker each (`core.landmarks`). Resumable: samples already in
the cache are skipped, unless another landmarker extracted them (`LANDMARKER_NAME`, kept in each
file): those are extracted again, so a cache never mixes two landmarkers' keypoints. Unreadable
or empty samples are logged, skipped, listed at the end and written to `<out>/failed.txt`. Frame folders are extracted by default; `--videos` adds
video files whose recording has no frame folder (one recording is never counted twice).
`--webcam` renders each frame as a laptop webcam would see the signer first
(`training.webcam_like`: 16:9, smaller and off-centre, darker, JPEG, 15 fps); give it its own
`--out`. `--no-rescue`: without the landmarker's second look at a small face (`core.rescue`), the
keypoints the shipped model and its personal-sign fit were made from (`FIRST_LOOK_NAME`); give
it its own `--out` too.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

from arsl_desktop import paths
from training.cache import Clip, cache_path, cached_landmarker, save_clip
from training.discover import SampleRef, discover, parse_ranges

log = logging.getLogger("training.extract")

_landmarker = None


def _init_worker(threads: int, quiet: bool = False, rescue: bool = True) -> None:
    global _landmarker
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if quiet:  # MediaPipe's C++ logs one line per graph; worker errors come back as values
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
    from arsl_desktop.core.landmarks import create_landmarker

    _landmarker = create_landmarker(threads=threads, rescue=rescue)


def landmarker_name(rescue: bool = True) -> str:
    from arsl_desktop.core.landmarks import FIRST_LOOK_NAME, LANDMARKER_NAME

    return LANDMARKER_NAME if rescue else FIRST_LOOK_NAME


def extract_one(ref: SampleRef, out: Path, webcam: bool = False, rescue: bool = True) -> tuple[str, str | None, int]:
    """Landmarks of one sample into the cache (`webcam`: of its webcam-like rendering; `rescue`:
    the worker's landmarker takes the second look). Returns (key, error or None, frames)."""
    from arsl_desktop.core.errors import ArslError
    from arsl_desktop.core.landmarks import stack
    from arsl_desktop.core.sources import open_source

    try:
        _landmarker.reset()
        with open_source(ref.path) as src:
            if webcam:
                from training.webcam_like import at_most_fps, look_for, render

                look = look_for(ref.sample)
                kps = [_landmarker.process(render(f.image, look), f.timestamp) for f in at_most_fps(src)]
            else:
                kps = [_landmarker.process(f.image, f.timestamp) for f in src]
        if not kps:
            return ref.key, "no frames", 0
        xyz, present, times, aspect = stack(kps)
        if not present.any():
            return ref.key, "no person detected in any frame", len(kps)
        clip = Clip(xyz, present, times, aspect, ref.signer, ref.split, ref.sign, ref.sample, str(ref.path),
                    landmarker_name(rescue))
        save_clip(cache_path(out, ref.key), clip)
        return ref.key, None, len(kps)
    except (ArslError, OSError, ValueError) as exc:
        return ref.key, f"{exc.__class__.__name__}: {exc}", 0


def _work(args: tuple[SampleRef, Path, bool, bool]) -> tuple[str, str | None, int]:
    return extract_one(*args)


def run(data: Path, out: Path, refs: list[SampleRef], workers: int, threads: int = 1,
        progress: bool = True, webcam: bool = False, rescue: bool = True) -> tuple[int, list[tuple[str, str]]]:
    """Extract `refs` not yet cached by this landmarker. Returns (samples written, [(key, reason)] failures)."""
    name = landmarker_name(rescue)
    todo = [r for r in refs if not cache_path(out, r.key).is_file()
            or cached_landmarker(cache_path(out, r.key)) != name]
    stale = sum(cache_path(out, r.key).is_file() for r in todo)
    log.info("%d samples found, %d already cached, %d to extract with %d worker(s)",
             len(refs), len(refs) - len(todo), len(todo), workers)
    if stale:
        log.info("%d of the cached samples were extracted by another landmarker than '%s': extracting them again",
                 stale, name)
    failures: list[tuple[str, str]] = []
    done = 0
    if not todo:
        return 0, failures
    from tqdm import tqdm

    bar = tqdm(total=len(todo), unit="sample", disable=not progress, file=sys.stderr)
    jobs = [(r, out, webcam, rescue) for r in todo]
    if workers <= 1:
        _init_worker(threads, rescue=rescue)
        results = map(_work, jobs)
        pool = None
    else:
        pool = mp.get_context("spawn").Pool(workers, _init_worker, (threads, True, rescue))
        results = pool.imap_unordered(_work, jobs, chunksize=1)
    try:
        for key, err, n in results:
            if err:
                failures.append((key, err))
                log.warning("skipped %s: %s", key, err)
            else:
                done += 1
            bar.update(1)
            bar.set_postfix(frames=n, failed=len(failures))
    finally:
        bar.close()
        if pool is not None:
            pool.terminate() if sys.exc_info()[0] else pool.close()
            pool.join()
    return done, failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="KArSL root (default: the sample folder)")
    ap.add_argument("--out", type=Path, default=paths.install_root() / "cache" / "keypoints")
    ap.add_argument("--signers", default=None, help="comma list, e.g. 01,02")
    ap.add_argument("--splits", default=None, help="comma list, e.g. train,test")
    ap.add_argument("--signs", default=None, help="ranges, e.g. 1-82")
    ap.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2)))
    ap.add_argument("--videos", action="store_true", help="also extract video files (opt-in)")
    ap.add_argument("--threads", type=int, default=1,
                    help="landmarker threads per worker (1: pose, hands, face one after another; "
                         "the keypoints are the same either way)")
    ap.add_argument("--webcam", action="store_true",
                    help="render each frame as a laptop webcam would (training.webcam_like) first")
    ap.add_argument("--no-rescue", action="store_true",
                    help="without the second look at a small face (core.rescue): the keypoints the shipped model "
                         "learnt; give it its own --out")
    ap.add_argument("--no-progress", action="store_true")
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    data = a.data or paths.sample_dir()
    if data is None:
        ap.error("no --data given and the KArSL sample folder was not found (set ARSL_SAMPLE_DIR)")
    try:
        refs = discover(data, videos=a.videos,
                        signers=set(a.signers.split(",")) if a.signers else None,
                        splits=set(a.splits.split(",")) if a.splits else None,
                        signs=parse_ranges(a.signs))
    except (FileNotFoundError, ValueError) as exc:
        ap.error(str(exc))
    if not refs:
        ap.error(f"no KArSL samples (<category>_<signer>_<sign>_... folders or videos) under {data}")
    t0 = time.time()
    done, failures = run(data, a.out, refs, a.workers, a.threads, progress=not a.no_progress,
                         webcam=a.webcam, rescue=not a.no_rescue)
    log.info("extracted %d samples in %.0f s into %s", done, time.time() - t0, a.out)
    if failures:
        a.out.mkdir(parents=True, exist_ok=True)
        (a.out / "failed.txt").write_text("".join(f"{k}\t{e}\n" for k, e in failures), encoding="utf-8")
        log.warning("%d samples failed (listed in %s):", len(failures), a.out / "failed.txt")
        for k, e in failures:
            log.warning("  %s: %s", k, e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
