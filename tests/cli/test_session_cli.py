"""`backfit intake` and `backfit session` as real processes, including a kill -9 mid-session."""

from __future__ import annotations

import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from backfit.catalog import load_catalog
from backfit.plan.rules import default_programme_rules
from backfit.services import profiles
from backfit.services.runtime import utc_now
from backfit.store import open_database
from backfit.store.models import PerformedSession, SetRecord
from tests import factories as f
from tests.cli.helpers import Cli, make_cli

# The packaged programme for f.intake(): drawing-in 1 set, low bridge 2, single thigh lift 2 each side, tall kneeling 2.
EXPECTED_SETS = [
    (0, 0, "both"), (1, 0, "both"), (1, 1, "both"),
    (2, 0, "left"), (2, 0, "right"), (2, 1, "left"), (2, 1, "right"),
    (3, 0, "both"), (3, 1, "both"),
]  # fmt: skip
PLANNED_SETS = 7


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'backfit.db'}"


@pytest.fixture
def cli(tmp_path: Path, url: str) -> Cli:
    return make_cli(tmp_path, url)


@pytest.fixture
def ready(cli: Cli, url: str) -> Cli:
    """A profile with a programme (stored through the services, in-process, to save a start-up)."""
    db = open_database(url)
    try:
        with db.unit_of_work() as session:
            profiles.save_intake(
                session, f.intake(), catalog=load_catalog(), rules=default_programme_rules(), now=utc_now()
            )
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


def days_ago(n: int) -> str:
    return (utc_now().date() - timedelta(days=n)).isoformat()


def test_scripted_session_runs_to_the_end_and_progresses(ready: Cli, url: str) -> None:
    script = ready.write_json("script.json", {"pain_start": 2, "pain_end": 1, "answers": [{"rpe": 5, "pain": 1}]})
    for day in (days_ago(4), days_ago(2)):
        result = ready.run("session", "--script", script, "--fast", "--on", day)
        assert result.returncode == 0, result.stderr
    assert f"Session completed: {PLANNED_SETS} of {PLANNED_SETS} set(s) done in full" in result.stdout
    assert "one step up (12 repetitions instead of 10)" in result.stdout
    assert stored_sets(url) == EXPECTED_SETS * 2


def test_two_sessions_on_one_day_do_not_progress(ready: Cli) -> None:
    script = ready.write_json("script.json", {"pain_start": 2, "pain_end": 1})
    for _ in range(2):
        result = ready.run("session", "--script", script, "--fast", "--on", days_ago(1))
        assert result.returncode == 0, result.stderr
    assert "progress" not in result.stdout
    assert "on one day counts once" in result.stdout


def test_half_done_per_side_sets_are_not_finished(ready: Cli) -> None:
    """Only the left side of the first set of the single thigh lift (each side): two sets not finished."""
    script = ready.write_json("script.json", {"half_sides": [3]})
    result = ready.run("session", "--script", script, "--fast", "--on", days_ago(2))
    assert result.returncode == 0, result.stderr
    assert f"Session ended early: {PLANNED_SETS - 2} of {PLANNED_SETS} set(s) done in full" in result.stdout
    assert "Prone single thigh lift: a step back (1 set instead of 2). 2 set(s) not finished" in " ".join(
        result.stdout.split()
    )


def test_pain_above_5_before_a_scripted_session_needs_a_choice(ready: Cli) -> None:
    refused = ready.run("session", "--script", ready.write_json("s.json", {"pain_start": 7}), "--fast")
    assert refused.returncode == 4
    assert "lighter session" in refused.stderr
    rest = ready.run(
        "session", "--script", ready.write_json("r.json", {"pain_start": 7, "intensity": "rest"}), "--fast"
    )
    assert rest.returncode == 0
    assert "Rest today" in rest.stdout
    lighter = ready.write_json("l.json", {"pain_start": 7, "intensity": "lighter"})
    done = ready.run("session", "--script", lighter, "--fast")
    assert done.returncode == 0, done.stderr
    assert "4 of 4 set(s) done in full" in done.stdout


def test_radiating_symptoms_pause_until_clinician_advice(ready: Cli) -> None:
    script = ready.write_json("s.json", {"answers": [{"rpe": 4, "pain": 3, "radiating": True}]})
    first = ready.run("session", "--script", script, "--fast", "--on", days_ago(3))
    assert first.returncode == 0, first.stderr
    assert "ended early: 1 of" in first.stdout
    assert "clinician-advised" in first.stdout
    refused = ready.run("session", "--script", ready.write_json("ok.json", {}), "--fast")
    assert refused.returncode == 5
    assert "paused" in refused.stderr
    assert ready.run("clinician-advised", "--yes").returncode == 0
    again = ready.run("session", "--script", ready.write_json("ok.json", {}), "--fast")
    assert again.returncode == 0, again.stderr


def test_ending_early_reports_the_true_count(ready: Cli) -> None:
    result = ready.run("session", "--script", ready.write_json("e.json", {"end_after_sets": 5}), "--fast")
    assert result.returncode == 0, result.stderr
    # drawing-in 1, low bridge 2, then both sides of the thigh lift's first set: 4 sets done in full
    assert f"Session ended early: 4 of {PLANNED_SETS} set(s) done in full" in result.stdout


@pytest.mark.parametrize(
    ("on", "message"),
    [
        pytest.param("2026-13-01", "YYYY-MM-DD", id="not-a-date"),
        pytest.param("2999-01-01", "not come yet", id="future"),
    ],
)
def test_on_needs_a_past_day(ready: Cli, on: str, message: str) -> None:
    result = ready.run("session", "--script", ready.write_json("s.json", {}), "--fast", "--on", on)
    assert result.returncode == 4
    assert message in result.stderr
    assert "Traceback" not in result.stderr


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
    assert f"Session completed: {PLANNED_SETS} of {PLANNED_SETS} set(s) done in full" in resumed.stdout
    assert f"({len(EXPECTED_SETS) - len(before)} stored in this run" in resumed.stdout
    assert stored_sets(url) == EXPECTED_SETS
    assert session_statuses(url) == ["completed"]


def test_resume_without_an_open_session(ready: Cli) -> None:
    result = ready.run("session", "--resume", "--fast")
    assert result.returncode == 3
    assert "no unfinished session" in result.stderr


def test_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    cli = make_cli(tmp_path, "postgresql+psycopg://nobody@127.0.0.1:1/backfit?connect_timeout=2")
    result = cli.run("session", "--fast")
    assert result.returncode == 20
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr
