"""Typed errors raised at the core's boundaries; the UI and CLI turn them into messages."""

from __future__ import annotations


class ArslError(Exception):
    """Base class: its message is written for the user and says what to do next."""


class CameraUnavailable(ArslError):
    def __init__(self, index: int, detail: str = "") -> None:
        self.index = index
        self.detail = detail  # the technical reason alone (the window shows it under its own sentence)
        msg = f"Camera {index} could not be opened"
        msg += f" ({detail})" if detail else ""
        msg += ". Check that it is connected and not used by another program, or pick another camera."
        super().__init__(msg)


class CameraLost(ArslError):
    """A camera that was working stopped delivering frames (unplugged)."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail  # the technical reason alone, without the advice of the message


class SourceUnreadable(ArslError):
    """A video file or frame folder that does not exist or cannot be decoded."""


class ModelNotFound(ArslError):
    pass


class ModelIncompatible(ArslError):
    """The ONNX model was built for another feature schema or interface than this app's."""


class LandmarkerFileError(ArslError):
    """A MediaPipe model file in landmarkers/ that is missing, unreadable or not the shipped one."""


class LabelsError(ArslError):
    pass
