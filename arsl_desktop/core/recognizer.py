"""The recognition pipeline, driven frame by frame: landmarks -> spotting -> features -> classifier.

`Recognizer.process(frame)` is what the live window's worker calls; `recognize_clip`
classifies one isolated sign (a KArSL sample or a short video) for the command line.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np

from arsl_desktop.core import features as F
from arsl_desktop.core import matching
from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.coach import AdviceTally, Coach, CoachState
from arsl_desktop.core.labels import LabelTable, Sign, default_labels, require_known_ids
from arsl_desktop.core.landmarks import Keypoints, TasksLandmarker, create_landmarker, stack
from arsl_desktop.core.personal_match import Candidate, PersonalIndex, joint_best, joint_ranking
from arsl_desktop.core.personal_signs import PersonalSigns
from arsl_desktop.core.segmentation import SplitConfig, best_split, split_config
from arsl_desktop.core.sources import Frame
from arsl_desktop.core.spotting import Segment, SignSpotter, SpotState, SpotterConfig


@dataclass(frozen=True)
class RankedSign:
    sign: Sign
    prob: float
    personal: bool = False  # decided by the user's own examples (a taught word or an adapted KArSL sign)
    personal_key: str | None = None  # the personal sign's folder key

    @property
    def key(self) -> str:
        """Identity for "the same sign again": the personal sign, else the KArSL id."""
        return f"personal:{self.personal_key}" if self.personal else f"karsl:{self.sign.id}"


@dataclass(frozen=True)
class SignResult:
    """One recognised sign: the segment's time span and the ranked candidates."""

    start: float
    end: float
    top: tuple[RankedSign, ...]
    accepted: bool  # top-1 probability reached the confidence threshold
    frames: int
    hands_seen: bool = True  # False: no hand in any frame, the ranking means little
    advice: tuple[str, ...] = ()  # camera coach codes seen in most of an isolated clip's frames
    # the frames that were ranked: a correction adds them to the sign they really were (`core.correction`)
    keypoints: tuple[Keypoints, ...] = field(default=(), repr=False, compare=False)

    @property
    def best(self) -> RankedSign:
        return self.top[0]


@dataclass(frozen=True)
class FrameResult:
    """What the pipeline made of one frame (immutable: it crosses threads by signal)."""

    index: int
    timestamp: float
    keypoints: Keypoints
    state: SpotState
    result: SignResult | None
    landmark_ms: float
    classify_ms: float
    segment: Segment | None = None  # the segment that closed on this frame (teaching records it)
    coach: CoachState | None = None  # where to stand, how to light it (smoothed over about a second)
    results: tuple[SignResult, ...] = ()  # every sign reported on this frame (a segment may hold several)

    def __post_init__(self) -> None:
        if not self.results and self.result is not None:  # built with the one result only
            object.__setattr__(self, "results", (self.result,))


class Recognizer:
    """Wires the core together; one instance per worker thread."""

    def __init__(self, classifier: SignClassifier, labels: LabelTable | None = None,
                 landmarker: TasksLandmarker | None = None, spotter: SpotterConfig | None = None,
                 top_k: int = 5, threshold: float = 0.0, merge_gap_s: float = 0.4,
                 personal: PersonalSigns | None = None, split: SplitConfig | None = None) -> None:
        self.classifier = classifier
        self.labels = labels or default_labels()
        require_known_ids(classifier.class_ids, self.labels, classifier.path.name)  # before MediaPipe loads
        self._landmarker = landmarker  # built on first use: a keypoint stream (`push`) never loads MediaPipe
        self.spotter = SignSpotter(spotter)
        self.coach = Coach()  # from the frame and keypoints already computed: no extra model
        self.top_k = top_k
        self.threshold = threshold
        self.merge_gap_s = merge_gap_s
        self.personal = personal  # the user's taught signs, ranked with the KArSL ones (None: not used)
        # how a segment holding several signs is cut (`core.segmentation`): the model's own, chosen
        # with it by `training.evaluate --continuous`, else the defaults
        self.split = split or split_config(classifier.info("split"))
        self._last: SignResult | None = None
        self.flushed: Segment | None = None  # the segment `finish()` closed (teaching records it)

    @property
    def landmarker(self) -> TasksLandmarker:
        if self._landmarker is None:
            self._landmarker = create_landmarker()
        return self._landmarker

    def prepare(self, announce: Callable[[int], None] | None = None) -> None:
        """Get ready for the first frame: build the tracker and read the personal signs
        (`PersonalSigns.refresh`, `announce` as there) side by side, so that the first frame waits
        for the longer of the two, not their sum (MediaPipe's start takes a second or two; the
        personal signs a fraction of one from their caches, seconds after a model change). An
        error of either is raised once both are done."""
        if self.personal is None:
            self.landmarker  # noqa: B018 - built here, not on the first frame
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="personal") as pool:
            read = pool.submit(self.personal.refresh, announce=announce)
            self.landmarker  # noqa: B018 - built meanwhile
            read.result()

    def reset(self, tracking: bool = True) -> None:
        """A new stream: forget the open segment and the last sign, and (`tracking`) the tracker's state.

        Resetting tracking rebuilds the landmarker, which is slow and, repeated, grows memory;
        a looping file's next pass keeps the tracker (its timestamps keep increasing) and passes
        `tracking=False`."""
        if tracking and self._landmarker is not None:
            self._landmarker.reset()
        self.spotter.reset()
        self.coach.reset()
        self._last = None

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()

    def classify(self, keypoints: list[Keypoints] | tuple[Keypoints, ...], trim: bool = True) -> SignResult:
        """Rank signs for one sign's keypoints (an isolated clip or a spotted segment)."""
        xyz, present, times, aspect = stack(list(keypoints))
        if trim and len(times):
            span = F.signing_span(xyz, present, times, aspect)
            xyz, present, times = xyz[span], present[span], times[span]
        seq = F.clip_sequence(xyz, present, times, self.classifier.seq_len, aspect, trim=False)
        top = self.rank(seq, matching.match_sequence(xyz, present, times, aspect, trim=False))
        start = float(times[0]) if len(times) else 0.0
        end = float(times[-1]) if len(times) else 0.0
        return SignResult(start, end, top, top[0].prob >= self.threshold, len(keypoints), keypoints=tuple(keypoints))

    def rank(self, sequence: np.ndarray, match: np.ndarray) -> tuple[RankedSign, ...]:
        """The best `top_k` KArSL and personal signs for one sign: its model input and its match
        sequence (`core.matching`), in one list."""
        logits, embedding = self.classifier.outputs(sequence[None])
        index = self._personal_index()
        dist, gate = index.distances(match, None if embedding is None else embedding[0]) if index else (None, None)
        return tuple(self._ranked(c) for c in joint_ranking(self.classifier.class_ids, logits[0], index, dist,
                                                             self.top_k, gate))

    def _personal_index(self) -> PersonalIndex | None:
        """The personal signs as the store holds them now (re-read, cheaply, unless it changed: the
        CLI or another window may have written); None when there are none."""
        if self.personal is None:
            return None
        self.personal.refresh()
        return self.personal.index if self.personal.index else None

    def _ranked(self, c: Candidate) -> RankedSign:
        if c.personal is None:
            return RankedSign(self.labels[c.karsl_id], c.prob)
        known = self.labels.get(c.karsl_id) if c.karsl_id is not None else None
        sign = Sign(c.karsl_id, c.personal.ar or (known.ar if known else ""), c.personal.en, "personal", "")
        return RankedSign(sign, c.prob, personal=True, personal_key=c.personal.key)

    def _span_scorer(self, xyz: np.ndarray, present: np.ndarray, times: np.ndarray, aspect: float):
        """Scores parts of one segment for `best_split`: the log-probability of each part's best
        sign, all parts in one model batch; with personal signs, of the best in the joint ranking
        that names it (`joint_best`), so that a run of taught words the model does not know is cut
        where the words are, not where the model's own signs would be."""
        index = self._personal_index()

        def score(spans: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
            seqs = np.stack([F.clip_sequence(xyz[a:b], present[a:b], times[a:b], self.classifier.seq_len, aspect)
                             for a, b in spans])
            logits, embedding = self.classifier.outputs(seqs)
            probs = SignClassifier.softmax(logits)
            if index is None:
                return np.log(probs.max(axis=1)), probs.argmax(axis=1)
            dist, gate = zip(*(index.distances(matching.match_sequence(xyz[a:b], present[a:b], times[a:b], aspect),
                                               None if embedding is None else embedding[i])
                               for i, (a, b) in enumerate(spans)), strict=True)
            best, which = joint_best(probs, np.stack(dist), np.stack(gate), index)
            return np.log(np.maximum(best, 1e-300)), which
        return score

    def parts(self, segment: Segment) -> list[tuple[Keypoints, ...]]:
        """The signs one segment holds, as runs of its frames (one run unless signs follow each
        other without the hands coming down)."""
        kps = segment.keypoints
        if not self.split.enabled or segment.duration < max(2 * self.split.min_s, self.split.min_split_s):
            return [kps]  # too short to hold two signs (`best_split` would say so after the work below)
        xyz, present, times, aspect = stack(list(kps))
        span = F.signing_span(xyz, present, times, aspect)  # lengths are a sign's as `classify` cuts it
        xyz, present, times = xyz[span], present[span], times[span]
        spans = best_split(times, self._span_scorer(xyz, present, times, aspect), self.split)
        if len(spans) == 1:
            return [kps]
        first = span.start or 0
        edges = [0] + [first + a for a, _ in spans[1:]] + [len(kps)]
        return [kps[a:b] for a, b in zip(edges, edges[1:], strict=False)]

    def _report(self, segment: Segment) -> list[SignResult]:
        parts = self.parts(segment)
        if segment.reason == "max_length" and len(parts) > 1:
            self.spotter.resume(parts[-1])  # the last sign goes on past the cut
            parts = parts[:-1]
        reported = []
        for frames in parts:
            result = self.classify(frames)
            last = self._last
            self._last = result
            # One sign split over two segments (a pause mid-sign, or the length limit) is reported once.
            if (last is not None and last.best.key == result.best.key
                    and result.start - last.end <= self.merge_gap_s):
                continue
            reported.append(result)
        return reported

    def process(self, frame: Frame) -> FrameResult:
        t0 = time.perf_counter()
        kp = self.landmarker.process(frame.image, frame.timestamp)
        t1 = time.perf_counter()
        segment, results = self.push(kp)
        coach = self.coach.update(frame.image, kp)
        t2 = time.perf_counter()
        state = self.spotter.state
        return FrameResult(frame.index, frame.timestamp, kp, state, results[-1] if results else None,
                           (t1 - t0) * 1000, (t2 - t1) * 1000, segment=segment, coach=coach,
                           results=tuple(results))

    def push(self, kp: Keypoints) -> tuple[Segment | None, list[SignResult]]:
        """One frame's keypoints into the spotter: the segment that closed on it (if any) and
        the signs reported for it (none when nothing closed or it repeats the last sign)."""
        segment = self.spotter.push(kp)
        return segment, (self._report(segment) if segment is not None else [])

    def finish(self) -> list[SignResult]:
        """End of a stream: classify a segment still open (kept in `flushed`)."""
        segment = self.spotter.flush()
        self.flushed = segment
        return self._report(segment) if segment is not None else []

    def keypoints_of(self, frames: Iterable[Frame], tally: AdviceTally | None = None) -> list[Keypoints]:
        """Landmarks of a whole clip, tracking reset first; `tally` collects the coach's advice."""
        self.landmarker.reset()
        coach = Coach(self.coach.config)
        kps = []
        for f in frames:
            kps.append(self.landmarker.process(f.image, f.timestamp))
            if tally is not None:
                tally.add(coach.update(f.image, kps[-1]))
        return kps

    def recognize_clip(self, frames: Iterable[Frame]) -> SignResult:
        """Classify one isolated sign from all its frames (with the coach's advice on them)."""
        tally = AdviceTally()
        kps = self.keypoints_of(frames, tally)
        if not kps:
            raise ValueError("the clip has no frames")
        advice = tuple(tally.advice())
        if not any(k.any_hand for k in kps):
            top = self.classify(kps, trim=False)
            return SignResult(top.start, top.end, top.top, False, len(kps), hands_seen=False, advice=advice)
        return replace(self.classify(kps), advice=advice)

    def transcribe(self, frames: Iterable[Frame]) -> Iterator[SignResult]:
        """The signs in a continuous recording, each yielded as soon as it is found.

        Frames are streamed (only keypoints of the open segment are kept). If the caller stops
        early (an interrupt), `finish()` still classifies the sign that was open."""
        self.reset()
        for frame in frames:
            yield from self.process(frame).results
        yield from self.finish()

