"""Video decoding and encoding with PyAV (the only module besides pose_model that touches video libraries)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from numpy.typing import NDArray

from backfit.adapters.errors import NotAVideoError, TruncatedVideoError

Image = NDArray[np.uint8]

_SIGNATURES = (b"ftyp", b"\x1aE\xdf\xa3", b"RIFF", b"moov", b"mdat", b"free", b"wide")


def _looks_like_video(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(16)
    return any(sig in head for sig in _SIGNATURES)


@dataclass(frozen=True)
class VideoInfo:
    width: int  # after rotation
    height: int
    fps: float
    duration_s: float | None
    rotation: int  # degrees, as stored in the file's display matrix

    @property
    def aspect(self) -> float:
        return self.width / self.height


def _open(path: Path) -> av.container.InputContainer:
    if not path.is_file():
        raise NotAVideoError(f"{path}: no such file")
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as exc:
        if _looks_like_video(path):
            raise TruncatedVideoError(f"{path.name}: the video is cut short or corrupt ({exc.strerror})") from exc
        raise NotAVideoError(f"{path.name}: not a video file") from exc
    if not container.streams.video:
        container.close()
        raise NotAVideoError(f"{path.name}: the file has no video stream")
    return container


def probe(path: Path) -> VideoInfo:
    """Size, frame rate, duration and rotation of the first video stream."""
    with _open(path) as container:
        stream = container.streams.video[0]
        rotation = 0
        for frame in container.decode(stream):
            rotation = int(getattr(frame, "rotation", 0) or 0) % 360
            break
        w, h = stream.codec_context.width, stream.codec_context.height
        if rotation in (90, 270):
            w, h = h, w
        fps = float(stream.average_rate) if stream.average_rate else 30.0
        duration = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else None
        return VideoInfo(w, h, fps, duration, rotation)


def iter_frames(path: Path, start_s: float | None = None, end_s: float | None = None) -> Iterator[tuple[float, Image]]:
    """Decoded RGB frames ``(height, width, 3)`` uint8 with their presentation time in seconds, rotation applied.

    With ``start_s`` / ``end_s``, only frames with ``start_s <= t < end_s`` (decoding starts at the key frame
    before ``start_s``). Raises :class:`NotAVideoError`, or :class:`TruncatedVideoError` when decoding breaks
    off (after yielding the frames that could be decoded).
    """
    with _open(path) as container:
        stream = container.streams.video[0]
        base = stream.time_base or Fraction(1, 1000)
        last_t = -np.inf
        decoded = 0
        try:
            if start_s:
                container.seek(int(start_s / base), stream=stream, backward=True, any_frame=False)
            for frame in container.decode(stream):
                if frame.pts is None:
                    continue
                t = float(frame.pts * base)
                if t <= last_t:
                    continue
                last_t = t
                if start_s is not None and t < start_s:
                    continue
                if end_s is not None and t >= end_s:
                    break
                img: Image = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
                rotation = int(getattr(frame, "rotation", 0) or 0) % 360
                if rotation:
                    img = np.ascontiguousarray(np.rot90(img, k=rotation // 90))
                decoded += 1
                yield t, img
        except av.error.FFmpegError as exc:
            raise TruncatedVideoError(f"{path.name}: decoding stopped after {decoded} frames ({exc.strerror})") from exc
        if decoded == 0 and start_s is None:
            raise TruncatedVideoError(f"{path.name}: no frame could be decoded")


def write_video(path: Path, frames: Iterator[Image], fps: float, codec: str = "libx264") -> int:
    """Encode RGB frames ``(height, width, 3)`` to ``path``; returns the number of frames written."""
    count = 0
    with av.open(str(path), mode="w") as out:
        stream: Any = out.add_stream(codec, rate=Fraction(fps).limit_denominator(1000))
        stream.pix_fmt = "yuv420p"
        for img in frames:
            if count == 0:
                stream.width, stream.height = img.shape[1] // 2 * 2, img.shape[0] // 2 * 2
            frame = av.VideoFrame.from_ndarray(
                np.ascontiguousarray(img[: stream.height, : stream.width]), format="rgb24"
            )
            for packet in stream.encode(frame):
                out.mux(packet)
            count += 1
        for packet in stream.encode():
            out.mux(packet)
    return count
