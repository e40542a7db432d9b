"""The schedule in the JSON API: GET and PUT /api/schedule (the settings page's section, for scripts)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from backfit.services import schedule
from backfit.web.auth import PersonDep
from backfit.web.routes.api import ERRORS
from backfit.web.state import AppState, app_state

router = APIRouter(prefix="/api", tags=["api"])
State = Annotated[AppState, Depends(app_state)]


class ScheduleRead(BaseModel):
    weekdays: list[str]
    time_of_day: str
    reminder_minutes: int
    chosen: bool
    description: str


def schedule_read(current: schedule.Schedule) -> ScheduleRead:
    choice = current.choice
    return ScheduleRead(
        weekdays=list(choice.weekdays),
        time_of_day=choice.time_text,
        reminder_minutes=choice.reminder_minutes,
        chosen=current.chosen,
        description=choice.describe(),
    )


@router.get("/schedule", response_model=ScheduleRead, responses=ERRORS)
def get_schedule(state: State, person: PersonDep) -> ScheduleRead:
    """When the person exercises: the chosen days, local time of day and reminder (or the defaults)."""
    with state.unit_of_work() as session:
        return schedule_read(schedule.schedule_for(session, person))


@router.put("/schedule", response_model=ScheduleRead, responses=ERRORS)
def put_schedule(state: State, person: PersonDep, choice: schedule.ScheduleChoice) -> ScheduleRead:
    """Choose the days (one per session of the week), time (HH:MM) and reminder; upcoming sessions move."""
    with state.unit_of_work() as session:
        try:
            schedule.save_schedule(session, person, choice, now=state.now())
        except schedule.ScheduleError as exc:
            raise HTTPException(422, str(exc)) from None
        return schedule_read(schedule.schedule_for(session, person))
