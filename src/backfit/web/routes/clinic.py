"""The clinician's workspace: the client list (with the invitation form and the adherence CSV)
and the client page (programme controls, waiting steps up, notes, clearance). Routes only
establish the actor and call the services, which ask the policy module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from backfit.services import accounts, clinic, clinical, policy, prescribing
from backfit.services.policy import Action, Actor
from backfit.web.auth import ActorDep
from backfit.web.state import AppState, app_state

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(app_state)]
ProfileId = Annotated[int, Path(ge=1, le=2_147_483_647, description="A client's profile id.")]


def clinician(actor: ActorDep) -> Actor:
    """The actor, once the policy gives them a client list (before any form is read)."""
    clinic.require_client_list(actor)
    return actor


def client_checked(action: Action) -> Callable[..., int]:
    """A dependency giving the path's ``profile_id`` once the policy lets the actor do ``action``
    to that person (404: not one of theirs; 403: never for their role), before the form is read."""

    def dependency(request: Request, profile_id: ProfileId, actor: ActorDep) -> int:
        state: AppState = request.app.state.backfit
        with state.unit_of_work() as session:
            policy.person(session, actor, action, profile_id)
        return profile_id

    return dependency


ClinicianDep = Annotated[Actor, Depends(clinician)]
Viewed = Annotated[int, Depends(client_checked(Action.NOTE))]
Prescribed = Annotated[int, Depends(client_checked(Action.PRESCRIBE))]
Noted = Annotated[int, Depends(client_checked(Action.NOTE))]
Cleared = Annotated[int, Depends(client_checked(Action.CLEAR))]
Reason = Annotated[str, Form(max_length=prescribing.MAX_REASON + 100)]
DONE = {
    "assign": "Exercise added; your client sees it with your reason.",
    "swap": "Exercise swapped; your client sees it with your reason.",
    "dose": "Dose set; your client sees it with your reason.",
    "hold": "Saved: the ladder step hold.",
    "approval": "Saved: how steps up apply.",
    "pending": "Saved: your decision on the step up.",
    "note": "Note saved (only clinicians see it).",
    "clear": "Clearance recorded with your name and the time.",
}


def render_list(
    request: Request, state: AppState, actor: Actor, *, invited: accounts.Link | None = None, problem: str = ""
) -> Any:
    with state.unit_of_work() as session:
        rows = clinic.client_rows(session, actor, today=state.now().date())
    return state.render(
        request,
        "clinic.html",
        status_code=422 if problem else 200,
        rows=rows,
        invited=invited,
        invite_url=str(request.base_url).rstrip("/") + invited.path if invited else None,
        problem=problem,
        actor=actor,
    )


@router.get("/clinic")
def client_list(request: Request, state: State, actor: ClinicianDep) -> Any:
    return render_list(request, state, actor)


@router.get("/clinic/adherence.csv")
def adherence_csv(state: State, actor: ClinicianDep) -> Response:
    now = state.now()
    with state.unit_of_work() as session:
        body = clinic.adherence_csv(clinic.client_rows(session, actor, today=now.date()))
    headers = {"Content-Disposition": f'attachment; filename="backfit-adherence-{now:%Y-%m-%d}.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


@router.post("/clinic/invite")
def invite(
    request: Request,
    state: State,
    actor: ClinicianDep,
    display_name: Annotated[str, Form(max_length=120)],
    email: Annotated[str, Form(max_length=254)],
) -> Any:
    try:
        link = state.write(
            lambda session: accounts.invite_client(
                session, actor, email=email, display_name=display_name, now=state.now()
            )
        )
    except accounts.AccountError as exc:
        return render_list(request, state, actor, problem=f"Not invited: {exc}.")
    return render_list(request, state, actor, invited=link)


def render_client(
    request: Request, state: AppState, actor: Actor, profile_id: int, *, done: str | None = None, problem: str = ""
) -> Any:
    with state.unit_of_work() as session:
        page = clinical.client_page(session, actor, profile_id, catalog=state.catalog)
        return state.render(
            request,
            "clinic_client.html",
            status_code=422 if problem else 200,
            page=page,
            notice=DONE.get(done or ""),
            problem=problem,
        )


@router.get("/clinic/clients/{profile_id}")
def client_page(request: Request, state: State, actor: ActorDep, profile_id: Viewed, done: str | None = None) -> Any:
    return render_client(request, state, actor, profile_id, done=done)


def _change(
    request: Request, state: AppState, actor: Actor, profile_id: int, done: str, work: Callable[[Session], object]
) -> Any:
    """Run one clinician change; a refusal in words re-draws the page (422), else back to it."""
    try:
        state.write(work)
    except (prescribing.PrescribingError, ValueError) as exc:
        return render_client(request, state, actor, profile_id, problem=f"Not saved: {exc}.")
    return RedirectResponse(f"/clinic/clients/{profile_id}?done={done}", status_code=303)


@router.post("/clinic/clients/{profile_id}/assign")
def assign(
    request: Request,
    state: State,
    actor: ActorDep,
    profile_id: Prescribed,
    exercise_id: Annotated[str, Form(max_length=80)],
    reason: Reason,
) -> Any:
    return _change(
        request, state, actor, profile_id, "assign",
        lambda s: prescribing.assign_exercise(
            s, actor, profile_id, exercise_id=exercise_id, reason=reason, catalog=state.catalog, now=state.now()
        ),
    )  # fmt: skip


@router.post("/clinic/clients/{profile_id}/swap")
def swap(
    request: Request,
    state: State,
    actor: ActorDep,
    profile_id: Prescribed,
    key: Annotated[str, Form(max_length=120)],
    exercise_id: Annotated[str, Form(max_length=80)],
    reason: Reason,
) -> Any:
    return _change(
        request, state, actor, profile_id, "swap",
        lambda s: prescribing.swap_exercise(
            s, actor, profile_id, key=key, exercise_id=exercise_id, reason=reason, catalog=state.catalog,
            now=state.now(),
        ),
    )  # fmt: skip


def _optional_int(text: str | None, what: str) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise prescribing.PrescribingError(f"{what} is a whole number") from None


@router.post("/clinic/clients/{profile_id}/dose")
def dose(
    request: Request,
    state: State,
    actor: ActorDep,
    profile_id: Prescribed,
    key: Annotated[str, Form(max_length=120)],
    sets: Annotated[str, Form(max_length=10)],
    reason: Reason,
    reps: Annotated[str | None, Form(max_length=10)] = None,
    hold_s: Annotated[str | None, Form(max_length=10)] = None,
) -> Any:
    def work(s: Session) -> object:
        return prescribing.set_dose(
            s,
            actor,
            profile_id,
            key=key,
            sets=_optional_int(sets, "the number of sets") or 0,
            reps=_optional_int(reps, "the number of repetitions"),
            hold_s=_optional_int(hold_s, "the hold time in seconds"),
            reason=reason,
            catalog=state.catalog,
            now=state.now(),
        )

    return _change(request, state, actor, profile_id, "dose", work)


@router.post("/clinic/clients/{profile_id}/hold")
def hold(
    request: Request,
    state: State,
    actor: ActorDep,
    profile_id: Prescribed,
    key: Annotated[str, Form(max_length=120)],
    hold: Annotated[Literal["yes", "no"], Form()],
    reason: Reason,
) -> Any:
    return _change(
        request, state, actor, profile_id, "hold",
        lambda s: prescribing.hold_step(
            s, actor, profile_id, key=key, hold=hold == "yes", reason=reason, catalog=state.catalog, now=state.now()
        ),
    )  # fmt: skip


@router.post("/clinic/clients/{profile_id}/approval")
def approval(
    request: Request,
    state: State,
    actor: ActorDep,
    profile_id: Prescribed,
    required: Annotated[Literal["yes", "no"], Form()],
    reason: Reason,
) -> Any:
    return _change(
        request, state, actor, profile_id, "approval",
        lambda s: prescribing.require_approval(
            s, actor, profile_id, required=required == "yes", reason=reason, now=state.now()
        ),
    )  # fmt: skip


@router.post("/clinic/clients/{profile_id}/pending/{pending_id}")
def decide(
    request: Request,
    state: State,
    actor: ActorDep,
    profile_id: Prescribed,
    pending_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    decision: Annotated[Literal["approve", "decline"], Form()],
    reason: Reason,
) -> Any:
    return _change(
        request, state, actor, profile_id, "pending",
        lambda s: prescribing.decide_pending(
            s, actor, profile_id, pending_id=pending_id, approve=decision == "approve", reason=reason,
            catalog=state.catalog, now=state.now(),
        ),
    )  # fmt: skip


@router.post("/clinic/clients/{profile_id}/notes")
def note(
    request: Request,
    state: State,
    actor: ActorDep,
    profile_id: Noted,
    text: Annotated[str, Form(max_length=clinical.MAX_NOTE + 100)],
) -> Any:
    return _change(
        request, state, actor, profile_id, "note",
        lambda s: clinical.add_note(s, actor, profile_id, text=text, now=state.now()),
    )  # fmt: skip


@router.post("/clinic/clients/{profile_id}/clear-red-flags")
def clear_red_flags(request: Request, state: State, actor: ActorDep, profile_id: Cleared, reason: Reason) -> Any:
    return _change(
        request, state, actor, profile_id, "clear",
        lambda s: clinical.clear_red_flags(
            s, actor, profile_id, reason=reason, catalog=state.catalog, rules=state.rules, now=state.now()
        ),
    )  # fmt: skip


@router.post("/clinic/clients/{profile_id}/clear-pause")
def clear_pause(request: Request, state: State, actor: ActorDep, profile_id: Cleared, reason: Reason) -> Any:
    return _change(
        request, state, actor, profile_id, "clear",
        lambda s: clinical.clear_pause(s, actor, profile_id, reason=reason, now=state.now()),
    )  # fmt: skip
