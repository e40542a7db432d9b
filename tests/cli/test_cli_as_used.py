"""The command line as a person uses it, through the real `backfit` command in a terminal
of a given width: tables stay readable, mistyped ids get a suggestion, the safety questions
need an answer, and the schedule is set and shown."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from backfit.catalog import load_catalog
from backfit.cli.app import ExitCode
from backfit.plan.intake import RED_FLAG_QUESTIONS
from tests import factories as f
from tests.cli.helpers import Cli, make_cli
from tests.plan.strategies import NO_FLAGS

WIDTHS = [pytest.param(80, id="80-columns"), pytest.param(60, id="60-columns")]


@pytest.fixture
def cli(tmp_path: Path, test_data: f.TestData) -> Cli:
    """The real command on the packaged catalog and rules, in a fresh data directory."""
    return make_cli(tmp_path, f"sqlite:///{tmp_path / 'backfit.db'}")


def at_width(cli: Cli, width: int, *args: str) -> str:
    cli.env["COLUMNS"] = str(width)
    result = cli.run(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def onboard(cli: Cli, **changes: Any) -> None:
    answers = {
        "red_flags": dict(NO_FLAGS),
        "experience": "returning",
        "equipment": ["ball", "band"],
        "sessions_per_week": 3,
        "minutes_per_session": 25,
        "pain_now": 2,
        **changes,
    }
    result = cli.run("intake", "--answers", cli.write_json("answers.json", answers))
    assert result.returncode == 0, result.stderr


def assert_readable(output: str, width: int) -> None:
    """No line wider than the terminal, no cut word ('…'), and no run of lines holding one word each."""
    lines = output.splitlines()
    assert all(len(line.rstrip()) <= width for line in lines), max(lines, key=len)
    assert "…" not in output
    single = 0
    for line in lines:
        cells = [c for c in re.split(r"\s{2,}", line.strip()) if c]
        one_word = len(cells) >= 1 and all(len(c.split()) == 1 for c in cells) and len(line.split()) <= 2
        single = single + 1 if one_word and line.strip() else 0
        assert single < 3, f"a word per line: {line!r}"


@pytest.mark.parametrize("width", WIDTHS)
def test_exercises_are_readable_and_whole(cli: Cli, width: int) -> None:
    output = at_width(cli, width, "exercises")
    assert_readable(output, width)
    flat = " ".join(output.split())
    for exercise in load_catalog().values():
        assert exercise.id in output
        assert " ".join(exercise.name.split()) in flat or all(w in flat for w in exercise.name.split())
    assert "22 exercise(s)" in output


@pytest.mark.parametrize("width", WIDTHS)
def test_the_programme_is_readable_and_in_words(cli: Cli, width: int) -> None:
    onboard(cli)
    output = at_width(cli, width, "plan")
    assert_readable(output, width)
    flat = " ".join(output.split())
    plan = json.loads(at_width(cli, 200, "plan", "--json"))
    for day in plan["days"]:
        for item in day["items"]:
            assert item["name"] in flat
            assert " ".join(item["reason"].split()) in flat
    assert not re.search(r"\d+ x \d+", flat), "a dose in code, not in words"
    assert "Monday, Wednesday and Friday" in flat


@pytest.mark.parametrize("width", WIDTHS)
def test_history_is_readable(cli: Cli, width: int, tmp_path: Path) -> None:
    onboard(cli)
    script = cli.write_json("script.json", {"answers": [{"rpe": 5, "pain": 1}], "pain_end": 1})
    assert cli.run("session", "--script", script, "--fast").returncode == 0
    output = at_width(cli, width, "history")
    assert_readable(output, width)
    assert "completed" in output


def test_show_prints_camera_checks_in_words(cli: Cli) -> None:
    output = at_width(cli, 80, "show", "hip-bridge-single-leg")
    flat = " ".join(output.split())
    assert "camera, from your feet: the pelvis stays level from side to side (tilted 5° at most)" in flat
    assert "camera, side view: the hips stay up" in flat
    assert "Dose to start: 8 repetitions on each side, in 2 sets" in flat
    for code in ("_deg", "_ratio", "<=", ">="):
        assert code not in output


@pytest.mark.parametrize(
    ("command", "wrong", "suggested"),
    [
        pytest.param(["show"], "hip-brige", "hip-bridge", id="show-typo"),
        pytest.param(["show"], "Hip bridge march", "hip-bridge-march", id="show-by-name"),
        pytest.param(["show"], "prone-thigh-lift", "prone-single-thigh-lift", id="show-missing-word"),
        pytest.param(
            ["analyze", "clip.mp4", "--exercise"], "ball-hamstring-curls", "ball-hamstring-curl", id="analyze"
        ),
    ],
)
def test_a_mistyped_id_gets_a_suggestion(cli: Cli, command: list[str], wrong: str, suggested: str) -> None:
    result = cli.run(*command, wrong)
    assert result.returncode == ExitCode.not_found
    message = " ".join(result.stderr.split())
    assert f"unknown exercise id '{wrong}': did you mean '{suggested}'?" in message
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def test_an_id_like_nothing_gets_no_suggestion(cli: Cli) -> None:
    result = cli.run("show", "kettlebell-swing")
    assert result.returncode == ExitCode.not_found
    assert "did you mean" not in result.stderr


def test_start_points_to_the_web_coach(cli: Cli) -> None:
    output = " ".join(at_width(cli, 80, "start").split())
    assert "backfit web" in output
    assert "backfit intake" in output


def test_enter_alone_does_not_answer_a_safety_question(cli: Cli) -> None:
    """Eight Enters and a ninth answer: the first question is asked again each time, nothing is stored."""
    typed = "\n" * 8 + "maybe\n"
    process = subprocess.run(
        cli.argv("intake"), input=typed, env=cli.env, cwd=cli.workdir, capture_output=True, text=True, timeout=60
    )
    out = process.stdout
    assert process.returncode != 0  # the input ended before any question was answered
    first = next(iter(RED_FLAG_QUESTIONS.values()))
    assert out.count(first) == 10  # asked, then again after each of the 9 non-answers
    assert out.count("this question needs an answer") == 9
    second = list(RED_FLAG_QUESTIONS.values())[1]
    assert second not in out
    assert cli.run("plan").returncode == ExitCode.not_found


def test_settings_sets_and_shows_the_schedule(cli: Cli) -> None:
    onboard(cli)
    shown = " ".join(at_width(cli, 80, "settings").split())
    assert "Monday, Wednesday and Friday at 18:00, a reminder 30 minutes before" in shown
    wrong = cli.run("settings", "--weekdays", "mon,tue")
    assert wrong.returncode == ExitCode.invalid_input
    assert "choose 3 days, not 2" in " ".join(wrong.stderr.split())
    for bad, words in (("--time", "25:00"), ("--reminder", "soon"), ("--weekdays", "mon,wed,funday")):
        result = cli.run("settings", bad, words)
        assert result.returncode == ExitCode.invalid_input, words
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) <= 2
    saved = at_width(cli, 80, "settings", "--weekdays", "tue,thu,sat", "--time", "7:05", "--reminder", "0")
    assert "Tuesday, Thursday and Saturday at 07:05, no reminder" in " ".join(saved.split())
    data = json.loads(at_width(cli, 80, "settings", "--json"))
    assert data == {"weekdays": ["tue", "thu", "sat"], "time_of_day": "07:05", "reminder_minutes": 0}
    plan = " ".join(at_width(cli, 80, "plan").split())
    assert "Tuesday, Thursday and Saturday" in plan
    assert "Monday" not in plan


def test_settings_before_an_intake_says_what_to_do(cli: Cli) -> None:
    result = cli.run("settings")
    assert result.returncode == ExitCode.not_found
    assert "intake" in result.stderr
