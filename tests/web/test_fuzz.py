"""A schema-based fuzz run: schemathesis generates requests from the OpenAPI
document (valid and invalid, NUL bytes and over-long strings included: its
``allow_x00`` default) against the app on SQLite and PostgreSQL, each carrying the
page's CSRF token as backfit's pages do; no request may get a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from backfit.settings import Settings
from backfit.web import create_app
from tests.web.conftest import PageClient, answers, page_token

pytestmark = pytest.mark.slow


@pytest.fixture
def fuzzed_app(tmp_path: Path, db_url: str) -> Iterator[tuple[Any, dict[str, str]]]:
    """The app with an onboarded person and an open session, and the headers of its pages' requests."""
    app = create_app(Settings(data_dir=tmp_path / "data", database_url=db_url))
    with PageClient(app) as client:
        assert client.post("/api/intake", json=answers()).status_code == 200
        assert client.post("/api/sessions", json={"pain_start": 1}).status_code == 201
        token = page_token(client)
        yield app, {"Host": "127.0.0.1:8765", "X-CSRFToken": token, "Cookie": f"csrftoken={token}"}


def operations(app: Any) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers={"Host": "127.0.0.1:8765"})
    return [result.ok() for result in schema.get_all_operations()]


def test_no_server_errors(fuzzed_app: tuple[Any, dict[str, str]]) -> None:
    app, headers = fuzzed_app
    found = operations(app)
    assert len(found) >= 12, "every API operation is fuzzed"
    calls: list[int] = []
    for operation in found:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
            calls.append(response.status_code)

        run()
    assert len(calls) > 10 * len(found), f"only {len(calls)} requests were made"
    assert any(code >= 400 for code in calls), "invalid requests must be part of the run"
    assert calls.count(403) < len(calls) // 4, "the requests carry the page's token: few are refused as forged"
