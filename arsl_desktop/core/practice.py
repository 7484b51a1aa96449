"""Learn mode: one attempt at a sign scored against the sign's reference recordings (issue 19).

The attempt and each reference are cut to their signing span and taken at `STEPS` evenly spaced
frames (`core.matching`: body-relative upper body and hands, a resting hand counts for nothing).
The attempt is aligned with every reference by DTW, as recorded and mirrored (a learner who
signs with the other hand), and the nearest one decides:

- **score** 0-100: a logistic map of the MARGIN: the DTW distance to the sign's nearest
  reference minus the distance to the nearest reference of any OTHER sign (`others`: by default
  the shipped references of every other KArSL sign). "The right sign, done a bit differently"
  is still nearer its own references than any other sign's; "another sign" is nearer that sign.
  On test-split KArSL clips the margin separates them far better than the distance alone
  (docs/LEARN.md). Fitted on training-split clips (right sign vs any other sign) by
  `python -m training.learn_eval`; `PASS_MARK` was chosen there too (the constants below are
  what it printed). Without any other sign to compare with, `TYPICAL_RIVAL` (the median
  distance to the nearest other sign there) stands in for it.
- **feedback by part** along the alignment path (`core.feedback`): the signing hand's shape,
  its place, its movement, the other hand, and speed, each as the aligned cost of that part
  relative to what is typical for attempts at the right sign; at most 3, worst first.

`score_attempt` is what the window and `arsl-desktop practice` call.

No Qt, no i18n table: the texts (English and Arabic) are in `core.feedback`.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from arsl_desktop import paths
from arsl_desktop.core import features as F
from arsl_desktop.core import feedback as FB
from arsl_desktop.core import matching as M
from arsl_desktop.core.feedback import Feedback
from arsl_desktop.core.handshape import handshape
from arsl_desktop.core.personal_store import Example

__all__ = ["PASS_MARK", "Feedback", "PracticeResult", "karsl_references", "score_attempt"]

STEPS = M.MATCH_STEPS
# Fitted by `python -m training.learn_eval --out runs/learn` (calibration on train-split clips):
# score = 100 / (1 + exp(SCORE_SLOPE * (distance - rival distance - SCORE_MID))).
SCORE_MID = 0.243
SCORE_SLOPE = 20.76
# The pass mark: chosen by the same command on train-split clips (the lowest mean of right-sign
# attempts failed and look-alike-neighbour attempts passed).
PASS_MARK = 80.0
TYPICAL_RIVAL = 1.265
REFERENCES_FILE = ("references", "karsl82.npz")


@dataclass(frozen=True)
class PracticeResult:
    score: float  # 0-100
    passed: bool
    feedback: tuple[Feedback, ...]  # at most 3, most important first
    reference_index: int  # which reference matched best (-1: no hand seen, nothing compared)
    path: tuple[tuple[int, int], ...]  # DTW path (attempt frame, reference frame), frames of the Examples
    worst: tuple[float, float] | None  # (start, end) s of the part that differed most, or None
    distance: float = math.inf  # DTW distance to the best reference
    rival: float = math.inf  # DTW distance to the nearest reference of another sign (score: the margin)
    mirrored: bool = False  # the attempt matched best mirrored (signed with the other hand)


@dataclass(frozen=True)
class Prepared:
    """One recording at `STEPS` instants: what alignment and feedback need."""

    match: np.ndarray  # (STEPS, MATCH_DIM) matching features (resting hands weighted out)
    frames: np.ndarray  # (STEPS,) indices into the recording's frames
    times: np.ndarray  # (STEPS,) seconds from the recording's first frame
    wrist: np.ndarray  # (STEPS, 2, 2) each hand's wrist (left, right) rel. shoulder centre, / shoulder width
    shape: np.ndarray  # (STEPS, 2, D) each hand's shape (`core.handshape`)
    hands: np.ndarray  # (STEPS, 2, 42) each hand's joints rel. shoulder centre (for the other hand)
    seen: np.ndarray  # (STEPS, 2) bool
    weights: np.ndarray  # (2,) how much each hand takes part (`matching.hand_weights`)
    activity: np.ndarray  # (2,) `features.hand_activity` over the span: how much each hand signs
    place: np.ndarray  # (2, 2) each hand's mean wrist place over ALL span frames that see it (0 if none)
    nose: np.ndarray  # (2,) median nose rel. shoulder centre
    duration: float  # seconds of the signing span
    mirrored: bool

    @property
    def signing_hand(self) -> int:
        """0 (left) or 1 (right): the hand that signs more (`features.hand_activity`; right on a tie)."""
        return 0 if self.activity[0] > self.activity[1] else 1


def prepare(xyz: np.ndarray, present: np.ndarray, times: np.ndarray, aspect: float = 1.0,
            mirrored: bool = False, steps: int = STEPS) -> Prepared:
    """Raw keypoints of one recording -> `Prepared` (cut to the signing span, `steps` frames)."""
    xyz = np.asarray(xyz, np.float32)
    present = np.asarray(present, bool)
    times = np.asarray(times, np.float64)
    if mirrored:
        xyz, present = F.mirror_keypoints(xyz, present)
    span = F.signing_span(xyz, present, times, aspect) if len(times) else slice(0, 0)
    first = span.start
    sx, sp, st = xyz[span], present[span], times[span]
    n = len(st)
    idx = np.round(np.linspace(0, max(n - 1, 0), steps)).astype(int)
    match = M.frame_match_features(sx, sp, aspect)
    weights = M.hand_weights(sx, sp, aspect)
    body, hand = 2 * len(M.UPPER_BODY), 4 * F.N_HAND
    for i, w in enumerate(weights):
        match[:, body + i * hand: body + (i + 1) * hand] *= w
    centre, width = F.body_reference(sx, sp, aspect)
    rel = (sx[..., :2] * np.array([aspect, 1.0], np.float32) - centre) / width  # (n, N, 2)
    rel = rel[idx]
    seen = sp[idx][:, [F.LEFT, F.RIGHT]]
    hands = np.stack([rel[:, F.LEFT_SL], rel[:, F.RIGHT_SL]], axis=1)  # (S, 2, 21, 2)
    hands = hands * seen[:, :, None, None]
    wrist = hands[:, :, 0]
    iso = sx[idx] * np.array([aspect, 1.0, aspect], np.float32)  # x, y, z on one scale
    shape = handshape(np.stack([iso[:, F.LEFT_SL], iso[:, F.RIGHT_SL]], axis=1)) * seen[:, :, None]
    all_wrists = ((sx[:, [F.LEFT_SL.start, F.RIGHT_SL.start], :2] * np.array([aspect, 1.0], np.float32)
                   - centre) / width)  # (n, 2, 2)
    hand_ok = sp[:, [F.LEFT, F.RIGHT]]
    place = np.stack([all_wrists[hand_ok[:, h], h].mean(axis=0) if hand_ok[:, h].any() else np.zeros(2)
                      for h in (0, 1)]).astype(np.float32)
    pose_ok = sp[:, F.POSE]
    nose_all = ((sx[:, 0, :2] * np.array([aspect, 1.0], np.float32) - centre) / width)[pose_ok]
    nose = np.median(nose_all, axis=0) if len(nose_all) else np.array([0.0, -0.7], np.float32)
    duration = float(st[-1] - st[0]) if n else 0.0
    t0 = float(times[0]) if len(times) else 0.0
    return Prepared(match[idx] if n else np.zeros((steps, M.MATCH_DIM), np.float32), idx + first,
                    (st[idx] - t0) if n else np.zeros(steps), wrist.astype(np.float32),
                    shape.astype(np.float32), hands.reshape(steps, 2, -1).astype(np.float32), seen,
                    weights, np.array(F.hand_activity(sx, sp, aspect)), place, nose.astype(np.float32), duration,
                    mirrored)


def prepare_example(ex: Example, mirrored: bool = False) -> Prepared:
    return prepare(ex.xyz, ex.present, ex.times, ex.aspect, mirrored)


def dtw_path(cost: np.ndarray) -> tuple[float, tuple[tuple[int, int], ...]]:
    """DTW over an (Tq, Tr) cost matrix, steps (1,0), (0,1), (1,1) as `matching.dtw_batch`:
    (path cost / (Tq + Tr), the path from (0, 0) to the end)."""
    tq, tr = cost.shape
    acc = np.full((tq + 1, tr + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, tq + 1):
        row, prev = acc[i], acc[i - 1]
        diag = np.minimum(prev[1:], prev[:-1])  # from (i-1, j) or (i-1, j-1)
        c = cost[i - 1]
        for j in range(1, tr + 1):
            row[j] = c[j - 1] + min(diag[j - 1], row[j - 1])
    i, j, path = tq, tr, [(tq - 1, tr - 1)]
    while (i, j) != (1, 1):
        moves = ((acc[i - 1, j - 1], i - 1, j - 1), (acc[i - 1, j], i - 1, j), (acc[i, j - 1], i, j - 1))
        _, i, j = min(moves, key=lambda m: m[0])
        path.append((i - 1, j - 1))
    return float(acc[tq, tr] / (tq + tr)), tuple(reversed(path))


def sign_duration(references: Sequence[Prepared]) -> float:
    """How long the sign takes: the median of its references' signing spans (seconds)."""
    return float(np.median([r.duration for r in references]))


def score_of(distance: float, rival: float = math.inf) -> float:
    """The calibrated 0-100 score of an attempt's distance to its sign's nearest reference and
    to the nearest reference of another sign (`TYPICAL_RIVAL` when there is none)."""
    z = SCORE_SLOPE * (distance - (rival if math.isfinite(rival) else TYPICAL_RIVAL) - SCORE_MID)
    return float(100.0 / (1.0 + math.exp(min(z, 700.0))))


def has_hands(ex: Example) -> bool:
    return bool(len(ex.present) and ex.present[:, [F.LEFT, F.RIGHT]].any())


def nearest(attempt: Example, references: Sequence[Prepared]) -> tuple[float, int, Prepared]:
    """(distance, reference index, the attempt as prepared: mirrored or not) of the best alignment."""
    refs = np.stack([r.match for r in references])
    best = (math.inf, 0, None)
    for mirrored in (False, True):
        a = prepare_example(attempt, mirrored)
        d = M.dtw_batch(a.match, refs)
        k = int(np.argmin(d))
        if d[k] < best[0]:
            best = (float(d[k]), k, a)
    return best


def rival_distance(attempt: Example, others: Sequence[Sequence[Example]]) -> float:
    """The DTW distance from the attempt (as is or mirrored) to the nearest of the other signs' references."""
    flat = [e for sign in others for e in sign]
    if not flat:
        return math.inf
    return nearest(attempt, [_prepared(e) for e in flat])[0]


def _prepared(ex: Example) -> Prepared:
    """`prepare_example`, remembered for recordings compared again and again: the shipped
    references, and a user's personal examples while they practise (each attempt is compared with
    every other sign; preparing hundreds of examples anew took seconds per attempt). The least
    recently used beyond `PREPARED_KEEP` are let go."""
    key = id(ex)
    with _PREPARED_LOCK:
        hit = _PREPARED.get(key)
        if hit is not None and hit[0] is ex:  # the recording itself is kept with it: its id is not reused
            _PREPARED.move_to_end(key)
            return hit[1]
    p = prepare_example(ex)
    with _PREPARED_LOCK:
        _PREPARED[key] = (ex, p)
        while len(_PREPARED) > PREPARED_KEEP:
            _PREPARED.popitem(last=False)
    return p


def remember(examples: Sequence[Example]) -> None:
    """Prepare these recordings ahead (`_prepared`), e.g. on a thread while a learner watches the
    sign: the attempt then finds them ready."""
    for ex in examples:
        _prepared(ex)


PREPARED_KEEP = 2048  # the shipped references and a store of hundreds of personal examples (~30 KB each)
_PREPARED: OrderedDict[int, tuple[Example, Prepared]] = OrderedDict()
_PREPARED_LOCK = threading.Lock()  # the learn window's thread and its warm-up


def _same(a: Example, b: Example) -> bool:
    return a is b or (a.xyz.shape == b.xyz.shape and np.array_equal(a.xyz, b.xyz))


def default_others(references: Sequence[Example], exclude: int | None = None) -> list[list[Example]]:
    """The shipped KArSL references of every sign but `exclude` and but the sign `references` are
    (recognised by their recordings): what an attempt is compared with by default."""
    return [list(refs) for sign, refs in sorted(_shipped().items())
            if sign != exclude and not any(_same(r, e) for r in references for e in refs)]


def score_attempt(attempt: Example, references: Sequence[Example],
                  others: Sequence[Sequence[Example]] | None = None) -> PracticeResult:
    """Score one attempt at a sign against the sign's reference recordings (see the module).

    `others`: the reference recordings of the other signs, one list per sign (default:
    `default_others(references)`, the shipped KArSL signs but this one). For a personal sign,
    pass `others_for(...)` (the KArSL sign it adapts left out)."""
    if not references:
        raise ValueError("score_attempt needs at least one reference recording of the sign")
    if not has_hands(attempt):
        return PracticeResult(0.0, False, (FB.no_hands(attempt),), -1, (), None)
    prepared = [_prepared(r) for r in references]
    distance, k, att = nearest(attempt, prepared)
    rival = rival_distance(attempt, default_others(references) if others is None else others)
    ref = prepared[k]
    _, steps_path = dtw_path(M.cost_matrices(att.match, ref.match[None])[0])
    score = score_of(distance, rival)
    passed = score >= PASS_MARK
    items = FB.feedback(att, ref, steps_path, passed, sign_duration(prepared))
    path = tuple(dict.fromkeys((int(att.frames[i]), int(ref.frames[j])) for i, j in steps_path))
    worst = (items[0].start, items[0].end) if items else None
    return PracticeResult(score, passed, items, k, path, worst, distance, rival, att.mirrored)


@lru_cache(maxsize=2)
def _load_references(path: str) -> dict[int, tuple[Example, ...]]:
    out: dict[int, list[Example]] = {}
    with np.load(path, allow_pickle=False) as z:
        if str(z["schema"]) != F.KEYPOINT_SCHEMA:
            return {}
        xyz, present, times = z["xyz"], z["present"], z["times"]
        offsets, signs, aspects, by = z["offsets"], z["signs"], z["aspects"], z["recorded_by"]
        for i, sign in enumerate(signs):
            a, b = int(offsets[i]), int(offsets[i + 1])
            out.setdefault(int(sign), []).append(Example(
                xyz[a:b].astype(np.float32), present[a:b].astype(bool), times[a:b].astype(np.float64),
                float(aspects[i]), str(by[i])))
    return {k: tuple(v) for k, v in out.items()}


def _shipped() -> dict[int, tuple[Example, ...]]:
    path = paths.resource(*REFERENCES_FILE)
    return _load_references(str(path)) if path.is_file() else {}


def karsl_references(sign_id: int) -> list[Example]:
    """The shipped reference recordings of a KArSL sign (built by `training.references`); [] if none."""
    return list(_shipped().get(int(sign_id), ()))


def karsl_reference_signs() -> list[int]:
    """The KArSL sign ids that have shipped references."""
    return sorted(_shipped())


def others_for(karsl_id: int | None = None, personal: Sequence[Sequence[Example]] = ()) -> list[list[Example]]:
    """What an attempt at a sign is compared with: the shipped references of every KArSL sign but
    `karsl_id` (the sign practised, or the KArSL sign a personal sign adapts), plus `personal`
    (the examples of the user's OTHER personal signs, one list per sign)."""
    return [list(r) for s, r in sorted(_shipped().items()) if s != karsl_id] + [list(p) for p in personal if p]
