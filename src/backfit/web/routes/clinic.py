"""The clinician's workspace: the client list (with the invitation form and the adherence CSV)
and the client page (programme controls, waiting steps up, notes, clearance). Routes only
establish the actor and call the services, which ask the policy module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ClientRequest:
    """A request about one client that the policy has let the actor make: who asks, about whom."""

    request: Request
    state: AppState
    actor: Actor
    profile_id: int

    def page(self, *, done: str | None = None, problem: str = "", link: accounts.Link | None = None) -> Any:
        return render_client(
            self.request, self.state, self.actor, self.profile_id, done=done, problem=problem, link=link
        )

    def change(self, done: str, service: Callable[..., object], **form: Any) -> Any:
        """Run one clinician change, ``service(session, actor, profile_id, **form, now=...)``; a
        refusal in words re-draws the page (422), else back to it with ``done``'s notice."""
        try:
            self.state.write(
                lambda session: service(session, self.actor, self.profile_id, **form, now=self.state.now())
            )
        except (prescribing.PrescribingError, ValueError) as exc:
            return self.page(problem=f"Not saved: {exc}.")
        return RedirectResponse(f"/clinic/clients/{self.profile_id}?done={done}", status_code=303)


def client_checked(action: Action) -> Callable[..., ClientRequest]:
    """A dependency giving the request about the path's ``profile_id`` once the policy lets the
    actor do ``action`` to that person (404: not one of theirs; 403: never for their role),
    before the form is read."""

    def dependency(request: Request, profile_id: ProfileId, actor: ActorDep) -> ClientRequest:
        state: AppState = request.app.state.backfit
        with state.unit_of_work() as session:
            policy.person(session, actor, action, profile_id)
        return ClientRequest(request, state, actor, profile_id)

    return dependency


ClinicianDep = Annotated[Actor, Depends(clinician)]
OwnClient = Annotated[ClientRequest, Depends(client_checked(Action.NOTE))]
"""A client of the actor's (the client page, notes, sign-in links): clinicians only."""
Prescribed = Annotated[ClientRequest, Depends(client_checked(Action.PRESCRIBE))]
Cleared = Annotated[ClientRequest, Depends(client_checked(Action.CLEAR))]
Reason = Annotated[str, Form(max_length=prescribing.MAX_REASON + 100)]
Key = Annotated[str, Form(max_length=120)]
ExerciseId = Annotated[str, Form(max_length=80)]
YesNo = Annotated[Literal["yes", "no"], Form()]
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
    request: Request,
    state: AppState,
    actor: Actor,
    profile_id: int,
    *,
    done: str | None = None,
    problem: str = "",
    link: accounts.Link | None = None,
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
            link=link,
            link_url=str(request.base_url).rstrip("/") + link.path if link else None,
        )


@router.get("/clinic/clients/{profile_id}")
def client_page(client: OwnClient, done: str | None = None) -> Any:
    return client.page(done=done)


@router.post("/clinic/clients/{profile_id}/password-link")
def password_link(client: OwnClient) -> Any:
    """A one-time password-reset link for the client (a new invitation if they never set a
    password), shown once on their page for the clinician to pass on."""
    try:
        link = client.state.write(
            lambda session: accounts.client_password_link(
                session, client.actor, client.profile_id, now=client.state.now()
            )
        )
    except accounts.AccountError as exc:
        return client.page(problem=f"No link: {exc}.")
    return client.page(link=link)


@router.post("/clinic/clients/{profile_id}/assign")
def assign(client: Prescribed, exercise_id: ExerciseId, reason: Reason) -> Any:
    catalog = client.state.catalog
    return client.change("assign", prescribing.assign_exercise, exercise_id=exercise_id, reason=reason, catalog=catalog)


@router.post("/clinic/clients/{profile_id}/swap")
def swap(client: Prescribed, key: Key, exercise_id: ExerciseId, reason: Reason) -> Any:
    return client.change(
        "swap", prescribing.swap_exercise, key=key, exercise_id=exercise_id, reason=reason, catalog=client.state.catalog
    )


def _optional_int(text: str | None, what: str) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise prescribing.PrescribingError(f"{what} is a whole number") from None


def _set_dose_as_typed(
    session: Session, actor: Actor, profile_id: int, *, sets: str, reps: str | None, hold_s: str | None, **rest: Any
) -> object:
    """:func:`prescribing.set_dose` with the numbers as typed in the form (words if they are not)."""
    return prescribing.set_dose(
        session,
        actor,
        profile_id,
        sets=_optional_int(sets, "the number of sets") or 0,
        reps=_optional_int(reps, "the number of repetitions"),
        hold_s=_optional_int(hold_s, "the hold time in seconds"),
        **rest,
    )


@router.post("/clinic/clients/{profile_id}/dose")
def dose(
    client: Prescribed,
    key: Key,
    sets: Annotated[str, Form(max_length=10)],
    reason: Reason,
    reps: Annotated[str | None, Form(max_length=10)] = None,
    hold_s: Annotated[str | None, Form(max_length=10)] = None,
) -> Any:
    return client.change(
        "dose", _set_dose_as_typed, key=key, sets=sets, reps=reps, hold_s=hold_s, reason=reason,
        catalog=client.state.catalog,
    )  # fmt: skip


@router.post("/clinic/clients/{profile_id}/hold")
def hold(client: Prescribed, key: Key, hold: YesNo, reason: Reason) -> Any:
    return client.change(
        "hold", prescribing.hold_step, key=key, hold=hold == "yes", reason=reason, catalog=client.state.catalog
    )


@router.post("/clinic/clients/{profile_id}/approval")
def approval(client: Prescribed, required: YesNo, reason: Reason) -> Any:
    return client.change("approval", prescribing.require_approval, required=required == "yes", reason=reason)


@router.post("/clinic/clients/{profile_id}/pending/{pending_id}")
def decide(
    client: Prescribed,
    pending_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    decision: Annotated[Literal["approve", "decline"], Form()],
    reason: Reason,
) -> Any:
    return client.change(
        "pending", prescribing.decide_pending, pending_id=pending_id, approve=decision == "approve", reason=reason,
        catalog=client.state.catalog,
    )  # fmt: skip


@router.post("/clinic/clients/{profile_id}/notes")
def note(client: OwnClient, text: Annotated[str, Form(max_length=clinical.MAX_NOTE + 100)]) -> Any:
    return client.change("note", clinical.add_note, text=text)


@router.post("/clinic/clients/{profile_id}/clear-red-flags")
def clear_red_flags(client: Cleared, reason: Reason) -> Any:
    state = client.state
    return client.change("clear", clinical.clear_red_flags, reason=reason, catalog=state.catalog, rules=state.rules)


@router.post("/clinic/clients/{profile_id}/clear-pause")
def clear_pause(client: Cleared, reason: Reason) -> Any:
    return client.change("clear", clinical.clear_pause, reason=reason)
