"""Learn mode measured (issue 19): does the score separate the right sign from another sign, and
does the feedback name what was done differently?

    python -m training.learn_eval --out runs/learn [--cache cache/keypoints] [--doc docs/LEARN.md]

References are chosen as `training.references` chooses them, from TRAINING-split clips only
(up to 3 per sign, signers in turn); every other clip is an attempt. The score's calibration
(a logistic map of the DTW distance to the nearest reference, fitted right sign vs any other
sign, classes weighted equally), the pass mark (lowest mean of false fails and false passes
against the look-alike neighbour) and the per-part typical costs (90th percentile for right
attempts) are fitted on the TRAINING-split attempts (signs 71-77: signs 1-70 have one training
recording, which is their reference); the figures are reported on the TEST-split attempts, which
no fitting saw. Feedback is checked on test-split right-sign attempts altered on purpose
(`training.learn_alter`), scored with the constants the app ships (`core.practice`,
`core.feedback`); if those differ from what this run fitted, it says so: paste the printed values.
Writes `<out>/learn.json` and the blocks of `docs/LEARN.md`.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from arsl_desktop.core import feedback as FB
from arsl_desktop.core import matching as M
from arsl_desktop.core import practice as P
from arsl_desktop.core.personal_store import Example
from training import learn_alter as A
from training.cache import Clip, load_cache
from training.model_card import replace_block
from training.references import select

COMMAND = "python -m training.learn_eval --out runs/learn"
PAIRS = {73: 77, 75: 76, 72: 74}


def neighbour(sign: int) -> int | None:
    """The look-alike neighbour: 2k-1 <-> 2k for signs 1-70; 73/77, 75/76, 72/74."""
    if 1 <= sign <= 70:
        return sign + 1 if sign % 2 else sign - 1
    for a, b in PAIRS.items():
        if sign in (a, b):
            return b if sign == a else a
    return None


def example(clip: Clip) -> Example:
    return Example(clip.xyz, clip.present, clip.times - clip.times[0], clip.aspect)


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(a right-sign attempt is nearer than another-sign attempt): lower distance = better."""
    if not len(pos) or not len(neg):
        return float("nan")
    allv = np.r_[pos, neg]
    order = allv.argsort(kind="mergesort")
    ranks = np.empty(len(allv))
    ranks[order] = np.arange(1, len(allv) + 1)
    for v in np.unique(allv):  # ties share their mean rank
        m = allv == v
        ranks[m] = ranks[m].mean()
    u = ranks[len(pos):].sum() - len(neg) * (len(neg) + 1) / 2  # negatives ranked above positives
    return float(u / (len(pos) * len(neg)))


def fit_logistic(pos: np.ndarray, neg: np.ndarray) -> tuple[float, float]:
    """(mid, slope) with P(right) = 1 / (1 + exp(slope * (d - mid))), classes weighted equally (Newton)."""
    x = np.r_[pos, neg]
    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    w = np.r_[np.full(len(pos), 0.5 / len(pos)), np.full(len(neg), 0.5 / len(neg))]
    theta = np.array([0.0, -1.0])  # logit = t0 + t1 * d
    X = np.c_[np.ones_like(x), x]
    for _ in range(100):
        p = 1 / (1 + np.exp(-(X @ theta)))
        g = X.T @ (w * (p - y))
        H = (X * (w * p * (1 - p))[:, None]).T @ X + 1e-9 * np.eye(2)
        step = np.linalg.solve(H, g)
        theta -= step
        if np.abs(step).max() < 1e-10:
            break
    slope = -theta[1]
    return float(theta[0] / slope), float(slope)


class Bank:
    """The references of every sign, prepared and stacked, for distances from one attempt."""

    def __init__(self, refs: dict[int, list[Clip]]) -> None:
        self.examples = {s: [example(c) for c in cs] for s, cs in refs.items() if cs}
        self.signs = sorted(self.examples)
        prepared = [(s, P.prepare_example(e)) for s in self.signs for e in self.examples[s]]
        self.owner = np.array([s for s, _ in prepared])
        self.stack = np.stack([p.match for _, p in prepared])

    def others(self, sign: int) -> list[list[Example]]:
        return [self.examples[s] for s in self.signs if s != sign]

    def distances(self, clip: Clip) -> dict[int, float]:
        """Per sign with references: the DTW distance to its nearest reference (attempt as is or mirrored)."""
        ex = example(clip)
        d = np.minimum(*(M.dtw_batch(P.prepare_example(ex, m).match, self.stack) for m in (False, True)))
        return {s: float(d[self.owner == s].min()) for s in self.signs}


def margins(d: dict[int, float]) -> dict[int, float]:
    """Per target sign: distance to its references minus the distance to the nearest other sign's
    (what `practice.score_of` maps)."""
    if len(d) < 2:
        return {}
    order = sorted(d, key=d.get)
    first, second = order[0], order[1]
    return {t: v - (d[second] if t == first else d[first]) for t, v in d.items()}


def separation(rows: list[dict], key: str = "m") -> dict:
    pos = np.array([r[key][r["sign"]] for r in rows if r["sign"] in r[key]])
    neg = np.array([d for r in rows for s, d in r[key].items() if s != r["sign"]])
    nb = np.array([r[key][n] for r in rows if (n := neighbour(r["sign"])) in r[key] and r["sign"] in r[key]])
    nbpos = np.array([r[key][r["sign"]] for r in rows if neighbour(r["sign"]) in r[key] and r["sign"] in r[key]])
    return {"pos": pos, "neg": neg, "nb": nb, "nbpos": nbpos}


def pass_errors(sep: dict, threshold: float) -> dict:
    """At a distance threshold (pass when d <= threshold): false fails and false passes."""
    def rate(a, cond):
        return float(cond(a).mean()) if len(a) else float("nan")
    return {"false_fail": rate(sep["pos"], lambda a: a > threshold),
            "false_pass_all": rate(sep["neg"], lambda a: a <= threshold),
            "false_pass_neighbour": rate(sep["nb"], lambda a: a <= threshold)}


def choose_pass(sep: dict) -> float:
    """The distance threshold with the lowest mean of false fails and false passes vs the neighbour."""
    cands = np.unique(np.r_[sep["pos"], sep["nb"]])
    errs = [np.mean([(sep["pos"] > t).mean(), (sep["nb"] <= t).mean()]) for t in cands]
    best = int(np.argmin(errs))
    hi = cands[best + 1] if best + 1 < len(cands) else cands[best]
    return float((cands[best] + hi) / 2)


def typical_costs(rows: list[dict], bank: Bank) -> dict[str, tuple[float, float]]:
    """Per part: the median and 90th percentile of the mean aligned cost, right-sign attempts vs their nearest reference."""
    per: dict[str, list[float]] = {k: [] for k in FB.PARTS}
    for r in rows:
        if r["sign"] not in bank.examples:
            continue
        refs = [P.prepare_example(e) for e in bank.examples[r["sign"]]]
        _, k, att = P.nearest(example(r["clip"]), refs)
        _, path = P.dtw_path(M.cost_matrices(att.match, refs[k].match[None])[0])
        for part, c in FB.pair_costs(att, refs[k], path, P.sign_duration(refs))[0].items():
            per[part].append(float(c.mean()))
    return {k: (float(np.median(v)), float(np.percentile(v, 90))) for k, v in per.items()}


def alterations(rows: list[dict], bank: Bank, donors: list[Clip], seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    out: dict[str, dict] = {}
    plain = {"n": 0, "any": 0}
    for r in rows:
        if r["sign"] in bank.examples and P.has_hands(example(r["clip"])):
            res = P.score_attempt(example(r["clip"]), bank.examples[r["sign"]], bank.others(r["sign"]))
            plain["n"] += 1
            plain["any"] += bool(res.feedback)
    for name, (part, fn) in A.ALTERATIONS.items():
        n = first = named = 0
        scores = []
        for r in rows:
            clip = r["clip"]
            if r["sign"] not in bank.examples:
                continue
            if part == "movement" and A.wrist_travel(clip) < A.MIN_TRAVEL:
                continue
            others = [d for d in donors if d.sign != clip.sign]
            try:
                altered = fn(clip, others[int(rng.integers(len(others)))])
            except ValueError:
                continue
            res = P.score_attempt(example(altered), bank.examples[r["sign"]], bank.others(r["sign"]))
            n += 1
            parts = [f.part for f in res.feedback]
            first += bool(parts) and parts[0] == part
            named += part in parts
            scores.append(res.score)
        out[name] = {"part": part, "n": n, "first": first / n if n else float("nan"),
                     "named": named / n if n else float("nan"), "mean_score": float(np.mean(scores)) if scores else 0}
    out["_plain"] = {"n": plain["n"], "with_feedback": plain["any"] / max(plain["n"], 1)}
    return out


def _summed(alt: dict) -> dict:
    parts = {k: v for k, v in alt.items() if not k.startswith("_")}
    n = sum(v["n"] for v in parts.values())
    alt["_all"] = {"n": n, "first": sum(v["first"] * v["n"] for v in parts.values() if v["n"]) / max(n, 1),
                   "named": sum(v["named"] * v["n"] for v in parts.values() if v["n"]) / max(n, 1)}
    return alt


def render(fit: dict, report: dict, alt: dict, counts: dict) -> tuple[str, str]:
    pct = lambda v: "n/a" if v != v else f"{100 * v:.1f}%"  # noqa: E731
    e = report["errors"]
    score = (
        f"Fitted on {counts['cal']} training-split attempts (signs 71-77), reported on {counts['test']} "
        f"test-split attempts (signs 1-69 odd: signer 01; 71-77: both signers; 78-82 only as other "
        f"signs, they have no training recording); references: up to 3 training-split recordings per "
        f"sign, {counts['signs']} signs (`{COMMAND}`).\n\n"
        "| test-split attempts | right-sign attempts | other-sign pairs | ROC AUC (target) |\n|---|---|---|---|\n"
        f"| vs all other signs | {len(report['sep']['pos'])} | {len(report['sep']['neg'])} | "
        f"{report['auc_all']:.3f} (>= 0.95) |\n"
        f"| vs the look-alike neighbour | {len(report['sep']['nbpos'])} | {len(report['sep']['nb'])} | "
        f"{report['auc_nb']:.3f} (>= 0.90) |\n\n"
        f"AUC targets {'met' if report['auc_all'] >= 0.95 and report['auc_nb'] >= 0.90 else '**not met**'}. "
        f"Score = 100 / (1 + exp({fit['slope']:.2f} x (margin - {fit['mid']:.3f}))), margin = DTW distance to "
        f"the sign's nearest reference - distance to the nearest other sign's; pass mark "
        f"**{fit['pass_mark']:.0f}** (margin {fit['threshold']:.3f}). At the pass mark, on the test split: "
        f"right-sign attempts failed {pct(e['false_fail'])}, other-sign attempts passed {pct(e['false_pass_all'])}"
        f" (the look-alike neighbour {pct(e['false_pass_neighbour'])}). Training split (fitted on): AUC "
        f"{fit['auc_all']:.3f} / {fit['auc_nb']:.3f} (all / neighbour). The distance alone, without the "
        f"margin, separates less: AUC {fit['distance_auc']['test'][0]:.3f} / {fit['distance_auc']['test'][1]:.3f} "
        f"on the test split.")
    rows = "\n".join(
        f"| {name} | {v['part']} | {v['n']} | {pct(v['first'])} | {pct(v['named'])} | {v['mean_score']:.0f} |"
        for name, v in alt.items() if not name.startswith("_"))
    fb = (
        "Test-split right-sign attempts, each altered on purpose in one part (`training/learn_alter.py`); "
        f"movement alterations only where the wrist travels >= {A.MIN_TRAVEL:g} shoulder width (`{COMMAND}`). "
        "Target: the altered part named first in >= 90%.\n\n"
        "| alteration | expected part | attempts | named first | named at all | mean score |\n|---|---|---|---|---|---|\n"
        f"{rows}\n| **all** | | {alt['_all']['n']} | **{pct(alt['_all']['first'])}** | {pct(alt['_all']['named'])} | |\n\n"
        f"Target {'met' if alt['_all']['first'] >= 0.9 else '**not met**'} overall. "
        f"Unaltered right-sign attempts ({alt['_plain']['n']}) given any feedback: {pct(alt['_plain']['with_feedback'])}. "
        f"Typical part costs fitted: " + ", ".join(f"{k} {v[0]:.3f} / {v[1]:.3f}" for k, v in fit["typical"].items()) + " (median / 90th percentile)" +
        ("" if fit["constants_match"] else " (**the app's constants differ from this fit: paste the printed values**)") + ".")
    val = alt.get("_validation")
    if val:
        fb += ("\n\nThe same alterations of training-split attempts (where the feedback's choices, such as "
               "`feedback.AMOUNT_WEIGHT`, are made; the test split only reports): " + ", ".join(
                   f"{k.lstrip('_').replace('all', '**all**')} {pct(v['first'])}" for k, v in val.items()) + ".")
    return score, fb


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path("cache/keypoints"))
    ap.add_argument("--out", type=Path, default=Path("runs/learn"))
    ap.add_argument("--doc", type=Path, default=Path("docs/LEARN.md"))
    args = ap.parse_args(argv)
    clips = load_cache(args.cache)
    refs = select(clips, splits=("train",))
    used = {c.sample for cs in refs.values() for c in cs}
    bank = Bank(refs)
    rows = [{"clip": c, "sign": c.sign, "split": c.split} for c in clips if c.sample not in used]
    for r in rows:
        r["d"] = bank.distances(r["clip"])
        r["m"] = margins(r["d"])
    cal = [r for r in rows if r["split"] == "train"]
    test = [r for r in rows if r["split"] != "train"]
    sc = separation(cal)
    mid, slope = fit_logistic(sc["pos"], sc["neg"])
    threshold = choose_pass(sc)
    pass_mark = 100.0 / (1.0 + math.exp(slope * (threshold - mid)))
    typical = typical_costs(cal, bank)
    rival = float(np.median([min(v for s, v in r["d"].items() if s != r["sign"]) for r in cal]))
    sd, td = separation(cal, "d"), separation(test, "d")
    fit = {"mid": mid, "slope": slope, "threshold": threshold, "pass_mark": pass_mark, "typical": typical,
           "rival": rival, "auc_all": auc(sc["pos"], sc["neg"]), "auc_nb": auc(sc["nbpos"], sc["nb"]),
           "distance_auc": {"train": [auc(sd["pos"], sd["neg"]), auc(sd["nbpos"], sd["nb"])],
                            "test": [auc(td["pos"], td["neg"]), auc(td["nbpos"], td["nb"])]}}
    shipped = (P.SCORE_MID, P.SCORE_SLOPE, P.PASS_MARK, P.TYPICAL_RIVAL, FB.TYPICAL)
    fitted = (round(mid, 3), round(slope, 2), float(round(pass_mark)), round(rival, 3),
              {k: (round(v[0], 3), round(v[1], 3)) for k, v in typical.items()})
    fit["constants_match"] = shipped == fitted
    print(f"fitted: SCORE_MID = {fitted[0]}, SCORE_SLOPE = {fitted[1]}, PASS_MARK = {fitted[2]}, "
          f"TYPICAL_RIVAL = {fitted[3]}, TYPICAL = {fitted[4]}"
          + ("" if fit["constants_match"] else "   <- differ from the app's: paste them"))
    st = separation(test)
    # The pass mark the app ships, as a distance (what test attempts are judged by).
    ship_threshold = P.SCORE_MID + math.log(100.0 / P.PASS_MARK - 1.0) / P.SCORE_SLOPE  # a margin
    report = {"sep": st, "auc_all": auc(st["pos"], st["neg"]), "auc_nb": auc(st["nbpos"], st["nb"]),
              "errors": pass_errors(st, ship_threshold), "errors_train": pass_errors(sc, ship_threshold)}
    donors = [c for cs in refs.values() for c in cs]
    alt = _summed(alterations(test, bank, donors))
    # the same on training-split attempts (what feedback choices are made on; the test split only reports)
    alt_val = _summed(alterations(cal, bank, donors))
    alt["_validation"] = {k: {"n": v["n"], "first": v["first"]} for k, v in alt_val.items()
                          if not k.startswith("_") or k == "_all"}
    print("validation (training-split attempts): " + ", ".join(
        f"{k} {v['first']:.3f} (n={v['n']})" for k, v in alt["_validation"].items()))
    counts = {"cal": len(cal), "test": len(test), "signs": len(bank.signs)}
    score_md, fb_md = render(fit, report, alt, counts)
    print(score_md, "\n\n", fb_md, sep="")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "learn.json").write_text(json.dumps({
        "fit": fit, "counts": counts, "test": {k: v for k, v in report.items() if k != "sep"},
        "alterations": alt}, indent=1, default=float))
    if args.doc.is_file():
        text = replace_block(replace_block(args.doc.read_text(encoding="utf-8"), "learn", score_md), "learn-feedback", fb_md)
        args.doc.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
