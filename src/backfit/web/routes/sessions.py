"""Today and the guided session player."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from backfit.plan.coaching import EVERYTHING_STOPPED, ItemState, everything_stopped
from backfit.services import clinical, coaching, player, policy, profiles, sessions
from backfit.services.history import session_faults
from backfit.services.policy import Actor
from backfit.services.programmes import programme_read
from backfit.services.wording import decision_words
from backfit.session.keys import keys_json
from backfit.store.errors import NotFound
from backfit.web.auth import ActorDep, PersonDep, ReadableSession, SelfClearingPerson, way_back
from backfit.web.state import AppState, app_state
from backfit.web.views import decisions_read

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(app_state)]


def today(
    request: Request,
    state: AppState,
    actor: Actor,
    person: str,
    *,
    question: str | None = None,
    pain_start: int | None = None,
    rested: bool = False,
) -> Any:
    """The Today page; ``question``: the pain-before-the-session question to answer first."""
    with state.unit_of_work() as session:
        try:
            view = profiles.current_programme(session, person)
        except profiles.NoProgramme:
            return RedirectResponse("/intake/blocked", status_code=303)
        except NotFound:
            return RedirectResponse("/", status_code=303)
        open_one = sessions.open_session(session, person)
        pause = coaching.active_pause(session, view.programme.profile_id)
        items = {k: ItemState(p, k in view.stopped) for k, p in view.prescriptions.items()}
        stuck = everything_stopped(items, coaching.week_of(view.programme))
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
            pause=pause,
            stuck=EVERYTHING_STOPPED if stuck else None,
            self_clearance=policy.clears_own_pause(actor),
            clinician_changes=clinical.own_changes(session, actor, person),
            question=question,
            pain_start=pain_start,
            rested=rested,
        )


@router.get("/today")
def today_page(request: Request, state: State, actor: ActorDep, person: PersonDep, rested: bool = False) -> Any:
    return today(request, state, actor, person, rested=rested)


@router.post("/sessions")
def start(
    request: Request,
    state: State,
    actor: ActorDep,
    person: PersonDep,
    pain_start: Annotated[int, Form(ge=0, le=10)],
    intensity: Annotated[Literal["normal", "lighter", "rest"] | None, Form()] = None,
) -> Any:
    if intensity == "rest":
        return RedirectResponse("/today?rested=true", status_code=303)

    def work(session: Any) -> int:
        open_one = sessions.open_session(session, person)
        performed = open_one or sessions.start_session(
            session, catalog=state.catalog, pain_start=pain_start, now=state.now(), intensity=intensity, name=person
        )
        return performed.id

    try:
        performed_id = state.write(work)
    except sessions.PainBeforeSession as exc:
        return today(request, state, actor, person, question=str(exc), pain_start=pain_start)
    except profiles.NoProgramme as exc:
        raise HTTPException(409, str(exc)) from None
    except NotFound:
        return RedirectResponse("/intake", status_code=303)
    return RedirectResponse(f"/sessions/{performed_id}", status_code=303)


@router.post("/clinician-advised")
def clinician_advised(
    state: State, actor: ActorDep, person: SelfClearingPerson, confirm: Annotated[Literal["yes"], Form()]
) -> Any:
    """The person confirms that a clinician has advised them after radiating symptoms (single
    person only: a clinic client's clinician records it)."""
    with state.unit_of_work() as session:
        try:
            coaching.confirm_clinician_advice(session, actor, now=state.now(), name=person)
        except NotFound as exc:
            raise HTTPException(409, str(exc)) from None
    return RedirectResponse("/today", status_code=303)


@router.get("/sessions/{performed_id}")
def player_page(request: Request, state: State, performed_id: ReadableSession) -> Any:
    with state.unit_of_work() as session:
        try:
            performed = player.require_session(session, performed_id)
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        if performed.status != "in_progress":
            return RedirectResponse(f"/sessions/{performed_id}/summary", status_code=303)
    return state.render(request, "player.html", session_id=performed_id, session_keys=keys_json("web"))


@router.get("/sessions/{performed_id}/summary")
def summary(request: Request, state: State, actor: ActorDep, performed_id: ReadableSession) -> Any:
    with state.unit_of_work() as session:
        try:
            read = player.player_state(session, performed_id, state.catalog)
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        rows = sessions.session_decisions(session, performed_id)
        seen = session_faults(session, read.performed)
        done, total = sessions.set_counts(session, read.performed)
        return state.render(
            request,
            "summary.html",
            performed=read.performed,
            done=done,
            total=total,
            decisions=[
                (decision_words(d.exercise_id, d.action, d.change, state.catalog), d.reasons)
                for d in decisions_read(rows)
            ],
            camera=seen,
            back=way_back(actor, read.performed.profile_id),
        )
