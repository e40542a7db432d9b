"""MediaPipe's 33-landmark layout and validation of landmark arrays.

A pose sequence is a float array of shape ``(frames, 33, 4)``: normalised image
``x`` (0 = left edge, 1 = right edge), ``y`` (0 = top, 1 = bottom, so y points
down), ``z`` (depth relative to the hips, roughly the scale of ``x``) and
``visibility`` (0..1). Timestamps are a float array of shape ``(frames,)`` in
seconds, strictly increasing. A missing landmark is NaN.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

N_LANDMARKS = 33
N_VALUES = 4
X, Y, Z, VIS = 0, 1, 2, 3

NOSE = 0
LEFT_EAR, RIGHT_EAR = 7, 8
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_ELBOW, RIGHT_ELBOW = 13, 14
LEFT_WRIST, RIGHT_WRIST = 15, 16
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_KNEE, RIGHT_KNEE = 25, 26
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
LEFT_HEEL, RIGHT_HEEL = 29, 30
LEFT_FOOT_INDEX, RIGHT_FOOT_INDEX = 31, 32

LEFT_RIGHT_PAIRS: tuple[tuple[int, int], ...] = (
    (1, 4),
    (2, 5),
    (3, 6),
    (7, 8),
    (9, 10),
    (11, 12),
    (13, 14),
    (15, 16),
    (17, 18),
    (19, 20),
    (21, 22),
    (23, 24),
    (25, 26),
    (27, 28),
    (29, 30),
    (31, 32),
)
"""Index pairs (left, right) of landmarks that swap when left and right are confused."""


def _swap_permutation() -> NDArray[np.intp]:
    perm = np.arange(N_LANDMARKS)
    for left, right in LEFT_RIGHT_PAIRS:
        perm[left], perm[right] = right, left
    return perm


SWAP_PERMUTATION = _swap_permutation()
"""Index array that exchanges every left landmark with its right counterpart."""

KEY_LANDMARKS: tuple[int, ...] = (
    LEFT_SHOULDER,
    RIGHT_SHOULDER,
    LEFT_HIP,
    RIGHT_HIP,
    LEFT_KNEE,
    RIGHT_KNEE,
    LEFT_ANKLE,
    RIGHT_ANKLE,
)
"""Landmarks every analysis needs: shoulders, hips, knees, ankles."""


class LandmarkError(ValueError):
    """An array does not have the documented pose layout."""


def as_frames(frames: object) -> FloatArray:
    """Return ``frames`` as a float64 ``(frames, 33, 4)`` array; a single ``(33, 4)`` frame gets a leading axis."""
    arr = np.asarray(frames, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[1:] != (N_LANDMARKS, N_VALUES):
        raise LandmarkError(f"expected landmarks of shape (frames, 33, 4), got {arr.shape}")
    return arr


def as_times(times: object, n_frames: int) -> FloatArray:
    """Return ``times`` (seconds) as a float64 ``(frames,)`` array, checked to be strictly increasing."""
    arr = np.asarray(times, dtype=np.float64)
    if arr.shape != (n_frames,):
        raise LandmarkError(f"expected {n_frames} timestamps, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise LandmarkError("timestamps must be finite")
    if n_frames > 1 and not np.all(np.diff(arr) > 0):
        raise LandmarkError("timestamps must be strictly increasing")
    return arr


def swap_left_right(frames: FloatArray) -> FloatArray:
    """Exchange left and right landmarks; ``(..., 33, 4)`` in, same shape out."""
    return frames[..., SWAP_PERMUTATION, :]
