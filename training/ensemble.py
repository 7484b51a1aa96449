"""Several models trained alike, saved and exported as one (`TrainConfig.members`).

    python -m training.train --out runs/final --members 3 ...     # members 0..2 with seeds seed..seed+2

Each member is an ordinary run in `<out>/member<i>/` with seed `seed + i` (its own best.pt,
last.pt, summary.json; an interrupted member resumes, a finished one with the same config is
kept, even if it ran elsewhere or on other threads). `<out>/best.pt` is then the ensemble
checkpoint, written once: the members' payloads plus what every checkpoint carries (class ids,
seq_len, training clips, config), and, when there is validation data, the temperature fitted on
the ENSEMBLE's logits. `model.load_checkpoint`
loads it as `model.Ensemble` (mean logits, concatenated unit embeddings), so evaluation,
transfer and export treat it like a single model.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, replace
from pathlib import Path

import torch

log = logging.getLogger("training.ensemble")
MEMBER_KEYS = ("arch", "model_config", "state_dict", "epoch")
RUN_ONLY = ("out", "cache", "threads", "workers")


def _member_state(path: Path, cfg) -> str:
    """'done', 'partial' (resume it) or 'new' for a member folder and the config it should have
    (where it ran and on how many threads do not count)."""
    def settings(d: dict) -> dict:
        return {k: v for k, v in d.items() if k not in RUN_ONLY}

    try:
        # a field added since that run has its default there
        saved = {**asdict(type(cfg)()), **json.loads((path / "config.json").read_text(encoding="utf-8"))}
        same = settings(json.loads(json.dumps(saved))) == settings(json.loads(json.dumps(asdict(cfg))))
    except (OSError, ValueError, AttributeError):
        return "new"
    if not same:
        return "new"
    try:  # finished: its summary says it ran every epoch (a run stopped early resumes)
        finished = json.loads((path / "summary.json").read_text(encoding="utf-8")).get("epochs") == cfg.epochs
    except (OSError, ValueError, AttributeError):
        finished = False
    return "done" if finished and (path / "best.pt").is_file() else "partial"


def combine(paths: list[Path], cfg) -> dict:
    """One ensemble checkpoint from the members' best.pt files (which must agree on the data)."""
    payloads = [torch.load(p, map_location="cpu", weights_only=True) for p in paths]
    first = payloads[0]
    for p, path in zip(payloads[1:], paths[1:], strict=True):
        if p["class_ids"] != first["class_ids"] or p["seq_len"] != first["seq_len"]:
            raise ValueError(f"{path}: other classes or sequence length than {paths[0]}")
    return {"arch": "ensemble", "members": [{k: p[k] for k in MEMBER_KEYS if k in p} for p in payloads],
            "model_config": first["model_config"], "class_ids": first["class_ids"], "seq_len": first["seq_len"],
            "epoch": first.get("epoch"), "train_samples": sorted({s for p in payloads for s in p.get("train_samples", [])}),
            "train_config": asdict(cfg)}


def train_ensemble(cfg, train_member, quiet: bool = False) -> dict:
    """Train (or keep, or resume) each member, then write the ensemble. A member resumes whenever
    its folder holds an unfinished run of the same settings (no `--resume` needed); a folder with
    other settings is trained afresh, never resumed from. `train_member(cfg, resume=, quiet=)`
    trains one model (`training.train.train`, which calls this; passed in, not imported)."""
    from training.calibration import report
    from training.dataset import EvalSet
    from training.model import from_payload, predict
    from training.selection import select_data

    out = Path(cfg.out)
    summaries = []
    for i in range(cfg.members):
        mcfg = replace(cfg, members=1, seed=cfg.seed + i, out=str(out / f"member{i}"))
        state = _member_state(out / f"member{i}", mcfg)
        if state == "done":
            log.info("member %d of %d: kept (%s)", i + 1, cfg.members, mcfg.out)
            summaries.append(json.loads((out / f"member{i}" / "summary.json").read_text(encoding="utf-8")))
        else:
            log.info("member %d of %d: training (seed %d)%s", i + 1, cfg.members, mcfg.seed,
                     ", resuming" if state == "partial" else "")
            summaries.append(train_member(mcfg, resume=state == "partial", quiet=quiet))
    if int(os.environ.get("RANK", "0")) != 0:
        return summaries[0]
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(asdict(cfg), indent=2))
    ckpt = combine([out / f"member{i}" / "best.pt" for i in range(cfg.members)], cfg)
    _, val_clips, class_ids = select_data(cfg)
    val_set = EvalSet(val_clips, class_ids, cfg.seq_len, cfg.features)
    calibration = {}
    if len(val_set):
        logits = predict(from_payload(ckpt), val_set.x)
        calibration = report(logits.numpy(), val_set.y.numpy())
        calibration["val_acc"] = round(float((logits.argmax(1) == val_set.y).float().mean()), 4)
        ckpt["calibration"] = calibration
    torch.save(ckpt, out / "best.tmp")
    os.replace(out / "best.tmp", out / "best.pt")
    summary = {"members": summaries, "train_clips": summaries[0].get("train_clips"), "val_clips": len(val_set),
               "classes": len(class_ids), "epochs": summaries[0].get("epochs"),
               "seconds": round(sum(s.get("seconds") or 0 for s in summaries), 1),
               "device": summaries[0].get("device"), "calibration": calibration}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary
