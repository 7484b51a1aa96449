"""Keep MediaPipe's native INFO/WARNING chatter off the user's terminal.

MediaPipe's C++ code logs through absl before `absl::InitializeLog()`, which Python cannot
configure, so lines like `W0000 ... inference_feedback_manager.cc:114] ...` would surround
our one-line error messages. The process's fd 2 is routed through a pipe whose reader drops
those lines and forwards everything else; Python's own `sys.stderr` writes straight to the
original stream. Installed by the command line and the window, never by library code.
"""

from __future__ import annotations

import atexit
import io
import os
import re
import sys
import threading

_CHATTER = re.compile(rb"^(?:[IW]\d{4} [\d:.]+ +\d+ \S+:\d+\]|INFO: Created TensorFlow Lite"
                      rb"|WARNING: All log messages before absl::InitializeLog"
                      rb"|(?:INFO|WARNING): \[[\w.]+:\d+\] |WARNING: Logging before InitGoogle)")
_installed = False


def is_chatter(line: bytes) -> bool:
    """True for MediaPipe/absl/TFLite informational lines (errors and fatals still pass)."""
    return bool(_CHATTER.match(line))


def _pump(read_fd: int, out_fd: int) -> None:
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        pending = b""
        while chunk := pipe.read(65536):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if not is_chatter(line):
                    os.write(out_fd, line + b"\n")
        if pending and not is_chatter(pending):
            os.write(out_fd, pending)


def install() -> None:
    """Filter native stderr for the rest of the process (idempotent). ARSL_DEBUG=1 skips it."""
    global _installed
    if _installed or os.environ.get("ARSL_DEBUG"):
        return
    try:
        sys.stderr.flush()
        original = os.dup(2)
    except (OSError, ValueError, AttributeError):
        return  # no real stderr (windowed launch): nothing to filter
    read_fd, write_fd = os.pipe()
    os.dup2(write_fd, 2)
    os.close(write_fd)
    sys.stderr = io.TextIOWrapper(os.fdopen(original, "wb", buffering=0), encoding="utf-8",
                                  errors="backslashreplace", line_buffering=True, write_through=True)
    reader = threading.Thread(target=_pump, args=(read_fd, original), name="native-log-filter", daemon=True)
    reader.start()

    def _drain() -> None:
        os.dup2(original, 2)  # closes the pipe's last writer, so the reader sees EOF and drains
        reader.join(timeout=1.0)

    atexit.register(_drain)
    _installed = True
