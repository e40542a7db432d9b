"""Landmark clean-up: missing values, left/right swaps, One-Euro smoothing.

One implementation serves streaming and batch: :class:`LandmarkCleaner` takes
a chunk of ``k`` frames ``(k, 33, 4)`` at times ``(k,)`` and keeps its state
between calls, so feeding a sequence one frame at a time (live) or in chunks of
any size (files) gives the same result. Inside a chunk the work is vectorised.

Only the landmarks the analysis reads (:data:`CLEANED_LANDMARKS`) are cleaned;
the others come out NaN.

The One-Euro filter (Casiez, Roussel and Vogel, CHI 2012) smooths each
coordinate with a first-order low-pass whose cut-off rises with speed:
``cutoff = min_cutoff + beta * |dx/dt|`` (Hz; x in normalised units), the
derivative taken from raw consecutive values and itself low-passed at
``d_cutoff``. It is time-based: irregular frame intervals are handled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from backfit.pose import landmarks as lm
from backfit.pose.landmarks import FloatArray

clip_values: Callable[..., Any] = np.core.umath.clip  # type: ignore[attr-defined]
"""The ufunc behind :func:`numpy.clip` (the same values, NaN kept) without its Python-level argument handling,
which costs more than the clip itself on one live frame's arrays."""
_BLOCK = 64  # frames per vectorised recursion block: 1e-4 ** 64 keeps cumulative products far from underflow

CLEANED_LANDMARKS: tuple[int, ...] = (
    lm.NOSE,
    lm.LEFT_EAR,
    lm.RIGHT_EAR,
    lm.LEFT_SHOULDER,
    lm.RIGHT_SHOULDER,
    lm.LEFT_HIP,
    lm.RIGHT_HIP,
    lm.LEFT_KNEE,
    lm.RIGHT_KNEE,
    lm.LEFT_ANKLE,
    lm.RIGHT_ANKLE,
    lm.LEFT_HEEL,
    lm.RIGHT_HEEL,
    lm.LEFT_FOOT_INDEX,
    lm.RIGHT_FOOT_INDEX,
)
"""Landmarks read by geometry and view detection (closed under left/right swap)."""

_USED = np.array(CLEANED_LANDMARKS, dtype=np.intp)
_SWAP = np.array([CLEANED_LANDMARKS.index(int(lm.SWAP_PERMUTATION[i])) for i in CLEANED_LANDMARKS], dtype=np.intp)
_KEYS = np.array([CLEANED_LANDMARKS.index(i) for i in lm.KEY_LANDMARKS], dtype=np.intp)
_KEYS_BOTH = np.concatenate([_KEYS, _SWAP[_KEYS]])


@dataclass(frozen=True)
class FilterConfig:
    """Parameters of landmark clean-up.

    ``min_visibility``: below it a landmark counts as missing. ``max_gap_s``:
    a missing landmark keeps its last good value this long, then becomes NaN.
    ``swap_ratio``: a left/right swap is detected when the swapped frame is
    closer to the previous one than ``swap_ratio`` times the unswapped distance,
    and the unswapped distance is at least ``swap_min_move`` (normalised units,
    mean over key landmarks).
    """

    min_cutoff_hz: float = 2.0
    beta: float = 4.0
    d_cutoff_hz: float = 1.0
    min_visibility: float = 0.3
    max_gap_s: float = 0.5
    swap_ratio: float = 0.5
    swap_min_move: float = 0.03


def _alpha(cutoff: FloatArray | float, dt: FloatArray | float) -> Any:
    """Smoothing factor ``1 / (1 + tau / dt)`` with ``tau = 1 / (2 pi cutoff)`` (a float for float arguments)."""
    return 1.0 / (1.0 + 1.0 / (2.0 * np.pi * cutoff * dt))


def recursive_smooth(alpha: FloatArray | float, x: FloatArray, prev: FloatArray) -> FloatArray:
    """``y[n] = y[n-1] + alpha[n] * (x[n] - y[n-1])`` along axis 0 with ``y[-1] = prev``, vectorised in blocks.

    ``alpha`` broadcasts against ``x`` ``(k, ...)``; ``prev`` has ``x``'s shape without the first axis.
    """
    if x.shape[0] == 1:  # one frame: the first step of a block below, without the block machinery
        # np.clip's value in two plain ufunc calls (np.clip's own overhead is several of them)
        keep1 = min(max(1.0 - alpha, 1e-4), 1.0) if isinstance(alpha, float) else clip_values(1.0 - alpha, 1e-4, 1.0)
        one: FloatArray = keep1 * (prev + (1.0 - keep1) * x / keep1)
        return one
    y = np.empty_like(x)
    keep = np.clip(1.0 - np.broadcast_to(alpha, x.shape), 1e-4, 1.0)
    for start in range(0, x.shape[0], _BLOCK):
        stop = min(start + _BLOCK, x.shape[0])
        k = keep[start:stop]
        p = np.cumprod(k, axis=0)
        y[start:stop] = p * (prev + np.cumsum((1.0 - k) * x[start:stop] / p, axis=0))
        prev = y[stop - 1]
    return y


def _key_distance(a: FloatArray, b: FloatArray) -> FloatArray:
    """Mean 2D distance between key points ``(..., 8, 2)`` of two frame sets, ignoring missing ones: ``(...)``."""
    diff = a - b
    d = np.sqrt(np.einsum("...i,...i->...", diff, diff))
    ok = np.isfinite(d)
    if ok.all():  # the usual case: the same sums as below (nothing replaced by 0), in fewer numpy calls
        mean: FloatArray = np.add.reduce(d, axis=-1) / d.shape[-1]
        return mean
    total = np.add.reduce(np.where(ok, d, 0.0), axis=-1)
    count = np.add.reduce(ok, axis=-1)
    result: FloatArray = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return result


class LandmarkCleaner:
    """Swap correction, low-visibility masking, gap holding and One-Euro smoothing, chunk by chunk.

    ``cleaner(times (k,), frames (k, 33, 4)) -> (k, 33, 4)``; visibility passes through unsmoothed.
    State carries over between calls: any chunking of a sequence gives the same output. The recursions
    in time (swap parity, gap holding, smoothing) take one plain step when ``k == 1``.
    """

    def __init__(self, config: FilterConfig | None = None) -> None:
        self.config = config or FilterConfig()
        m = len(CLEANED_LANDMARKS)
        self._prev_keys: FloatArray | None = None  # (1, 8, 2) raw key points of the previous frame
        self._parity = 0
        # per-landmark state, shaped as one frame (1, m, ...) so that one-frame updates need no broadcasting
        self._last_good = np.full((1, m, 3), np.nan)
        self._last_good_t = np.full((1, m), -np.inf)
        self._t: float | None = None
        self._x = np.zeros((1, m, 3))  # previous input of the One-Euro filter
        self._y = np.zeros((1, m, 3))  # previous output
        self._dx = np.zeros((1, m, 3))  # previous smoothed derivative

    def __call__(self, times: FloatArray, frames: FloatArray) -> FloatArray:
        c = self.config
        k = frames.shape[0]
        raw = frames[:, _USED]  # (k, m, 4), a copy
        # left/right swaps: parity of swap events so far
        keys = raw[:, _KEYS_BOTH, :2].reshape(k, 2, len(_KEYS), 2)  # key points as labelled, then swapped
        if self._prev_keys is None:
            prev, cur = keys[:-1, :1], keys[1:]
        elif k == 1:
            prev, cur = self._prev_keys[:, None], keys
        else:
            prev, cur = np.concatenate([self._prev_keys, keys[:-1, 0]])[:, None], keys
        self._prev_keys = keys[-1:, 0]
        dist = _key_distance(cur, prev)  # (k or k - 1, 2): unswapped, swapped
        same, swapped = dist[:, 0], dist[:, 1]
        if k == 1:
            if len(dist):  # the same comparisons on plain floats
                one_same, one_swapped = dist[0].tolist()
                if one_same >= c.swap_min_move and one_swapped < c.swap_ratio * one_same:
                    self._parity = 1 - self._parity
            if self._parity:
                raw[0] = raw[0, _SWAP]
        else:
            events = (same >= c.swap_min_move) & (swapped < c.swap_ratio * same)
            counts = np.zeros(k, dtype=np.int64)
            counts[k - len(same) :] = events
            flips = (np.cumsum(counts) + self._parity) % 2 == 1
            self._parity = int(flips[-1])
            if flips.any():
                raw[flips] = raw[flips][:, _SWAP]
        # missing landmarks: low visibility or non-finite, held for max_gap_s
        vis = raw[..., lm.VIS]
        xyz = raw[..., :3]
        good = (vis >= c.min_visibility) & np.isfinite(xyz).all(axis=-1)
        if k == 1:
            held = np.where(good[..., None], xyz, self._last_good)
            held_t = np.where(good, times[0], self._last_good_t)
        else:
            idx = np.where(good, np.arange(k)[:, None], -1)
            last = np.maximum.accumulate(idx, axis=0)
            have = last >= 0
            cols = np.arange(raw.shape[1])[None, :]
            held = np.where(have[..., None], xyz[np.maximum(last, 0), cols], self._last_good)
            held_t = np.where(have, times[np.maximum(last, 0)], self._last_good_t)
        self._last_good, self._last_good_t = held[-1:], held_t[-1:]
        missing = ~((times[:, None] - held_t) <= c.max_gap_s)[..., None]
        x = np.where(missing, 0.0, held)
        # One-Euro smoothing, continuing from the previous chunk
        if self._t is None:
            self._t, self._x, self._y = float(times[0]), x[:1], x[:1]
        if k == 1:
            step = float(times[0]) - self._t
            dt: FloatArray | float = step if step > 0 else np.inf  # the very first frame: y = x, derivative 0
            dx = (x - self._x) / dt
        else:
            dt = np.diff(times, prepend=self._t)[:, None, None]
            dt[dt <= 0] = np.inf
            dx = np.diff(x, axis=0, prepend=self._x) / dt
        dx_hat = recursive_smooth(_alpha(c.d_cutoff_hz, dt), dx, self._dx)
        y = recursive_smooth(_alpha(c.min_cutoff_hz + c.beta * np.abs(dx_hat), dt), x, self._y)
        self._t, self._x, self._y, self._dx = float(times[-1]), x[-1:], y[-1:], dx_hat[-1:]
        out = np.full((k, lm.N_LANDMARKS, lm.N_VALUES), np.nan)
        out[:, _USED, :3] = np.where(missing, np.nan, y)
        out[:, _USED, 3] = vis
        return out
