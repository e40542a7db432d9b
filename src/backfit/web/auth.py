"""Who is asking, for every request: the sign-in gate and the actor dependency.

Single-person use (a loopback server on a database with no accounts) needs no password:
every request is the ``owner``. A clinic (``backfit web --clinic``, a non-loopback address,
or any database that holds accounts) requires sign-in for every page, API call and
WebSocket except the few :data:`PUBLIC` ones: pages send people to ``/sign-in``, the API
answers 401, a WebSocket handshake is refused. The gate only establishes the actor;
what the actor may do is :mod:`backfit.services.policy`'s to decide.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any, NamedTuple
from urllib.parse import quote

import anyio
from fastapi import Depends, HTTPException, Path, Request
from jinja2 import pass_context
from starlette.types import ASGIApp, Receive, Scope, Send

from backfit.services import accounts, policy
from backfit.services.policy import Actor, Forbidden
from backfit.web.security import refuse, wants_json
from backfit.web.state import AppState

SESSION_COOKIE = "backfit_session"
PUBLIC = ("/sign-in", "/invite/", "/reset/", "/static/", "/healthz")
"""Paths answered without sign-in (prefixes ending in '/'; else the exact path)."""
ACCOUNTS_RECHECK_S = 5.0
"""How often a password-free server looks again whether its database has accounts now."""


def is_public(path: str) -> bool:
    return any(path.startswith(p) if p.endswith("/") else path == p for p in PUBLIC)


def cookie_token(scope: Scope) -> str:
    for name, value in scope.get("headers") or ():
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, token = part.strip().partition("=")
                if key == SESSION_COOKIE:
                    return str(token)
    return ""


class SignInGate:
    """ASGI middleware (inside the Guard): puts the actor in ``scope['state']['actor']``
    (None: nobody signed in, on a public path) or refuses the request."""

    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state
        self._accounts_seen_at = -ACCOUNTS_RECHECK_S
        self._has_accounts = False

    def sign_in_required(self) -> bool:
        if self.state.settings.clinic or self._has_accounts:
            return True
        now = time.monotonic()
        if now - self._accounts_seen_at >= ACCOUNTS_RECHECK_S:
            with self.state.unit_of_work() as session:
                self._has_accounts = accounts.has_accounts(session)
            self._accounts_seen_at = now
        return self._has_accounts

    def actor_of(self, token: str) -> Actor | None:
        if not self.sign_in_required():
            return Actor.owner()
        if not token:
            return None
        with self.state.unit_of_work() as session:
            return accounts.actor_of_token(session, token, now=self.state.now())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        actor = await anyio.to_thread.run_sync(self.actor_of, cookie_token(scope))
        scope.setdefault("state", {})["actor"] = actor
        if actor is not None or is_public(scope["path"]):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "sign in first"})
        elif wants_json(scope) or scope["method"] not in ("GET", "HEAD"):
            await refuse(scope, send, 401, "sign in first: this backfit server is a clinic's and needs your account")
        else:
            target = scope["path"] + (
                f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else ""
            )
            location = f"/sign-in?next={quote(target, safe='')}".encode()
            await send({"type": "http.response.start", "status": 303, "headers": [(b"location", location)]})
            await send({"type": "http.response.body", "body": b""})


def current_actor(request: Request) -> Actor:
    """FastAPI dependency: who is asking (the gate has made sure someone is)."""
    actor = request.scope.get("state", {}).get("actor")
    if not isinstance(actor, Actor):
        raise HTTPException(401, "sign in first")
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]


def own_person(request: Request, actor: ActorDep) -> str:
    """FastAPI dependency: the profile name the actor's own pages act on (the policy's answer:
    the owner's, a client's own; clinicians and admins have none)."""
    state: AppState = request.app.state.backfit
    with state.unit_of_work() as session:
        return policy.own_profile_name(session, actor)


PersonDep = Annotated[str, Depends(own_person)]


def self_clearing_person(actor: ActorDep, person: PersonDep) -> str:
    """FastAPI dependency: the person, when they may confirm a clinician's advice themselves
    (a single person; a clinic client's clinician records it: 403 before the form is read)."""
    policy.require_self_clearance(actor)
    return person


SelfClearingPerson = Annotated[str, Depends(self_clearing_person)]


def account_manager(actor: ActorDep) -> Actor:
    """FastAPI dependency: the actor, when they manage accounts (403 before the form is read)."""
    policy.require_account_manager(actor)
    return actor


ManagerDep = Annotated[Actor, Depends(account_manager)]

SessionId = Annotated[int, Path(ge=1, le=2_147_483_647, description="A session's id.")]


def session_checked(action: policy.Action) -> Callable[..., int]:
    """A dependency giving the path's ``performed_id`` once the policy lets the actor do
    ``action`` to that session (else 404: not one of theirs; 403: never for their role)."""

    def dependency(request: Request, performed_id: SessionId, actor: ActorDep) -> int:
        state: AppState = request.app.state.backfit
        with state.unit_of_work() as session:
            policy.performed_session(session, actor, action, performed_id)
        return performed_id

    return dependency


ReadableSession = Annotated[int, Depends(session_checked(policy.Action.READ))]
"""A session id the actor may read (their own, or a client's for their clinician)."""
TrainableSession = Annotated[int, Depends(session_checked(policy.Action.TRAIN))]
"""A session id the actor may record sets and answers in (only the person's own)."""


PERSON_NAV = (
    ("/today", "Today"),
    ("/programme", "Programme"),
    ("/exercises", "Exercises"),
    ("/history", "History"),
    ("/review", "Video check"),
    ("/settings", "Settings"),
)
NAV: dict[policy.Role, tuple[tuple[str, str], ...]] = {
    policy.Role.OWNER: PERSON_NAV,
    policy.Role.CLIENT: PERSON_NAV,
    policy.Role.CLINICIAN: (("/clinic", "Clients"), ("/exercises", "Exercises")),
    policy.Role.ADMIN: (("/admin", "Accounts"),),
}
"""The main navigation of each role's pages."""


@pass_context
def navigation(context: dict[str, Any]) -> dict[str, object]:
    """For base.html (a template global, set by ``create_app``): the links of the page's actor's
    role and who is signed in (None: nobody)."""
    actor = context["request"].scope.get("state", {}).get("actor")
    if not isinstance(actor, Actor):
        return {"links": (), "signed_in": None}
    return {"links": NAV[actor.role], "signed_in": actor.display_name if actor.signed_in else None}


class WayBack(NamedTuple):
    """Where a page about one person's session or recorded set leads back to, in words;
    ``own``: the person is looking at their own (else their clinician is)."""

    href: str
    words: str
    own: bool


def way_back(actor: Actor, profile_id: int) -> WayBack:
    """The clinician's page of the person in the workspace, else the person's own history."""
    if actor.role is policy.Role.CLINICIAN:
        return WayBack(f"/clinic/clients/{profile_id}", "Client page", own=False)
    return WayBack("/history", "History", own=True)


def safe_next(target: str | None) -> str | None:
    """A ``next=`` target only when it is a path on this server (no other site, no scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


__all__ = [
    "PUBLIC",
    "SESSION_COOKIE",
    "ActorDep",
    "Forbidden",
    "ManagerDep",
    "PersonDep",
    "ReadableSession",
    "SelfClearingPerson",
    "SignInGate",
    "TrainableSession",
    "WayBack",
    "current_actor",
    "own_person",
    "safe_next",
    "way_back",
]
