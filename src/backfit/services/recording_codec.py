"""A set's landmark recording as compact bytes (pure numpy, no database, no web).

A recording is ``times`` ``(frames,)`` float32 seconds from its first frame (strictly
increasing, the first 0) and ``landmarks`` ``(frames, 33, 4)`` float16 (normalised x, y,
depth z, visibility; NaN rows: nobody seen). Stored, both are little-endian raw arrays:
4 bytes a frame for the time and 264 for the landmarks, about 0.5 MB a minute at 30 frames/s.

:func:`quantize` turns incoming frames into exactly the values a stored recording decodes to,
so that live analysis, the rebuild after a reconnect and the replay all see the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from backfit.pose.filters import clip_values

POINTS = 33
TIME_DTYPE = np.dtype("<f4")
LANDMARK_DTYPE = np.dtype("<f2")
FRAME_BYTES = POINTS * 4 * LANDMARK_DTYPE.itemsize + TIME_DTYPE.itemsize
"""Stored bytes per frame (landmarks and time)."""
LANDMARK_LIMIT = 60000.0
"""Landmark values are clipped to +-this before the float16 cast (its largest finite value is 65504)."""


class RecordingError(ValueError):
    """Bytes that are not a recording (lengths that do not fit, times that do not increase)."""


@dataclass(frozen=True)
class Recording:
    """Frames of one set: ``offsets`` ``(n,)`` float32 s from ``t0``; ``landmarks`` ``(n, 33, 4)`` float16.

    ``t0`` is the first frame's time on the source's clock (seconds; the browser's monotonic
    clock for live sets, the video's time for files).
    """

    t0: float
    offsets: NDArray[np.float32]
    landmarks: NDArray[np.float16]

    @property
    def frames(self) -> int:
        return int(self.offsets.shape[0])

    @property
    def duration_s(self) -> float:
        return float(self.offsets[-1]) if self.frames else 0.0

    def times(self) -> NDArray[np.float64]:
        """The frames' times on the source's clock, float64 seconds: ``t0`` + offset."""
        return self.t0 + self.offsets.astype(np.float64)

    def frames64(self) -> NDArray[np.float64]:
        """The landmarks ``(n, 33, 4)`` as float64, as the analyzer takes them."""
        return self.landmarks.astype(np.float64)


def quantize_offsets(offsets: NDArray[Any], after: float | None = None) -> NDArray[np.float32]:
    """Offsets (s) as float32, forced to increase strictly (and past ``after``, the previous stored offset)."""
    out = np.asarray(offsets, dtype=np.float64).astype(TIME_DTYPE)
    last = np.float32(after) if after is not None else None
    for i in range(out.shape[0]):
        if last is not None and out[i] <= last:
            out[i] = np.nextafter(last, np.float32(np.inf))
        last = out[i]
    return out


def quantize_landmarks(frames: NDArray[Any]) -> NDArray[np.float16]:
    """Frames ``(n, 33, 4)`` as float16 (clipped to :data:`LANDMARK_LIMIT`; NaN stays NaN)."""
    data = np.asarray(frames, dtype=np.float64)
    if data.ndim != 3 or data.shape[1:] != (POINTS, 4):
        raise RecordingError(f"landmarks must have shape (frames, {POINTS}, 4), not {data.shape}")
    quantized: NDArray[np.float16] = clip_values(data, -LANDMARK_LIMIT, LANDMARK_LIMIT).astype(LANDMARK_DTYPE)
    return quantized


def encode_times(offsets: NDArray[np.float32]) -> bytes:
    return np.ascontiguousarray(offsets, dtype=TIME_DTYPE).tobytes()


def encode_landmarks(landmarks: NDArray[np.float16]) -> bytes:
    return np.ascontiguousarray(landmarks, dtype=LANDMARK_DTYPE).tobytes()


def decode_times(raw: bytes) -> NDArray[np.float32]:
    if len(raw) % TIME_DTYPE.itemsize:
        raise RecordingError(f"times of {len(raw)} bytes are not float32 values")
    return np.frombuffer(raw, dtype=TIME_DTYPE).copy()


def decode_landmarks(raw: bytes) -> NDArray[np.float16]:
    size = POINTS * 4 * LANDMARK_DTYPE.itemsize
    if len(raw) % size:
        raise RecordingError(f"landmarks of {len(raw)} bytes are not whole frames of {size} bytes")
    return np.frombuffer(raw, dtype=LANDMARK_DTYPE).reshape(-1, POINTS, 4).copy()


def decode(t0: float, times: bytes, landmarks: bytes) -> Recording:
    """The recording stored as ``times`` and ``landmarks`` bytes (raises :class:`RecordingError`)."""
    offsets, marks = decode_times(times), decode_landmarks(landmarks)
    if offsets.shape[0] != marks.shape[0]:
        raise RecordingError(f"{offsets.shape[0]} times for {marks.shape[0]} frames of landmarks")
    if offsets.shape[0] and (not np.isfinite(offsets).all() or (np.diff(offsets) <= 0).any()):
        raise RecordingError("the times of a recording must be finite and strictly increasing")
    return Recording(float(t0), offsets, marks)


def concatenate(t0: float, parts: list[Recording]) -> Recording:
    """Parts of one recording (each with offsets from the same ``t0``), in order, as one."""
    if not parts:
        return Recording(t0, np.zeros(0, TIME_DTYPE), np.zeros((0, POINTS, 4), LANDMARK_DTYPE))
    return Recording(t0, np.concatenate([p.offsets for p in parts]), np.concatenate([p.landmarks for p in parts]))


def from_arrays(times: NDArray[Any], frames: NDArray[Any]) -> Recording:
    """A recording of frames ``(n, 33, 4)`` at ``times`` ``(n,)`` seconds (quantized)."""
    t = np.asarray(times, dtype=np.float64)
    t0 = float(t[0]) if t.shape[0] else 0.0
    return Recording(t0, quantize_offsets(t - t0), quantize_landmarks(frames))
