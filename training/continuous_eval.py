"""Continuous transcription, measured with the figures' case models (`training.continuous`).

    python -m training.evaluate --continuous --out runs/continuous --into runs/figures/figures.json

Needs the case models of `python -m training.evaluate --figures --variant w1_ens3 --out runs/figures`
(each exported here to `<case>/model.onnx` with the validation temperature, so the app's own
`SignClassifier` and `Recognizer` run them). Then:

1. **Choose** how a segment is cut into signs (`core.segmentation.SplitConfig`) on validation
   streams only: each leave-one-signer-out model on the left-out signer's TRAINING recordings of
   signs 71-76, with and without rest between signs.
2. **Report** the sign error rate with the chosen setting and with no cutting, on streams of
   recordings each case's model never learnt from: the validation case's held-back recordings
   (71-77), signer 01's test recordings of 1-70 (the one-shot case), the test split of 71-82, and
   each left-out signer's test recordings (71-76). Test splits are never used to choose anything.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, replace
from pathlib import Path

from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.recognizer import Recognizer
from arsl_desktop.core.segmentation import SplitConfig
from training import continuous as C
from training.cache import Clip, load_cache
from training.discover import parse_ranges

log = logging.getLogger("training.continuous_eval")

# row: (title, case whose model is used, test clips: (signers, splits, signs) or None = the case's validation clips)
REPORT = {
    "validation": ("held-back recordings of 71-77 (validation case), both signers", "validation", None),
    "one_shot_1_70": ("signer 01, test recordings of 1-70 (one-shot case)", "one_shot_1_70", ("01", "test", "1-70")),
    "test_71_82": ("test recordings of 71-82 not learnt, both signers", "one_shot_1_70", (None, "test", "71-82")),
    "loso_test_01": ("unseen signer 01, test recordings of 71-76", "loso_test_01", ("01", "test", "71-76")),
    "loso_test_02": ("unseen signer 02, test recordings of 71-76", "loso_test_02", ("02", "test", "71-76")),
}
# validation for choosing: (case, the left-out signer's TRAINING recordings)
CHOOSE = (("loso_test_01", "01"), ("loso_test_02", "02"))


def case_model(figures_dir: Path, case: str, temperature: float) -> tuple[SignClassifier, set[str]]:
    """The case's model as the app loads it (exported once beside its checkpoint) and the samples
    it learnt from."""
    import torch

    from training.export import main as export_main

    ckpt = figures_dir / case / "best.pt"
    if not ckpt.is_file():
        raise FileNotFoundError(f"{ckpt} is missing: run python -m training.evaluate --figures --variant w1_ens3 "
                                f"--out {figures_dir} first")
    onnx = figures_dir / case / "model.onnx"
    if not onnx.is_file() or onnx.stat().st_mtime < ckpt.stat().st_mtime:
        if export_main(["--checkpoint", str(ckpt), "--out", str(onnx), "--temperature", str(temperature),
                        "--name", f"figures case {case}"]) != 0:
            raise ValueError(f"could not export {ckpt}")
    trained = set(torch.load(ckpt, map_location="cpu", weights_only=True).get("train_samples", []))
    return SignClassifier(onnx), trained


def _clips(cache: Path, spec: tuple, clf: SignClassifier, trained: set[str]) -> list[Clip]:
    signers, splits, signs = spec
    clips = load_cache(cache, set(signers.split(",")) if signers else None, set(splits.split(",")),
                       parse_ranges(signs))
    known = set(clf.class_ids)
    return [c for c in clips if c.sample not in trained and c.sign in known]


def _validation_clips(cache: Path, clf: SignClassifier, trained: set[str]) -> list[Clip]:
    from training.figures import CASES
    from training.selection import select_data
    from training.train import TrainConfig

    cfg = replace(TrainConfig(), cache=str(cache), val_splits="", **CASES["validation"][1])
    return [c for c in select_data(cfg)[1] if c.sample not in trained]


def _streams(clips: list[Clip]) -> dict[str, list[C.Stream]]:
    groups = C.compose(clips)
    return {kind: [C.splice(g, kind) for g in groups] for kind in C.KINDS}


def run(cache: Path, figures_dir: Path, out: Path) -> dict:
    # the validation case's calibration, as the shipped model's logits use it
    summary = json.loads((figures_dir / "validation" / "summary.json").read_text(encoding="utf-8"))
    temperature = float((summary.get("calibration") or {}).get("temperature", 1.0))
    models: dict[str, tuple[SignClassifier, set[str]]] = {}

    def model(case: str) -> tuple[SignClassifier, set[str]]:
        if case not in models:
            models[case] = case_model(figures_dir, case, temperature)
        return models[case]

    sets, chosen_on = [], []
    for case, signer in CHOOSE:
        try:
            clf, trained = model(case)
        except FileNotFoundError as exc:
            log.warning("choosing without %s: %s", case, exc)
            continue
        chosen_on.append(case)
        streams = _streams(_clips(cache, (signer, "train", "71-76"), clf, trained))
        sets += [(clf, streams[kind], kind) for kind in C.KINDS]
    if not sets:
        raise FileNotFoundError(f"no leave-one-signer-out case model in {figures_dir} to choose on")
    chosen, grid = C.choose_split(sets)
    log.info("chosen: %s", C.split_name(chosen))
    rows = []
    missing = []
    for name, (title, case, spec) in REPORT.items():
        try:
            clf, trained = model(case)
        except FileNotFoundError as exc:  # a case not trained (yet): said in the result, not hidden
            log.warning("%s: %s", name, exc)
            missing.append(name)
            continue
        clips = _validation_clips(cache, clf, trained) if spec is None else _clips(cache, spec, clf, trained)
        if len(clips) < C.SIGNS_PER_STREAM:
            log.warning("%s: too few clips (%d)", name, len(clips))
            continue
        for kind, streams in _streams(clips).items():
            for label, split in (("chosen", chosen), ("off", SplitConfig(enabled=False))):
                res = C.score(Recognizer(clf, top_k=5, split=split), streams)
                rows.append({"row": name, "title": title, "case": case, "kind": kind, "split": label, **res})
                log.info("%-14s %-8s split %-6s SER %.3f  (S %d, D %d, I %d of %d signs)", name, kind, label,
                         res["ser"], res["substitutions"], res["deletions"], res["insertions"], res["signs"])
    return {"split": asdict(chosen), "split_name": C.split_name(chosen), "choice": grid, "rows": rows,
            "not_measured": missing, "chosen_on": chosen_on,
            "temperature": temperature, "streams": {"signs_per_stream": C.SIGNS_PER_STREAM, "rest_s": C.REST_S,
                                                    "transition_s": C.TRANSITION_S}}
