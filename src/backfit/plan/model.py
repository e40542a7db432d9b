"""The planner's value types: prescriptions, planned sessions, programmes, logs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Literal

from backfit.catalog.schema import Dosage, Exercise

Side = Literal["both", "left", "right"]
SIDE_SWITCH_S = 5.0
"""Seconds to change sides between the two halves of a per-side set."""


@dataclass(frozen=True)
class Prescription:
    """What to do of one exercise: ``sets`` of ``reps`` repetitions (each with a
    ``pause_s`` at the top), or ``sets`` of ``hold_s``-second holds, or both
    (``reps`` holds of ``hold_s`` each). ``per_side``: each set is done once per side."""

    exercise_id: str
    sets: int
    reps: int | None
    hold_s: int | None
    rest_s: int
    per_side: bool = False
    up_s: float = 2.0
    pause_s: float = 2.0
    down_s: float = 2.0

    @classmethod
    def default_for(cls, exercise: Exercise) -> Prescription:
        return cls.from_dosage(exercise.id, exercise.dosage)

    @classmethod
    def from_dosage(cls, exercise_id: str, dosage: Dosage) -> Prescription:
        return cls(
            exercise_id=exercise_id,
            sets=dosage.sets,
            reps=dosage.reps,
            hold_s=dosage.hold_s,
            rest_s=dosage.rest_s,
            per_side=dosage.per_side,
            up_s=dosage.tempo.up_s,
            pause_s=dosage.tempo.pause_s,
            down_s=dosage.tempo.down_s,
        )

    def with_changes(self, **changes: int | None) -> Prescription:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def sides(self) -> tuple[Side, ...]:
        """The sides each set is done on: left and right for per-side work, else both at once."""
        return ("left", "right") if self.per_side else ("both",)

    def rep_seconds(self) -> float:
        """Seconds of one repetition: up, the pause (or the hold) at the top, down."""
        return self.up_s + (self.hold_s if self.hold_s is not None else self.pause_s) + self.down_s

    def side_seconds(self) -> float:
        """Seconds of work of one set on one side: the countdown of a work step."""
        if self.reps is not None:
            return self.reps * self.rep_seconds()
        return float(self.hold_s or 0)

    def set_seconds(self) -> float:
        """Seconds of one set: every side, with the side switch between them."""
        return len(self.sides) * self.side_seconds() + (len(self.sides) - 1) * SIDE_SWITCH_S

    def seconds(self) -> float:
        """Seconds of every set and the rests between them."""
        return self._seconds

    @cached_property
    def _seconds(self) -> float:
        return self.sets * self.set_seconds() + (self.sets - 1) * self.rest_s

    def side_done(self, reps: int | None, hold_s: float | None) -> bool:
        """Whether one side of one set was done in full (the prescribed reps and hold)."""
        return (self.reps is None or (reps or 0) >= self.reps) and (self.hold_s is None or (hold_s or 0) >= self.hold_s)

    def completed_sets(self, done: Iterable[SetLog]) -> int:
        """How many sets were done in full: a per-side set counts only when both sides are."""
        full = {(s.set_index, s.side) for s in done if self.side_done(s.reps, s.hold_s)}
        return sum(1 for i in range(self.sets) if all((i, side) in full for side in self.sides))

    def summary(self) -> str:
        if self.reps is not None and self.hold_s is not None:
            work = f"{self.reps} x {self.hold_s} s hold"
        elif self.reps is not None:
            work = f"{self.reps} reps"
        else:
            work = f"{self.hold_s} s hold"
        side = " each side" if self.per_side else ""
        return f"{self.sets} x {work}{side}, rest {self.rest_s} s"

    def in_words(self) -> str:
        """The dose as a sentence: "5 holds of 10 seconds." or
        "10 repetitions on each side, in 2 sets with 30 seconds' rest between them."."""
        if self.reps is not None and self.hold_s is not None:
            work = (
                f"{self.reps} holds of {self.hold_s} seconds" if self.reps != 1 else f"1 hold of {self.hold_s} seconds"
            )
        elif self.reps is not None:
            work = f"{self.reps} repetitions" if self.reps != 1 else "1 repetition"
        else:
            work = f"hold for {self.hold_s} seconds"
        side = " on each side" if self.per_side else ""
        if self.sets == 1:
            return f"{work[0].upper()}{work[1:]}{side}."
        work = f"{work[0].upper()}{work[1:]}{side}"
        if self.reps is not None:
            return f"{work}, in {self.sets} sets with {self.rest_s} seconds' rest between them."
        return f"{work}, {self.sets} times, with {self.rest_s} seconds' rest in between."


@dataclass(frozen=True)
class PlannedExercise:
    slot: str
    prescription: Prescription
    reason: str
    seconds: float


@dataclass(frozen=True)
class SessionPlan:
    weekday: str
    items: tuple[PlannedExercise, ...]
    notes: tuple[str, ...] = ()

    @property
    def seconds(self) -> float:
        return sum(i.seconds for i in self.items)

    @property
    def minutes(self) -> float:
        return self.seconds / 60


@dataclass(frozen=True)
class Programme:
    sessions: tuple[SessionPlan, ...]
    reasons: tuple[str, ...]
    minutes_budget: int


@dataclass(frozen=True)
class SetLog:
    """One performed set on one side: repetitions done and/or seconds held.
    ``set_index`` is 0-based; ``side`` is ``both`` unless the exercise is per side."""

    reps: int | None = None
    hold_s: float | None = None
    set_index: int = 0
    side: Side = "both"


@dataclass(frozen=True)
class ExerciseLog:
    """One exercise as performed in one session, with the responses to it.

    Pain is 0-10; ``rpe`` is the rating of perceived exertion 0-10;
    ``pain_next_morning`` may be filled in later by a check-in;
    ``radiating_symptoms``: pain spreading below the knee, numbness or tingling."""

    day: date
    prescription: Prescription
    sets: tuple[SetLog, ...]
    rpe: int
    pain_during: int
    pain_before: int | None = None
    pain_next_morning: int | None = None
    radiating_symptoms: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def exercise_id(self) -> str:
        return self.prescription.exercise_id

    def unfinished_sets(self) -> int:
        """Planned sets not done in full (missing sets and half-done per-side sets count too)."""
        return self.prescription.sets - self.prescription.completed_sets(self.sets)
