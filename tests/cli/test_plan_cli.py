"""``backfit exercises``, ``show``, ``intake`` and ``plan``: output and error paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from backfit.cli import app
from backfit.cli.app import ExitCode
from backfit.plan import RedFlag
from backfit.store import repositories as repo
from backfit.store.database import open_database
from tests.plan.strategies import NO_FLAGS

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("BACKFIT_DATABASE_URL", "BACKFIT_CATALOG_DIR", "BACKFIT_PROGRAMME_RULES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BACKFIT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def answers(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "red_flags": dict(NO_FLAGS),
        "experience": "regular",
        "equipment": ["ball"],
        "sessions_per_week": 3,
        "minutes_per_session": 30,
        "pain_now": 1,
    }
    base.update(changes)
    return base


def write(tmp_path: Path, content: Any, name: str = "answers.json") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def invoke(*args: str, input: str | None = None) -> Any:
    return runner.invoke(app, list(args), input=input)


@pytest.mark.parametrize(
    ("args", "expected", "absent"),
    [
        pytest.param([], {"hip-bridge", "ball-hamstring-curl", "band-double-leg-press"}, set(), id="all"),
        pytest.param(["--equipment", "ball"], {"ball-hamstring-curl"}, {"hip-bridge"}, id="ball"),
        pytest.param(["--position", "prone"], {"prone-double-thigh-lift"}, {"hip-bridge"}, id="prone"),
        pytest.param(["--kind", "warm-up"], {"ball-prone-knee-bends"}, {"hip-bridge"}, id="warm-ups"),
        pytest.param(["--family", "bridge"], {"hip-bridge-march"}, {"prone-double-thigh-lift"}, id="bridge-ladder"),
    ],
)
def test_exercises_filters(args: list[str], expected: set[str], absent: set[str]) -> None:
    result = invoke("exercises", *args, "--json")
    assert result.exit_code == 0, result.output
    ids = {row["id"] for row in json.loads(result.stdout)}
    assert expected <= ids
    assert not absent & ids


def test_exercises_table_lists_all_22() -> None:
    result = invoke("exercises")
    assert result.exit_code == 0
    assert "22 exercise(s)" in result.stdout


def test_exercises_rejects_unknown_equipment() -> None:
    result = invoke("exercises", "--equipment", "kettlebell")
    assert result.exit_code == ExitCode.usage
    assert "kettlebell" in result.output


def test_show_prints_steps_cues_ladder_and_dosage() -> None:
    result = invoke("show", "hip-bridge")
    assert result.exit_code == 0
    shown = " ".join(result.stdout.split())
    expected = (
        "Steps",
        "Cues",
        "camera, from your feet: the pelvis stays level from side to side (tilted 5° at most)",
        "camera, side view: the low back does not arch more than 15° past a straight shoulder-hip-knee line",
        "Dose to start: 10 repetitions, in 2 sets",
        "hip-bridge-low -> hip-bridge",
    )
    for text in expected:
        assert text in shown
    assert "_deg" not in shown
    assert "<=" not in shown


def test_show_json_is_the_whole_record() -> None:
    result = invoke("show", "prone-double-thigh-lift", "--json")
    record = json.loads(result.stdout)
    assert record["id"] == "prone-double-thigh-lift"
    assert any(c["camera"] and c["camera"]["quantity"] == "leg_height_diff_ratio" for c in record["cues"])


def test_show_unknown_id_is_one_line() -> None:
    result = invoke("show", "no-such-thing")
    assert result.exit_code == ExitCode.not_found
    assert "unknown exercise id 'no-such-thing'" in result.output
    assert "Traceback" not in result.output


def stored_intake(data_dir: Path) -> dict[str, Any] | None:
    """The latest intake answers stored in the database under ``data_dir``, with its clearance time."""
    database = open_database(f"sqlite:///{data_dir / 'backfit.db'}")
    try:
        with database.unit_of_work() as session:
            profile = repo.profile_by_name(session, "default")
            record = repo.latest_intake(session, profile.id) if profile else None
            if record is None:
                return None
            return {**record.answers, "cleared_at": record.cleared_at}
    finally:
        database.dispose()


def test_plan_json_previews_answers_without_storing(tmp_path: Path, data_dir: Path) -> None:
    result = invoke("plan", "--answers", str(write(tmp_path, answers())), "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert len(plan["days"]) == 3
    first = plan["days"][0]
    assert first["minutes"] <= 30
    assert all(item["reason"] for item in first["items"])
    assert stored_intake(data_dir) is None


def test_plan_table_says_not_medical_advice(tmp_path: Path) -> None:
    result = invoke("plan", "--answers", str(write(tmp_path, answers())))
    assert result.exit_code == 0
    assert "not medical advice" in result.stdout


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        pytest.param("{not json", ExitCode.invalid_input, "not valid JSON", id="bad-json"),
        pytest.param("[1, 2]", ExitCode.invalid_input, "JSON object", id="not-an-object"),
        pytest.param(answers(pain_now=12), ExitCode.invalid_input, "pain_now", id="pain-out-of-range"),
        pytest.param(answers(sessions_per_week=9), ExitCode.invalid_input, "sessions_per_week", id="too-many-sessions"),
        pytest.param(answers(equipment=["rower"]), ExitCode.invalid_input, "equipment", id="unknown-equipment"),
        pytest.param(
            answers(red_flags={**NO_FLAGS, RedFlag.bladder_bowel.value: True}),
            ExitCode.blocked,
            "see a doctor or physiotherapist",
            id="red-flag",
        ),
    ],
)
def test_plan_errors_are_one_line(tmp_path: Path, content: Any, code: ExitCode, message: str) -> None:
    result = invoke("plan", "--answers", str(write(tmp_path, content)))
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_plan_missing_file(tmp_path: Path) -> None:
    result = invoke("plan", "--answers", str(tmp_path / "nope.json"))
    assert result.exit_code == ExitCode.not_found
    assert "no such file" in result.output


def test_plan_without_intake_says_what_to_do() -> None:
    result = invoke("plan")
    assert result.exit_code == ExitCode.not_found
    assert "backfit intake" in result.output


def test_intake_from_file_is_stored_and_used_by_plan(tmp_path: Path, data_dir: Path) -> None:
    result = invoke("intake", "--answers", str(write(tmp_path, answers())))
    assert result.exit_code == 0, result.output
    saved = stored_intake(data_dir)
    assert saved is not None
    assert saved["experience"] == "regular"
    shown = invoke("plan", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["changes"] == []


def test_intake_red_flag_blocks_and_records_no_clearance(tmp_path: Path, data_dir: Path) -> None:
    flagged = answers(red_flags={**NO_FLAGS, "night_or_rest_pain": True})
    result = invoke("intake", "--answers", str(write(tmp_path, flagged)))
    assert result.exit_code == ExitCode.blocked
    saved = stored_intake(data_dir)
    assert saved is not None
    assert saved["cleared_at"] is None
    assert invoke("plan").exit_code == ExitCode.blocked


def test_intake_clearance_is_recorded(tmp_path: Path, data_dir: Path) -> None:
    cleared = answers(red_flags={**NO_FLAGS, "cancer_history": True}, clearance_confirmed=True)
    assert invoke("intake", "--answers", str(write(tmp_path, cleared))).exit_code == 0
    saved = stored_intake(data_dir)
    assert saved is not None
    assert saved["cleared_at"] is not None
    shown = json.loads(invoke("plan", "--json").stdout)
    assert any("clearance" in reason for reason in shown["reasons"])


def interactive(flags: list[str], clearance: str | None, rest: list[str]) -> str:
    lines = list(flags)
    if clearance is not None:
        lines.append(clearance)
    return "\n".join(lines + rest) + "\n"


SCHEDULE = ["mon,tue", "mon,tue,thu", "25:00", "7:30", "soon", "15"]
REST = ["expert", "returning", "ball, kettlebell", "ball,band", "0", "3", *SCHEDULE, "20", "11", "3", "socks", "4", ""]


def test_interactive_intake_reasks_bad_answers(data_dir: Path) -> None:
    result = invoke("intake", input=interactive(["n"] * len(NO_FLAGS), None, REST))
    assert result.exit_code == 0, result.output
    assert "Please answer one of" in result.output
    assert "Unknown equipment: kettlebell" in result.output
    assert "from 1 to 6" in result.output
    saved = stored_intake(data_dir)
    assert saved is not None
    assert set(saved["equipment"]) == {"ball", "band"}
    assert saved["pain_now"] == 3
    assert saved["psfs"] == [{"activity": "socks", "rating": 4}]


@pytest.mark.parametrize(
    ("clearance", "code"),
    [
        pytest.param("cleared", ExitCode.ok, id="explicit-clearance-goes-on"),
        pytest.param("y", ExitCode.blocked, id="anything-else-blocks"),
    ],
)
def test_interactive_red_flag_needs_explicit_clearance(data_dir: Path, clearance: str, code: ExitCode) -> None:
    flags = ["y"] + ["n"] * (len(NO_FLAGS) - 1)
    result = invoke("intake", input=interactive(flags, clearance, REST))
    assert result.exit_code == code, result.output
    saved = stored_intake(data_dir)
    assert saved is not None
    assert (saved["cleared_at"] is not None) == (code == ExitCode.ok)


def test_intake_unwritable_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("BACKFIT_DATA_DIR", str(blocker / "sub"))
    result = invoke("intake", "--answers", str(write(tmp_path, answers())))
    assert result.exit_code == ExitCode.data_dir_read_only
    assert "cannot create the data directory" in result.output


def test_start_says_what_backfit_is() -> None:
    result = invoke("start")
    assert result.exit_code == 0
    assert "not medical advice" in result.stdout
