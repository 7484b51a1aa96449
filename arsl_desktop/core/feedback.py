"""What to fix in an attempt at a sign: per-part costs along the DTW alignment, and the texts.

Parts (the "signing hand" is the reference's hand that takes part more, `Prepared.signing_hand`;
the attempt has already been mirrored when the learner signed with the other hand):

    hand_shape   the signing hand's shape (`core.handshape`: finger joint angles, fingertip
                 distances over the palm size, the palm's facing; not the hand's size or distance)
    hand_place   the signing hand's mean wrist place relative to the shoulders (the text says
                 which way to go, and "near the face" when the reference's is at face height)
    movement     the signing hand's wrist path around that mean place (so a hand moved
                 elsewhere is not a movement, and a movement reversed or frozen is not a place),
                 plus `AMOUNT_WEIGHT` x |log(how far the wrist travels / the reference's)|: a hand
                 that hardly moves where the sign moves (or the other way round) is a movement
                 even when its path stays near the reference's
    other_hand   the other hand's joints relative to the shoulders, weighted by how much it
                 takes part (a hand resting in the lap is absent from both)
    speed        |log(attempt duration / the sign's median reference duration)|

In a two-handed sign (the other hand signs at least `features.ONE_HANDED` as much as the signing
hand, `compared_hands`), which hand "signs more" is a coin toss: shape, place and movement are
compared for both hands, each part about the hand that differs more in it, and the text names it.

Each part's cost is averaged over the path and put on the scale of attempts at the right sign:
0 at their median, 1 at their 90th percentile (`TYPICAL`, fitted on train-split KArSL clips by
`python -m training.learn_eval --out runs/learn`). A part above 1 is worse than 9 in 10 right
attempts: it is reported, worst first, at most `MAX_ITEMS`, with the stretch of the attempt where
it differs most. A failed attempt always names its worst part. The texts live here (English and
Arabic); the core has no Qt and no i18n table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core.personal_store import Example


@dataclass(frozen=True)
class Feedback:
    """One thing to fix (`practice.Feedback`)."""

    part: str  # "hand_shape" | "hand_place" | "movement" | "other_hand" | "speed" | "no_hands"
    start: float  # seconds in the attempt (from its first frame)
    end: float
    text_en: str
    text_ar: str


PARTS = ("hand_shape", "hand_place", "movement", "other_hand", "speed")
# (median, 90th percentile) of each part's mean cost for right-sign attempts, train-split clips:
# fitted by `python -m training.learn_eval --out runs/learn` (it says when these differ from its fit).
TYPICAL = {"hand_shape": (0.945, 1.694), "hand_place": (0.144, 0.287), "movement": (0.123, 0.271),
           "other_hand": (0.42, 1.535), "speed": (0.129, 0.295)}
MAX_ITEMS = 3
# Chosen on training-split attempts altered on purpose (`training.learn_eval`), with both hands of a
# two-handed sign compared and `core.handshape` shapes: 0.1 named the altered part first in 92.0% of all
# alterations (reversed 80.4%, frozen 90.8%); 0.05 91.6%, 0.15 91.4%, 0.2 91.4% (reversed 77.3%),
# 0.3 91.4%. (With one hand compared and joints over shoulder widths, 0.2 had been chosen: 88.4%.)
AMOUNT_WEIGHT = 0.1
WINDOW = 0.6  # a part's window: the steps around its worst one whose cost is at least this share of it

HAND_EN = ("left", "right")
HAND_AR = ("اليسرى", "اليمنى")
TEXTS: dict[str, tuple[str, str]] = {
    "no_hands": ("No hands were seen: sign with your hands in view of the camera.",
                 "لم تظهر اليدان: أدِّ الإشارة ويداك أمام الكاميرا."),
    "hand_shape": ("Your {hand} hand's shape differs from the sign's",
                   "شكل يدك {hand} يختلف عن شكلها في الإشارة"),
    "place_up_face": ("Your {hand} hand should be higher, near the face", "يجب أن تكون يدك {hand} أعلى، قرب الوجه"),
    "place_up": ("Your {hand} hand should be higher", "يجب أن تكون يدك {hand} أعلى"),
    "place_down": ("Your {hand} hand should be lower", "يجب أن تكون يدك {hand} أخفض"),
    "place_right": ("Your {hand} hand should be further to your right", "يجب أن تكون يدك {hand} أبعد إلى يمينك"),
    "place_left": ("Your {hand} hand should be further to your left", "يجب أن تكون يدك {hand} أبعد إلى يسارك"),
    "move_more": ("Move your {hand} hand more: the sign has a movement", "حرّك يدك {hand} أكثر: في الإشارة حركة"),
    "move_less": ("Keep your {hand} hand steadier: the sign moves less", "ثبّت يدك {hand} أكثر: حركة الإشارة أقل"),
    "move_reverse": ("Your {hand} hand moves the other way", "يدك {hand} تتحرك في الاتجاه المعاكس"),
    "move_path": ("Your {hand} hand's movement path differs from the sign's",
                  "مسار حركة يدك {hand} يختلف عن مسارها في الإشارة"),
    "other_down": ("Keep your {hand} hand down: this sign uses one hand",
                   "أنزل يدك {hand}: هذه الإشارة بيد واحدة"),
    "other_use": ("Use your {hand} hand too: this sign uses both hands",
                  "استخدم يدك {hand} أيضًا: هذه الإشارة باليدين"),
    "other_differs": ("Your {hand} hand differs from the sign's", "يدك {hand} تختلف عن الإشارة"),
    "speed_faster": ("Sign faster: you took {a:.1f} s, the sign takes about {r:.1f} s",
                     "أسرع قليلًا: استغرقت {a:.1f} ث، والإشارة تستغرق نحو {r:.1f} ث"),
    "speed_slower": ("Sign slower: you took {a:.1f} s, the sign takes about {r:.1f} s",
                     "أبطئ قليلًا: استغرقت {a:.1f} ث، والإشارة تستغرق نحو {r:.1f} ث"),
}


def _velocity(p, hand: int) -> np.ndarray:
    """(S, 2) the wrist's step-to-step velocity (zeros around missing frames)."""
    w = p.wrist[:, hand]
    v = np.gradient(w, axis=0) if len(w) > 1 else np.zeros_like(w)
    ok = p.seen[:, hand]
    both = ok & np.r_[ok[1:], ok[-1]] & np.r_[ok[0], ok[:-1]]
    return v * both[:, None]


def _travel(p, hand: int) -> float:
    """How far the wrist travels over the steps where the hand is seen (shoulder widths)."""
    w = p.wrist[p.seen[:, hand], hand]
    return float(np.linalg.norm(np.diff(w, axis=0), axis=-1).sum()) if len(w) > 1 else 0.0


def _centroid(p, hand: int) -> np.ndarray:
    """The hand's mean wrist place over the steps where it is seen (zeros if never)."""
    return p.place[hand]


def _trajectory(p, hand: int) -> np.ndarray:
    """(S, 2) the wrist's path around its own mean place (zeros where the hand is missing)."""
    return (p.wrist[:, hand] - _centroid(p, hand)) * p.seen[:, hand, None]


def compared_hands(ref) -> tuple[int, ...]:
    """The hands whose shape, place and movement are compared: the signing hand, and the other one
    too when the sign is two-handed (it signs at least `features.ONE_HANDED` as much, as
    `features.canonical_side` decides; in a two-handed sign which hand "signs more" is a coin toss)."""
    s = ref.signing_hand
    o = 1 - s
    return (s, o) if ref.activity[o] > 0 and ref.activity[o] >= F.ONE_HANDED * ref.activity[s] else (s,)


def _hand_costs(att, ref, i: np.ndarray, j: np.ndarray, h: int) -> dict[str, np.ndarray]:
    """Hand `h`'s shape, place and movement costs along the path (attempt steps i, reference steps j)."""
    both = att.seen[i, h] & ref.seen[j, h]
    place = np.full(len(i), float(np.linalg.norm(_centroid(att, h) - _centroid(ref, h))))
    if not (att.seen[:, h].any() and ref.seen[:, h].any()):
        place[:] = 0.0
    return {
        "hand_shape": np.linalg.norm(att.shape[i, h] - ref.shape[j, h], axis=-1) * both,
        "hand_place": place,
        "movement": np.linalg.norm(_trajectory(att, h)[i] - _trajectory(ref, h)[j], axis=-1) * both
        + AMOUNT_WEIGHT * abs(math.log((_travel(att, h) + 0.05) / (_travel(ref, h) + 0.05))),
    }


def pair_costs(att, ref, path: Sequence[tuple[int, int]],
               duration: float | None = None) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Per path pair, each part's cost (len(path),), and for the hand parts which hand (0 left,
    1 right, of the attempt as prepared). Place is where the hand is on average (its mean place;
    the path around it is movement), so a hand moved elsewhere is not a movement and a movement
    reversed is not a place; speed is one number for the attempt, against `duration` (the sign's
    typical duration: the median of its references'; default the reference's). In a two-handed
    sign (`compared_hands`) each hand part is about the hand that differs more in it."""
    i = np.array([p[0] for p in path])
    j = np.array([p[1] for p in path])
    hands = compared_hands(ref)
    s = hands[0]
    o = 1 - s
    per = [_hand_costs(att, ref, i, j, h) for h in hands]
    costs: dict[str, np.ndarray] = {}
    which: dict[str, int] = {}
    for part in ("hand_shape", "hand_place", "movement"):
        k = int(np.argmax([float(c[part].mean()) for c in per]))
        costs[part], which[part] = per[k][part], hands[k]
    other_a = att.hands[:, o] * att.weights[o]
    other_r = ref.hands[:, o] * ref.weights[o]
    costs["other_hand"] = np.linalg.norm(other_a[i] - other_r[j], axis=-1)
    which["other_hand"] = o
    ratio = math.log(max(att.duration, 0.05) / max(ref.duration if duration is None else duration, 0.05))
    costs["speed"] = np.full(len(i), abs(ratio))
    return {k: costs[k] for k in PARTS}, which


def part_ratios(costs: dict[str, np.ndarray]) -> dict[str, float]:
    """Each part's mean cost over the path on the scale of right attempts: 0 at their median,
    1 at their 90th percentile (`TYPICAL`); above 1 is worse than 9 in 10 right attempts."""
    out = {}
    for k, v in costs.items():
        median, p90 = TYPICAL[k]
        out[k] = (float(v.mean()) - median) / max(p90 - median, 1e-6)
    return out


def _place_gap(att, ref, path, s: int) -> np.ndarray:
    i = np.array([p[0] for p in path])
    j = np.array([p[1] for p in path])
    return np.linalg.norm(att.wrist[i, s] - ref.wrist[j, s], axis=-1) * (att.seen[i, s] & ref.seen[j, s])


def _window(att, path, cost: np.ndarray) -> tuple[int, int]:
    """First and last attempt step of the part's worst stretch."""
    per = np.zeros(len(att.times))
    cnt = np.zeros(len(att.times))
    for (i, _), c in zip(path, cost, strict=True):
        per[i] += c
        cnt[i] += 1
    per = per / np.maximum(cnt, 1)
    k = int(np.argmax(per))
    if per[k] <= 0:
        return 0, len(per) - 1
    keep = per >= WINDOW * per[k]
    a = b = k
    while a > 0 and keep[a - 1]:
        a -= 1
    while b < len(per) - 1 and keep[b + 1]:
        b += 1
    return a, b


def _text(key: str, hand: int | None = None, **fmt) -> tuple[str, str]:
    en, ar = TEXTS[key]
    if hand is not None:
        return en.format(hand=HAND_EN[hand], **fmt), ar.format(hand=HAND_AR[hand], **fmt)
    return en.format(**fmt), ar.format(**fmt)


def _describe(part: str, att, ref, path, a: int, b: int, duration: float, s: int) -> tuple[str, str]:
    """The text of one part; `s`: the hand it is about (of the attempt as prepared)."""
    real = (1 - s) if att.mirrored else s  # the learner's own hand (before mirroring)
    sel = [(i, j) for i, j in path if a <= i <= b]
    ii = np.array([p[0] for p in sel])
    jj = np.array([p[1] for p in sel])
    if part == "hand_shape":
        return _text("hand_shape", real)
    if part == "hand_place":
        d = _centroid(ref, s) - _centroid(att, s)  # where the hand should go
        if abs(d[1]) >= abs(d[0]):
            if d[1] < 0:
                near_face = _centroid(ref, s)[1] < ref.nose[1] + 0.6
                return _text("place_up_face" if near_face else "place_up", real)
            return _text("place_down", real)
        dx = -d[0] if att.mirrored else d[0]  # image x grows to the signer's left
        return _text("place_left" if dx > 0 else "place_right", real)
    if part == "movement":
        va, vr = _velocity(att, s)[ii], _velocity(ref, s)[jj]
        la, lr = np.linalg.norm(va, axis=-1).sum(), np.linalg.norm(vr, axis=-1).sum()
        if la < 0.5 * lr:
            return _text("move_more", real)
        if lr < 0.5 * la:
            return _text("move_less", real)
        if (va * vr).sum() < 0:
            return _text("move_reverse", real)
        return _text("move_path", real)
    if part == "other_hand":
        if ref.weights[s] < 0.3 <= att.weights[s]:
            return _text("other_down", real)
        if att.weights[s] < 0.3 <= ref.weights[s]:
            return _text("other_use", real)
        return _text("other_differs", real)
    key = "speed_faster" if att.duration > duration else "speed_slower"
    return _text(key, a=att.duration, r=duration)


def feedback(att, ref, path: Sequence[tuple[int, int]], passed: bool,
             duration: float | None = None) -> tuple[Feedback, ...]:
    """At most `MAX_ITEMS` `practice.Feedback`, the part that differs most first (`duration`: the
    sign's typical duration, see `pair_costs`)."""
    duration = ref.duration if duration is None else duration
    costs, hands = pair_costs(att, ref, path, duration)
    ratios = part_ratios(costs)
    ranked = sorted(PARTS, key=lambda k: -ratios[k])
    chosen = [k for k in ranked if ratios[k] > 1.0][:MAX_ITEMS]
    if not chosen and not passed:
        chosen = ranked[:1]
    out = []
    for part in chosen:
        if part == "speed":
            a, b = 0, len(att.times) - 1
        elif part == "hand_place":  # where the hand is furthest from the reference's place
            a, b = _window(att, path, _place_gap(att, ref, path, hands[part]))
        else:
            a, b = _window(att, path, costs[part])
        start = float(att.times[a])
        end = float(att.times[b]) if b > a or b + 1 >= len(att.times) else float(att.times[b + 1])
        en, ar = _describe(part, att, ref, path, a, b, duration, hands.get(part, 0))
        when_en = f" ({start:.1f}-{end:.1f} s)" if part != "speed" else ""
        when_ar = f" ({start:.1f}-{end:.1f} ث)" if part != "speed" else ""
        out.append(Feedback(part, start, end, en + when_en, ar + when_ar))
    return tuple(out)


def no_hands(attempt: Example) -> Feedback:
    end = float(attempt.times[-1] - attempt.times[0]) if len(attempt.times) else 0.0
    en, ar = TEXTS["no_hands"]
    return Feedback("no_hands", 0.0, end, en, ar)
