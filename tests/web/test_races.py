"""Concurrent clients against a real server (uvicorn, its thread pool, the real database):
repeats of the same set, the same answer or a session start are idempotent (200 with the
stored one), never a 500, and the database never holds two open sessions for one person."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from backfit.settings import Settings
from backfit.store.database import open_database
from backfit.store.models import PerformedSession
from tests.web.conftest import LiveServer, answers, api_client

CLIENTS = 20


@pytest.fixture
def server(settings: Settings) -> Iterator[LiveServer]:
    with LiveServer(settings) as running:
        yield running


def page_client(server: LiveServer) -> httpx.Client:
    return api_client(server.url)


def at_once(server: LiveServer, call: Callable[[httpx.Client], httpx.Response]) -> list[httpx.Response]:
    clients = [page_client(server) for _ in range(CLIENTS)]
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            return list(pool.map(call, clients))
    finally:
        for client in clients:
            client.close()


def open_sessions(settings: Settings) -> int:
    db = open_database(settings.database_url)
    try:
        with db.unit_of_work() as session:
            return int(
                session.scalar(
                    select(func.count()).select_from(PerformedSession).where(PerformedSession.status == "in_progress")
                )
                or 0
            )
    finally:
        db.dispose()


@pytest.fixture
def started(server: LiveServer) -> dict[str, Any]:
    with closing(page_client(server)) as client:
        assert client.post("/api/intake", json=answers()).status_code == 200
        response = client.post("/api/sessions", json={"pain_start": 1})
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body


def test_twenty_clients_starting_a_session_get_the_same_one(server: LiveServer, settings: Settings) -> None:
    with closing(page_client(server)) as client:
        assert client.post("/api/intake", json=answers()).status_code == 200
    replies = at_once(server, lambda c: c.post("/api/sessions", json={"pain_start": 1}))
    codes = sorted(r.status_code for r in replies)
    assert codes == [200] * (CLIENTS - 1) + [201], codes
    assert len({r.json()["id"] for r in replies}) == 1
    assert open_sessions(settings) == 1


def test_twenty_clients_saving_the_same_set_store_it_once(server: LiveServer, started: dict[str, Any]) -> None:
    key = started["steps"][0]["set"] or next(s["set"] for s in started["steps"] if s["set"])
    body = {"item_index": key["item_index"], "set_index": key["set_index"], "side": key["side"], "reps": 3}
    replies = at_once(server, lambda c: c.post(f"/api/sessions/{started['id']}/sets", json=body))
    codes = sorted(r.status_code for r in replies)
    assert codes == [200] * (CLIENTS - 1) + [201], codes
    assert [r.json()["created"] for r in replies].count(True) == 1
    assert len({(r.json()["reps"], r.json()["set_index"]) for r in replies}) == 1


def test_twenty_clients_sending_the_same_answer_store_it_once(server: LiveServer, started: dict[str, Any]) -> None:
    body = {"item_index": 0, "rpe": 5, "pain_during": 1}
    replies = at_once(server, lambda c: c.post(f"/api/sessions/{started['id']}/answers", json=body))
    codes = sorted(r.status_code for r in replies)
    assert codes == [200] * (CLIENTS - 1) + [201], codes
    with closing(page_client(server)) as client:
        assert client.get(f"/api/sessions/{started['id']}").json()["answered"] == [0]
