"""KArSL recordings rendered as a laptop webcam would see the signer (issue 17, row d).

KArSL is a studio recording: 256x256, the signer centred and filling the frame, even light,
30 fps. A user teaches and signs in front of a webcam: 16:9, the signer smaller and off-centre,
a busier background, dimmer light, 15 fps, JPEG compression. `render` turns one KArSL frame into
such a frame (the parameters drawn once per recording from its name, so a recording keeps one
camera set-up throughout); `at_most_fps` drops frames to 15 fps. `training.extract --webcam`
runs the app's own landmarker on the rendered frames into a separate cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

WEBCAM_FPS = 15.0
CANVAS = (640, 360)  # width, height of what the landmarker sees (a downscaled 16:9 webcam frame)


@dataclass(frozen=True)
class WebcamLook:
    height: float  # the signer's frame height as a share of the canvas height
    x: float  # left edge of the signer's frame, share of the free width
    gain: float  # brightness factor (darker room)
    quality: int  # JPEG quality
    background: tuple[int, int, int]  # BGR of the wall


def look_for(name: str) -> WebcamLook:
    """A camera set-up drawn from the recording's name (stable across runs and machines)."""
    seed = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
    rng = np.random.default_rng(seed)
    return WebcamLook(height=float(rng.uniform(0.7, 0.85)), x=float(rng.uniform(0.1, 0.9)),
                      gain=float(rng.uniform(0.55, 0.75)), quality=int(rng.integers(55, 75)),
                      background=tuple(int(v) for v in rng.integers(90, 170, 3)))


def render(image: np.ndarray, look: WebcamLook) -> np.ndarray:
    """One BGR KArSL frame -> the same moment as a webcam frame (CANVAS, BGR uint8)."""
    import cv2

    w, h = CANVAS
    canvas = np.empty((h, w, 3), np.uint8)
    canvas[:] = look.background
    ramp = np.linspace(0.8, 1.1, w, dtype=np.float32)[None, :, None]  # uneven light across the wall
    canvas = np.clip(canvas * ramp, 0, 255).astype(np.uint8)
    side = int(round(look.height * h))
    person = cv2.resize(image, (side, side), interpolation=cv2.INTER_AREA if side < image.shape[0]
                        else cv2.INTER_LINEAR)
    x0 = int(round(look.x * (w - side)))
    y0 = h - side
    canvas[y0:y0 + side, x0:x0 + side] = person
    dim = np.clip(canvas.astype(np.float32) * look.gain, 0, 255).astype(np.uint8)
    ok, jpg = cv2.imencode(".jpg", dim, [cv2.IMWRITE_JPEG_QUALITY, look.quality])
    return cv2.imdecode(jpg, cv2.IMREAD_COLOR) if ok else dim


def at_most_fps(frames: Iterable, fps: float = WEBCAM_FPS) -> Iterator:
    """Frames (with `.timestamp`, seconds) thinned so that no two are closer than 1/fps."""
    last = None
    for f in frames:
        if last is None or f.timestamp - last >= 1.0 / fps - 1e-6:
            last = f.timestamp
            yield f
