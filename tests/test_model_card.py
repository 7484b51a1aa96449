"""The figures in the model card and README are the ones the shipped model carries."""

from __future__ import annotations

import pytest

from arsl_desktop import paths
from arsl_desktop.core.classifier import SignClassifier
from training import model_card as mc

FIG = {
    "command": "python -m training.evaluate --figures", "created": "2026-11-25T00:00:00+00:00", "code": "abc",
    "keypoints": "kp", "features": "kp+f", "variant": "recipe",
    "recipe": {"features": {"canonical": False, "shape": False}},
    "cases": {
        "validation": {"title": "val", "classes": 77, "model": {"n": 444, "top1": 0.9234, "top5": 1.0},
                       "dtw": {"n": 444, "top1": 0.779, "top5": 0.9}, "calibration": {
                           "temperature": 0.66, "val_ece_t1": 0.1, "val_ece": 0.02}},
        "one_shot_1_70": {"title": "1-70", "classes": 82, "model": {"n": 35, "top1": 0.714, "top5": 0.914},
                          "dtw": {"n": 35, "top1": 0.457, "top5": 0.6}},
        "loso_test_01": {"title": "l1", "classes": 6, "model": {"n": 258, "top1": 0.861, "top5": 1.0},
                         "dtw": {"n": 258, "top1": 0.736, "top5": 1.0}},
        "loso_test_02": {"title": "l2", "classes": 6, "model": {"n": 260, "top1": 0.996, "top5": 1.0},
                         "dtw": {"n": 260, "top1": 0.715, "top5": 1.0}},
    },
}


def test_table_has_one_row_per_case_with_model_and_baseline():
    table = mc.figures_table(FIG)
    assert "| 1-70 | 35 | 82 | **71.4%** | 91.4% | 45.7% | 60.0% |" in table
    assert table.index("| 1-70 |") < table.index("| l1 |") < table.index("| val |")  # test cases first
    assert "temperature 0.66" in table and "10.0% before, 2.0% after" in table


def test_readme_line_names_both_unseen_signer_directions():
    line = mc.readme_line(FIG)
    assert "71.4% (DTW 45.7%)" in line and "86.1% (DTW 73.6%)" in line and "99.6% (DTW 71.5%)" in line


def test_webcam_cases_join_the_table_and_readme_line_when_measured():
    web = {"title": "l1 webcam", "classes": 6, "model": {"n": 258, "top1": 0.752, "top5": 1.0},
           "dtw": {"n": 258, "top1": 0.5, "top5": 1.0}}
    fig = {**FIG, "cases": {**FIG["cases"], "loso_test_01_webcam": web,
                            "loso_test_02_webcam": {**web, "title": "l2 webcam"}}}
    table = mc.figures_table(fig)
    assert table.index("| l2 |") < table.index("| l1 webcam |") < table.index("| l2 webcam |") < table.index("| val |")
    assert "webcam-like renderings: another camera): 75.2% (DTW 50.0%) and 75.2%" in mc.readme_line(fig)
    assert "webcam" not in mc.readme_line(FIG)


def test_transfer_table_rows():
    fig = {**FIG, "transfer": {"new_signs": "71-76", "command": "c", "rows": [
        {"enrol_signer": "01", "test_signer": "02", "k": 3, "queries": 260, "embedding_top1": 0.9, "dtw_top1": 0.8}]}}
    assert "| signer 01 | signer 02 | 3 | 260 | 90.0% | 80.0% |" in mc.transfer_table(fig)
    assert "Not measured" in mc.transfer_table(FIG)


def test_replace_block_only_touches_its_block():
    text = "a\n<!-- figures:begin -->\nold\n<!-- figures:end -->\nb\n"
    out = mc.replace_block(text, "figures", "new\nrows")
    assert out == "a\n<!-- figures:begin -->\nnew\nrows\n<!-- figures:end -->\nb\n"
    assert mc.block(out, "figures") == "new\nrows"
    with pytest.raises(ValueError, match="no <!-- other:begin -->"):
        mc.replace_block(text, "other", "x")


def test_ablation_table_marks_the_validation_columns():
    table = mc.ablation_table({"recipe": FIG})
    assert "| recipe | (base recipe) **shipped** | 92.3% (DTW 77.9%) | 71.4% (DTW 45.7%)" in table
    assert "the mean of the two validation columns is the only thing used to choose" in table


def test_camera_table_chooses_on_the_mean_of_three_validation_columns():
    web = {**FIG["cases"]["validation"], "title": "val webcam", "model": {"n": 444, "top1": 0.5, "top5": 1.0}}
    fig = {**FIG, "cases": {**FIG["cases"], "validation_other_hand": FIG["cases"]["validation"],
                            "validation_webcam": web}}
    table = mc.ablation_table({"recipe": fig, "w1": FIG}, "recipe", mc.CAMERA_DECIDES)
    assert "| validation_webcam |" in table.splitlines()[0] and "validation_webcam |" in table.splitlines()[0]
    assert table.splitlines()[2].endswith("| **78.2%** |")  # (92.34 + 92.34 + 50) / 3
    assert table.splitlines()[3].endswith("| – |")  # not measured on all three
    assert "the mean of the 3 validation columns (validation, validation_other_hand, validation_webcam)" in table


def test_the_same_recipe_on_another_landmarkers_keypoints_is_its_own_row():
    now = "MediaPipe Tasks (now)"

    def on(landmarker):
        case = {**FIG["cases"]["validation"], **({"landmarker": landmarker} if landmarker else {})}
        return {**FIG, "variant": "w1_cam", "cases": {"validation": case}}

    assert mc.landmarker_of(on(now)) == now and mc.landmarker_of(on(None)) == ""
    assert mc.row_label(on(now), now) == "w1_cam"
    assert mc.row_label(on("MediaPipe Tasks (then)"), now) == "w1_cam (keypoints: MediaPipe Tasks (then))"
    assert mc.row_label(on(None), now) == "w1_cam (keypoints: an earlier landmarker, not recorded)"
    rows = {mc.row_label(f, now): f for f in (on(None), on(now))}
    lines = mc.ablation_table(rows, "w1_cam").splitlines()
    assert lines[2].startswith("| w1_cam (keypoints: an earlier landmarker, not recorded) | {")  # its overrides
    assert lines[3].startswith("| w1_cam | {") and "**shipped**" in lines[3] and "**shipped**" not in lines[2]
    assert lines[4] == ""  # two rows, neither overwritten by the other


def test_a_model_gives_its_own_figures_to_a_table(tmp_path):
    """--look (and the other tables) take a figures.json or an exported model, whose metadata
    carries the figures it was shipped with: the two read the same."""
    import json

    model = paths.models_dir() / "arsl_karsl82.onnx"
    saved = tmp_path / "figures.json"
    saved.write_text(json.dumps(mc.model_figures(model)), encoding="utf-8")
    assert mc.figures_file(model) == mc.figures_file(saved)
    assert mc.figures_file(model)["cases"]["validation"]["model"]["top1"] > 0


def test_shipped_card_and_readme_show_the_shipped_models_figures():
    model = paths.models_dir() / "arsl_karsl82.onnx"
    fig = mc.model_figures(model)
    card = mc.block(mc.CARD.read_text(encoding="utf-8"), "figures")
    readme = mc.block(mc.README.read_text(encoding="utf-8"), "figures")
    assert card == mc.figures_table(fig), "run: python -m training.model_card"
    assert readme == mc.readme_line(fig), "run: python -m training.model_card"
    assert mc.block(mc.CARD.read_text(encoding="utf-8"), "transfer") == mc.transfer_table(fig)
    assert mc.block(mc.CARD.read_text(encoding="utf-8"), "personal") == mc.personal_table(fig)
    assert mc.block(mc.CARD.read_text(encoding="utf-8"), "continuous") == mc.continuous_table(fig)
    doc = mc.PERSONAL_DOC.read_text(encoding="utf-8")
    assert mc.block(doc, "personal") == mc.personal_table(fig) and mc.block(doc, "matcher") == mc.matcher_choices_table(fig)
    assert fig["personal"]["fusion"] == SignClassifier(model).info("personal")  # the app uses what was measured
    if fig.get("continuous"):  # and cuts signs in a row as measured
        from arsl_desktop.core.segmentation import split_config

        assert split_config(SignClassifier(model).info("split")) == split_config(fig["continuous"]["split"])
    assert fig["recipe"]["features"] == {"canonical": False, "shape": False}


def test_the_no_sign_figure_uses_the_windows_threshold():
    from arsl_desktop.ui.settings import DEFAULT_THRESHOLD
    from training.imbalance import THRESHOLD as IMBALANCE_THRESHOLD
    from training.personal_eval import THRESHOLD

    assert THRESHOLD == DEFAULT_THRESHOLD == IMBALANCE_THRESHOLD
