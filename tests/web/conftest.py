"""Web fixtures: an app per test on a fresh database (SQLite and PostgreSQL), a
test client, and for browser tests a live server with Debian's Chromium."""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest
from fastapi.testclient import TestClient

from backfit.plan.intake import RedFlag
from backfit.settings import Settings
from backfit.web import create_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("BACKFIT_CHROMIUM", "/usr/bin/chromium")


def answers(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "red_flags": {flag.value: False for flag in RedFlag},
        "experience": "new",
        "equipment": [],
        "sessions_per_week": 3,
        "minutes_per_session": 15,
        "pain_now": 1,
        "psfs": [{"activity": "putting on socks", "rating": 4}],
    }
    base.update(changes)
    return base


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=db_url)


ORIGIN = "http://127.0.0.1:8765"
"""Where the test client's pages come from (the default `backfit web` address)."""
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def page_token(client: TestClient, path: str = "/sign-in") -> str:
    """The CSRF token a backfit page carries (and the cookie it sets), as a browser gets it."""
    page = client.get(path, headers={"Accept": "text/html"})
    found = CSRF_META.search(page.text)
    assert found, f"{path} carries no CSRF token ({page.status_code})"
    return found.group(1)


def api_client(base: str) -> httpx.Client:
    """An HTTP client to a running server that holds a page's CSRF cookie and sends its token and
    Origin on every request, as backfit's pages do (static/csrf.js)."""
    client = httpx.Client(base_url=base, timeout=60)
    found = CSRF_META.search(client.get("/sign-in").text)
    assert found, "the page carries no CSRF token"
    client.headers.update({"Origin": base, "X-CSRFToken": found.group(1)})
    return client


class PageClient(TestClient):
    """A test client that behaves like backfit's own pages: it talks to the default address,
    and sends every unsafe request with the page's Origin and CSRF token (as static/csrf.js
    does). Pass ``Origin`` or ``X-CSRFToken`` explicitly to send other values."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, base_url=ORIGIN, **kwargs)
        self._token: str | None = None

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if method.upper() not in SAFE_METHODS:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("Origin", ORIGIN)
            if self._token is None:
                self._token = page_token(self)
            headers.setdefault("X-CSRFToken", self._token)
            kwargs["headers"] = headers
        return super().request(method, url, **kwargs)

    def websocket_connect(self, url: str, *args: Any, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Origin", ORIGIN)
        return super().websocket_connect(
            urljoin(ORIGIN.replace("http", "ws", 1), url), *args, headers=headers, **kwargs
        )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with PageClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def onboarded(client: TestClient) -> TestClient:
    """A client whose person has answered the intake (no red flags)."""
    response = client.post("/api/intake", json=answers())
    assert response.status_code == 200, response.text
    return client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiveServer:
    """uvicorn serving the app in a thread, on a free loopback port."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] | None = None) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(settings, clock)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'data' / 'backfit.db'}")
    with LiveServer(settings) as server:
        yield server


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """One Playwright driver per test process (a second sync one cannot start beside it)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    home = tmp_path_factory.mktemp("chromium-home")
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
        env={**os.environ, "HOME": str(home)},
    )
    yield browser
    browser.close()


class Page:
    """A page that records every request leaving for another origin, and page errors."""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(base_url=base, viewport={"width": 1100, "height": 900})
        self.context.set_default_timeout(15_000)
        self.base = base
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.page = self.new_page()

    def new_page(self) -> Any:
        page = self.context.new_page()

        def guard(route: Any) -> None:
            url = route.request.url
            if url.startswith(self.base) or url.startswith("data:") or url.startswith("blob:"):
                route.continue_()
            else:
                self.foreign.append(url)
                route.abort()

        page.route("**/*", guard)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page

    def shot(self, name: str, page: Any = None) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        (page or self.page).screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def web(browser: Any, live_server: LiveServer) -> Iterator[Page]:
    page = Page(browser, live_server.url)
    yield page
    page.context.close()
    assert page.foreign == [], f"requests left for other servers: {page.foreign}"
    assert page.errors == [], f"script errors on the page: {page.errors}"


def dump(data: Any) -> str:
    return json.dumps(data)
