"""The bundled Arabic font (Noto Sans Arabic, OFL), loaded so text looks the same everywhere.

Qt shapes Arabic itself (joining forms, right-to-left runs): widgets get plain Unicode
strings, never pre-reshaped ones.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from arsl_desktop import paths

log = logging.getLogger(__name__)

FONT_FILES = ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf")
ARABIC_FAMILY = "Noto Sans Arabic"
_loaded: list[str] | None = None


def load_fonts() -> list[str]:
    """Register the bundled fonts with Qt (once); returns the families that loaded."""
    global _loaded
    if _loaded is not None:
        return _loaded
    families: list[str] = []
    for name in FONT_FILES:
        path = paths.resource("fonts", name)
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("could not load bundled font %s; Arabic falls back to a system font", path)
            continue
        families += [f for f in QFontDatabase.applicationFontFamilies(font_id) if f not in families]
    _loaded = families
    return families


def arabic_font(point_size: float, bold: bool = False) -> QFont:
    """The bundled Arabic font first, then the system UI font for anything it lacks."""
    base = QGuiApplication.font()
    font = QFont(base)
    font.setFamilies([ARABIC_FAMILY, *base.families()])
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def apply_app_font() -> None:
    """Make the bundled Arabic font the first choice for every widget."""
    load_fonts()
    QGuiApplication.setFont(arabic_font(QGuiApplication.font().pointSizeF()))
