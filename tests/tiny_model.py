"""Build tiny ONNX models with the app's interface, so the pipeline is testable without the
trained model (and so broken or mismatched models can be made on purpose)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from arsl_desktop.core import features as F
from arsl_desktop.core.classifier import INPUT_NAME, OUTPUT_NAME, model_metadata


def build_tiny_model(path: Path, class_ids: list[int], seq_len: int = 16, seed: int = 0,
                     weights: np.ndarray | None = None, feature_dim: int = F.FEATURE_DIM,
                     meta_overrides: dict[str, str | None] | None = None) -> Path:
    """Mean over time, then a linear layer: logits = mean_t(x) @ W + b."""
    rng = np.random.default_rng(seed)
    w = weights if weights is not None else rng.normal(0, 1, (feature_dim, len(class_ids))).astype(np.float32)
    b = np.zeros(len(class_ids), np.float32)
    x = helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["batch", seq_len, feature_dim])
    y = helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["batch", len(class_ids)])
    axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
    nodes = [
        helper.make_node("ReduceMean", [INPUT_NAME, "axes"], ["pooled"], keepdims=0),
        helper.make_node("MatMul", ["pooled", "W"], ["mm"]),
        helper.make_node("Add", ["mm", "b"], [OUTPUT_NAME]),
    ]
    graph = helper.make_graph(nodes, "tiny", [x], [y],
                              [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "b"), axes])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    meta = model_metadata(seq_len, class_ids, "tiny-test-model")
    for k, v in (meta_overrides or {}).items():
        if v is None:
            meta.pop(k, None)
        else:
            meta[k] = v
    for k, v in meta.items():
        model.metadata_props.add(key=k, value=v)
    onnx.checker.check_model(model)
    path = Path(path)
    onnx.save(model, path)
    return path
