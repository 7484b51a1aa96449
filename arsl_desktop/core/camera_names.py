"""Camera names the operating system gives, without Qt and without opening any camera.

The window's camera picker asks QtMultimedia first; where that module is missing or has no
backend (the pruned installer bundle drops Qt's multimedia plugins) it falls back to this.

Linux: every V4L2 device node has a folder `/sys/class/video4linux/videoN` with `name` (the
driver's description, e.g. "HD Webcam: HD Webcam") and `index` (which node of that device this
is). A UVC webcam usually creates two nodes, the picture (`index` 0) and a metadata stream
(`index` 1) that OpenCV cannot read frames from, so only nodes with index 0 are listed. N is what
`cv2.VideoCapture(N)` opens. Reading sysfs opens no device. Other systems: no names (an empty list).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

SYSFS_VIDEO4LINUX = Path("/sys/class/video4linux")
_NODE = re.compile(r"video(\d+)$")


@dataclass(frozen=True)
class SystemCamera:
    index: int  # what OpenCV opens: N of /dev/videoN
    name: str  # the driver's description ("" when sysfs has none)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def _dedupe_name(name: str) -> str:
    """UVC drivers often repeat the product: "HD Webcam: HD Webcam" -> "HD Webcam"."""
    head, sep, tail = name.partition(": ")
    return head if sep and head.strip() == tail.strip() else name


def linux_cameras(root: Path | None = None) -> list[SystemCamera]:
    """Capture nodes under `root` (default /sys/class/video4linux), sorted by index.

    A node whose `index` file says anything but 0 is a second node of a device listed already
    (metadata, or another stream of a capture card) and is left out; a node without an `index`
    file (older kernels) is kept.
    """
    root = SYSFS_VIDEO4LINUX if root is None else root
    try:
        entries = list(root.iterdir())
    except OSError:  # no V4L2 at all (no cameras, a container, not Linux)
        return []
    found = []
    for entry in entries:
        m = _NODE.fullmatch(entry.name)
        if m is None:
            continue
        node_index = _read(entry / "index")
        if node_index not in (None, "0"):
            continue
        found.append(SystemCamera(int(m.group(1)), _dedupe_name(_read(entry / "name") or "")))
    return sorted(found, key=lambda c: c.index)


def system_cameras(root: Path | None = None) -> list[SystemCamera]:
    """The cameras the operating system names: V4L2 on Linux, nothing elsewhere."""
    if sys.platform.startswith("linux") or root is not None:
        return linux_cameras(root)
    return []
