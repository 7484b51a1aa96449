"""How a personal sign's similarity becomes a logit that competes with the model's (teach a sign).

The app ranks KArSL and personal signs in one softmax (`arsl_desktop.core.personal_match`):
a personal sign's logit is `scale * cos(embedding, prototype) + offset`, offered only when the
cosine reaches `min_similarity`. Those three numbers are fitted here on the transfer model
(trained WITHOUT signs 71-76, `training.transfer`): signs 71-76 are enrolled as new words from
the first k = 3 training clips of one signer, and every other clip is ranked among the model's
76 signs and the 6 personal ones: the other signer's clips (all signs) and the same signer's
remaining clips. `scale` and `offset` minimise the negative log-likelihood of the true sign
(taught-sign and model-sign queries weighted equally; grid search); `min_similarity` is the
2nd percentile of the true prototype's cosine for new-sign queries, so it rarely turns away a
real match. The same fit
for the DTW fallback (models without an embedding) gives `logit = offset - scale * distance`.

The result goes into `transfer.json` as `personal_calibration` and from there, through
`training.export`, into the model's metadata (`arsl_personal`).
"""

from __future__ import annotations

import logging

import numpy as np

from training.cache import Clip
from training.dataset import eval_features

log = logging.getLogger("training.personal_calibration")
K = 3


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def fit_affine(known_logits: np.ndarray, sims: np.ndarray, target: np.ndarray, sign: float = 1.0
               ) -> tuple[float, float, float]:
    """(scale, offset, NLL): personal logit = sign * scale * sim + offset, NLL-optimal on a grid.

    known_logits (N, C) calibrated model logits; sims (N, S) similarities (or distances with
    sign=-1); target (N,) index into the C + S joint classes. The NLL is the mean of the taught
    signs' and the model's signs' mean NLL, so neither kind of query outweighs the other."""
    is_new = target >= known_logits.shape[1]
    best = (0.0, 0.0, np.inf)
    for scale in np.linspace(1.0, 60.0, 60):
        for offset in np.linspace(-60.0, 20.0, 81):
            z = np.concatenate([known_logits, sign * scale * sims + offset], axis=1)
            per = -_log_softmax(z)[np.arange(len(target)), target]
            nll = float((per[is_new].mean() + per[~is_new].mean()) / 2)
            if nll < best[2]:
                best = (float(scale), float(offset), nll)
    return best


def fit(embed, logits_of, clips: list[Clip], new: list[int], class_ids: list[int], seq_len: int) -> dict:
    """Fit the calibration; `embed(x)` / `logits_of(x)` give embeddings / calibrated logits for a batch."""
    from training.dtw import dtw_scores
    from training.enrolment import enrolment, prototype_scores

    rows_known, rows_sims, rows_dist, rows_target, rows_new, rows_same = [], [], [], [], [], []
    for enrol_signer in ("01", "02"):
        enrolled = enrolment([c for c in clips if c.sign in new], enrol_signer, K)
        taken = {id(c) for c in enrolled}
        queries = [c for c in clips if id(c) not in taken and (c.sign in class_ids or c.sign in new)]
        rows_sims.append(prototype_scores(embed, enrolled, queries, new, seq_len))
        rows_known.append(logits_of(np.stack([eval_features(c, seq_len) for c in queries])))
        rows_dist.append(-dtw_scores(enrolled, queries, new, seq_len))  # distance to each sign's nearest clip
        rows_target.append(np.array([class_ids.index(c.sign) if c.sign in class_ids
                                     else len(class_ids) + new.index(c.sign) for c in queries]))
        rows_new.append(np.array([c.sign in new for c in queries]))
        rows_same.append(np.array([c.signer == enrol_signer for c in queries]))
    known, sims, dist = np.concatenate(rows_known), np.concatenate(rows_sims), np.concatenate(rows_dist)
    target, is_new, same = np.concatenate(rows_target), np.concatenate(rows_new), np.concatenate(rows_same)
    scale, offset, nll = fit_affine(known, sims, target)
    d_scale, d_offset, d_nll = fit_affine(known, dist, target, sign=-1.0)
    true_sim = sims[is_new, target[is_new] - len(class_ids)]
    min_sim = round(float(np.floor(np.percentile(true_sim, 2) * 100)) / 100, 2)
    true_dist = dist[is_new, target[is_new] - len(class_ids)]
    max_dist = round(float(np.ceil(np.percentile(true_dist, 98) * 100)) / 100, 2)

    def top1(z: np.ndarray) -> tuple[float, float]:
        hit = z.argmax(1) == target
        return round(float(hit[is_new].mean()), 4), round(float(hit[~is_new].mean()), 4)

    def taught_by(z: np.ndarray, who: np.ndarray) -> float:
        """Top-1 on the taught signs' clips by the signer who taught them (who=same) or the other."""
        return round(float((z.argmax(1) == target)[is_new & who].mean()), 4)

    emb_z = np.concatenate([known, np.where(sims >= min_sim, scale * sims + offset, -np.inf)], axis=1)
    dtw_z = np.concatenate([known, np.where(dist <= max_dist, d_offset - d_scale * dist, -np.inf)], axis=1)
    (emb_new, emb_known), (dtw_new, dtw_known) = top1(emb_z), top1(dtw_z)
    alone = round(float((known.argmax(1) == target)[~is_new].mean()), 4)  # no personal signs at all
    out = {"k": K, "queries": int(len(target)), "new_sign_queries": int(is_new.sum()),
           "top1_known_signs_without_personal": alone,
           "embedding": {"scale": scale, "offset": offset, "min_similarity": min_sim, "nll": round(nll, 4),
                         "top1_new_signs": emb_new, "top1_known_signs": emb_known,
                         "top1_new_signs_same_signer": taught_by(emb_z, same),
                         "top1_new_signs_other_signer": taught_by(emb_z, ~same)},
           "features_dtw": {"scale": d_scale, "offset": d_offset, "min_similarity": -max_dist,
                            "nll": round(d_nll, 4), "top1_new_signs": dtw_new, "top1_known_signs": dtw_known}}
    log.info("personal calibration: %s", out)
    return out
