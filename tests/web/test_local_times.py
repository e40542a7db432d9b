"""Pages show times in this computer's time zone (the person's own, on their laptop), not UTC:
a check-in made at 23:30 in New York is not shown as the next day's 04:30."""

from __future__ import annotations

import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backfit.store.models import CheckIn


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[ZoneInfo]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield ZoneInfo("America/New_York")
    monkeypatch.undo()
    time.tzset()


def test_the_history_shows_a_check_in_at_the_local_time(onboarded: TestClient, new_york: ZoneInfo) -> None:
    assert onboarded.post("/api/checkins", json={"moment": "now", "pain": 3}).status_code == 201
    with onboarded.app.state.backfit.unit_of_work() as session:  # type: ignore[attr-defined]
        recorded = session.scalars(select(CheckIn.recorded_at)).one()
    page = onboarded.get("/history").text
    shown = recorded.astimezone(new_york).strftime("%d %b %Y %H:%M")
    in_utc = recorded.strftime("%d %b %Y %H:%M")
    assert f"{shown}: pain 3/10" in page
    assert f"{in_utc}: pain 3/10" not in page
