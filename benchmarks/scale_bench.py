"""Full KArSL at its real size: does the training pipeline scale to 502 signs and ~75,000 recordings?

    nice .venv/bin/python benchmarks/scale_bench.py [--n 9036] [--frames 40-90] [--out /tmp/arsl_scale]
        [--epoch-size 1280] [--threads 2] [--extract-samples 12] [--keep] [--only write,load,...]

Writes a synthetic keypoint cache of KArSL's layout (`<signer>/<split>/<sign>/<sample>.npz`, written
by `training.cache.save_clip`, the format `training.extract` writes) into `--out` (a temporary folder,
deleted at the end unless `--keep`): N recordings of 502 signs by 3 signers, 1 in 5 in the test split.
Each recording is a real cached KArSL clip (`--templates`, default cache/keypoints) stretched in time
to a drawn frame count, with landmark noise, so trimming, augmentation and compression behave as on
real keypoints. Then, each step in a fresh process (its own peak RSS):

  load     `training.cache.load_cache` of one signer and of all three: time and peak RSS, the slope
           between the two = memory per recording;
  select   `training.selection.select_data` with signs 1-502 (train split; test split as validation),
           `TrainSet` and `EvalSet` construction, one validation pass of a 502-class model;
  train    `training.train.train` with signs 1-502, the recipe's model, `--epoch-size` items,
           `stop_after=1` (no validation: it is timed in `select`), once as TrainConfig's defaults
           (one view) and once as the shipped recipe's member (two mirrored views + supcon); and
           the augmentation alone per item (what bounds an epoch on a GPU);
  extract  `training.extract.extract_one` (MediaPipe, one worker) on `--extract-samples` real KArSL
           sample folders, per frame (skipped without the sample folder or with 0);
  cli      (only when named in `--only`) the command itself, `python -m training.train --signs 1-502
           --epochs 1 --epoch-size E` on the cache, validation on its test split: exit status, time, peak
           RSS. `--n 75000 --only write --keep`, then `--only load,cli --keep` runs it at full size.

Prints every figure per recording / per frame / per item, and extrapolated to `--target`
recordings (75,000) with `--target-frames` frames each. No GPU is used; the GPU line is an
estimate from the model's FLOPs and the measured CPU augmentation cost, and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

SIGNERS = ("01", "02", "03")
N_SIGNS = 502


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# ---------------------------------------------------------------------------------------------- write


def stretch(clip, frames: int, rng: np.random.Generator):
    """A real clip resampled to `frames` frames at 30 fps (linear between frames where the part
    is seen in both, else the nearer frame), plus landmark noise and a small whole-body shift."""
    from arsl_desktop.core import features as F
    from training.cache import Clip

    t0 = len(clip)
    pos = np.linspace(0, t0 - 1, frames)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, t0 - 1)
    w = (pos - lo).astype(np.float32)[:, None, None]
    xyz = clip.xyz[lo] * (1 - w) + clip.xyz[hi] * w
    near = np.where(w[:, 0, 0] < 0.5, lo, hi)
    present = clip.present[near]
    both = clip.present[lo] & clip.present[hi]
    mask = np.zeros(xyz.shape[:2], bool)
    for part, sl in ((F.POSE, F.POSE_SL), (F.FACE, F.FACE_SL), (F.LEFT, F.LEFT_SL), (F.RIGHT, F.RIGHT_SL)):
        only_one = ~both[:, part] & present[:, part]
        xyz[only_one, sl] = clip.xyz[near[only_one]][:, sl]
        mask[:, sl] = present[:, part, None]
    noise = rng.normal(0, 0.002, xyz.shape).astype(np.float32)
    noise[..., :2] += rng.uniform(-0.02, 0.02, 2).astype(np.float32)
    xyz = np.where(mask[..., None], xyz + noise, 0.0).astype(np.float32)
    return Clip(xyz, present, np.arange(frames) / 30.0, clip.aspect, "", "", 0, "", "")


def write_cache(out: Path, n: int, frames: tuple[int, int], templates: Path, seed: int = 0) -> dict:
    from training.cache import Clip, cache_path, load_cache, save_clip

    real = load_cache(templates)
    if not real:
        raise SystemExit(f"no template clips in {templates} (run `python -m training.extract` first)")
    rng = np.random.default_rng(seed)
    t_gen = t_save = 0.0
    n_frames = 0
    for i in range(n):
        signer = SIGNERS[i % 3]
        sign = (i // 3) % N_SIGNS + 1
        rep = i // (3 * N_SIGNS)
        split = "test" if rep % 5 == 4 else "train"
        t = time.perf_counter()
        c = stretch(real[i % len(real)], int(rng.integers(frames[0], frames[1] + 1)), rng)
        sample = f"{1 + (sign - 1) // 100:02d}_{signer}_{sign:04d}_(synth_{rep:03d})"
        clip = Clip(c.xyz, c.present, c.times, c.aspect, signer, split, sign, sample, f"synthetic/{sample}")
        t1 = time.perf_counter()
        save_clip(cache_path(out, f"{signer}/{split}/{sign:04d}/{sample}"), clip)
        t2 = time.perf_counter()
        t_gen += t1 - t
        t_save += t2 - t1
        n_frames += len(clip)
    files = [p for p in out.rglob("*.npz")]
    size = sum(p.stat().st_size for p in files)
    return {"n": len(files), "frames": n_frames, "generate_s": t_gen, "save_s": t_save, "bytes": size}


# ------------------------------------------------------------------------------------- child steps


def step_load(a) -> dict:
    from training.cache import load_cache

    base = rss_mb()
    t = time.perf_counter()
    clips = load_cache(Path(a.out), signers=set(a.signers.split(",")) if a.signers else None)
    s = time.perf_counter() - t
    arrays = sum(c.xyz.nbytes + c.present.nbytes + c.times.nbytes for c in clips)
    return {"clips": len(clips), "frames": int(sum(len(c) for c in clips)), "seconds": s,
            "base_rss_mb": base, "rss_mb": rss_mb(), "peak_mb": peak_mb(), "array_mb": arrays / 2**20}


def step_select(a) -> dict:
    import torch

    from training.augment import AugmentConfig
    from training.dataset import EvalSet, TrainSet
    from training.model import ModelConfig, build_model, predict
    from training.selection import select_data
    from training.train import TrainConfig

    if a.threads:
        torch.set_num_threads(a.threads)
    cfg = TrainConfig(cache=a.out, signs=f"1-{N_SIGNS}")
    base = rss_mb()
    t = time.perf_counter()
    train, val, class_ids = select_data(cfg)
    t_sel = time.perf_counter() - t
    rss_sel = rss_mb()
    t = time.perf_counter()
    ts = TrainSet(train, class_ids, cfg.seq_len, AugmentConfig(**cfg.augment), cfg.epoch_size, cfg.seed, cfg.features)
    t_train_set = time.perf_counter() - t
    t = time.perf_counter()
    vs = EvalSet(val, class_ids, cfg.seq_len, cfg.features)
    t_eval_set = time.perf_counter() - t
    model = build_model(ModelConfig.from_dict({**cfg.model, "n_classes": len(class_ids)}))
    with torch.no_grad():
        t = time.perf_counter()
        predict(model, vs.x)
        t_val = time.perf_counter() - t
    return {"train_clips": len(train), "val_clips": len(vs), "classes": len(class_ids), "select_s": t_sel,
            "train_set_s": t_train_set, "eval_set_s": t_eval_set, "val_pass_s": t_val, "base_rss_mb": base,
            "rss_after_select_mb": rss_sel, "eval_x_mb": vs.x.numel() * 4 / 2**20, "peak_mb": peak_mb(),
            "len_train_set": len(ts)}


def step_train(a) -> dict:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from training.augment import AugmentConfig
    from training.cache import load_cache
    from training.dataset import TrainSet
    from training.model import ModelConfig, build_model
    from training.train import MultiView, TrainConfig, train

    views = a.views
    cfg = TrainConfig(cache=a.out, out=str(Path(a.out).parent / f"{Path(a.out).name}-run-v{views}"),
                      signs=f"1-{N_SIGNS}", val_splits="", epoch_size=a.epoch_size, threads=a.threads,
                      views=views, view_mirror=views > 1, supcon=1.0 if views > 1 else 0.0)
    base = rss_mb()
    t = time.perf_counter()
    summary = train(cfg, quiet=True, stop_after=1)
    total = time.perf_counter() - t
    epoch_s = summary["seconds"]
    peak = peak_mb()
    # The augmentation alone (what a data-loader worker does per item; one signer's clips suffice),
    # and the model's FLOPs.
    train_clips = load_cache(Path(a.out), {SIGNERS[0]}, {"train"})
    class_ids = sorted({c.sign for c in train_clips})
    ts = TrainSet(train_clips, class_ids, cfg.seq_len, AugmentConfig(**cfg.augment), cfg.epoch_size, cfg.seed,
                  cfg.features)
    ds = MultiView(ts, views, True) if views > 1 else ts
    ds.set_epoch(1)
    k = min(300, len(ds))
    t = time.perf_counter()
    for i in range(k):
        ds[i]
    item_s = (time.perf_counter() - t) / k
    model = build_model(ModelConfig.from_dict({**cfg.model, "n_classes": summary["classes"]})).eval()
    mc = model.cfg
    x = torch.zeros(1, cfg.seq_len, mc.feature_dim)
    with FlopCounterMode(display=False) as fc, torch.no_grad():
        model(x)
    # FlopCounterMode does not count nn.LSTM: 4 gates x 2 flops x hidden x (input + hidden) per step,
    # per direction, per layer (the input of each block is 2 * hidden wide).
    lstm = mc.n_layers * 2 * cfg.seq_len * 8 * mc.hidden * (2 * mc.hidden + mc.hidden)
    return {"views": views, "epoch_size": cfg.epoch_size, "batch_size": cfg.batch_size,
            "steps": summary["epochs"] and max(1, cfg.epoch_size // cfg.batch_size), "epoch_s": epoch_s,
            "call_s": total, "setup_s": total - epoch_s, "base_rss_mb": base, "peak_mb": peak, "item_s": item_s,
            "forward_flops": int(fc.get_total_flops() + lstm), "params": sum(p.numel() for p in model.parameters()),
            "train_clips": summary["train_clips"], "classes": summary["classes"]}


def step_extract(a) -> dict:
    from arsl_desktop import paths
    from training import extract
    from training.discover import discover

    data = paths.sample_dir()
    if data is None:
        return {"skipped": "no KArSL sample folder (ARSL_SAMPLE_DIR)"}
    refs = [r for r in discover(data) if r.kind == "frames"]
    refs = refs[:: max(1, len(refs) // a.extract_samples)][: a.extract_samples]
    out = Path(a.out).parent / f"{Path(a.out).name}-extract"
    extract._init_worker(1, quiet=True)
    frames = 0
    t = time.perf_counter()
    cpu = time.process_time()
    for r in refs:
        _, err, n = extract.extract_one(r, out)
        frames += n
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    shutil.rmtree(out, ignore_errors=True)
    return {"samples": len(refs), "frames": frames, "seconds": wall, "cpu_s": cpu, "peak_mb": peak_mb()}


def step_cli(a) -> dict:
    from training import train as T

    run = Path(a.out).parent / f"{Path(a.out).name}-run-cli"
    argv = ["--cache", a.out, "--out", str(run), "--signs", f"1-{N_SIGNS}", "--epochs", "1",
            "--epoch-size", str(a.epoch_size), "--threads", str(a.threads)]
    t = time.perf_counter()
    rc = T.main(argv)
    s = time.perf_counter() - t
    summary = json.loads((run / "summary.json").read_text())
    shutil.rmtree(run, ignore_errors=True)
    return {"argv": " ".join(argv), "rc": rc, "seconds": s, "peak_mb": peak_mb(), "train_clips": summary["train_clips"],
            "val_clips": summary["val_clips"], "classes": summary["classes"], "loop_s": summary["seconds"]}


STEPS = {"cli": step_cli, "load": step_load, "select": step_select, "train": step_train, "extract": step_extract}


def child(step: str, a, **extra) -> dict:
    cmd = [sys.executable, __file__, "--step", step, "--out", str(a.out), "--threads", str(a.threads),
           "--epoch-size", str(a.epoch_size), "--extract-samples", str(a.extract_samples)]
    for k, v in extra.items():
        cmd += ["--" + k.replace("_", "-"), str(v)]
    env = {**os.environ, "OMP_NUM_THREADS": str(a.threads)}
    res = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    if res.returncode:
        raise SystemExit(f"step {step} failed")
    return json.loads(res.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------------- report


def gb(mb: float) -> str:
    return f"{mb / 1024:.1f} GB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=9036, help="recordings to write (9036 = 6 per sign and signer)")
    ap.add_argument("--frames", default="40-90", help="frames per recording, drawn uniformly")
    ap.add_argument("--target", type=int, default=75000, help="recordings to extrapolate to")
    ap.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "arsl_scale_bench" / "keypoints"))
    ap.add_argument("--templates", default=str(ROOT / "cache" / "keypoints"))
    ap.add_argument("--epoch-size", type=int, default=1280)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--extract-samples", type=int, default=12)
    ap.add_argument("--gpu-tflops", type=float, default=5.0,
                    help="assumed sustained training throughput of one GPU on this small LSTM (TFLOP/s)")
    ap.add_argument("--gpu-workers", type=int, default=8, help="assumed data-loader workers beside one GPU")
    ap.add_argument("--keep", action="store_true", help="keep the synthetic cache")
    ap.add_argument("--only", default="write,load,select,train,extract",
                    help="steps to run, of write,load,select,train,extract,cli (cli: `python -m training.train "
                         "--signs 1-502 --epochs 1` on the cache, validation on its test split included)")
    ap.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    ap.add_argument("--signers", default="", help=argparse.SUPPRESS)
    ap.add_argument("--views", type=int, default=1, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.step:
        import logging

        if a.step != "cli":
            logging.disable(logging.WARNING)
        print(json.dumps(STEPS[a.step](a)))
        return 0
    out = Path(a.out).resolve()
    if ROOT in out.parents or out == ROOT:
        ap.error(f"--out {out} is inside the repository: give a temporary folder")
    a.out = str(out)
    lo, hi = (int(v) for v in a.frames.split("-"))
    target, tf = a.target, a.target * (lo + hi) / 2
    print(f"# scale_bench: N={a.n} recordings, {N_SIGNS} signs, 3 signers, {lo}-{hi} frames; "
          f"extrapolated to {target} recordings x {(lo + hi) / 2:.0f} frames = {tf / 1e6:.2f} M frames; "
          f"{os.cpu_count()} CPU cores, {a.threads} torch threads, no GPU")
    only = set(a.only.split(","))
    if "write" in only:
        if out.exists():
            shutil.rmtree(out)
        w = write_cache(out, a.n, (lo, hi), Path(a.templates))
        per = w["save_s"] / w["n"]
        print(f"write    {w['n']} recordings, {w['frames']} frames ({w['frames'] / w['n']:.1f} per recording): "
              f"save_clip {w['save_s']:.1f} s ({per * 1000:.2f} ms per recording; synthesis {w['generate_s']:.1f} s "
              f"not counted), {w['bytes'] / 2**20:.0f} MiB on disk ({w['bytes'] / w['n'] / 1024:.1f} KiB per "
              f"recording, {w['bytes'] / w['frames']:.0f} B per frame)")
        print(f"  -> {target}: save {per * target / 60:.1f} min (inside extraction), disk "
              f"{w['bytes'] / w['frames'] * tf / 2**30:.1f} GiB")
    files = list(out.rglob("*.npz"))
    n_all = len(files)
    n_test = sum(1 for f in files if f.parent.parent.name == "test")
    ft, fv = target * (n_all - n_test) / n_all, target * n_test / n_all
    if "load" in only:
        one = child("load", a, signers="01")
        full = child("load", a)
        slope = (full["peak_mb"] - one["peak_mb"]) / max(1, full["clips"] - one["clips"])
        per_frame = full["array_mb"] * 2**20 / full["frames"]
        print(f"load     load_cache: 1 signer {one['clips']} clips {one['seconds']:.1f} s peak {one['peak_mb']:.0f} MB; "
              f"all {full['clips']} clips {full['seconds']:.1f} s ({full['seconds'] / full['clips'] * 1000:.2f} ms per "
              f"recording) peak {full['peak_mb']:.0f} MB (before loading {full['base_rss_mb']:.0f} MB); arrays "
              f"{full['array_mb']:.0f} MB ({per_frame:.0f} B per frame); {slope * 1024:.1f} KB peak RSS per recording")
        print(f"  -> {target}: load {full['seconds'] / full['clips'] * target / 60:.1f} min, peak "
              f"{gb(full['base_rss_mb'] + slope * target)} (arrays {gb(per_frame * tf / 2**20)})")
    if "select" in only:
        sel = child("select", a)
        ntr, nva = sel["train_clips"], sel["val_clips"]
        print(f"select   select_data {ntr} train + {nva} validation clips, {sel['classes']} classes: "
              f"{sel['select_s']:.1f} s; TrainSet {sel['train_set_s']:.1f} s ({sel['train_set_s'] / ntr * 1000:.2f} ms "
              f"per clip); EvalSet {sel['eval_set_s']:.1f} s ({sel['eval_set_s'] / max(1, nva) * 1000:.2f} ms per clip, "
              f"features {sel['eval_x_mb']:.0f} MB); one validation pass {sel['val_pass_s']:.1f} s "
              f"({sel['val_pass_s'] / max(1, nva) * 1000:.2f} ms per clip); peak {sel['peak_mb']:.0f} MB")
        print(f"  -> {target} ({ft:.0f} train, {fv:.0f} validation): select {sel['select_s'] / n_all * target / 60:.1f} "
              f"min, TrainSet {sel['train_set_s'] / ntr * ft / 60:.1f} min, EvalSet "
              f"{sel['eval_set_s'] / max(1, nva) * fv / 60:.1f} min, validation pass "
              f"{sel['val_pass_s'] / max(1, nva) * fv:.0f} s per epoch on {a.threads} CPU threads, peak "
              f"{gb(sel['base_rss_mb'] + (sel['peak_mb'] - sel['base_rss_mb']) / n_all * target)}")
    for views in (1, 2) if "train" in only else ():
        tr = child("train", a, views=views)
        step = tr["epoch_s"] / tr["steps"]
        item = tr["epoch_s"] / tr["epoch_size"]
        name = "TrainConfig defaults (1 view)" if views == 1 else "shipped recipe member (2 mirrored views + supcon)"
        print(f"train    {name}: {tr['classes']} classes, {tr['params']} parameters, epoch of {tr['epoch_size']} items "
              f"({tr['steps']} steps of {tr['batch_size']}) {tr['epoch_s']:.1f} s = {step:.2f} s per step, "
              f"{item * 1000:.1f} ms per item; augmentation alone {tr['item_s'] * 1000:.1f} ms per item; "
              f"setup (select_data, TrainSet, model) {tr['setup_s']:.1f} s; peak {tr['peak_mb']:.0f} MB")
        print(f"  -> {target}: peak {gb(tr['base_rss_mb'] + (tr['peak_mb'] - tr['base_rss_mb']) / n_all * target)}")
        for e in (1920, round(1920 / 82 * N_SIGNS), ft):
            print(f"  -> epoch_size {e:.0f} ({e / N_SIGNS:.1f} items per sign): {item * e / 60:.1f} min per epoch on "
                  f"{a.threads} CPU threads, {item * e * 15 / 3600:.1f} h for 15 epochs"
                  + (" per member (x3 for the ensemble)" if views > 1 else ""))
        flops = 3 * tr["forward_flops"] * views  # forward + backward ~ 3x forward
        gpu_compute = flops / (a.gpu_tflops * 1e12)
        gpu_data = tr["item_s"] / a.gpu_workers
        per = max(gpu_compute, gpu_data)
        print(f"  -> one GPU (ESTIMATE, no GPU used): {tr['forward_flops'] / 1e6:.0f} MFLOP forward per view, "
              f"{flops / 1e6:.0f} MFLOP per training item = {gpu_compute * 1e6:.0f} us per item at an assumed "
              f"{a.gpu_tflops:g} TFLOP/s; augmentation {tr['item_s'] * 1000:.1f} ms per item over {a.gpu_workers} "
              f"data-loader workers = {gpu_data * 1e6:.0f} us per item ({gpu_data * tr['batch_size'] * 1000:.0f} ms per "
              f"step of {tr['batch_size']}): {'data' if gpu_data >= gpu_compute else 'compute'}-bound unless the GPU "
              f"step is slower; epoch of {ft:.0f} items ~{per * ft / 60:.1f} min, 15 epochs ~{per * ft * 15 / 3600:.1f} h"
              + (" per member" if views > 1 else ""))
    if "extract" in only and a.extract_samples:
        ex = child("extract", a)
        if "skipped" in ex:
            print(f"extract  skipped: {ex['skipped']}")
        else:
            ms = ex["cpu_s"] / ex["frames"] * 1000
            wall = ex["seconds"] / ex["frames"] * 1000
            print(f"extract  training.extract.extract_one, 1 worker, {ex['samples']} real recordings, {ex['frames']} "
                  f"frames: {wall:.1f} ms wall, {ms:.1f} ms CPU per frame; peak {ex['peak_mb']:.0f} MB per worker")
            print(f"  -> {target} x {(lo + hi) / 2:.0f} frames: {ms * tf / 1000 / 3600:.0f} CPU-hours; "
                  f"{wall * tf / 1000 / 3600 / 2:.0f} h (wall, as measured) to {ms * tf / 1000 / 3600 / 2:.0f} h (CPU) with "
                  f"--workers 2, {ms * tf / 1000 / 3600 / 16:.1f} h with --workers 16 on 16 cores (MediaPipe runs on the "
                  f"CPU: a GPU does not speed up `training.extract`)")
    if "cli" in only:
        cli = child("cli", a)
        print(f"cli      python -m training.train {cli['argv']}: exit {cli['rc']}, {cli['train_clips']} train + "
              f"{cli['val_clips']} validation clips, {cli['classes']} classes, {cli['seconds']:.0f} s "
              f"(epoch with validation {cli['loop_s']:.0f} s), peak {cli['peak_mb']:.0f} MB")
    if not a.keep:
        shutil.rmtree(out, ignore_errors=True)
        for suffix in ("-run-v1", "-run-v2", "-run-cli"):
            shutil.rmtree(out.parent / f"{out.name}{suffix}", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
