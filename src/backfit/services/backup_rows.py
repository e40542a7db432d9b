"""What a backup's values may be, column by column: the same types and ranges as
the API's payloads (:mod:`backfit.services.values`) and the intake, so an imported
backup holds nothing the app itself would refuse to store (and no page fails on it)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from backfit.catalog.schema import Equipment
from backfit.plan.intake import Intake, RedFlag
from backfit.services import recording_codec as codec
from backfit.services import schedule
from backfit.services import values as v

MAX_JSON_DEPTH = 16
"""JSON columns nest a few levels (a plan's item's prescription); deeper is not backfit's."""
Name = Annotated[str, StringConstraints(min_length=1, max_length=120), v.Clean]
Word = Annotated[str, StringConstraints(min_length=1, max_length=80), v.Clean]
Sentence = Annotated[str, StringConstraints(max_length=2000), v.Clean]
Words = Annotated[list[Sentence], Field(max_length=200)]
Seconds = Annotated[float, Field(ge=0, le=600, allow_inf_nan=False)]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PrescriptionValue(Row):
    exercise_id: Word
    sets: Annotated[int, Field(ge=1, le=v.MAX_SETS)]
    reps: v.Reps | None
    hold_s: Annotated[int, Field(ge=0, le=v.MAX_HOLD_S)] | None
    rest_s: Annotated[int, Field(ge=0, le=600)]
    per_side: bool
    up_s: Seconds
    pause_s: Seconds
    down_s: Seconds


class DecidedPrescription(PrescriptionValue):
    """A progression decision's dose before (or after) it, with whether the exercise was stopped then
    (services/coaching.py keeps it, so that undoing a morning revision restores a stop)."""

    stopped: bool = False


class PlanItem(Row):
    key: Name
    slot: Word
    name: Name
    family: Word
    step: Annotated[int, Field(ge=0, le=100)]
    prescription: PrescriptionValue


class DayItem(Row):
    key: Name
    slot: Word
    reason: Sentence


class Day(Row):
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]  # plan.rules.WEEKDAYS
    items: Annotated[list[DayItem], Field(max_length=v.MAX_ITEMS)]
    notes: Words


def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


COLUMN_TYPES: dict[tuple[str, str], TypeAdapter[Any]] = {
    ("intakes", "answers"): _adapter(Intake),
    ("intakes", "red_flags"): _adapter(list[RedFlag]),
    ("programmes", "minutes_budget"): _adapter(Annotated[int, Field(ge=1, le=600)]),
    ("programmes", "reasons"): _adapter(Words),
    ("programmes", "days"): _adapter(Annotated[list[Day], Field(min_length=1, max_length=7)]),
    ("programmes", "owned_equipment"): _adapter(list[Equipment]),
    ("current_prescriptions", "sets"): _adapter(Annotated[int, Field(ge=1, le=v.MAX_SETS)]),
    ("current_prescriptions", "reps"): _adapter(v.Reps | None),
    ("current_prescriptions", "hold_s"): _adapter(Annotated[int, Field(ge=0, le=v.MAX_HOLD_S)] | None),
    ("current_prescriptions", "rest_s"): _adapter(Annotated[int, Field(ge=0, le=600)]),
    ("current_prescriptions", "up_s"): _adapter(Seconds),
    ("current_prescriptions", "pause_s"): _adapter(Seconds),
    ("current_prescriptions", "down_s"): _adapter(Seconds),
    ("scheduled_sessions", "day_index"): _adapter(Annotated[int, Field(ge=0, le=6)]),
    ("performed_sessions", "plan"): _adapter(Annotated[list[PlanItem], Field(min_length=1, max_length=v.MAX_ITEMS)]),
    ("performed_sessions", "status"): _adapter(v.SessionStatus),
    ("sets", "item_index"): _adapter(v.ItemIndex),
    ("sets", "set_index"): _adapter(v.SetIndex),
    ("sets", "side"): _adapter(v.Side),
    ("sets", "reps"): _adapter(v.Reps | None),
    ("sets", "hold_s"): _adapter(v.HoldSeconds | None),
    ("sets", "rpe"): _adapter(v.Effort | None),
    ("sets", "pain_during"): _adapter(v.Pain | None),
    ("sets", "source"): _adapter(v.Source | None),
    ("sets", "faults"): _adapter(v.Faults | None),
    ("exercise_results", "item_index"): _adapter(v.ItemIndex),
    ("exercise_results", "rpe"): _adapter(v.Effort | None),
    ("exercise_results", "pain_during"): _adapter(v.Pain | None),
    ("checkins", "moment"): _adapter(v.CheckInMoment),
    ("checkins", "pain"): _adapter(v.Pain),
    ("psfs_ratings", "activity"): _adapter(v.PsfsName),
    ("psfs_ratings", "rating"): _adapter(v.PsfsRating),
    ("progression_decisions", "reasons"): _adapter(Words),
    ("progression_decisions", "before"): _adapter(DecidedPrescription),
    ("progression_decisions", "after"): _adapter(DecidedPrescription),
    ("progression_decisions", "step"): _adapter(Annotated[int, Field(ge=0, le=100)]),
    ("set_recordings", "item_index"): _adapter(v.ItemIndex | None),
    ("set_recordings", "stream"): _adapter(Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]),
    ("set_recordings", "origin"): _adapter(Literal["live", "video"]),
    ("set_recordings", "exercise_id"): _adapter(Word),
    ("set_recordings", "aspect"): _adapter(Annotated[float, Field(gt=0.2, lt=5.0, allow_inf_nan=False)]),
    ("set_recordings", "frames"): _adapter(Annotated[int, Field(ge=0)]),
    ("set_recordings", "events"): _adapter(Annotated[list[dict[str, Any]], Field(max_length=10_000)] | None),
    ("recording_chunks", "frames"): _adapter(Annotated[int, Field(ge=1)]),
    ("current_prescriptions", "max_step"): _adapter(Annotated[int, Field(ge=0, le=100)] | None),
    ("intakes", "cleared_by"): _adapter(Name | None),
    ("intakes", "clearance_reason"): _adapter(Sentence | None),
    ("programme_pauses", "cleared_by"): _adapter(Name | None),
    ("programme_pauses", "clearance_reason"): _adapter(Sentence | None),
    ("clinician_changes", "clinician_name"): _adapter(Name),
    ("clinician_changes", "kind"): _adapter(
        Literal["assign", "swap", "dose", "hold", "release", "approval", "approve", "decline", "clear"]
    ),
    ("clinician_changes", "key"): _adapter(Name | None),
    ("clinician_changes", "change"): _adapter(Sentence),
    ("clinician_changes", "reason"): _adapter(Sentence),
    ("pending_progressions", "key"): _adapter(Name),
    ("pending_progressions", "change"): _adapter(Sentence | None),
    ("pending_progressions", "reasons"): _adapter(Words),
    ("pending_progressions", "before"): _adapter(DecidedPrescription),
    ("pending_progressions", "after"): _adapter(DecidedPrescription),
    ("pending_progressions", "outcome"): _adapter(Literal["approved", "declined"] | None),
    ("pending_progressions", "decided_by"): _adapter(Name | None),
}
"""Columns whose values have a range or a shape beyond their SQL type."""


def _check_weekdays(value: Any) -> None:
    if not isinstance(value, list) or not value:
        raise ValueError("not a list of days")
    if list(schedule.parse_choice({"weekdays": value}).weekdays) != value:
        raise ValueError("not day codes in week order")


def _check_time_of_day(value: Any) -> None:
    if (
        not isinstance(value, str)
        or schedule.parse_choice({"weekdays": ["mon"], "time_of_day": value}).time_text != value
    ):
        raise ValueError("not a time of day written HH:MM")


def _check_reminder(value: Any) -> None:
    schedule.parse_choice({"weekdays": ["mon"], "reminder_minutes": value})


def _check_times(value: Any) -> None:
    """Binary columns are checked on their decoded bytes (the base64 text is checked as JSON first)."""
    if isinstance(value, bytes):
        offsets = codec.decode_times(value)
        if offsets.shape[0] and (not np.isfinite(offsets).all() or (np.diff(offsets) <= 0).any()):
            raise ValueError("recording times must be finite and strictly increasing")


def _check_landmarks(value: Any) -> None:
    if isinstance(value, bytes):
        codec.decode_landmarks(value)


COLUMN_CHECKS: dict[tuple[str, str], Callable[[Any], None]] = {
    ("set_recordings", "times"): _check_times,
    ("set_recordings", "landmarks"): _check_landmarks,
    ("recording_chunks", "times"): _check_times,
    ("recording_chunks", "landmarks"): _check_landmarks,
    ("schedule_preferences", "weekdays"): _check_weekdays,
    ("schedule_preferences", "time_of_day"): _check_time_of_day,
    ("schedule_preferences", "reminder_minutes"): _check_reminder,
}
"""Columns checked by the same parser that reads a person's choice (the schedule), not by a type."""


def check_json(value: Any, depth: int = 0) -> None:
    """Any JSON value: nested at most :data:`MAX_JSON_DEPTH` deep, integers that fit 64 bits,
    finite numbers, text without control characters (raises ValueError)."""
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, dict):
        for key, item in value.items():
            check_json(key, depth + 1)
            check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_json(item, depth + 1)
    elif isinstance(value, str):
        v.no_control_characters(value)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > v.DB_INT_MAX:
            raise ValueError("an integer larger than 64 bits")
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number")


def check_column(table: str, column: str, value: Any) -> None:
    """Raise ValueError when ``value`` is not one the app would store in ``table.column``."""
    check_json(value)
    check = COLUMN_CHECKS.get((table, column))
    if check is not None:
        check(value)
    adapter = COLUMN_TYPES.get((table, column))
    if adapter is None:
        return
    try:
        adapter.validate_python(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{where}: {first['msg']}" if where else first["msg"]) from None
