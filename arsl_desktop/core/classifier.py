"""ONNX sign classifier: checks the model's metadata against this app, returns top-k.

The interface a model must have (written by `training.export`):
    input  "features":  float32 [batch, seq_len, FEATURE_DIM]
    output "logits":    float32 [batch, n_classes] (calibrated: softmax gives the confidence)
    output "embedding": float32 [batch, embedding_dim], optional: the sign's pooled vector
    metadata: arsl_schema (keypoint schema + feature version), arsl_seq_len, arsl_feature_dim,
    arsl_class_ids (JSON list of KArSL sign ids, one per output), arsl_outputs (JSON list of
    output names), arsl_embedding_dim when "embedding" is listed; optionally arsl_model_name,
    arsl_training, arsl_figures (every measured figure, from `training.evaluate --figures`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core.errors import ModelIncompatible, ModelNotFound

log = logging.getLogger(__name__)

INPUT_NAME = "features"
OUTPUT_NAME = "logits"
EMBEDDING_NAME = "embedding"
REQUIRED_KEYS = ("arsl_schema", "arsl_seq_len", "arsl_feature_dim", "arsl_class_ids")


@dataclass(frozen=True)
class Prediction:
    sign_id: int
    prob: float


def model_metadata(seq_len: int, class_ids: list[int], name: str, embedding_dim: int | None = None,
                   **extra: object) -> dict[str, str]:
    """Metadata a model must carry for this app (values are strings, as ONNX stores them)."""
    outputs = [OUTPUT_NAME] + ([EMBEDDING_NAME] if embedding_dim else [])
    meta = {
        "arsl_schema": F.SCHEMA_VERSION,
        "arsl_seq_len": str(int(seq_len)),
        "arsl_feature_dim": str(F.FEATURE_DIM),
        "arsl_class_ids": json.dumps([int(c) for c in class_ids]),
        "arsl_outputs": json.dumps(outputs),
        "arsl_model_name": name,
    }
    if embedding_dim:
        meta["arsl_embedding_dim"] = str(int(embedding_dim))
    for k, v in extra.items():
        meta[f"arsl_{k}"] = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return meta


def _dim_ok(dim: object, want: int) -> bool:
    """A symbolic or unknown dimension accepts anything; a fixed one must match."""
    return dim is None or isinstance(dim, str) or dim == want


class SignClassifier:
    """An onnxruntime session plus the model's own description of itself."""

    def __init__(self, path: str | Path, threads: int = 1) -> None:
        import onnxruntime as ort

        self.path = Path(path)
        if not self.path.is_file():
            raise ModelNotFound(f"Model file not found: {self.path}. Choose a model file (.onnx) "
                                "or reinstall the app to restore the shipped one.")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(str(self.path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises several unrelated types for bad files
            raise ModelIncompatible(f"{self.path.name} is not a readable ONNX model ({exc.__class__.__name__}). "
                                    "Choose a model exported by `python -m training.export`.") from None
        self.meta = dict(self._session.get_modelmeta().custom_metadata_map)
        self._check()

    def _check(self) -> None:
        name = self.path.name
        missing = [k for k in REQUIRED_KEYS if k not in self.meta]
        if missing:
            raise ModelIncompatible(f"{name} is not an ArSL Desktop model: its metadata lacks {', '.join(missing)}. "
                                    "Export models with `python -m training.export`.")
        schema = self.meta["arsl_schema"]
        if schema != F.SCHEMA_VERSION:
            raise ModelIncompatible(f"{name} was trained on keypoint schema '{schema}', but this app computes "
                                    f"'{F.SCHEMA_VERSION}'. Retrain or re-export the model with this version.")
        try:
            self.seq_len = int(self.meta["arsl_seq_len"])
            feat_dim = int(self.meta["arsl_feature_dim"])
            self.class_ids = [int(c) for c in json.loads(self.meta["arsl_class_ids"])]
        except (ValueError, TypeError) as exc:
            raise ModelIncompatible(f"{name} has malformed metadata: {exc}") from None
        if feat_dim != F.FEATURE_DIM:
            raise ModelIncompatible(f"{name} expects {feat_dim} features per frame; this app makes {F.FEATURE_DIM}.")
        inputs = {i.name: i for i in self._session.get_inputs()}
        outputs = {o.name: o for o in self._session.get_outputs()}
        if INPUT_NAME not in inputs or OUTPUT_NAME not in outputs:
            raise ModelIncompatible(f"{name} must have input '{INPUT_NAME}' and output '{OUTPUT_NAME}'; "
                                    f"it has {list(inputs)} -> {list(outputs)}.")
        shape = inputs[INPUT_NAME].shape
        if len(shape) != 3 or not _dim_ok(shape[1], self.seq_len) or not _dim_ok(shape[2], F.FEATURE_DIM):
            raise ModelIncompatible(f"{name} takes input shape {shape}; expected [batch, {self.seq_len}, {F.FEATURE_DIM}].")
        n_out = outputs[OUTPUT_NAME].shape[-1]
        if isinstance(n_out, int) and n_out != len(self.class_ids):
            raise ModelIncompatible(f"{name} has {n_out} outputs but names {len(self.class_ids)} classes.")
        if not self.class_ids or len(set(self.class_ids)) != len(self.class_ids):
            raise ModelIncompatible(f"{name} lists an empty or repeated set of class ids.")
        self._check_outputs(name, outputs)

    def _check_outputs(self, name: str, outputs: dict) -> None:
        """Every output the metadata declares exists; the embedding has its declared width."""
        try:
            declared = json.loads(self.meta.get("arsl_outputs", json.dumps([OUTPUT_NAME])))
            self.embedding_dim = (int(self.meta["arsl_embedding_dim"]) if EMBEDDING_NAME in declared else None)
        except (ValueError, TypeError, KeyError) as exc:
            raise ModelIncompatible(f"{name} has malformed output metadata: {exc.__class__.__name__} {exc}") from None
        missing = [o for o in declared if o not in outputs]
        if missing:
            raise ModelIncompatible(f"{name} declares outputs {missing} that the model does not have "
                                    f"(it has {list(outputs)}). Re-export it with `python -m training.export`.")
        if self.embedding_dim is not None:
            width = outputs[EMBEDDING_NAME].shape[-1]
            if isinstance(width, int) and width != self.embedding_dim:
                raise ModelIncompatible(f"{name}: embedding output is {width} wide, its metadata says "
                                        f"{self.embedding_dim}.")

    @property
    def name(self) -> str:
        return self.meta.get("arsl_model_name") or self.path.stem

    def info(self, key: str) -> object:
        """A JSON metadata entry such as 'training' or 'figures' (None if absent)."""
        raw = self.meta.get(f"arsl_{key}")
        try:
            return json.loads(raw) if raw is not None else None
        except ValueError:
            return raw

    def outputs(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """(B, seq_len, FEATURE_DIM) -> calibrated logits (B, n_classes) and, if the model has
        one, the embedding (B, embedding_dim); one pass for both."""
        batch = np.asarray(batch, np.float32)
        if batch.ndim == 2:
            batch = batch[None]
        if batch.shape[1:] != (self.seq_len, F.FEATURE_DIM):
            raise ValueError(f"expected (B, {self.seq_len}, {F.FEATURE_DIM}), got {batch.shape}")
        names = [OUTPUT_NAME] + ([EMBEDDING_NAME] if self.embedding_dim else [])
        out = self._session.run(names, {INPUT_NAME: batch})
        return out[0].astype(np.float64), (out[1].astype(np.float64) if self.embedding_dim else None)

    @staticmethod
    def softmax(logits: np.ndarray) -> np.ndarray:
        """Softmax over the last axis, in float64 (-inf logits get probability 0)."""
        logits = np.asarray(logits, np.float64)
        logits = logits - logits.max(axis=-1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=-1, keepdims=True)

    def probabilities(self, batch: np.ndarray) -> np.ndarray:
        """(B, seq_len, FEATURE_DIM) -> (B, n_classes) softmax probabilities."""
        return self.softmax(self.outputs(batch)[0]).astype(np.float32)

    def top_k(self, sequence: np.ndarray, k: int = 5) -> list[Prediction]:
        """Best `k` signs for one (seq_len, FEATURE_DIM) sequence, most likely first."""
        probs = self.probabilities(sequence[None])[0]
        order = np.argsort(-probs)[:k]
        return [Prediction(self.class_ids[i], float(probs[i])) for i in order]
