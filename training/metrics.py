"""The measuring library: scorers for a checkpoint or an exported model, top-1/top-5 with
per-class accuracy and the confusion matrix, and its plot. Commands (`training.evaluate`,
`training.figures`, `training.dtw`, `training.transfer`) import it; it imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from training.cache import Clip
from training.dataset import eval_features
from training.discover import SAMPLE_NAME

Scorer = Callable[[np.ndarray], np.ndarray]  # (N, seq_len, 208) -> (N, n_classes) scores


def torch_scorer(checkpoint: Path) -> tuple[Scorer, list[int], int, set[str], dict | None]:
    import torch

    from training.model import load_checkpoint

    model, ckpt = load_checkpoint(checkpoint)

    def score(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return model(torch.from_numpy(np.asarray(x, np.float32))).numpy()

    options = ckpt.get("train_config", {}).get("features")
    return score, ckpt["class_ids"], ckpt["seq_len"], set(ckpt.get("train_samples", [])), options


def onnx_scorer(path: Path) -> tuple[Scorer, list[int], int, set[str], dict | None]:
    from arsl_desktop.core.classifier import SignClassifier

    clf = SignClassifier(path)

    def score(x: np.ndarray) -> np.ndarray:
        return np.concatenate([clf.probabilities(x[i:i + 64]) for i in range(0, len(x), 64)])

    return score, clf.class_ids, clf.seq_len, set(), None


def clips_from_folders(folders: list[Path]) -> list[Clip]:
    """Run the app's landmarker on recordings; the sign id comes from the KArSL sample name."""
    from arsl_desktop.core.landmarks import create_landmarker, stack
    from arsl_desktop.core.sources import open_source

    clips = []
    with create_landmarker() as lm:
        for f in folders:
            name = f.stem if f.is_file() else f.name
            m = SAMPLE_NAME.match(name)
            if not m:
                raise ValueError(f"{f}: not a KArSL sample name (<category>_<signer>_<signid>_...)")
            lm.reset()
            with open_source(f) as src:
                kps = [lm.process(fr.image, fr.timestamp) for fr in src]
            xyz, present, times, aspect = stack(kps)
            clips.append(Clip(xyz, present, times, aspect, m.group(2), "?", int(m.group(3)), name, str(f)))
    return clips


def metrics(scores: np.ndarray, labels: np.ndarray, class_ids: list[int]) -> dict:
    """Top-1/top-5 accuracy, per-class accuracy and the confusion matrix (true x predicted)."""
    n = len(labels)
    order = np.argsort(-scores, axis=1)
    top1 = order[:, 0] == labels
    top5 = (order[:, :5] == labels[:, None]).any(axis=1)
    k = len(class_ids)
    conf = np.zeros((k, k), np.int64)
    np.add.at(conf, (labels, order[:, 0]), 1)
    per_class = {int(class_ids[i]): float(top1[labels == i].mean()) for i in np.unique(labels)}
    return {"n": int(n), "top1": float(top1.mean()) if n else float("nan"),
            "top5": float(top5.mean()) if n else float("nan"), "per_class": per_class,
            "confusion": conf.tolist()}


def evaluate(score: Scorer, class_ids: list[int], seq_len: int, clips: list[Clip],
             options: dict | None = None) -> dict:
    """Score clips whose sign the model knows (others are counted as skipped)."""
    index = {c: i for i, c in enumerate(class_ids)}
    known = [c for c in clips if c.sign in index]
    if not known:
        raise ValueError("none of the clips shows a sign this model knows")
    x = np.stack([eval_features(c, seq_len, options) for c in known])
    labels = np.array([index[c.sign] for c in known])
    res = metrics(score(x), labels, class_ids)
    res["skipped_unknown_sign"] = len(clips) - len(known)
    return res


def plot_confusion(conf: np.ndarray, class_ids: list[int], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    used = np.nonzero(conf.sum(1) + conf.sum(0))[0]
    c = conf[np.ix_(used, used)]
    size = max(4.0, 0.12 * len(used) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(c, cmap="Blues")
    ticks = [str(class_ids[i]) for i in used]
    ax.set_xticks(range(len(used)), ticks, rotation=90, fontsize=5 if len(used) > 40 else 8)
    ax.set_yticks(range(len(used)), ticks, fontsize=5 if len(used) > 40 else 8)
    ax.set_xlabel("predicted sign id")
    ax.set_ylabel("true sign id")
    ax.set_title(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
