"""The matcher's design choices measured one at a time (issue 17): the table "Matcher choices".

Each choice builds the match sequence another way (frames evenly spaced vs instants evenly spaced
in time, the hand's own shape weight, the upper body's weight, the weight of the wrists' ranges,
a hand that stays down weighted or always counted) and is scored among the taught signs only, on
the validation rows of `training.personal_eval` (train splits). The first choice is the
matcher's own (`core.matching`); the mean over every row is the figure the choice was made on.
"""

from __future__ import annotations

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core import matching
from arsl_desktop.core.personal_match import sign_distances
from training.cache import Clip
from training.personal_eval import KS, NEW, SIGNERS
from training.train import first_per_sign


def _variant_sequence(c: Clip, by_time: bool, shape_weight: float, rest: bool, body_weight: float) -> np.ndarray:
    span = F.signing_span(c.xyz, c.present, c.times, c.aspect)
    xyz, present = c.xyz[span], c.present[span]
    f = matching.frame_match_features(xyz, present, c.aspect, shape_weight, body_weight)
    if rest:
        body, hand = 2 * len(matching.UPPER_BODY), 4 * F.N_HAND
        for i, w in enumerate(matching.hand_weights(xyz, present, c.aspect)):
            f[:, body + i * hand: body + (i + 1) * hand] *= w
    if not by_time:
        return matching.sample_steps(f, matching.MATCH_STEPS)
    times = c.times[span]
    grid = np.linspace(times[0], times[-1], matching.MATCH_STEPS)
    return f[np.abs(times[None, :] - grid[:, None]).argmin(axis=1)]  # the frame nearest each instant


# (frames by time, hand shape weight, resting hand weighted, upper body weight, extent weight): the
# first is the matcher's own, the second the first matcher (match-v1), the others change one thing
_OWN = (False, matching.HAND_SHAPE_WEIGHT, True, matching.BODY_WEIGHT, matching.EXTENT_WEIGHT)
_V1 = (False, 1.0, True, 1.0, 0.0)


def _one_change(index: int, value) -> tuple:
    return tuple(value if i == index else v for i, v in enumerate(_OWN))


CHOICES = (_OWN, _V1, _one_change(1, 1.0), _one_change(3, 1.0), _one_change(3, 2.0), _one_change(3, 4.0),
           _one_change(4, 0.0), _one_change(4, 0.4), _one_change(4, 1.2), _one_change(2, False),
           _one_change(0, True))


def _choice_top1(choice: tuple, enrolled: list[Clip], queries: list[Clip], memo: dict) -> float:
    """Top-1 among the taught signs of one way of building the match sequence."""
    def seq(c: Clip) -> np.ndarray:
        if id(c) not in memo:
            memo[id(c)] = _variant_sequence(c, *choice[:4])
        return memo[id(c)]

    bank = np.stack([seq(c) for c in enrolled])
    owner = np.array([NEW.index(c.sign) for c in enrolled])
    spread = matching.extents(bank)

    def distances(q: np.ndarray) -> np.ndarray:
        return matching.dtw_batch(q, bank) + matching.extent_distances(q, spread, choice[4])

    pred = [NEW[int(sign_distances(distances(seq(q)), owner, len(NEW)).argmin())] for q in queries]
    return float(np.mean([p == q.sign for p, q in zip(pred, queries, strict=True)]))


def matcher_choices(sets: dict[str, list[Clip]], k: int = 3) -> list[dict]:
    """The matcher's design choices, among the taught signs only: the own-signer rows at `k` for
    each signer, and the mean over every validation row (a at k = 1, 3, 5; b at k = 3; c) of both
    signers, the figure the choice was made on. One thing changed at a time: frames evenly spaced
    vs instants evenly spaced in time, the hand's own shape weight, the upper body's weight, the
    weight of the wrists' ranges (`matching.extents`), a hand that stays down weighted by
    `matching.hand_weights` or always counted."""
    rows = []
    for data, clips in sets.items():
        by = {x: [c for c in clips if c.signer == x and c.sign in NEW] for x in SIGNERS}
        for choice in CHOICES:
            memo: dict = {}
            hits, every = {}, []
            for x, y in (("01", "02"), ("02", "01")):
                for kk in KS:
                    own, rest_q = first_per_sign(by[x], kk)
                    every.append(_choice_top1(choice, own, rest_q, memo))
                    if kk == k:
                        hits[x] = round(every[-1], 4)
                every.append(_choice_top1(choice, first_per_sign(by[y], k)[0], by[x], memo))
                one, rest1 = first_per_sign(by[x], 1)
                every.append(_choice_top1(choice, first_per_sign(by[y], 3)[0] + one, rest1, memo))
            by_time, weight, rest, body, extent = choice
            rows.append({"data": data, "sampling": "time" if by_time else "frames", "shape_weight": weight,
                         "body_weight": body, "extent_weight": extent,
                         "resting_hand": "weighted" if rest else "counted", "k": k,
                         **{f"signer_{x}": v for x, v in hits.items()}, "mean_all_rows": round(float(np.mean(every)), 4),
                         "used": choice == _OWN})
    return rows
