"""Who may reach what, over every route of the app (generated from its route table, like the
guard's table): each page, API operation and WebSocket x signed out / admin / clinician /
client x their own / another clinician's client. A route with no rule here fails the suite.

Beyond the status, no answer may carry the data of a person its actor may not read: each
person's PSFS activity is a marker searched for in every response body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from backfit.services import accounts
from backfit.settings import Settings
from tests.conftest import BACKENDS, shared_db_url
from tests.web.clinic import Clinic, build_clinic
from tests.web.test_guard import ROUTES, body_for, url

# What each kind of route allows. Actors: nobody (signed out), admin, clinician "one" (whose
# client is k1), clinician "two" (k2's), clients k1 and k2.
PUBLIC = "public"  # anyone, signed out too
SIGNED_IN = "signed-in"  # anyone signed in (the exercise library, the API document, sign-out)
PERSON = "person"  # a person's own pages: clients only (clinicians and admins have no programme)
ADMIN = "admin"  # managing accounts
SESSION_READ = "session-read"  # one performed session: its person, and their clinician
SESSION_TRAIN = "session-train"  # recording into a session: its person only
JOB = "job"  # a background job: its person only (the clinician has the client page)
RECORDING_READ = "recording-read"  # a kept camera recording: its person, and their clinician
SELF_CLEARANCE = "self-clearance"  # confirming a clinician's advice oneself: single person only
CLINIC = "clinic"  # a clinician's client list, CSV and invitations: clinicians only
CLIENT_OF = "client-of"  # the clinician's page and controls of one client: that client's clinician only

RULES: dict[tuple[str, str], str] = {
    ("GET", "/healthz"): PUBLIC, ("GET", "/static/{path}"): PUBLIC, ("GET", "/sign-in"): PUBLIC,
    ("POST", "/sign-in"): PUBLIC, ("GET", "/invite/{token}"): PUBLIC, ("POST", "/invite/{token}"): PUBLIC,
    ("GET", "/reset/{token}"): PUBLIC, ("POST", "/reset/{token}"): PUBLIC,
    ("POST", "/sign-out"): SIGNED_IN, ("GET", "/"): SIGNED_IN, ("GET", "/docs"): SIGNED_IN,
    ("GET", "/openapi.json"): SIGNED_IN, ("GET", "/exercises"): SIGNED_IN,
    ("GET", "/exercises/{exercise_id}"): SIGNED_IN, ("GET", "/exercises/{exercise_id}/practise"): SIGNED_IN,
    ("GET", "/api/exercises"): SIGNED_IN, ("GET", "/api/exercises/{exercise_id}"): SIGNED_IN,
    ("WEBSOCKET", "/ws/practise/{exercise_id}"): SIGNED_IN,
    ("GET", "/intake"): PERSON, ("POST", "/intake"): PERSON, ("GET", "/intake/blocked"): PERSON,
    ("POST", "/intake/clearance"): SELF_CLEARANCE, ("GET", "/programme"): PERSON, ("GET", "/today"): PERSON,
    ("POST", "/sessions"): PERSON, ("POST", "/clinician-advised"): SELF_CLEARANCE, ("GET", "/history"): PERSON,
    ("GET", "/charts/{name}.svg"): PERSON, ("POST", "/checkins"): PERSON, ("POST", "/psfs"): PERSON,
    ("GET", "/settings"): PERSON, ("POST", "/settings/schedule"): PERSON,
    ("GET", "/programme/handout.pdf"): PERSON, ("POST", "/api/intake"): PERSON, ("GET", "/api/programme"): PERSON,
    ("POST", "/api/sessions"): PERSON, ("GET", "/api/history"): PERSON, ("POST", "/api/checkins"): PERSON,
    ("POST", "/api/psfs"): PERSON, ("GET", "/api/export"): PERSON, ("GET", "/api/schedule"): PERSON,
    ("PUT", "/api/schedule"): PERSON,
    ("POST", "/settings/import"): PERSON, ("GET", "/settings/delete"): PERSON,
    ("POST", "/settings/delete"): PERSON, ("POST", "/api/import"): PERSON,
    ("GET", "/admin"): ADMIN, ("POST", "/admin/accounts"): ADMIN,
    ("POST", "/admin/accounts/{account_id}/reset-link"): ADMIN,
    ("POST", "/admin/accounts/{account_id}/disabled"): ADMIN,
    ("GET", "/sessions/{performed_id}"): SESSION_READ, ("GET", "/sessions/{performed_id}/summary"): SESSION_READ,
    ("GET", "/api/sessions/{performed_id}"): SESSION_READ,
    ("POST", "/api/sessions/{performed_id}/sets"): SESSION_TRAIN,
    ("POST", "/api/sessions/{performed_id}/answers"): SESSION_TRAIN,
    ("POST", "/api/sessions/{performed_id}/finish"): SESSION_TRAIN,
    ("WEBSOCKET", "/ws/live/{session_id}"): SESSION_TRAIN,
    ("GET", "/review"): PERSON, ("POST", "/api/jobs/handout"): PERSON, ("POST", "/api/videos"): PERSON,
    ("GET", "/api/jobs/{job_id}"): JOB, ("GET", "/api/jobs/{job_id}/result"): JOB,
    ("GET", "/recordings/{recording_id}"): RECORDING_READ, ("GET", "/api/recordings/{recording_id}"): RECORDING_READ,
    ("GET", "/clinic"): CLINIC, ("GET", "/clinic/adherence.csv"): CLINIC, ("POST", "/clinic/invite"): CLINIC,
    ("GET", "/clinic/clients/{profile_id}"): CLIENT_OF, ("POST", "/clinic/clients/{profile_id}/assign"): CLIENT_OF,
    ("POST", "/clinic/clients/{profile_id}/swap"): CLIENT_OF, ("POST", "/clinic/clients/{profile_id}/dose"): CLIENT_OF,
    ("POST", "/clinic/clients/{profile_id}/hold"): CLIENT_OF,
    ("POST", "/clinic/clients/{profile_id}/approval"): CLIENT_OF,
    ("POST", "/clinic/clients/{profile_id}/pending/{pending_id}"): CLIENT_OF,
    ("POST", "/clinic/clients/{profile_id}/notes"): CLIENT_OF,
    ("POST", "/clinic/clients/{profile_id}/clear-red-flags"): CLIENT_OF,
    ("POST", "/clinic/clients/{profile_id}/clear-pause"): CLIENT_OF,
    ("POST", "/clinic/clients/{profile_id}/password-link"): CLIENT_OF,
}  # fmt: skip

ACTORS = ("nobody", "admin", "one", "two", "k1", "k2")
CLINICIAN_OF = {"k1": "one", "k2": "two"}
ALLOWED, REFUSED, SIGN_IN, FORBIDDEN, NOT_FOUND = "allowed", "refused", "sign-in", "forbidden", "not-found"


def expected(rule: str, actor: str, owner: str | None) -> str:
    """The answer ``actor`` gets from a route of ``rule`` (``owner``: whose session the path names)."""
    if actor == "nobody":
        return ALLOWED if rule == PUBLIC else SIGN_IN
    if rule in (PUBLIC, SIGNED_IN):
        return ALLOWED
    if rule == PERSON:
        return ALLOWED if actor in ("k1", "k2") else FORBIDDEN
    if rule == SELF_CLEARANCE:
        return FORBIDDEN
    if rule == ADMIN:
        return ALLOWED if actor == "admin" else FORBIDDEN
    if rule == CLINIC:
        return ALLOWED if actor in CLINICIAN_OF.values() else FORBIDDEN
    if rule == CLIENT_OF:
        if actor not in CLINICIAN_OF.values():
            return FORBIDDEN  # admins and clients: never their role's, whoever it is about
        return ALLOWED if CLINICIAN_OF[owner or ""] == actor else NOT_FOUND
    if actor == "admin" or (rule == JOB and actor in CLINICIAN_OF.values()):
        return FORBIDDEN
    if actor == owner:
        return ALLOWED
    if rule in (SESSION_READ, RECORDING_READ) and CLINICIAN_OF[owner or ""] == actor:
        return ALLOWED
    if rule == SESSION_TRAIN and actor in CLINICIAN_OF.values():
        return FORBIDDEN  # never a clinician's to do, whoever's session it is
    return NOT_FOUND


def answer_kind(status: int, location: str) -> str:
    if status == 401 or (status == 303 and location.startswith("/sign-in")):
        return SIGN_IN
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    return ALLOWED  # 2xx, 3xx elsewhere, 409 and 422 (the request got past every permission check)


@pytest.fixture(scope="module", params=BACKENDS)
def clinic(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Clinic]:
    """One clinic per backend for the whole table (reads, and writes that leave it as it was)."""
    data = tmp_path_factory.mktemp("clinic")
    with shared_db_url(request.param, data) as db_url:
        built = build_clinic(Settings(data_dir=data, database_url=db_url))
        yield built
        built.close()


OWNED = ("performed_id", "recording_id", "profile_id", "job_id")
"""Path parameters that name one person's thing: each such route is tried on k1's and on k2's."""

HTTP_CASES = [
    pytest.param(method, path, actor, owner, id=f"{method} {path} as {actor}" + (f" on {owner}'s" if owner else ""))
    for method, path in ROUTES
    if method != "WEBSOCKET"
    for actor in ACTORS
    for owner in (("k1", "k2") if any(f"{{{p}}}" in path for p in OWNED) else (None,))
]


def test_every_route_has_a_rule() -> None:
    missing = sorted(set(ROUTES) - set(RULES))
    assert not missing, f"routes with no authorization rule: {missing}"
    gone = sorted(set(RULES) - set(ROUTES))
    assert not gone, f"rules for routes that no longer exist: {gone}"


def filled(clinic: Clinic, path: str, owner: str | None) -> str:
    if owner is not None:
        path = path.replace("{performed_id}", str(clinic.sessions[owner]))
        path = path.replace("{recording_id}", str(clinic.recordings[owner]))
        path = path.replace("{job_id}", str(clinic.jobs[owner]))
        path = path.replace("{profile_id}", str(profile_of(clinic, owner)))
    for purpose, token in clinic.links.items():
        if path.startswith(f"/{purpose}/"):
            path = path.replace("{token}", token)
    return url(path.replace("{account_id}", "1"))


def profile_of(clinic: Clinic, client: str) -> int:
    with clinic.app.state.backfit.unit_of_work() as session:
        account = accounts.account_by_email(session, f"{client}@clinic.test")
        assert account is not None
        assert account.profile_id is not None
        return account.profile_id


def readable_markers(clinic: Clinic, actor: str) -> set[str]:
    """The markers of the people ``actor`` may read."""
    own = {actor} if actor in ("k1", "k2") else set()
    looked_after = {client for client, clinician in CLINICIAN_OF.items() if clinician == actor}
    return {clinic.markers[name] for name in own | looked_after}


@pytest.mark.parametrize(("method", "path", "actor", "owner"), HTTP_CASES)
def test_http_route(clinic: Clinic, method: str, path: str, actor: str, owner: str | None) -> None:
    if (method, path) == ("POST", "/sign-out") and actor != "nobody":
        pytest.skip("signing out would end the shared session of the rest of the table (tests/web/test_accounts.py)")
    if (method, path) == ("POST", "/admin/accounts/{account_id}/disabled") and actor == "admin":
        pytest.skip("disabling accounts would change the rest of the table (tests/web/test_accounts.py)")
    client = clinic.clients[actor]
    response = client.request(
        method, filled(clinic, path, owner), follow_redirects=False, **({} if method == "GET" else body_for(path))
    )
    got = answer_kind(response.status_code, response.headers.get("location", ""))
    assert response.status_code < 500, response.text
    assert got == expected(RULES[(method, path)], actor, owner), f"{response.status_code}: {response.text[:300]}"
    unreadable = set(clinic.markers.values()) - readable_markers(clinic, actor)
    leaked = [marker for marker in unreadable if marker in response.text]
    assert not leaked, f"{actor} read {leaked}"


WS_CASES = [
    pytest.param(path, actor, owner, id=f"{path} as {actor}" + (f" on {owner}'s" if owner else ""))
    for method, path in ROUTES
    if method == "WEBSOCKET"
    for actor in ACTORS
    for owner in (("k1", "k2") if "{session_id}" in path else (None,))
]


def ws_answer(client: Any, address: str) -> str:
    """What a WebSocket gives: refused at the handshake (sign-in), a fatal error (not found), or the coach."""
    try:
        with client.websocket_connect(address) as socket:
            socket.send_json({"type": "end"})
            message = socket.receive_json()
    except WebSocketDisconnect:
        return SIGN_IN
    if message.get("type") == "error" and message.get("fatal"):
        return NOT_FOUND if "cannot follow" in message.get("detail", "") else FORBIDDEN
    return ALLOWED


@pytest.mark.parametrize(("path", "actor", "owner"), WS_CASES)
def test_websocket_route(clinic: Clinic, path: str, actor: str, owner: str | None) -> None:
    address = path.replace("{exercise_id}", "hip-bridge") + "?stream=matrix"
    if owner is not None:  # the owner's open session (the HTTP cases may have finished the first one)
        opened = clinic.clients[owner].post("/api/sessions", json={"pain_start": 1}).json()
        item = next(i["index"] for i in opened["items"] if i["camera"])
        address = path.replace("{session_id}", str(opened["id"])) + f"?item={item}&stream=matrix"
    got = ws_answer(clinic.clients[actor], address)
    want = expected(RULES[("WEBSOCKET", path)], actor, owner)
    if want == FORBIDDEN:  # a refused session looks the same as one that does not exist: no id is confirmed
        want = NOT_FOUND
    assert got == want
