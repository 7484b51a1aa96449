"""Altered copies of KArSL clips for the camera coach (tests and `scripts/coach_figures.py`).

Each alteration maps one BGR frame to another; `write_altered` writes a clip (a video file or
a KArSL frame folder) through one of them as an MP4 video, so `recognize` reads it like any input.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from arsl_desktop.core.sources import open_source


def darken(bgr: np.ndarray, factor: float = 0.15) -> np.ndarray:
    """A dark room: every pixel x 0.15."""
    return (bgr.astype(np.float32) * factor).round().astype(np.uint8)


def wash_out(bgr: np.ndarray, white: float = 0.7) -> np.ndarray:
    """Over-exposed / backlit: 70 % white blended over the picture (bright, little contrast)."""
    return (bgr.astype(np.float32) * (1 - white) + 255 * white).round().astype(np.uint8)


def zoom_face(bgr: np.ndarray) -> np.ndarray:
    """Too close: the face and upper chest (a box 0.42 of the frame wide, top at 8 %, centred
    across) scaled back up to the full frame, so raised hands and the elbows leave the picture."""
    h, w = bgr.shape[:2]
    side = int(round(0.42 * min(h, w)))
    x0, y0 = (w - side) // 2, int(round(0.08 * h))
    return cv2.resize(bgr[y0:y0 + side, x0:x0 + side], (w, h), interpolation=cv2.INTER_LINEAR)


def shrink_in_wide(bgr: np.ndarray) -> np.ndarray:
    """Too far: the frame at half its width and height (a quarter of its area) in the middle of
    a black 16:9 frame of the original height (256 x 256 -> 128 x 128 inside 455 x 256)."""
    h, w = bgr.shape[:2]
    canvas = np.zeros((h, int(round(h * 16 / 9)), 3), np.uint8)
    small = cv2.resize(bgr, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    y0, x0 = (h - small.shape[0]) // 2, (canvas.shape[1] - small.shape[1]) // 2
    canvas[y0:y0 + small.shape[0], x0:x0 + small.shape[1]] = small
    return canvas


ALTERATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "dark": darken, "washed": wash_out, "close": zoom_face, "far": shrink_in_wide}


def write_altered(clip: Path, out: Path, alter: Callable[[np.ndarray], np.ndarray] | None,
                  hold_s: float = 0.0) -> Path:
    """`clip` (video or frame folder) through `alter` (None: unchanged) as an MP4 at 30 fps.

    `hold_s`: the last frame is repeated this long (the signer holds still after the sign; KArSL
    clips keep the hands up from the first frame to the last, so a looping clip alone is one
    endless sign, and the window never shows a hint during a sign)."""
    writer = bgr = None
    with open_source(clip) as src:
        for frame in src:
            bgr = cv2.cvtColor(np.asarray(frame.image), cv2.COLOR_RGB2BGR)
            if alter is not None:
                bgr = alter(bgr)
            if writer is None:
                writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), 30.0,
                                         (bgr.shape[1], bgr.shape[0]))
            writer.write(bgr)
    if writer is None:
        raise ValueError(f"{clip} has no frames")
    for _ in range(round(hold_s * 30)):
        writer.write(bgr)
    writer.release()
    return out
