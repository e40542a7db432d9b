"""Bad input of every kind the issue found gets a clear 4xx with a message, never a 500, on
SQLite and PostgreSQL: integers past 64 bits or of thousands of digits, deep nesting, NUL
bytes, over-long strings, empty or unknown PSFS names; and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import answers

DEEP = "[" * 10_000 + "]" * 10_000
HUGE = "9" * 5000
JSON = {"Content-Type": "application/json"}


def with_value(template: str, value: object) -> str:
    return template.replace("@", str(value))


def psfs(activity: str) -> dict[str, Any]:
    return answers(psfs=[{"activity": activity, "rating": 4}])


@pytest.mark.parametrize(
    ("path", "body"),
    [
        pytest.param("/api/psfs", with_value('{"ratings": {"putting on socks": @}}', HUGE), id="psfs-5000-digits"),
        pytest.param("/api/psfs", with_value('{"ratings": {"socks": @}}', 2**70), id="psfs-past-64-bits"),
        pytest.param("/api/psfs", '{"ratings": {"put\\u0000ting": 4}}', id="psfs-nul-name"),
        pytest.param("/api/psfs", '{"ratings": {"": 4}}', id="psfs-empty-name"),
        pytest.param("/api/psfs", '{"ratings": {"%s": 4}}' % ("a" * 200_000), id="psfs-over-long-name"),
        pytest.param("/api/psfs", '{"ratings": {"juggling knives": 4}}', id="psfs-not-an-intake-activity"),
        pytest.param("/api/checkins", DEEP, id="checkin-10000-deep"),
        pytest.param("/api/checkins", with_value('{"moment": "now", "pain": @}', HUGE), id="checkin-5000-digit-pain"),
        pytest.param("/api/sessions", with_value('{"pain_start": @}', 2**64), id="pain-past-64-bits"),
        pytest.param("/api/import?replace=true", DEEP, id="import-10000-deep"),
        pytest.param("/api/import?replace=true", with_value('{"format": @}', HUGE), id="import-5000-digit-integer"),
        pytest.param(
            "/api/import?replace=true", with_value('{"format": "backfit-backup", "format_version": @}', 2**70),
            id="import-huge-version",
        ),
    ],
)  # fmt: skip
def test_bad_api_bodies_are_refused_clearly(onboarded: TestClient, path: str, body: str) -> None:
    before = onboarded.get("/api/export").json()["tables"]
    response = onboarded.post(path, content=body.encode(), headers=JSON)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"]
    assert onboarded.get("/api/export").json()["tables"] == before


@pytest.mark.parametrize(
    "activity",
    [
        pytest.param("put\x00ting on socks", id="nul"),
        pytest.param("a" * 5000, id="over-long"),
        pytest.param("\x07bell", id="control-character"),
        pytest.param("  ", id="blank"),
    ],
)
def test_bad_psfs_names_in_the_intake_are_refused(onboarded: TestClient, activity: str) -> None:
    response = onboarded.post("/api/intake", json=psfs(activity))
    assert response.status_code == 422, response.text
    form = {"psfs_activity_0": activity, "psfs_rating_0": "4", "experience": "new", "sessions_per_week": "3"}
    assert onboarded.post("/intake", data=form).status_code == 422


@pytest.mark.parametrize(
    "rating", [pytest.param(HUGE, id="5000-digits"), pytest.param("11", id="eleven"), pytest.param("-1", id="negative")]
)
def test_bad_psfs_form_ratings_are_refused(onboarded: TestClient, rating: str) -> None:
    assert onboarded.post("/psfs", data={"rating_0": rating}).status_code == 422


def test_a_form_with_undecodable_bytes_is_refused(onboarded: TestClient) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = onboarded.post("/checkins", content=b"moment=now&pain=\xff\xfe", headers=headers)
    assert 400 <= response.status_code < 500
