"""The top position of one repetition: one definition for files and the live coach.

A repetition's frames (from the rise past ``start`` to the return past it) are
given as times ``(n,)`` seconds and the signal ``(n,)`` in its "up" direction
(negated for decreasing signals). The signal is first smoothed with a running
median over ``smooth_s`` seconds, so that jitter and mis-detections shorter than
about half of it are ignored. Then:

- the repetition *reached the top* when the smoothed signal reached ``peak``;
- the **hold** is the time in the top position, from the end of the rise to the
  start of the lowering: it starts at the first frame past ``peak`` that is within
  ``band`` of the highest the signal goes in the next ``window_s`` seconds (the
  rise has ended), and it ends at the last frame past ``peak`` that is within
  ``band`` of the highest it went in the previous ``window_s`` seconds (the
  lowering has not begun). Settling a few degrees below the first peak does not
  end it; sagging and dips in between stay inside it;
- time in gaps between usable frames longer than ``gap_s`` is not counted.

For a repetition that never reached ``peak``, :func:`top_span` gives the frames
near its highest point, so that a "lift higher" check can judge them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from backfit.pose.landmarks import FloatArray


@dataclass(frozen=True)
class HoldRule:
    """Time constants of the top position (seconds); ``band`` is in the signal's units."""

    peak: float
    band: float
    smooth_s: float = 0.3
    window_s: float = 1.0
    gap_s: float = 0.3


@dataclass(frozen=True)
class TopSpan:
    """Indices ``first..last`` (inclusive) of the top position and its duration in seconds."""

    first: int
    last: int
    duration: float


def _window_bounds(times: FloatArray, before_s: float, after_s: float) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    lo = np.searchsorted(times, times - before_s, side="left")
    hi = np.searchsorted(times, times + after_s, side="right")
    return lo, hi


def _gather(values: FloatArray, lo: NDArray[np.intp], hi: NDArray[np.intp]) -> FloatArray:
    """``(n, width)`` windows ``values[lo[i]:hi[i]]``, padded with NaN."""
    width = int((hi - lo).max()) if len(lo) else 0
    idx = lo[:, None] + np.arange(max(width, 1))[None, :]
    inside = idx < hi[:, None]
    padded = np.append(values, np.nan)
    out: FloatArray = np.where(inside, padded[np.minimum(idx, len(values))], np.nan)
    return out


def smoothed(times: FloatArray, signal: FloatArray, smooth_s: float) -> FloatArray:
    """Running median of ``signal`` over ``smooth_s`` seconds centred on each frame ``(n,)``."""
    if len(signal) < 3:
        return signal.copy()
    lo, hi = _window_bounds(times, smooth_s / 2, smooth_s / 2)
    windows = np.sort(_gather(signal, lo, hi), axis=1)  # NaN (padding) sorts last
    count = np.isfinite(windows).sum(axis=1)
    rows = np.arange(len(signal))
    low, high = np.maximum((count - 1) // 2, 0), np.maximum(count // 2, 0)
    out: FloatArray = np.where(count > 0, 0.5 * (windows[rows, low] + windows[rows, high]), np.nan)
    return out


def _running_max(times: FloatArray, values: FloatArray, before_s: float, after_s: float) -> FloatArray:
    lo, hi = _window_bounds(times, before_s, after_s)
    out: FloatArray = np.nanmax(_gather(values, lo, hi), axis=1)
    return out


def held_time(times: FloatArray, first: int, last: int, gap_s: float) -> float:
    """Seconds from ``times[first]`` to ``times[last]``, without the time in gaps longer than ``gap_s``."""
    steps = np.diff(times[first : last + 1])
    return float(steps[steps <= gap_s].sum())


def hold_span(times: FloatArray, signal: FloatArray, rule: HoldRule) -> TopSpan | None:
    """The top position of a repetition that reached ``rule.peak``, or None when it did not."""
    if len(signal) == 0:
        return None
    s = smoothed(times, signal, rule.smooth_s)
    past = s >= rule.peak
    if not past.any():
        return None
    ahead = _running_max(times, s, 0.0, rule.window_s)
    behind = _running_max(times, s, rule.window_s, 0.0)
    starts = np.flatnonzero(past & (s >= ahead - rule.band))
    ends = np.flatnonzero(past & (s >= behind - rule.band))
    first, last = int(starts[0]), int(ends[-1])
    if last < first:
        first = last = int(np.argmax(s))
    return TopSpan(first, last, held_time(times, first, last, rule.gap_s))


def top_span(times: FloatArray, signal: FloatArray, rule: HoldRule) -> TopSpan | None:
    """The hold of a repetition that reached the peak; otherwise the frames within ``band`` of its highest point."""
    span = hold_span(times, signal, rule)
    if span is not None or len(signal) == 0:
        return span
    s = smoothed(times, signal, rule.smooth_s)
    near = np.flatnonzero(s >= np.nanmax(s) - rule.band)
    first, last = int(near[0]), int(near[-1])
    return TopSpan(first, last, held_time(times, first, last, rule.gap_s))


def active_span(times: FloatArray, signal: FloatArray, rule: HoldRule) -> tuple[int, int] | None:
    """Indices of the first and last frame whose smoothed signal is past ``peak`` (None when none is)."""
    past = np.flatnonzero(smoothed(times, signal, rule.smooth_s) >= rule.peak)
    return (int(past[0]), int(past[-1])) if len(past) else None
