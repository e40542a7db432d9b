"""The schedule section of the settings page: the days, the time of day and the calendar reminder."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from backfit.services import profiles, schedule
from backfit.store import repositories as repo
from backfit.web.state import AppState, app_state

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(app_state)]
REMINDER_CHOICES = (0, 10, 15, 30, 60, 120)
"""Minutes before a session the settings form offers for the calendar reminder."""


def schedule_context(state: AppState, error: str | None = None, shown: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the settings page's schedule section shows: the schedule (or the values just
    submitted, with ``error``), the programme's sessions a week, and the choices offered."""
    with state.unit_of_work() as session:
        profile = repo.profile_by_name(session, profiles.DEFAULT_PROFILE)
        programme = repo.active_programme(session, profile.id) if profile else None
        current = schedule.schedule_for(session, profiles.DEFAULT_PROFILE) if profile else None
    values = shown or (
        {
            "weekdays": list(current.choice.weekdays),
            "time_of_day": current.choice.time_text,
            "reminder_minutes": current.choice.reminder_minutes,
        }
        if current
        else None
    )
    return {
        "schedule": current,
        "schedule_values": values,
        "schedule_sessions": len(programme.days) if programme else None,
        "schedule_error": error,
        "weekday_names": schedule.WEEKDAY_NAMES,
        "reminder_choices": REMINDER_CHOICES,
    }


@router.post("/settings/schedule")
async def save_schedule(request: Request, state: State) -> Any:
    form = await request.form()
    raw: dict[str, Any] = {
        "weekdays": [str(d) for d in form.getlist("weekdays")],
        "time_of_day": str(form.get("time_of_day", "")),
        "reminder_minutes": str(form.get("reminder_minutes", "")).strip(),
    }
    try:
        choice = schedule.parse_choice(raw)
        with state.unit_of_work() as session:
            schedule.save_schedule(session, profiles.DEFAULT_PROFILE, choice, now=state.now())
    except (schedule.ScheduleError, profiles.NotFound) as exc:
        from backfit.web.routes.settings_pages import settings_context  # the page this section belongs to

        return state.render(
            request,
            "settings.html",
            status_code=422,
            **settings_context(state),
            **schedule_context(state, error=str(exc).capitalize(), shown=raw),
        )
    return RedirectResponse("/settings?schedule=saved#schedule", status_code=303)
