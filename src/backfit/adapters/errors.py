"""Errors of the video and pose-model adapters (importable without mediapipe or PyAV)."""

from __future__ import annotations


class VideoInputError(ValueError):
    """Base class: the input cannot be analysed as a video of a person."""


class NotAVideoError(VideoInputError):
    """The file is not a video PyAV can decode."""


class TruncatedVideoError(VideoInputError):
    """The file is a video container that is cut short or corrupt."""


class NoPersonError(VideoInputError):
    """The pose model found nobody in the video."""


class PartlyInFrameError(VideoInputError):
    """A person is there, but the landmarks the analysis needs are mostly outside the frame."""


class PoseModelUnavailableError(RuntimeError):
    """The bundled pose model files are missing or do not match their pinned checksums."""
