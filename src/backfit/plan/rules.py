"""The planner's rules as data: the programme template and the progression rules.

Both live in TOML files beside this module and are validated on load; code in
``generator`` and ``progression`` interprets them.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from backfit.catalog.loader import Catalog, CatalogError
from backfit.catalog.schema import Exercise, Family
from backfit.plan.intake import Experience

DATA_DIR = Path(__file__).with_name("data")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
"""Day codes as stored -> the day's name in words."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Slot(Strict):
    name: str
    purpose: str
    families: list[Family] = Field(min_length=1)
    optional: bool = False
    rotate: bool = False
    warm_up: bool = False


class NewPerson(Strict):
    max_sets: int = Field(ge=1)


class PainStepsDown(Strict):
    amber: int = Field(ge=0)
    red: int = Field(ge=0)


class ProgrammeRules(Strict):
    transition_s: int = Field(ge=0)
    min_sets: int = Field(ge=1)
    weekdays: dict[int, list[str]]
    entry: dict[Family, dict[Experience, str]]
    pain_steps_down: PainStepsDown
    new_person: NewPerson
    slots: list[Slot] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ProgrammeRules:
        for count, days in self.weekdays.items():
            if len(days) != count or len(set(days)) != count or not set(days) <= set(WEEKDAYS):
                raise ValueError(f"weekdays.{count}: needs {count} distinct day names from {', '.join(WEEKDAYS)}")
        for slot in self.slots:
            for family in slot.families:
                if family not in self.entry:
                    raise ValueError(f"slots.{slot.name}: no entry steps for family '{family.value}'")
        return self


class PainRules(Strict):
    green_max: int = Field(ge=0, le=10)
    amber_max: int = Field(ge=0, le=10)
    worse_next_morning_by: int = Field(ge=0, le=10)


class EffortRules(Strict):
    progress_max_rpe: int = Field(ge=0, le=10)
    maximal_min_rpe: int = Field(ge=0, le=10)


class Operation(StrEnum):
    reps = "reps"
    sets = "sets"
    hold = "hold"
    ladder = "ladder"


class ProgressStep(Strict):
    operation: Operation
    by: int = Field(default=1, ge=1)


class ProgressRules(Strict):
    sessions_in_a_row: int = Field(ge=1)
    steps: list[ProgressStep] = Field(min_length=1)


class RegressRules(Strict):
    reps_by: int = Field(ge=1)
    sets_by: int = Field(ge=1)
    hold_by: int = Field(ge=1)
    min_reps: int = Field(ge=1)
    min_hold_s: int = Field(ge=1)
    pain_free_sessions_to_return: int = Field(ge=1)


class Cap(Strict):
    """The most of each part of a dose (None: no cap of its own)."""

    reps: int | None = Field(default=None, ge=1)
    sets: int | None = Field(default=None, ge=1)
    hold_s: int | None = Field(default=None, ge=1)


class DefaultCap(Strict):
    reps: int = Field(ge=1)
    sets: int = Field(ge=1)
    hold_s: int = Field(ge=1)


class DoseCaps(Strict):
    """``data/caps.toml``: the default caps and each exercise's own."""

    default: DefaultCap
    exercise: dict[str, Cap] = {}

    def of(self, exercise_id: str) -> DefaultCap:
        """The caps of one exercise: its own where given, else the default."""
        own = self.exercise.get(exercise_id, Cap())
        return DefaultCap(
            reps=own.reps or self.default.reps,
            sets=own.sets or self.default.sets,
            hold_s=own.hold_s or self.default.hold_s,
        )


class ProgressionRules(Strict):
    pain: PainRules
    effort: EffortRules
    progress: ProgressRules
    regress: RegressRules

    @model_validator(mode="after")
    def _ordered(self) -> ProgressionRules:
        if not self.pain.green_max < self.pain.amber_max:
            raise ValueError("pain: green_max must be below amber_max")
        if not self.effort.progress_max_rpe < self.effort.maximal_min_rpe:
            raise ValueError("effort: progress_max_rpe must be below maximal_min_rpe")
        return self


M = TypeVar("M", bound=BaseModel)


def _load(model: type[M], path: Path) -> M:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return model.model_validate(raw)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path.name}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"field {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise CatalogError(f"{path.name}: {problems}") from exc


def check_against_catalog(rules: ProgrammeRules, catalog: Catalog) -> None:
    """Every entry step names an exercise of its family."""
    for family, steps in rules.entry.items():
        for experience, exercise_id in steps.items():
            ex = catalog.get(exercise_id)
            if ex is None or ex.ladder.family is not family:
                raise CatalogError(
                    f"programme.toml: field entry.{family.value}.{experience.value}: "
                    f"'{exercise_id}' is not an exercise of the {family.value} family"
                )


class Purposes(Strict):
    """``data/purposes.toml``: why each exercise is in a programme."""

    purpose: dict[str, str]

    def of(self, exercise: Exercise) -> str:
        """The exercise's purpose (an exercise of another catalog: what it works)."""
        return self.purpose.get(exercise.id) or f"work the {', '.join(exercise.targets)}"


def check_purposes_against_catalog(purposes: Purposes, catalog: Catalog) -> None:
    """Every exercise has a purpose, and every purpose names an exercise."""
    for exercise_id in purposes.purpose:
        if catalog.get(exercise_id) is None:
            raise CatalogError(f"purposes.toml: field purpose.{exercise_id}: no such exercise in the catalog")
    missing = sorted(set(catalog) - set(purposes.purpose))
    if missing:
        raise CatalogError(f"purposes.toml: no purpose for {', '.join(missing)}")


def check_caps_against_catalog(caps: DoseCaps, catalog: Catalog) -> None:
    """Every capped exercise exists, and every exercise's starting dose is within its caps."""
    for exercise_id in caps.exercise:
        if catalog.get(exercise_id) is None:
            raise CatalogError(f"caps.toml: field exercise.{exercise_id}: no such exercise in the catalog")
    for exercise in catalog.values():
        cap, dose = caps.of(exercise.id), exercise.dosage
        for name, value, limit in (
            ("sets", dose.sets, cap.sets),
            ("reps", dose.reps, cap.reps),
            ("hold_s", dose.hold_s, cap.hold_s),
        ):
            if value is not None and value > limit:
                raise CatalogError(f"caps.toml: {exercise.id} starts at {name} {value}, above its cap of {limit}")


def load_programme_rules(path: Path = DATA_DIR / "programme.toml") -> ProgrammeRules:
    return _load(ProgrammeRules, path)


def load_progression_rules(path: Path = DATA_DIR / "progression.toml") -> ProgressionRules:
    return _load(ProgressionRules, path)


def load_dose_caps(path: Path = DATA_DIR / "caps.toml") -> DoseCaps:
    return _load(DoseCaps, path)


def load_purposes(path: Path = DATA_DIR / "purposes.toml") -> Purposes:
    return _load(Purposes, path)


@cache
def default_purposes() -> Purposes:
    return load_purposes()


@cache
def default_dose_caps() -> DoseCaps:
    return load_dose_caps()


@cache
def default_programme_rules() -> ProgrammeRules:
    return load_programme_rules()


@cache
def default_progression_rules() -> ProgressionRules:
    return load_progression_rules()


PainZone = Literal["green", "amber", "red"]


def pain_zone(pain: int, rules: PainRules) -> PainZone:
    """The traffic light for a 0-10 pain score."""
    if pain <= rules.green_max:
        return "green"
    if pain <= rules.amber_max:
        return "amber"
    return "red"
