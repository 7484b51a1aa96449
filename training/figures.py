"""Every figure the model card and README report, from code, into one JSON file.

    python -m training.evaluate --figures --out runs/figures            # all cases, then figures.json
    python -m training.evaluate --figures --out runs/ablate --variant no_canonical

Cases (test splits are only reported, never used to choose anything):
  validation       one-shot on other recordings: train splits of signers 01 and 02, signs 1-77,
                   keeping ONE recording per sign and signer of 71-77; validated on the other
                   recordings of 71-77 (the training data's own held-back recordings)
  validation_other_hand  the same held-back recordings mirrored (a held-back augmentation): the
                   sign made with the other hand, as left-handers and hand-switching signers do;
                   nobody switches hands within 71-77, so the first case alone cannot see it.
                   The recipe is chosen on the mean of the two validation cases.
  one_shot_1_70    the measurement model (train splits of both signers + the first 4 test clips
                   per signer of signs 78-82, which have no training recordings): signer 01's
                   test clips of signs 1-70, each sign learnt from one recording
  test_71_82       the same model on the test split of signs 71-82 (clips it did not train on)
  loso_test_01/02  signs 71-76: train on one signer's train split, test on all the other's clips
  validation_webcam, loso_test_01/02_webcam  the same models and recordings as a laptop webcam
                   sees them (`training.webcam_like`; keypoints from `training.extract --webcam`):
                   another camera. The recipe is chosen on the mean of the three validation cases.
Each case also scores the DTW 1-NN baseline (`training.dtw`) on the same training and test clips.
A case whose checkpoint and result exist is not run again: an interrupted run resumes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from arsl_desktop import paths
from arsl_desktop.core import features as F
from training.cache import Clip, load_cache
from training.discover import parse_ranges
from training.selection import WEBCAM_DIR, beside_cache, learning_renderings, renderings_of
from training.train import TrainConfig, select_data, train

log = logging.getLogger("training.figures")
FIGURES_VERSION = 1

# name: (title, training config overrides, test clips: (signers, splits, signs) or None = validation)
CASES = {
    "validation": ("validation: one recording per sign of 71-77 learnt, its other recordings tested",
                   dict(signs="1-77", train_signers="01,02", train_splits="train", holdout="71-77:1"), None),
    "validation_other_hand": ("validation, the same recordings signed with the other hand (mirrored)",
                              "validation", "mirror"),
    "one_shot_1_70": ("signer 01, signs 1-70 (odd ids), each sign learnt from one recording",
                      dict(signs="1-82", train_signers="01,02", train_splits="train", borrow="78-82:4"),
                      ("01", "test", "1-70")),
    "test_71_82": ("test split, signs 71-82, both signers (78-82: the clips not learnt)", "one_shot_1_70",
                   (None, "test", "71-82")),
    "loso_test_01": ("unseen signer: signs 71-76, trained on signer 02, tested on signer 01 (all clips)",
                     dict(signs="71-76", train_signers="02", train_splits="train"), ("01", "train,test", "71-76")),
    "loso_test_02": ("unseen signer: signs 71-76, trained on signer 01, tested on signer 02 (all clips)",
                     dict(signs="71-76", train_signers="01", train_splits="train"), ("02", "train,test", "71-76")),
    # Another camera: the same recordings as a laptop webcam sees them (`training.webcam_like`, keypoints
    # from `training.extract --webcam`), for the same models. Skipped when those keypoints are absent.
    "validation_webcam": ("validation, the same recordings as a laptop webcam sees them (webcam-like)",
                          "validation", "webcam"),
    "loso_test_01_webcam": ("unseen signer and camera: signs 71-76, trained on signer 02, tested on signer 01 "
                            "webcam-like (all clips)", "loso_test_01", ("01", "train,test", "71-76", "webcam")),
    "loso_test_02_webcam": ("unseen signer and camera: signs 71-76, trained on signer 01, tested on signer 02 "
                            "webcam-like (all clips)", "loso_test_02", ("02", "train,test", "71-76", "webcam")),
}
WEBCAM_CASES = ("validation_webcam", "loso_test_01_webcam", "loso_test_02_webcam")
# Ablations: the recipe (what ships, `features.APP_OPTIONS`) and each feature switch on top.
VARIANTS = {
    "recipe": {},
    "shape": {"features": {"canonical": False, "shape": True}},
    "canonical": {"features": {"canonical": True, "shape": False}},
    "both": {"features": {"canonical": True, "shape": True}},
    "strong_aug": {"augment": {"rotate_deg": 15.0, "scale": 0.15, "hand_shift": 0.12, "hand_scale": 0.15,
                               "jitter": 0.005, "speed": 0.35}},
    "small": {"model": {"group_dim": 32, "hidden": 64, "dropout": 0.4}},
    # Metric learning (issue 9): a cosine head, a CosFace margin, two views per clip with a
    # supervised contrastive term on the embedding, the second view as the other hand.
    "cosine": {"model": {"head": "cosine", "cos_scale": 16.0}},
    "cosface": {"model": {"head": "cosine", "cos_scale": 16.0}, "margin": 0.2},
    "two_view": {"views": 2},
    "supcon": {"views": 2, "supcon": 0.5},
    "mirror_pair": {"views": 2, "view_mirror": True, "supcon": 0.5},
    "mirror_only": {"views": 2, "view_mirror": True},
    "mirror_pair_w1": {"views": 2, "view_mirror": True, "supcon": 1.0},
    "mirror_pair_w2": {"views": 2, "view_mirror": True, "supcon": 2.0},
    # Beyond the metric-learning family: twice the epochs; three seeds as one model (an ensemble).
    "w1_long": {"views": 2, "view_mirror": True, "supcon": 1.0, "epochs": 30},
    "w1_ens3": {"views": 2, "view_mirror": True, "supcon": 1.0, "members": 3},
    # Another camera (issue 17): each training recording's webcam-like rendering learnt beside it.
    "w1_cam": {"views": 2, "view_mirror": True, "supcon": 1.0, "renderings": WEBCAM_DIR},
    "w1_ens3_cam": {"views": 2, "view_mirror": True, "supcon": 1.0, "members": 3, "renderings": WEBCAM_DIR},
    "cos_supcon": {"model": {"head": "cosine", "cos_scale": 16.0}, "views": 2, "supcon": 0.5},
    "metric": {"model": {"head": "cosine", "cos_scale": 16.0}, "margin": 0.2, "views": 2, "view_mirror": True,
               "supcon": 0.5},
}


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.install_root(), capture_output=True,
                             text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "arsl_desktop", "training"],
                               cwd=paths.install_root(), capture_output=True, text=True, timeout=10).stdout.strip()
        return out.stdout.strip() + ("+changes" if dirty else "") if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def write_json(path: Path, data: dict) -> None:
    """Atomic: a temp file beside it, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
    os.replace(tmp, path)


def _describe(clips: list[Clip]) -> dict:
    return {"clips": len(clips), "signers": sorted({c.signer for c in clips}),
            "splits": sorted({c.split for c in clips}), "signs": _ranges(sorted({c.sign for c in clips}))}


def _ranges(ids: list[int]) -> str:
    out, start = [], None
    for i, v in enumerate(ids):
        if start is None:
            start = v
        if i + 1 == len(ids) or ids[i + 1] != v + 1:
            out.append(f"{start}-{v}" if v != start else str(v))
            start = None
    return ",".join(out)


def _score(res: dict) -> dict:
    return {k: (round(res[k], 4) if isinstance(res[k], float) else res[k]) for k in ("n", "top1", "top5")}


def run_case(name: str, base: TrainConfig, out: Path, cache: Path, done: dict, webcam: Path | None = None) -> dict:
    """Train (unless done before) and score one case, with the DTW baseline on the same clips
    (`webcam`: the keypoint cache of webcam-like renderings that the webcam cases are tested on)."""
    from training.dtw import dtw_scores
    from training.metrics import evaluate, metrics, torch_scorer

    title, over, test_spec = CASES[name]
    calibrate = name == "validation"
    model_case = over if isinstance(over, str) else name
    over = CASES[over][1] if isinstance(over, str) else over
    cfg = learning_renderings(replace(base, cache=str(cache), out=str(out / model_case), val_splits="", **over), webcam)
    ckpt = out / model_case / "best.pt"
    if model_case not in done:
        if not (ckpt.is_file() and (out / model_case / "summary.json").is_file()):
            log.info("training %s (%s)", model_case, cfg.signs)
            done[model_case] = train(cfg, quiet=True)
        else:
            done[model_case] = json.loads((out / model_case / "summary.json").read_text())
    summary = done[model_case]
    train_clips, val_clips, class_ids = select_data(cfg)
    score, ids, seq_len, trained_on, options = torch_scorer(ckpt)
    if test_spec is None:
        test = val_clips
    elif test_spec == "mirror":
        test = [c.mirrored(" (mirrored)") for c in val_clips]
    elif test_spec == "webcam":
        test = renderings_of(val_clips, webcam)
    else:
        signers, splits, signs, *source = test_spec
        test = load_cache(webcam if source else cache, set(signers.split(",")) if signers else None,
                          set(splits.split(",")), parse_ranges(signs))
    test = [c for c in test if c.sample not in trained_on and c.sign in set(ids)]
    res = evaluate(score, ids, seq_len, test, options)
    labels = np.array([ids.index(c.sign) for c in test])
    dtw = metrics(dtw_scores(train_clips, test, ids, seq_len, options), labels, ids)
    row = {"title": title, "model": _score(res), "dtw": _score(dtw), "test": _describe(test),
           "train": _describe(train_clips), "classes": len(ids),
           "landmarker": " + ".join(sorted({c.landmarker or "unrecorded" for c in train_clips + test})),
           "checkpoint": str(ckpt),
           "checkpoint_sha256": sha256(ckpt), "train_seconds": summary.get("seconds"),
           "calibration": (summary.get("calibration") or None) if calibrate else None}
    log.info("%-14s model top-1 %.3f  DTW %.3f  (n=%d)", name, res["top1"], dtw["top1"], res["n"])
    return row


def variant_config(variant: str, base: TrainConfig | None = None) -> TrainConfig:
    """The recipe (or `base`) with a variant's overrides: dicts (model, augment, features) merge
    into the recipe's, other values replace the TrainConfig field."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant '{variant}' (one of {', '.join(VARIANTS)})")
    base = base or TrainConfig()
    over = VARIANTS[variant]
    return replace(base, **{k: {**getattr(base, k), **v} if isinstance(v, dict) else v for k, v in over.items()})


def run(out: Path, cache: Path, variant: str = "recipe", cases: list[str] | None = None,
        base: TrainConfig | None = None, argv: list[str] | None = None, webcam: Path | None = None) -> dict:
    """Run every case of one variant; write `<out>/figures.json` (after each case) and return it.
    The webcam cases are tested on `webcam` (default: `WEBCAM_DIR` beside the cache), skipped without it."""
    webcam = Path(webcam) if webcam else beside_cache(cache, WEBCAM_DIR)
    base = variant_config(variant, base)
    path = out / "figures.json"
    figures = {"figures_version": FIGURES_VERSION, "variant": variant,
               "command": "python -m training.evaluate " + " ".join(argv if argv is not None else sys.argv[1:]),
               "created": datetime.now(timezone.utc).isoformat(timespec="seconds"), "code": git_commit(),
               "keypoints": F.KEYPOINT_SCHEMA, "features": F.SCHEMA_VERSION, "cache": str(cache),
               "recipe": {k: v for k, v in asdict(base).items() if k not in ("cache", "out")}, "cases": {}}
    done: dict = {}
    for name in cases or list(CASES):
        if name in WEBCAM_CASES and not webcam.is_dir():
            log.warning("%s skipped: no webcam-like keypoints in %s (training.extract --webcam --out %s)",
                        name, webcam, webcam)
            continue
        figures["cases"][name] = run_case(name, base, out, cache, done, webcam)
        write_json(path, figures)
    return figures

