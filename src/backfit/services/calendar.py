"""The upcoming sessions as an RFC 5545 iCalendar: each at the person's time of day on
its date, lasting the session's minutes, with the exercises by name and a reminder."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from backfit import __version__
from backfit.catalog.loader import Catalog
from backfit.services import profiles, schedule
from backfit.services.programmes import ProgrammeDayRead, programme_read
from backfit.services.safety import DISCLAIMER
from backfit.store import repositories as repo
from backfit.store.models import PerformedSession, ScheduledSession

CALENDAR_WEEKS = 8


def session_minutes(day: ProgrammeDayRead) -> int:
    """Whole minutes of the session as it will be done (stopped exercises left out), at least 1."""
    return max(1, math.ceil(sum(i.minutes for i in day.items if not i.stopped)))


def event_description(day: ProgrammeDayRead) -> str:
    lines = [f"{item.name}: {item.dose_words}" for item in day.items if not item.stopped]
    stopped = [item.name for item in day.items if item.stopped]
    if stopped:
        lines.append(f"Stopped until a clinician has advised you: {', '.join(stopped)}.")
    lines += ["", "Stop an exercise that hurts above 5/10 or sends pain below the knee.", DISCLAIMER]
    return "\n".join(lines)


def upcoming(session: Session, programme_id: int, today: date, weeks: int) -> list[ScheduledSession]:
    performed = select(PerformedSession.scheduled_session_id).where(PerformedSession.scheduled_session_id.is_not(None))
    return list(
        session.scalars(
            select(ScheduledSession)
            .where(
                ScheduledSession.programme_id == programme_id,
                ScheduledSession.scheduled_on >= today,
                ScheduledSession.scheduled_on < today + timedelta(weeks=weeks),
                ScheduledSession.id.not_in(performed),
            )
            .order_by(ScheduledSession.scheduled_on)
        )
    )


def export_calendar(
    session: Session,
    *,
    catalog: Catalog,
    transition_s: float,
    now: datetime,
    name: str,
    weeks: int = CALENDAR_WEEKS,
) -> bytes:
    """The next ``weeks`` of sessions not done yet; times are local ("floating"): a session at
    07:30 stays at 07:30 wherever the calendar is. Raises ``NotFound`` for an unknown profile."""
    profile = repo.require_profile(session, name)
    calendar = Calendar()
    calendar.add("prodid", f"-//backfit//backfit {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"backfit: {name}")
    try:
        view = profiles.current_programme(session, name)
    except profiles.NoProgramme:
        return bytes(calendar.to_ical())
    days = programme_read(view, catalog, transition_s).days
    choice = schedule.schedule_for(session, name).choice
    for scheduled in upcoming(session, view.programme.id, now.date(), weeks):
        day = days[scheduled.day_index]
        minutes = session_minutes(day)
        start = schedule.session_start(scheduled.scheduled_on, choice)
        event = Event()
        event.add("uid", f"backfit-{profile.id}-{scheduled.id}@backfit.local")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=minutes))
        count = sum(1 for i in day.items if not i.stopped)
        event.add("summary", f"backfit: back and hamstring exercises ({count} exercises, {minutes} min)")
        event.add("description", event_description(day))
        if choice.reminder_minutes:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"backfit session in {choice.reminder_minutes} minutes")
            alarm.add("trigger", timedelta(minutes=-choice.reminder_minutes))
            event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
