"""The planner's value types: prescriptions, planned sessions, programmes, logs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from backfit.catalog.schema import Dosage, Exercise


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

    def set_seconds(self) -> float:
        """Estimated working time of one set (both sides when ``per_side``)."""
        if self.reps is not None and self.hold_s is not None:
            work = self.reps * (self.up_s + self.hold_s + self.down_s)
        elif self.reps is not None:
            work = self.reps * (self.up_s + self.pause_s + self.down_s)
        else:
            work = float(self.hold_s or 0)
        return work * (2 if self.per_side else 1)

    def seconds(self) -> float:
        """Estimated time of every set and the rests between them."""
        return self.sets * self.set_seconds() + (self.sets - 1) * self.rest_s

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
    """One performed set: repetitions done and/or seconds held."""

    reps: int | None = None
    hold_s: float | None = None


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
        """Planned sets not done in full (missing sets count too)."""
        p = self.prescription
        short = sum(
            1
            for s in self.sets
            if (p.reps is not None and (s.reps or 0) < p.reps) or (p.hold_s is not None and (s.hold_s or 0) < p.hold_s)
        )
        return short + max(0, p.sets - len(self.sets))
