"""A one-slot mailbox between the capture thread and the recognition worker.

The worker always takes the NEWEST frame: a frame put while another is still waiting
replaces it (the stale one is dropped and counted), so a slow model never builds up a
queue or falls behind live video. Markers (end of clip, end of stream) are never
dropped: a frame after a marker gets a slot of its own, and a second marker merges with
a waiting one, so at most [frame, marker, frame] can wait at once.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from enum import Enum

from arsl_desktop.core.sources import Frame


class Marker(str, Enum):
    CLIP_END = "clip_end"  # a looping video restarts: finish the open sign, then start afresh
    STREAM_END = "stream_end"  # the source has no more frames


@dataclass(frozen=True)
class Grabbed:
    """A frame and when it was grabbed (time.perf_counter), for frame-to-result latency."""

    frame: Frame
    grabbed_at: float


class FrameMailbox:
    def __init__(self) -> None:
        self._items: deque[Grabbed | Marker] = deque()
        self._cond = threading.Condition()
        self._closed = False
        self._ready = False  # the consumer (the worker) has its tracker loaded
        self._markers_pending = 0  # markers put but not yet handled by the consumer
        self.dropped = 0

    def put(self, item: Grabbed) -> None:
        """Offer a frame; replaces a frame still waiting after the last marker."""
        with self._cond:
            if self._items and isinstance(self._items[-1], Grabbed):
                self._items[-1] = item
                self.dropped += 1
            else:
                self._items.append(item)
            self._cond.notify()

    def put_marker(self, marker: Marker) -> None:
        """Markers are kept, but never pile up: a second one merges with one still waiting
        (the frames between them are stale), STREAM_END winning over CLIP_END."""
        with self._cond:
            pending = next((i for i, it in enumerate(self._items) if isinstance(it, Marker)), None)
            if pending is None:
                self._items.append(marker)
                self._markers_pending += 1
            else:
                merged = Marker.STREAM_END if Marker.STREAM_END in (marker, self._items[pending]) else marker
                stale = len(self._items) - pending - 1
                self.dropped += stale
                for _ in range(stale):
                    self._items.pop()
                self._items[pending] = merged
            self._cond.notify()

    def take(self, timeout: float = 0.1) -> Grabbed | Marker | None:
        """The oldest waiting item (frames are always the newest), or None after `timeout` or close."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._items and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)
            if not self._items:
                return None
            return self._items.popleft()

    def set_ready(self) -> None:
        """The consumer can take frames now."""
        with self._cond:
            self._ready = True
            self._cond.notify_all()

    def marker_done(self) -> None:
        """The consumer finished handling a marker (e.g. reset its tracker for the next pass)."""
        with self._cond:
            self._markers_pending = max(0, self._markers_pending - 1)
            self._cond.notify_all()

    def wait_for_consumer(self, stop: threading.Event, poll: float = 0.1) -> bool:
        """Block until the consumer is ready and has handled every marker (a file's next pass then
        starts at its first frame instead of being dropped while the tracker restarts).
        False when `stop` is set or the mailbox is closed."""
        with self._cond:
            while not (self._ready and self._markers_pending == 0):
                if self._closed or stop.is_set():
                    return False
                self._cond.wait(poll)
            return not stop.is_set()

    def close(self) -> None:
        """Wake a waiting taker; later `take` calls return at once."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)
