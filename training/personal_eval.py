"""Taught signs measured, and the personal-sign fusion fitted (issue 17), on validation recordings.

    python -m training.evaluate --personal --variant w1_ens3 --out runs/personal \
        [--webcam-cache cache/webcam] [--into runs/figures/figures.json]

Signs 71-76 are the taught signs; only TRAIN-split recordings are used (test splits are never
looked at). Rows, each for both signers as X (Y is the other), k = 1, 3, 5 recordings taught:
  a  own signer, new words: the transfer model (trained without 71-76, `training.transfer`);
     X teaches 71-76 as new words from their first k recordings; X's other recordings are named
     among the model's 76 signs and the 6 taught ones
  b  taught by the other signer: Y teaches, X's recordings are named (a teacher's pack)
  c  the other signer's k = 3 recordings plus ONE of X's own (pack + "record yourself once")
  e  adaptation: the leave-one-signer-out model trained on Y's recordings of 71-76
     (`training.figures` case loso_test_X); X teaches their way of each sign (KArSL ids) from k
     recordings; X's other recordings are named among the model's signs
  d  rows a and e again on webcam-like renderings (`training.webcam_like`, keypoints by the
     app's landmarker: `python -m training.extract --webcam --signs 71-76 --splits train,test
     --out cache/webcam`), when `--webcam-cache` is given
Every row also scores the baseline the matcher must beat: DTW 1-NN among the taught signs only
(`training.baseline`: x, y of the upper body and both hands relative to the shoulders, each
hand relative to its wrist x2, missing hand zeros, every frame of the recording, path cost
over the two lengths), and the matcher alone among the taught signs.

The fusion (`core.personal_match.Fusion`) is chosen on the same rows: first the least shortfall
below each row's floor (rows a, c, e: the DTW baseline and the matcher alone, `floor_of`), then
the best mean top-1 of the taught signs, among the settings that leave the model's own signs
named as before: within 1% on signer 01's recordings of the signs the transfer model knows
(which it learnt from, so this guard is lenient), and losing at most `LOOKALIKE_KEEP` of the
top-1 on known look-alikes the model never learnt from (`lookalike_known`: 71-73 taught by X or
by the other signer, recordings of 74-76 named by the validation case's model, trained here as
`validation`).

After the fit, a held-out check that nothing is chosen on (`held_out_episodes`): rows a and e at
k = 3, taught from the same training recordings, naming X's TEST recordings (where the cache has
them: original always, webcam-like when extracted with `--splits train,test`).

Then corrections (`training.corrections_eval`), also never chosen on: rows a and e at k = 3 and
row c, the signer's recordings named in the order they were made, each miss corrected once (it
becomes an example of its sign), for the app, the matcher alone and the DTW baseline. And the
recordings that look like another taught sign (`training.look_alike`: the matcher and the other
signer's model both name the same other sign), with rows a and e at k = 3 over the others.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from arsl_desktop.core import matching
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.personal_match import (
    FUSION_DEFAULT,
    Fusion,
    joint_probabilities,
    match_and_gate_distances,
    sign_distances,
    stand_ins,
    unit,
)
from training.baseline import baseline_scores
from training.cache import Clip, load_cache
from training.corrections_eval import corrected_row
from training.dataset import eval_features
from training.look_alike import SURE, look_alike_rows
from training.selection import learning_renderings
from training.stand_in_eval import STAND_IN_CHOICES, choose
from training.train import TrainConfig, first_per_sign, train

log = logging.getLogger("training.personal_eval")
NEW = list(range(71, 77))
KS = (1, 3, 5)
SIGNERS = ("01", "02")
THRESHOLD = 0.4  # the window's default confidence threshold (ui.settings.DEFAULT_THRESHOLD; a test checks)


@dataclass
class ModelView:
    """A checkpoint's calibrated logits and unit embeddings, computed once per clip."""

    name: str
    model: object
    class_ids: list[int]
    seq_len: int
    temperature: float
    trained_on: set[str]
    _memo: dict = field(default_factory=dict)

    def outputs(self, clips: list[Clip]) -> tuple[np.ndarray, np.ndarray]:
        import torch

        todo = [c for c in clips if id(c) not in self._memo]
        for i in range(0, len(todo), 64):
            part = todo[i:i + 64]
            x = torch.from_numpy(np.stack([eval_features(c, self.seq_len) for c in part]).astype(np.float32))
            with torch.no_grad():
                logits, emb = self.model(x, with_embedding=True)
            for c, z, e in zip(part, logits.numpy(), emb.numpy(), strict=True):
                self._memo[id(c)] = (z.astype(np.float64) / self.temperature, unit(e.astype(np.float64)))
        got = [self._memo[id(c)] for c in clips]
        return np.stack([g[0] for g in got]), np.stack([g[1] for g in got])


def load_view(name: str, ckpt_path: Path, temperature: float | None = None) -> ModelView:
    from training.model import load_checkpoint

    model, ckpt = load_checkpoint(ckpt_path)
    t = temperature if temperature is not None else float((ckpt.get("calibration") or {}).get("temperature", 1.0))
    return ModelView(name, model, list(ckpt["class_ids"]), int(ckpt["seq_len"]), t, set(ckpt.get("train_samples", [])))


@dataclass
class Episode:
    """One way of teaching: enrolled recordings, the queries named, the model beside them."""

    row: str
    data: str  # "original" or "webcam"
    signer: str  # X: whose recordings are named
    k: int
    view: ModelView
    enrolled: list[Clip]
    queries: list[Clip]
    adapt: bool  # the taught signs are the user's way of KArSL signs (else new words)


@dataclass
class Computed:
    """What an episode's scoring needs, computed once: model outputs and example distances."""

    probs: np.ndarray  # (Q, C)
    dtw: np.ndarray  # (Q, E) matcher distances to each enrolled recording
    cos: np.ndarray  # (Q, E) embedding cosines
    owner: np.ndarray  # (E,) index into NEW
    target: np.ndarray  # (Q,) index into the joint list: class, or C + new sign
    adapts: np.ndarray  # (S,) class index adapted, or -1
    baseline_right: np.ndarray  # (Q,) bool: the DTW baseline named the query right (empty: not scored)
    enrolled_probs: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (E, C) the model's reading

    def stands(self, fusion: Fusion) -> np.ndarray:
        """(S,) the class each new word stands in for under `fusion` (`core.personal_match.stand_ins`)."""
        return stand_ins(self.enrolled_probs, self.owner, self.adapts, fusion.stand_in)

    @property
    def baseline_top1(self) -> float:
        return float(self.baseline_right.mean()) if self.baseline_right.size else float("nan")


def _scored(view: ModelView, queries: list[Clip], enrolled: list[Clip]) -> tuple[np.ndarray, ...]:
    """The queries' model probabilities, matcher distances and embedding cosines to the enrolled,
    and the enrolled recordings' model probabilities."""
    logits, q_emb = view.outputs(queries)
    e_logits, e_emb = view.outputs(enrolled)
    bank = matching.ExampleBank(np.stack([matching.match_sequence(c.xyz, c.present, c.times, c.aspect)
                                          for c in enrolled]))
    dtw = np.stack([bank.distances(matching.match_sequence(c.xyz, c.present, c.times, c.aspect)) for c in queries])
    return SignClassifier.softmax(logits), dtw, q_emb @ e_emb.T, SignClassifier.softmax(e_logits)


def compute(ep: Episode) -> Computed:
    probs, dtw, cos, e_probs = _scored(ep.view, ep.queries, ep.enrolled)
    ids = ep.view.class_ids
    if ep.adapt:
        adapts = np.array([ids.index(s) if s in ids else -1 for s in NEW])
        target = np.array([ids.index(c.sign) for c in ep.queries])
    else:
        adapts = np.full(len(NEW), -1)
        target = np.array([len(ids) + NEW.index(c.sign) for c in ep.queries])
    base = baseline_scores(ep.enrolled, ep.queries, NEW)
    truth = np.array([NEW.index(c.sign) for c in ep.queries])
    return Computed(probs, dtw, cos, np.array([NEW.index(c.sign) for c in ep.enrolled]), target,
                    adapts, base.argmax(1) == truth, e_probs)


def joint(comp: Computed, fusion: Fusion) -> np.ndarray:
    """(Q, C + S) the app's joint probabilities: classes (adapted mass included), then new words.
    A class a new word stands in for (`Computed.stands`) is that word's where the query is within
    its reach, as `core.personal_match.joint_ranking` names it."""
    d, gate = match_and_gate_distances(comp.dtw, comp.cos, comp.owner, len(NEW), fusion.embed_weight)
    stands = comp.stands(fusion)
    mass_of = np.where(stands >= 0, stands, comp.adapts)
    p_model, p_pers = joint_probabilities(comp.probs, d, mass_of, fusion, gate)
    out = np.concatenate([p_model, np.where(mass_of[None] < 0, p_pers, 0.0)], axis=1)
    n_classes = comp.probs.shape[1]
    for cls in np.unique(stands[stands >= 0]):
        words = np.nonzero(stands == cls)[0]
        reach = np.where(d[:, words] <= fusion.max_distance, d[:, words], np.inf)
        within = np.isfinite(reach.min(axis=1))
        word = n_classes + words[reach.argmin(axis=1)]
        rows = np.nonzero(within)[0]
        out[rows, word[within]] += out[rows, cls]
        out[rows, cls] = 0.0
    return out


def _alone(c: Computed) -> float:
    """Top-1 of the model alone, no personal signs (for queries whose target is a model class)."""
    return float((c.probs.argmax(1) == c.target).mean())


def matcher_top1(comp: Computed) -> float:
    """The matcher alone, among the taught signs only: the nearest sign's share of right names."""
    return float((sign_distances(comp.dtw, comp.owner, len(NEW)).argmin(1) == _truth(comp)).mean())


def row_result(ep: Episode, comp: Computed, fusion: Fusion) -> dict:
    p = joint(comp, fusion)
    out = {"row": ep.row, "data": ep.data, "signer": ep.signer, "k": ep.k, "model": ep.view.name,
           "queries": len(ep.queries), "enrolled": len(ep.enrolled),
           "app_top1": round(float((p.argmax(1) == comp.target).mean()), 4),
           "matcher_top1_taught_only": round(matcher_top1(comp), 4),
           "dtw_baseline_top1_taught_only": round(comp.baseline_top1, 4)}
    if ep.adapt:  # the taught signs are model classes: the model alone can name them
        out["model_alone_top1"] = round(_alone(comp), 4)
    return out


def _nll(p: np.ndarray, target: np.ndarray) -> np.ndarray:
    return -np.log(np.maximum(p[np.arange(len(target)), target], 1e-12))


LOOKALIKE_KEEP = 0.03  # a known look-alike sign may lose at most this share of its recordings to taught signs
KNOWN_KEEP = 0.99  # the model's own training recordings keep at least this share of their top-1


def _top1(c: Computed, f: Fusion) -> float:
    return float((joint(c, f).argmax(1) == c.target).mean())


MAX_DISTANCE_REACH = (1.0, 1.25, 1.5)  # max_distance candidates: these times the true sign's 99th percentile


def floor_of(ep: Episode, comp: Computed) -> float:
    """The top-1 a taught row must reach (`fit`): rows a, c and e (the user's own recordings
    taught) at least the DTW baseline and the matcher alone, both among the taught signs only, so
    that the app never names the user's signs less often than their own evidence does; row b (a
    teacher's recordings only) has no floor."""
    if ep.row not in ("a", "c", "e"):
        return 0.0
    return max(matcher_top1(comp), comp.baseline_top1 if comp.baseline_right.size else 0.0)


def fit(taught: list[Computed], known: Computed, lookalike: list[Computed] = (), weights=(0.0, 1.0, 2.0, 3.0),
        keep: float = KNOWN_KEEP, stand_in: float = FUSION_DEFAULT.stand_in,
        floors: list[float] | None = None) -> tuple[Fusion, dict, dict]:
    """The fusion: the taught rows' mean top-1 is maximised over `embed_weight` (the embedding's
    share of the gate's distance), `max_distance` (`MAX_DISTANCE_REACH` times the 99th percentile
    of the true sign's distance: a true sign far away may still be the nearest), sharpness and
    gate (bias, slope, confidence), among the settings that keep the model's own signs named:
    its training recordings at least `keep` times as often as with no personal signs, and each
    signer's recordings of known look-alikes it never learnt from (`lookalike_known`) losing at
    most `LOOKALIKE_KEEP` of their top-1 (personal signs must not take the model's signs). Before
    the mean comes each taught row's floor (`floors`, one per row, `floor_of`): the settings with
    the least top-1 short of the floors, summed over the rows, win; then the mean; ties go to the
    lower NLL. New words stand in for classes at `stand_in` (chosen on the table of
    `training.stand_in_eval`, not here). Returns the fusion and the best of each embedding weight
    and of each max_distance."""
    floors = np.zeros(len(taught)) if floors is None else np.asarray(floors, float)
    alone = _alone(known)
    look_alone = [_alone(c) for c in lookalike]
    true_d = np.concatenate([sign_distances(c.dtw, c.owner, len(NEW))[np.arange(len(c.target)), _truth(c)]
                             for c in taught])
    p99 = float(np.percentile(true_d, 99))
    reaches = [float(np.ceil(p99 * r * 100) / 100) for r in MAX_DISTANCE_REACH]
    found = []
    for w, max_d in itertools.product(weights, reaches):
        for s, a, b, conf in itertools.product((4.0, 8.0, 16.0), np.linspace(-4, 24, 15), (0.5, 1.0, 2.0, 4.0),
                                               (0.0, 2.0, 4.0, 8.0, 12.0, 16.0)):
            f = Fusion(s, float(a), b, max_d, w, conf, stand_in)
            k_top1 = _top1(known, f)
            if k_top1 < keep * alone:
                continue
            look = [_top1(c, f) for c in lookalike]
            if any(v < a0 - LOOKALIKE_KEEP for v, a0 in zip(look, look_alone, strict=True)):
                continue
            joints = [joint(c, f) for c in taught]  # each row's joint probabilities, once
            rows = np.array([(p.argmax(1) == c.target).mean() for p, c in zip(joints, taught, strict=True)])
            short = float(np.maximum(floors - rows, 0.0).sum())
            nll = float(np.mean([_nll(p, c.target).mean() for p, c in zip(joints, taught, strict=True)]))
            found.append((float(rows.mean()), -nll, k_top1, look, f, short))

    def rank(x: tuple) -> tuple:
        return -round(x[5], 6), round(x[0], 6), x[1]

    def best_of(cands: list) -> dict:
        top1, neg_nll, k_top1, look, f, short = max(cands, key=rank)
        return {"mean_top1": round(top1, 4), "nll": round(-neg_nll, 4), "known_top1": round(k_top1, 4),
                "lookalike_top1": [round(v, 4) for v in look], "short_of_floors": round(short, 4), **f.__dict__}

    by_weight = {str(w): best_of([c for c in found if c[4].embed_weight == w]) for w in weights}
    by_reach = {f"{d:g}": best_of([c for c in found if c[4].max_distance == d]) for d in reaches}
    for name, r in (*by_weight.items(), *by_reach.items()):
        log.info("%s: %s", name, r)
    fusion = max(found, key=rank)[4]
    return fusion, by_weight, by_reach


def _truth(c: Computed) -> np.ndarray:
    """Each query's taught-sign index (from its target in the joint list)."""
    n_classes = c.probs.shape[1]
    if (c.adapts >= 0).any():
        back = {int(cls): j for j, cls in enumerate(c.adapts) if cls >= 0}
        return np.array([back[int(t)] for t in c.target])
    return c.target - n_classes


def episodes(data: str, clips: list[Clip], transfer: ModelView, loso: dict[str, ModelView]) -> list[Episode]:
    """The rows a, b, c, e for one set of keypoints (original or webcam-like)."""
    train = [c for c in clips if c.split == "train" and c.sign in NEW]
    by = {s: [c for c in train if c.signer == s] for s in SIGNERS}
    out = []
    for x, y in (("01", "02"), ("02", "01")):
        for k in KS:
            own, rest = first_per_sign(by[x], k)
            out.append(Episode("a", data, x, k, transfer, own, rest, False))
            out.append(Episode("b", data, x, k, transfer, first_per_sign(by[y], k)[0], by[x], False))
            if x in loso:
                out.append(Episode("e", data, x, k, loso[x], own, rest, True))
        one, rest1 = first_per_sign(by[x], 1)
        out.append(Episode("c", data, x, 1, transfer, first_per_sign(by[y], 3)[0] + one, rest1, False))
    return out


def held_out_episodes(data: str, train: list[Clip], test: list[Clip], transfer: ModelView,
                      loso: dict[str, ModelView], k: int = 3) -> list[Episode]:
    """The check after the fit, never chosen on: X teaches 71-76 from their first k TRAINING
    recordings (new words to the transfer model, row a; their way of known signs to the model
    trained on the other signer, row e), and X's TEST recordings (KArSL's held-out split, from both
    recording days) are named."""
    out = []
    for x in SIGNERS:
        own = first_per_sign([c for c in train if c.signer == x and c.sign in NEW], k)[0]
        queries = [c for c in test if c.signer == x and c.sign in NEW]
        if len(own) < len(NEW) or not queries:
            continue
        out.append(Episode("a", data, x, k, transfer, own, queries, False))
        if x in loso:
            out.append(Episode("e", data, x, k, loso[x], own, queries, True))
    return out


def recording_day(sample: str) -> str:
    """The day of a KArSL recording from its name, '03_01_0071_(01_12_16_15_52_44)' -> '01_12_16'."""
    inside = sample.rsplit("(", 1)[-1].rstrip(")").split("_")
    return "_".join(inside[:3]) if len(inside) >= 3 else sample


def other_day(ep: Episode) -> int:
    """How many queries were recorded on a day none of their sign's taught recordings was."""
    days: dict[int, set[str]] = {}
    for c in ep.enrolled:
        days.setdefault(c.sign, set()).add(recording_day(c.sample))
    return sum(recording_day(q.sample) not in days.get(q.sign, set()) for q in ep.queries)


def no_sign_episodes(data: str, clips: list[Clip], transfer: ModelView, k: int = 3) -> list[Episode]:
    """"No sign": X taught 71-73 (k recordings each); X's recordings of 74-76, signs neither taught
    nor known to the transfer model, must not be given a confident name."""
    out = []
    for x in SIGNERS:
        mine = [c for c in clips if c.split == "train" and c.signer == x]
        taught = first_per_sign([c for c in mine if c.sign in NEW[:3]], k)[0]
        out.append(Episode("n", data, x, k, transfer, taught, [c for c in mine if c.sign in NEW[3:]], False))
    return out


def no_sign_result(ep: Episode, comp: Computed, fusion: Fusion, threshold: float) -> dict:
    p = joint(comp, fusion)
    top, best = p.max(axis=1), p.argmax(axis=1)
    taught = best >= comp.probs.shape[1]  # a new word (only 71-73 can be offered)
    return {"row": "n", "data": ep.data, "signer": ep.signer, "k": ep.k, "queries": len(ep.queries),
            "threshold": threshold, "named_taught_share": round(float((taught & (top >= threshold)).mean()), 4),
            "named_any_share": round(float((top >= threshold).mean()), 4),
            "model_alone_named_share": round(float((comp.probs.max(axis=1) >= threshold).mean()), 4)}


def known_queries(cache: Path, transfer: ModelView) -> Episode:
    """The model's own signs as queries (signer 01's training recordings of signs it knows)."""
    clips = [c for c in load_cache(cache, {"01"}, {"train"}) if c.sign in transfer.class_ids]
    return Episode("known", "original", "01", 0, transfer, [], clips, False)


def compute_known(ep: Episode, taught_like: Episode) -> Computed:
    """Model-sign queries against one set of taught signs (the own-signer k=3 enrolment)."""
    probs, dtw, cos, e_probs = _scored(ep.view, ep.queries, taught_like.enrolled)
    ids = ep.view.class_ids
    return Computed(probs, dtw, cos, np.array([NEW.index(c.sign) for c in taught_like.enrolled]),
                    np.array([ids.index(c.sign) for c in ep.queries]), np.full(len(NEW), -1), np.zeros(0, bool),
                    e_probs)


def lookalike_known(cache: Path, view: ModelView, k: int = 3) -> list[tuple[str, str, Computed]]:
    """Known look-alike signs must stay named: 71-73 are taught as new words (first k recordings),
    and each signer X's recordings of 74-76 that `view` (the validation case model, which knows
    all of 71-77 from one recording per signer) never learnt from are named. Unlike the model's
    own training recordings (`known_queries`), the model is unsure of these as it is live. Each X
    twice: 71-73 taught by X themselves, and by the other signer (a teacher's pack). Returns
    (X, who taught, scores)."""
    out = []
    by = {x: load_cache(cache, {x}, {"train"}) for x in SIGNERS}
    for x, y in (("01", "02"), ("02", "01")):
        queries = [c for c in by[x] if c.sign in NEW[3:] and c.sample not in view.trained_on]
        for teacher in (x, y):
            taught = first_per_sign([c for c in by[teacher] if c.sign in NEW[:3]], k)[0]
            out.append((x, teacher, compute_known(Episode("lookalike", "original", x, 0, view, [], queries, False),
                                                  Episode("a", "original", x, k, view, taught, [], False))))
    return out


def known_word_episodes(sets: dict[str, list[Clip]], view: ModelView, k: int = 3) -> list[Episode]:
    """Row k for each set of keypoints (original, webcam-like) and signer: 71-76 taught as new
    words to `view`, which knows them, from X's first k recordings it never learnt from."""
    out = []
    for data, clips in sets.items():
        for x in SIGNERS:
            mine = [c for c in clips if c.signer == x and c.split == "train" and c.sign in NEW
                    and c.sample not in view.trained_on]
            own, rest = first_per_sign(mine, k)
            if len(own) == k * len(NEW) and rest:
                out.append(Episode("k", data, x, k, view, own, rest, False))
    return out


def known_word_row(ep: Episode, comp: Computed, fusion: Fusion) -> dict:
    """Row k's figures: the app (the taught word must win), and how often the model alone names
    the sign by its own name (what the app answered before stand-ins where the model was sure)."""
    ids = np.array(ep.view.class_ids)
    return {**row_result(ep, comp, fusion),
            "app_top1_without_stand_ins": round(float((joint(comp, replace(fusion, stand_in=0.0)).argmax(1)
                                                       == comp.target).mean()), 4),
            "model_alone_names_its_sign": round(float((ids[comp.probs.argmax(1)]
                                                       == np.array([q.sign for q in ep.queries])).mean()), 4),
            "stand_ins": int((comp.stands(fusion) >= 0).sum())}


def stand_in_choices(fusion: Fusion, taught: list[Computed], known: Computed, lookalike: list[Computed],
                     no_sign: list[tuple[Episode, Computed]], known_words: list[Computed]) -> list[dict]:
    """The fitted fusion with each `STAND_IN_CHOICES` threshold, on every row it touches."""
    out = []
    for sure in STAND_IN_CHOICES:
        f = replace(fusion, stand_in=sure)
        out.append({"stand_in": sure,
                    "taught_mean_top1": round(float(np.mean([_top1(c, f) for c in taught])), 4),
                    "known_top1": round(_top1(known, f), 4),
                    "lookalike_top1": [round(_top1(c, f), 4) for c in lookalike],
                    "no_sign_named_taught": [no_sign_result(ep, c, f, THRESHOLD)["named_taught_share"]
                                             for ep, c in no_sign],
                    "known_words_top1": [round(_top1(c, f), 4) for c in known_words]})
    return out


def train_models(cache: Path, out: Path, base: TrainConfig,
                 webcam_cache: Path | None = None) -> tuple[Path, dict[str, Path], Path]:
    """The transfer model (`training.transfer`'s), the two leave-one-signer-out models
    (`training.figures` cases loso_test_01/02) and the validation case's model, trained unless
    already there (learning the renderings of `webcam_cache`, where the recipe learns any)."""
    from training.figures import CASES

    base = learning_renderings(base, webcam_cache)
    new = ",".join(str(s) for s in range(1, 83) if s not in NEW)
    jobs = {"transfer": replace(base, cache=str(cache), out=str(out / "transfer"), signs=new, train_signers="01,02",
                                train_splits="train", borrow="78-82:4", val_splits="")}
    for x in SIGNERS:
        jobs[f"loso_{x}"] = replace(base, cache=str(cache), out=str(out / f"loso_test_{x}"), val_splits="",
                                    **CASES[f"loso_test_{x}"][1])
    jobs["validation"] = replace(base, cache=str(cache), out=str(out / "validation"), val_splits="",
                                 **CASES["validation"][1])
    for name, cfg in jobs.items():
        if not (Path(cfg.out) / "best.pt").is_file():
            log.info("training %s", name)
            train(cfg, quiet=True)
    return (out / "transfer" / "best.pt", {x: out / f"loso_test_{x}" / "best.pt" for x in SIGNERS},
            out / "validation" / "best.pt")


def taught_sets(cache: Path, webcam_cache: Path | None = None) -> dict[str, list[Clip]]:
    """The training recordings of 71-76: original keypoints, and webcam-like ones when given."""
    sets = {"original": load_cache(cache, splits={"train"}, signs=set(NEW))}
    if webcam_cache is not None:
        sets["webcam"] = load_cache(webcam_cache, splits={"train"}, signs=set(NEW))
    return sets


def run(cache: Path, out: Path, base: TrainConfig, temperature: float = 1.0,
        webcam_cache: Path | None = None) -> dict:
    """Train (unless there) the three models, score every row, fit the fusion. The models' logits
    are divided by `temperature`, the shipped model's calibration, as the app's are."""
    transfer_ckpt, loso_ckpts, validation_ckpt = train_models(cache, out, base, webcam_cache)
    transfer = load_view("transfer", transfer_ckpt, temperature)
    loso = {x: load_view(f"loso_test_{x}", p, temperature) for x, p in loso_ckpts.items()}
    sets = taught_sets(cache, webcam_cache)
    eps = [ep for data, clips in sets.items() for ep in episodes(data, clips, transfer, loso)]
    comps = []
    for ep in eps:
        comps.append(compute(ep))
        log.info("computed %s/%s signer %s k=%d (%d queries)", ep.row, ep.data, ep.signer, ep.k, len(ep.queries))
    known_ep = known_queries(cache, transfer)
    own3 = next(ep for ep in eps if ep.row == "a" and ep.k == 3 and ep.data == "original")
    known = compute_known(known_ep, own3)
    validation = load_view("validation", validation_ckpt, temperature)
    looks = lookalike_known(cache, validation)
    floors = [floor_of(ep, c) for ep, c in zip(eps, comps, strict=True)]
    fusion, fits, reach_fits = fit(comps, known, [c for _, _, c in looks], floors=floors)
    no_sign_comps = [(ep, compute(ep)) for data, clips in sets.items() for ep in no_sign_episodes(data, clips, transfer)]
    word_eps = known_word_episodes(sets, validation)
    word_comps = [compute(ep) for ep in word_eps]
    choices = stand_in_choices(fusion, comps, known, [c for _, _, c in looks], no_sign_comps, word_comps)
    fusion = replace(fusion, stand_in=choose(choices, _alone(known), [_alone(c) for _, _, c in looks], KNOWN_KEEP,
                                             LOOKALIKE_KEEP))
    log.info("stand-ins at %g: %s", fusion.stand_in, choices)
    rows = [row_result(ep, c, fusion) for ep, c in zip(eps, comps, strict=True)]
    short = [(r, round(fl - r["app_top1"], 4)) for r, fl in zip(rows, floors, strict=True) if r["app_top1"] < fl]
    no_sign = [no_sign_result(ep, c, fusion, THRESHOLD) for ep, c in no_sign_comps]
    known_words = [known_word_row(ep, c, fusion) for ep, c in zip(word_eps, word_comps, strict=True)]
    for r in known_words:
        log.info("a new word the model knows: %s", r)
    known_top1 = float((joint(known, fusion).argmax(1) == known.target).mean())
    known_alone = _alone(known)
    for r in rows:
        log.info("%s", r)
    held_out = []
    for data, root in (("original", cache), ("webcam", webcam_cache)):
        test = load_cache(root, splits={"test"}, signs=set(NEW)) if root is not None else []
        for ep in held_out_episodes(data, sets.get(data, []), test, transfer, loso):
            held_out.append({**row_result(ep, compute(ep), fusion), "other_day": other_day(ep)})
            log.info("held out: %s", held_out[-1])
    corrections = []
    for ep, c in zip(eps, comps, strict=True):
        if (ep.row in ("a", "e") and ep.k == 3) or ep.row == "c":
            corrections.append(corrected_row(ep, c, fusion, NEW, joint))
            log.info("corrections: %s", corrections[-1])
    look_alike = look_alike_rows(eps, comps, NEW, fusion, joint)
    for r in look_alike:
        log.info("look-alike recordings: %s", r)
    return {"new_signs": "71-76", "splits": "train", "rows": rows, "fusion": fusion.as_dict(), "fits": fits,
            "reach_fits": reach_fits,
            "floors": {"rows": "a, c, e", "of": "the better of the matcher alone and the DTW baseline, among the "
                                                "taught signs only",
                       "short": [{"row": r["row"], "data": r["data"], "signer": r["signer"], "k": r["k"], "by": d}
                                 for r, d in short]},
            "held_out": held_out, "corrections": corrections,
            "look_alike": look_alike, "look_alike_sure": SURE, "no_sign": no_sign,
            "known_words": known_words, "stand_in_choices": choices,
            "known_signs": {"queries": len(known.target), "top1_with_taught_signs": round(known_top1, 4),
                            "top1_model_alone": round(known_alone, 4),
                            "note": "the transfer model's own training recordings (signer 01) with 71-76 "
                                    "taught from 3 recordings of signer 01"},
            "lookalike_signs": [{"signer": x, "taught_by": t, "queries": len(c.target),
                                 "top1_with_taught_signs": round(_top1(c, fusion), 4),
                                 "top1_model_alone": round(_alone(c), 4)}
                                for x, t, c in looks],
            "lookalike_keep": LOOKALIKE_KEEP,
            "temperature": temperature, "matcher": matching.MATCH_VERSION,
            "match_steps": matching.MATCH_STEPS, "shortlist": matching.SHORTLIST}
