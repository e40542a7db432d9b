"""A schema-based fuzz run: schemathesis generates requests from the OpenAPI
document (valid and invalid) against the app; no request may get a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from backfit.settings import Settings
from backfit.web import create_app
from tests.web.conftest import answers

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    data: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(Settings(data_dir=data, database_url=f"sqlite:///{data / 'backfit.db'}"))
    with TestClient(app) as client:
        assert client.post("/api/intake", json=answers()).status_code == 200
        assert client.post("/api/sessions", json={"pain_start": 1}).status_code == 201
        yield app


def operations(app: Any) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_no_server_errors(fuzzed_app: Any) -> None:
    found = operations(fuzzed_app)
    assert len(found) >= 12, "every API operation is fuzzed"
    calls: list[int] = []
    for operation in found:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            response = case.call_and_validate(checks=[not_a_server_error])
            calls.append(response.status_code)

        run()
    assert len(calls) > 10 * len(found), f"only {len(calls)} requests were made"
    assert any(code >= 400 for code in calls), "invalid requests must be part of the run"
