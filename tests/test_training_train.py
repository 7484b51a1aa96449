"""Training loop, checkpoint round trip (resume), ONNX export parity, and 2-process DDP (gloo)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from arsl_desktop.core import features as F  # noqa: E402
from arsl_desktop.core.classifier import SignClassifier  # noqa: E402
from tests.training_synth import write_synth_cache  # noqa: E402
from training.export import Deployed, export_onnx, parity  # noqa: E402
from training.model import ModelConfig, build_model, load_checkpoint  # noqa: E402
from training.train import TrainConfig, train  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TINY = asdict(ModelConfig(hidden=16, group_dim=8, n_layers=1, n_heads=2, dropout=0.1))


def _cfg(cache: Path, out: Path, **kw) -> TrainConfig:
    base = dict(cache=str(cache), out=str(out), signs="1-4", seq_len=12, epochs=3, epoch_size=32,
                batch_size=8, lr=3e-3, warmup_epochs=0.5, threads=1, model=TINY)
    base.update(kw)
    return TrainConfig(**base)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return write_synth_cache(tmp_path_factory.mktemp("kp"), [1, 2, 3, 4], per_sign=2)


def test_resume_after_kill_matches_uninterrupted_run(cache, tmp_path):
    straight = train(_cfg(cache, tmp_path / "a"), quiet=True)
    train(_cfg(cache, tmp_path / "b"), quiet=True, stop_after=2)  # "killed" after epoch 2
    resumed = train(_cfg(cache, tmp_path / "b"), resume=True, quiet=True)
    assert resumed["epochs"] == straight["epochs"] == 3
    a = torch.load(tmp_path / "a" / "last.pt", weights_only=True)
    b = torch.load(tmp_path / "b" / "last.pt", weights_only=True)
    assert a["epoch"] == b["epoch"] == 2 and len(b["history"]) == 3
    for k, v in a["state_dict"].items():
        torch.testing.assert_close(v, b["state_dict"][k], rtol=1e-5, atol=1e-6)


def test_checkpoint_rebuilds_model_alone_and_learns(cache, tmp_path):
    summary = train(_cfg(cache, tmp_path / "run", epochs=6, epoch_size=64), quiet=True)
    assert summary["best_val_acc"] > 0.5  # 4 easy classes: chance is 0.25
    model, ckpt = load_checkpoint(tmp_path / "run" / "best.pt")
    assert ckpt["class_ids"] == [1, 2, 3, 4] and ckpt["seq_len"] == 12
    assert ckpt["model_config"]["hidden"] == 16
    assert all(s.startswith("03_01_") for s in ckpt["train_samples"])
    assert model(torch.zeros(1, 12, F.FEATURE_DIM)).shape == (1, 4)


def test_metric_learning_variant_trains_rebuilds_and_exports(cache, tmp_path):
    """Cosine head + CosFace margin + two mirrored views + supervised contrastive term."""
    from arsl_desktop.core.classifier import model_metadata

    cfg = _cfg(cache, tmp_path / "run", model={**TINY, "head": "cosine", "cos_scale": 8.0}, margin=0.2, views=2,
               view_mirror=True, supcon=0.5)
    summary = train(cfg, quiet=True)
    assert summary["epochs"] == 3 and summary["calibration"]["temperature"] > 0
    model, ckpt = load_checkpoint(tmp_path / "run" / "best.pt")
    assert ckpt["model_config"]["head"] == "cosine" and ckpt["train_config"]["views"] == 2
    x = np.random.default_rng(0).normal(0, 1, (3, 12, F.FEATURE_DIM)).astype(np.float32)
    deployed = Deployed(model, temperature=summary["calibration"]["temperature"])
    path = export_onnx(deployed, 12, tmp_path / "m.onnx", model_metadata(12, ckpt["class_ids"], "t", embedding_dim=32))
    assert parity(deployed, path, x) < 1e-4
    assert SignClassifier(path).embedding_dim == 32
    with pytest.raises(ValueError, match="cosine head"):
        train(_cfg(cache, tmp_path / "bad", margin=0.2), quiet=True)


def test_onnx_export_parity_and_app_loads_it(tmp_path):
    from arsl_desktop.core.classifier import model_metadata

    torch.manual_seed(0)
    model = build_model(ModelConfig(n_classes=5, hidden=16, group_dim=8, n_layers=2, n_heads=8)).eval()
    deployed = Deployed(model, temperature=2.0)
    meta = model_metadata(10, [3, 1, 7, 9, 2], "test", embedding_dim=32, figures={"top1": 0.5})
    path = export_onnx(deployed, 10, tmp_path / "m.onnx", meta)
    x = np.random.default_rng(0).normal(0, 1, (3, 10, F.FEATURE_DIM)).astype(np.float32)
    assert parity(deployed, path, x) < 1e-4
    clf = SignClassifier(path)
    assert clf.class_ids == [3, 1, 7, 9, 2] and clf.seq_len == 10 and clf.info("figures") == {"top1": 0.5}
    assert clf.embedding_dim == 32
    with torch.no_grad():
        # the exported logits are the model's divided by the temperature: softer probabilities
        want = torch.softmax(model(torch.from_numpy(x[:1])) / 2.0, 1)[0].numpy()
    np.testing.assert_allclose(clf.probabilities(x[:1])[0], want, atol=1e-5)
    top = clf.top_k(x[0], k=2)
    assert top[0].sign_id == [3, 1, 7, 9, 2][int(want.argmax())]
    np.testing.assert_allclose(clf.probabilities(x).sum(1), 1.0, rtol=1e-5)  # dynamic batch


def test_a_model_missing_a_declared_output_is_refused(tmp_path):
    from arsl_desktop.core.classifier import model_metadata
    from arsl_desktop.core.errors import ModelIncompatible

    model = build_model(ModelConfig(n_classes=3, hidden=16, group_dim=8, n_layers=1, n_heads=2)).eval()
    # logits only, but the metadata promises an embedding
    path = export_onnx(model, 8, tmp_path / "m.onnx", model_metadata(8, [1, 2, 3], "t", embedding_dim=32))
    with pytest.raises(ModelIncompatible, match="declares outputs"):
        SignClassifier(path)


@pytest.mark.slow
def test_ddp_two_processes_on_gloo(cache, tmp_path):
    out = tmp_path / "ddp"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           "-m", "training.train", "--cache", str(cache), "--out", str(out), "--signs", "1-4", "--seq-len", "12",
           "--epochs", "2", "--epoch-size", "32", "--batch-size", "8", "--threads", "1",
           "--model", json.dumps(TINY)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["processes"] == 2 and summary["epochs"] == 2
    ckpt = torch.load(out / "last.pt", weights_only=True)
    # 32 samples / (2 ranks x batch 8) = 2 steps per epoch on each rank
    assert ckpt["scheduler"]["last_epoch"] == 4


def test_ensemble_trains_members_keeps_finished_ones_and_exports_as_one_model(cache, tmp_path):
    """members=2: two seeds in member0/member1, one checkpoint that loads as their mean, an
    embedding whose cosine is the mean of the members' cosines, and an ONNX model the app loads."""
    from arsl_desktop.core.classifier import model_metadata
    from training.model import Ensemble

    cfg = _cfg(cache, tmp_path / "ens", members=2, seed=5)
    summary = train(cfg, quiet=True)
    assert len(summary["members"]) == 2 and summary["calibration"]["temperature"] > 0
    seeds = [json.loads((tmp_path / "ens" / f"member{i}" / "config.json").read_text())["seed"] for i in (0, 1)]
    assert seeds == [5, 6]
    model, ckpt = load_checkpoint(tmp_path / "ens" / "best.pt")
    assert isinstance(model, Ensemble) and ckpt["class_ids"] == [1, 2, 3, 4] and ckpt["seq_len"] == 12
    m0, _ = load_checkpoint(tmp_path / "ens" / "member0" / "best.pt")
    m1, _ = load_checkpoint(tmp_path / "ens" / "member1" / "best.pt")
    x = torch.from_numpy(np.random.default_rng(1).normal(0, 1, (3, 12, F.FEATURE_DIM)).astype(np.float32))
    with torch.no_grad():
        logits, emb = model(x, with_embedding=True)
        torch.testing.assert_close(logits, (m0(x) + m1(x)) / 2)
        cos = torch.nn.functional.cosine_similarity
        e0, e1 = m0.embedding(x), m1.embedding(x)
        torch.testing.assert_close(emb[0] @ emb[1], (cos(e0[0], e0[1], dim=0) + cos(e1[0], e1[1], dim=0)) / 2)
    assert emb.shape == (3, 64)

    # a second call keeps both finished members (their best.pt files are not rewritten)
    stamp = [(tmp_path / "ens" / f"member{i}" / "best.pt").stat().st_mtime_ns for i in (0, 1)]
    train(cfg, quiet=True)
    assert [(tmp_path / "ens" / f"member{i}" / "best.pt").stat().st_mtime_ns for i in (0, 1)] == stamp

    deployed = Deployed(model, temperature=summary["calibration"]["temperature"])
    path = export_onnx(deployed, 12, tmp_path / "e.onnx", model_metadata(12, ckpt["class_ids"], "t", embedding_dim=64))
    assert parity(deployed, path, x.numpy()) < 1e-4
    clf = SignClassifier(path)
    assert clf.embedding_dim == 64 and clf.probabilities(x.numpy()).shape == (3, 4)


def test_ensemble_resumes_a_killed_member_and_retrains_one_with_other_settings(cache, tmp_path):
    from dataclasses import replace

    cfg = _cfg(cache, tmp_path / "ens", members=2)
    member = [replace(cfg, members=1, seed=i, out=str(tmp_path / "ens" / f"member{i}")) for i in (0, 1)]
    train(member[0], quiet=True)
    train(member[1], quiet=True, stop_after=1)  # member 1 "killed" after its first epoch
    done0 = (tmp_path / "ens" / "member0" / "best.pt").stat().st_mtime_ns
    train(cfg, quiet=True)
    assert (tmp_path / "ens" / "member0" / "best.pt").stat().st_mtime_ns == done0  # kept
    state = torch.load(tmp_path / "ens" / "member1" / "last.pt", weights_only=True)
    assert [h["epoch"] for h in state["history"]] == [1, 2, 3]  # resumed, not started over

    other = replace(cfg, lr=1e-3)  # other settings: nothing of the old members is reused
    train(other, quiet=True)
    assert (tmp_path / "ens" / "member0" / "best.pt").stat().st_mtime_ns != done0
    assert json.loads((tmp_path / "ens" / "member0" / "config.json").read_text())["lr"] == 1e-3
