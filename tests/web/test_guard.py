"""Host, Origin and CSRF checks over every route of the app, generated from its route table:
a new route is covered by default, and a route without an expectation here fails."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, WebSocketRoute

from backfit.settings import Settings
from backfit.web import create_app
from backfit.web.security import DEFAULT_BODY_BYTES, MAX_BACKUP_BYTES, MIB, SECURITY_HEADERS, UPLOAD_PATHS
from tests.conftest import BACKENDS, shared_db_url
from tests.web.conftest import ORIGIN, PageClient, answers, page_token

UNSAFE = {
    ("POST", "/intake"), ("POST", "/intake/clearance"), ("POST", "/sessions"), ("POST", "/checkins"),
    ("POST", "/psfs"), ("POST", "/settings/import"), ("POST", "/api/intake"), ("POST", "/api/sessions"),
    ("POST", "/api/sessions/{performed_id}/sets"), ("POST", "/api/sessions/{performed_id}/answers"),
    ("POST", "/api/sessions/{performed_id}/finish"), ("POST", "/api/checkins"), ("POST", "/api/psfs"),
    ("POST", "/api/import"), ("POST", "/clinician-advised"), ("POST", "/settings/delete"),
    ("POST", "/settings/schedule"), ("PUT", "/api/schedule"), ("POST", "/sign-in"), ("POST", "/sign-out"),
    ("POST", "/invite/{token}"), ("POST", "/reset/{token}"), ("POST", "/admin/accounts"),
    ("POST", "/admin/accounts/{account_id}/disabled"), ("POST", "/admin/accounts/{account_id}/reset-link"),
    ("POST", "/clinic/invite"),
    ("POST", "/clinic/clients/{profile_id}/assign"), ("POST", "/clinic/clients/{profile_id}/swap"),
    ("POST", "/clinic/clients/{profile_id}/dose"), ("POST", "/clinic/clients/{profile_id}/hold"),
    ("POST", "/clinic/clients/{profile_id}/approval"), ("POST", "/clinic/clients/{profile_id}/pending/{pending_id}"),
    ("POST", "/clinic/clients/{profile_id}/notes"), ("POST", "/clinic/clients/{profile_id}/clear-red-flags"),
    ("POST", "/clinic/clients/{profile_id}/clear-pause"), ("POST", "/clinic/clients/{profile_id}/password-link"),
    ("POST", "/api/jobs/handout"), ("POST", "/api/videos"),
}  # fmt: skip
"""Every route that changes data: each needs this origin and the CSRF token."""
CLINICIANS_ONLY = {("POST", "/clinic/invite")}
"""Unsafe routes the single person's role never allows (the policy's 403, in its words, after the guard)."""
SAFE = {
    ("GET", "/"), ("GET", "/intake"), ("GET", "/intake/blocked"), ("GET", "/programme"), ("GET", "/today"),
    ("GET", "/sessions/{performed_id}"), ("GET", "/sessions/{performed_id}/summary"), ("GET", "/history"),
    ("GET", "/charts/{name}.svg"), ("GET", "/settings"), ("GET", "/exercises"), ("GET", "/exercises/{exercise_id}"),
("GET", "/api/exercises"), ("GET", "/api/exercises/{exercise_id}"),
    ("GET", "/api/programme"), ("GET", "/api/sessions/{performed_id}"), ("GET", "/api/history"),
    ("GET", "/api/export"), ("GET", "/healthz"), ("GET", "/docs"), ("GET", "/openapi.json"), ("GET", "/static/{path}"),
    ("WEBSOCKET", "/ws/live/{session_id}"), ("GET", "/api/schedule"), ("GET", "/exercises/{exercise_id}/practise"),
    ("GET", "/programme/handout.pdf"), ("GET", "/settings/delete"), ("WEBSOCKET", "/ws/practise/{exercise_id}"),
    ("GET", "/sign-in"), ("GET", "/invite/{token}"), ("GET", "/reset/{token}"), ("GET", "/admin"),
    ("GET", "/recordings/{recording_id}"), ("GET", "/api/recordings/{recording_id}"),
    ("GET", "/clinic"), ("GET", "/clinic/adherence.csv"), ("GET", "/clinic/clients/{profile_id}"),
    ("GET", "/api/jobs/{job_id}"), ("GET", "/api/jobs/{job_id}/result"), ("GET", "/review"),
}  # fmt: skip
"""Every route that only reads (the Host check still applies; a foreign Origin is refused too)."""
FILLED = {
    "profile_id": "1",
    "pending_id": "1",
    "job_id": "1",
    "performed_id": "1",
    "session_id": "1",
    "exercise_id": "hip-bridge",
    "name": "pain",
    "path": "app.css",
    "recording_id": "1",
    "account_id": "1",
    "token": "no-such-link",
}


def route_table() -> list[tuple[str, str]]:
    """(method, path) of every route of the app (HEAD left out: Starlette answers it like GET)."""
    app = create_app(Settings(data_dir=Path(tempfile.mkdtemp()) / "data"))
    found: set[tuple[str, str]] = set()
    routes = list(app.routes)
    while routes:
        route = routes.pop()
        included = getattr(route, "original_router", None)  # FastAPI's included router (no prefix added here)
        if included is not None:
            routes.extend(included.routes)
            continue
        if isinstance(route, APIRoute):
            found |= {(m, route.path) for m in route.methods if m != "HEAD"}
        elif isinstance(route, WebSocketRoute):
            found.add(("WEBSOCKET", route.path))
        elif isinstance(route, Mount):
            found.add(("GET", f"{route.path}/{{path}}"))
        else:
            found |= {(m, route.path) for m in getattr(route, "methods", None) or () if m != "HEAD"}  # type: ignore[attr-defined]
    return sorted(found)


ROUTES = route_table()
HTTP_ROUTES = [r for r in ROUTES if r[0] != "WEBSOCKET"]
UNSAFE_ROUTES = [r for r in HTTP_ROUTES if r[0] not in ("GET", "HEAD")]
API_UNSAFE = [r for r in UNSAFE_ROUTES if r[1].startswith("/api/")]


def url(path: str) -> str:
    for name, value in FILLED.items():
        path = path.replace(f"{{{name}}}", value)
    return path


def body_for(path: str, csrf: str | None = None) -> dict[str, Any]:
    """A well-formed body of the route's kind (JSON for the API, a form for the pages)."""
    if path in UPLOAD_PATHS:  # a file upload: a multipart form (its token in the header)
        return {
            "data": {"exercise_id": "hip-bridge"},
            "files": {"video": ("clip.mp4", b"\0\0\0\x18ftypmp42", "video/mp4")},
        }
    if path.startswith("/api/"):
        return {"json": {}}
    data = ({"csrftoken": csrf} if csrf else {}) | {"pain": "1"}
    if path == "/settings/import":
        return {"data": data, "files": {"backup": ("backup.json", b"{}", "application/json")}}
    return {"data": data}


def test_every_route_has_an_expectation() -> None:
    unclassified = set(ROUTES) - UNSAFE - SAFE
    assert not unclassified, f"routes with no Host/Origin/CSRF expectation: {sorted(unclassified)}"
    gone = (UNSAFE | SAFE) - set(ROUTES)
    assert not gone, f"expectations for routes that no longer exist: {sorted(gone)}"


def ids(routes: list[tuple[str, str]]) -> list[str]:
    return [f"{m} {p}" for m, p in routes]


def onboarded(settings: Settings) -> Any:
    """An app whose person has a programme and a session in progress."""
    app = create_app(settings)
    with PageClient(app) as client:
        assert client.post("/api/intake", json=answers()).status_code == 200
        assert client.post("/api/sessions", json={"pain_start": 1}).status_code == 201
    return app


@pytest.fixture
def onboarded_app(settings: Settings) -> Any:
    return onboarded(settings)


@pytest.fixture
def raw(onboarded_app: Any) -> Iterator[TestClient]:
    """A client that adds nothing: what an attacker's request carries is up to each case."""
    with TestClient(onboarded_app, base_url=ORIGIN) as client:
        yield client


@pytest.fixture(scope="module", params=BACKENDS)
def shared_app_client(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """One onboarded app per backend for the many cases the guard refuses before any route runs
    (nothing they send reaches a route, so none changes what the next one meets)."""
    data = tmp_path_factory.mktemp("guard")
    with (
        shared_db_url(request.param, data) as db_url,
        TestClient(onboarded(Settings(data_dir=data / "data", database_url=db_url)), base_url=ORIGIN) as client,
    ):
        yield client


@pytest.fixture
def hostile(shared_app_client: TestClient) -> TestClient:
    """Like ``raw`` on the shared app: a client that adds nothing (no cookie from an earlier case)."""
    shared_app_client.cookies.clear()
    return shared_app_client


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", "[::2]:8765", ""])
@pytest.mark.parametrize(("method", "path"), HTTP_ROUTES, ids=ids(HTTP_ROUTES))
def test_foreign_hosts_are_refused(hostile: TestClient, method: str, path: str, host: str) -> None:
    response = hostile.request(method, url(path), headers={"Host": host})
    assert response.status_code == 400
    assert response.headers["content-security-policy"] == SECURITY_HEADERS["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:9000", "[::1]:8765", "localhost"])
def test_loopback_names_are_served_on_any_port(hostile: TestClient, host: str) -> None:
    assert hostile.get("/healthz", headers={"Host": host}).status_code == 200


def test_more_hosts_by_setting(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"allowed_hosts": ["backfit.local"]}))
    with TestClient(app, base_url="http://backfit.local") as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz", headers={"Host": "other.local"}).status_code == 400


ORIGINS = [
    pytest.param("http://evil.example", id="foreign-site"),
    pytest.param("null", id="null"),
    pytest.param("http://127.0.0.1:9999", id="other-local-port"),
    pytest.param("http://localhost:8765", id="other-name"),
    pytest.param("https://127.0.0.1:8765", id="other-scheme"),
]


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize(("method", "path"), UNSAFE_ROUTES, ids=ids(UNSAFE_ROUTES))
def test_unsafe_requests_from_other_origins_are_refused(
    hostile: TestClient, method: str, path: str, origin: str
) -> None:
    token = page_token(hostile)
    headers = {"Origin": origin, "X-CSRFToken": token}
    response = hostile.request(method, url(path), headers=headers, **body_for(path, token))
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), UNSAFE_ROUTES, ids=ids(UNSAFE_ROUTES))
def test_unsafe_requests_with_a_foreign_referer_are_refused(hostile: TestClient, method: str, path: str) -> None:
    token = page_token(hostile)
    headers = {"Referer": "http://evil.example/attack.html", "X-CSRFToken": token}
    assert hostile.request(method, url(path), headers=headers, **body_for(path, token)).status_code == 403


@pytest.mark.parametrize(
    "token",
    [pytest.param(None, id="no-token"), pytest.param("forged", id="forged"), pytest.param("stale", id="other-cookie")],
)
@pytest.mark.parametrize(("method", "path"), UNSAFE_ROUTES, ids=ids(UNSAFE_ROUTES))
def test_unsafe_requests_without_the_token_are_refused(
    hostile: TestClient, method: str, path: str, token: str | None
) -> None:
    if token == "stale":
        token = page_token(hostile)
        hostile.cookies.clear()
    headers = {"Origin": ORIGIN} | ({"X-CSRFToken": token} if token else {})
    response = hostile.request(method, url(path), headers=headers, **body_for(path))
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), UNSAFE_ROUTES, ids=ids(UNSAFE_ROUTES))
def test_unsafe_requests_from_the_page_get_through(raw: TestClient, method: str, path: str) -> None:
    """The same requests, from this origin with the page's token (field for forms), pass the guard."""
    token = page_token(raw)
    headers = {"Origin": ORIGIN} | ({"X-CSRFToken": token} if path.startswith("/api/") else {})
    response = raw.request(method, url(path), headers=headers, **body_for(path, token))
    if (method, path) in CLINICIANS_ONLY:  # past the guard, the policy refuses the single person
        assert response.status_code == 403
        assert "clinician" in response.text
        return
    assert response.status_code not in (400, 403, 415), response.text
    assert response.status_code < 500


@pytest.mark.parametrize("kind", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
@pytest.mark.parametrize(("method", "path"), API_UNSAFE, ids=ids(API_UNSAFE))
def test_api_bodies_must_be_json(hostile: TestClient, method: str, path: str, kind: str) -> None:
    if path in UPLOAD_PATHS and kind.startswith("multipart/"):
        pytest.skip("an upload is a multipart form: its malformed ones are refused in tests/web/test_jobs.py")
    token = page_token(hostile)
    headers = {"Origin": ORIGIN, "X-CSRFToken": token, "Content-Type": kind}
    assert hostile.request(method, url(path), headers=headers, content=b"{}").status_code == 415


def test_export_is_refused_to_a_foreign_host_and_origin(raw: TestClient) -> None:
    assert raw.get("/api/export", headers={"Host": "evil.example"}).status_code == 400
    assert raw.get("/api/export", headers={"Origin": "http://evil.example"}).status_code == 403
    mine = raw.get("/api/export")
    assert mine.status_code == 200
    assert mine.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/no/such/page", "/api/no-such", "/sessions/999999"])
def test_errors_carry_the_security_headers(hostile: TestClient, path: str) -> None:
    response = hostile.get(path)
    assert response.status_code == 404
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("path", "size", "status"),
    [
        pytest.param("/api/checkins", 300 * 1024, 413, id="api-over-256KB"),
        pytest.param("/api/import", 65 * 1024 * 1024, 413, id="backup-over-64MB"),
        pytest.param("/settings/import", 65 * 1024 * 1024, 413, id="upload-over-64MB"),
    ],
)
def test_bodies_over_the_route_limit_are_refused_unread(hostile: TestClient, path: str, size: int, status: int) -> None:
    token = page_token(hostile)
    kind = "application/json" if path.startswith("/api/") else "multipart/form-data; boundary=x"
    headers = {"Origin": ORIGIN, "X-CSRFToken": token, "Content-Type": kind, "Content-Length": str(size)}
    sent: list[int] = []

    def body() -> Any:
        sent.append(1)
        yield b"x" * 1024

    response = hostile.request("POST", path, headers=headers, content=body())
    assert response.status_code == status
    assert "larger than" in response.json()["detail"] if path.startswith("/api/") else "larger than" in response.text


WEBSOCKET_ROUTES = [r for r in ROUTES if r[0] == "WEBSOCKET"]


@pytest.mark.parametrize(("method", "path"), WEBSOCKET_ROUTES, ids=ids(WEBSOCKET_ROUTES))
@pytest.mark.parametrize("origin", ["http://evil.example", "null"], ids=["foreign-site", "null"])
def test_every_websocket_refuses_a_handshake_from_another_origin(
    settings: Settings, method: str, path: str, origin: str
) -> None:
    from starlette.websockets import WebSocketDisconnect

    with PageClient(create_app(settings)) as client:
        client.post("/api/intake", json=answers()).raise_for_status()
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            client.websocket_connect(url(path), headers={"Origin": origin}),
        ):
            pass
    assert refused.value.code == 1008


async def post_counting(app: Any, path: str, headers: dict[str, str], chunks: int) -> tuple[int, int]:
    """POST ``chunks`` MiB to ``app`` as a server would hand them over, one at a time: the
    answer's status and how many bytes the app took before it answered."""
    taken = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal taken
        if status or taken >= chunks * MIB:
            return {"type": "http.disconnect"}
        taken += MIB
        return {"type": "http.request", "body": b"x" * MIB, "more_body": taken < chunks * MIB}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    raw_headers = [(b"host", b"127.0.0.1:8765"), *((k.lower().encode(), v.encode()) for k, v in headers.items())]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": raw_headers,
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8765),
    }  # fmt: skip
    await app(scope, receive, send)
    return status, taken


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        pytest.param("/api/import", "application/json", id="backup-json"),
        pytest.param("/settings/import", "application/x-www-form-urlencoded", id="form-to-upload-route"),
        pytest.param("/api/videos", "multipart/form-data; boundary=x", id="video-upload"),
    ],
)
def test_a_large_body_from_nobody_is_not_held_in_memory(hostile: TestClient, path: str, kind: str) -> None:
    """No cookie, no token: a body sent without its length (chunked), or as a form the CSRF check
    reads whole, is held only up to the usual 256 KB, not up to the upload routes' 64 MB: else
    a few such requests fill the server's memory before anyone has signed in."""
    headers = {"Content-Type": kind}
    if kind.startswith("application/x-www-form-urlencoded"):
        headers["Content-Length"] = str(MAX_BACKUP_BYTES - MIB)
    with ThreadPoolExecutor(1) as thread:  # its own event loop (a browser test may run one in this thread)
        status, taken = thread.submit(
            anyio.run, post_counting, hostile.app, path, headers, MAX_BACKUP_BYTES // MIB - 1
        ).result()
    assert taken <= DEFAULT_BODY_BYTES + MIB
    assert status in (411, 413)
