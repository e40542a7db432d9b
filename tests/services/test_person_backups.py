"""A person's backup holds only that person; importing it touches nobody else, gives new ids,
and refuses in words what it cannot do (on SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from backfit.services import checkins, exports, person_rows
from backfit.store import ImportRejected, open_database
from backfit.store.database import Database
from backfit.store.errors import DataPresent
from backfit.store.models import Base
from tests import factories as f
from tests.services.test_exports import NOW, as_revision_0001, as_revision_0002, backup, lived, lived_backup, person

__all__ = ["lived", "lived_backup"]  # fixtures


def frozen(data: dict[str, Any]) -> str:
    """The exact text of a backup as written to a file."""
    return json.dumps(data, indent=1, ensure_ascii=False)


def profile_ids(data: dict[str, Any]) -> set[int]:
    return {row["id"] for row in data["tables"]["profiles"]}


def test_every_table_is_a_persons_or_named_not_personal() -> None:
    tables = {t.name for t in Base.metadata.sorted_tables}
    assert tables == person_rows.PERSON_TABLE_NAMES | person_rows.NOT_PERSONAL
    assert {
        "profiles", "intakes", "programmes", "current_prescriptions", "programme_pauses", "scheduled_sessions",
        "performed_sessions", "sets", "exercise_results", "checkins", "psfs_ratings", "progression_decisions",
        "schedule_preferences", "set_recordings", "recording_chunks", "clinician_changes", "pending_progressions",
    } == person_rows.PERSON_TABLE_NAMES  # fmt: skip
    for table in person_rows.PERSON_TABLES:  # a person's rows refer only to that person's rows
        assert {fk.column.table.name for fk in table.foreign_keys} <= person_rows.PERSON_TABLE_NAMES, table.name


def test_a_person_backup_holds_that_person_and_nobody_else(lived: Database) -> None:
    whole = backup(lived)
    ben = person(lived, "ben")
    assert ben["scope"] == "person"
    assert ben["profile"] == "ben"
    [ben_row] = ben["tables"]["profiles"]
    assert ben_row["name"] == "ben"
    ana_id = next(r["id"] for r in whole["tables"]["profiles"] if r["name"] == "ana")
    ana_sessions = {r["id"] for r in whole["tables"]["performed_sessions"] if r["profile_id"] == ana_id}
    ana_programmes = {r["id"] for r in whole["tables"]["programmes"] if r["profile_id"] == ana_id}
    for table, rows in ben["tables"].items():
        assert all(r.get("profile_id", ben_row["id"]) == ben_row["id"] for r in rows), table
        assert not {r.get("performed_session_id") for r in rows} & ana_sessions, table
        assert not {r.get("programme_id") for r in rows} & ana_programmes, table
    ana = person(lived, "ana")
    for table, rows in whole["tables"].items():  # the two people's backups are the whole database, split
        assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in ben["tables"][table] + ana["tables"][table])
    assert ben["tables"]["sets"]
    assert ben["tables"]["schedule_preferences"]
    assert ben["tables"]["progression_decisions"]


def test_replacing_one_person_leaves_the_other_byte_for_byte(lived: Database, test_data: f.TestData) -> None:
    ana_before = person(lived, "ana")
    ben_before = frozen(person(lived, "ben"))
    with lived.unit_of_work() as session:  # ana's data moves on after the backup
        checkins.record_pain_now(session, pain=7, now=NOW + timedelta(days=1), name="ana")
        f.run_session(session, test_data, NOW + timedelta(days=2), name="ana")
    with lived.unit_of_work() as session:
        counts = exports.import_person_backup(session, copy.deepcopy(ana_before), replace=True)
    assert counts["profiles"] == 1
    assert counts["sets"] == len(ana_before["tables"]["sets"])
    assert frozen(person(lived, "ben")) == ben_before
    ana_after = person(lived, "ana")
    assert f.renumbered(ana_after["tables"]) == f.renumbered(ana_before["tables"]), "ana is as in her backup"
    assert not profile_ids(ana_after) & profile_ids(ana_before), "her rows are new ones"
    assert len(backup(lived)["tables"]["profiles"]) == 2


def test_a_laptop_backup_imports_into_a_server_holding_others(
    lived: Database, new_db_url: Callable[[], str], test_data: f.TestData
) -> None:
    laptop = open_database(new_db_url())
    try:
        with laptop.unit_of_work() as session:
            f.realistic_history(session, test_data, weeks=3, name="default")
            f.watched_by_camera(session, [f.fault(8.5)], name="default")
        from_laptop = person(laptop, "default")
    finally:
        laptop.dispose()
    others = {name: frozen(person(lived, name)) for name in ("ana", "ben")}
    with lived.unit_of_work() as session:
        exports.import_person_backup(session, from_laptop, name="carla")
        exports.import_person_backup(session, from_laptop)  # under its own name
    for name in ("carla", "default"):
        imported = person(lived, name)
        expected = f.renumbered(from_laptop["tables"])
        expected["profiles"][0]["name"] = name
        assert f.renumbered(imported["tables"]) == expected
    assert {name: frozen(person(lived, name)) for name in ("ana", "ben")} == others
    with lived.unit_of_work() as session:  # the imported person carries on (new rows get fresh ids)
        f.run_session(session, test_data, NOW + timedelta(days=1), name="carla")
    assert len(person(lived, "carla")["tables"]["performed_sessions"]) == 3 * 3 + 1


@pytest.mark.parametrize("old", [as_revision_0001, as_revision_0002], ids=["revision-0001", "revision-0002"])
def test_an_old_whole_backup_gives_one_person_beside_others(
    lived: Database, new_db_url: Callable[[], str], old: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    ben = person(lived, "ben")
    server = open_database(new_db_url())
    try:
        with server.unit_of_work() as session:
            exports.import_person_backup(session, person(lived, "ana"))
            exports.import_person_backup(session, old(backup(lived)), name="ben")
        got = person(server, "ben")
        ana = person(server, "ana")
    finally:
        server.dispose()
    assert f.renumbered(ana["tables"]) == f.renumbered(person(lived, "ana")["tables"])
    assert got["tables"]["sets"]
    assert got["tables"]["schedule_preferences"] == []
    expected = f.renumbered(ben["tables"])
    expected["schedule_preferences"] = []
    expected["set_recordings"] = expected["recording_chunks"] = []  # backups before 0008 hold no recordings
    if old is as_revision_0001:
        for row in expected["sets"]:
            row["source"] = row["faults"] = None
    assert f.renumbered(got["tables"]) == expected


def _with_a_row_of(other: dict[str, Any], table: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def splice(data: dict[str, Any]) -> dict[str, Any]:
        data = copy.deepcopy(data)
        data["tables"][table].append(other["tables"][table][0])
        return data

    return splice


def test_refusals_in_words_change_nothing(lived: Database) -> None:
    before = backup(lived)
    ana, ben = person(lived, "ana"), person(lived, "ben")
    refusals: list[tuple[Callable[[Any], Any], type[Exception], str]] = [
        (lambda s: exports.import_person_backup(s, ana), DataPresent, "'ana' is already in this database"),
        (lambda s: exports.import_person_backup(s, ben, name="ana"), DataPresent, "--replace; nobody else"),
        (lambda s: exports.import_person_backup(s, before), ImportRejected, r"holds 2 people \(ana, ben\)"),
        (lambda s: exports.import_person_backup(s, before, name="zoe"), ImportRejected, "say which one"),
        (lambda s: exports.import_database_backup(s, ana, replace=True), ImportRejected, "one person's backup"),
        (lambda s: exports.import_database_backup(s, before), DataPresent, "already holds data"),
        (
            lambda s: exports.import_person_backup(s, _with_a_row_of(ana, "checkins")(ben), replace=True),
            ImportRejected,
            "belong to nobody",
        ),
        (
            lambda s: exports.import_person_backup(s, _with_a_row_of(ana, "profiles")(ben), replace=True),
            ImportRejected,
            "holds 2 profiles",
        ),
    ]
    for attempt, kind, words in refusals:
        with pytest.raises(kind, match=words), lived.unit_of_work() as session:
            attempt(session)
    assert backup(lived) == before


def test_deleting_a_person_leaves_the_other(lived: Database) -> None:
    ben = frozen(person(lived, "ben"))
    with lived.unit_of_work() as session:
        exports.delete_person_data(session, "ana")
        assert set(exports.stored_counts(session, "ana").values()) == {0}
        assert exports.stored_counts(session, "ben")["sets"] > 0
    assert frozen(person(lived, "ben")) == ben
    assert [r["name"] for r in backup(lived)["tables"]["profiles"]] == ["ben"]
