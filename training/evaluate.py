"""Step 5: measure a model — top-1/top-5, per-class accuracy, confusion matrix.

    python -m training.evaluate --checkpoint runs/main/best.pt --splits test --signs 1-70 --signers 01
    python -m training.evaluate --onnx models/arsl_karsl82.onnx --folders <sample folders or videos...>
    python -m training.evaluate --loso --signs 71-76 --epochs 20      # leave-one-signer-out
    python -m training.evaluate --figures --out runs/figures           # every reported figure (training.figures)
    python -m training.evaluate --transfer --out runs/transfer         # unseen signs from k examples (training.transfer)
    python -m training.evaluate --continuous --out runs/continuous     # signs in a row (training.continuous_eval)

Works on a torch checkpoint or an exported ONNX model (through the app's own
`SignClassifier`). Clips a checkpoint was trained on are never scored. `--folders` runs
MediaPipe on the given recordings, exactly as the app does. Leave-one-signer-out trains
on every other signer's training split and tests on all of the held-out signer's clips.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import numpy as np

from arsl_desktop import paths
from training.cache import load_cache
from training.discover import parse_ranges
from training.metrics import clips_from_folders, evaluate, onnx_scorer, plot_confusion, torch_scorer

log = logging.getLogger("training.evaluate")

def loso(cache: Path, signs: str, out: Path, epochs: int, epoch_size: int, seed: int = 0) -> dict:
    """Leave-one-signer-out on signs several signers recorded: train on the others, test on one."""
    from training.train import TrainConfig, train

    clips = load_cache(cache, signs=parse_ranges(signs))
    signers = sorted({c.signer for c in clips})
    if len(signers) < 2:
        raise ValueError(f"leave-one-signer-out needs two signers; the cache has {signers} for signs {signs}")
    results = {}
    for held in signers:
        others = ",".join(s for s in signers if s != held)
        # No validation set: the held-out signer must not pick the epoch; the last one is kept.
        cfg = TrainConfig(cache=str(cache), out=str(out / f"loso_{held}"), signs=signs, train_signers=others,
                          train_splits="train", val_splits="", epochs=epochs, epoch_size=epoch_size, seed=seed)
        summary = train(cfg, quiet=True)
        score, class_ids, seq_len, _, options = torch_scorer(out / f"loso_{held}" / "best.pt")
        test = [c for c in clips if c.signer == held]
        res = evaluate(score, class_ids, seq_len, test, options)
        res.update(train_signers=others, test_signer=held, train_seconds=summary["seconds"])
        log.info("LOSO test signer %s (trained on %s): top-1 %.3f  top-5 %.3f  (n=%d)",
                 held, others, res["top1"], res["top5"], res["n"])
        results[held] = res
    return results


def _record(a: argparse.Namespace, argv: list[str] | None, out: Path, fig: dict, key: str, res: dict) -> dict:
    """A result with its variant and command, into <out>/<key>.json and (--into) the figures."""
    from training.figures import write_json

    res["variant"] = a.variant
    res["command"] = "python -m training.evaluate " + " ".join(argv if argv is not None else sys.argv[1:])
    write_json(out / f"{key}.json", res)
    if a.into:
        fig[key] = res
        write_json(a.into, fig)
    return res


def _personal(a: argparse.Namespace, argv: list[str] | None) -> int:
    """--personal: the taught-sign rows and the fusion, into <out>/personal.json (and --into)."""
    from training.figures import variant_config
    from training.matcher_choices import matcher_choices
    from training.personal_eval import run as run_personal
    from training.personal_eval import taught_sets
    from training.train import TrainConfig

    out = a.out or paths.install_root() / "runs" / "personal"
    fig = json.loads(a.into.read_text(encoding="utf-8")) if a.into else {}
    temperature = (((fig.get("cases") or {}).get("validation") or {}).get("calibration") or {}).get("temperature")
    if temperature is None:  # the shipped model's calibration
        from arsl_desktop.core.classifier import SignClassifier

        temperature = float(SignClassifier(paths.default_model_path()).meta.get("arsl_temperature", 1.0))
    base = variant_config(a.variant, TrainConfig(threads=a.threads, seed=a.seed))
    res = run_personal(a.cache, out, base, temperature=temperature, webcam_cache=a.webcam_cache)
    res["matcher_choices"] = matcher_choices(taught_sets(a.cache, a.webcam_cache))
    res = _record(a, argv, out, fig, "personal", res)
    for r in res["rows"]:
        print(f"{r['row']} {r['data']:8s} signer {r['signer']} k={r['k']}: app {r['app_top1']:.3f}  matcher "
              f"{r['matcher_top1_taught_only']:.3f}  DTW baseline {r['dtw_baseline_top1_taught_only']:.3f}  "
              f"n={r['queries']}", flush=True)
    print(f"wrote {out / 'personal.json'}")
    return 0


def _continuous(a: argparse.Namespace, argv: list[str] | None) -> int:
    """--continuous: the sign error rate of transcription on streams of unseen recordings."""
    from training.continuous_eval import run as run_continuous

    out = a.out or paths.install_root() / "runs" / "continuous"
    figures_dir = a.into.parent if a.into else paths.install_root() / "runs" / "figures"
    fig = json.loads(a.into.read_text(encoding="utf-8")) if a.into else {}
    res = _record(a, argv, out, fig, "continuous", run_continuous(a.cache, figures_dir, out))
    print(f"split chosen on validation streams: {res['split_name']}")
    for r in res["rows"]:
        print(f"{r['row']:14s} {r['kind']:8s} split {r['split']:6s} SER {r['ser']:.3f}  (S {r['substitutions']}, "
              f"D {r['deletions']}, I {r['insertions']} of {r['signs']} signs in {r['streams']} streams)", flush=True)
    print(f"wrote {out / 'continuous.json'}")
    return 0


def _imbalance(a: argparse.Namespace, argv: list[str] | None) -> int:
    """--imbalance: misses toward the better-recorded look-alike, per option (training.imbalance)."""
    from training.figures import variant_config
    from training.imbalance import run as run_imbalance
    from training.train import TrainConfig

    out = a.out or paths.install_root() / "runs" / "imbalance"
    fig = json.loads(a.into.read_text(encoding="utf-8")) if a.into else {}
    base = variant_config(a.variant, TrainConfig(threads=a.threads, seed=a.seed))
    res = _record(a, argv, out, fig, "imbalance", run_imbalance(a.cache, out, base))
    for r in res["rows"]:
        print(f"{r['option']:28s} top-1 {r['top1']:.3f}  misses toward the better-recorded look-alike "
              f"{r['toward_better']}, toward the other {r['toward_other']}", flush=True)
    print(f"wrote {out / 'imbalance.json'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", type=Path, help="a torch checkpoint (best.pt) from training.train")
    src.add_argument("--onnx", type=Path, help="an exported ONNX model")
    src.add_argument("--loso", action="store_true", help="leave-one-signer-out (trains one model per signer)")
    src.add_argument("--transfer", action="store_true",
                     help="signs 71-76 left out of training, enrolled from k clips of one signer, tested on the other")
    src.add_argument("--personal", action="store_true",
                     help="taught signs (71-76) by own signer, other signer, pack + own, adaptation; fits "
                          "the personal-sign fusion (training.personal_eval)")
    src.add_argument("--continuous", action="store_true",
                     help="signs in a row: sign error rate of transcription with the figures' case models "
                          "(training.continuous_eval; --into runs/figures/figures.json)")
    src.add_argument("--imbalance", action="store_true",
                     help="look-alikes learnt from 2 and 1 recordings: is the better-recorded one favoured? "
                          "(training.imbalance)")
    src.add_argument("--figures", action="store_true",
                     help="every reported figure: trains the measurement models, writes <out>/figures.json")
    ap.add_argument("--variant", default="recipe", help="(--figures, --transfer) the recipe or a named "
                    "variant of training.figures.VARIANTS")
    ap.add_argument("--into", type=Path, default=None,
                    help="(--transfer) also add the result to this figures.json under 'transfer'")
    ap.add_argument("--webcam-cache", type=Path, default=None,
                    help="(--personal, --figures) keypoints of webcam-like renderings (training.extract --webcam); "
                    "--figures tests its webcam cases on them (default: webcam beside --cache)")
    ap.add_argument("--cases", default=None, help="(--figures) comma list of cases (default: all)")
    ap.add_argument("--threads", type=int, default=0, help="(--figures) torch CPU threads (0: torch's default)")
    ap.add_argument("--cache", type=Path, default=paths.install_root() / "cache" / "keypoints")
    ap.add_argument("--folders", type=Path, nargs="+", help="sample folders or videos instead of the cache")
    ap.add_argument("--signers", default=None)
    ap.add_argument("--splits", default="test")
    ap.add_argument("--signs", default=None, help="ranges, e.g. 1-70")
    ap.add_argument("--out", type=Path, default=None, help="folder for report.json and confusion.png")
    ap.add_argument("--epochs", type=int, default=20, help="(--loso) training epochs per signer")
    ap.add_argument("--epoch-size", type=int, default=1200, help="(--loso) samples per epoch")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        if a.personal:
            return _personal(a, argv)
        if a.continuous:
            return _continuous(a, argv)
        if a.imbalance:
            return _imbalance(a, argv)
        if a.transfer:
            from training.transfer import run as run_transfer

            out = a.out or paths.install_root() / "runs" / "transfer"
            fig = json.loads(a.into.read_text(encoding="utf-8")) if a.into else {}
            temperature = (((fig.get("cases") or {}).get("validation") or {}).get("calibration") or {}).get(
                "temperature", 1.0)  # the shipped logits' temperature, for the personal-sign calibration
            from training.figures import variant_config
            from training.train import TrainConfig

            base = variant_config(a.variant, TrainConfig(threads=a.threads, seed=a.seed))
            res = _record(a, argv, out, fig, "transfer", run_transfer(a.cache, out, base, temperature=temperature))
            for r in res["rows"]:
                print(f"enrol signer {r['enrol_signer']} k={r['k']} -> test signer {r['test_signer']}: embedding "
                      f"{r['embedding_top1']:.3f}  DTW {r['dtw_top1']:.3f}  n={r['queries']}", flush=True)
            print(f"wrote {out / 'transfer.json'}")
            return 0
        if a.figures:
            from training.figures import run as run_figures

            out = a.out or paths.install_root() / "runs" / "figures"
            from training.train import TrainConfig

            fig = run_figures(out, a.cache, a.variant, a.cases.split(",") if a.cases else None,
                              base=TrainConfig(threads=a.threads, seed=a.seed), argv=argv, webcam=a.webcam_cache)
            for name, row in fig["cases"].items():
                m, d = row["model"], row["dtw"]
                print(f"{name:14s} model top-1 {m['top1']:.3f} top-5 {m['top5']:.3f}  |  DTW top-1 {d['top1']:.3f}  "
                      f"n={m['n']}", flush=True)
            print(f"wrote {out / 'figures.json'}")
            return 0
        if a.loso:
            out = a.out or paths.install_root() / "runs" / "loso"
            res = loso(a.cache, a.signs or "71-76", out, a.epochs, a.epoch_size, a.seed)
            out.mkdir(parents=True, exist_ok=True)
            (out / "report.json").write_text(json.dumps(res, indent=2))
            for held, r in res.items():
                print(f"test signer {held} (trained on {r['train_signers']}): top-1 {r['top1']:.3f}  "
                      f"top-5 {r['top5']:.3f}  n={r['n']}")
            return 0
        score, class_ids, seq_len, trained_on, options = (torch_scorer(a.checkpoint) if a.checkpoint
                                                          else onnx_scorer(a.onnx))
        if a.folders:
            clips = clips_from_folders(a.folders)
        else:
            clips = load_cache(a.cache, set(a.signers.split(",")) if a.signers else None,
                               set(a.splits.split(",")) if a.splits else None, parse_ranges(a.signs))
        seen = [c for c in clips if c.sample in trained_on]
        if seen:
            log.info("left out %d clips the model was trained on", len(seen))
            clips = [c for c in clips if c.sample not in trained_on]
        res = evaluate(score, class_ids, seq_len, clips, options)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"clips {res['n']}  top-1 {res['top1']:.3f}  top-5 {res['top5']:.3f}"
          + (f"  (skipped {res['skipped_unknown_sign']} of unknown signs)" if res["skipped_unknown_sign"] else ""))
    worst = sorted(res["per_class"].items(), key=lambda kv: kv[1])[:10]
    print("weakest signs: " + ", ".join(f"{k}: {v:.2f}" for k, v in worst))
    if a.out:
        a.out.mkdir(parents=True, exist_ok=True)
        (a.out / "report.json").write_text(json.dumps(res, indent=2))
        plot_confusion(np.array(res["confusion"]), class_ids, a.out / "confusion.png",
                       f"top-1 {res['top1']:.3f} on {res['n']} clips")
        print(f"wrote {a.out / 'report.json'} and {a.out / 'confusion.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
