"""The window's toggles and slider, bound to the settings: mirror, overlays, speech, threshold.

Restores them from the settings at start, applies every change to the video view, the
controller or the speaker, and saves it. Speak cannot be switched on without an engine: the
status bar then says why.
"""

from __future__ import annotations

from PySide6.QtWidgets import QStatusBar

from arsl_desktop.ui.actions import WindowActions
from arsl_desktop.ui.i18n import tr
from arsl_desktop.ui.overlays import OverlayOptions
from arsl_desktop.ui.settings import AppSettings
from arsl_desktop.ui.speech import Speaker
from arsl_desktop.ui.video_view import VideoView

VIEW_FLAGS = ("mirror", "hands", "arms", "face")


class OptionsBinder:
    def __init__(self, actions: WindowActions, settings: AppSettings, video: VideoView, controller,
                 speaker: Speaker, status: QStatusBar) -> None:
        self.actions, self.settings, self.video = actions, settings, video
        self.controller, self.speaker, self.status = controller, speaker, status
        for name in VIEW_FLAGS:
            actions[name].toggled.connect(self.apply_view)
        actions["loop"].toggled.connect(controller.set_loop)
        actions["speak"].toggled.connect(self._on_speak)
        actions.threshold_slider.valueChanged.connect(self.apply_threshold)

    def restore(self) -> None:
        s, a = self.settings, self.actions
        saved = {name: s.flag(name, True) for name in VIEW_FLAGS}  # read all first: each setChecked saves all
        for name, on in saved.items():
            a[name].setChecked(on)
        a["loop"].setChecked(self.controller.loop)
        a.threshold_slider.setValue(round(s.threshold * 100))
        a["speak"].setChecked(self.speaker.available and s.flag("speak", False))
        self.apply_view()

    def apply_view(self, *_: object) -> None:
        a = self.actions
        self.video.mirror = a["mirror"].isChecked()
        self.video.options = OverlayOptions(a["hands"].isChecked(), a["arms"].isChecked(), a["face"].isChecked())
        for name in VIEW_FLAGS:
            self.settings.set_flag(name, a[name].isChecked())
        self.video.update()

    def apply_threshold(self, value: int | None = None) -> None:
        value = self.actions.threshold_slider.value() if value is None else value
        self.actions.threshold_label.setText(tr("threshold", p=value) + " ")
        self.controller.set_threshold(value / 100)

    def speech_failed(self) -> None:
        """The engine would not start when a sign was to be spoken: switch Speak off and say why."""
        self.actions["speak"].setChecked(False)
        self.status.showMessage(self.speaker.unavailable_text(), 8000)

    def _on_speak(self, on: bool) -> None:
        if on and not self.speaker.available:
            self.speech_failed()  # say why instead of pretending to speak
            return
        self.settings.set_flag("speak", on)
