"""Taught signs through the real command line, as issue 17's check runs them: top-1 beside the floor.

    .venv/bin/python benchmarks/taught_flow.py [--signers 02,01] [--signs 71-76] [--taught 3]
        [--named 6] [--model FILE] [--new-words] [--pack] [--left-handed] [--mirror-import]
        [--look depth|webcam|phone] [--named-look depth|webcam|phone] [--keep DIR]

For each signer of the sample folder, each sign's KArSL frame folders (train split, in recording
order) are written as videos the way a depth camera's colour stream gives them: 960x540, 15 fps,
the signer in the middle of a 16:9 frame (each moment shows the latest KArSL frame taken by then,
so sparse recordings keep their timing); `--look webcam`: as a laptop webcam would see the
signer (`training.webcam_like`, the rendering of the webcam-like rows). Then, in a fresh user
data folder, exactly what a user types:

    arsl-desktop signs add --sign ID FIRST.mp4 SECOND.mp4 THIRD.mp4     (their way of each sign)
    arsl-desktop recognize --format jsonl NEXT.mp4 ...                  (their next recordings)

(`--new-words`: `signs add --en "new word ID" ...` instead, for a model that does not know the
signs, such as the transfer model of `training.evaluate --personal` exported with
`training.export`: the flow of a user's own new words). `--pack`: the flow of a class, each
signer taught by the other's pack:

    arsl-desktop signs add --sign ID ...; arsl-desktop signs export lesson.zip    (the teacher)
    arsl-desktop signs import lesson.zip; arsl-desktop recognize ...             (the learner)
    arsl-desktop signs add --sign ID MY-FIRST.mp4; arsl-desktop recognize ...    (one recording of their own)

`--look phone`: as a phone held upright films the signer (540x960, 30 fps). `--named-look`: the
recordings named (with `--pack`, all of the learner's) are made with another camera than the
taught ones: taught on a phone, used on a laptop; a teacher's pack from a studio, a learner's webcam.

`--left-handed`: the learner's videos are flipped left-right (a left-handed learner; with `--pack`
the teacher stays right-handed). `--mirror-import`: the learner answers that with
`signs import --mirror lesson.zip` (the floor then matches the mirrored pack too).

The app's top-1 (among all its signs and the taught ones) is printed beside the floor every
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
PHONE_SIZE = (540, 960)
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


def phone(image: np.ndarray) -> np.ndarray:
    """A KArSL frame as a phone held upright films it: 540x960 (9:16), the signer across the
    width with room above and below, a little brighter and softer than the studio camera."""
    import cv2

    width, height = PHONE_SIZE
    canvas = np.full((height, width, 3), 150, np.uint8)
    top = int(0.3 * height) - width // 2
    body = cv2.resize(image, (width, width), interpolation=cv2.INTER_CUBIC)
    canvas[top:top + width] = cv2.GaussianBlur(cv2.convertScaleAbs(body, alpha=1.1, beta=12), (3, 3), 0)
    return canvas


LOOKS = {"depth": "960x540 at 15 fps (a depth camera's colour stream)",
         "webcam": "640x360 at 15 fps (laptop webcam-like)",
         "phone": "540x960 at 30 fps (a phone held upright)"}


def as_video(folder: Path, dst: Path, look: str, mirrored: bool = False) -> Path:
    """A KArSL frame folder (frame numbers are 30 fps time) -> an mp4 as `look` sees it:
    "depth" (`depth_camera`, 15 fps), "webcam" (`training.webcam_like`: 640x360, 15 fps, the
    signer smaller and off-centre, darker, JPEG-compressed; one set-up per recording) or "phone"
    (`phone`, 30 fps). `mirrored`: each frame flipped left-right first, as a left-handed signer
    would make the sign."""
    import cv2

    if dst.exists():
        return dst
    frames = sorted(folder.glob("*.jpg"), key=lambda p: int(_NUMBER.search(p.stem).group(1)))
    numbers = [int(_NUMBER.search(p.stem).group(1)) for p in frames]
    fps = FPS
    if look == "webcam":
        setup = webcam_like.look_for(folder.name)
        show, size = (lambda image: webcam_like.render(image, setup)), webcam_like.CANVAS
    elif look == "phone":
        show, size, fps = phone, PHONE_SIZE, 30.0
    else:
        show, size = depth_camera, SIZE
    out = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    for i in range(int((numbers[-1] - numbers[0]) / 30.0 * fps) + 1):
        t = numbers[0] + i * 30.0 / fps
        j = max(k for k, n in enumerate(numbers) if n <= t + 1e-6)
        image = cv2.imread(str(frames[j]))
        out.write(show(cv2.flip(image, 1) if mirrored else image))
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


class Flow:
    """One benchmark run: the videos, the user's commands in fresh user folders, the floor's keypoints."""

    def __init__(self, args: argparse.Namespace, sample: Path, work: Path) -> None:
        self.args, self.sample, self.work = args, sample, work
        self.model = ["--model", str(args.model)] if args.model else []
        self.landmarker = create_landmarker()
        self._keypoints: dict[Path, Clip] = {}

    def signs_of(self, signer: str) -> list[int]:
        return [s for s in self.args.signs if (self.sample / "frames" / signer / "train" / f"{s:04d}").is_dir()]

    def videos(self, signer: str, s: int, n: int, mirrored: bool = False, look: str | None = None,
               start: int = 0) -> list[Path]:
        """The signer's recordings `start` to n - 1 of sign s (train split, recording order), as
        videos (`look`: the camera; default --look)."""
        folders = sorted((self.sample / "frames" / signer / "train" / f"{s:04d}").iterdir())[start:n]
        look = look or self.args.look
        tag = f"{look}-mirrored" if mirrored else look
        return [as_video(f, self.work / f"{tag}-{f.name.replace('(', '').replace(')', '')}.mp4", look,
                         mirrored) for f in folders]

    def user(self, who: str) -> dict:
        """A fresh user data folder: a new user's environment."""
        return {**os.environ, "ARSL_USER_DATA": tempfile.mkdtemp(prefix=f"user-{who}-", dir=self.work)}

    def name_of(self, s: int) -> list[str]:
        return ["--en", f"new word {s}"] if self.args.new_words else ["--sign", str(s)]

    def teach(self, env: dict, taught: list[tuple[int, Path]], by: str) -> None:
        for s in sorted({s for s, _ in taught}):
            cli([*self.model, "signs", "add", *self.name_of(s), "--by", by, *[str(v) for t, v in taught if t == s]],
                env)

    def named(self, env: dict, named: list[tuple[int, Path]], who: str) -> float:
        """`recognize --format jsonl` on the recordings; the share named right (misses printed)."""
        lines = [json.loads(x) for x in cli([*self.model, "recognize", "--format", "jsonl",
                                             *[str(v) for _, v in named]], env).splitlines() if x.strip()]
        right = []
        for (s, video), line in zip(named, lines, strict=True):
            top = line["top"][0] if line["top"] else {}
            right.append(top.get("en") == f"new word {s}" if self.args.new_words else top.get("id") == s)
            if not right[-1]:
                print(f"  {who}: {video.name} (sign {s}) named {top.get('id')} {top.get('en')!r} p={top.get('prob')}",
                      flush=True)
        return float(np.mean(right))

    def keypoints(self, s: int, video: Path) -> Clip:
        if video not in self._keypoints:
            self._keypoints[video] = keypoints(video, s, self.landmarker)
        return self._keypoints[video]

    def floor(self, taught: list[tuple[int, Path]], named: list[tuple[int, Path]], signs: list[int],
              mirrored: int = 0) -> float:
        """DTW 1-NN among the taught signs (`training.baseline`) on the app's keypoints of the same
        videos; the first `mirrored` taught ones mirrored, as `signs import --mirror` stores them."""
        enrolled = [self.keypoints(s, v) for s, v in taught]
        enrolled[:mirrored] = [c.mirrored() for c in enrolled[:mirrored]]
        queries = [self.keypoints(s, v) for s, v in named]
        want = np.array([signs.index(q.sign) for q in queries])
        return float(np.mean(baseline_scores(enrolled, queries, signs).argmax(1) == want))

    def learner(self, signer: str) -> str:
        return f"{signer} (left-handed)" if self.args.left_handed else signer

    def own(self, signer: str) -> tuple:
        """The signer teaches each sign from their first recordings; their next ones are named."""
        signs = self.signs_of(signer)
        taught, named = [], []
        for s in signs:
            taught += [(s, v) for v in self.videos(signer, s, self.args.taught, self.args.left_handed)]
            named += [(s, v) for v in self.videos(signer, s, self.args.taught + self.args.named, self.args.left_handed,
                                                   self.args.named_look, start=self.args.taught)]
        env = self.user(signer)
        self.teach(env, taught, f"signer {self.learner(signer)}")
        app = self.named(env, named, f"signer {self.learner(signer)}")
        floor = self.floor(taught, named, signs)
        print(f"signer {self.learner(signer)}: {len(signs)} signs taught from {self.args.taught} recordings, {len(named)} named: "
              f"app top-1 {100 * app:.1f}%   DTW 1-NN among the taught signs {100 * floor:.1f}%", flush=True)
        return [(f"{self.learner(signer)}, own {self.args.taught}", len(named), app, floor)]

    def pack(self, signer: str, teacher: str) -> tuple:
        """The teacher teaches each sign and exports a pack; the signer imports it and is named, then
        adds one recording of their own to each sign and is named again (the same recordings)."""
        signs = [s for s in self.signs_of(signer) if s in self.signs_of(teacher)]
        lesson = [(s, v) for s in signs for v in self.videos(teacher, s, self.args.taught)]
        mine, named = [], []
        for s in signs:
            videos = self.videos(signer, s, 1 + self.args.named, self.args.left_handed, self.args.named_look)
            mine.append((s, videos[0]))
            named += [(s, v) for v in videos[1:]]
        teacher_env = self.user(f"teacher-{teacher}")
        self.teach(teacher_env, lesson, f"signer {teacher}")
        pack = Path(teacher_env["ARSL_USER_DATA"]) / "lesson.zip"
        cli(["signs", "export", str(pack)], teacher_env)
        env = self.user(signer)
        flip = self.args.mirror_import
        cli([*self.model, "signs", "import", *(["--mirror"] if flip else []), str(pack)], env)
        rows = []
        how = " (imported --mirror)" if flip else ""
        who = f"signer {self.learner(signer)} with signer {teacher}'s pack{how}"
        app, floor = self.named(env, named, who), self.floor(lesson, named, signs, len(lesson) * flip)
        rows.append((f"{self.learner(signer)}, {teacher}'s pack of {self.args.taught}{how}", len(named), app, floor))
        print(f"{who}: {len(named)} named: app top-1 {100 * app:.1f}%   DTW 1-NN {100 * floor:.1f}%", flush=True)
        self.teach(env, mine, f"signer {self.learner(signer)}")
        who += " + one own recording"
        app, floor = self.named(env, named, who), self.floor(lesson + mine, named, signs, len(lesson) * flip)
        rows.append((f"{self.learner(signer)}, {teacher}'s pack{how} + 1 own", len(named), app, floor))
        print(f"{who}: {len(named)} named: app top-1 {100 * app:.1f}%   DTW 1-NN {100 * floor:.1f}%", flush=True)
        return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--signers", default="02,01")
    ap.add_argument("--signs", default="71-76", type=sign_range)
    ap.add_argument("--taught", type=int, default=3, help="recordings per sign given to `signs add`")
    ap.add_argument("--named", type=int, default=6, help="the next recordings per sign, named by `recognize`")
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--new-words", action="store_true",
                    help="teach the signs as new words (for a model that does not know them)")
    ap.add_argument("--pack", action="store_true",
                    help="each signer is taught by the other's pack (`signs export`, `signs import`), then adds "
                         "one recording of their own to each sign")
    ap.add_argument("--left-handed", action="store_true",
                    help="the learner's recordings mirrored, as a left-handed signer makes the signs (with --pack: "
                         "the teacher's stay as recorded)")
    ap.add_argument("--mirror-import", action="store_true",
                    help="(with --pack) the learner imports the pack with `signs import --mirror` (the other hand)")
    ap.add_argument("--look", choices=tuple(LOOKS), default="depth",
                    help="the camera: " + "; ".join(f"{k}: {v}" for k, v in LOOKS.items()))
    ap.add_argument("--named-look", choices=tuple(LOOKS), default=None,
                    help="another camera for the recordings named (and, with --pack, the learner's own one): "
                         "taught with one camera, used with another (default: --look)")
    ap.add_argument("--keep", type=Path, default=None, help="keep the videos here (default: a temporary folder)")
    args = ap.parse_args(argv)
    native_log.install()
    sample = paths.sample_dir()
    if sample is None:
        print("no KArSL sample folder (ARSL_SAMPLE_DIR or ../shared/karsl-sample): nothing to run")
        return 1
    signers = args.signers.split(",")
    if args.pack and len(signers) != 2:
        ap.error("--pack needs two signers (each teaches the other)")
    work = Path(args.keep or tempfile.mkdtemp(prefix="taught-flow-"))
    work.mkdir(parents=True, exist_ok=True)
    args.named_look = args.named_look or args.look
    shown = LOOKS[args.look] + (f", named: {LOOKS[args.named_look]}" if args.named_look != args.look else "")
    print(f"videos {shown} in {work}; signs {args.signs[0]}-{args.signs[-1]}, "
          f"{args.taught} taught and up to {args.named} named per sign", flush=True)
    if args.new_words:
        from arsl_desktop.core.classifier import SignClassifier

        known = set(SignClassifier(args.model or paths.default_model_path()).class_ids) & set(args.signs)
        if known:
            print(f"note: the model knows {sorted(known)}: as new words they test stand-ins, not new words")
    flow = Flow(args, sample, work)
    rows = []
    for signer in signers:
        rows += flow.pack(signer, next(t for t in signers if t != signer)) if args.pack else flow.own(signer)
    flow.landmarker.close()
    print("\n| signer, taught from | named | app top-1 | DTW 1-NN (taught only) |\n|---|---|---|---|")
    for what, n, a, f in rows:
        print(f"| {what} | {n} | {100 * a:.1f}% | {100 * f:.1f}% |")
    if args.model is None:
        print("(the shipped model learnt these recordings: its part of the app's figure is not held out)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
