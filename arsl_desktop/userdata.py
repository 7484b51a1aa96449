"""Writing into the user-data folder: atomically, and with a clear message when it is unusable.

A file is written to a temporary file in the same folder and then moved over the old one
(`os.replace`), so a crash or a full disk never leaves half a settings file or transcript.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from arsl_desktop import paths


def atomic_write_text(path: Path, text: str, durable: bool = True) -> None:
    """Write `text` (UTF-8) to `path` atomically; raises OSError (the old file is then untouched).
    `durable` also waits for the disk (fsync): for transcripts; settings, written on every slider
    step, skip the wait (still never half-written) so the window never stalls on a busy disk."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def describe(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


def user_data_problem() -> str | None:
    """Why the user-data folder cannot be used (it is a file, read-only, ...), or None if it can."""
    root = paths.user_data_root()
    try:
        folder = paths.user_data_dir()
        atomic_write_text(folder / ".write-test", "ok\n")
        os.unlink(folder / ".write-test")
    except OSError as exc:
        return (f"The user-data folder {root} cannot be used ({describe(exc)}): settings and autosaved "
                "transcripts cannot be kept. Set ARSL_USER_DATA to a writable folder.")
    return None
