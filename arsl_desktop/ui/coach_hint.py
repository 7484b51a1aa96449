"""The camera coach's hint over the video: one short line at a time, never blocking.

The worker's `Recognizer` computes the coach (`core/coach.py`) on every frame; the controller
passes on its most important code, or None while a sign is being made (`coach_changed`), and
this label says it near the bottom of the picture, in the interface's language and direction.
It ignores the mouse, so it never covers a button. A message panel (errors, "video ended")
takes precedence: the hint hides while one is up.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QWidget

from arsl_desktop.ui.i18n import tr

BOTTOM_GAP = 14  # pixels between the hint and the picture's bottom edge


def hint_text(code: str) -> str:
    """The user's words for a coach code (`too_dark` -> "Too dark — add light in front of you")."""
    return tr(f"coach_{code}")


def check_text(code: str | None, seen: bool) -> str:
    """The Teach dialog's "get ready" line: waiting for a picture, ready, or the hint."""
    if not seen:
        return tr("coach_waiting")
    return tr("coach_ready") if code is None else tr("coach_check", hint=hint_text(code))


class CoachHint(QLabel):
    """A rounded, semi-transparent strip; `set_code(None)` hides it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, objectName="coachHint")
        self.code: str | None = None
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setStyleSheet("#coachHint { background: rgba(180, 90, 0, 215); color: white; border-radius: 8px;"
                           " padding: 6px 14px; font-size: 12pt; font-weight: bold; }")
        self.hide()

    def set_code(self, code: str | None) -> None:
        self.code = code
        self.retranslate()

    def retranslate(self) -> None:
        if self.code is not None:
            self.setText(hint_text(self.code))

    def place(self, picture: QRectF, blocked: bool) -> None:
        """Show the hint (if there is one and nothing blocks it) near the bottom of `picture`."""
        area = self.parentWidget().rect() if picture.isEmpty() else picture.toAlignedRect()
        if self.code is None or blocked:
            self.hide()
            return
        width = max(160, min(area.width() - 24, 620))
        self.setFixedWidth(width)
        height = self.heightForWidth(width)
        if height <= 0:
            height = self.sizeHint().height()
        self.setGeometry(area.left() + (area.width() - width) // 2,
                         max(area.top() + 4, area.bottom() - height - BOTTOM_GAP), width, height)
        self.show()
        self.raise_()
