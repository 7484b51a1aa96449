"""Optional system libraries: a test that needs one skips, naming the Debian package, when it is missing.

The app runs without them and says so (Speak is off with the reason; the camera picker lists the
remembered camera); only the tests that exercise them need them.
"""

from __future__ import annotations

import importlib

import pytest

# Qt modules whose system libraries are optional, with the Debian packages that bring them
OPTIONAL_QT = {
    "QtTextToSpeech": "libpulse0 (speech-dispatcher and espeak-ng for a voice)",
    "QtMultimedia": "libpulse0",
}


def import_optional_qt(module: str):
    """PySide6.<module>, or skip the calling test naming the package to install."""
    try:
        return importlib.import_module(f"PySide6.{module}")
    except ImportError as exc:
        pytest.skip(f"PySide6.{module} cannot load on this machine ({exc}); "
                    f"apt-get install {OPTIONAL_QT[module]} to run this test")
