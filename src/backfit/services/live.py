"""Use case: live coaching from a stream of landmark frames (the browser runs the pose model).

:class:`LiveCoach` feeds each frame to the same streaming :class:`backfit.pose.Analyzer`
that ``backfit analyze`` uses and turns what it reports into plain JSON-ready
events, plus the live state a screen needs between events (is the person holding
the top position now, and for how long). :class:`LiveStreams` keeps coaches for a
while after a connection drops, keyed by the client's stream id, so a reconnect
continues the same set. Frames are ``(33, 4)`` normalised x, y, z, visibility, or
``None`` when nobody is seen; times in seconds, strictly increasing.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from backfit.catalog.schema import Exercise
from backfit.pose import Analyzer, CheckFailed, Event, Hold, PositionMismatch, Repetition, ViewAdvice
from backfit.pose import landmarks as lm
from backfit.services import recording_codec as codec
from backfit.services.analysis import IN_FRAME_MARGIN

VECTOR_MIN_FRAMES = 8
"""Chunks of at least this many frames go to the analyzer as one array; shorter ones frame by frame
(one frame takes the analyzer's plain-float path, about 0.3 ms now: benchmarks/bench_live_frame.py;
a numpy chunk cost about 5 ms plus 0.2 ms a frame when this was set, before the per-frame path was
trimmed: measure both again before moving it)."""

FRAMING_SETTLE_S = 0.5
"""Seconds a framing problem (or its end) must last before it is reported."""

_PARTS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("feet", (lm.LEFT_ANKLE, lm.RIGHT_ANKLE)),
    ("knees", (lm.LEFT_KNEE, lm.RIGHT_KNEE)),
    ("hips", (lm.LEFT_HIP, lm.RIGHT_HIP)),
    ("shoulders", (lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER)),
)
_NOBODY = "nobody"
_POSITION_WORDS = {
    "supine": "lying on your back",
    "prone": "lying face down",
    "kneeling": "kneeling",
    "half-kneeling": "half-kneeling",
    "standing": "standing",
    "unknown": "in a position it cannot recognise",
}

JSONDict = dict[str, Any]


_PART_POINTS = np.array([p for _, points in _PARTS for p in points], dtype=np.intp)
_PART_SLICES = [
    (part, 2 * sum(len(p) for _, p in _PARTS[:i]), 2 * len(points)) for i, (part, points) in enumerate(_PARTS)
]
"""Each part's name, and where its points' x, y start in ``_PART_POINTS``'s coordinates and how many there are."""


def out_of_frame(frame: lm.FloatArray) -> str | None:
    """Which key body part of a ``(33, 4)`` frame is outside the image (``"nobody"`` if no person), else None."""
    if not np.isfinite(frame[:, :2]).all():
        return _NOBODY
    low, high = -IN_FRAME_MARGIN, 1 + IN_FRAME_MARGIN
    xy = frame[_PART_POINTS, :2].ravel().tolist()  # x, y of each part's points in turn, as plain floats
    for part, start, count in _PART_SLICES:
        for v in xy[start : start + count]:
            if v < low or v > high:
                return part
    return None


def framing_text(problem: str | None) -> str:
    """What to tell the person about a framing problem from :func:`out_of_frame`."""
    if problem is None:
        return "Your whole body is in view."
    if problem == _NOBODY:
        return "The camera does not see you: step into view, with your whole body in the picture."
    return f"Your {problem} are out of the frame: move the camera back so your whole body shows."


def position_text(event: PositionMismatch) -> str:
    expected = " or ".join(_POSITION_WORDS.get(p, p) for p in event.expected)
    return f"This exercise is done {expected}; the camera sees you {_POSITION_WORDS.get(event.seen, event.seen)}."


def event_json(event: Event) -> JSONDict:
    """One analyzer event as a JSON-ready dict with a ``type`` (times in seconds, values in their units)."""
    if isinstance(event, Repetition):
        return {"type": "repetition", "count": event.index, "t": event.end, "peak": event.peak_value}
    if isinstance(event, Hold):
        return {"type": "hold", "seconds": event.duration, "start": event.start, "end": event.end}
    if isinstance(event, CheckFailed):
        return {
            "type": "fault",
            "text": event.text,
            "quantity": event.quantity,
            "t": event.time,
            "value": event.value,
            "op": event.op,
            "bound": event.bound,
        }
    if isinstance(event, ViewAdvice):
        return {"type": "view", "text": event.text, "quantity": event.quantity, "t": event.time}
    if isinstance(event, PositionMismatch):
        return {
            "type": "position",
            "text": position_text(event),
            "expected": list(event.expected),
            "seen": event.seen,
            "t": event.time,
        }
    return {  # Step
        "type": "step",
        "count": event.index,
        "side": event.side,
        "lift_ratio": event.lift_ratio,
        "pelvic_drop_deg": event.pelvic_drop_deg,
        "pelvis_dropped": event.pelvis_dropped,
    }


@dataclass
class LiveCoach:
    """One set watched live: ``feed(t, frame)`` returns the events it completes, :meth:`state` the live state."""

    exercise: Exercise
    aspect: float = 4 / 3
    analyzer: Analyzer = field(init=False)
    last_seq: int = -1
    last_t: float | None = None
    held_s: float = 0.0
    holds: int = 0
    faults: list[JSONDict] = field(default_factory=list)
    hold_start: float | None = None
    hold_now_s: float = 0.0
    framing: str | None = None
    _framing_candidate: tuple[str | None, float] | None = None
    finished: bool = False
    durable: bool = False
    """Its frames are stored (:mod:`backfit.services.live_store`): acks say how far (``stored_seq``)."""
    t0: float | None = None
    stored_seq: int = -1
    pending: list[codec.Recording] = field(default_factory=list)
    """Frames analysed but not stored yet (offsets from :attr:`t0`)."""

    def __post_init__(self) -> None:
        self.analyzer = Analyzer(self.exercise, self.aspect)

    def feed(self, t: float, frame: lm.FloatArray | None) -> list[JSONDict]:
        """One frame ``(33, 4)`` (or None: nobody seen) at ``t`` s; a frame cut by the image edge is not measured."""
        return self.feed_many([t], [frame])

    def feed_many(self, times: list[float], frames: list[lm.FloatArray | None]) -> list[JSONDict]:
        """Frames in time order (each ``(33, 4)`` or None) in one vectorised analyzer call; returns their events.

        The live hold state follows the last frame of the chunk.
        """
        raw = np.full((len(frames), 33, 4), np.nan)
        for i, frame in enumerate(frames):
            if frame is not None:
                raw[i] = frame
        if self.t0 is None:
            self.t0 = float(times[0])
        after = float(self.last_t - self.t0) if self.last_t is not None else None
        part = codec.Recording(
            self.t0,
            codec.quantize_offsets(np.asarray(times, dtype=np.float64) - self.t0, after),
            codec.quantize_landmarks(raw),
        )
        self.pending.append(part)
        return self.analyse(part)

    def analyse(self, part: codec.Recording) -> list[JSONDict]:
        """Analyse recorded frames (quantized: live analysis sees exactly what is stored); returns their events."""
        stamps = part.times()
        data = part.frames64()
        out: list[JSONDict] = []
        for i in range(part.frames):
            problem = out_of_frame(data[i])
            out += self._framing(float(stamps[i]), problem)
            if problem is not None:
                data[i] = np.nan
        if len(stamps) >= VECTOR_MIN_FRAMES:
            events = self.analyzer.update_many(stamps, data)
        else:  # a few frames: each on the analyzer's plain-float path, cheaper than numpy's per-call overhead
            events = [
                e for i in range(len(stamps)) for e in self.analyzer.update_many(stamps[i : i + 1], data[i : i + 1])
            ]
        self.last_t = float(stamps[-1])
        self._track_hold(self.last_t)
        return out + self._record(events)

    def take_pending(self) -> codec.Recording | None:
        """The frames not stored yet, as one part (and forget them: the caller stores them)."""
        if not self.pending or self.t0 is None:
            return None
        part = codec.concatenate(self.t0, self.pending)
        self.pending = []
        return part

    @classmethod
    def rebuilt(
        cls, exercise: Exercise, aspect: float, recording: codec.Recording, last_seq: int, finished: bool
    ) -> LiveCoach:
        """The coach of a stored live set: its frames run through the same analysis (events are not resent)."""
        coach = cls(exercise, aspect, durable=True)
        coach.t0 = recording.t0
        if recording.frames:
            coach.analyse(recording)
        coach.last_seq = coach.stored_seq = last_seq
        if finished:
            coach.finish()
        return coach

    def finish(self) -> list[JSONDict]:
        """End the set: a repetition still at the top counts if it reached the peak."""
        if self.finished:
            return []
        self.finished = True
        return self._record(self.analyzer.finish())

    def state(self) -> JSONDict:
        """Reps so far, whether the top position is held now and for how long (s), total held (s), view,
        framing, the seq of the last frame stored (the client keeps later ones to resend) and whether it ended."""
        holding = self.hold_start is not None and self.last_t is not None
        current = self.hold_now_s if holding else 0.0
        position = self.analyzer.position
        return {
            "reps": self.analyzer.repetitions,
            "holding": holding,
            "hold_s": round(current, 3),
            "held_s": round(self.held_s, 3),
            "holds": self.holds,
            "view": self.analyzer.view.value,
            "position": position.value if position is not None else None,
            "framing": self.framing,
            "stored_seq": self.stored_seq if self.durable else self.last_seq,
            "ended": self.finished,
        }

    def _track_hold(self, t: float) -> None:
        """The live hold timer: the same top position as the analysis's holds (:mod:`backfit.pose.holds`)."""
        machine = self.analyzer.machine
        span = machine.top_now()
        self.hold_start = machine.hold_start_time(span) if span is not None else None
        self.hold_now_s = span.duration if span is not None else 0.0

    def _framing(self, t: float, problem: str | None) -> list[JSONDict]:
        if problem == self.framing:
            self._framing_candidate = None
            return []
        if self._framing_candidate is None or self._framing_candidate[0] != problem:
            self._framing_candidate = (problem, t)
        if t - self._framing_candidate[1] < FRAMING_SETTLE_S:
            return []
        self.framing, self._framing_candidate = problem, None
        return [{"type": "framing", "ok": problem is None, "problem": problem, "text": framing_text(problem), "t": t}]

    def _record(self, events: list[Event]) -> list[JSONDict]:
        out = [event_json(e) for e in events]
        for e in out:
            if e["type"] == "hold":
                self.held_s += e["seconds"]
                self.holds += 1
            elif e["type"] == "fault":
                self.faults.append(e)
        return out


StreamKey = tuple[int, int, str]
"""(session id, item index, client-chosen stream id)."""


class LiveStreams:
    """Coaches by stream, kept ``keep_s`` seconds after their last use (at most ``limit``, oldest dropped first)."""

    def __init__(self, keep_s: float = 600.0, limit: int = 1000, clock: Callable[[], float] = time.monotonic) -> None:
        self.keep_s = keep_s
        self.limit = limit
        self.clock = clock
        self._coaches: OrderedDict[StreamKey, tuple[LiveCoach, float]] = OrderedDict()

    def get(self, key: StreamKey, make: Callable[[], LiveCoach]) -> tuple[LiveCoach, bool]:
        """The coach of ``key`` (and True when it resumes an earlier connection), or a new one from ``make``."""
        self._expire()
        found = self._coaches.pop(key, None)
        coach, resumed = (found[0], True) if found is not None else (make(), False)
        self._coaches[key] = (coach, self.clock())
        while len(self._coaches) > self.limit:
            self._coaches.popitem(last=False)
        return coach, resumed

    def peek(self, key: StreamKey) -> LiveCoach | None:
        """The coach this process holds for ``key`` (not expired), without using it."""
        self._expire()
        found = self._coaches.get(key)
        return found[0] if found is not None else None

    def put(self, key: StreamKey, coach: LiveCoach) -> None:
        """Hold ``coach`` for ``key`` (replacing any older one)."""
        self._coaches.pop(key, None)
        self._coaches[key] = (coach, self.clock())
        while len(self._coaches) > self.limit:
            self._coaches.popitem(last=False)

    def touch(self, key: StreamKey) -> None:
        found = self._coaches.get(key)
        if found is not None:
            self._coaches[key] = (found[0], self.clock())
            self._coaches.move_to_end(key)

    def drop(self, key: StreamKey) -> None:
        self._coaches.pop(key, None)

    def __len__(self) -> int:
        return len(self._coaches)

    def _expire(self) -> None:
        now = self.clock()
        while self._coaches:
            key, (_, used) = next(iter(self._coaches.items()))
            if now - used < self.keep_s:
                break
            del self._coaches[key]
