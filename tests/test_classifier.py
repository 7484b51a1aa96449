"""The classifier reads the model's own metadata and refuses models it does not match."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tiny_model import build_tiny_model

from arsl_desktop.core import features as F
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.errors import ModelIncompatible, ModelNotFound


def test_tiny_model_top_k(tiny_model):
    clf = SignClassifier(tiny_model)
    assert clf.seq_len == 16 and clf.class_ids == list(range(1, 83)) and clf.name == "tiny-test-model"
    seq = np.random.default_rng(1).normal(size=(16, F.FEATURE_DIM)).astype(np.float32)
    top = clf.top_k(seq, 5)
    probs = [p.prob for p in top]
    assert probs == sorted(probs, reverse=True) and len(top) == 5
    full = clf.probabilities(np.stack([seq, seq]))
    assert full.shape == (2, 82) and np.allclose(full.sum(1), 1, atol=1e-5)
    assert top[0].sign_id == clf.class_ids[int(full[0].argmax())]


def test_class_ids_map_outputs_to_signs(tmp_path):
    """Output i is sign class_ids[i]: a model whose weights favour output 2 names sign 77."""
    w = np.zeros((F.FEATURE_DIM, 3), np.float32)
    w[F.POSE_FLAG_COL, 2] = 5.0
    clf = SignClassifier(build_tiny_model(tmp_path / "m.onnx", [71, 5, 77], seq_len=8, weights=w))
    seq = np.zeros((8, F.FEATURE_DIM), np.float32)
    seq[:, F.POSE_FLAG_COL] = 1
    assert clf.top_k(seq, 1)[0].sign_id == 77


@pytest.mark.parametrize("overrides, message", [
    ({"arsl_schema": "arsl-kp-v0"}, "trained on keypoint schema 'arsl-kp-v0'"),
    ({"arsl_class_ids": None}, "lacks arsl_class_ids"),
    ({"arsl_feature_dim": "99"}, "expects 99 features"),
    ({"arsl_class_ids": json.dumps(list(range(1, 10)))}, "has 82 outputs but names 9 classes"),
    ({"arsl_seq_len": "sixteen"}, "malformed metadata"),
])
def test_mismatched_metadata_is_refused(tmp_path, overrides, message):
    path = build_tiny_model(tmp_path / "bad.onnx", list(range(1, 83)), meta_overrides=overrides)
    with pytest.raises(ModelIncompatible, match=message):
        SignClassifier(path)


def test_wrong_input_shape_is_refused(tmp_path):
    path = build_tiny_model(tmp_path / "bad.onnx", list(range(1, 4)), feature_dim=12,
                            meta_overrides={"arsl_feature_dim": str(F.FEATURE_DIM)})
    with pytest.raises(ModelIncompatible, match="input shape"):
        SignClassifier(path)


def test_not_a_model_and_missing_model(tmp_path):
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"definitely not protobuf")
    with pytest.raises(ModelIncompatible, match="not a readable ONNX model"):
        SignClassifier(junk)
    with pytest.raises(ModelNotFound, match="not found"):
        SignClassifier(tmp_path / "absent.onnx")


def test_wrong_sequence_shape_is_a_clear_error(tiny_model):
    clf = SignClassifier(tiny_model)
    with pytest.raises(ValueError, match="expected"):
        clf.probabilities(np.zeros((1, 5, F.FEATURE_DIM), np.float32))
