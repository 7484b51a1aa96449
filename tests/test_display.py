"""Issue 11, fault 1: without a display (or without Qt's system libraries) the window died with
status 134 and nothing on stderr, and the self-check said "OK Qt". Now: one clear line, exit 1,
and the self-check really starts the platform plugin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from arsl_desktop import qt_platform, selfcheck

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("env, problem", [
    ({}, "no display"),
    ({"QT_QPA_PLATFORM": "xcb"}, "no display"),
    ({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}, None),
    ({"WAYLAND_DISPLAY": "wayland-0"}, None),
    ({"QT_QPA_PLATFORM": "wayland"}, "WAYLAND_DISPLAY is not set"),
    ({"QT_QPA_PLATFORM": "offscreen"}, None),
])
def test_display_problem_on_linux(env, problem):
    found = qt_platform.display_problem(env, "linux")
    assert (found is None) if problem is None else (problem in found)


def test_display_problem_only_concerns_linux():
    assert qt_platform.display_problem({}, "win32") is None


def _window(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-m", "arsl_desktop", "--video", str(tmp_path / "clip.mp4")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**base, "ARSL_USER_DATA": str(tmp_path / "u"), **env})


def test_window_without_display_says_so_and_exits_1(tmp_path):
    proc = _window({"QT_QPA_PLATFORM": "xcb"}, tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "arsl-desktop: error: the window cannot open: no display (DISPLAY is not set). Run it in a desktop "
        "session, or under Xvfb (xvfb-run arsl-desktop ...). The headless commands still work: "
        "arsl-desktop recognize / transcribe."]


def test_qt_fatal_error_reaches_stderr_and_exits_1(tmp_path):
    """DISPLAY names a display that does not exist (or Qt's xcb libraries are missing): Qt gives up
    inside QApplication. Its reason must reach the terminal and the status must not be an abort."""
    proc = _window({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":187"}, tmp_path)
    assert proc.returncode == 1, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("arsl-desktop: error: the window cannot open: Qt could not start its platform plugin (")
    assert "xcb" in last and "Traceback" not in proc.stderr


def test_probe_starts_the_plugin_in_a_child_process(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    ok, detail = qt_platform.probe()
    assert ok and detail.startswith("platform plugin 'offscreen' started (PySide6 ")


def test_self_check_fails_qt_without_a_display(monkeypatch, capsys):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    report = selfcheck.Report()
    assert not report.check("Qt", selfcheck._qt_plugin)
    assert "FAIL  Qt: the window cannot open: no display" in capsys.readouterr().out


def test_self_check_reports_what_qt_said_when_the_plugin_cannot_start(monkeypatch, capsys):
    monkeypatch.setenv("DISPLAY", ":187")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    report = selfcheck.Report()
    assert not report.check("Qt", selfcheck._qt_plugin)
    out = capsys.readouterr().out
    assert "FAIL  Qt: the window cannot open: Qt could not start its platform plugin (" in out
    assert report.failures == ["Qt"]
