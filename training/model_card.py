"""Write the figures in `models/MODEL_CARD.md`, `README.md` and `docs/TRAINING.md` from JSON.

    python -m training.model_card --model models/arsl_karsl82.onnx          # card + README
    python -m training.model_card --ablations runs/ablate/*/figures.json    # + TRAINING.md table
    python -m training.model_card --camera runs/figures/figures.json runs/figures_cam/figures.json
    python -m training.model_card --look OLD_MODEL.onnx runs/figures_look/figures.json   # second look
    (also --seeds, --ensemble: per-seed tables; --transfers: the transfer table)

The figures come from the model's own metadata (`arsl_figures`, written by `training.export`
from `training.evaluate --figures`), so the card cannot say what the model did not measure.
Each document holds generated blocks between `<!-- NAME:begin -->` and `<!-- NAME:end -->`;
`tests/test_model_card.py` fails when a block differs from what this module renders.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from arsl_desktop import paths

CARD = paths.install_root() / "models" / "MODEL_CARD.md"
README = paths.install_root() / "README.md"
TRAINING_DOC = paths.install_root() / "docs" / "TRAINING.md"
PERSONAL_DOC = paths.install_root() / "docs" / "PERSONAL_SIGNS.md"
ORDER = ("one_shot_1_70", "test_71_82", "loso_test_01", "loso_test_02", "loso_test_01_webcam", "loso_test_02_webcam",
         "validation", "validation_other_hand", "validation_webcam")


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def figures_table(fig: dict) -> str:
    """The model card's table: one row per case, model and DTW side by side."""
    lines = [f"Generated from the model's metadata (`arsl_figures`): `{fig['command']}`, code {fig.get('code')}, "
             f"{fig['created']}, keypoints `{fig['keypoints']}`, features `{fig['features']}`.", "",
             "| case | test clips | classes | model top-1 | model top-5 | DTW 1-NN top-1 | DTW top-5 |",
             "|---|---|---|---|---|---|---|"]
    for name in ORDER:
        row = fig["cases"].get(name)
        if row is None:
            continue
        m, d = row["model"], row["dtw"]
        lines.append(f"| {row['title']} | {m['n']} | {row['classes']} | **{_pct(m['top1'])}** | {_pct(m['top5'])} "
                     f"| {_pct(d['top1'])} | {_pct(d['top5'])} |")
    cal = (fig["cases"].get("validation") or {}).get("calibration")
    if cal:
        lines += ["", f"Calibration on the validation clips: temperature {cal['temperature']:g}; expected "
                      f"calibration error {_pct(cal['val_ece_t1'])} before, {_pct(cal['val_ece'])} after."]
    return "\n".join(lines)


def transfer_table(fig: dict) -> str:
    """Signs the model never learnt, named from k enrolled clips of another signer (training.transfer)."""
    tr = fig.get("transfer")
    if not tr:
        return "Not measured for this model (`python -m training.evaluate --transfer --into FIGURES.json`)."
    lines = [f"Signs {tr['new_signs']} left out of training, enrolled from the first k training clips of one signer, "
             f"named among those 6 signs on every clip of the other signer: `{tr['command']}`.", "",
             "| enrolled from | tested on | k | clips | embedding prototype top-1 | DTW 1-NN top-1 |",
             "|---|---|---|---|---|---|"]
    for r in tr["rows"]:
        lines.append(f"| signer {r['enrol_signer']} | signer {r['test_signer']} | {r['k']} | {r['queries']} | "
                     f"{_pct(r['embedding_top1'])} | {_pct(r['dtw_top1'])} |")
    pc = tr.get("personal_calibration")
    if pc:
        e, d = pc["embedding"], pc["features_dtw"]
        lines += ["", f"As the app ranks them (`training.personal_calibration`): the 6 signs taught as personal words "
                      f"from k = {pc['k']} clips of one signer, every other clip of either signer ranked among the "
                      f"model's signs and the personal ones in one list ({pc['queries']} clips, "
                      f"{pc['new_sign_queries']} of the taught signs). Embedding: taught signs "
                      f"{_pct(e['top1_new_signs'])}"
                      + (f" ({_pct(e['top1_new_signs_same_signer'])} on the teaching signer's other clips, "
                         f"{_pct(e['top1_new_signs_other_signer'])} on the other signer's)"
                         if "top1_new_signs_same_signer" in e else "")
                      + f", the model's own signs {_pct(e['top1_known_signs'])} top-1 "
                      f"({_pct(pc['top1_known_signs_without_personal'])} with no personal signs) "
                      f"(personal logit {e['scale']:g} × cosine {e['offset']:+g}, offered from cosine "
                      f"{e['min_similarity']:g}). The DTW fallback for models without an embedding: "
                      f"{_pct(d['top1_new_signs'])} and {_pct(d['top1_known_signs'])}."]
    return "\n".join(lines)


ROW_TITLES = {"a": "own signer, new words", "b": "taught by the other signer (a pack)",
              "c": "the other signer's 3 + one own recording", "e": "adaptation: own way of a known sign"}


def _not_measured(result: str) -> str:
    """What a table says when the model carries no `result` (measured, then set into the model)."""
    return (f"Not measured for this model (`python -m training.evaluate --{result}`, then "
            f"`python -m training.export --set-{result}`).")


_ROW_COLUMNS = ("row", "data", "X", "k", "queries")  # what every taught-sign table starts with


def _line(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _head(*cols: str) -> list[str]:
    """A taught-sign table's header: `_ROW_COLUMNS`, then `cols`."""
    cols = (*_ROW_COLUMNS, *cols)
    return [_line(cols), "|" + "---|" * len(cols)]


def _row_cells(r: dict) -> list:
    """The `_ROW_COLUMNS` cells of one taught-sign row (`personal_eval.row_result`, `corrected_row`)."""
    return [f"{r['row']}: {ROW_TITLES[r['row']]}", r["data"], r["signer"], r["k"], r["queries"]]


def _personal_head(*extra: str) -> list[str]:
    """The header of a table of taught-sign rows (`_personal_row`), with `extra` columns after queries."""
    return _head(*extra, "app top-1", "matcher top-1", "DTW baseline top-1", "model alone")


def _personal_row(r: dict, *extra) -> str:
    """One row of `training.personal_eval` (`row_result`) as a table line; `extra` cells after queries."""
    return _line([*_row_cells(r), *extra, f"**{_pct(r['app_top1'])}**", _pct(r["matcher_top1_taught_only"]),
                  _pct(r["dtw_baseline_top1_taught_only"]), _pct(r.get("model_alone_top1"))])


def personal_table(fig: dict) -> str:
    """Taught signs as the app ranks them, beside the DTW baseline (training.personal_eval)."""
    pe = fig.get("personal")
    if not pe:
        return _not_measured("personal")
    f = pe["fusion"]
    lines = [f"Signs {pe['new_signs']} taught from the first k training recordings of signer X (other rows: see "
             f"the first column), X's other training recordings named (test splits never used): `{pe['command']}`. "
             "*app*: the app's own ranking among all the model's signs and the taught ones (rows a-c: the model "
             "trained without 71-76; row e: the model trained on the other signer only, which knows 71-76); "
             "*matcher* and *DTW baseline*: among the taught signs only.", "",
             *_personal_head()]
    lines += [_personal_row(r) for r in pe["rows"]]
    if pe.get("held_out"):
        lines += ["", "Held-out check, after the fit (never chosen on): X teaches 71-76 from the same first 3 "
                      "training recordings, and X's **test** recordings (KArSL's held-out split; *other day*: how "
                      "many were recorded on a day none of their sign's taught recordings was) are named.", "",
                  *_personal_head("other day")]
        lines += [_personal_row(r, r.get("other_day", "–")) for r in pe["held_out"]]
    if pe.get("corrections"):
        lines += ["", *corrections_lines(pe)]
    if pe.get("look_alike"):
        lines += ["", *look_alike_lines(pe)]
    k = pe["known_signs"]
    fits = pe.get("fits") or {}
    tried = ", ".join(f"{float(w):g}: {_pct(v['mean_top1'])}" for w, v in fits.items())
    reach = ", ".join(f"{d}: {_pct(v['mean_top1'])}" for d, v in (pe.get("reach_fits") or {}).items())
    gate_d = (f"the nearest personal sign's match distance + {f['embed_weight']:g} × (1 − embedding cosine)"
              if f["embed_weight"] else "the nearest personal sign's match distance")
    lines += ["", "Fusion (in the model's metadata): the personal signs are ranked by their match distance alone "
                  "(DTW and the wrists' ranges, `core.matching`); "
                  f"gate = sigmoid({f['gate_bias']:g} − {f['gate_slope']:g} × d − "
                  f"{f.get('gate_confidence', 0):g} × the model's top probability), d = {gate_d}"
                  + (f" (embedding weight {tried}: mean top-1 of the taught rows)" if tried else "") + "; sharpness "
                  f"{f['sharpness']:g}; a personal sign farther than {f['max_distance']:g} is not offered"
                  + (f" (max distance {reach}: mean top-1 of the taught rows)" if reach else "") + ". The model's "
                  f"own signs with 71-76 taught: {_pct(k['top1_with_taught_signs'])} top-1 "
                  f"({_pct(k['top1_model_alone'])} with none; {k['queries']} of its training recordings)."]
    if "floors" in pe:
        fl = pe["floors"]
        miss = "; ".join(f"{r['row']} {r['data']} signer {r['signer']} k={r['k']} by {100 * r['by']:.1f} points"
                         for r in fl["short"])
        lines.append(f"- Floors: before the mean, the fit holds rows {fl['rows']} at or above {fl['of']}: "
                     + (f"short on {miss}." if miss else "every one of them is."))
    for n in pe.get("lookalike_signs", []):
        by = n.get("taught_by", n["signer"])
        who = "by the signer" if by == n["signer"] else f"by signer {by} (a teacher's pack)"
        lines.append(f"- Known look-alikes (signer {n['signer']}): 71-73 taught {who} from 3 recordings, {n['queries']} "
                     f"recordings of 74-76 that the validation case's model knows but never learnt from: top-1 "
                     f"{_pct(n['top1_with_taught_signs'])} (the model alone {_pct(n['top1_model_alone'])}; the fit "
                     f"allows a loss of {pe.get('lookalike_keep', 0) * 100:g} points at most).")
    if pe.get("known_words"):
        lines += ["", *known_word_lines(pe)]
    for n in pe.get("no_sign", []):
        lines.append(f"- No sign ({n['data']}, signer {n['signer']}): 71-73 taught from {n['k']} recordings, "
                     f"{n['queries']} recordings of 74-76 (neither taught nor known): a taught sign named at "
                     f"≥ {n['threshold']:g} confidence {_pct(n['named_taught_share'])}, any sign "
                     f"{_pct(n['named_any_share'])} (the model alone {_pct(n['model_alone_named_share'])}).")
    return "\n".join(lines)


def known_word_lines(pe: dict) -> list[str]:
    """Row k, a new word the model already knows, and the stand-in threshold's choice table
    (`training.stand_in_eval`)."""
    sure = pe["fusion"].get("stand_in", 0)
    lines = ["A new word the model already knows (row k): X teaches 71-76 as new words from their first 3 "
             "recordings that the validation case's model (which learnt 71-77 from other recordings) never "
             "learnt from; X's other such recordings are named, and the taught word must win. A new word whose "
             "examples the model reads as one of its signs (mean probability ≥ "
             f"{sure:g}) stands in for it: the model's vote for that sign counts for the word wherever a "
             "recording is within reach of the word's examples.", "",
             "| data | X | queries | stand-ins | **app** | app without stand-ins | model alone names its sign | "
             "matcher | DTW baseline |", "|---|---|---|---|---|---|---|---|---|"]
    for r in pe["known_words"]:
        lines.append(_line([r["data"], r["signer"], str(r["queries"]), str(r["stand_ins"]),
                            f"**{_pct(r['app_top1'])}**", _pct(r["app_top1_without_stand_ins"]),
                            _pct(r["model_alone_names_its_sign"]), _pct(r["matcher_top1_taught_only"]),
                            _pct(r["dtw_baseline_top1_taught_only"])]))
    choices = pe.get("stand_in_choices") or []
    if choices:
        words = [f"{r['data']} {r['signer']}" for r in pe["known_words"]]
        lines += ["", "The threshold (0: no stand-ins), chosen on these validation rows with the fitted fusion "
                      "(`training.stand_in_eval.choose`): among those that keep the model's own signs and the known "
                      "look-alikes as the fit does and give \"no sign\" no more taught names than none, the best mean "
                      "top-1 of the taught rows, then of row k:", "",
                  "| stand-in at | taught rows (mean) | model's own signs | known look-alikes (" + ", ".join(
                      f"{n['signer']} by {n.get('taught_by', n['signer'])}" for n in pe.get("lookalike_signs", []))
                  + ") | no sign: a taught name (" + ", ".join(f"{n['data']} {n['signer']}" for n in pe.get("no_sign", []))
                  + ") | " + " | ".join(f"row k {w}" for w in words) + " |",
                  "|---|---|---|---|---|" + "---|" * len(words)]
        for c in choices:
            mark = "**" if c["stand_in"] == sure else ""
            lines.append(_line([f"{mark}{c['stand_in']:g}{mark}", f"{100 * c['taught_mean_top1']:.2f}%",
                                _pct(c["known_top1"]),
                                " / ".join(_pct(v) for v in c["lookalike_top1"]),
                                " / ".join(_pct(v) for v in c["no_sign_named_taught"]),
                                *(_pct(v) for v in c["known_words_top1"])]))
    return lines


def corrections_lines(pe: dict) -> list[str]:
    """The corrections table (`training.corrections_eval`): each row named in recording order with
    every miss corrected once, beside the same row without corrections."""
    static = {(r["row"], r["data"], r["signer"], r["k"]): r for r in pe["rows"]}
    lines = ["With corrections, after the fit (never chosen on): the same rows, X's recordings named in the order "
             "they were made; each one named wrongly is corrected once by the user (*Not this sign?* in the window, "
             "`signs add` on the command line), so it becomes an example of its sign. Each column corrects its own "
             "misses: top-1 (corrections made).", "",
             *_head("app, no corrections", "**app**", "matcher", "DTW baseline")]
    for r in pe["corrections"]:
        before = static.get((r["row"], r["data"], r["signer"], r["k"]), {}).get("app_top1")
        lines.append(_line([*_row_cells(r), _pct(before), f"**{_pct(r['app_top1'])}** ({r['app_corrections']})",
                            f"{_pct(r['matcher_top1'])} ({r['matcher_corrections']})",
                            f"{_pct(r['dtw_baseline_top1'])} ({r['dtw_baseline_corrections']})"]))
    return lines


def look_alike_lines(pe: dict) -> list[str]:
    """Recordings that look like another taught sign (`training.look_alike`), and rows a and e at
    k = 3 over the others."""
    lines = ["Recordings that look like another taught sign, after the fit (never chosen on): a recording of X "
             "that the matcher (X's first 3 examples) and the model trained on the other signer only (which knows "
             f"71-76; probability ≥ {pe.get('look_alike_sure', 0.5):g}) both name as the same other taught sign. "
             "Judged on the original keypoints; the webcam-like rendering of the same recording counts the same "
             "(*as*: what the matcher names it there). Rows a and e at k = 3 over the other recordings:", "",
             _line(["data", "X", "k", "queries", "look alike", "as", "a: app top-1", "e: app top-1",
                    "matcher top-1", "DTW baseline top-1"]), "|" + "---|" * 10]
    for r in pe["look_alike"]:
        seen = ", ".join(f"{what} ×{n}" for what, n in r["as"].items()) or "–"
        lines.append(_line([r["data"], r["signer"], r["k"], r["queries"], r["look_alike"], seen,
                            f"**{_pct(r['a_app_top1_rest'])}**", f"**{_pct(r['e_app_top1_rest'])}**",
                            _pct(r["matcher_top1_rest"]), _pct(r["dtw_baseline_top1_rest"])]))
    return lines


def matcher_choices_table(fig: dict) -> str:
    pe = fig.get("personal") or {}
    rows = pe.get("matcher_choices")
    if not rows:
        return "Not measured (`python -m training.evaluate --personal`)."
    lines = ["Top-1 among the taught signs only (validation recordings; `" + pe["command"] + "`): own signer"
             " at k = 3, and the mean over every row (a at k = 1, 3, 5, b at k = 3, c; both signers), on which"
             " the choice is made:", "",
             "| data | frames taken | hand shape weight | upper body weight | wrists' ranges weight "
             "| a hand that stays down | own, signer 01 | own, signer 02 | every row | used |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        how = "evenly spaced frames" if r["sampling"] == "frames" else "instants evenly spaced in time"
        rest = "weighted by its height" if r.get("resting_hand") == "weighted" else "counts fully"
        mean = _pct(r["mean_all_rows"]) if "mean_all_rows" in r else "–"
        lines.append(f"| {r['data']} | {how} | ×{r['shape_weight']:g} | ×{r.get('body_weight', 1.0):g} | "
                     f"{r.get('extent_weight', 0.0):g} | {rest} | "
                     f"{_pct(r['signer_01'])} | {_pct(r['signer_02'])} | {mean} | {'**yes**' if r['used'] else ''} |")
    return "\n".join(lines)


REPORT_TITLES = {"one_shot_1_70": "signer 01's test recordings of 1-70 (one-shot case)",
                 "test_71_82": "the test recordings of 71-82", "loso_test_01": "unseen signer 01",
                 "loso_test_02": "unseen signer 02", "validation": "the validation case"}
KIND_TITLES = {"rest": "hands down between signs", "no_rest": "no rest: straight from one sign into the next"}


def continuous_table(fig: dict) -> str:
    """Signs in a row: the sign error rate of the app's transcription (training.continuous_eval)."""
    co = fig.get("continuous")
    if not co:
        return _not_measured("continuous")
    st = co["streams"]
    lines = [f"Streams of {st['signs_per_stream']} recordings of one signer that the measuring model never learnt "
             f"from (different signs in a row, placed where the first signer stands), joined either with the hands "
             f"down for {st['rest_s']:g} s between signs or with a {st['transition_s']:g} s movement straight from "
             f"one sign into the next; run through the app's own spotting, cutting and ranking "
             f"(`Recognizer.push`, what `transcribe` and the window run after MediaPipe): `{co['command']}`. "
             "Sign error rate = (substituted + deleted + inserted) / signs made, like WER. *cut*: a segment "
             f"holding several signs is cut into them ({co['split_name']}, chosen on validation streams: "
             f"{' and '.join(co.get('chosen_on') or ['loso_test_01', 'loso_test_02'])}, each leave-one-signer-out "
             "model on the left-out signer's training recordings); *not cut*: one sign per segment, as before.", "",
             "| recordings (model) | streams | signs | joined | sign error rate, cut | S / D / I | not cut |",
             "|---|---|---|---|---|---|---|"]
    by = {(r["row"], r["kind"], r["split"]): r for r in co["rows"]}
    for (row, kind, split), r in by.items():
        if split != "chosen":
            continue
        off = by.get((row, kind, "off"))
        lines.append(f"| {r['title']} | {r['streams']} | {r['signs']} | {KIND_TITLES[kind]} | **{_pct(r['ser'])}** | "
                     f"{r['substitutions']} / {r['deletions']} / {r['insertions']} | "
                     f"{_pct(off['ser']) if off else '–'} |")
    if co.get("not_measured"):
        lines += ["", "Not measured (their case models were not trained for this run): "
                      + ", ".join(REPORT_TITLES.get(n, n) for n in co["not_measured"]) + "."]
    return "\n".join(lines)


def imbalance_table(res: dict) -> str:
    """Look-alikes learnt from unequal numbers of recordings (training.imbalance)."""
    lines = [f"`{res['command']}` (variant {res['variant']}): signs 1-77 from both signers' training splits; "
             f"look-alike pairs {', '.join(f'{a}/{b}' for a, b in res['pairs'])}: role A gives the first of each "
             f"pair two recordings per signer and its look-alike one (`{res['roles']['A']}`), role B the other way "
             "round; one model per role, tested on the same training recordings of 71-77 (none learnt in either "
             "role). A miss that names the look-alike counts toward the better-recorded sign or toward the other.",
             "", "| option | top-1 (A, B) | misses toward the better-recorded look-alike (A + B) | toward the other "
             "| calibration error (A, B) | confidence when wrong (A, B) | wrong names shown at ≥ 0.4 (A, B) | used |",
             "|---|---|---|---|---|---|---|---|"]
    for r in res["rows"]:
        a, b = r["roles"]["A"], r["roles"]["B"]
        lines.append(f"| {r['option']} | {_pct(a['top1'])}, {_pct(b['top1'])} | {a['toward_better']} + "
                     f"{b['toward_better']} | {a['toward_other']} + {b['toward_other']} | {_pct(a['ece'])}, "
                     f"{_pct(b['ece'])} | {_pct(a['confidence_when_wrong'])}, {_pct(b['confidence_when_wrong'])} | "
                     f"{_pct(a.get('wrong_shown'))}, {_pct(b.get('wrong_shown'))} | {'**yes**' if r.get('used') else ''} |")
    return "\n".join(lines)


def readme_line(fig: dict) -> str:
    c = fig["cases"]

    def pair(name: str) -> str:
        return f"{_pct(c[name]['model']['top1'])} (DTW {_pct(c[name]['dtw']['top1'])})"

    camera = (f"; and as a laptop webcam sees them (webcam-like renderings: another camera): "
              f"{pair('loso_test_01_webcam')} and {pair('loso_test_02_webcam')}"
              if {"loso_test_01_webcam", "loso_test_02_webcam"} <= c.keys() else "")
    return (f"Measured on held-out clips (`{fig['command']}`): signer 01, signs 1–70 learnt from one recording "
            f"each: top-1 {pair('one_shot_1_70')}; unseen signer, signs 71–76: {pair('loso_test_01')} and "
            f"{pair('loso_test_02')}{camera}. Table and caveats in `models/MODEL_CARD.md`.")


def landmarker_of(fig: dict) -> str:
    """The landmarker whose keypoints a figures.json was measured on ("" if it did not record one)."""
    return next((c["landmarker"] for c in fig.get("cases", {}).values() if c.get("landmarker")), "")


def row_label(fig: dict, shipped_landmarker: str) -> str:
    """A figures.json's row name in a table: its variant, and the keypoints where they are not
    the shipped model's (the same recipe on another landmarker's keypoints is another row)."""
    mine = landmarker_of(fig)
    if mine == shipped_landmarker:
        return fig["variant"]
    return f"{fig['variant']} (keypoints: {mine or 'an earlier landmarker, not recorded'})"


def ablation_table(variants: dict[str, dict], shipped: str = "recipe", decide: tuple[str, ...] = ()) -> str:
    """docs/TRAINING.md: what each part of the recipe does to every figure (`decide`: the validation
    cases whose mean chooses, as a last column; default the two studio validation cases, unshown)."""
    from training.figures import VARIANTS

    cols = [n for n in ("validation", "validation_other_hand", "validation_webcam", "one_shot_1_70", "loso_test_01",
                        "loso_test_02", "loso_test_01_webcam", "loso_test_02_webcam", "test_71_82")
            if any(n in v["cases"] for v in variants.values())]
    last = [f"mean of {', '.join(decide)}"] if decide else []
    lines = ["| variant | change from the recipe | " + " | ".join(cols + last) + " |",
             "|---|---|" + "---|" * (len(cols) + len(last))]
    for name, fig in variants.items():
        over = VARIANTS.get(fig.get("variant", name))
        feats = json.dumps(over).replace("|", "\\|") if over else "(base recipe)"
        feats += " **shipped**" if name == shipped else ""
        cells = []
        for col in cols:
            row = fig["cases"].get(col)
            cells.append("–" if row is None else f"{_pct(row['model']['top1'])} (DTW {_pct(row['dtw']['top1'])})")
        if decide:
            tops = [fig["cases"][c]["model"]["top1"] for c in decide if c in fig["cases"]]
            cells.append(f"**{_pct(sum(tops) / len(tops))}**" if len(tops) == len(decide) else "–")
        lines.append(f"| {name} | {feats} | " + " | ".join(cells) + " |")
    chooses = (f"the mean of the {len(decide)} validation columns ({', '.join(decide)})" if decide
               else "the mean of the two validation columns")
    lines += ["", f"Model top-1 (DTW 1-NN top-1 with the same features) per case; {chooses} is the only thing "
                  "used to choose. Commands: " + "; ".join(f"`{v['command']}`" for v in variants.values())]
    return "\n".join(lines)


CAMERA_DECIDES = ("validation", "validation_other_hand", "validation_webcam")  # the camera table's choice
SEED_CASES = ("validation", "validation_other_hand", "one_shot_1_70", "loso_test_01", "loso_test_02", "test_71_82")


def seed_table(runs: list[dict]) -> str:
    """docs/TRAINING.md: every seed of every variant (model top-1 per case, seeds in order, then the
    mean); the "validation mean" column is the mean of the two validation cases, the one that decides."""
    by: dict[str, dict[str, dict[int, float]]] = {}
    for fig in runs:
        seed = int((fig.get("recipe") or {}).get("seed", 0))
        for case, row in fig["cases"].items():
            by.setdefault(fig["variant"], {}).setdefault(case, {})[seed] = row["model"]["top1"]

    def mean(d: dict[int, float]) -> float:
        return sum(d.values()) / len(d)

    def decider(v: dict) -> float:
        return (mean(v["validation"]) + mean(v["validation_other_hand"])) / 2 if {
            "validation", "validation_other_hand"} <= v.keys() else -1.0

    cols = [c for c in SEED_CASES if any(c in v for v in by.values())]
    lines = ["| variant | " + " | ".join(cols) + " | validation mean |", "|---|" + "---|" * (len(cols) + 1)]
    for name, v in sorted(by.items(), key=lambda kv: decider(kv[1])):
        cells = []
        for c in cols:
            d = v.get(c)
            cells.append("–" if not d else " / ".join(f"{100 * d[k]:.1f}" for k in sorted(d)) +
                         f" (mean {_pct(mean(d))}, seeds {','.join(str(k) for k in sorted(d))})")
        dec = decider(v)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {'–' if dec < 0 else _pct(dec)} |")
    def template(cmd: str) -> str:
        for pattern, repl in ((r"--variant \S+", "--variant V"), (r"--seed \d+", "--seed S"), (r"--out \S+", "--out DIR"),
                              (r"--cache \S+", "--cache CACHE")):
            cmd = re.sub(pattern, repl, cmd)
        return f"`{cmd}`"

    lines += ["", f"Model top-1 per seed ({len(runs)} figures.json files, grouped by variant and seed), made by: "
              + "; ".join(sorted({template(f["command"]) for f in runs}))]
    return "\n".join(lines)


def transfer_rows(runs: list[dict]) -> str:
    """docs/TRAINING.md: the transfer test of each variant (embedding prototype top-1 per row, DTW beside)."""
    lines = ["| variant | " + " | ".join(f"{r['enrol_signer']}→{r['test_signer']} k={r['k']}"
                                        for r in runs[0]["rows"]) + " | mean |",
             "|---|" + "---|" * (len(runs[0]["rows"]) + 1)]
    for tr in runs:
        vals = [r["embedding_top1"] for r in tr["rows"]]
        lines.append(f"| {tr.get('variant', 'recipe')} | " + " | ".join(_pct(x) for x in vals)
                     + f" | {_pct(sum(vals) / len(vals))} |")
    dtw = [r["dtw_top1"] for r in runs[0]["rows"]]
    lines.append("| DTW 1-NN | " + " | ".join(_pct(x) for x in dtw) + f" | {_pct(sum(dtw) / len(dtw))} |")
    lines += ["", "Commands: " + "; ".join(f"`{t['command']}`" for t in runs)]
    return "\n".join(lines)


def replace_block(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"<!-- {name}:begin -->\n.*?<!-- {name}:end -->", re.S)
    if not pattern.search(text):
        raise ValueError(f"no <!-- {name}:begin --> ... <!-- {name}:end --> block")
    return pattern.sub(lambda m: f"<!-- {name}:begin -->\n{body}\n<!-- {name}:end -->", text, count=1)


def block(text: str, name: str) -> str | None:
    m = re.search(rf"<!-- {name}:begin -->\n(.*?)\n?<!-- {name}:end -->", text, re.S)
    return m.group(1) if m else None


def model_figures(model: Path) -> dict:
    from arsl_desktop.core.classifier import SignClassifier

    fig = SignClassifier(model).info("figures")
    if not isinstance(fig, dict) or "cases" not in fig:
        raise ValueError(f"{model} carries no figures (export it with --figures)")
    return fig


def figures_file(path: Path) -> dict:
    """A figures.json, or the figures an exported model carries (a model shipped before, say)."""
    if path.suffix == ".onnx":
        return model_figures(path)
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=paths.models_dir() / "arsl_karsl82.onnx")
    ap.add_argument("--ablations", type=Path, nargs="*", default=[],
                    help="figures.json of each variant, for the table in docs/TRAINING.md")
    ap.add_argument("--seeds", type=Path, nargs="*", default=[],
                    help="figures.json of every seed of every variant, for the seeds table in docs/TRAINING.md")
    ap.add_argument("--ensemble", type=Path, nargs="*", default=[],
                    help="figures.json of each member seed and of their ensemble (same layout as --seeds), for "
                         "the ensemble table in docs/TRAINING.md")
    ap.add_argument("--transfers", type=Path, nargs="*", default=[],
                    help="transfer.json of each variant, for the transfer table in docs/TRAINING.md")
    ap.add_argument("--camera", type=Path, nargs="*", default=[],
                    help="figures.json of the recipe without and with webcam-like renderings, for the camera "
                         "table in docs/TRAINING.md")
    ap.add_argument("--look", type=Path, nargs="*", default=[],
                    help="figures.json (or an exported model, its figures) of the recipe on the keypoints before "
                         "and with the landmarker's second look at a small face, for the look table in "
                         "docs/TRAINING.md")
    ap.add_argument("--imbalance", type=Path, default=None,
                    help="imbalance.json of training.evaluate --imbalance, for the table in docs/TRAINING.md")
    a = ap.parse_args(argv)
    try:
        fig = model_figures(a.model)
        card = replace_block(CARD.read_text(encoding="utf-8"), "figures", figures_table(fig))
        card = replace_block(card, "transfer", transfer_table(fig))
        card = replace_block(card, "continuous", continuous_table(fig))
        CARD.write_text(replace_block(card, "personal", personal_table(fig)), "utf-8")
        doc = replace_block(PERSONAL_DOC.read_text(encoding="utf-8"), "personal", personal_table(fig))
        PERSONAL_DOC.write_text(replace_block(doc, "matcher", matcher_choices_table(fig)), "utf-8")
        README.write_text(replace_block(README.read_text(encoding="utf-8"), "figures", readme_line(fig)), "utf-8")
        print(f"wrote the figures of {a.model.name} into {CARD} and {README}")
        for block, files, decide in (("ablations", a.ablations, ()), ("camera", a.camera, CAMERA_DECIDES),
                                     ("look", a.look, CAMERA_DECIDES)):
            if files:
                variants = {}
                for p in files:
                    v = figures_file(p)
                    variants[row_label(v, landmarker_of(fig))] = v
                TRAINING_DOC.write_text(replace_block(TRAINING_DOC.read_text(encoding="utf-8"), block,
                                                      ablation_table(variants, fig.get("variant", "recipe"), decide)),
                                        "utf-8")
                print(f"wrote the {block} table ({', '.join(variants)}) into {TRAINING_DOC}")
        if a.imbalance:
            body = imbalance_table(json.loads(a.imbalance.read_text(encoding="utf-8")))
            TRAINING_DOC.write_text(replace_block(TRAINING_DOC.read_text(encoding="utf-8"), "imbalance", body), "utf-8")
            print(f"wrote the imbalance table into {TRAINING_DOC}")
        for name, files, render in (("seeds", a.seeds, seed_table), ("ensemble", a.ensemble, seed_table),
                                    ("transfers", a.transfers, transfer_rows)):
            if files:
                body = render([json.loads(p.read_text(encoding="utf-8")) for p in files])
                TRAINING_DOC.write_text(replace_block(TRAINING_DOC.read_text(encoding="utf-8"), name, body), "utf-8")
                print(f"wrote the {name} table ({len(files)} files) into {TRAINING_DOC}")
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
