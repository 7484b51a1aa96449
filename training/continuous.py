"""Continuous signing, measured: clips a model never learnt from, joined into streams, through
the app's own spotting and ranking, scored by a sign error rate.

    python -m training.evaluate --continuous --out runs/continuous

A stream is 5 recordings of one signer (different signs in a row), each placed where the first
one's body is (shoulder centre and width), joined in keypoint space, then fed frame by frame to
`Recognizer.push` (what `transcribe` and the live window run after MediaPipe):

  rest      between two signs the hands come down (4 frames), rest out of view for 0.5 s and
            come up again (4 frames), as a laptop webcam sees a signer whose hands drop to the lap
  no_rest   each recording cut to its signing span and the next one joined to it by a 0.25 s
            movement from the last pose to the next (every keypoint in a straight line): the hands
            never come down between signs

The sign error rate is the edit distance between the signs named and the signs made over the
number made (substitutions + deletions + insertions, like WER). KArSL recordings start and end
with the hands up, so the rest frames are made here: hands not seen, the pose's elbows and
wrists lowered below the resting line (`features.RAISED_Y`).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core.landmarks import Keypoints
from arsl_desktop.core.segmentation import SplitConfig
from training.cache import Clip

log = logging.getLogger("training.continuous")

SIGNS_PER_STREAM = 5
REST_S = 0.5
LOWER_FRAMES = 4  # hands going down (and coming up) around a rest
TRANSITION_S = 0.25
FPS = 30.0
KINDS = ("rest", "no_rest")
_ARM = {13: 0.9, 14: 0.9, 15: 1.8, 16: 1.8, 17: 1.9, 18: 1.9, 19: 1.9, 20: 1.9, 21: 1.85, 22: 1.85}


@dataclass(frozen=True)
class Stream:
    signer: str
    signs: tuple[int, ...]
    samples: tuple[str, ...]
    xyz: np.ndarray  # (T, N_KEYPOINTS, 3)
    present: np.ndarray  # (T, 4)
    times: np.ndarray  # (T,)
    aspect: float

    def keypoints(self) -> list[Keypoints]:
        w = 256
        h = max(1, round(w / self.aspect))
        return [Keypoints(self.xyz[i].copy(), self.present[i].copy(), w, h, float(self.times[i]))
                for i in range(len(self.times))]


def compose(clips: list[Clip], seed: int = 0, per_stream: int = SIGNS_PER_STREAM) -> list[list[Clip]]:
    """Each signer's clips shuffled into groups of `per_stream`, no sign twice in a row."""
    rng = np.random.default_rng(seed)
    groups: list[list[Clip]] = []
    for signer in sorted({c.signer for c in clips}):
        pool = [clips[i] for i in rng.permutation([i for i, c in enumerate(clips) if c.signer == signer])]
        order: list[Clip] = []
        while pool:  # greedy: the first clip whose sign differs from the last one taken
            pick = next((i for i, c in enumerate(pool) if not order or c.sign != order[-1].sign), 0)
            order.append(pool.pop(pick))
        groups += [order[i:i + per_stream] for i in range(0, len(order) - per_stream + 1, per_stream)]
    return groups


def _placed(c: Clip, centre: np.ndarray, width: float, aspect: float) -> np.ndarray:
    """The clip's keypoints moved and scaled so its shoulders sit at `centre` with `width`."""
    c0, w0 = F.body_reference(c.xyz, c.present, c.aspect)
    s = width / w0
    xy = c.xyz[..., :2] * np.array([c.aspect, 1.0], np.float32)
    xy = (xy - c0) * s + centre
    out = c.xyz.copy()
    out[..., :2] = xy / np.array([aspect, 1.0], np.float32)
    out[..., 2] *= s
    for part, sl in ((F.POSE, F.POSE_SL), (F.FACE, F.FACE_SL), (F.LEFT, F.LEFT_SL), (F.RIGHT, F.RIGHT_SL)):
        out[~c.present[:, part], sl] = 0.0
    return out


def _rest(frame: np.ndarray, present: np.ndarray, centre: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """One frame at rest: no hand seen, the pose's arms lowered."""
    xyz, pres = frame.copy(), present.copy()
    pres[[F.LEFT, F.RIGHT]] = False
    xyz[F.LEFT_SL] = 0.0
    xyz[F.RIGHT_SL] = 0.0
    if pres[F.POSE]:
        for i, below in _ARM.items():
            xyz[i, 1] = centre[1] + below * width
    return xyz, pres


def _lowered(frame: np.ndarray, present: np.ndarray, by: float) -> np.ndarray:
    """The hands (and pose arms) moved `by` (image heights) down."""
    out = frame.copy()
    for sl, part in ((F.LEFT_SL, F.LEFT), (F.RIGHT_SL, F.RIGHT)):
        if present[part]:
            out[sl, 1] += by
    if present[F.POSE]:
        out[list(_ARM), 1] += by
    return out


def splice(group: list[Clip], kind: str) -> Stream:
    """One stream of the group's recordings (see the module's docstring for `kind`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    aspect = group[0].aspect
    centre, width = F.body_reference(group[0].xyz, group[0].present, aspect)
    frames: list[np.ndarray] = []
    pres: list[np.ndarray] = []
    times: list[float] = []
    dt = 1.0 / FPS

    def add(xyz: np.ndarray, present: np.ndarray, gap: float = dt) -> None:
        times.append(times[-1] + gap if times else 0.0)
        frames.append(xyz)
        pres.append(present)

    def rest_for(seconds: float, frame: np.ndarray, present: np.ndarray) -> None:
        rest = _rest(frame, present, centre, width)
        for _ in range(round(seconds * FPS)):
            add(*rest)

    for n, c in enumerate(group):
        xyz, present, t = _placed(c, centre, width, aspect), c.present, c.times
        if kind == "no_rest":
            span = F.signing_span(xyz, present, t, aspect, margin=0.0)
            xyz, present, t = xyz[span], present[span], t[span]
        if n and kind == "rest":
            last, lp = frames[-1], pres[-1]
            for k in range(1, LOWER_FRAMES + 1):  # down
                add(_lowered(last, lp, 0.5 * width * k / LOWER_FRAMES), lp)
            rest_for(REST_S, last, lp)
        if kind == "rest" or not n:
            if not n:  # every stream starts at rest
                rest_for(REST_S, xyz[0], present[0])
            for k in range(LOWER_FRAMES, 0, -1):  # up into the next sign
                add(_lowered(xyz[0], present[0], 0.5 * width * k / LOWER_FRAMES), present[0])
        else:  # no rest: move straight from the last pose to the next one
            last, lp = frames[-1], pres[-1]
            steps = round(TRANSITION_S * FPS)
            both = lp & present[0]
            for k in range(1, steps):
                a = k / steps
                mid = (1 - a) * last + a * xyz[0]
                for part, sl in ((F.POSE, F.POSE_SL), (F.FACE, F.FACE_SL), (F.LEFT, F.LEFT_SL), (F.RIGHT, F.RIGHT_SL)):
                    if not both[part]:
                        mid[sl] = (last if a < 0.5 else xyz[0])[sl]
                add(mid, np.where(both, both, lp if a < 0.5 else present[0]))
        base = (times[-1] + dt) if times else 0.0
        for i in range(len(t)):
            times.append(base + float(t[i] - t[0]))
            frames.append(xyz[i])
            pres.append(present[i])
    last, lp = frames[-1], pres[-1]
    for k in range(1, LOWER_FRAMES + 1):  # and ends at rest
        add(_lowered(last, lp, 0.5 * width * k / LOWER_FRAMES), lp)
    rest_for(REST_S, last, lp)
    return Stream(group[0].signer, tuple(c.sign for c in group), tuple(c.sample for c in group),
                  np.stack(frames).astype(np.float32), np.stack(pres), np.array(times), aspect)


def edit_ops(ref: list, hyp: list) -> tuple[int, list[tuple[object, object]], list, list]:
    """Levenshtein alignment of `hyp` to `ref`: (distance, substitutions as (made, named),
    deleted signs, inserted signs)."""
    n, m = len(ref), len(hyp)
    d = np.zeros((n + 1, m + 1), int)
    d[:, 0] = np.arange(n + 1)
    d[0, :] = np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i, j] = min(d[i - 1, j] + 1, d[i, j - 1] + 1, d[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]))
    subs, dels, ins = [], [], []
    i, j = n, m
    while i or j:
        if i and j and d[i, j] == d[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]):
            if ref[i - 1] != hyp[j - 1]:
                subs.append((ref[i - 1], hyp[j - 1]))
            i, j = i - 1, j - 1
        elif i and d[i, j] == d[i - 1, j] + 1:
            dels.append(ref[i - 1])
            i -= 1
        else:
            ins.append(hyp[j - 1])
            j -= 1
    return int(d[n, m]), subs[::-1], dels[::-1], ins[::-1]


def transcribe_stream(recognizer, stream: Stream) -> list[int]:
    """The KArSL ids `recognizer` names in one stream (accepted results only), in order."""
    recognizer.reset(tracking=False)
    named = []
    for kp in stream.keypoints():
        named += [r.best.sign.id for r in recognizer.push(kp)[1] if r.accepted]
    named += [r.best.sign.id for r in recognizer.finish() if r.accepted]
    return named


def score(recognizer, streams: list[Stream]) -> dict:
    """Sign error rate over `streams`, with what was substituted, deleted and inserted."""
    made = errors = exact = 0
    subs: Counter = Counter()
    dels: Counter = Counter()
    ins: Counter = Counter()
    for s in streams:
        named = transcribe_stream(recognizer, s)
        dist, sb, dl, it = edit_ops(list(s.signs), named)
        made += len(s.signs)
        errors += dist
        exact += dist == 0
        subs.update(f"{a}->{b}" for a, b in sb)
        dels.update(str(x) for x in dl)
        ins.update(str(x) for x in it)
    return {"streams": len(streams), "signs": made, "ser": round(errors / max(made, 1), 4),
            "substitutions": sum(subs.values()), "deletions": sum(dels.values()),
            "insertions": sum(ins.values()), "exact_streams": exact,
            "top_substitutions": dict(subs.most_common(8)), "top_deletions": dict(dels.most_common(8)),
            "top_insertions": dict(ins.most_common(8))}


def remembered(memo: dict, keys: list, compute) -> list:
    """The values for `keys`: those `memo` lacks computed by one call `compute(indices of the
    missing keys)` (a list of values, in that order) and kept."""
    todo = [i for i, k in enumerate(keys) if k not in memo]
    if todo:
        for i, value in zip(todo, compute(todo), strict=True):
            memo[keys[i]] = value
    return [memo[k] for k in keys]


def _digest(*arrays: np.ndarray) -> bytes:
    return hashlib.blake2b(b"".join(a.tobytes() for a in arrays), digest_size=16).digest()


class RememberingClassifier:
    """A classifier that remembers its outputs by input: choosing the split settings runs the
    same candidate parts through the model again for every setting tried."""

    def __init__(self, classifier) -> None:
        self._clf = classifier
        self.class_ids, self.seq_len, self.path = classifier.class_ids, classifier.seq_len, classifier.path
        self.embedding_dim = classifier.embedding_dim
        self._memo: dict[bytes, tuple[np.ndarray, np.ndarray | None]] = {}

    def info(self, key: str) -> object:
        return self._clf.info(key)

    def outputs(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        batch = np.asarray(batch, np.float32)

        def compute(todo: list[int]) -> list:
            logits, emb = self._clf.outputs(batch[todo])
            return [(logits[n], None if emb is None else emb[n]) for n in range(len(todo))]
        out = remembered(self._memo, [_digest(x) for x in batch], compute)
        emb = None if out[0][1] is None else np.stack([e for _, e in out])
        return np.stack([logit for logit, _ in out]), emb


# Split settings tried on the validation streams (`choose_split`); "off" never cuts a segment.
SPLIT_GRID = [None] + [SplitConfig(split_penalty=p, typical_s=t, spread=s)
                       for p in (0.0, 0.5, 1.0) for t in (1.25, 1.4, 1.6) for s in (0.31, 0.45)]


def split_name(cfg: SplitConfig | None) -> str:
    if cfg is None or not cfg.enabled:
        return "off"
    return f"penalty {cfg.split_penalty:g}, typical {cfg.typical_s:g} s, spread {cfg.spread:g}"


def choose_split(sets: list[tuple[object, list[Stream], str]], grid: list | None = None,
                 rest_tolerance: float = 0.01) -> tuple[SplitConfig, list[dict]]:
    """The split setting with the lowest mean sign error rate over `sets` ((classifier, streams,
    kind), validation data only) among those that keep every "rest" set within `rest_tolerance`
    of not cutting at all (signs with rest between must not pay for the others), and every
    setting's row."""
    from arsl_desktop.core.recognizer import Recognizer

    class Remembering(Recognizer):
        """Remembers each candidate part's score across settings (the same parts come back)."""

        def __init__(self, classifier, memo: dict, **kw) -> None:
            super().__init__(classifier, **kw)
            self.memo = memo

        def _span_scorer(self, xyz, present, times, aspect):
            inner = super()._span_scorer(xyz, present, times, aspect)

            def score(spans):
                def compute(todo: list[int]) -> list:
                    logp, label = inner([spans[i] for i in todo])
                    return list(zip(logp.tolist(), label.tolist(), strict=True))
                out = remembered(self.memo, [_digest(xyz[a:b], present[a:b], times[a:b]) for a, b in spans], compute)
                return np.array([lp for lp, _ in out]), np.array([lb for _, lb in out])
            return score

    rows = []
    remembering = [(RememberingClassifier(clf), streams, {}) for clf, streams, _ in sets]
    kinds = [kind for _, _, kind in sets]
    for cfg in grid or SPLIT_GRID:
        split = cfg or SplitConfig(enabled=False)
        sers = []
        for clf, streams, memo in remembering:  # one memo per set: another model scores the same parts differently
            sers.append(score(Remembering(clf, memo, top_k=5, split=split), streams)["ser"])
        rows.append({"split": split_name(cfg), "config": asdict(split), "ser": sers, "kinds": kinds,
                     "mean": round(float(np.mean(sers)), 4)})
        log.info("split %-45s SER %s  mean %.3f", split_name(cfg), sers, rows[-1]["mean"])
    off = rows[0]["ser"] if (grid or SPLIT_GRID)[0] is None else None
    allowed = [r for r in rows if off is None or all(
        ser <= base + rest_tolerance for ser, base, kind in zip(r["ser"], off, kinds, strict=True) if kind == "rest")]
    best = min(allowed, key=lambda r: r["mean"])
    for r in rows:
        r["chosen"] = r is best
    return SplitConfig(**best["config"]), rows
