"""Today and the guided session player."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import RedirectResponse

from backfit.services import player, profiles, sessions
from backfit.services.history import session_faults
from backfit.services.programmes import programme_read
from backfit.services.wording import decision_words
from backfit.store.errors import NotFound
from backfit.web.state import AppState, app_state
from backfit.web.views import decisions_read

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(app_state)]
SessionId = Annotated[int, Path(ge=1, le=2_147_483_647, description="A session's id.")]


@router.get("/today")
def today(request: Request, state: State) -> Any:
    with state.unit_of_work() as session:
        try:
            view = profiles.current_programme(session)
        except profiles.NoProgramme:
            return RedirectResponse("/intake/blocked", status_code=303)
        except NotFound:
            return RedirectResponse("/", status_code=303)
        open_one = sessions.open_session(session)
        now = state.now()
        scheduled = sessions.choose_scheduled(session, view.programme.id, now.date())
        programme = programme_read(view, state.catalog, state.rules.transition_s)
        day_index = scheduled.day_index if scheduled is not None else 0
        day = programme.days[day_index]
        when: date | None = scheduled.scheduled_on if scheduled is not None else None
        return state.render(
            request,
            "today.html",
            day=day,
            when=when,
            today=now.date(),
            open_session=open_one.id if open_one is not None else None,
        )


@router.post("/sessions")
def start(request: Request, state: State, pain_start: Annotated[int, Form(ge=0, le=10)]) -> Any:
    with state.unit_of_work() as session:
        try:
            open_one = sessions.open_session(session)
            performed = open_one or sessions.start_session(
                session, catalog=state.catalog, pain_start=pain_start, now=state.now()
            )
        except profiles.NoProgramme as exc:
            raise HTTPException(409, str(exc)) from None
        except NotFound:
            return RedirectResponse("/intake", status_code=303)
        return RedirectResponse(f"/sessions/{performed.id}", status_code=303)


@router.get("/sessions/{performed_id}")
def player_page(request: Request, state: State, performed_id: SessionId) -> Any:
    with state.unit_of_work() as session:
        try:
            performed = player.require_session(session, performed_id)
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        if performed.status != "in_progress":
            return RedirectResponse(f"/sessions/{performed_id}/summary", status_code=303)
    return state.render(request, "player.html", session_id=performed_id)


@router.get("/sessions/{performed_id}/summary")
def summary(request: Request, state: State, performed_id: SessionId) -> Any:
    with state.unit_of_work() as session:
        try:
            read = player.player_state(session, performed_id, state.catalog)
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        rows = sessions.session_decisions(session, performed_id)
        seen = session_faults(session, read.performed)
        return state.render(
            request,
            "summary.html",
            performed=read.performed,
            done=len(read.done),
            total=read.total_sets,
            decisions=[
                (decision_words(d.exercise_id, d.action, d.change, state.catalog), d.reasons)
                for d in decisions_read(rows)
            ],
            camera=seen,
        )
