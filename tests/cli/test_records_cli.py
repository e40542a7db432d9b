"""`backfit checkin`, `history`, `progress`, `export` and `import`, run in-process."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import backfit.cli.records
import backfit.cli.session
from backfit.cli.app import app
from backfit.services.runtime import utc_now
from tests import factories as f

assert backfit.cli.records


class Backfit:
    """The CLI in-process, on the packaged catalog and rules."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.env = {
            "BACKFIT_DATA_DIR": str(tmp_path / "data"),
            "BACKFIT_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'backfit.db'}",
            "COLUMNS": "160",
        }

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(app, list(args), env=self.env, catch_exceptions=False)

    def file(self, name: str, value: object) -> str:
        path = self.tmp / name
        path.write_text(json.dumps(value))
        return str(path)


@pytest.fixture
def backfit(tmp_path: Path) -> Backfit:
    """A person with two sessions on different days (three and one day ago)."""
    run = Backfit(tmp_path)
    assert run("intake", "--answers", run.file("intake.json", f.intake_json())).exit_code == 0
    script = run.file("script.json", {"pain_start": 1, "pain_end": 2})
    for ago in (3, 1):
        day = (utc_now().date() - timedelta(days=ago)).isoformat()
        assert run("session", "--script", script, "--fast", "--on", day).exit_code == 0
    return run


def test_checkin_pain_and_psfs(backfit: Backfit) -> None:
    result = backfit("checkin", "--pain", "2", "--psfs", "bending to tie shoes=7")
    assert result.exit_code == 0, result.output
    assert "PSFS stored: bending to tie shoes 7/10" in result.output


def test_the_morning_checkin_waits_for_the_next_morning(backfit: Backfit) -> None:
    """A session done just now: its next morning has not come (the stored path is in tests/services,
    with a clock)."""
    script = backfit.file("today.json", {"pain_start": 1, "pain_end": 2})
    assert backfit("session", "--script", script, "--fast").exit_code == 0
    early = backfit("checkin", "--morning", "1")
    assert early.exit_code == 4
    assert "opens tomorrow morning" in early.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--pain", "11"], "0-10", id="pain-out-of-range"),
        pytest.param(["--psfs", "walking"], "activity=rating", id="psfs-malformed"),
    ],
)
def test_checkin_rejects_bad_values(backfit: Backfit, args: list[str], message: str) -> None:
    result = backfit("checkin", *args)
    assert result.exit_code == 4
    assert message in result.output


def test_history_json(backfit: Backfit) -> None:
    result = backfit("history", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 2
    assert rows[0]["status"] == "completed"
    assert rows[0]["pain_start"] == 1
    assert rows[0]["decisions"]
    assert ": one step up" in rows[0]["decisions"][0]  # a sentence naming the exercise
    table = backfit("history")
    assert "History of default" in table.output
    assert "7/7" in table.output


def test_progress_writes_charts(backfit: Backfit, tmp_path: Path) -> None:
    result = backfit("progress", "--out", str(tmp_path / "charts"))
    assert result.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "charts").iterdir())
    assert names == sorted(
        f"{chart}.{ext}" for chart in ("adherence", "ladder", "pain", "volume") for ext in ("png", "svg")
    )


def test_export_import_round_trip_and_refusals(backfit: Backfit, tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    assert backfit("export", "--format", "json", "--out", str(backup)).exit_code == 0
    csv_out = backfit("export", "--format", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("profile,session_id")
    assert len(csv_out.stdout.splitlines()) == 1 + 2 * 9  # one row per stored set (per side), two sessions
    ics = backfit("export", "--format", "ics")
    assert ics.stdout.startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VEVENT" in ics.stdout

    (tmp_path / "other").mkdir()
    elsewhere = Backfit(tmp_path / "other")
    foreign = elsewhere.file("foreign.json", {"hello": "world"})
    refused = elsewhere("import", foreign)
    assert refused.exit_code == 4
    assert "not a backfit backup" in refused.output
    assert "nothing was changed" in refused.output
    restored = elsewhere("import", str(backup))
    assert restored.exit_code == 0, restored.output
    again = tmp_path / "again.json"
    assert elsewhere("export", "--format", "json", "--out", str(again)).exit_code == 0
    first, second = json.loads(backup.read_text()), json.loads(again.read_text())
    assert first.pop("exported_at")
    assert second.pop("exported_at")
    assert first == second
    busy = elsewhere("import", str(backup))
    assert busy.exit_code == 4
    assert "'default' is already in this database" in busy.output
    assert "--replace" in busy.output


def test_export_and_import_are_per_person(backfit: Backfit, tmp_path: Path) -> None:
    assert backfit("intake", "--profile", "alice", "--answers", backfit.file("a.json", f.intake_json())).exit_code == 0
    assert backfit("checkin", "--pain", "3", "--profile", "alice").exit_code == 0
    alice = tmp_path / "alice.json"
    assert backfit("export", "--profile", "alice", "--out", str(alice)).exit_code == 0
    written = json.loads(alice.read_text())
    assert [r["name"] for r in written["tables"]["profiles"]] == ["alice"]
    assert not written["tables"]["performed_sessions"], "the default person's sessions are not alice's"
    default_before = backfit("export").stdout.split('"tables"')[1]  # all after the time it was made

    replaced = backfit("import", str(alice), "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "Imported alice" in replaced.output
    assert backfit("export").stdout.split('"tables"')[1] == default_before, "the other person is untouched"
    assert backfit("import", str(alice), "--profile", "bea").exit_code == 0
    bea = json.loads(backfit("export", "--profile", "bea").stdout)
    assert [r["pain"] for r in bea["tables"]["checkins"]] == [3]

    whole = tmp_path / "whole.json"
    assert backfit("export", "--all", "--out", str(whole)).exit_code == 0
    names = [r["name"] for r in json.loads(whole.read_text())["tables"]["profiles"]]
    assert sorted(names) == ["alice", "bea", "default"]
    (tmp_path / "server").mkdir()
    server = Backfit(tmp_path / "server")
    several = server("import", str(whole))
    assert several.exit_code == 4
    assert "holds 3 people (alice, bea, default)" in several.output
    assert server("import", str(whole), "--profile", "bea").exit_code == 0
    assert server("import", str(alice), "--all").exit_code == 4
    assert server("import", str(whole), "--all", "--replace").exit_code == 0
    assert server("export", "--all").stdout.split('"tables"')[1] == whole.read_text().split('"tables"')[1]
    record = backfit("export", "--format", "fhir", "--profile", "alice")
    assert record.exit_code == 0, record.output
    entries = [e["resource"] for e in json.loads(record.stdout)["entry"]]
    assert [r["resourceType"] for r in entries[:2]] == ["Patient", "CarePlan"]
    assert entries[0]["name"] == [{"text": "alice"}]
    assert not [r for r in entries if r["resourceType"] == "Procedure"], "none of default's sessions"
    pains = [r["valueInteger"] for r in entries if r.get("code", {}).get("coding", [{}])[0].get("code") == "72514-3"]
    assert pains == [3], "alice's one check-in"
    assert backfit("export", "--format", "csv", "--all").exit_code == 2
    assert backfit("export", "--profile", "nobody").exit_code == 3
