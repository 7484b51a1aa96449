"""Step 2-4: train the classifier on cached keypoints.

    python -m training.train --cache cache/keypoints --out runs/main \
        --train-signers 01,02 --train-splits train --signs 1-82 --val-splits test \
        [--borrow 78-82:4] [--epochs 40] [--resume]

AdamW, warm-up then cosine, label smoothing, mixed precision on CUDA only. Saves
`best.pt` (highest validation accuracy; the last epoch when there is no validation set)
and `last.pt` every epoch (optimizer, scheduler, epoch, RNG) so `--resume` continues a
killed run. Multi-GPU/multi-process: `torchrun --nproc_per_node N -m training.train ...`
(DistributedDataParallel, set up from torchrun's environment variables).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn import functional as nnf
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from arsl_desktop import paths
from arsl_desktop.core import features as F
from training.augment import AugmentConfig
from training.calibration import report as calibration_report
from training.dataset import EvalSet, TrainSet, train_features
from training.model import ModelConfig, build_model, model_payload, predict
from training.selection import first_per_sign, select_data  # noqa: F401 - callers import them from here

log = logging.getLogger("training.train")


@dataclass
class TrainConfig:
    cache: str = str(paths.install_root() / "cache" / "keypoints")
    out: str = str(paths.install_root() / "runs" / "main")
    signs: str = "1-82"
    train_signers: str = ""  # comma list; empty = all
    train_splits: str = "train"
    val_signers: str = ""
    val_splits: str = "test"  # empty = no validation
    select: str = "last"  # "last": the last epoch; "best": the epoch with the best validation accuracy
    borrow: str = ""  # "78-82:4": first 4 validation clips per sign and signer move to training
    # "71-77:1": of these signs' TRAINING clips keep 1 per sign and signer (the first by name);
    # the others become the validation set (replacing val_splits): one-shot learning, checked on
    # other recordings, without touching a test split. Groups with their own count: "72,73:2;71,74:1".
    holdout: str = ""
    # Webcam-like renderings: a keypoint cache of the same recordings as a laptop webcam sees them
    # (`training.extract --webcam`); each training recording's rendering is learnt beside it, so the
    # model meets the hands a small, dim, compressed picture loses. A relative path is taken beside
    # `cache` ("webcam": cache/webcam). Empty: off.
    renderings: str = ""
    seq_len: int = 32
    epochs: int = 15
    # augmented samples per epoch (class-balanced); 0: one per training recording. The recipe's 1920
    # is 23 per sign for 82 signs; with many more signs set it (`epoch_items` warns below 10 per sign).
    epoch_size: int = 1920
    batch_size: int = 64
    lr: float = 2e-3
    weight_decay: float = 0.05
    warmup_epochs: float = 2.0
    label_smoothing: float = 0.1
    # Metric learning (all off in the recipe). views=2: each item is two augmented views of the
    # same recording, both classified; view_mirror: the second view is the first one's recording
    # signed with the other hand (mirrored), not an independent draw; supcon: weight of a
    # supervised contrastive loss on the normalised embeddings (positives: same sign, the other
    # view first of all); margin: CosFace additive margin on the target's cosine (cosine head).
    views: int = 1
    view_mirror: bool = False
    supcon: float = 0.0
    supcon_temp: float = 0.1
    margin: float = 0.0
    # members > 1: that many models, trained alike with seeds seed, seed+1, ..., saved as one
    # ensemble checkpoint (training.ensemble); the app runs it as one ONNX model.
    members: int = 1
    seed: int = 0
    workers: int = 0
    threads: int = 0  # torch CPU threads (0: torch default)
    model: dict = field(default_factory=lambda: asdict(ModelConfig()))
    augment: dict = field(default_factory=lambda: asdict(AugmentConfig()))
    features: dict = field(default_factory=lambda: dict(F.APP_OPTIONS))  # frame_features switches (ablations)


class MultiView(Dataset):
    """Several augmented views of each `TrainSet` item's recording: (views, seq_len, D), label.

    View 0 is exactly the TrainSet's item; view v > 0 draws from (seed, epoch, index, v). With
    `mirror`, view 0 is mirrored with probability 1/2 and view 1 is its opposite hand.
    """

    def __init__(self, base: TrainSet, views: int = 2, mirror: bool = False) -> None:
        if views < 2:
            raise ValueError("MultiView needs views >= 2")
        self.base, self.views, self.mirror = base, views, mirror

    def set_epoch(self, epoch: int) -> None:
        self.base.set_epoch(epoch)

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        b = self.base
        rng, label, j = b.draw(i)
        clip, span = b.clips[j], b.spans[j]
        if not self.mirror:
            xs = [train_features(clip, b.seq_len, rng, b.cfg, span, b.options)]
            xs += [train_features(clip, b.seq_len, np.random.default_rng([b.seed, b.epoch, i, v]), b.cfg, span,
                                  b.options) for v in range(1, self.views)]
        else:
            cfg = replace(b.cfg, mirror_p=0.0)
            xyz, present, times = span
            flipped = (*F.mirror_keypoints(xyz, present), times)
            first = bool(rng.random() < 0.5)
            xs = []
            for v in range(self.views):
                r = rng if v == 0 else np.random.default_rng([b.seed, b.epoch, i, v])
                xs.append(train_features(clip, b.seq_len, r, cfg, flipped if first ^ (v % 2 == 1) else span,
                                         b.options))
        return torch.from_numpy(np.stack(xs)), label


def supcon_loss(emb: torch.Tensor, y: torch.Tensor, temp: float) -> torch.Tensor:
    """Supervised contrastive loss (Khosla et al. 2020) on L2-normalised embeddings."""
    z = nnf.normalize(emb.float(), dim=1)
    sim = z @ z.T / temp
    eye = torch.eye(len(y), dtype=torch.bool, device=y.device)
    sim = sim.masked_fill(eye, -1e4)
    pos = (y[:, None] == y[None, :]) & ~eye
    log_prob = sim - torch.logsumexp(sim, dim=1, keepdim=True)
    has = pos.any(1)
    if not has.any():
        return sim.new_zeros(())
    return -(log_prob.masked_fill(~pos, 0.0).sum(1)[has] / pos.sum(1)[has]).mean()


MIN_ITEMS_PER_SIGN = 10


def epoch_items(epoch_size: int, n_clips: int, n_classes: int) -> int:
    """Items per epoch: `epoch_size`, or one per training recording when it is 0. Warns when an
    epoch shows each sign fewer than `MIN_ITEMS_PER_SIGN` times (e.g. the recipe's 1920 with all
    502 KArSL signs: 3.8 per sign, and each recording seen once in 30 epochs, if ever)."""
    if epoch_size < 0:
        raise ValueError(f"epoch_size must be >= 0 (0: one item per training recording), not {epoch_size}")
    items = epoch_size or n_clips
    if items < MIN_ITEMS_PER_SIGN * n_classes:
        log.warning("epoch_size %d shows each of the %d signs %.1f times per epoch; set --epoch-size %d "
                    "(the recipe's 23 per sign) or 0 (one item per training recording: %d)", items, n_classes,
                    items / max(1, n_classes), round(1920 / 82 * n_classes), n_clips)
    return items


def lr_lambda(step: int, warmup: int, total: int) -> float:
    """Linear warm-up, then cosine to 2% of the peak."""
    if step < warmup:
        return (step + 1) / warmup
    p = min(1.0, (step - warmup) / max(1, total - warmup))
    return 0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * p))


def _dist_setup() -> tuple[int, int, torch.device]:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not dist.is_initialized():
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend)
    rank = dist.get_rank() if dist.is_initialized() else 0
    if torch.cuda.is_available():
        local = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local)
        return rank, world, torch.device("cuda", local)
    return rank, world, torch.device("cpu")


def _rng_state() -> dict:
    return {"torch": torch.get_rng_state(), "python": list(random.getstate()[1]),
            "python_version": random.getstate()[0]}


def _set_rng_state(s: dict) -> None:
    torch.set_rng_state(s["torch"])
    random.setstate((s["python_version"], tuple(s["python"]), None))


def train(cfg: TrainConfig, resume: bool = False, quiet: bool = False, stop_after: int | None = None) -> dict:
    """Run training; returns a summary (best accuracy, epochs, time, sizes).

    `stop_after` ends this call after that epoch as if killed (to test and use resuming).
    `cfg.members` > 1 trains that many models and saves them as one (`training.ensemble`).
    """
    if cfg.members > 1:
        from training.ensemble import train_ensemble

        return train_ensemble(cfg, train, quiet=quiet)  # each member resumes on its own
    rank, world, device = _dist_setup()
    main_rank = rank == 0
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed + rank)
    out = Path(cfg.out)
    if main_rank:
        out.mkdir(parents=True, exist_ok=True)
        (out / "config.json").write_text(json.dumps(asdict(cfg), indent=2))
    train_clips, val_clips, class_ids = select_data(cfg)
    mcfg = ModelConfig.from_dict({**cfg.model, "n_classes": len(class_ids)})
    acfg = AugmentConfig(**cfg.augment)
    if cfg.margin and mcfg.head != "cosine":
        raise ValueError("margin needs the cosine head (model head='cosine')")
    epoch_size = epoch_items(cfg.epoch_size, len(train_clips), len(class_ids))
    train_set = TrainSet(train_clips, class_ids, cfg.seq_len, acfg, epoch_size, cfg.seed, cfg.features)
    if cfg.views > 1:
        train_set = MultiView(train_set, cfg.views, cfg.view_mirror)
    val_set = EvalSet(val_clips, class_ids, cfg.seq_len, cfg.features)
    # Also for one process: its order depends only on (seed, epoch), so a resumed run matches.
    sampler = DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=True, seed=cfg.seed)
    loader = DataLoader(train_set, batch_size=cfg.batch_size, sampler=sampler, num_workers=cfg.workers,
                        drop_last=len(train_set) >= cfg.batch_size * world)
    model = build_model(mcfg).to(device)
    core = model
    if world > 1:
        model = nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    opt = torch.optim.AdamW(core.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps_per_epoch = max(1, len(loader))
    total = cfg.epochs * steps_per_epoch
    warmup = max(1, int(cfg.warmup_epochs * steps_per_epoch))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: lr_lambda(s, warmup, total))
    use_amp = device.type == "cuda"
    scaler = torch.amp.GradScaler("cuda", enabled=use_amp)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=cfg.label_smoothing)
    start_epoch, best_acc, best_epoch, history = 0, -1.0, -1, []
    last_path, best_path = out / "last.pt", out / "best.pt"
    if resume and last_path.is_file():
        state = torch.load(last_path, map_location=device, weights_only=True)
        core.load_state_dict(state["state_dict"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        scaler.load_state_dict(state["scaler"])
        _set_rng_state(state["rng"])
        start_epoch, best_acc, best_epoch = state["epoch"] + 1, state["best_acc"], state["best_epoch"]
        history = state["history"]
        if main_rank:
            log.info("resumed from %s at epoch %d", last_path, start_epoch + 1)
    if main_rank and not quiet:
        log.info("%d training clips, %d validation clips, %d classes, %d parameters, %d process(es) on %s",
                 len(train_clips), len(val_set), len(class_ids), sum(p.numel() for p in core.parameters()),
                 world, device)
    t_start = time.time()
    train_names = sorted({c.sample for c in train_clips})
    end_epoch = cfg.epochs if stop_after is None else min(cfg.epochs, stop_after)
    for epoch in range(start_epoch, end_epoch):
        t0 = time.time()
        train_set.set_epoch(epoch)
        sampler.set_epoch(epoch)
        model.train()
        tot_loss, tot_ok, n = 0.0, 0, 0
        for x, y in loader:
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            if x.dim() == 4:  # (B, views, T, D): every view is a sample of its clip's sign
                y = y.repeat_interleave(x.shape[1])
                x = x.flatten(0, 1)
            with torch.autocast(device_type=device.type, dtype=torch.float16, enabled=use_amp):
                if cfg.supcon:
                    logits, emb = model(x, with_embedding=True)
                else:
                    logits = model(x)
                logits = logits.float()
                if cfg.margin:
                    # CosFace: the target's cosine counts `margin` less while training
                    logits = logits - (cfg.margin * mcfg.cos_scale) * nnf.one_hot(y, logits.shape[1])
                loss = loss_fn(logits, y)
                if cfg.supcon:
                    loss = loss + cfg.supcon * supcon_loss(emb, y, cfg.supcon_temp)
            opt.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            nn.utils.clip_grad_norm_(core.parameters(), 1.0)
            scaler.step(opt)
            scaler.update()
            sched.step()
            tot_loss += float(loss.detach()) * len(y)
            tot_ok += int((logits.argmax(1) == y).sum())
            n += len(y)
        val_acc = float("nan")
        if len(val_set):
            logits = predict(core, val_set.x.to(device))
            val_acc = float((logits.argmax(1).cpu() == val_set.y).float().mean())
        # Without validation, or when asked, keep the last epoch (the test set must not pick it).
        score = val_acc if len(val_set) and cfg.select == "best" else epoch
        row = {"epoch": epoch + 1, "loss": tot_loss / max(n, 1), "train_acc": tot_ok / max(n, 1),
               "val_acc": val_acc, "lr": opt.param_groups[0]["lr"], "seconds": time.time() - t0}
        history.append(row)
        if main_rank:
            if score > best_acc:
                best_acc, best_epoch = score, epoch + 1
                torch.save(model_payload(core, class_ids, cfg.seq_len, epoch=epoch + 1, val_acc=val_acc,
                                         train_samples=train_names, train_config=asdict(cfg)), best_path)
            torch.save({**model_payload(core, class_ids, cfg.seq_len, epoch=epoch + 1, val_acc=val_acc,
                                        train_samples=train_names, train_config=asdict(cfg)),
                        "optimizer": opt.state_dict(),
                        "scheduler": sched.state_dict(), "scaler": scaler.state_dict(), "rng": _rng_state(),
                        "epoch": epoch, "best_acc": best_acc, "best_epoch": best_epoch, "history": history},
                       out / "last.tmp")
            os.replace(out / "last.tmp", last_path)
            if not quiet:
                log.info("epoch %3d/%d  loss %.3f  train %.3f  val %.3f  lr %.2e  %.1fs%s", epoch + 1, cfg.epochs,
                         row["loss"], row["train_acc"], val_acc, row["lr"], row["seconds"],
                         "  *best" if best_epoch == epoch + 1 else "")
    calibration = {}
    if main_rank and len(val_set) and best_path.is_file():
        # Temperature on the validation clips, for the model that was kept (best or last).
        kept = torch.load(best_path, map_location=device, weights_only=True)
        core.load_state_dict(kept["state_dict"])
        calibration = calibration_report(predict(core, val_set.x.to(device)).cpu().numpy(), val_set.y.numpy())
        kept["calibration"] = calibration
        torch.save(kept, out / "best.tmp")
        os.replace(out / "best.tmp", best_path)
    summary = {"train_clips": len(train_clips), "val_clips": len(val_set), "classes": len(class_ids),
               "epochs": end_epoch, "best_epoch": best_epoch,
               "best_val_acc": max((h["val_acc"] for h in history), default=None) if len(val_set) else None,
               "final_val_acc": history[-1]["val_acc"] if len(val_set) and history else None,
               "selected": cfg.select if len(val_set) else "last", "seconds": round(time.time() - t_start, 1),
               "processes": world, "device": str(device), "calibration": calibration,
               "val_curve": [round(h["val_acc"], 4) for h in history] if len(val_set) else []}
    if main_rank:
        (out / "summary.json").write_text(json.dumps(summary, indent=2))
    if dist.is_initialized():
        dist.barrier()
    return summary


def parse_args(argv: list[str] | None = None) -> tuple[TrainConfig, bool]:
    d = TrainConfig()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, val in asdict(d).items():
        if isinstance(val, dict):
            continue
        kind = (lambda t: t.strip().lower() in ("1", "true", "yes", "on")) if isinstance(val, bool) else type(val)
        ap.add_argument("--" + name.replace("_", "-"), type=kind, default=val)
    ap.add_argument("--model", default="{}", help="JSON overrides of the model config, e.g. '{\"hidden\": 96}'")
    ap.add_argument("--augment", default="{}", help="JSON overrides of the augmentation config")
    ap.add_argument("--features", default="{}", help='JSON feature switches, e.g. \'{"canonical": false}\' (ablations only)')
    ap.add_argument("--resume", action="store_true", help="continue from <out>/last.pt")
    a = vars(ap.parse_args(argv))
    resume = a.pop("resume")
    model = {**d.model, **json.loads(a.pop("model"))}
    aug = {**d.augment, **json.loads(a.pop("augment"))}
    feats = {**d.features, **json.loads(a.pop("features"))}
    return TrainConfig(**a, model=model, augment=aug, features=feats), resume


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    cfg, resume = parse_args(argv)
    try:
        summary = train(cfg, resume=resume)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
    if int(os.environ.get("RANK", "0")) == 0:
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
