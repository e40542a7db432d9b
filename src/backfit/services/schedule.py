"""When a person exercises: weekdays, a local time of day and a reminder lead time.

Stored per profile; the programme's sessions are put on the chosen weekdays (in
session order), and the calendar export places each at the chosen time with an
alarm. A profile without a choice uses the programme's weekdays and the defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backfit.plan.rules import WEEKDAY_NAMES, WEEKDAYS
from backfit.store import repositories as repo
from backfit.store.models import PerformedSession, ProgrammeRecord, ScheduledSession, SchedulePreference

DEFAULT_TIME = time(18, 0)
TIME_PATTERN = re.compile(r"(\d{1,2})[:.h](\d{2})")
DEFAULT_REMINDER_MINUTES = 30
MAX_REMINDER_MINUTES = 24 * 60


FIELD_WORDS: dict[str, tuple[str, str]] = {
    "weekdays": ("days", "name one to seven days of the week, e.g. mon,wed,fri"),
    "time_of_day": ("time of day", "write it as HH:MM, e.g. 07:30 or 18:00"),
    "reminder_minutes": ("reminder", f"a whole number of minutes from 0 (none) to {MAX_REMINDER_MINUTES}"),
}
"""Field -> (its name for people, what a valid answer looks like)."""


SCHEDULE_WEEKS = 8
"""How far ahead sessions are put on the calendar."""


class ScheduleError(ValueError):
    """A schedule choice that cannot be used; the message says why, in a person's words."""


class ScheduleChoice(BaseModel):
    """A schedule as a person gives it (CLI options, the settings form, a backup row)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weekdays: tuple[str, ...] = Field(min_length=1, max_length=7, description="Day codes, 'mon' ... 'sun'.")
    time_of_day: time = Field(default=DEFAULT_TIME, description="Local time, HH:MM (24-hour).")
    reminder_minutes: int = Field(default=DEFAULT_REMINDER_MINUTES, ge=0, le=MAX_REMINDER_MINUTES)

    @field_validator("weekdays", mode="before")
    @classmethod
    def _days(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part for part in value.replace(" ", ",").split(",") if part]
        if not isinstance(value, list | tuple):
            return value
        days = []
        for raw in value:
            given = str(raw).strip().lower()
            code = given[:3]
            if code not in WEEKDAYS or not WEEKDAY_NAMES[code].lower().startswith(given):
                raise ValueError(f"{raw!r} is not a day of the week (use mon, tue, wed, thu, fri, sat, sun)")
            days.append(code)
        if len(set(days)) != len(days):
            raise ValueError("a day is named twice")
        return tuple(sorted(days, key=WEEKDAYS.index))

    @field_validator("time_of_day", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = TIME_PATTERN.fullmatch(value.strip())
            if match is None or int(match[1]) > 23 or int(match[2]) > 59:
                raise ValueError(f"{value!r} is not a time of day: write it as HH:MM, e.g. 07:30 or 18:00")
            return time(int(match[1]), int(match[2]))
        return value

    @property
    def time_text(self) -> str:
        return f"{self.time_of_day:%H:%M}"

    def describe(self) -> str:
        """E.g. 'Monday, Wednesday and Friday at 18:00, reminder 30 minutes before'."""
        days = day_list(self.weekdays)
        reminder = f"a reminder {self.reminder_minutes} minutes before" if self.reminder_minutes else "no reminder"
        return f"{days} at {self.time_text}, {reminder}"


def parse_choice(raw: dict[str, Any]) -> ScheduleChoice:
    """A validated choice; raises :class:`ScheduleError` with one line naming what is wrong."""
    try:
        return ScheduleChoice.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            label, help_text = FIELD_WORDS.get(field, (field or "schedule", error["msg"]))
            detail = str(error["msg"]).removeprefix("Value error, ") if error["type"] == "value_error" else help_text
            problems.append(f"{label}: {detail}")
        raise ScheduleError("; ".join(problems)) from None


@dataclass(frozen=True)
class Schedule:
    """The schedule in use for a profile; ``chosen`` is False when these are the defaults."""

    choice: ScheduleChoice
    chosen: bool


def _stored(session: Session, profile_id: int) -> SchedulePreference | None:
    return session.scalars(select(SchedulePreference).where(SchedulePreference.profile_id == profile_id)).one_or_none()


def _programme_weekdays(programme: ProgrammeRecord | None) -> tuple[str, ...]:
    if programme is None:
        return ("mon", "wed", "fri")
    return tuple(sorted((d["weekday"] for d in programme.days), key=WEEKDAYS.index))


def schedule_for(session: Session, name: str) -> Schedule:
    """The profile's schedule: its stored choice, or the programme's weekdays with the default time."""
    profile = repo.require_profile(session, name)
    row = _stored(session, profile.id)
    if row is not None:
        return Schedule(
            ScheduleChoice(
                weekdays=tuple(row.weekdays),
                time_of_day=time.fromisoformat(row.time_of_day),
                reminder_minutes=row.reminder_minutes,
            ),
            chosen=True,
        )
    programme = repo.active_programme(session, profile.id)
    return Schedule(ScheduleChoice(weekdays=_programme_weekdays(programme)), chosen=False)


def check_fits(choice: ScheduleChoice, programme: ProgrammeRecord | None) -> None:
    """Raise :class:`ScheduleError` unless the choice names one day per session of the programme's week."""
    if programme is None:
        return
    sessions = len(programme.days)
    if len(choice.weekdays) != sessions:
        raise ScheduleError(
            f"your programme has {sessions} session{'s' if sessions != 1 else ''} a week, so choose "
            f"{sessions} day{'s' if sessions != 1 else ''}, not {len(choice.weekdays)} "
            "(change the number of sessions by answering the intake again)"
        )


def save_schedule(session: Session, name: str, choice: ScheduleChoice, *, now: datetime) -> ScheduleChoice:
    """Store the profile's choice and move its upcoming sessions onto the chosen weekdays.

    Raises :class:`ScheduleError` when the days do not match the programme's sessions
    a week, and ``NotFound`` for an unknown profile."""
    profile = repo.require_profile(session, name)
    programme = repo.active_programme(session, profile.id)
    check_fits(choice, programme)
    row = _stored(session, profile.id)
    if row is None:
        row = SchedulePreference(profile_id=profile.id)
        session.add(row)
    row.weekdays = list(choice.weekdays)
    row.time_of_day = choice.time_text
    row.reminder_minutes = choice.reminder_minutes
    row.updated_at = now
    session.flush()
    if programme is not None:
        place_programme(session, programme, choice.weekdays, today=now.date())
    return choice


def place_programme(session: Session, programme: ProgrammeRecord, weekdays: tuple[str, ...], *, today: date) -> None:
    """Put the programme's sessions (in order) on ``weekdays`` and reschedule what is still to come.

    Sessions already done keep their dates; upcoming ones from ``today`` are planned again."""
    if len(weekdays) != len(programme.days):
        return
    programme.days = [{**day, "weekday": weekday} for day, weekday in zip(programme.days, weekdays, strict=True)]
    programme.reasons = [days_reason(weekdays) if is_days_reason(r) else r for r in programme.reasons]
    performed = select(PerformedSession.scheduled_session_id).where(PerformedSession.scheduled_session_id.is_not(None))
    session.execute(
        delete(ScheduledSession).where(
            ScheduledSession.programme_id == programme.id,
            ScheduledSession.scheduled_on >= today,
            ScheduledSession.id.not_in(performed),
        )
    )
    session.flush()
    extend_schedule(session, programme, today, today + timedelta(weeks=SCHEDULE_WEEKS))


def day_list(weekdays: tuple[str, ...] | list[str]) -> str:
    """'Monday, Wednesday and Friday'."""
    names = [WEEKDAY_NAMES[d] for d in weekdays]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def is_days_reason(reason: str) -> bool:
    """The programme's reason that says which days its sessions are on (written by the generator)."""
    return re.match(r"\d+ sessions? a week, on ", reason) is not None


def days_reason(weekdays: tuple[str, ...]) -> str:
    """The same reason for the person's own days, saying whether a rest day falls between sessions."""
    count = f"{len(weekdays)} session{'s' if len(weekdays) > 1 else ''}"
    indices = sorted(WEEKDAYS.index(d) for d in weekdays)
    gaps = [(b - a) for a, b in zip(indices, [*indices[1:], indices[0] + 7], strict=True)]
    rest = ", with a rest day between sessions" if len(weekdays) > 1 and min(gaps) >= 2 else ""
    return f"{count} a week, on {day_list(weekdays)} (your choice){rest}."


def session_start(day: date, choice: ScheduleChoice) -> datetime:
    """The local (floating, no time zone) start of a session on ``day``."""
    return datetime.combine(day, choice.time_of_day)


def weekdays_for_new_programme(session: Session, profile_id: int, planned: list[str], *, now: datetime) -> list[str]:
    """The weekdays a newly built programme's sessions go on: the person's chosen days when
    they name one day per session, else the generator's ``planned`` days (and the stored
    choice follows them, keeping its time and reminder)."""
    row = _stored(session, profile_id)
    if row is None:
        return planned
    if len(row.weekdays) == len(planned):
        return list(row.weekdays)
    row.weekdays = sorted(planned, key=WEEKDAYS.index)
    row.updated_at = now
    return planned


def extend_schedule(session: Session, programme: ProgrammeRecord, start: date, until: date) -> int:
    """Schedule the programme's sessions on their weekdays from ``start`` (or after
    the last scheduled day) up to (not including) ``until``; returns how many were added."""
    last = repo.last_scheduled_day(session, programme.id)
    day = max(start, last + timedelta(days=1)) if last else start
    by_weekday = {WEEKDAYS.index(d["weekday"]): i for i, d in enumerate(programme.days)}
    added = 0
    while day < until:
        index = by_weekday.get(day.weekday())
        if index is not None:
            session.add(
                ScheduledSession(
                    profile_id=programme.profile_id, programme_id=programme.id, day_index=index, scheduled_on=day
                )
            )
            added += 1
        day += timedelta(days=1)
    session.flush()
    return added


def settings_view(session: Session, name: str) -> tuple[Schedule | None, int | None]:
    """The schedule in use and the programme's sessions a week, for the settings page
    (both None before the person's first intake)."""
    profile = repo.profile_by_name(session, name)
    if profile is None:
        return None, None
    programme = repo.active_programme(session, profile.id)
    return schedule_for(session, name), len(programme.days) if programme else None
