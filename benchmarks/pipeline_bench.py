"""Pipeline throughput against the MediaPipe Holistic reference, on real KArSL video frames.

    .venv/bin/python benchmarks/pipeline_bench.py [--videos 8] [--rounds 2] [--model FILE]
        [--holistic-python .venv-holistic/bin/python]

Prints each Tasks landmarker's cost alone (pose, hands, face), features and classifier per
frame, then the sustained frames per second of the whole pipeline (`Recognizer.process`,
landmarkers run concurrently) and of the landmarkers one after another, next to Holistic
alone (mediapipe 0.10.21, from a reference venv that `make bench` creates) on the same
clips. Rounds alternate between them so both see the same machine load; the ratio is what
counts, absolute times drift. Frames are decoded into memory first.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from arsl_desktop import paths
from arsl_desktop.core import features as F
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.landmarks import create_landmarker, stack
from arsl_desktop.core.recognizer import Recognizer
from arsl_desktop.core.sources import Frame, VideoFileSource

REFERENCE = paths.install_root() / ".venv-holistic" / "bin" / "python"
REFERENCE_SCRIPT = Path(__file__).with_name("holistic_reference.py")


def test_videos(n: int) -> list[Path]:
    root = paths.sample_dir()
    if root is None:
        sys.exit("KArSL sample folder not found (set ARSL_SAMPLE_DIR)")
    return sorted((root / "videos" / "01" / "test").glob("*.mp4"))[:n]


def load_frames(videos: list[Path]) -> list[Frame]:
    """Test videos played back to back as one continuous 30 fps stream."""
    frames: list[Frame] = []
    for v in videos:
        with VideoFileSource(v) as src:
            for f in src:
                frames.append(Frame(f.image, len(frames) / 30.0, len(frames)))
    return frames


def holistic_reference(python: Path, videos: list[Path]) -> float | None:
    proc = subprocess.run([str(python), str(REFERENCE_SCRIPT), *map(str, videos)], capture_output=True,
                          text=True, timeout=900)
    try:
        return float(json.loads(proc.stdout.strip().splitlines()[-1])["fps"])
    except (ValueError, KeyError, IndexError):
        print(f"  (Holistic reference failed: {proc.stderr.strip().splitlines()[-1:]})", flush=True)
        return None


def pipeline(frames: list[Frame], clf: SignClassifier, threads: int) -> tuple[float, list]:
    rec = Recognizer(clf, landmarker=create_landmarker(threads=threads))
    rec.landmarker.process(frames[0].image)
    rec.reset()
    t = time.perf_counter()
    results = [rec.process(f) for f in frames]
    fps = len(frames) / (time.perf_counter() - t)
    rec.close()
    return fps, results


def each_landmarker_ms(frames: list[Frame]) -> dict[str, float]:
    """Median ms per frame of each landmarker run alone, in VIDEO mode on the same frames."""
    out = {}
    with create_landmarker(threads=1) as lm:
        images = [lm.image(f.image) for f in frames]
        for name, task in lm.tasks.items():
            times = []
            for i, img in enumerate(images):
                t = time.perf_counter()
                task.detect_for_video(img, 10_000 * (len(out) + 1) + i * 33)
                times.append((time.perf_counter() - t) * 1000)
            out[name] = statistics.median(times[1:])
    return out


def per_call_ms(fn, repeat: int = 200) -> float:
    fn()
    t = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t) / repeat * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--model", type=Path, default=paths.default_model_path())
    ap.add_argument("--holistic-python", type=Path, default=REFERENCE,
                    help="interpreter of a venv with mediapipe 0.10.21 (Holistic), for the reference")
    args = ap.parse_args(argv)

    videos = test_videos(args.videos)
    frames = load_frames(videos)
    clf = SignClassifier(args.model)
    print(f"{len(frames)} frames from {len(videos)} KArSL test videos (256x256), model {clf.name} "
          f"({len(clf.class_ids)} signs, seq_len {clf.seq_len})", flush=True)
    reference = args.holistic_python if args.holistic_python.is_file() else None
    if reference is None:
        print(f"no Holistic reference interpreter at {args.holistic_python} (make bench creates it): "
              "the comparison is left out", flush=True)

    holistic, piped, serial, results = [], [], [], []
    for r in range(args.rounds):  # alternate, so all see the same machine load
        if reference is not None:
            h = holistic_reference(reference, videos)
            if h is not None:
                holistic.append(h)
        fps, results = pipeline(frames, clf, threads=3)
        piped.append(fps)
        serial.append(pipeline(frames, clf, threads=1)[0])
        print(f"round {r + 1}: Holistic {holistic[-1] if holistic else float('nan'):.1f} fps, "
              f"pipeline {piped[-1]:.1f} fps, landmarkers one after another {serial[-1]:.1f} fps", flush=True)

    kps = [r.keypoints for r in results]
    xyz, present, times, aspect = stack(kps[:40])
    seq = F.sequence_features(xyz, present, times, clf.seq_len, aspect)
    lm_ms = statistics.median(r.landmark_ms for r in results)
    rest_ms = [r.classify_ms for r in results]
    segments = sum(r.result is not None for r in results)
    print("\nper frame (median):")
    for name, ms in each_landmarker_ms(frames).items():
        print(f"  {name + ' landmarker alone':30s}{ms:7.2f} ms")
    print(f"  {'landmarks, concurrent':30s}{lm_ms:7.2f} ms")
    print(f"  features, one frame           {per_call_ms(lambda: F.frame_features(xyz[:1], present[:1], aspect)):7.3f} ms")
    print(f"  features, one {clf.seq_len}-step sequence {per_call_ms(lambda: F.sequence_features(xyz, present, times, clf.seq_len, aspect)):7.3f} ms")
    print(f"  classifier, one sequence      {per_call_ms(lambda: clf.top_k(seq)):7.3f} ms")
    print(f"  spotting+classify per frame   {statistics.median(rest_ms):7.3f} ms median, "
          f"{max(rest_ms):.2f} ms max ({segments} signs reported)")
    p, s = max(piped), max(serial)
    print("\nsustained throughput (best of rounds):")
    print(f"  full pipeline (Tasks, concurrent)   {p:6.1f} fps   rounds: {', '.join(f'{x:.1f}' for x in piped)}")
    print(f"  Tasks landmarkers one after another {s:6.1f} fps   rounds: {', '.join(f'{x:.1f}' for x in serial)}")
    if holistic:
        h = max(holistic)
        print(f"  Holistic alone (0.10.21 reference)  {h:6.1f} fps   rounds: {', '.join(f'{x:.1f}' for x in holistic)}")
        print(f"  pipeline / Holistic = {p / h:.1%}  (target >= 100%: {'met' if p >= h else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
