"""Taught signs through the real command line, as issue 17's check runs them: top-1 beside the floor.

    .venv/bin/python benchmarks/taught_flow.py [--signers 02,01] [--signs 71-76] [--taught 3]
        [--named 6] [--model FILE] [--new-words] [--look depth|webcam] [--keep DIR]

For each signer of the sample folder, each sign's KArSL frame folders (train split, in recording
order) are written as videos the way a depth camera's colour stream gives them: 960x540, 15 fps,
the signer in the middle of a 16:9 frame (each moment shows the latest KArSL frame taken by then,
so sparse recordings keep their timing); `--look webcam`: as a laptop webcam would see the
signer (`training.webcam_like`, the rendering of the webcam-like rows). Then, in a fresh user data folder, exactly what a user
types:

    arsl-desktop signs add --sign ID FIRST.mp4 SECOND.mp4 THIRD.mp4     (their way of each sign)
    arsl-desktop recognize --format jsonl NEXT.mp4 ...                  (their next recordings)

(`--new-words`: `signs add --en "new word ID" ...` instead, for a model that does not know the
signs, such as the transfer model of `training.evaluate --personal` exported with
`training.export`: the flow of a user's own new words), and the app's top-1 (among all its
signs and the taught ones) is printed beside the floor every
taught-sign figure must beat: DTW 1-NN among the taught signs only (`training.baseline`), on
keypoints the app's own landmarker takes from the same videos. Misses are listed as they are
found. Caveat printed with the figures: the shipped model learnt these recordings (it was trained
on every sample clip), so the app's figure is not a held-out one for the model's part; the
matcher learns nothing, and held-out figures come from `training.evaluate --personal`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arsl_desktop import native_log, paths  # noqa: E402
from arsl_desktop.core.landmarks import create_landmarker, stack  # noqa: E402
from arsl_desktop.core.sources import open_source  # noqa: E402
from training import webcam_like  # noqa: E402
from training.baseline import baseline_scores  # noqa: E402
from training.cache import Clip  # noqa: E402

SIZE = (960, 540)
FPS = 15.0
_NUMBER = re.compile(r"(\d+)$")


def depth_camera(image: np.ndarray) -> np.ndarray:
    """A KArSL frame as a depth camera's colour stream shows the studio: 960x540, the signer in
    the middle."""
    import cv2

    width, height = SIZE
    canvas = np.full((height, width, 3), 120, np.uint8)
    left = (width - height) // 2
    canvas[:, left:left + height] = cv2.resize(image, (height, height), interpolation=cv2.INTER_CUBIC)
    return canvas


def as_video(folder: Path, dst: Path, look: str) -> Path:
    """A KArSL frame folder (frame numbers are 30 fps time) -> a 15 fps mp4 as `look` sees it:
    "depth" (`depth_camera`) or "webcam" (`training.webcam_like`: 640x360, the signer smaller and
    off-centre, darker, JPEG-compressed; one set-up per recording)."""
    import cv2

    if dst.exists():
        return dst
    frames = sorted(folder.glob("*.jpg"), key=lambda p: int(_NUMBER.search(p.stem).group(1)))
    numbers = [int(_NUMBER.search(p.stem).group(1)) for p in frames]
    if look == "webcam":
        setup = webcam_like.look_for(folder.name)
        show, size = (lambda image: webcam_like.render(image, setup)), webcam_like.CANVAS
    else:
        show, size = depth_camera, SIZE
    out = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), FPS, size)
    for i in range(int((numbers[-1] - numbers[0]) / 30.0 * FPS) + 1):
        t = numbers[0] + i * 30.0 / FPS
        j = max(k for k, n in enumerate(numbers) if n <= t + 1e-6)
        out.write(show(cv2.imread(str(frames[j]))))
    out.release()
    return dst


def keypoints(video: Path, sign: int, landmarker) -> Clip:
    landmarker.reset()
    with open_source(video) as src:
        xyz, present, times, aspect = stack([landmarker.process(f.image, f.timestamp) for f in src])
    return Clip(xyz, present, times, aspect, "", "", sign, video.stem)


def cli(args: list[str], env: dict) -> str:
    done = subprocess.run([sys.executable, "-m", "arsl_desktop", *args], capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"arsl-desktop {' '.join(args[:2])} failed ({done.returncode}): {done.stderr[-1500:]}")
    return done.stdout


def sign_range(text: str) -> list[int]:
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--signers", default="02,01")
    ap.add_argument("--signs", default="71-76", type=sign_range)
    ap.add_argument("--taught", type=int, default=3, help="recordings per sign given to `signs add`")
    ap.add_argument("--named", type=int, default=6, help="the next recordings per sign, named by `recognize`")
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--new-words", action="store_true",
                    help="teach the signs as new words (for a model that does not know them)")
    ap.add_argument("--look", choices=("depth", "webcam"), default="depth",
                    help="depth: 960x540 studio (a depth camera's colour stream); webcam: a laptop webcam's view")
    ap.add_argument("--keep", type=Path, default=None, help="keep the videos here (default: a temporary folder)")
    args = ap.parse_args(argv)
    native_log.install()
    sample = paths.sample_dir()
    if sample is None:
        print("no KArSL sample folder (ARSL_SAMPLE_DIR or ../shared/karsl-sample): nothing to run")
        return 1
    work = Path(args.keep or tempfile.mkdtemp(prefix="taught-flow-"))
    work.mkdir(parents=True, exist_ok=True)
    model = ["--model", str(args.model)] if args.model else []
    shown = f"{SIZE[0]}x{SIZE[1]} (depth camera)" if args.look == "depth" else "640x360 (laptop webcam-like)"
    print(f"videos {shown} at {FPS:g} fps in {work}; signs {args.signs[0]}-{args.signs[-1]}, "
          f"{args.taught} taught and up to {args.named} named per sign", flush=True)
    if args.new_words:
        from arsl_desktop.core.classifier import SignClassifier

        known = set(SignClassifier(args.model or paths.default_model_path()).class_ids) & set(args.signs)
        if known:
            print(f"note: the model knows {sorted(known)}: as new words they test stand-ins, not new words")
    landmarker = create_landmarker()
    totals = []
    for signer in args.signers.split(","):
        signs = [s for s in args.signs if (sample / "frames" / signer / "train" / f"{s:04d}").is_dir()]
        taught, named = [], []
        for s in signs:
            folders = sorted((sample / "frames" / signer / "train" / f"{s:04d}").iterdir())[:args.taught + args.named]
            videos = [as_video(f, work / f"{args.look}-{f.name.replace('(', '').replace(')', '')}.mp4", args.look)
                      for f in folders]
            taught += [(s, v) for v in videos[:args.taught]]
            named += [(s, v) for v in videos[args.taught:]]
        env = {**os.environ, "ARSL_USER_DATA": tempfile.mkdtemp(prefix=f"user-{signer}-", dir=work)}
        for s in signs:
            how = ["--en", f"new word {s}"] if args.new_words else ["--sign", str(s)]
            cli([*model, "signs", "add", *how, *[str(v) for t, v in taught if t == s]], env)
        lines = [json.loads(x) for x in cli([*model, "recognize", "--format", "jsonl", *[str(v) for _, v in named]],
                                            env).splitlines() if x.strip()]
        app = []
        for (s, video), line in zip(named, lines, strict=True):
            top = line["top"][0] if line["top"] else {}
            app.append(top.get("en") == f"new word {s}" if args.new_words else top.get("id") == s)
            if not app[-1]:
                print(f"  signer {signer}: {video.name} (sign {s}) named {top.get('id')} {top.get('en')!r} "
                      f"p={top.get('prob')}", flush=True)
        enrolled = [keypoints(v, s, landmarker) for s, v in taught]
        queries = [keypoints(v, s, landmarker) for s, v in named]
        floor = baseline_scores(enrolled, queries, signs).argmax(1) == np.array([signs.index(q.sign) for q in queries])
        totals.append((signer, len(named), float(np.mean(app)), float(np.mean(floor))))
        print(f"signer {signer}: {len(signs)} signs taught from {args.taught} recordings, {len(named)} named: "
              f"app top-1 {100 * np.mean(app):.1f}%   DTW 1-NN among the taught signs {100 * np.mean(floor):.1f}%",
              flush=True)
    landmarker.close()
    print("\n| signer | named | app top-1 | DTW 1-NN (taught only) |\n|---|---|---|---|")
    for signer, n, a, f in totals:
        print(f"| {signer} | {n} | {100 * a:.1f}% | {100 * f:.1f}% |")
    if args.model is None:
        print("(the shipped model learnt these recordings: its part of the app's figure is not held out)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
