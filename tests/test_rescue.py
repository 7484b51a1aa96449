"""The landmarker's second look at a small face (`core.rescue`): its geometry on made-up poses,
and on a real KArSL recording shown small in a large frame, where the whole-frame face detector
finds no face and the second look does."""

from __future__ import annotations

import numpy as np
import pytest

from arsl_desktop.core import features as F
from arsl_desktop.core import rescue as R


def _pose(scale: float = 1.0, dx: float = 0.0, dy: float = 0.0) -> np.ndarray:
    """A seated signer's pose, normalised to a square frame; `scale` shrinks it about the centre."""
    p = np.zeros((F.N_POSE, 3), np.float32)
    pts = {0: (0.5, 0.3), 2: (0.52, 0.28), 5: (0.48, 0.28), 7: (0.55, 0.3), 8: (0.45, 0.3),
           11: (0.62, 0.45), 12: (0.38, 0.45), 13: (0.68, 0.6), 14: (0.32, 0.6), 15: (0.6, 0.5), 16: (0.3, 0.8)}
    for i, (x, y) in pts.items():
        p[i, :2] = (0.5 + (x - 0.5) * scale + dx, 0.5 + (y - 0.5) * scale + dy)
    return p


def test_head_box_is_centred_on_the_head_and_sized_by_the_ears():
    box = R.head_box(_pose(), 400, 400)
    assert box is not None
    assert box.side == pytest.approx(R.HEAD_SPAN * 0.10 * 400)  # ears 0.45..0.55 of 400 px
    assert box.x0 + box.side / 2 == pytest.approx(0.5 * 400, abs=1)
    assert box.y0 + box.side / 2 == pytest.approx(0.292 * 400, abs=1)


def test_no_head_box_for_a_head_out_of_the_frame_or_as_large_as_it():
    assert R.head_box(_pose(dy=-0.35), 400, 400) is None  # the head above the top edge
    assert R.head_box(_pose(scale=4.0, dy=0.8), 400, 400) is None  # the crop would be the whole frame


def test_a_small_head_gets_the_minimum_crop():
    box = R.head_box(_pose(scale=0.1), 400, 400)
    assert box.side == R.HEAD_MIN_PX


def test_crop_pads_past_the_edge_and_to_frame_maps_back():
    rgb = np.zeros((100, 200, 3), np.uint8)
    rgb[10:20, 190:200] = 255  # a white square in the top-right corner
    box = R.Box(180.0, -10.0, 40.0)  # reaches past the top and the right edge
    out = R.crop(rgb, box, size=80)
    assert out.shape == (80, 80, 3)
    assert out[0, 0].max() == 0 and out[-1, -1].max() == 0  # padding and dark frame
    ys, xs = np.nonzero(out[..., 0] > 128)
    found = np.array([[xs.mean() / 80, ys.mean() / 80, 0.0]], np.float32)  # the square, in crop units
    back = R.to_frame(found, box, 200, 100)[0]
    assert back[0] * 200 == pytest.approx(195, abs=1.5) and back[1] * 100 == pytest.approx(15, abs=1.5)


@pytest.mark.slow
def test_second_look_finds_the_face_of_a_signer_small_in_a_large_frame(sparse_sample):
    """A KArSL recording (256 px) placed at its size in a 1280x720 frame: the face detector looks
    at the whole frame shrunk to 128 px and misses the face; the second look on the head's crop
    finds it, where the first look found it in the recording as filmed."""
    import cv2

    from arsl_desktop.core.landmarks import create_landmarker

    frames = [cv2.cvtColor(cv2.imread(str(p)), cv2.COLOR_BGR2RGB) for p in sorted(sparse_sample.glob("*.jpg"))][:8]
    canvas = np.full((720, 1280, 3), 90, np.uint8)

    def small(f):
        out = canvas.copy()
        out[300:556, 700:956] = f
        return out

    found = {}
    for rescue in (False, True):
        with create_landmarker(threads=1, rescue=rescue) as lm:
            found[rescue] = [lm.process(small(f), i / 15).present.copy() for i, f in enumerate(frames)]
            lm.reset()
            as_filmed = [lm.process(f, i / 15).present[F.FACE] for i, f in enumerate(frames)]
    assert all(as_filmed)
    assert sum(p[F.FACE] for p in found[False]) <= 1
    assert sum(p[F.FACE] for p in found[True]) >= len(frames) - 1
    assert all(p[F.POSE] for p in found[True])
