"""Saving the transcript: Save…, errors shown to the user, asking before quitting with unsaved
signs, and the autosave when the app is terminated (SIGTERM) and no one can be asked."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QStatusBar, QWidget

from arsl_desktop import paths
from arsl_desktop.ui.dialogs import unsaved_box, warning_box
from arsl_desktop.ui.i18n import isolate, tr
from arsl_desktop.ui.transcript import Transcript
from arsl_desktop.userdata import describe


class TranscriptSaver:
    def __init__(self, parent: QWidget, transcript: Transcript, status: QStatusBar) -> None:
        self.parent = parent
        self.transcript = transcript
        self.status = status
        self.last_error_box: QMessageBox | None = None
        self.prompt: QMessageBox | None = None

    def save(self, path: Path) -> bool:
        """Save to `path`; a failure is shown to the user (never only logged)."""
        try:
            self.transcript.save(path)
        except OSError as exc:
            self.last_error_box = warning_box(self.parent, tr("save_transcript").replace("…", ""),
                                              tr("save_failed", detail=isolate(f"{path}: {describe(exc)}")))
            return False
        self.status.showMessage(tr("saved_to", path=isolate(str(path))), 5000)
        return True

    def save_dialog(self) -> bool:
        folder = paths.user_data_root()
        start = folder if folder.is_dir() else Path.home()  # an unusable user-data folder is no start
        path, _ = QFileDialog.getSaveFileName(self.parent, tr("save_transcript"), str(start / "transcript.txt"),
                                              tr("text_files"))
        return self.save(Path(path)) if path else False

    def ask(self, then_close) -> None:
        """Save / Quit without saving / Cancel; `then_close()` runs when the window may close."""
        def answered(button: QMessageBox.StandardButton) -> None:
            if button == QMessageBox.StandardButton.Save and not self.save_dialog():
                return  # not saved (cancelled or failed): stay open
            if button in (QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard):
                then_close()

        self.prompt = unsaved_box(self.parent, answered)

    def autosave(self) -> Path | None:
        """Terminated: save unsaved signs in the user-data folder and say where on stderr; if even
        that fails, print the transcript itself so nothing is lost."""
        if not self.transcript.unsaved:
            return None
        try:
            saved = self.transcript.autosave(paths.autosave_dir())
        except OSError as exc:
            print(f"arsl-desktop: terminated; the transcript could not be saved ({describe(exc)}). It was:\n"
                  f"{self.transcript.as_text()}", file=sys.stderr, end="", flush=True)
            return None
        print(f"arsl-desktop: terminated; the unsaved transcript was saved to {saved}", file=sys.stderr, flush=True)
        return saved
