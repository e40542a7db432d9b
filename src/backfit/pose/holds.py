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

:func:`hold_span` is the definition. The live timer asks it after every frame whether the
latest frame is in the top position; :class:`LiveTop` gives the same answer frame by frame
without recomputing the repetition's whole buffer (a test holds it to :func:`hold_span`).
"""

from __future__ import annotations

from collections import deque
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


class LiveTop:
    """:func:`hold_span` of a growing repetition, asked at its latest frame, at O(1) amortised cost a frame.

    ``push(t, value)`` adds a frame (times strictly increasing); :meth:`now` returns what
    ``hold_span(times, signal, rule)`` returns over every frame pushed so far when its ``last`` is
    the latest frame, else None. It uses the same windows and comparisons as :func:`hold_span`:

    - a frame's smoothed value is the median of the frames within ``smooth_s / 2`` of it; it is
      final once a later frame lies beyond that window, and only the latest few frames' are not;
    - the latest frame is in the top position when it is past ``peak`` and within ``band`` of the
      highest smoothed value in the ``window_s`` before it (a sliding maximum over final values
      plus the few others);
    - the hold's first frame is the first past ``peak`` within ``band`` of the highest smoothed
      value in the ``window_s`` after it. A frame's answer is final once its window and the
      smoothed values in it are; frames are judged in order until one is a start, which then
      stays the first. Only the frames not yet judged (about ``window_s + smooth_s / 2``) are
      searched, and only while the latest frame is in the top position.

    Fewer than three frames are not smoothed (as in :func:`smoothed`): then :func:`hold_span` is
    asked directly. The duration is :func:`held_time` of the span.
    """

    def __init__(self, rule: HoldRule) -> None:
        self.rule = rule
        self._half = rule.smooth_s / 2
        self.t: list[float] = []
        self.x: list[float] = []
        self._times = np.empty(64)  # self.t as an array, for held_time
        self.s: list[float] = []  # final smoothed values of frames 0 .. len(s) - 1
        self._lo = 0  # first frame of the smoothing window of frame len(s)
        self._behind: deque[tuple[int, float]] = deque()  # final (index, s), decreasing s, for the window behind
        self._judged = 0  # frames 0 .. _judged - 1 are final non-starts
        self._ahead: deque[tuple[int, float]] = deque()  # (index, s) in the window ahead of frame _judged
        self._ahead_hi = 0  # frames below this are in (or were in) that window
        self.first: int | None = None  # the hold's first frame, once final

    def __len__(self) -> int:
        return len(self.t)

    def push(self, t: float, value: float) -> None:
        """One more frame of the repetition: time (s, after the previous one) and signal value."""
        n = len(self.t)
        if n == len(self._times):
            self._times = np.concatenate([self._times, np.empty(n)])
        self._times[n] = t
        self.t.append(t)
        self.x.append(value)
        s, times, half = self.s, self.t, self._half
        while times[len(s)] + half < t:  # frame len(s)'s window is closed: its median is final
            k = len(s)
            s.append(self._median(k, n))
            behind = self._behind
            while behind and behind[-1][1] <= s[k]:
                behind.pop()
            behind.append((k, s[k]))
        if self.first is None:
            self._judge()

    def _median(self, k: int, hi: int) -> float:
        """The median of frames ``lo..hi - 1`` around frame ``k`` (``lo``: first within ``smooth_s / 2`` before it)."""
        times, lo, start = self.t, self._lo, self.t[k] - self._half
        while times[lo] < start:
            lo += 1
        if k == len(self.s):
            self._lo = lo
        window = sorted(self.x[lo:hi])
        count = len(window)
        return 0.5 * (window[(count - 1) // 2] + window[count // 2])

    def _judge(self) -> None:
        """Judge the frames whose start answer is final, in order, until one is a start."""
        s, times, w = self.s, self.t, self.rule.window_s
        peak, band, ahead = self.rule.peak, self.rule.band, self._ahead
        while self._judged < len(s):
            a = self._judged
            limit = times[a] + w
            if not times[len(s)] > limit:  # its window ahead still has frames without a final median
                return
            while self._ahead_hi < len(s) and times[self._ahead_hi] <= limit:
                j = self._ahead_hi
                while ahead and ahead[-1][1] <= s[j]:
                    ahead.pop()
                ahead.append((j, s[j]))
                self._ahead_hi += 1
            while ahead[0][0] < a:
                ahead.popleft()
            if s[a] >= peak and s[a] >= ahead[0][1] - band:
                self.first = a
                return
            self._judged += 1

    def now(self) -> TopSpan | None:
        """``hold_span`` of the frames so far if it ends at the latest frame, else None."""
        n = len(self.t)
        if n < 3:
            if n == 0:
                return None
            span = hold_span(self._times[:n], np.array(self.x), self.rule)
            return span if span is not None and span.last == n - 1 else None
        rule, times, k = self.rule, self.t, len(self.s)
        latest = self._median(n - 1, n)  # not final: its window reaches past the latest frame
        if not latest >= rule.peak:
            return None
        pending = [*(self._median(j, n) for j in range(k, n - 1)), latest]  # frames k .. n - 1
        start = times[n - 1] - rule.window_s
        behind = self._behind
        while behind and times[behind[0][0]] < start:
            behind.popleft()
        highest = max(v for j, v in zip(range(k, n), pending, strict=True) if times[j] >= start)
        if behind and behind[0][1] > highest:
            highest = behind[0][1]
        if not latest >= highest - rule.band:
            return None
        first = self.first if self.first is not None else self._first_start(pending)
        return TopSpan(first, n - 1, held_time(self._times[:n], first, n - 1, rule.gap_s))

    def _first_start(self, pending: list[float]) -> int:
        """The first start among the frames not judged yet, with the smoothed values as they are now."""
        n, times, a = len(self.t), self.t, self._judged
        values = self.s[a:] + pending  # values[j - a]: smoothed value of frame j
        peak, band, w = self.rule.peak, self.rule.band, self.rule.window_s
        ahead: deque[tuple[int, float]] = deque()
        hi = a
        for i in range(a, n):
            limit = times[i] + w
            while hi < n and times[hi] <= limit:
                v = values[hi - a]
                while ahead and ahead[-1][1] <= v:
                    ahead.pop()
                ahead.append((hi, v))
                hi += 1
            while ahead[0][0] < i:
                ahead.popleft()
            v = values[i - a]
            if v >= peak and v >= ahead[0][1] - band:
                return i
        raise AssertionError("a frame in the top position with no start before it")  # the highest frame is one
