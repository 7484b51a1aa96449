"""Unit tests of the training pieces on tiny synthetic data (no MediaPipe, fast)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from arsl_desktop.core import features as F  # noqa: E402
from tests.training_synth import synth_clip  # noqa: E402
from training import augment as A  # noqa: E402
from training.cache import load_cache, load_clip, save_clip  # noqa: E402
from training.dataset import EvalSet, TrainSet, eval_features  # noqa: E402
from training.discover import discover, parse_ranges  # noqa: E402
from training.model import GROUP_COLS, ModelConfig, build_model  # noqa: E402


def test_parse_ranges():
    assert parse_ranges("1-3,7, 9-10") == {1, 2, 3, 7, 9, 10}
    assert parse_ranges("") is None
    with pytest.raises(ValueError):
        parse_ranges("5-2")
    with pytest.raises(ValueError):
        parse_ranges("a-b")


def test_discover_doubled_signer_and_video_dedup(tmp_path):
    name = "01_01_0005_(10_11_16_16_20_30)_c"
    frames = tmp_path / "frames" / "01" / "01" / "train" / "0005" / name
    frames.mkdir(parents=True)
    (frames / f"{name}_0001.jpg").write_bytes(b"x")
    vids = tmp_path / "videos" / "01" / "train"
    vids.mkdir(parents=True)
    (vids / f"{name}.mp4").write_bytes(b"x")  # same recording as the frame folder
    (vids / "01_01_0006_(10_11_16_16_21_00)_c.mp4").write_bytes(b"x")  # only as a video
    (tmp_path / "frames" / "01" / "notes.txt").write_text("not a sample")
    refs = discover(tmp_path)
    assert [(r.signer, r.split, r.sign, r.kind) for r in refs] == [("01", "train", 5, "frames")]
    refs = discover(tmp_path, videos=True)
    assert [(r.sign, r.kind) for r in refs] == [(5, "frames"), (6, "video")]
    assert discover(tmp_path, videos=True, signs={6})[0].kind == "video"


def test_cache_round_trip_is_atomic(tmp_path):
    clip = synth_clip(3)
    path = tmp_path / "01" / "train" / "0003" / f"{clip.sample}.npz"
    save_clip(path, clip)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left behind
    back = load_clip(path)
    np.testing.assert_array_equal(back.xyz, clip.xyz)
    np.testing.assert_array_equal(back.present, clip.present)
    assert (back.signer, back.split, back.sign, back.sample) == ("01", "train", 3, clip.sample)
    assert len(load_cache(tmp_path, signs={3})) == 1 and load_cache(tmp_path, signs={4}) == []


def test_group_columns_cover_every_feature_once():
    cols = np.concatenate(GROUP_COLS)
    assert sorted(cols.tolist()) == list(range(F.FEATURE_DIM))


def test_model_shapes_and_missing_hand_isolation():
    torch.manual_seed(0)
    model = build_model(ModelConfig(n_classes=7, hidden=16, group_dim=8, n_layers=1)).eval()
    x = torch.randn(3, 12, F.FEATURE_DIM)
    assert model(x).shape == (3, 7)
    # a left-hand feature change reaches the logits only through the left-hand projection
    emb = model.embed
    y = x.clone()
    y[..., F.LEFT_COLS] += 1.0
    d = (emb(y) - emb(x)).abs().sum(dim=(0, 1))
    g = emb.out_dim // 4
    assert d[2 * g:3 * g].sum() > 0
    assert torch.allclose(d[:2 * g], torch.zeros(2 * g), atol=1e-4) and torch.allclose(d[3 * g:], torch.zeros(g), atol=1e-4)


def test_mirror_twice_is_identity_and_swaps_hands():
    clip = synth_clip(2)
    m_xyz, m_pres = F.mirror_keypoints(clip.xyz, clip.present)
    assert m_pres[:, F.LEFT].all() and not m_pres[:, F.RIGHT].any()
    back_xyz, back_pres = F.mirror_keypoints(m_xyz, m_pres)
    np.testing.assert_allclose(back_xyz, clip.xyz, atol=1e-6)
    np.testing.assert_array_equal(back_pres, clip.present)


def test_a_mirrored_clip_is_the_other_hands_recording_with_its_own_name():
    clip = synth_clip(2)
    m = clip.mirrored(" (mirrored)")
    xyz, present = F.mirror_keypoints(clip.xyz, clip.present)
    np.testing.assert_array_equal(m.xyz, xyz)
    np.testing.assert_array_equal(m.present, present)
    assert m.sample == clip.sample + " (mirrored)" and clip.mirrored().sample == clip.sample
    assert (m.signer, m.split, m.sign, m.aspect) == (clip.signer, clip.split, clip.sign, clip.aspect)
    np.testing.assert_array_equal(m.times, clip.times)
    assert clip.present[:, F.RIGHT].any() and not np.array_equal(m.present, clip.present)  # the original is kept


def test_augment_keeps_layout_and_missing_parts_missing():
    clip = synth_clip(4, frames=30)
    cfg = A.AugmentConfig(part_drop_p=1.0, frame_drop_p=0.2, mirror_p=0.0)
    for seed in range(5):
        rng = np.random.default_rng(seed)
        xyz, present, times = A.augment(clip.xyz, clip.present, clip.times, clip.aspect, rng, cfg)
        assert xyz.shape[1:] == clip.xyz.shape[1:] and len(xyz) == len(present) == len(times) >= 2
        assert np.all(np.diff(times) > 0)
        assert not present[:, F.LEFT].any()
        assert np.all(xyz[:, F.LEFT_SL] == 0)  # never invented a hand
        missing = ~present[:, F.RIGHT]
        assert np.all(xyz[missing][:, F.RIGHT_SL] == 0)


def test_affine_rotation_changes_features_but_shift_does_not():
    clip = synth_clip(5)
    base = F.frame_features(clip.xyz, clip.present)
    none = A.AugmentConfig(rotate_deg=0, scale=0, shift=0.05)
    shifted = A.affine(clip.xyz, 1.0, np.random.default_rng(0), none)
    np.testing.assert_allclose(F.frame_features(shifted, clip.present), base, atol=1e-4)
    rot = A.AugmentConfig(rotate_deg=30, scale=0, shift=0)
    rotated = A.affine(clip.xyz, 1.0, np.random.default_rng(1), rot)
    assert np.abs(F.frame_features(rotated, clip.present) - base).max() > 0.01


def test_trainset_deterministic_and_class_balanced():
    clips = [synth_clip(s, k=k) for s in (1, 2, 3) for k in range(2)] + [synth_clip(3, k=5)]
    ds = TrainSet(clips, [1, 2, 3], 16, A.AugmentConfig(), epoch_size=9, seed=7)
    x0, y0 = ds[4]
    x1, y1 = ds[4]
    assert y0 == y1 == 1 and torch.equal(x0, x1) and x0.shape == (16, F.FEATURE_DIM)
    assert [ds[i][1] for i in range(9)] == [0, 1, 2] * 3
    ds.set_epoch(1)
    assert not torch.equal(ds[4][0], x0)
    with pytest.raises(ValueError, match="no training clips"):
        TrainSet(clips, [1, 2, 3, 4], 16, A.AugmentConfig(), 8)


def test_eval_features_match_the_apps_pipeline():
    clip = synth_clip(6)
    span = F.signing_span(clip.xyz, clip.present, clip.times, clip.aspect)
    want = F.sequence_features(clip.xyz[span], clip.present[span], clip.times[span], 20, clip.aspect)
    np.testing.assert_array_equal(eval_features(clip, 20), want)
    ev = EvalSet([clip, synth_clip(99)], [6], 20)
    assert len(ev) == 1 and ev[0][1] == 0


def test_mirror_augmentation_moves_a_right_hand_sign_to_the_left_hand():
    clip = synth_clip(7)
    cfg = A.AugmentConfig(mirror_p=1.0, part_drop_p=0.0, frame_drop_p=0.0)
    xyz, present, _ = A.augment(clip.xyz, clip.present, clip.times, 1.0, np.random.default_rng(0), cfg)
    assert present[:, F.LEFT].all() and not present[:, F.RIGHT].any()
    # the hand is now on the other side of the body centre
    centre = (clip.xyz[0, F.L_SHOULDER, 0] + clip.xyz[0, F.R_SHOULDER, 0]) / 2
    assert np.sign(np.median(clip.xyz[:, F.RIGHT_SL.start, 0]) - centre) != np.sign(
        np.median(xyz[:, F.LEFT_SL.start, 0]) - (1 - centre))


def test_temperature_fit_recovers_an_overconfident_model():
    from training.calibration import ece, fit_temperature, nll, softmax

    rng = np.random.default_rng(0)
    true_logits = rng.normal(0, 2, (4000, 5))
    labels = np.array([rng.choice(5, p=p) for p in softmax(true_logits)])
    over = 3.0 * true_logits  # three times too sure of itself
    t = fit_temperature(over, labels)
    assert 2.6 < t < 3.4
    assert nll(over, labels, t) < nll(over, labels)
    assert ece(softmax(over, t), labels) < ece(softmax(over), labels)


def test_recipe_head_is_unchanged_and_cosine_head_gives_scaled_cosines():
    torch.manual_seed(0)
    recipe = build_model(ModelConfig(n_classes=4, hidden=16, group_dim=8, n_layers=1)).eval()
    assert isinstance(recipe.head, torch.nn.Linear)  # old checkpoints: same modules, same state_dict keys
    assert {k for k in recipe.state_dict() if k.startswith("head.")} == {"head.weight", "head.bias"}
    cos = build_model(ModelConfig(n_classes=4, hidden=16, group_dim=8, n_layers=1, head="cosine",
                                  cos_scale=10.0)).eval()
    assert {k for k in cos.state_dict() if k.startswith("head.")} == {"head.weight"}
    x = torch.randn(3, 12, F.FEATURE_DIM)
    with torch.no_grad():
        logits, emb = cos(x, with_embedding=True)
        assert torch.equal(emb, cos.embedding(x)) and torch.equal(logits, cos(x))
        want = 10.0 * torch.nn.functional.cosine_similarity(emb[:, None], cos.head.weight[None], dim=-1)
    torch.testing.assert_close(logits, want, rtol=1e-4, atol=1e-4)
    assert logits.abs().max() <= 10.0 + 1e-4
    with pytest.raises(ValueError, match="unknown head"):
        build_model(ModelConfig(head="arc"))


def test_supcon_loss_is_low_for_separated_classes():
    from training.train import supcon_loss

    y = torch.tensor([0, 0, 1, 1, 2, 2])
    centres = torch.eye(3, 8) * 10
    tight = centres[y] + 0.01 * torch.randn(6, 8)
    mixed = torch.randn(6, 8)
    assert supcon_loss(tight, y, 0.1) < supcon_loss(mixed, y, 0.1)
    assert supcon_loss(tight, torch.arange(6), 0.1) == 0  # no positive pairs: nothing to pull together


def test_multiview_first_view_is_the_trainset_item_and_mirror_pair_swaps_hands():
    from training.train import MultiView

    clips = [synth_clip(s, k=k) for s in (1, 2) for k in range(2)]
    ds = TrainSet(clips, [1, 2], 16, A.AugmentConfig(), epoch_size=6, seed=3)
    mv = MultiView(ds, views=2)
    x, y = mv[3]
    assert x.shape == (2, 16, F.FEATURE_DIM) and y == ds[3][1]
    assert torch.equal(x[0], ds[3][0]) and not torch.equal(x[0], x[1])
    assert torch.equal(mv[3][0], x)  # deterministic
    # mirror pair, no other augmentation: the two views are one recording and its mirror image
    still = A.AugmentConfig(rotate_deg=0, scale=0, shift=0, hand_shift=0, hand_scale=0, jitter=0, speed=0,
                            trim_jitter=0, frame_drop_p=0, part_drop_p=0)
    mp = MultiView(TrainSet(clips, [1, 2], 16, still, epoch_size=6, seed=3), views=2, mirror=True)
    left, right = F.PART_COLS[F.LEFT], F.PART_COLS[F.RIGHT]
    hands = np.stack([mp[i][0].numpy() for i in range(6)])  # (6, views, T, D)
    for v0, v1 in hands:
        # a right-handed synthetic sign: one view signs with the right hand, the other with the left
        assert v0[:, left].any() != v1[:, left].any() and v0[:, right].any() != v1[:, right].any()


def test_variants_merge_into_the_recipe():
    from training.figures import VARIANTS, variant_config
    from training.train import TrainConfig

    assert variant_config("recipe") == TrainConfig()
    m = variant_config("metric")
    assert m.model["head"] == "cosine" and m.model["hidden"] == TrainConfig().model["hidden"]
    assert (m.views, m.view_mirror, m.margin, m.supcon) == (2, True, 0.2, 0.5)
    assert m.augment == TrainConfig().augment
    for name in VARIANTS:
        variant_config(name)  # every entry names real fields
    with pytest.raises(ValueError, match="unknown variant"):
        variant_config("nope")


def test_renderings_are_learnt_beside_their_training_recordings_only(tmp_path, caplog):
    """`renderings`: each training recording's webcam-like rendering joins it; held-back (validation)
    recordings stay out, as do renderings of recordings not trained on; a missing one is counted."""
    from dataclasses import replace

    from tests.training_synth import write_synth_cache
    from training.cache import cache_path
    from training.selection import renderings_dir, select_data
    from training.train import TrainConfig

    write_synth_cache(tmp_path / "keypoints", [1, 2], per_sign=3, signers=("01", "02"))
    web = tmp_path / "webcam"
    for signer in ("01", "02"):
        for split in ("train", "test"):
            for s in (1, 2):
                for k in range(3):
                    if (signer, split, s, k) == ("01", "train", 2, 2):
                        continue  # one rendering missing
                    c = synth_clip(s, signer, split, k, frames=12, seed=1)  # other keypoints, same recording
                    save_clip(cache_path(web, f"{signer}/{split}/{s:04d}/{c.sample}"), c)
    base = TrainConfig(cache=str(tmp_path / "keypoints"), signs="1-2", train_signers="01", val_splits="")
    plain, _, _ = select_data(base)
    cfg = replace(base, renderings="webcam", holdout="1-2:2")  # 2 recordings per sign learnt, 1 held back
    assert renderings_dir(cfg) == web and renderings_dir(base) is None
    with caplog.at_level("WARNING", logger="training.train"):
        train, val, ids = select_data(cfg)
    studio = [c for c in train if len(c.times) == 24]
    rendered = [c for c in train if len(c.times) == 12]
    assert ids == [1, 2] and len(plain) == 6 and len(studio) == 4 and len(val) == 2
    assert {(c.sign, c.sample) for c in rendered} == {(c.sign, c.sample) for c in studio}  # (2, k=2) is held back
    assert all(c.signer == "01" and c.split == "train" for c in train)
    assert not {c.sample for c in val} & {c.sample for c in train}
    train, _, _ = select_data(replace(base, renderings=str(web)))  # an absolute path; one rendering missing
    assert len(train) == 6 + 5 and "1 of 6 recordings have no webcam-like rendering" in caplog.text


def test_models_learn_the_renderings_their_webcam_rows_are_tested_on(tmp_path, monkeypatch):
    """`--webcam-cache` is also what the recipe's models learn (`learning_renderings`), not the
    `webcam` folder beside `--cache`: keypoint caches of another landmarker kept elsewhere
    (`training.extract --no-rescue --out ...`) must not train on one landmarker's renderings and
    be tested on another's."""
    from training import personal_eval
    from training.selection import learning_renderings, renderings_dir
    from training.train import TrainConfig

    cam = tmp_path / "first" / "cam"
    cfg = TrainConfig(cache=str(tmp_path / "first" / "keypoints"), renderings="webcam")
    assert renderings_dir(cfg) == tmp_path / "first" / "webcam"  # by default: beside the cache
    assert renderings_dir(learning_renderings(cfg, cam)) == cam.resolve()
    assert learning_renderings(cfg, None) is cfg
    plain = TrainConfig(cache=cfg.cache)  # a recipe that learns no renderings keeps learning none
    assert learning_renderings(plain, cam).renderings == ""
    trained = []
    monkeypatch.setattr(personal_eval, "train", lambda c, quiet: trained.append(c))
    personal_eval.train_models(Path(cfg.cache), tmp_path / "out", cfg, cam)
    assert len(trained) == 4 and {renderings_dir(c) for c in trained} == {cam.resolve()}


def test_webcam_figure_cases_test_the_same_models_on_renderings():
    from training.figures import CASES, VARIANTS, WEBCAM_CASES

    for name in WEBCAM_CASES:
        title, model_case, test = CASES[name]
        assert model_case in CASES and "webcam" in title
        assert test == "webcam" or (test[-1] == "webcam" and test[:3] == CASES[model_case][2])
    assert VARIANTS["w1_ens3_cam"] == {**VARIANTS["w1_ens3"], "renderings": "webcam"}
