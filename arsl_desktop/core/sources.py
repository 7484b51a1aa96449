"""Frame sources with timestamps: a camera, a video file, or a KArSL frame folder.

Every source yields immutable `Frame`s (RGB uint8, read-only) with a timestamp in
seconds. KArSL frame numbers are real time at 30 fps: sparse samples keep their gaps.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from arsl_desktop.core.errors import CameraLost, CameraUnavailable, SourceUnreadable

log = logging.getLogger(__name__)

KARSL_FPS = 30.0
VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp"}
_FRAME_NO = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class Frame:
    image: np.ndarray  # (H, W, 3) RGB uint8, read-only
    timestamp: float  # seconds since the source started
    index: int

    def __post_init__(self) -> None:
        self.image.setflags(write=False)


class FrameSource:
    """Base class: iterate for frames; `close()` releases the device or file."""

    name: str = "source"
    fps: float = KARSL_FPS
    live: bool = False

    def __iter__(self) -> Iterator[Frame]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _to_rgb(bgr: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _why_not_opened(index: int) -> str:
    """The technical reason OpenCV could not open camera `index`, as far as it can be told."""
    if sys.platform.startswith("linux"):
        node = Path(f"/dev/video{index}")
        if not node.exists():
            return f"cv2.VideoCapture({index}) did not open: {node} does not exist"
        if not os.access(node, os.R_OK | os.W_OK):
            return f"cv2.VideoCapture({index}) did not open {node}: no permission (is the user in the 'video' group?)"
        return f"cv2.VideoCapture({index}) did not open {node}: busy, no permission or not a capture device"
    return f"cv2.VideoCapture({index}) did not open: no such device or it is busy"


class CameraSource(FrameSource):
    """A webcam by index. Raises `CameraUnavailable` naming the index if it cannot open."""

    live = True

    def __init__(self, index: int, width: int = 640, height: int = 480, max_failures: int = 30) -> None:
        self.index = int(index)
        self.name = f"camera {self.index}"
        self._cap = cv2.VideoCapture(self.index)
        if not self._cap.isOpened():
            self._cap.release()
            raise CameraUnavailable(self.index, _why_not_opened(self.index))
        self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = fps if 1 <= fps <= 240 else 30.0
        self._max_failures = max_failures

    def __iter__(self) -> Iterator[Frame]:
        t0 = time.monotonic()
        failures, i = 0, 0
        while True:
            ok, bgr = self._cap.read()
            if not ok or bgr is None:
                failures += 1
                if failures >= self._max_failures:
                    raise CameraLost(f"Camera {self.index} stopped sending frames (unplugged?). "
                                     "Reconnect it and press Retry.",
                                     f"cv2.VideoCapture({self.index}).read() failed {failures} times in a row")
                time.sleep(0.01)
                continue
            failures = 0
            yield Frame(_to_rgb(bgr), time.monotonic() - t0, i)
            i += 1

    def close(self) -> None:
        self._cap.release()


class VideoFileSource(FrameSource):
    """A video file; timestamps come from the frame index and the file's frame rate."""

    def __init__(self, path: str | Path, loop: bool = False) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.loop = loop
        if not self.path.is_file():
            raise SourceUnreadable(f"Video file not found: {self.path}")
        self._cap = cv2.VideoCapture(str(self.path))
        ok, first = self._cap.read() if self._cap.isOpened() else (False, None)
        if not ok or first is None:
            self._cap.release()
            raise SourceUnreadable(f"Cannot read video {self.path}: not a video or it is damaged.")
        # The first frame is kept rather than seeking back: seeking fails on one-frame videos
        # and on some containers, which then looked like "no frames".
        self._first: np.ndarray | None = first
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = fps if 1 <= fps <= 240 else KARSL_FPS
        self.frame_count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)

    def _read(self) -> np.ndarray | None:
        if self._first is not None:
            bgr, self._first = self._first, None
            return bgr
        ok, bgr = self._cap.read()
        return bgr if ok else None

    def __iter__(self) -> Iterator[Frame]:
        i = 0
        while True:
            bgr = self._read()
            if bgr is None:
                if self.loop and i > 0:
                    self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
                    bgr = self._read()
                if bgr is None:
                    return
            yield Frame(_to_rgb(bgr), i / self.fps, i)
            i += 1

    def close(self) -> None:
        self._cap.release()


def frame_number(path: Path) -> int | None:
    """The frame number at the end of a KArSL frame file name (`..._c_0042.jpg` -> 42)."""
    m = _FRAME_NO.search(path.stem)
    return int(m.group(1)) if m else None


class FrameFolderSource(FrameSource):
    """A KArSL sample folder of numbered JPEGs. Gaps in the numbering are real time gaps."""

    def __init__(self, path: str | Path, fps: float = KARSL_FPS) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.fps = fps
        if not self.path.is_dir():
            raise SourceUnreadable(f"Frame folder not found: {self.path}")
        numbered = []
        for p in self.path.iterdir():
            if p.suffix.lower() in IMAGE_SUFFIXES:
                n = frame_number(p)
                if n is not None:
                    numbered.append((n, p))
        if not numbered:
            raise SourceUnreadable(f"No numbered frame images (e.g. name_0001.jpg) in {self.path}")
        self.files = sorted(numbered)
        self.skipped: list[Path] = []  # frames that could not be decoded (reported by the caller)

    def __iter__(self) -> Iterator[Frame]:
        n0 = self.files[0][0]
        yielded = 0
        self.skipped = []
        for i, (n, p) in enumerate(self.files):
            bgr = read_image(p)
            if bgr is None:
                log.warning("skipping unreadable frame %s", p)
                self.skipped.append(p)
                continue
            yielded += 1
            yield Frame(_to_rgb(bgr), (n - n0) / self.fps, i)
        if yielded == 0:
            raise SourceUnreadable(f"None of the {len(self.files)} images in {self.path} could be decoded.")


def read_image(path: Path) -> np.ndarray | None:
    """A BGR image, or None when it cannot be decoded completely.

    OpenCV decodes a truncated JPEG without an error (the missing part comes out grey), which
    would silently change what the model sees; such a file counts as unreadable here.
    """
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if data[:2] == b"\xff\xd8" and b"\xff\xd9" not in data[-64:]:
        return None  # a JPEG without its end-of-image marker: cut off
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return bgr if bgr is not None and bgr.size else None


class ImageFileSource(FrameSource):
    """A single picture: one frame at time 0 (a one-frame clip)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        if not self.path.is_file():
            raise SourceUnreadable(f"Image file not found: {self.path}")
        self._bgr = read_image(self.path)
        if self._bgr is None:
            raise SourceUnreadable(f"Cannot read image {self.path}: not an image or it is damaged.")

    def __iter__(self) -> Iterator[Frame]:
        yield Frame(_to_rgb(self._bgr), 0.0, 0)


def open_source(spec: str | int | Path, loop: bool = False) -> FrameSource:
    """A camera index (int or digits), a video file, a frame folder or a single image."""
    if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
        return CameraSource(int(spec))
    path = Path(spec).expanduser()
    if path.is_dir():
        return FrameFolderSource(path)
    if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file():
        return ImageFileSource(path)
    if path.exists() or path.suffix.lower() in VIDEO_SUFFIXES:
        return VideoFileSource(path, loop=loop)
    raise SourceUnreadable(f"No such file or folder: {path}")

