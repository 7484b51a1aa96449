"""The corrections figure (training.corrections_eval) and DTW over references of any lengths (core.dtw)."""

from __future__ import annotations

import numpy as np

from arsl_desktop.core.dtw import dtw_distances
from training.corrections_eval import _sequential, in_recording_order, recording_time


def test_dtw_over_references_of_any_lengths_is_each_aligned_alone():
    rng = np.random.default_rng(3)
    query = rng.normal(size=(9, 4))
    refs = [rng.normal(size=(n, 4)) for n in (3, 12, 9, 1)]
    alone = np.array([dtw_distances(query, r[None])[0] for r in refs])
    assert np.allclose(dtw_distances(query, refs), alone, rtol=0, atol=1e-12)
    assert dtw_distances(query, []).shape == (0,)


def test_recordings_are_named_in_the_order_they_were_made():
    assert recording_time("03_01_0071_(01_12_16_15_52_44)") == (16, 12, 1, 15, 52, 44)
    assert recording_time("no time here") == ()

    class Clip:
        def __init__(self, sample: str) -> None:
            self.sample = sample

    clips = [Clip("03_01_0071_(01_12_16_15_52_44)"), Clip("03_01_0072_(20_11_16_16_17_50)"),
             Clip("03_01_0071_(01_12_16_09_00_00)")]
    assert in_recording_order(clips).tolist() == [1, 2, 0]  # November before December, morning before afternoon


def test_each_miss_is_corrected_once_and_then_counts_as_an_example():
    # queries 0-5 of one sign; from query 3 on the signer drifts: named right only once a drifted
    # recording was corrected (became an example)
    def right(i: int, corrected: list[int]) -> bool:
        return i < 3 or any(j >= 3 for j in corrected)

    top1, corrections = _sequential(6, np.arange(6), right)
    assert (top1, corrections) == (5 / 6, 1)
    never = _sequential(4, np.arange(4), lambda i, corrected: False)
    assert never == (0.0, 4)  # every miss is corrected, none helps
