"""Can the window open here? Answered before any QApplication exists, without importing Qt.

Without a display (or without the system libraries Qt's xcb plugin needs) Qt calls qFatal and
aborts the process: exit status 134, and its explanation was lost in the native-log pipe. So
the window first checks the environment (`display_problem`, instant), and the self-check
really starts the platform plugin in a child process (`probe`), which cannot take this
process down with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

from arsl_desktop import paths

PROBE_FLAG = "--qt-probe"  # hidden option: start Qt's platform plugin, print its name, exit
HEADLESS_HINT = "The headless commands still work: arsl-desktop recognize / transcribe."
LIBS_HINT = ("Install Qt's system libraries (Debian/Ubuntu: libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 "
             "libxkbcommon-x11-0)")


def requested_platform(env: Mapping[str, str] | None = None) -> str:
    """The platform plugin Qt will try first ('' = Qt's default for this system)."""
    env = os.environ if env is None else env
    value = env.get("QT_QPA_PLATFORM", "")
    return value.split(";")[0].split(":")[0].strip().lower()


def display_problem(env: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """Why the window cannot open on this Linux session (no display for xcb/wayland), or None."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    plugin = requested_platform(env)
    has_x, has_wayland = bool(env.get("DISPLAY")), bool(env.get("WAYLAND_DISPLAY"))
    if plugin in ("", "xcb") and not has_x and not (plugin == "" and has_wayland):
        return ("the window cannot open: no display (DISPLAY is not set). Run it in a desktop session, "
                "or under Xvfb (xvfb-run arsl-desktop ...). " + HEADLESS_HINT)
    if plugin.startswith("wayland") and not has_wayland:
        return ("the window cannot open: QT_QPA_PLATFORM asks for Wayland but WAYLAND_DISPLAY is not set. "
                + HEADLESS_HINT)
    return None


def fatal_message(qt_message: str) -> str:
    """The one line printed when Qt gives up starting (then the process exits 1, not 134)."""
    first = " ".join(qt_message.split())
    return (f"the window cannot open: Qt could not start its platform plugin ({first}). "
            f"{LIBS_HINT}, or check DISPLAY. {HEADLESS_HINT}")


def probe_command() -> list[str]:
    if paths.is_frozen():
        return [sys.executable, PROBE_FLAG]
    return [sys.executable, "-m", "arsl_desktop", PROBE_FLAG]


def probe(timeout: float = 60.0) -> tuple[bool, str]:
    """Start Qt's platform plugin in a child process: (True, plugin name) or (False, Qt's reason)."""
    problem = display_problem()
    if problem:
        return False, problem
    try:
        proc = subprocess.run(probe_command(), capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "ARSL_DEBUG": "1"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"could not run the Qt probe: {exc}"
    if proc.returncode == 0 and proc.stdout.strip():
        return True, proc.stdout.strip().splitlines()[-1]
    lines = [ln.strip() for ln in proc.stderr.splitlines() if ln.strip()]
    reason = next((ln.split("error: ", 1)[-1] for ln in lines if "cannot open" in ln), None)
    return False, reason or " ".join(lines[-3:]) or f"the Qt probe exited with status {proc.returncode}"
