"""Typed errors -> what the video view says, in the interface language, and which buttons fix it."""

from __future__ import annotations

from dataclasses import dataclass

from arsl_desktop.core.errors import (
    ArslError,
    CameraLost,
    CameraUnavailable,
    ModelIncompatible,
    ModelNotFound,
    SourceUnreadable,
)
from arsl_desktop.ui.i18n import isolate, tr


@dataclass(frozen=True)
class ViewMessage:
    key: str  # i18n key of the main text (also what tests look for)
    values: tuple[tuple[str, object], ...] = ()
    detail: str = ""  # the core's own message (English), shown smaller under the text
    retry: bool = False
    choose_model: bool = False
    open_video: bool = False
    retry_key: str = "retry"

    def text(self) -> str:
        return tr(self.key, **dict(self.values))

    def detail_text(self) -> str:
        return tr("details", detail=isolate(self.detail)) if self.detail else ""


def for_error(error: BaseException) -> ViewMessage:
    """The message for an error from the source, the tracker or the model.

    The panel's own sentence already says what a camera error's message says (in the interface
    language), so Details holds only the technical reason the camera errors carry apart.
    """
    detail = str(error)
    if isinstance(error, CameraUnavailable):
        return ViewMessage("err_camera_unavailable", (("n", error.index),), error.detail, retry=True, open_video=True)
    if isinstance(error, CameraLost):
        return ViewMessage("err_camera_lost", (), error.detail, retry=True, open_video=True)
    if isinstance(error, SourceUnreadable):
        return ViewMessage("err_source_unreadable", (), detail, retry=True, open_video=True)
    if isinstance(error, ModelNotFound):
        return ViewMessage("err_model_not_found", (), detail, choose_model=True)
    if isinstance(error, ModelIncompatible):
        return ViewMessage("err_model_incompatible", (), detail, choose_model=True)
    if isinstance(error, ArslError):
        return ViewMessage("err_tracker", (), detail, retry=True)
    return ViewMessage("err_tracker", (), f"{error.__class__.__name__}: {error}", retry=True)
