"""Settings and data: answers (profile, schedule, equipment), this device's voice and text
size, export, import (replacing data only after asking) and deleting everything."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from backfit.plan.rules import WEEKDAY_NAMES
from backfit.services import exports, policy, profiles, schedule
from backfit.services.policy import Actor
from backfit.store.errors import DataPresent, ImportRejected
from backfit.web.auth import ActorDep, PersonDep
from backfit.web.routes.api import restore_backup
from backfit.web.routes.onboarding import latest_answers
from backfit.web.state import AppState, app_state

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(app_state)]


REMINDER_CHOICES = (0, 10, 15, 30, 60, 120)
"""Minutes before a session the settings form offers for the calendar reminder."""


def schedule_context(
    state: AppState, person: str, error: str | None = None, shown: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the settings page's schedule section shows: the schedule (or the values just
    submitted, with ``error``), the programme's sessions a week, and the choices offered."""
    with state.unit_of_work() as session:
        current, per_week = schedule.settings_view(session, person)
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
        "schedule_sessions": per_week,
        "schedule_error": error,
        "weekday_names": WEEKDAY_NAMES,
        "reminder_choices": REMINDER_CHOICES,
    }


def settings_context(state: AppState, actor: Actor, person: str) -> dict[str, Any]:
    """What every rendering of the settings page shows."""
    whole = policy.may_use_whole_database(actor)
    return {
        "answers": latest_answers(state, person),
        "data_dir": state.settings.data_dir if whole else None,
        "stored": stored(state) if whole else None,
    }


def stored(state: AppState) -> dict[str, int]:
    with state.unit_of_work() as session:
        return exports.stored_counts(session)


def render_settings(
    request: Request, state: AppState, actor: Actor, person: str, status_code: int = 200, **context: Any
) -> Any:
    return state.render(
        request,
        "settings.html",
        status_code=status_code,
        **settings_context(state, actor, person),
        **schedule_context(state, person),
        **context,
    )


@router.get("/settings")
def settings_page(request: Request, state: State, actor: ActorDep, person: PersonDep) -> Any:
    return render_settings(request, state, actor, person)


@router.post("/settings/import")
async def import_file(request: Request, state: State, actor: ActorDep, person: PersonDep, backup: UploadFile) -> Any:
    policy.require_whole_database(actor)
    form = await request.form()
    replace = form.get("replace") == "yes"
    confirmed = form.get("confirm_replace") == "yes"
    raw = await backup.read()  # the request's size is bounded by web/security.py
    if replace and not confirmed and any(stored(state).values()):
        # replacing deletes what is here: ask first (the file is chosen again with the answer)
        return render_settings(request, state, actor, person, status_code=409, confirm_replace=True)
    try:
        counts = await run_in_threadpool(restore_backup, state, raw, replace)
    except DataPresent:
        message = "backfit here already holds data, so the backup was not imported. To use it instead, tick "
        message += "'Replace the data here' (backfit will ask you to confirm)."
        return render_settings(request, state, actor, person, status_code=409, error=message)
    except ImportRejected as exc:
        return render_settings(
            request, state, actor, person, status_code=422, error=f"{str(exc)[0].upper()}{str(exc)[1:]}."
        )
    restored = sum(counts.values())
    return RedirectResponse(f"/settings?restored={restored}", status_code=303)


@router.get("/settings/delete")
def delete_page(request: Request, state: State, actor: ActorDep) -> Any:
    policy.require_whole_database(actor)
    return state.render(request, "delete.html", stored=stored(state), problem=None)


@router.post("/settings/delete")
def delete_everything(request: Request, state: State, actor: ActorDep, confirm: Annotated[str, Form()] = "") -> Any:
    policy.require_whole_database(actor)
    if confirm != "yes":
        problem = "Nothing was deleted: tick the box to confirm that everything should go."
        return state.render(request, "delete.html", status_code=422, stored=stored(state), problem=problem)
    with state.unit_of_work() as session:
        exports.delete_everything(session)
    return RedirectResponse("/?deleted=1", status_code=303)


@router.post("/settings/schedule")
async def save_schedule(request: Request, state: State, actor: ActorDep, person: PersonDep) -> Any:
    form = await request.form()
    raw: dict[str, Any] = {
        "weekdays": [str(d) for d in form.getlist("weekdays")],
        "time_of_day": str(form.get("time_of_day", "")),
        "reminder_minutes": str(form.get("reminder_minutes", "")).strip(),
    }
    try:
        choice = schedule.parse_choice(raw)
        with state.unit_of_work() as session:
            schedule.save_schedule(session, person, choice, now=state.now())
    except (schedule.ScheduleError, profiles.NotFound) as exc:
        return state.render(
            request,
            "settings.html",
            status_code=422,
            **settings_context(state, actor, person),
            **schedule_context(state, person, error=str(exc).capitalize(), shown=raw),
        )
    return RedirectResponse("/settings?schedule=saved#schedule", status_code=303)
