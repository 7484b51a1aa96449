"""Undo what `import cv2` does to Qt's environment, before any QApplication exists.

opencv-python ships its own Qt build and, on import, points QT_QPA_PLATFORM_PLUGIN_PATH
(and QT_QPA_FONTDIR) at it. PySide6 then loads OpenCV's platform plugins, which do not
match its Qt, and the window fails to open on a real display ("Could not load the Qt
platform plugin xcb"). So: import cv2 first (it is imported by the core anyway, so its
change is certain to have happened), then drop those variables if they point into cv2.
"""

from __future__ import annotations

import os
from pathlib import Path

CV2_QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")


def _inside(path: str, folder: Path) -> bool:
    try:
        Path(path).resolve().relative_to(folder)
    except (ValueError, OSError):
        return False
    return True


def prepare_qt_environment() -> list[str]:
    """Import cv2, then remove the Qt variables it set to its own folder. Returns the removed names.

    Call before creating the QApplication. Variables the user set to other folders are kept.
    """
    import cv2  # noqa: F401  (the import itself is what changes os.environ)

    cv2_dir = Path(cv2.__file__).resolve().parent
    removed = []
    for var in CV2_QT_VARIABLES:
        value = os.environ.get(var)
        if value and _inside(value, cv2_dir):
            del os.environ[var]
            removed.append(var)
    return removed
