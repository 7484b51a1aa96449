"""How well the model's embedding serves signs it never learnt (the basis of "teach a sign").

    python -m training.evaluate --transfer --out runs/transfer

A model is trained with the recipe WITHOUT signs 71-76 (train splits of both signers, plus the
first 4 test clips of 78-82 per signer, as for the measurement model). Signs 71-76 are then
enrolled from the first k (by name) training recordings of one signer, k = 1, 3, 5, and every
clip of the OTHER signer is named among those 6 signs: by the nearest enrolled prototype (the
mean of the k clips' normalised embeddings, cosine similarity), and by DTW 1-NN over the same
k clips with the same features. Both directions; results into `<out>/transfer.json`, with
the personal-sign calibration fitted on the same model (`training.personal_calibration`).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import numpy as np

from training.cache import load_cache
from training.discover import parse_ranges
from training.enrolment import enrolment, prototype_scores
from training.train import TrainConfig, train

log = logging.getLogger("training.transfer")
NEW_SIGNS = "71-76"
KS = (1, 3, 5)


def run(cache: Path, out: Path, base: TrainConfig | None = None, temperature: float = 1.0) -> dict:
    """The transfer rows, and the personal-sign calibration fitted on the same model
    (`training.personal_calibration`; logits divided by `temperature`, the shipped model's)."""
    import torch

    from training.dtw import dtw_scores
    from training.metrics import metrics
    from training.model import load_checkpoint

    base = base or TrainConfig()
    new = parse_ranges(NEW_SIGNS) or set()
    known = ",".join(str(s) for s in range(1, 83) if s not in new)
    cfg = replace(base, cache=str(cache), out=str(out / "model"), signs=known, train_signers="01,02",
                  train_splits="train", borrow="78-82:4", val_splits="")
    if not (out / "model" / "best.pt").is_file():
        log.info("training the model without signs %s", NEW_SIGNS)
        train(cfg, quiet=True)
    model, ckpt = load_checkpoint(out / "model" / "best.pt")
    if set(ckpt["class_ids"]) & new:
        raise ValueError(f"{out / 'model'} has learnt some of signs {NEW_SIGNS}: not a transfer test")

    def embed(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return model.embedding(torch.from_numpy(np.asarray(x, np.float32))).numpy()

    clips = load_cache(cache, signs=new)
    signs = sorted(new)
    rows = []
    for enrol_signer, test_signer in (("01", "02"), ("02", "01")):
        queries = [c for c in clips if c.signer == test_signer]
        labels = np.array([signs.index(c.sign) for c in queries])
        for k in KS:
            enrolled = enrolment(clips, enrol_signer, k)
            emb = metrics(prototype_scores(embed, enrolled, queries, signs, ckpt["seq_len"]), labels, signs)
            dtw = metrics(dtw_scores(enrolled, queries, signs, ckpt["seq_len"]), labels, signs)
            rows.append({"enrol_signer": enrol_signer, "test_signer": test_signer, "k": k, "queries": len(queries),
                         "embedding_top1": round(emb["top1"], 4), "dtw_top1": round(dtw["top1"], 4)})
            log.info("enrol %s k=%d -> test %s: embedding %.3f  DTW %.3f  (n=%d)", enrol_signer, k, test_signer,
                     emb["top1"], dtw["top1"], len(queries))
    def logits_of(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return model(torch.from_numpy(np.asarray(x, np.float32))).numpy().astype(np.float64) / temperature

    from training.personal_calibration import fit

    calib = fit(embed, logits_of, load_cache(cache), signs, list(ckpt["class_ids"]), ckpt["seq_len"])
    calib["temperature"] = temperature
    return {"new_signs": NEW_SIGNS, "model_trained_on": known, "rows": rows, "personal_calibration": calib}
