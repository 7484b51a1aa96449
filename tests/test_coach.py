"""The camera coach (`core/coach.py`): each code on synthetic keypoints and frames, then
`recognize --format jsonl` on KArSL clips and altered copies of them (`tests/coach_clips.py`)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from coach_clips import darken, shrink_in_wide, wash_out, write_altered, zoom_face

from arsl_desktop.cli import main
from arsl_desktop.core import features as F
from arsl_desktop.core.coach import (
    CODES,
    HAND_LOST,
    NO_PERSON,
    TOO_BRIGHT,
    TOO_CLOSE,
    TOO_DARK,
    TOO_FAR,
    AdviceTally,
    Coach,
    light,
)
from arsl_desktop.core.landmarks import Keypoints

W, H = 640, 480
RNG = np.random.default_rng(7)
LIT = RNG.normal(130, 50, (H, W, 3)).clip(0, 255).astype(np.uint8)  # a well lit, textured frame


def _hand(x: float, y: float) -> np.ndarray:
    pts = np.zeros((F.N_HAND, 3), np.float32)
    pts[:, 0] = x + np.linspace(0, 0.04, F.N_HAND)
    pts[:, 1] = y - np.linspace(0, 0.06, F.N_HAND)
    return pts


def person(span: float = 0.3, cx: float = 0.5, sy: float = 0.45, left: str | None = "down",
           right: str | None = "down", t: float = 0.0, face: bool = True) -> Keypoints:
    """A signer whose shoulders span `span` of the frame's width, shoulders at height `sy`.
    `left`/`right`: "up" (hand tracked in signing space), "down" (arm resting, hand not tracked),
    "lost" (arm up, hand not found) or None (no pose wrist either: same as "down")."""
    xyz, present = F.empty_keypoints()
    u = span * W / H  # one shoulder width in normalised y units
    pose = np.tile([cx, sy + 0.5 * u, 0.0], (F.N_POSE, 1)).astype(np.float32)
    pose[F.L_SHOULDER, :2] = cx + span / 2, sy
    pose[F.R_SHOULDER, :2] = cx - span / 2, sy
    pose[0, :2] = cx, sy - 0.6 * u  # nose, eyes, ears
    for i, dx in ((2, 0.08), (5, -0.08), (7, 0.2), (8, -0.2)):
        pose[i, :2] = cx + dx * span, sy - 0.7 * u
    pose[13, :2] = cx + 0.6 * span, sy + 0.7 * u  # elbows
    pose[14, :2] = cx - 0.6 * span, sy + 0.7 * u
    pose[23:25, 1] = sy + 1.6 * u
    present[F.POSE] = True
    for part, sl, wrist, side, state in ((F.LEFT, F.LEFT_SL, F.L_WRIST, 1, left),
                                         (F.RIGHT, F.RIGHT_SL, F.R_WRIST, -1, right)):
        up = state in ("up", "lost")
        pose[wrist, :2] = cx + side * 0.5 * span, sy + (0.3 if up else 1.6) * u
        if state == "up":
            xyz[sl] = _hand(*pose[wrist, :2])
            present[part] = True
    xyz[F.POSE_SL] = pose
    if face:
        xyz[F.FACE_SL, 0] = cx + np.linspace(-0.3, 0.3, F.N_FACE) * span
        xyz[F.FACE_SL, 1] = sy - 0.6 * u
        xyz[F.FACE_SL.start, 1] = sy - 0.95 * u  # forehead
        xyz[F.FACE_SL.start + 1, 1] = sy - 0.3 * u  # chin
        present[F.FACE] = True
    return Keypoints(xyz, present, W, H, t)


def nobody(t: float = 0.0) -> Keypoints:
    xyz, present = F.empty_keypoints()
    return Keypoints(xyz, present, W, H, t)


def run(frames, fps: float = 30.0):
    """Feed (image, keypoints-maker(t)) pairs at `fps`; the last state and the clip's advice."""
    coach, tally, state = Coach(), AdviceTally(), None
    for i, (image, make) in enumerate(frames):
        state = coach.update(image, make(i / fps))
        tally.add(state)
    return state, tally.advice()


def steady(image, make, n: int = 30):
    return [(image, make)] * n


def test_a_well_placed_signer_in_good_light_gets_no_advice():
    state, advice = run(steady(LIT, lambda t: person(right="up", t=t)))
    assert state.codes == () and state.hint is None and advice == []
    assert 0.29 < state.check.shoulders < 0.31


def test_no_person():
    state, advice = run(steady(LIT, nobody))
    assert state.codes == (NO_PERSON,) and advice == [NO_PERSON]


def test_too_dark_and_too_bright_from_the_frame():
    dark, _ = run(steady(darken(LIT), lambda t: person(t=t)))
    bright, _ = run(steady(wash_out(LIT), lambda t: person(t=t)))
    assert dark.codes == (TOO_DARK,) and dark.check.brightness < 50
    assert bright.codes == (TOO_BRIGHT,) and bright.check.contrast < 25


def test_light_is_measured_on_the_signer_not_on_black_borders():
    # A lit signer in the middle of a black frame (a small picture letterboxed) is not "too dark".
    framed = np.zeros_like(LIT)
    framed[100:400, 200:440] = LIT[100:400, 200:440]
    kp = person(span=0.25, t=0.0)
    assert light(framed)[0] < 50  # the whole frame is dark...
    state, _ = run(steady(framed, lambda t: person(span=0.25, t=t)))
    assert TOO_DARK not in state.codes  # ...the box around the signer is not
    assert kp.width == W


def test_too_close_when_the_shoulders_fill_the_frame_or_the_head_leaves_it():
    wide, _ = run(steady(LIT, lambda t: person(span=0.7, t=t)))
    head_out, _ = run(steady(LIT, lambda t: person(sy=0.2, t=t)))  # forehead above the top edge
    assert wide.codes == (TOO_CLOSE,) and head_out.codes == (TOO_CLOSE,)


def with_hand(kp: Keypoints, part: int, x: float, y: float) -> Keypoints:
    """`kp` with the hand `part` (F.LEFT, F.RIGHT) tracked, its wrist at (x, y)."""
    xyz, present = kp.xyz.copy(), kp.present.copy()
    xyz[(F.LEFT_SL, F.RIGHT_SL)[part - F.LEFT]] = _hand(x, y)
    present[part] = True
    return Keypoints(xyz, present, kp.width, kp.height, kp.timestamp)


def test_too_close_when_a_raised_hand_leaves_the_frame_but_not_a_resting_one():
    # Raised (wrist at chest height), its fingers past the right edge.
    raised_out, _ = run(steady(LIT, lambda t: with_hand(person(t=t), F.LEFT, 0.98, 0.7)))
    assert raised_out.codes == (TOO_CLOSE,)
    # Resting in the lap, cut by the bottom edge (as in some KArSL clips): fine.
    resting_cut, advice = run(steady(LIT, lambda t: with_hand(person(t=t), F.LEFT, 0.6, 1.02)))
    assert resting_cut.codes == () and advice == []


def test_too_far():
    state, advice = run(steady(LIT, lambda t: person(span=0.1, t=t)))
    assert state.codes == (TOO_FAR,) and advice == [TOO_FAR]


def test_hand_lost_while_its_arm_is_still_up_is_reported_and_held_after_the_sign():
    frames = (steady(LIT, lambda t: person(right="up", t=t), 15)  # signing, hand tracked
              + steady(LIT, lambda t: person(right="lost", t=t), 30)  # the arm stays up, no hand
              + steady(LIT, lambda t: person(t=t), 15))  # arm down: the sign is over
    coach, tally, states = Coach(), AdviceTally(), []
    for i, (image, make) in enumerate(frames):
        states.append(coach.update(image, make(i / 30)))
        tally.add(states[-1])
    assert HAND_LOST not in states[14].codes
    assert states[44].codes == (HAND_LOST,)
    assert states[-1].codes == (HAND_LOST,) and not states[-1].check.signing  # held: said after the sign
    assert tally.advice() == [HAND_LOST]


def test_a_brief_dropout_or_a_hand_hidden_by_the_other_is_not_a_lost_hand():
    blip = (steady(LIT, lambda t: person(right="up", t=t), 20) + steady(LIT, lambda t: person(right="lost", t=t), 5)
            + steady(LIT, lambda t: person(right="up", t=t), 20))
    state, advice = run(blip)
    assert state.codes == () and advice == []

    def crossed(t, lost):  # the right arm's wrist right next to the tracked left hand
        kp = person(left="up", right="up", t=t)
        xyz, present = kp.xyz.copy(), kp.present.copy()
        xyz[F.POSE_SL.start + F.R_WRIST, :2] = xyz[F.LEFT_SL.start, :2] + 0.01
        present[F.RIGHT] = not lost
        return Keypoints(xyz, present, W, H, t)

    state, advice = run(steady(LIT, lambda t: crossed(t, False), 15) + steady(LIT, lambda t: crossed(t, True), 30))
    assert HAND_LOST not in state.codes and advice == []


def test_one_odd_frame_is_smoothed_away_and_codes_come_in_priority_order():
    frames = steady(LIT, lambda t: person(t=t), 20) + [(darken(LIT), lambda t: person(t=t))] + \
        steady(LIT, lambda t: person(t=t), 5)
    state, _ = run(frames)
    assert state.codes == ()
    both, _ = run(steady(darken(LIT), lambda t: person(span=0.1, t=t)))
    assert both.codes == (TOO_DARK, TOO_FAR) and both.hint == TOO_DARK
    assert list(CODES) == ["no_person", "too_dark", "too_bright", "too_close", "too_far", "hand_lost"]


# -- end to end: recognize --format jsonl on KArSL clips and altered copies ----------------------

def _recognize(model, paths, capsys) -> list[dict]:
    assert main(["--model", str(model), "recognize", "--format", "jsonl", "--top", "1", *map(str, paths)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["source"] for r in rows] == [str(p) for p in paths]
    for r in rows:  # the keys that were there before the coach are unchanged
        assert {"source", "frames", "skipped_frames", "hands_seen", "top"} <= r.keys()
    return rows


@pytest.mark.slow
def test_original_karsl_clips_of_both_signers_get_no_advice(tiny_model, sample_dir, dense_video, sparse_sample,
                                                             capsys):
    clips = [dense_video, sparse_sample,
             sorted((sample_dir / "videos" / "01" / "train").glob("*.mp4"))[3],
             sorted((sample_dir / "frames" / "01" / "test" / "0078").iterdir())[0],
             sorted((sample_dir / "frames" / "02" / "train" / "0074").iterdir())[2]]
    rows = _recognize(tiny_model, clips, capsys)
    assert [r["advice"] for r in rows] == [[]] * len(clips)


@pytest.mark.slow
@pytest.mark.parametrize(("alter", "code"), [(darken, TOO_DARK), (wash_out, TOO_BRIGHT), (zoom_face, TOO_CLOSE),
                                             (shrink_in_wide, TOO_FAR)], ids=["dark", "washed", "close", "far"])
def test_altered_copies_get_their_advice(tiny_model, dense_video, sparse_sample, tmp_path, capsys, alter, code):
    copies = [write_altered(clip, tmp_path / f"{i}.mp4", alter) for i, clip in enumerate((dense_video, sparse_sample))]
    rows = _recognize(tiny_model, copies, capsys)
    assert [r["advice"] for r in rows] == [[code], [code]]


@pytest.mark.slow
def test_text_output_prints_a_hint_line(tiny_model, dense_video, tmp_path, capsys):
    dark = write_altered(dense_video, tmp_path / "dark.mp4", darken)
    assert main(["--model", str(tiny_model), "recognize", "--top", "1", str(dark)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[1].strip().startswith("camera: too dark")
