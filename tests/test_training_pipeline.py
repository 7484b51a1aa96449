"""The whole chain on a handful of samples: extract -> train -> evaluate -> export -> app loads it.

Uses real KArSL frames (through MediaPipe, the app's landmark code) when the sample folder
is there, synthetic keypoints otherwise. Kept small: well under a minute on 2 cores.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from arsl_desktop import paths  # noqa: E402
from arsl_desktop.core import features as F  # noqa: E402
from arsl_desktop.core.classifier import SignClassifier  # noqa: E402
from arsl_desktop.core.landmarks import FIRST_LOOK_NAME, LANDMARKER_NAME  # noqa: E402
from tests.training_synth import write_synth_cache  # noqa: E402
from training import evaluate, export, extract  # noqa: E402
from training.cache import load_cache, load_clip, save_clip  # noqa: E402
from training.model import ModelConfig  # noqa: E402
from training.train import TrainConfig, train  # noqa: E402

SIGNS = (71, 72)


def _mini_karsl(src: Path, dst: Path, per_split: dict[str, int]) -> Path:
    """A small KArSL tree of links to real samples, with the signer folder doubled."""
    for split, n in per_split.items():
        for sign in SIGNS:
            folder = src / "frames" / "01" / split / f"{sign:04d}"
            for sample in sorted(folder.iterdir())[:n]:
                link = dst / "01" / "01" / split / f"{sign:04d}" / sample.name
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(sample, target_is_directory=True)
    return dst


@pytest.mark.slow
def test_extract_train_evaluate_export(tmp_path, capsys):
    cache = tmp_path / "cache"
    src = paths.sample_dir()
    if src is not None:
        data = _mini_karsl(src, tmp_path / "karsl", {"train": 3, "test": 2})
        assert extract.main(["--data", str(data), "--out", str(cache), "--workers", "1", "--no-progress"]) == 0
        clips = load_cache(cache)
        assert len(clips) == 10 and {c.sign for c in clips} == set(SIGNS)
        assert all(c.xyz.shape[1:] == (100, 3) and len(c.times) == len(c) > 5 for c in clips)
        # resumable: a second run finds everything cached and writes nothing
        before = {p: p.stat().st_mtime_ns for p in cache.rglob("*.npz")}
        assert extract.main(["--data", str(data), "--out", str(cache), "--workers", "1", "--no-progress"]) == 0
        assert {p: p.stat().st_mtime_ns for p in cache.rglob("*.npz")} == before
        # each file keeps the landmarker that made it; one made by another is extracted again
        assert {c.landmarker for c in clips} == {LANDMARKER_NAME}
        old = sorted(cache.rglob("*.npz"))[0]
        first = load_clip(old)
        save_clip(old, replace(first, landmarker="an earlier landmarker"))
        assert extract.main(["--data", str(data), "--out", str(cache), "--workers", "1", "--no-progress"]) == 0
        again = load_clip(old)
        assert again.landmarker == LANDMARKER_NAME and np.array_equal(again.xyz, first.xyz)
        assert {p: p.stat().st_mtime_ns for p in cache.rglob("*.npz") if p != old} == {
            p: t for p, t in before.items() if p != old}
        # --no-rescue: the whole-frame landmarkers only (what the shipped model learnt), named so;
        # the second look only ever adds a face, so bodies and hands are the same keypoints
        plain = tmp_path / "first"
        assert extract.main(["--data", str(data), "--out", str(plain), "--workers", "1", "--no-progress",
                             "--no-rescue"]) == 0
        firsts = {c.sample: c for c in load_cache(plain)}
        assert len(firsts) == 10 and {c.landmarker for c in firsts.values()} == {FIRST_LOOK_NAME}
        body = np.r_[F.POSE_SL, F.LEFT_SL, F.RIGHT_SL]
        for c in load_cache(cache):
            f = firsts[c.sample]
            assert np.array_equal(f.xyz[:, body], c.xyz[:, body]), c.sample
            assert np.array_equal(f.present[:, [F.POSE, F.LEFT, F.RIGHT]], c.present[:, [F.POSE, F.LEFT, F.RIGHT]])
    else:
        write_synth_cache(cache, list(SIGNS), per_sign=3)

    run = tmp_path / "run"
    tiny = asdict(ModelConfig(hidden=16, group_dim=8, n_layers=1, n_heads=2))
    cfg = TrainConfig(cache=str(cache), out=str(run), signs="71-72", seq_len=16, epochs=3, epoch_size=32,
                      batch_size=8, warmup_epochs=0.5, threads=1, model=tiny, select="last")
    summary = train(cfg, quiet=True)
    assert summary["classes"] == 2 and (run / "best.pt").is_file()

    report = tmp_path / "eval"
    assert evaluate.main(["--checkpoint", str(run / "best.pt"), "--cache", str(cache), "--splits", "test",
                          "--out", str(report)]) == 0
    res = json.loads((report / "report.json").read_text())
    test_clips = [c for c in load_cache(cache, splits={"test"}) if c.sign in SIGNS]
    assert res["n"] == len(test_clips) > 0
    conf = np.array(res["confusion"])
    assert conf.sum() == res["n"] and res["top1"] == pytest.approx(np.trace(conf) / res["n"])
    assert res["top5"] == 1.0  # two classes: the top five always hold the right one
    assert (report / "confusion.png").stat().st_size > 1000

    onnx_path = tmp_path / "model.onnx"
    assert export.main(["--checkpoint", str(run / "best.pt"), "--out", str(onnx_path), "--name", "pipeline-test",
                        "--figures", json.dumps({"cases": {"validation": {"calibration": {"temperature": 1.5}}},
                                                 "top1": res["top1"]})]) == 0
    out = capsys.readouterr().out
    diff = float(out.split("max abs logit diff ")[1].split()[0])
    assert diff < 1e-4
    clf = SignClassifier(onnx_path)
    assert clf.class_ids == list(SIGNS) and clf.name == "pipeline-test"
    assert clf.info("figures")["top1"] == res["top1"] and clf.info("training")["train_clips"] > 0
    assert clf.info("temperature") == 1.5 and clf.embedding_dim == 32
    probs = clf.probabilities(np.zeros((4, 16, F.FEATURE_DIM), np.float32))
    assert probs.shape == (4, 2)
