"""The pipeline object on real KArSL clips (tiny model: the interface, not the accuracy)."""

from __future__ import annotations

import pytest

from arsl_desktop.core.classifier import SignClassifier
from arsl_desktop.core.recognizer import Recognizer
from arsl_desktop.core.sources import open_source
from arsl_desktop.core.spotting import SpotState

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def recognizer(tiny_model):
    rec = Recognizer(SignClassifier(tiny_model), top_k=4)
    yield rec
    rec.close()


def test_recognize_clip_frame_folder_and_video(recognizer, sparse_sample, dense_video):
    for path in (sparse_sample, dense_video):
        frames = list(open_source(path))
        result = recognizer.recognize_clip(frames)
        assert result.frames == len(frames)
        assert len(result.top) == 4 and all(1 <= r.sign.id <= 82 for r in result.top)
        assert [r.prob for r in result.top] == sorted((r.prob for r in result.top), reverse=True)
        assert 0 <= result.start < result.end <= frames[-1].timestamp + 1e-9


def test_live_path_reports_each_frame_and_one_sign(recognizer, dense_video):
    recognizer.reset()
    results = [recognizer.process(f) for f in open_source(dense_video)]
    assert [r.index for r in results] == list(range(len(results)))
    assert all(r.keypoints.present[0] for r in results)  # the signer's pose is found in every frame
    assert results[-1].state == SpotState.SIGNING  # KArSL clips end mid-sign: the segment is still open
    assert all(r.landmark_ms > 0 for r in results)
    final = recognizer.finish()
    assert len(final) == 1 and final[0].frames > 5  # one sign, not cut into parts
    # the frames that were named travel with the result (a correction adds them to the right sign)
    assert len(final[0].keypoints) == final[0].frames
    assert final[0].keypoints[-1].timestamp == pytest.approx(results[-1].timestamp)
    assert recognizer.finish() == []  # flushed once


def test_threshold_marks_uncertain_results(tiny_model, sparse_sample):
    rec = Recognizer(SignClassifier(tiny_model), threshold=1.01)
    try:
        result = rec.recognize_clip(list(open_source(sparse_sample)))
        assert not result.accepted
    finally:
        rec.close()


def test_clip_without_anyone_says_so(recognizer):
    import numpy as np

    from arsl_desktop.core.sources import Frame

    blank = [Frame(np.full((120, 160, 3), 90, np.uint8), i / 30, i) for i in range(6)]
    result = recognizer.recognize_clip(blank)
    assert not result.hands_seen and not result.accepted and result.frames == 6
