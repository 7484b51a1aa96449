"""Step 6: checkpoint -> ONNX model the app loads (metadata, parity check, optional int8).

    python -m training.export --checkpoint runs/final/best.pt --out models/arsl_karsl82.onnx \
        --name "ArSL KArSL-82 attention-BiLSTM" --figures runs/figures/figures.json [--int8]

Input "features" [batch, seq_len, FEATURE_DIM] (dynamic batch); outputs "logits" (divided
by the temperature fitted on validation data, so softmax confidences are calibrated) and
"embedding" (the pooled vector before the head). The metadata is built by
`arsl_desktop.core.classifier.model_metadata`, so the app's checks and this exporter cannot
drift apart; `--figures` (from `training.evaluate --figures`) goes in whole. The result is
verified by loading it with the app's `SignClassifier` and comparing with PyTorch.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

import numpy as np
import onnx
import torch

from arsl_desktop.core import features as F
from arsl_desktop.core.classifier import (
    EMBEDDING_NAME,
    INPUT_NAME,
    OUTPUT_NAME,
    SignClassifier,
    model_metadata,
)
from training.model import load_checkpoint

log = logging.getLogger("training.export")
OPSET = 17


class Deployed(torch.nn.Module):
    """What the app runs: calibrated logits and the sign embedding, from one pass."""

    def __init__(self, model: torch.nn.Module, temperature: float = 1.0) -> None:
        super().__init__()
        self.model = model
        self.temperature = float(temperature)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logits, emb = self.model(x, with_embedding=True)  # eval mode: head(embedding), or an ensemble's
        return logits / self.temperature, emb


def export_onnx(model: torch.nn.Module, seq_len: int, path: Path, metadata: dict[str, str]) -> Path:
    """Trace to ONNX (TorchScript exporter: bidirectional LSTM exports cleanly at opset 17)."""
    model.eval()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    dummy = torch.zeros(2, seq_len, F.FEATURE_DIM)
    tmp = path.with_suffix(".tmp.onnx")
    names = [OUTPUT_NAME, EMBEDDING_NAME] if isinstance(model, Deployed) else [OUTPUT_NAME]
    torch.onnx.export(model, (dummy,), str(tmp), input_names=[INPUT_NAME], output_names=names,
                      dynamic_axes={INPUT_NAME: {0: "batch"}, **{n: {0: "batch"} for n in names}},
                      opset_version=OPSET, dynamo=False, do_constant_folding=True)
    proto = onnx.load(str(tmp))
    del proto.metadata_props[:]
    for k, v in metadata.items():
        proto.metadata_props.add(key=k, value=v)
    proto.doc_string = "ArSL Desktop sign classifier (exported by training.export)"
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))
    tmp.unlink(missing_ok=True)
    return path


def parity(model: torch.nn.Module, onnx_path: Path, x: np.ndarray) -> float:
    """Max |logit difference| between PyTorch and onnxruntime on the same input."""
    import onnxruntime as ort

    with torch.no_grad():
        want = model(torch.from_numpy(x))
        want = (want[0] if isinstance(want, tuple) else want).numpy()
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = sess.run([OUTPUT_NAME], {INPUT_NAME: x})[0]
    return float(np.abs(want - got).max())


def quantize_int8(src: Path, dst: Path) -> Path:
    """Dynamic int8 quantisation of weights (LSTM, MatMul); metadata kept."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # the quantiser logs every tensor it leaves alone
    try:
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)
    meta = {p.key: p.value for p in onnx.load(str(src)).metadata_props}
    proto = onnx.load(str(dst))
    del proto.metadata_props[:]
    for k, v in meta.items():
        proto.metadata_props.add(key=k, value=v)
    onnx.save(proto, str(dst))
    return dst


def _json_arg(text: str | None) -> dict:
    if not text:
        return {}
    p = Path(text)
    return json.loads(p.read_text(encoding="utf-8") if p.is_file() else text)


def _accuracy(clf: SignClassifier, x: np.ndarray, y: np.ndarray) -> float:
    probs = np.concatenate([clf.probabilities(x[i:i + 64]) for i in range(0, len(x), 64)])
    return float((probs.argmax(1) == y).mean())


def personal_metadata(figures: dict) -> dict:
    """How personal signs are fused with this model's ranking: the fusion fitted by
    `training.personal_eval` (figures' "personal"), else the older embedding calibration."""
    if (figures.get("personal") or {}).get("fusion"):
        return {"personal": figures["personal"]["fusion"]}
    old = ((figures.get("transfer") or {}).get("personal_calibration") or {}).get("embedding")
    return {"personal": {k: old[k] for k in ("scale", "offset", "min_similarity")}} if old else {}


def set_figure(model_path: Path, key: str, result: dict, extra: dict | None = None) -> None:
    """Put one measured result into an exported model without re-exporting it: `result` into
    `arsl_figures[key]`, `extra` entries into `arsl_<name>` (written atomically)."""
    proto = onnx.load(str(model_path))
    meta = {p.key: p.value for p in proto.metadata_props}
    figures = json.loads(meta.get("arsl_figures") or "{}")
    figures[key] = result
    meta["arsl_figures"] = json.dumps(figures, ensure_ascii=False)
    meta.update({f"arsl_{k}": json.dumps(v) for k, v in (extra or {}).items()})
    del proto.metadata_props[:]
    for k, v in meta.items():
        proto.metadata_props.add(key=k, value=v)
    tmp = Path(model_path).with_suffix(".tmp.onnx")
    onnx.save(proto, str(tmp))
    os.replace(tmp, model_path)


def set_personal(model_path: Path, personal: dict) -> None:
    """A `training.personal_eval` result: the fusion into `arsl_personal`, the rows into
    `arsl_figures["personal"]`."""
    set_figure(model_path, "personal", personal, personal_metadata({"personal": personal}))


def set_continuous(model_path: Path, continuous: dict) -> None:
    """A `training.continuous_eval` result: the chosen way of cutting a segment into signs into
    `arsl_split` (the app's `Recognizer` reads it), the rows into `arsl_figures["continuous"]`."""
    set_figure(model_path, "continuous", continuous, {"split": continuous["split"]})


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] and argv[0] in SETTERS:
        return _set_main(argv[0], argv[1:])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--name", default="ArSL attention-BiLSTM")
    ap.add_argument("--figures", default=None,
                    help="figures.json from `training.evaluate --figures`: goes into the metadata, and its "
                         "validation temperature calibrates the logits")
    ap.add_argument("--temperature", type=float, default=None, help="override the calibration temperature")
    ap.add_argument("--int8", action="store_true", help="also write <out>.int8.onnx (dynamic quantisation)")
    ap.add_argument("--cache", type=Path, default=None, help="keypoint cache for the float/int8 accuracy check")
    ap.add_argument("--splits", default="test")
    ap.add_argument("--signs", default=None)
    ap.add_argument("--signers", default=None)
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        model, ckpt = load_checkpoint(a.checkpoint)
        figures = _json_arg(a.figures)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    options = {**F.APP_OPTIONS, **(ckpt.get("train_config", {}).get("features") or {})}
    if options != F.APP_OPTIONS:
        print(f"error: {a.checkpoint} was trained with feature switches {options} (an ablation); the app "
              f"computes {F.APP_OPTIONS}, so it cannot use this model", file=sys.stderr)
        return 2
    temperature = a.temperature
    if temperature is None:
        temperature = ((figures.get("cases", {}).get("validation") or {}).get("calibration") or {}).get(
            "temperature", 1.0)
    seq_len, class_ids = ckpt["seq_len"], ckpt["class_ids"]
    tc = ckpt.get("train_config", {})
    training = {"architecture": ckpt.get("arch"), "model_config": ckpt["model_config"], "epochs": ckpt.get("epoch"),
                "train_clips": len(ckpt.get("train_samples", [])),
                **{k: tc.get(k) for k in ("signs", "train_signers", "train_splits", "borrow", "seq_len", "lr",
                                          "epoch_size", "batch_size", "seed", "views", "view_mirror", "supcon", "margin",
                                          "members")
                                if k in tc}}
    deployed = Deployed(model, temperature)
    extra = personal_metadata(figures)  # how personal signs are ranked beside this model's signs
    with torch.no_grad():
        embedding_dim = int(deployed(torch.zeros(1, seq_len, F.FEATURE_DIM))[1].shape[-1])
    meta = model_metadata(seq_len, class_ids, a.name, embedding_dim=embedding_dim,
                          training=training, figures=figures, temperature=temperature, **extra)
    out = export_onnx(deployed, seq_len, a.out, meta)
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (8, seq_len, F.FEATURE_DIM)).astype(np.float32)
    diff = parity(deployed, out, x)
    clf = SignClassifier(out)  # the app's own loader and checks
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB), {len(clf.class_ids)} classes, seq_len {clf.seq_len}")
    print(f"parity PyTorch vs onnxruntime: max abs logit diff {diff:.2e}")
    print(f"logits divided by temperature {temperature:g}; embedding output {clf.embedding_dim} wide")
    if diff > 1e-3:
        print("error: exported model disagrees with PyTorch", file=sys.stderr)
        return 1
    if a.int8:
        q = quantize_int8(out, out.with_suffix(".int8.onnx"))
        qclf = SignClassifier(q)
        print(f"wrote {q} ({q.stat().st_size / 1e6:.2f} MB)")
        if a.cache:
            from training.cache import load_cache
            from training.dataset import EvalSet
            from training.discover import parse_ranges

            clips = load_cache(a.cache, set(a.signers.split(",")) if a.signers else None,
                               set(a.splits.split(",")), parse_ranges(a.signs))
            trained = set(ckpt.get("train_samples", []))
            ev = EvalSet([c for c in clips if c.sample not in trained], class_ids, seq_len)
            if len(ev):
                xs, ys = ev.x.numpy(), ev.y.numpy()
                print(f"accuracy on {len(ev)} held-out clips: float {_accuracy(clf, xs, ys):.3f}  "
                      f"int8 {_accuracy(qclf, xs, ys):.3f}")
            else:
                print("no held-out clips for the accuracy comparison (all were trained on)")
    return 0


# --set-NAME RESULT.json MODEL.onnx: (keys the result must have, the command that writes it, setter, what it is)
SETTERS = {
    "--set-personal": (("fusion",), "training.evaluate --personal", lambda m, r: set_personal(m, r),
                       "the personal-sign fusion and figures"),
    "--set-continuous": (("split", "rows"), "training.evaluate --continuous", lambda m, r: set_continuous(m, r),
                         "the continuous-signing split and figures"),
}


def _set_main(flag: str, argv: list[str]) -> int:
    """`python -m training.export --set-personal|--set-continuous RESULT.json MODEL.onnx`"""
    keys, command, setter, what = SETTERS[flag]
    if len(argv) != 2:
        print(f"usage: python -m training.export {flag} RESULT.json MODEL.onnx", file=sys.stderr)
        return 2
    try:
        result = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
        if not isinstance(result, dict) or any(k not in result for k in keys):
            raise ValueError(f"{argv[0]} lacks {', '.join(keys)} (write it with python -m {command})")
        setter(Path(argv[1]), result)
        SignClassifier(Path(argv[1]))  # the app still loads it
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {what} of {argv[0]} into {argv[1]}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
