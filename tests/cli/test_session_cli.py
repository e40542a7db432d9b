"""`backfit intake` and `backfit session` as real processes, including a kill -9 mid-session."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from backfit.services import profiles
from backfit.services.runtime import utc_now
from backfit.store import open_database
from backfit.store.models import PerformedSession, SetRecord
from tests import factories as f
from tests.cli.helpers import Cli, make_cli

EXPECTED_SETS = [(0, 0, "both"), (1, 0, "both"), (1, 1, "both"), (2, 0, "left"), (2, 0, "right")]


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'backfit.db'}"


@pytest.fixture
def cli(tmp_path: Path, test_data: f.TestData, url: str) -> Cli:
    return make_cli(tmp_path, test_data, url)


@pytest.fixture
def ready(cli: Cli, url: str, test_data: f.TestData) -> Cli:
    """A profile with a programme (stored through the services, in-process, to save a start-up)."""
    db = open_database(url)
    try:
        with db.unit_of_work() as session:
            profiles.save_intake(session, f.intake(), catalog=test_data.catalog, rules=test_data.rules, now=utc_now())
    finally:
        db.dispose()
    return cli


def stored_sets(url: str) -> list[tuple[int, int, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(SetRecord.item_index, SetRecord.set_index, SetRecord.side).order_by(SetRecord.id)
            )
            return [(r[0], r[1], r[2]) for r in rows]
    finally:
        engine.dispose()


def session_statuses(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(select(PerformedSession.status).order_by(PerformedSession.id)))
    finally:
        engine.dispose()


def test_intake_stores_the_programme(cli: Cli) -> None:
    result = cli.run("intake", "--answers", cli.write_json("intake.json", f.intake_json(experience="regular")))
    assert result.returncode == 0, result.stderr
    shown = cli.run("plan")
    assert shown.returncode == 0, shown.stderr
    assert "hip-bridge" in shown.stdout
    assert "Mon" in shown.stdout


def test_intake_with_a_red_flag_is_blocked(cli: Cli) -> None:
    flags = {flag: flag == "saddle_numbness" for flag in f.intake_json()["red_flags"]}
    result = cli.run("intake", "--answers", cli.write_json("intake.json", f.intake_json(red_flags=flags)))
    assert result.returncode == 5
    assert "see a doctor or physiotherapist" in result.stdout
    refused = cli.run("plan")
    assert refused.returncode == 5
    assert "clinician" in refused.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("{not json", "not valid JSON", id="broken-json"),
        pytest.param('{"experience": "new"}', "red_flags", id="missing-answers"),
    ],
)
def test_intake_rejects_bad_answers(cli: Cli, content: str, message: str) -> None:
    path = cli.workdir / "bad.json"
    path.write_text(content)
    result = cli.run("intake", "--answers", str(path))
    assert result.returncode == 4
    assert message in result.stderr


def test_scripted_session_runs_to_the_end_and_progresses(ready: Cli, url: str) -> None:
    script = ready.write_json("script.json", {"pain_start": 2, "pain_end": 1, "answers": [{"rpe": 5, "pain": 1}]})
    for _ in range(2):
        result = ready.run("session", "--script", script, "--fast")
        assert result.returncode == 0, result.stderr
    assert "Session completed: 5 set(s)" in result.stdout
    assert "progress (reps 3 -> 5)" in result.stdout
    assert stored_sets(url) == EXPECTED_SETS * 2


def test_speak_without_espeak_says_so_and_goes_on(ready: Cli) -> None:
    ready.env["PATH"] = "/nonexistent"
    script = ready.write_json("script.json", {"end_after_sets": 1})
    result = ready.run("session", "--script", script, "--fast", "--speak")
    assert result.returncode == 0, result.stderr
    assert "espeak-ng is not installed" in result.stdout
    assert "Session ended early" in result.stdout


def test_session_without_programme(cli: Cli) -> None:
    result = cli.run("session", "--script", cli.write_json("s.json", {}), "--fast")
    assert result.returncode == 3
    assert "no profile named 'default'" in result.stderr


def test_kill_9_mid_session_loses_at_most_the_set_in_progress(ready: Cli, url: str) -> None:
    script = ready.write_json("script.json", {"pain_start": 2, "pain_end": 2})
    process = ready.start("session", "--script", script, "--speed", "30")
    try:
        deadline = time.monotonic() + 30
        while len(stored_sets(url)) < 2:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no sets stored in time"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    before = stored_sets(url)
    assert 2 <= len(before) < len(EXPECTED_SETS)
    assert before == EXPECTED_SETS[: len(before)]
    assert session_statuses(url) == ["in_progress"]

    again = ready.run("session", "--script", script, "--fast")
    assert again.returncode == 2
    assert "--resume" in again.stderr

    resumed = ready.run("session", "--resume", "--script", script, "--fast")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(before)} set(s) done" in resumed.stdout
    assert f"Session completed: {len(EXPECTED_SETS) - len(before)} set(s)" in resumed.stdout
    assert stored_sets(url) == EXPECTED_SETS
    assert session_statuses(url) == ["completed"]


def test_resume_without_an_open_session(ready: Cli) -> None:
    result = ready.run("session", "--resume", "--fast")
    assert result.returncode == 3
    assert "no unfinished session" in result.stderr


def test_unreachable_database_is_a_clear_error(tmp_path: Path, test_data: f.TestData) -> None:
    cli = make_cli(tmp_path, test_data, "postgresql+psycopg://nobody@127.0.0.1:1/backfit?connect_timeout=2")
    result = cli.run("session", "--fast")
    assert result.returncode == 20
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr
