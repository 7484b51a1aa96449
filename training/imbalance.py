"""Does a sign's chance depend on how many recordings the model learnt it from?

    python -m training.evaluate --imbalance --variant mirror_pair_w1 --out runs/imbalance

The validation case's data (signs 1-77, both signers' training splits), with signs 71-77 kept
unequal on purpose: in role A, 72, 73 and 75 keep TWO recordings per signer and their look-alikes
74, 77 and 76 keep ONE; role B swaps them (71 keeps one in both). One model per role. Tested on
the same clips in both roles: every training recording of 71-77 after the first two per sign and
signer (none of them learnt in either role). A miss inside a look-alike pair is counted "toward the
better-recorded" sign when it names the one that had two recordings, "toward the other" when it
names the one with one. Without a bias the two counts are alike (within noise).

Each option is applied to the same two models' outputs (nothing retrained):
  none              the model's calibrated probabilities as they are
  logit adjustment  logits - tau x log(recordings the sign was learnt from) (Menon et al. 2021),
                    tau in TAUS; the counts travel in the model's metadata
Chosen on these validation recordings (test splits are never used); reported with each option's
top-1 on the validation case itself (no imbalance), so an option that costs accuracy shows.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

from training.cache import Clip
from training.calibration import ece, softmax
from training.selection import first_per_sign

log = logging.getLogger("training.imbalance")

PAIRS = ((73, 77), (75, 76), (72, 74))
ROLES = {"A": (72, 73, 75), "B": (74, 77, 76)}  # the better-recorded sign of each pair
TAUS = (0.5, 1.0, 2.0)
THRESHOLD = 0.4  # the window's default confidence threshold (ui.settings.DEFAULT_THRESHOLD)


def holdout(role: str) -> str:
    two = ROLES[role]
    one = sorted(set(range(71, 78)) - set(two))
    return f"{','.join(map(str, two))}:2;{','.join(map(str, one))}:1"


def partner(sign: int) -> int | None:
    for a, b in PAIRS:
        if sign in (a, b):
            return b if sign == a else a
    return None


def recordings(train: list[Clip], class_ids: list[int]) -> np.ndarray:
    counts = Counter(c.sign for c in train)
    return np.array([counts.get(s, 0) for s in class_ids], np.float64)


def adjusted(logits: np.ndarray, counts: np.ndarray, tau: float) -> np.ndarray:
    """Logit adjustment: a sign learnt from more recordings pays log(count) x tau."""
    return logits - tau * np.log(np.maximum(counts, 1.0))[None, :]


def tally(probs: np.ndarray, labels: np.ndarray, class_ids: list[int], better: set[int]) -> dict:
    """Top-1, misses toward the better-recorded look-alike and toward the other, calibration."""
    named = np.array(class_ids)[probs.argmax(axis=1)]
    truth = np.array(class_ids)[labels]
    toward_better = toward_other = 0
    pair_conf = []
    for t, n, p in zip(truth, named, probs, strict=True):
        mate = partner(int(t))
        if mate is None:
            continue
        both = sorted((p[class_ids.index(int(t))], p[class_ids.index(mate)]), reverse=True)
        pair_conf.append(both[0] - both[1])
        if n == mate:
            if mate in better:
                toward_better += 1
            else:
                toward_other += 1
    wrong = named != truth
    return {"n": int(len(labels)), "top1": float((~wrong).mean()), "toward_better": toward_better,
            "toward_other": toward_other, "ece": round(ece(probs, labels), 4),
            "confidence_when_wrong": round(float(probs.max(axis=1)[wrong].mean()), 4) if wrong.any() else None,
            "wrong_shown": round(float((wrong & (probs.max(axis=1) >= THRESHOLD)).sum() / max(wrong.sum(), 1)), 4),
            "right_shown": round(float((~wrong & (probs.max(axis=1) >= THRESHOLD)).sum() / max((~wrong).sum(), 1)), 4)}


def run(cache: Path, out: Path, base) -> dict:
    from training.dataset import eval_features
    from training.figures import CASES, write_json
    from training.metrics import torch_scorer
    from training.selection import select_data
    from training.train import train

    rows: list[dict] = []
    outputs = {}
    for role in ROLES:
        cfg = replace(base, cache=str(cache), out=str(out / role), signs="1-77", train_signers="01,02",
                      train_splits="train", val_splits="", holdout=holdout(role))
        ckpt = out / role / "best.pt"
        if not (ckpt.is_file() and (out / role / "summary.json").is_file()):
            log.info("training role %s (%s)", role, cfg.holdout)
            train(cfg, quiet=True)
        train_clips, val_clips, class_ids = select_data(cfg)
        score, ids, seq_len, trained_on, options = torch_scorer(ckpt)
        # the same clips in both roles: beyond the first two per sign and signer
        first_two = _first_two(cache)
        test = [c for c in val_clips if c.sample not in trained_on and c.sample not in first_two]
        x = np.stack([eval_features(c, seq_len, options) for c in test])
        outputs[role] = (score(x), np.array([ids.index(c.sign) for c in test]), ids,
                         recordings(train_clips, ids))
        log.info("role %s: %d test clips", role, len(test))
    options_list = [("none", None)] + [(f"logit adjustment, tau {t:g}", t) for t in TAUS]
    used = "none"  # chosen on these validation recordings: see the table in docs/TRAINING.md
    for name, tau in options_list:
        row = {"option": name, "tau": tau, "roles": {}}
        for role, (logits, labels, ids, counts) in outputs.items():
            z = logits if tau is None else adjusted(logits, counts, tau)
            row["roles"][role] = tally(softmax(z), labels, ids, set(ROLES[role]))
        r = row["roles"].values()
        row["toward_better"] = sum(x["toward_better"] for x in r)
        row["toward_other"] = sum(x["toward_other"] for x in r)
        row["top1"] = round(float(np.mean([x["top1"] for x in r])), 4)
        row["used"] = name == used
        rows.append(row)
        log.info("%-26s top-1 %.3f  misses toward the better-recorded %d, toward the other %d", name,
                 row["top1"], row["toward_better"], row["toward_other"])
    res = {"pairs": PAIRS, "roles": {k: holdout(k) for k in ROLES}, "rows": rows,
           "validation_case": CASES["validation"][0]}
    write_json(out / "imbalance.json", res)
    return res


def _first_two(cache: Path) -> set[str]:
    """The first two training recordings per sign and signer of 71-77 (learnt in one role or the other)."""
    from training.cache import load_cache

    clips = load_cache(cache, {"01", "02"}, {"train"}, set(range(71, 78)))
    return {c.sample for c in first_per_sign(clips, 2)[0]}

