"""The live picture: the processed frame, its landmark overlays, and messages over it.

Painting uses the frame the landmarks were computed on, so overlays always sit on the
body. Mirroring flips only what is shown; recognition always sees the camera's frame.
A message (an error, "Step into view…", "video ended") is shown in a panel over the
picture with the buttons that fix it (Retry, Choose model…, Open video…); the camera coach's
hint (`coach_hint.CoachHint`) is a line near the picture's bottom, hidden while a message is up.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from arsl_desktop.core.landmarks import Keypoints
from arsl_desktop.core.sources import Frame
from arsl_desktop.ui.coach_hint import CoachHint
from arsl_desktop.ui.i18n import tr
from arsl_desktop.ui.overlays import OverlayOptions, draw_keypoints


class MessagePanel(QFrame):
    retry = Signal()
    choose_model = Signal()
    open_video = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("messagePanel")
        self.setStyleSheet("#messagePanel { background: rgba(20, 20, 28, 232); border-radius: 10px; }"
                           "QLabel { color: white; } QLabel#detail { color: #bbbbbb; }")
        self.text = QLabel(wordWrap=True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel(wordWrap=True, objectName="detail")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton()
        self.model_button = QPushButton()
        self.video_button = QPushButton()
        self.retry_button.clicked.connect(self.retry)
        self.model_button.clicked.connect(self.choose_model)
        self.video_button.clicked.connect(self.open_video)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for b in (self.retry_button, self.model_button, self.video_button):
            buttons.addWidget(b)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        self.hide()


class VideoView(QWidget):
    """Shows frames with overlays; `show_message` puts a panel with actions over them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self._frame: Frame | None = None
        self._keypoints: Keypoints | None = None
        self.mirror = False
        self.options = OverlayOptions()
        self.panel = MessagePanel(self)
        self.message_key: str | None = None  # which message is up (tests and retranslation)
        self.hint = CoachHint(self)

    def sizeHint(self) -> QSize:
        return QSize(640, 480)

    # -- content ----------------------------------------------------------------------------
    def set_frame(self, frame: Frame, keypoints: Keypoints | None) -> None:
        resized = self._frame is None or self._frame.image.shape != frame.image.shape
        self._frame, self._keypoints = frame, keypoints
        if resized:
            self._place_hint()
        self.update()

    def show_hint(self, code: str | None) -> None:
        """The camera coach's hint (a `core.coach` code), or None for none."""
        self.hint.set_code(code)
        self._place_hint()

    def _place_hint(self) -> None:
        self.hint.place(self.image_rect(), blocked=self.panel.isVisible())

    @property
    def has_frame(self) -> bool:
        return self._frame is not None

    def clear_frame(self) -> None:
        self._frame = self._keypoints = None
        self.update()

    def show_message(self, key: str, text: str, detail: str = "", retry: bool = False,
                     choose_model: bool = False, open_video: bool = False) -> None:
        self.message_key = key
        p = self.panel
        p.text.setText(text)
        p.detail.setText(detail)
        p.detail.setVisible(bool(detail))
        p.retry_button.setVisible(retry)
        p.model_button.setVisible(choose_model)
        p.video_button.setVisible(open_video)
        p.show()
        p.raise_()
        self._place_panel()
        self._place_hint()

    def show_view_message(self, message) -> None:
        """Show a `messages.ViewMessage` (texts in the current language), or hide the panel for None."""
        if message is None:
            self.hide_message()
            return
        self.show_message(message.key, message.text(), message.detail_text(), retry=message.retry,
                          choose_model=message.choose_model, open_video=message.open_video)
        p = self.panel
        p.retry_button.setText(tr(message.retry_key))
        p.model_button.setText(tr("choose_model"))
        p.video_button.setText(tr("open_video"))

    def hide_message(self, key: str | None = None) -> None:
        """Hide the panel (only if it shows `key`, when given)."""
        if key is None or key == self.message_key:
            self.message_key = None
            self.panel.hide()
            self._place_hint()

    def _place_panel(self) -> None:
        w = min(self.width() - 24, 560)
        self.panel.setFixedWidth(max(w, 200))
        h = self.panel.heightForWidth(self.panel.width())  # wrapped text: height follows the width
        if h <= 0:
            h = self.panel.sizeHint().height()
        self.panel.setGeometry((self.width() - self.panel.width()) // 2, max(12, (self.height() - h) // 2),
                               self.panel.width(), h)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.panel.isVisible():
            self._place_panel()
        self._place_hint()

    # -- painting ---------------------------------------------------------------------------
    def image_rect(self) -> QRectF:
        """Where the frame is drawn: as large as fits, aspect kept, centred."""
        if self._frame is None:
            return QRectF()
        h, w = self._frame.image.shape[:2]
        s = min(self.width() / w, self.height() / h)
        return QRectF((self.width() - w * s) / 2, (self.height() - h * s) / 2, w * s, h * s)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(18, 18, 22))
        frame = self._frame
        if frame is None:
            return
        img = frame.image
        h, w = img.shape[:2]
        qimg = QImage(img.data, w, h, img.strides[0], QImage.Format.Format_RGB888)
        target = self.image_rect()
        scale = target.width() / w
        painter.save()
        painter.translate(target.left(), target.top())
        painter.scale(scale, scale)
        if self.mirror:
            painter.translate(w, 0)
            painter.scale(-1, 1)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(0, 0, qimg)
        if self._keypoints is not None:
            draw_keypoints(painter, self._keypoints, self.options, scale)
        painter.restore()
