"""A state machine for one guided session: exercise -> set -> repetitions or hold
countdown -> rest -> next, with pause, resume, skip and end early.

Pure: no I/O. Time comes from ``clock`` (a callable returning seconds, any
origin); call :meth:`SessionEngine.tick` often. Finished sets and the answers
after each exercise are reported through ``on_event`` the moment they happen,
so a caller can store each one at once. Given the sets (and answers) already
stored, the engine resumes at the first unfinished set.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from backfit.plan.model import SIDE_SWITCH_S, Prescription, Side

LEAD_IN_S = 5.0
TRANSITION_S = 15.0


@dataclass(frozen=True)
class EngineItem:
    """One exercise of the session, as the engine needs it."""

    index: int
    exercise_id: str
    name: str
    cues: tuple[str, ...]
    prescription: Prescription


@dataclass(frozen=True)
class SetKey:
    """Which set: the item, the set number (0-based) and the side."""

    item_index: int
    set_index: int
    side: Side = "both"


@dataclass(frozen=True)
class FinishedSet:
    """One side of a set that ended: repetitions done and/or seconds held; ``completed``
    when that side was done in full (:meth:`Prescription.side_done`)."""

    key: SetKey
    exercise_id: str
    reps: int | None
    hold_s: float | None
    completed: bool


@dataclass(frozen=True)
class ExerciseAnswered:
    """Effort (RPE 0-10) and pain (0-10) after an exercise; None for both when it was skipped untouched."""

    item_index: int
    exercise_id: str
    rpe: int | None
    pain_during: int | None
    radiating_symptoms: bool
    skipped: bool


@dataclass(frozen=True)
class SessionEnded:
    ended_early: bool


Event = FinishedSet | ExerciseAnswered | SessionEnded


class StepPhase(StrEnum):
    work = "work"  # repetitions or a hold, counting down
    rest = "rest"  # rest before the next set (or exercise), counting down
    ask = "ask"  # waiting for effort and pain answers
    done = "done"


COUNTDOWNS = (StepPhase.work, StepPhase.rest)


@dataclass(frozen=True)
class Snapshot:
    """What to show now. Times in seconds."""

    phase: StepPhase
    paused: bool
    item: EngineItem | None
    set_key: SetKey | None
    sets_in_item: int
    remaining_s: float
    reps_done: int
    progress: float  # 0..1 over all sets of the session
    next_item: EngineItem | None


def units_of(item: EngineItem) -> list[SetKey]:
    """Every set of the item, one unit per side."""
    p = item.prescription
    return [SetKey(item.index, s, side) for s in range(p.sets) for side in p.sides]


class SessionEngine:
    """Drive one session. See the module docstring."""

    def __init__(
        self,
        items: Sequence[EngineItem],
        clock: Callable[[], float],
        on_event: Callable[[Event], None],
        *,
        done: Collection[SetKey] = (),
        answered: Collection[int] = (),
        lead_in_s: float = LEAD_IN_S,
        transition_s: float = TRANSITION_S,
    ) -> None:
        self.items = list(items)
        self._clock = clock
        self._emit = on_event
        self._transition_s = transition_s
        self._units = [u for item in self.items for u in units_of(item)]
        self._done: set[SetKey] = set(done)
        self._answered: set[int] = set(answered)
        self._ending = False
        self._paused_at: float | None = None
        self._phase = StepPhase.rest
        self._phase_start = clock()
        self._phase_length = lead_in_s
        self._unit: SetKey | None = None
        self._ask_item: int | None = None
        self._position(first=True)

    # -- navigation -------------------------------------------------------------
    def _item_units(self, index: int) -> list[SetKey]:
        return [u for u in self._units if u.item_index == index]

    def _position(self, *, first: bool = False) -> None:
        """Go to the next thing to do: an unanswered finished exercise, or the next unfinished set."""
        for item in self.items:
            if item.index in self._answered:
                continue
            pending = [u for u in self._item_units(item.index) if u not in self._done]
            if self._ending or not pending:
                if any(u in self._done for u in self._item_units(item.index)) or not pending:
                    self._start_ask(item.index)
                    return
                continue
            self._unit = pending[0]
            if not first:
                self._start(StepPhase.rest, self._rest_before(pending[0]))
            return
        self._finish()

    def _rest_before(self, unit: SetKey) -> float:
        previous = [u for u in self._item_units(unit.item_index) if u in self._done]
        if not previous:
            return self._transition_s
        if previous[-1].set_index == unit.set_index:
            return SIDE_SWITCH_S
        return float(self.items[unit.item_index].prescription.rest_s)

    def _start(self, phase: StepPhase, length: float, at: float | None = None) -> None:
        self._phase = phase
        self._phase_length = length
        self._phase_start = self._clock() if at is None else at

    def _start_ask(self, index: int) -> None:
        self._unit = None
        self._ask_item = index
        self._start(StepPhase.ask, math.inf)

    def _finish(self) -> None:
        if self._phase is not StepPhase.done:
            self._unit = None
            self._start(StepPhase.done, 0.0)
            self._emit(SessionEnded(ended_early=self._ending or len(self._done) < len(self._units)))

    # -- time -------------------------------------------------------------------
    def _elapsed(self) -> float:
        now = self._paused_at if self._paused_at is not None else self._clock()
        return max(0.0, now - self._phase_start)

    def tick(self) -> Snapshot:
        """Advance by the clock: end countdowns that ran out (several if time jumped)."""
        while self._paused_at is None and self._phase in (StepPhase.work, StepPhase.rest):
            elapsed = self._elapsed()
            if elapsed < self._phase_length:
                break
            end = self._phase_start + self._phase_length
            if self._phase is StepPhase.rest:
                assert self._unit is not None
                self._start(StepPhase.work, self.items[self._unit.item_index].prescription.side_seconds(), at=end)
            else:
                self._record(full=True, at=end)
        return self.snapshot()

    def _record(self, *, full: bool, at: float | None = None, reps: int | None = None) -> None:
        assert self._unit is not None
        unit = self._unit
        item = self.items[unit.item_index]
        p = item.prescription
        elapsed = self._phase_length if full else self._elapsed()
        rep_s = p.rep_seconds()
        counted = p.reps if full else min(p.reps or 0, int(elapsed // rep_s) if rep_s else 0)
        done_reps = None if p.reps is None else (reps if reps is not None else counted)
        if p.reps is not None and p.hold_s is not None:
            held: float | None = float(p.hold_s)
        elif p.hold_s is not None:
            held = float(p.hold_s) if full else round(min(elapsed, float(p.hold_s)), 1)
        else:
            held = None
        self._emit(FinishedSet(unit, item.exercise_id, done_reps, held, p.side_done(done_reps, held)))
        self._done.add(unit)
        pending = [u for u in self._item_units(unit.item_index) if u not in self._done]
        if pending:
            self._unit = pending[0]
            self._start(StepPhase.rest, self._rest_before(pending[0]), at=at)
        else:
            self._start_ask(unit.item_index)

    # -- commands ---------------------------------------------------------------
    def finish_set(self, reps: int | None = None) -> None:
        """The person ends the current set now (``reps``: how many they did, if counted)."""
        if self._phase is StepPhase.rest and self._unit is not None:
            self._start(StepPhase.work, self.items[self._unit.item_index].prescription.side_seconds())
            return
        if self._phase is StepPhase.work:
            self._record(full=False, reps=reps)

    def skip_rest(self) -> None:
        if self._phase is StepPhase.rest and self._paused_at is None and self._unit is not None:
            self._start(StepPhase.work, self.items[self._unit.item_index].prescription.side_seconds())

    def pause(self) -> None:
        if self._paused_at is None and self._phase in (StepPhase.work, StepPhase.rest):
            self._paused_at = self._clock()

    def resume(self) -> None:
        if self._paused_at is not None:
            self._phase_start += self._clock() - self._paused_at
            self._paused_at = None

    def skip_exercise(self) -> None:
        """Leave the current exercise's remaining sets undone."""
        if self._unit is None or self._phase not in (StepPhase.work, StepPhase.rest):
            return
        self.resume()
        index = self._unit.item_index
        if any(u in self._done for u in self._item_units(index)):
            self._start_ask(index)
        else:
            item = self.items[index]
            self._answered.add(index)
            self._emit(ExerciseAnswered(index, item.exercise_id, None, None, False, skipped=True))
            self._position()

    def end_early(self) -> None:
        """Stop the session; an exercise with sets done still gets its answers asked."""
        if self._phase is StepPhase.done:
            return
        self.resume()
        self._ending = True
        if self._phase is not StepPhase.ask:
            self._position()

    def answer(self, rpe: int, pain_during: int, radiating_symptoms: bool = False) -> None:
        """Effort and pain for the exercise just finished."""
        if self._phase is not StepPhase.ask or self._ask_item is None:
            raise RuntimeError("no exercise is waiting for answers")
        if not (0 <= rpe <= 10 and 0 <= pain_during <= 10):
            raise ValueError("effort and pain are 0-10")
        item = self.items[self._ask_item]
        untouched = not any(u in self._done for u in self._item_units(item.index))
        self._answered.add(item.index)
        self._ask_item = None
        self._emit(ExerciseAnswered(item.index, item.exercise_id, rpe, pain_during, radiating_symptoms, untouched))
        if radiating_symptoms:
            self._ending = True
        self._position()

    # -- view -------------------------------------------------------------------
    @property
    def phase(self) -> StepPhase:
        return self._phase

    def snapshot(self) -> Snapshot:
        index = self._unit.item_index if self._unit else self._ask_item
        item = self.items[index] if index is not None else None
        reps = 0
        if self._phase is StepPhase.work and item is not None and item.prescription.reps is not None:
            step = item.prescription.rep_seconds()
            reps = min(item.prescription.reps, int(self._elapsed() // step)) if step else 0
        later = [i for i in self.items if index is not None and i.index > index and i.index not in self._answered]
        return Snapshot(
            phase=self._phase,
            paused=self._paused_at is not None,
            item=item,
            set_key=self._unit,
            sets_in_item=len(self._item_units(item.index)) if item else 0,
            remaining_s=max(0.0, self._phase_length - self._elapsed()) if self._phase in COUNTDOWNS else 0.0,
            reps_done=reps,
            progress=len(self._done) / len(self._units) if self._units else 1.0,
            next_item=later[0] if later else None,
        )
