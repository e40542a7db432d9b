"""Sign-in and accounts: sign in and out, set a password from a one-time link (invitation or
reset), and the admin's accounts page. What each actor may do: services/policy.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from backfit.services import accounts, policy
from backfit.services.policy import Actor, Role
from backfit.store.errors import NotFound
from backfit.web.auth import SESSION_COOKIE, ManagerDep, safe_next
from backfit.web.state import AppState, app_state

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(app_state)]
Text = Annotated[str, Form(max_length=300)]
Password = Annotated[str, Form(max_length=accounts.MAX_PASSWORD)]
Token = Annotated[str, Form(max_length=128)]

HOMES = {Role.CLINICIAN: "/clinic", Role.ADMIN: "/admin"}


def home_of(actor: Actor) -> str:
    return HOMES.get(actor.role, "/")


def with_session_cookie(response: Response, request: Request, token: str) -> Response:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/sign-in")
def sign_in_page(request: Request, state: State, next: str | None = None) -> Any:
    return state.render(request, "sign_in.html", next=safe_next(next), problem=None, email="")


@router.post("/sign-in")
def sign_in(request: Request, state: State, email: Text, password: Password, next: Text = "") -> Any:
    address = client_address(request)
    outcome = accounts.sign_in(state.unit_of_work, email=email, password=password, address=address, now=state.now())
    actor = None
    if outcome.token is not None:
        with state.unit_of_work() as session:
            actor = accounts.actor_of_token(session, outcome.token, now=state.now())
    if outcome.token is None or actor is None:
        return state.render(
            request,
            "sign_in.html",
            status_code=401,
            next=safe_next(next),
            problem=f"Not signed in: {outcome.refusal}.",
            email=email[:254],
        )
    target = safe_next(next) or home_of(actor)
    return with_session_cookie(RedirectResponse(target, status_code=303), request, outcome.token)


@router.post("/sign-out")
def sign_out(request: Request, state: State) -> Any:
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        with state.unit_of_work() as session:
            accounts.sign_out(session, token, now=state.now())
    response = RedirectResponse("/sign-in?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


PURPOSE_WORDS = {
    "invite": ("Welcome to backfit", "Choose a password to finish setting up your account."),
    "reset": ("Choose a new password", "This link works once. Your other signed-in devices are signed out."),
}
CLIENT_NEXT = (
    "Next come a few questions about your back and what you want to do again. Some check for signs that need a "
    "doctor before you exercise; your clinician sees your answers."
)
"""What follows a client's invitation (the intake), said before they start."""


def link_page(request: Request, state: AppState, token: str, purpose: str, problem: str | None = None) -> Any:
    with state.unit_of_work() as session:
        try:
            link, account = accounts.link_account(session, token, now=state.now())
            email, role = account.email, Role(account.role)
        except NotFound as exc:
            return state.render(request, "error.html", status_code=404, status=404, message=str(exc))
    if link.purpose != purpose:
        return state.render(request, "error.html", status_code=404, status=404, message="this link is not valid")
    title, lead = PURPOSE_WORDS[purpose]
    return state.render(
        request,
        "set_password.html",
        status_code=422 if problem else 200,
        title=title,
        lead=lead,
        then=CLIENT_NEXT if purpose == "invite" and role is Role.CLIENT else None,
        email=email,
        action=f"/{purpose}/{token}",
        problem=problem,
        minimum=accounts.MIN_PASSWORD,
    )


def redeem(request: Request, state: AppState, token: str, purpose: str, password: str, again: str) -> Any:
    if password != again:
        return link_page(request, state, token, purpose, problem="The two passwords are not the same.")
    with state.unit_of_work() as session:
        try:
            link = accounts.pending_link(session, token, now=state.now())
            if link.purpose != purpose:
                raise NotFound("this link is not valid")
            account = accounts.redeem_link(session, token, password=password, now=state.now())
        except accounts.AccountError as exc:
            problem = f"{str(exc)[0].upper()}{str(exc)[1:]}."
            return link_page(request, state, token, purpose, problem=problem)
        except NotFound as exc:
            return state.render(request, "error.html", status_code=404, status=404, message=str(exc))
        email, role = account.email, Role(account.role)
    outcome = accounts.sign_in(
        state.unit_of_work, email=email, password=password, address=client_address(request), now=state.now()
    )
    target = "/intake" if purpose == "invite" and role is Role.CLIENT else HOMES.get(role, "/")
    if outcome.token is None:
        return RedirectResponse("/sign-in", status_code=303)
    return with_session_cookie(RedirectResponse(target, status_code=303), request, outcome.token)


@router.get("/invite/{token}")
def invite_page(request: Request, state: State, token: str) -> Any:
    return link_page(request, state, token[:128], "invite")


@router.post("/invite/{token}")
def invite_accept(request: Request, state: State, token: str, password: Password, again: Password) -> Any:
    return redeem(request, state, token[:128], "invite", password, again)


@router.get("/reset/{token}")
def reset_page(request: Request, state: State, token: str) -> Any:
    return link_page(request, state, token[:128], "reset")


@router.post("/reset/{token}")
def reset_accept(request: Request, state: State, token: str, password: Password, again: Password) -> Any:
    return redeem(request, state, token[:128], "reset", password, again)


def admin_page(request: Request, state: AppState, actor: Actor, status_code: int = 200, **context: Any) -> Any:
    with state.unit_of_work() as session:
        rows = accounts.list_accounts(session, actor)
        clinicians = {a.id: a.display_name for a in rows if a.role == Role.CLINICIAN.value}
        listed = [
            {
                "email": a.email,
                "name": a.display_name,
                "role": a.role,
                "clinician": clinicians.get(a.clinician_id or 0, ""),
                "disabled": a.disabled_at is not None,
                "password_set": a.password_hash is not None,
                "id": a.id,
                "yours": a.id == actor.account_id,
            }
            for a in rows
        ]
    return state.render(
        request,
        "admin.html",
        status_code=status_code,
        accounts=listed,
        clinicians=sorted(clinicians.items(), key=lambda kv: kv[1]),
        roles=[r.value for r in policy.ACCOUNT_ROLES],
        **context,
    )


@router.get("/admin")
def admin(request: Request, state: State, actor: ManagerDep) -> Any:
    return admin_page(request, state, actor)


@router.post("/admin/accounts")
def add_account(
    request: Request,
    state: State,
    actor: ManagerDep,
    email: Text,
    role: Annotated[Role, Form()],
    display_name: Text = "",
    clinician_email: Text = "",
) -> Any:
    try:
        with state.unit_of_work() as session:
            account = accounts.add_account(
                session,
                actor,
                email=email,
                role=role,
                display_name=display_name,
                clinician_email=clinician_email or None,
                now=state.now(),
            )
            link = accounts.issue_link(session, actor, account.email, purpose="invite", now=state.now())
            shown = {"email": account.email, "path": link.path, "purpose": "invite", "expires": link.expires_at}
    except (accounts.AccountError, NotFound) as exc:
        return admin_page(request, state, actor, status_code=422, problem=f"Not added: {exc}.")
    return admin_page(request, state, actor, status_code=201, link=shown)


@router.post("/admin/accounts/{account_id}/reset-link")
def reset_link(request: Request, state: State, actor: ManagerDep, account_id: int) -> Any:
    with state.unit_of_work() as session:
        target = accounts.managed_account(session, actor, account_id)
        try:
            link = accounts.new_password_link(session, actor, target, now=state.now())
        except accounts.AccountError as exc:
            return admin_page(request, state, actor, status_code=422, problem=f"No link: {exc}.")
        shown = {"email": target.email, "path": link.path, "purpose": link.purpose, "expires": link.expires_at}
    return admin_page(request, state, actor, link=shown)


@router.post("/admin/accounts/{account_id}/disabled")
def set_disabled(
    request: Request, state: State, actor: ManagerDep, account_id: int, disabled: Annotated[bool, Form()]
) -> Any:
    with state.unit_of_work() as session:
        target = accounts.managed_account(session, actor, account_id)
        try:
            accounts.set_disabled(session, actor, target.email, disabled=disabled, now=state.now())
        except accounts.AccountError as exc:
            return admin_page(request, state, actor, status_code=422, problem=f"Not changed: {exc}.")
    return RedirectResponse("/admin", status_code=303)
