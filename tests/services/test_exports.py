"""Backups round-trip losslessly; corrupt or foreign files are refused and change nothing."""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from icalendar import Calendar

from backfit.services import exports, history
from backfit.store import ImportRejected, open_database
from backfit.store import repositories as repo
from backfit.store.database import Database, head_revision
from tests import factories as f

NOW = f.START + timedelta(weeks=6, days=1)


@pytest.fixture(scope="module")
def lived_backup(tmp_path_factory: pytest.TempPathFactory, test_data: f.TestData) -> dict[str, Any]:
    """Two people's histories, built once through the services (on SQLite) and backed up."""
    source = open_database(f"sqlite:///{tmp_path_factory.mktemp('lived') / 'backfit.db'}")
    try:
        with source.unit_of_work() as session:
            f.realistic_history(session, test_data, weeks=6, name="ana")
            f.realistic_history(session, test_data, weeks=2, name="ben")
            f.watched_by_camera(session, [f.fault(7.25), f.fault(6.0, t=9.0)], name="ben")
        return backup(source)
    finally:
        source.dispose()


@pytest.fixture
def lived(db: Database, lived_backup: dict[str, Any]) -> Database:
    """The database under test (either backend) holding the two histories."""
    with db.unit_of_work() as session:
        exports.import_backup(session, lived_backup)
    return db


def backup(db: Database) -> dict[str, Any]:
    with db.unit_of_work() as session:
        return exports.export_backup(session, now=NOW)


def test_json_backup_round_trips_losslessly(db: Database, new_db_url: Callable[[], str], test_data: f.TestData) -> None:
    with db.unit_of_work() as session:
        f.realistic_history(session, test_data, weeks=6, name="ana")
        f.realistic_history(session, test_data, weeks=2, name="ben")
        f.watched_by_camera(session, [f.fault(7.25), f.fault(-0.1234567891234, text="Keep still.", t=0.0)])
        f.watched_by_camera(session, [], name="ben")
    original = backup(db)
    assert original["format_version"] == exports.BACKUP_VERSION
    assert len(original["tables"]["sets"]) > 100
    camera = [row for row in original["tables"]["sets"] if row["source"] == "camera"]
    assert sorted(len(row["faults"]) for row in camera) == [0, 2]
    assert original["tables"]["progression_decisions"]
    restored = open_database(new_db_url())
    try:
        with restored.unit_of_work() as session:
            counts = exports.import_backup(session, json.loads(json.dumps(original)))
        assert counts["profiles"] == 2
        assert backup(restored) == original
        with restored.unit_of_work() as session:  # new rows get ids after the imported ones
            f.run_session(session, test_data, NOW, name="ana")
        assert (
            len(backup(restored)["tables"]["performed_sessions"]) == len(original["tables"]["performed_sessions"]) + 1
        )
    finally:
        restored.dispose()


def _corrupt(change: Callable[[dict[str, Any]], object]) -> Callable[[dict[str, Any]], Any]:
    """A copy of the backup changed in place by ``change`` (its return value is ignored)."""

    def apply(data: dict[str, Any]) -> Any:
        data = copy.deepcopy(data)
        change(data)
        return data

    return apply


CORRUPTIONS = [
    pytest.param(lambda d: [1, 2, 3], "not a backfit backup", id="a-list"),
    pytest.param(_corrupt(lambda d: d.update(format="other-app")), "not a backfit backup", id="foreign-format"),
    pytest.param(_corrupt(lambda d: d.update(format_version=99)), "version 99", id="newer-format"),
    pytest.param(_corrupt(lambda d: d.update(schema_revision="9999")), "schema revision", id="other-schema"),
    pytest.param(_corrupt(lambda d: d["tables"].pop("sets")), "tables are not backfit's", id="missing-table"),
    pytest.param(_corrupt(lambda d: d["tables"]["sets"][0].pop("reps")), "has columns", id="missing-column"),
    pytest.param(_corrupt(lambda d: d["tables"]["sets"][0].update(reps="ten")), "not an integer", id="bad-integer"),
    pytest.param(
        _corrupt(lambda d: d["tables"]["checkins"][0].update(recorded_at="yesterday")), "checkins", id="bad-time"
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["sets"][0].update(performed_session_id=999_999)), "do not fit", id="dangling-fk"
    ),
    pytest.param(_corrupt(lambda d: d["tables"]["sets"][0].update(source="guess")), "sets.source", id="bad-source"),
    pytest.param(_corrupt(lambda d: d["tables"]["sets"][0].update(faults="bad")), "sets.faults", id="faults-not-list"),
    pytest.param(
        _corrupt(lambda d: d["tables"]["sets"][0].update(faults=[{"text": "x"}])), "sets.faults", id="fault-fields"
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["sets"][0].update(faults=[{**f.fault(), "value": "7"}])),
        "finite number",
        id="fault-value-text",
    ),
    pytest.param(_corrupt(lambda d: d.update(schema_revision="0000")), "cannot import", id="unknown-old-schema"),
    pytest.param(
        _corrupt(lambda d: d["tables"]["profiles"].append(dict(d["tables"]["profiles"][0]))), "do not fit", id="dup-id"
    ),
]


@pytest.mark.parametrize(("corrupt", "message"), CORRUPTIONS)
def test_corrupt_or_foreign_backup_is_refused_and_data_intact(
    lived: Database, corrupt: Callable[[dict[str, Any]], Any], message: str
) -> None:
    before = backup(lived)
    with pytest.raises(ImportRejected, match=message), lived.unit_of_work() as session:
        exports.import_backup(session, corrupt(before), replace=True)
    assert backup(lived) == before


def as_revision_0001(data: dict[str, Any]) -> dict[str, Any]:
    """The backup as backfit wrote it at schema revision 0001: sets had no source nor faults."""
    old = copy.deepcopy(data)
    old["schema_revision"] = "0001"
    for row in old["tables"]["sets"]:
        del row["source"], row["faults"]
    return old


def test_backup_of_revision_0001_is_upgraded_on_import(lived: Database, new_db_url: Callable[[], str]) -> None:
    current = backup(lived)
    old = as_revision_0001(current)
    frozen = copy.deepcopy(old)
    restored = open_database(new_db_url())
    try:
        with restored.unit_of_work() as session:
            counts = exports.import_backup(session, old)
        assert old == frozen, "the backup given is not changed"
        assert counts["sets"] == len(current["tables"]["sets"])
        again = backup(restored)
        assert again["schema_revision"] == head_revision()
        expected = copy.deepcopy(current["tables"])
        for row in expected["sets"]:
            row["source"] = row["faults"] = None  # 0001 did not know them
        assert again["tables"] == expected
    finally:
        restored.dispose()


def test_backup_upgrades_reach_the_head_revision() -> None:
    revision = "0001"
    while revision in exports.BACKUP_UPGRADES:
        revision = exports.BACKUP_UPGRADES[revision][0]
    assert revision == head_revision(), "a migration changed the tables: add its step to BACKUP_UPGRADES"


def test_import_into_a_database_with_data_needs_replace(lived: Database) -> None:
    data = backup(lived)
    with pytest.raises(ImportRejected, match="already holds data"), lived.unit_of_work() as session:
        exports.import_backup(session, data)
    with lived.unit_of_work() as session:
        exports.import_backup(session, data, replace=True)
    assert backup(lived) == data


def test_not_json_at_all() -> None:
    with pytest.raises(ImportRejected, match="not valid JSON"):
        exports.load_backup_text(b"\x89PNG garbage")


def test_csv_has_one_row_per_set(lived: Database) -> None:
    with lived.unit_of_work() as session:
        text = exports.export_sets_csv(session, "ben")
        sessions = history.history(session, "ben")
        stored = repo.sets_of(session, [s.id for s in sessions])  # one row per side of a per-side set
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(stored) > 6 * 5
    assert sum(s.sets_done for s in sessions) < len(stored)  # a per-side set is one set done, two rows
    assert {r["profile"] for r in rows} == {"ben"}
    assert {int(r["session_id"]) for r in rows} == {s.id for s in sessions}
    assert rows[0]["exercise_id"] == "abdominal-drawing-in"
    assert rows[0]["completed"] == "true"
    watched = [r for r in rows if r["source"] == "camera"]
    assert len(watched) == 1
    assert watched[0]["faults"] == "Keep your pelvis level from side to side: 7.2° (bound ≤ 5.0°), seen 2 times"
    assert {(r["source"], r["faults"]) for r in rows if r is not watched[0]} == {("", "")}


def test_calendar_lists_upcoming_sessions(lived: Database) -> None:
    with lived.unit_of_work() as session:
        raw = exports.export_calendar(session, now=NOW, name="ana", weeks=2)
    calendar = Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0"
    assert "backfit" in str(calendar["PRODID"])
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 6  # two weeks after a Tuesday: Wed, Fri, Mon, Wed, Fri, Mon
    first = events[0]
    assert first.decoded("DTSTART") == (NOW + timedelta(days=1)).date()
    assert {"UID", "DTSTAMP", "SUMMARY", "DESCRIPTION"} <= set(first)
    assert "hip-bridge" in str(first["DESCRIPTION"])
    assert len({str(e["UID"]) for e in events}) == 6
