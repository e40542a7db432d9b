"""What the analyzers report: frozen event records and the batch report. Times in seconds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from backfit.pose.landmarks import FloatArray


@dataclass(frozen=True)
class Repetition:
    """One completed repetition: the signal crossed ``start``, reached ``peak`` and came back.

    ``peak_value`` is the signal's extreme (its unit is the signal's);
    ``measures`` holds every quantity measurable from the view at that moment.
    """

    index: int
    start: float
    end: float
    peak_time: float
    peak_value: float
    measures: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Hold:
    """Time spent at the top of a repetition (within the exercise's hold band of the peak)."""

    start: float
    end: float
    duration: float


@dataclass(frozen=True)
class CheckFailed:
    """A camera check that failed: ``value`` measured at ``time`` is on the wrong side of ``bound``."""

    text: str
    quantity: str
    time: float
    value: float
    op: str
    bound: float


@dataclass(frozen=True)
class ViewAdvice:
    """A check the camera's view cannot support, with how to place the camera for it."""

    text: str
    quantity: str
    time: float


@dataclass(frozen=True)
class PositionMismatch:
    """The body is in a position the exercise does not use (e.g. lying face down for a bridge)."""

    time: float
    expected: tuple[str, ...]
    seen: str


@dataclass(frozen=True)
class Step:
    """One foot lift of a marching bridge, seen from the end view.

    ``side``: the person's ``"left"`` or ``"right"`` foot. ``lift_ratio``: the
    highest the ankle rose above the other ankle, in hip widths.
    ``pelvic_drop_deg``: the largest tilt of the hip line toward the lifted side
    during the lift (degrees, + = the lifted side's hip lower); ``max_drop_deg``
    is the catalog's bound for it.
    """

    index: int
    side: str
    start: float
    end: float
    lift_ratio: float
    pelvic_drop_deg: float
    max_drop_deg: float

    @property
    def pelvis_dropped(self) -> bool:
        return self.pelvic_drop_deg > self.max_drop_deg


Event = Repetition | Hold | CheckFailed | ViewAdvice | PositionMismatch | Step


@dataclass(frozen=True)
class Trace:
    """Per-frame signals of a batch analysis, for plots and annotated video; all ``(frames,)``."""

    times: FloatArray
    signal: FloatArray
    views: tuple[str, ...]
    positions: tuple[str, ...]


@dataclass(frozen=True)
class AnalysisReport:
    """Everything a batch analysis found. ``usable_fraction``: frames whose signal could be measured."""

    exercise_id: str
    signal: str
    frames: int
    duration_s: float
    usable_fraction: float
    repetitions: tuple[Repetition, ...]
    holds: tuple[Hold, ...]
    faults: tuple[CheckFailed, ...]
    advice: tuple[ViewAdvice, ...]
    mismatches: tuple[PositionMismatch, ...]
    view_fractions: Mapping[str, float]
    position_fractions: Mapping[str, float]
    trace: Trace | None = None
    steps: tuple[Step, ...] = ()

    @property
    def total_hold_s(self) -> float:
        return float(np.sum([h.duration for h in self.holds])) if self.holds else 0.0

    @property
    def main_position(self) -> str | None:
        known = {k: v for k, v in self.position_fractions.items() if k != "unknown"}
        return max(known, key=lambda k: known[k]) if known else None

    @property
    def movement_position(self) -> str | None:
        """The most common known position during the analysed movement: from the first repetition's start
        to the last one's end (frames before and after, such as getting up, do not count); without
        repetitions or a trace, :attr:`main_position`."""
        if not self.repetitions or self.trace is None:
            return self.main_position
        start, end = self.repetitions[0].start, self.repetitions[-1].end
        inside = (self.trace.times >= start) & (self.trace.times <= end)
        seen = [p for p, keep in zip(self.trace.positions, inside.tolist(), strict=True) if keep and p != "unknown"]
        return max(set(seen), key=seen.count) if seen else self.main_position
