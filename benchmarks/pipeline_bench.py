"""Pipeline throughput against MediaPipe Holistic alone, on real KArSL video frames.

    .venv/bin/python benchmarks/pipeline_bench.py [--videos 12] [--rounds 2] [--model FILE]

Prints the per-frame cost of landmarks, features (+ spotting) and the classifier separately,
then the sustained frames per second of the whole pipeline (`Recognizer.process`) next to
Holistic alone on the same frames. Holistic is the floor: the pipeline should stay above
90% of its throughput. Frames are decoded into memory first so decoding is not measured.
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
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.landmarks import HolisticLandmarker, stack
from arsl_desktop.core.recognizer import Recognizer
from arsl_desktop.core.sources import Frame, VideoFileSource


def load_frames(n_videos: int) -> list[Frame]:
    """Test videos played back to back as one continuous 30 fps stream."""
    root = paths.sample_dir()
    if root is None:
        sys.exit("KArSL sample folder not found (set ARSL_SAMPLE_DIR)")
    videos = sorted((root / "videos" / "01" / "test").glob("*.mp4"))[:n_videos]
    frames: list[Frame] = []
    for v in videos:
        with VideoFileSource(v) as src:
            for f in src:
                frames.append(Frame(f.image, len(frames) / 30.0, len(frames)))
    return frames


def holistic_alone(frames: list[Frame]) -> float:
    with HolisticLandmarker(video_mode=True) as lm:
        lm.process(frames[0].image)  # start-up outside the timing, as for the pipeline
        t = time.perf_counter()
        for f in frames:
            lm.process(f.image, f.timestamp)
        return len(frames) / (time.perf_counter() - t)


def pipeline(frames: list[Frame], clf: SignClassifier) -> tuple[float, list]:
    rec = Recognizer(clf)
    rec.landmarker.process(frames[0].image)
    rec.spotter.reset()
    t = time.perf_counter()
    results = [rec.process(f) for f in frames]
    fps = len(frames) / (time.perf_counter() - t)
    rec.close()
    return fps, results


def per_call_ms(fn, repeat: int = 200) -> float:
    fn()
    t = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t) / repeat * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=int, default=12)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--model", type=Path, default=paths.default_model_path())
    args = ap.parse_args(argv)

    frames = load_frames(args.videos)
    clf = SignClassifier(args.model)
    print(f"{len(frames)} frames from {args.videos} KArSL test videos (256x256), model {clf.name} "
          f"({len(clf.class_ids)} signs, seq_len {clf.seq_len})")

    holistic, piped, results = [], [], []
    for _ in range(args.rounds):  # alternate, so both see the same machine load
        holistic.append(holistic_alone(frames))
        fps, results = pipeline(frames, clf)
        piped.append(fps)

    kps = [r.keypoints for r in results]
    xyz, present, times, aspect = stack(kps[:40])
    seq = F.sequence_features(xyz, present, times, clf.seq_len, aspect)
    lm_ms = statistics.median(r.landmark_ms for r in results)
    rest_ms = [r.classify_ms for r in results]
    segments = sum(r.result is not None for r in results)
    print("\nper frame (median):")
    print(f"  landmarks (Holistic)          {lm_ms:7.2f} ms")
    print(f"  features, one frame           {per_call_ms(lambda: F.frame_features(xyz[:1], present[:1], aspect)):7.3f} ms")
    print(f"  features, one {clf.seq_len}-step sequence {per_call_ms(lambda: F.sequence_features(xyz, present, times, clf.seq_len, aspect)):7.3f} ms")
    print(f"  classifier, one sequence      {per_call_ms(lambda: clf.top_k(seq)):7.3f} ms")
    print(f"  spotting+classify per frame   {statistics.median(rest_ms):7.3f} ms median, "
          f"{max(rest_ms):.2f} ms max ({segments} signs reported)")
    h, p = max(holistic), max(piped)
    print("\nsustained throughput (best of rounds):")
    print(f"  Holistic alone   {h:6.1f} fps   rounds: {', '.join(f'{x:.1f}' for x in holistic)}")
    print(f"  full pipeline    {p:6.1f} fps   rounds: {', '.join(f'{x:.1f}' for x in piped)}")
    ratio = p / h
    print(f"  pipeline / Holistic = {ratio:.1%}  (target > 90%: {'met' if ratio > 0.9 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
