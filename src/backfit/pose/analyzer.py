"""Streaming exercise analyzer configured from a catalog record.

``Analyzer(exercise).update(t, landmarks)`` takes one ``(33, 4)`` frame and
returns the events it completes; ``update_many(times, frames)`` does the same
for a chunk of frames; ``finish()`` flushes. There is one implementation:
``update`` is ``update_many`` with a chunk of one, and batch analysis
(:func:`analyze_sequence`) feeds chunks. Per chunk, clean-up, quantities, view
and position are computed vectorised (their state carries over between
chunks); then the state machines run frame by frame on plain Python floats.
A chunk of one frame takes the cheap route through the same code: the geometry
formulas run on Python floats (:class:`geometry.Coords`) and the clean-up's
recursions take a single step, so a live frame costs tens of microseconds.

Repetitions come from a state machine on ``exercise.analysis.signal`` (:class:`RepMachine`):
an attempt opens when the signal, having rested below ``start``, stays past it for
``gap_s``; it closes when the signal has been back below ``start`` for ``gap_s``, and
counts when its smoothed signal reached ``peak``. The hold is the time in the top
position (:mod:`backfit.pose.holds`, the same definition as the live timer's). Before
anything is measured the landmarks are turned by the camera's roll, taken from the floor
line at the set's start (:mod:`backfit.pose.rest`). Camera checks
(``exercise.cues[*].camera``) run only on frames whose detected view matches the
check's view, in the check's phase (``always``: from the first repetition's start to the
last one's end; ``active``: from first reaching ``peak`` to last leaving it; ``top``: the
hold, or for an attempt that fell short its highest part, so that a "lift higher" cue can
fire); a check from a view that cannot see the signal runs while the body is off its
resting pose. Otherwise the user gets one :class:`ViewAdvice` per check. With
``analysis.march``, foot lifts seen from the end view are reported as
:class:`Step` events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from backfit.catalog.schema import QUANTITY_VIEWS, Analysis, CameraCheck, Exercise, March, Phase, Position
from backfit.pose import geometry as geo
from backfit.pose import landmarks as lm
from backfit.pose import view as vw
from backfit.pose.events import (
    AnalysisReport,
    CheckFailed,
    Event,
    Hold,
    PositionMismatch,
    Repetition,
    Step,
    Trace,
    ViewAdvice,
)
from backfit.pose.filters import FilterConfig, LandmarkCleaner
from backfit.pose.holds import HoldRule, LiveTop, TopSpan, active_span, hold_span, smoothed, top_span
from backfit.pose.landmarks import FloatArray
from backfit.pose.rest import RestConfig, RestPose, rest_table, rotate

BATCH_CHUNK = 2048
"""Frames per chunk in :func:`analyze_sequence` (bounds temporary memory; results do not depend on it)."""

_END = vw.VIEWS.index(vw.CameraView.end)


class NotAnalyzableError(ValueError):
    """The exercise has no ``analysis`` section: the camera cannot follow it."""


@dataclass(frozen=True)
class MachineConfig:
    """Timing constants of event detection in seconds (not exercise thresholds: those are catalog data).

    ``fault_min_s``: a check must fail this long to count; ``advice_after_s``: a check's view must be
    missing this long (in usable frames) before advice; ``gap_s``: crossings of ``start`` that last less
    than this (a brief mis-detection, a dip, a twitch) are ignored, and so is time in dropouts longer
    than it inside a hold; ``smooth_s`` and ``hold_window_s``: see :mod:`backfit.pose.holds`.
    """

    fault_min_s: float = 0.15
    advice_after_s: float = 1.0
    gap_s: float = 0.3
    smooth_s: float = 0.3
    hold_window_s: float = 1.0


def side_rule(analysis: Analysis) -> geo.SideRule:
    """How per-side measures are combined for this exercise."""
    if not analysis.single_leg:
        return geo.SideRule.mean
    if analysis.pattern == "bridge":
        return geo.SideRule.stance
    return geo.SideRule.larger if analysis.increasing else geo.SideRule.smaller


class _Check:
    """A camera check with its bound precomputed and its per-run state."""

    __slots__ = (
        "advised",
        "bound",
        "check",
        "column",
        "cue_text",
        "episode_start",
        "episode_worst",
        "missing_view_s",
        "sign",
        "view_code",
    )

    def __init__(self, cue_text: str, check: CameraCheck) -> None:
        self.cue_text = cue_text
        self.check = check
        self.column = geo.COLUMN[check.quantity]
        self.view_code = vw.VIEWS.index(vw.CameraView(check.view.value))
        self.sign = 1.0 if check.op == "<=" else -1.0  # violation when sign * (value - bound) > 0
        self.bound = check.bound
        self.missing_view_s = 0.0
        self.advised = False
        self.episode_start: float | None = None
        self.episode_worst: tuple[float, float] | None = None  # (time, value)


_Frame = tuple[float, float, list[float], int]  # (time, signed signal, quantity row, view code)


class RepMachine:
    """The per-frame state machine; fed scalars, returns events.

    A repetition needs an observed rise and an observed return: the signal must have rested below
    ``start`` (for ``gap_s``) before it rises past it, and stay past it for ``gap_s`` to open an attempt;
    the attempt closes when the signal has been back below ``start`` for ``gap_s``. It counts when its
    smoothed signal reached ``peak`` (:mod:`backfit.pose.holds`). A clip that begins part-way up, or
    ends before the return, does not count that repetition.
    """

    def __init__(self, exercise: Exercise, config: MachineConfig | None = None) -> None:
        if exercise.analysis is None:
            raise NotAnalyzableError(f"exercise '{exercise.id}' has no camera analysis")
        a = exercise.analysis
        self.exercise = exercise
        self.config = config or MachineConfig()
        self.sign = 1.0 if a.increasing else -1.0
        self.start = self.sign * a.start
        self.peak = self.sign * a.peak
        self.band = a.hold_band
        self.hold_min_s = a.hold_min_s
        self.relative = a.zero == "rest"
        self.rule = HoldRule(self.peak, a.hold_band, self.config.smooth_s, self.config.hold_window_s, self.config.gap_s)
        self.column = geo.COLUMN[a.signal]
        self.expected = tuple(p.value for p in a.positions)
        self.position_codes = frozenset(vw.POSITIONS.index(p) for p in a.positions)
        self.gate_on_position = a.pattern == "kneeling-hold"
        self.checks = [_Check(cue.text, cue.camera) for cue in exercise.cues if cue.camera is not None]
        self.always: list[_Check] = []  # set below, once the signal's view is known
        self.per_rep = [c for c in self.checks if c.check.phase is not Phase.always]
        signal_view = QUANTITY_VIEWS[a.signal]
        self.signal_check = _Check("", CameraCheck(quantity=a.signal, view=signal_view, op=">=", bound=a.peak))
        self.signal_view = self.signal_check.view_code
        self.always = [c for c in self.checks if c.check.phase is Phase.always and c.view_code == self.signal_view]
        self.blind_checks = {
            code: [c for c in self.checks if c.view_code == code]
            for code in range(len(vw.VIEWS))
            if code != self.signal_view
        }
        self.measured = {
            code: [
                (q.value, geo.COLUMN[q])
                for q in geo.QUANTITIES
                if vw.VIEWS.index(vw.CameraView(QUANTITY_VIEWS[q].value)) == code
            ]
            for code in range(len(vw.VIEWS))
        }
        self.advised: set[str] = set()
        self._advice_checks = [self.signal_check, *self.checks]
        self._advice_view: int | None = None
        self._pending: list[_Check] = []  # checks not yet advised that the current view cannot support
        self._pending_s = 0.0  # usable time in the current view not yet added to the pending checks
        self._due_s = float("inf")  # pending time at which the next advice falls due
        self.in_rep = False
        self.started = False
        self.rested = False  # the signal has rested below start (for gap_s) since the last attempt
        self._rest_since: float | None = None
        self._rise: list[_Frame] = []  # frames past start not yet lasting gap_s
        self._fall_at: int | None = None  # index in the buffer where the signal went back below start
        self._between: list[CheckFailed] = []  # "always" faults seen between attempts (kept if another follows)
        self.zero = float("inf")  # resting level of the signed signal (relative signals)
        self._recent: list[tuple[float, float]] = []  # (time, signed value) over the last smooth_s
        self._top: LiveTop | None = None  # the live top position of the attempt in progress (top_now)
        self.floor_fixed_at: float | None = None  # when the floor line was fixed (the resting level restarts)
        self.count = 0
        self.buffer: list[_Frame] = []
        self.last_t: float | None = None
        self.position_code: int | None = None
        self.frames = 0
        self.usable = 0

    def step(
        self, t: float, row: list[float], view_code: int, position_code: int, lifted: bool = True
    ) -> list[Event] | None:
        """Advance by one frame: ``row`` = all quantities (columns of :func:`geometry.quantity_table`).

        ``lifted``: for views that cannot measure the signal, whether the body has left its resting pose
        (:class:`backfit.pose.rest.RestPose`); their checks run only then. Returns the events completed at
        this frame, or ``None`` when there are none.
        """
        self.frames += 1
        events: list[Event] | None = None
        dt = 0.0 if self.last_t is None else t - self.last_t
        self.last_t = t
        if position_code != self.position_code:
            self.position_code = position_code
            if position_code and position_code not in self.position_codes:
                seen = vw.POSITIONS[position_code]
                events = [PositionMismatch(t, self.expected, seen.value if seen else "unknown")]
        value = row[self.column]
        if value != value:  # NaN: unusable frame
            return events
        self.usable += 1
        if view_code != self._advice_view:
            self._switch_advice_view(view_code)
        if self._pending:
            self._pending_s += dt
            if self._pending_s >= self._due_s:
                events = self._advise(t, events)
        if view_code != self.signal_view:
            # The view cannot measure the signal: no repetitions; its checks run while the body is off its rest.
            blind = self.blind_checks[view_code]
            if not blind:
                return events
            if lifted:
                return self._episode_checks(blind, t, row, events)
            return self._end_episodes(blind, t, events)
        s = self.sign * value
        if self.relative:
            if self.floor_fixed_at is not None and t > self.floor_fixed_at:
                self.floor_fixed_at, self.zero, self._recent = None, float("inf"), []
            s -= self._rest_level(t, s)
            row[self.column] = self.sign * s
        if self.started and self.always:
            events = self._episode_checks(self.always, t, row, events)
        if self.gate_on_position and position_code not in self.position_codes:
            s = min(s, self.start - 1.0)
        frame = (t, s, row, view_code)
        if self.in_rep:
            self.buffer.append(frame)
            if s >= self.start:
                self._fall_at = None
            else:
                if self._fall_at is None:
                    self._fall_at = len(self.buffer) - 1
                if t - self.buffer[self._fall_at][0] >= self.config.gap_s:
                    events = self._close_rep(events)
        elif s < self.start:
            self._rise = []
            if self._rest_since is None:
                self._rest_since = t
            if t - self._rest_since >= self.config.gap_s:
                self.rested = True
        else:
            self._rest_since = None
            if self.rested:
                self._rise.append(frame)
                if t - self._rise[0][0] >= self.config.gap_s:
                    events = self._open_rep(events)
        return events

    def _rest_level(self, t: float, s: float) -> float:
        """The lowest the signed signal's running median (over ``smooth_s``) has been in this set."""
        recent = self._recent
        recent.append((t, s))
        while recent[0][0] < t - self.config.smooth_s:
            recent.pop(0)
        values = sorted(v for _, v in recent)
        mid = len(values) // 2
        median = values[mid] if len(values) % 2 else 0.5 * (values[mid - 1] + values[mid])
        if median < self.zero:
            self.zero = median
        return self.zero

    def _open_rep(self, events: list[Event] | None) -> list[Event] | None:
        self.in_rep = self.started = True
        self.rested = False
        self.buffer, self._rise, self._fall_at = self._rise, [], None
        self._top = None
        if self._between:
            events = [*(events or []), *self._between]
            self._between = []
        return events

    def finish(self) -> list[Event]:
        """Close what is open at the end of the sequence.

        A repetition whose signal is already back below ``start`` counts (its return was seen); one still
        up does not (the clip or set ended before the return). "Always" faults after the last repetition
        are dropped (the exercise was over).
        """
        events: list[Event] = []
        if self.in_rep and self._fall_at is not None:
            events = self._close_rep(events) or []
        elif self.in_rep:
            self.in_rep = False
            self.buffer = []
        for c in self.checks:
            if c.check.phase is Phase.always:
                c.episode_start = c.episode_worst = None
            else:
                self._end_episode(c, events)
        self._between = []
        return events

    def top_now(self) -> TopSpan | None:
        """The hold of the attempt in progress, if its latest frame is in the top position (for the live timer).

        :func:`backfit.pose.holds.hold_span` of the attempt's frames so far, kept up to date frame by frame
        (:class:`backfit.pose.holds.LiveTop`): a live frame stays cheap during long holds.
        """
        buf = self.buffer
        if not self.in_rep or not buf:
            return None
        top = self._top
        if top is None:
            top = self._top = LiveTop(self.rule)
        push = top.push
        for i in range(len(top), len(buf)):
            frame = buf[i]
            push(frame[0], frame[1])
        return top.now()

    def hold_start_time(self, span: TopSpan) -> float:
        return self.buffer[span.first][0]

    def _switch_advice_view(self, view_code: int) -> None:
        """Book the time spent in the previous view, then list the checks the new view cannot support."""
        for c in self._pending:
            c.missing_view_s += self._pending_s
        self._pending_s = 0.0
        self._advice_view = view_code
        self._pending = [c for c in self._advice_checks if c.view_code != view_code and not c.advised]
        self._set_due()

    def _set_due(self) -> None:
        after = self.config.advice_after_s
        self._due_s = min((after - c.missing_view_s for c in self._pending), default=float("inf"))

    def _advise(self, t: float, events: list[Event] | None) -> list[Event] | None:
        for c in self._pending:
            c.missing_view_s += self._pending_s
            if c.missing_view_s >= self.config.advice_after_s:
                c.advised = True
                quantity = c.check.quantity
                if quantity.value not in self.advised:
                    self.advised.add(quantity.value)
                    position = vw.POSITIONS[self.position_code] if self.position_code is not None else None
                    advice = ViewAdvice(vw.view_advice(quantity, c.check.view, position), quantity.value, t)
                    events = [*(events or []), advice]
        self._pending_s = 0.0
        self._pending = [c for c in self._pending if not c.advised]
        self._set_due()
        return events

    def _episode_checks(
        self, checks: list[_Check], t: float, row: list[float], events: list[Event] | None
    ) -> list[Event] | None:
        for c in checks:
            v = row[c.column]
            if v == v and c.sign * (v - c.bound) > 0:
                if c.episode_start is None:
                    c.episode_start, c.episode_worst = t, (t, v)
                elif c.episode_worst is not None and c.sign * (v - c.episode_worst[1]) > 0:
                    c.episode_worst = (t, v)
            elif c.episode_start is not None:
                events = events if events is not None else []
                self._end_episode(c, events, t)
        return events or None

    def _end_episodes(self, checks: list[_Check], t: float, events: list[Event] | None) -> list[Event] | None:
        for c in checks:
            if c.episode_start is not None:
                events = events if events is not None else []
                self._end_episode(c, events, t)
        return events or None

    def _end_episode(self, c: _Check, events: list[Event], t: float | None = None) -> None:
        if c.episode_start is not None and c.episode_worst is not None:
            end = t if t is not None else (self.last_t or c.episode_start)
            if end - c.episode_start >= self.config.fault_min_s:
                fault = self._fault(c, *c.episode_worst)
                if c.check.phase is Phase.always and not self.in_rep and c.view_code == self.signal_view:
                    self._between.append(fault)
                else:
                    events.append(fault)
        c.episode_start = c.episode_worst = None

    def _fault(self, c: _Check, t: float, v: float) -> CheckFailed:
        return CheckFailed(c.cue_text, c.check.quantity.value, t, v, c.check.op, c.check.bound)

    def _close_rep(self, events: list[Event] | None) -> list[Event] | None:
        self.in_rep = False
        fall = self._fall_at if self._fall_at is not None else len(self.buffer)
        end_t = self.buffer[fall][0] if fall < len(self.buffer) else self.buffer[-1][0]
        buf, self.buffer, self._fall_at = self.buffer[:fall], [], None
        self.rested, self._rest_since = True, end_t
        if not buf:
            return events
        events = events if events is not None else []
        times = np.array([b[0] for b in buf])
        sig = np.array([b[1] for b in buf])
        span = hold_span(times, sig, self.rule)
        if span is None:  # an attempt that did not reach the top: only its top-phase checks are judged
            near = top_span(times, sig, self.rule)
            if near is not None:
                for c in self.per_rep:
                    if c.check.phase is Phase.top:
                        self._rep_check(c, buf[near.first : near.last + 1], events)
            return events
        i_peak = int(np.argmax(smoothed(times, sig, self.rule.smooth_s)))
        self.count += 1
        peak_row, peak_view = buf[i_peak][2], buf[i_peak][3]
        measures = {name: peak_row[col] for name, col in self.measured[peak_view] if peak_row[col] == peak_row[col]}
        events.append(
            Repetition(
                self.count,
                float(times[0]),
                float(end_t),
                float(times[i_peak]),
                float(self.sign * sig[i_peak]),
                measures,
            )
        )
        if span.duration >= self.hold_min_s:
            events.append(Hold(float(times[span.first]), float(times[span.last]), span.duration))
        active = active_span(times, sig, self.rule) or (span.first, span.last)
        for c in self.per_rep:
            lo, hi = active if c.check.phase is Phase.active else (span.first, span.last)
            self._rep_check(c, buf[lo : hi + 1], events)
        return events

    def _rep_check(self, c: _Check, span: list[_Frame], events: list[Event]) -> None:
        """A fault when the check fails on frames of its view for ``fault_min_s`` in a row (by time)."""
        col, sign, bound, code = c.column, c.sign, c.bound, c.view_code
        runs: list[tuple[float, tuple[float, float]]] = []  # (seconds, worst (time, value)) of each failing run
        run_start = run_last = 0.0
        run_worst: tuple[float, float] | None = None
        for t, _, row, view in span:
            v = row[col]
            if view == code and v == v and sign * (v - bound) > 0:
                if run_worst is None:
                    run_start, run_worst = t, (t, v)
                elif sign * (v - run_worst[1]) > 0:
                    run_worst = (t, v)
                run_last = t
            elif run_worst is not None:
                runs.append((t - run_start, run_worst))
                run_worst = None
        if run_worst is not None:
            runs.append((run_last - run_start, run_worst))
        long = [w for d, w in runs if d >= self.config.fault_min_s]
        if long:
            events.append(self._fault(c, *max(long, key=lambda tv: sign * tv[1])))


class MarchMachine:
    """Foot lifts of a marching bridge, frame by frame from the end view: ``step(...) -> Step | None``."""

    def __init__(self, march: March) -> None:
        self.march = march
        self.count = 0
        self.side: int | None = None  # 0 = left, 1 = right, None = both feet down
        self.start = self.last_t = 0.0
        self.lift = self.drop = 0.0

    def step(self, t: float, left_lift: float, right_lift: float, left_drop: float) -> Step | None:
        """One end-view frame: each foot's lift (hip widths) and the hip line's tilt (+ = left hip lower)."""
        m = self.march
        if self.side is None:
            if left_lift >= m.lift_ratio or right_lift >= m.lift_ratio:
                self.side = 0 if left_lift >= right_lift else 1
                self.start = self.last_t = t
                self.lift = left_lift if self.side == 0 else right_lift
                self.drop = left_drop if self.side == 0 else -left_drop
            return None
        lift, drop = (left_lift, left_drop) if self.side == 0 else (right_lift, -left_drop)
        if lift < m.down_ratio:
            return self.finish()
        self.last_t = t
        if lift > self.lift:
            self.lift = lift
        if drop > self.drop:
            self.drop = drop
        return None

    def finish(self) -> Step | None:
        """Close a lift in progress; returns its step if it lasted long enough."""
        side, self.side = self.side, None
        if side is None or self.last_t - self.start < self.march.min_step_s:
            return None
        self.count += 1
        return Step(
            self.count,
            "left" if side == 0 else "right",
            self.start,
            self.last_t,
            self.lift,
            self.drop,
            self.march.max_drop_deg,
        )


class Analyzer:
    """Streaming analysis of one exercise: ``update(t, (33, 4) landmarks) -> events``, then ``finish()``.

    ``aspect`` is the image's width / height (landmarks are normalised per axis). With ``keep_trace``,
    the per-frame signal, view and position are kept for :meth:`trace`.
    """

    def __init__(
        self,
        exercise: Exercise,
        aspect: float = 1.0,
        filter_config: FilterConfig | None = None,
        view_config: vw.ViewConfig | None = None,
        machine_config: MachineConfig | None = None,
        keep_trace: bool = False,
        rest_config: RestConfig | None = None,
    ) -> None:
        self.machine = RepMachine(exercise, machine_config)
        assert exercise.analysis is not None
        self.exercise = exercise
        self.analysis = exercise.analysis
        self.aspect = aspect
        self.rule = side_rule(exercise.analysis)
        self.view_config = view_config or vw.ViewConfig()
        self.marching = MarchMachine(self.analysis.march) if self.analysis.march is not None else None
        self._clean = LandmarkCleaner(filter_config)
        lying = any(p in (Position.supine, Position.prone) for p in exercise.analysis.positions)
        self.rest = RestPose(lying, rest_config)
        self._views = vw.Debouncer(self.view_config.settle_s)
        self._positions = vw.Debouncer(self.view_config.settle_s)
        self._column = geo.COLUMN[self.analysis.signal]
        self._last_t: float | None = None
        self._trace: list[tuple[FloatArray, FloatArray, NDArray[np.int64], NDArray[np.int64]]] | None = (
            [] if keep_trace else None
        )
        self.view: vw.CameraView = vw.CameraView.other
        self.position: Position | None = None
        self.last_signal = float("nan")

    def update(self, t: float, landmarks: FloatArray) -> list[Event]:
        """One frame ``(33, 4)`` at ``t`` seconds (after the previous frame's time)."""
        return self.update_many(np.array([float(t)]), landmarks)

    def update_many(self, times: object, frames: object) -> list[Event]:
        """A chunk of frames ``(k, 33, 4)`` at ``times`` ``(k,)`` seconds; returns the events completed in it."""
        arr = lm.as_frames(frames)
        t = lm.as_times(times, arr.shape[0])
        if not len(t):
            return []
        if self._last_t is not None and t[0] <= self._last_t:
            raise lm.LandmarkError("timestamps must be strictly increasing")
        self._last_t = float(t[-1])
        cleaned = self._floor_level(t, self._clean(t, arr))
        clean = geo.Coords(cleaned, self.aspect)  # plain floats for one frame: no numpy overhead
        table = geo.quantity_table(clean, self.aspect, self.rule, self.analysis.signal)
        views = self._views(t, vw.raw_views(clean, self.aspect, self.view_config))
        positions = self._positions(t, vw.raw_positions(clean, self.aspect, self.view_config))
        self.view, self.position = vw.VIEWS[int(views[-1])], vw.POSITIONS[int(positions[-1])]
        self.last_signal = float(table[-1, self._column])
        if self._trace is not None:
            self._trace.append((t, table[:, self._column], views, positions))
        events: list[Event] = []
        step = self.machine.step
        t_list, v_list = t.tolist(), views.tolist()
        lifted = self.rest.lifted
        rest_rows = rest_table(clean).tolist()
        for ti, row, vc, pc, rr in zip(t_list, table.tolist(), v_list, positions.tolist(), rest_rows, strict=True):
            out = step(ti, row, vc, pc, lifted(rr))
            if out:
                events.extend(out)
        if self.marching is not None:
            self._march(t_list, v_list, geo.march_table(clean, self.aspect), events)
        return events

    def _floor_level(self, t: FloatArray, cleaned: FloatArray) -> FloatArray:
        """Collect the set's resting frames until the baseline is fixed; turn later frames by the camera's roll."""
        rest = self.rest
        if rest.fixed:
            return rotate(cleaned, self.aspect, rest.roll)
        c = geo.Coords(cleaned, self.aspect)
        rows = rest_table(c).tolist()
        views = vw.raw_views(c, self.aspect, self.view_config).tolist()
        for i, (ti, row, view) in enumerate(zip(t.tolist(), rows, views, strict=True)):
            if rest.collect(ti, row, view):
                self.machine.floor_fixed_at = ti
                if i + 1 < len(rows):
                    cleaned = cleaned.copy()
                    cleaned[i + 1 :] = rotate(cleaned[i + 1 :], self.aspect, rest.roll)
                break
        return cleaned

    def _march(self, times: list[float], views: list[int], table: FloatArray, events: list[Event]) -> None:
        step = self.marching.step if self.marching is not None else None
        if step is None:
            return
        for ti, vc, (left, right, drop) in zip(times, views, table.tolist(), strict=True):
            if vc == _END and left == left and right == right and drop == drop:
                done = step(ti, left, right, drop)
                if done is not None:
                    events.append(done)

    def finish(self) -> list[Event]:
        events = self.machine.finish()
        if self.marching is not None:
            done = self.marching.finish()
            if done is not None:
                events.append(done)
        return events

    @property
    def repetitions(self) -> int:
        return self.machine.count

    def trace(self) -> Trace:
        """Per-frame signal, view and position so far (needs ``keep_trace=True``)."""
        times, signal, views, positions = self.trace_arrays()
        return Trace(
            times,
            signal,
            tuple(map(VIEW_NAMES.__getitem__, views.tolist())),
            tuple(map(POSITION_NAMES.__getitem__, positions.tolist())),
        )

    def trace_arrays(self) -> tuple[FloatArray, FloatArray, NDArray[np.int64], NDArray[np.int64]]:
        parts = self._trace or []
        if not parts:
            return np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return (
            np.concatenate([p[0] for p in parts]),
            np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]),
            np.concatenate([p[3] for p in parts]),
        )


VIEW_NAMES: list[str] = [v.value for v in vw.VIEWS]
POSITION_NAMES: list[str] = [p.value if p is not None else "unknown" for p in vw.POSITIONS]


def _fractions(codes: NDArray[np.int64], names: list[str]) -> dict[str, float]:
    n = max(len(codes), 1)
    counts = np.bincount(codes, minlength=len(names)).tolist()
    return {name: c / n for name, c in zip(names, counts, strict=True) if c}


def analyze_sequence(
    exercise: Exercise,
    times: object,
    frames: object,
    aspect: float = 1.0,
    filter_config: FilterConfig | None = None,
    view_config: vw.ViewConfig | None = None,
    machine_config: MachineConfig | None = None,
) -> AnalysisReport:
    """Batch analysis of ``frames`` ``(frames, 33, 4)`` at ``times`` ``(frames,)`` seconds.

    The streaming :class:`Analyzer` fed in chunks of :data:`BATCH_CHUNK` frames.
    """
    arr = lm.as_frames(frames)
    t = lm.as_times(times, arr.shape[0])
    analyzer = Analyzer(exercise, aspect, filter_config, view_config, machine_config, keep_trace=True)
    events: list[Event] = []
    for i in range(0, arr.shape[0], BATCH_CHUNK):
        events.extend(analyzer.update_many(t[i : i + BATCH_CHUNK], arr[i : i + BATCH_CHUNK]))
    events.extend(analyzer.finish())
    return report_from_events(analyzer, events)


def report_from_events(analyzer: Analyzer, events: list[Event]) -> AnalysisReport:
    """The batch report of an analyzer that was fed a whole sequence (with ``keep_trace``) and finished."""
    t, _, views, positions = analyzer.trace_arrays()
    trace = analyzer.trace()
    machine = analyzer.machine
    return AnalysisReport(
        exercise_id=analyzer.exercise.id,
        signal=analyzer.analysis.signal.value,
        frames=len(t),
        duration_s=float(t[-1] - t[0]) if len(t) > 1 else 0.0,
        usable_fraction=machine.usable / max(machine.frames, 1),
        repetitions=tuple(e for e in events if isinstance(e, Repetition)),
        holds=tuple(e for e in events if isinstance(e, Hold)),
        faults=tuple(e for e in events if isinstance(e, CheckFailed)),
        advice=tuple(e for e in events if isinstance(e, ViewAdvice)),
        mismatches=tuple(e for e in events if isinstance(e, PositionMismatch)),
        view_fractions=_fractions(views, VIEW_NAMES),
        position_fractions=_fractions(positions, POSITION_NAMES),
        trace=trace,
        steps=tuple(e for e in events if isinstance(e, Step)),
    )


__all__ = [
    "Analyzer",
    "MachineConfig",
    "MarchMachine",
    "NotAnalyzableError",
    "RepMachine",
    "analyze_sequence",
    "report_from_events",
    "side_rule",
]
