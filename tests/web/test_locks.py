"""A write lock held by another program (SQLite: `BEGIN IMMEDIATE` in another connection, held
past the 5 s busy wait) gives the clear error: 503 with a message on the web, the documented
exit code 20 with a person's message in the terminal; never a 500 or `internal error`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from backfit.settings import Settings
from backfit.web import create_app
from tests.cli.helpers import make_cli
from tests.factories import TestData, intake_json
from tests.web.conftest import PageClient, answers

pytestmark = pytest.mark.slow


@pytest.fixture
def database(tmp_path: Path) -> tuple[Settings, Path]:
    path = tmp_path / "data" / "backfit.db"
    return Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{path}"), path


def hold_write_lock(path: Path) -> Iterator[sqlite3.Connection]:
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield holder
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_the_web_answers_503_while_another_program_holds_the_lock(database: tuple[Settings, Path]) -> None:
    settings, path = database
    with PageClient(create_app(settings)) as client:
        assert client.post("/api/intake", json=answers()).status_code == 200
        for _ in hold_write_lock(path):
            response = client.post("/api/checkins", json={"moment": "now", "pain": 3})
            page = client.post("/checkins", data={"moment": "now", "pain": "3"}, headers={"Accept": "text/html"})
        assert response.status_code == 503
        assert "busy" in response.json()["detail"]
        assert response.headers["retry-after"]
        assert page.status_code == 503
        assert "try again" in page.text
        assert client.post("/api/checkins", json={"moment": "now", "pain": 3}).status_code == 201


def test_the_cli_exits_20_while_another_program_holds_the_lock(
    tmp_path: Path, test_data: TestData, database: tuple[Settings, Path]
) -> None:
    _, path = database
    cli = make_cli(tmp_path, f"sqlite:///{path}")
    assert cli.run("intake", "--answers", cli.write_json("intake.json", intake_json())).returncode == 0
    for _ in hold_write_lock(path):
        result = cli.run("checkin", "--pain", "3")
    assert result.returncode == 20, result.stderr
    assert "busy" in result.stderr
    assert "internal error" not in result.stderr
    assert "Traceback" not in result.stderr
