"""Opening, migrating and guarding the database; each failure leaves data intact."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, insert, inspect, select, text

from backfit.store import DatabaseUnavailable, DataDirReadOnly, SchemaTooNew, open_database
from backfit.store.database import alembic_config, head_revision, make_engine, stamped_revision
from backfit.store.models import Base, IntakeRecord, PerformedSession, Profile, ProgrammeRecord, SetRecord

NOW = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def test_fresh_database_is_migrated_to_head(db_url: str) -> None:
    db = open_database(db_url)
    try:
        assert stamped_revision(db.engine) == head_revision()
        tables = set(inspect(db.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        db.dispose()


def not_the_job_queue(name: str | None, kind: str, parent: dict[str, str | None]) -> bool:
    """The job queue's own tables (procrastinate's schema, migration 0009, PostgreSQL) are not backfit's models."""
    return kind != "table" or not (name or "").startswith("procrastinate_")


def test_migrations_match_the_models(db_url: str) -> None:
    db = open_database(db_url)
    try:
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_name": not_the_job_queue})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
    finally:
        db.dispose()


def test_reopening_keeps_data_and_times_stay_utc(db_url: str) -> None:
    db = open_database(db_url)
    with db.unit_of_work() as session:
        session.add(Profile(name="ana", created_at=NOW))
    db.dispose()
    again = open_database(db_url)
    try:
        with again.unit_of_work() as session:
            profile = session.scalars(select(Profile)).one()
            assert profile.created_at == NOW
            assert profile.created_at.tzinfo is not None
    finally:
        again.dispose()


def test_database_from_a_newer_backfit_is_refused_and_untouched(db_url: str) -> None:
    db = open_database(db_url)
    with db.unit_of_work() as session:
        session.add(Profile(name="ana", created_at=NOW))
        session.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    db.dispose()
    with pytest.raises(SchemaTooNew, match=r"9999_from_the_future.*upgrade backfit"):
        open_database(db_url)
    engine = make_engine(db_url)
    try:
        assert stamped_revision(engine) == "9999_from_the_future"
        with engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(Profile)).scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("postgresql+psycopg://nobody@127.0.0.1:1/backfit", id="postgres-port-closed"),
        pytest.param("postgresql+psycopg://nobody@no-such-host.invalid/backfit", id="postgres-unknown-host"),
        pytest.param("nosuchdialect://x/y", id="unknown-dialect"),
        pytest.param("not a url at all", id="garbage"),
    ],
)
def test_unreachable_database_gives_a_clear_error(url: str) -> None:
    with pytest.raises(DatabaseUnavailable, match="database"):
        open_database(url)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


@pytest.mark.parametrize("target", ["directory", "file"])
def test_read_only_data_is_refused_and_left_intact(tmp_path: Path, target: str) -> None:
    data = tmp_path / "data"
    url = f"sqlite:///{data / 'backfit.db'}"
    db = open_database(url)
    with db.unit_of_work() as session:
        session.add(Profile(name="ana", created_at=NOW))
    db.dispose()
    for suffix in ("-wal", "-shm"):
        (data / f"backfit.db{suffix}").unlink(missing_ok=True)
    before = _snapshot(data)
    path = data if target == "directory" else data / "backfit.db"
    mode = path.stat().st_mode
    path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        with pytest.raises(DataDirReadOnly, match="read-only"):
            open_database(url)
        assert _snapshot(data) == before
    finally:
        path.chmod(mode)


def test_data_directory_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(DataDirReadOnly, match="cannot create the data directory"):
        open_database(f"sqlite:///{blocker / 'sub' / 'backfit.db'}")
    assert blocker.read_text() == "not a directory"
    assert os.listdir(tmp_path) == ["a-file"]


def _set_columns(engine: Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("sets")}


def _fill_at_0001(engine: Engine) -> None:
    """One person with a programme, a session and two sets, written with the 0001 columns only."""
    with engine.begin() as connection:
        connection.execute(insert(Profile.__table__), {"id": 1, "name": "ana", "created_at": NOW})
        connection.execute(
            insert(IntakeRecord.__table__),
            {
                "id": 1,
                "profile_id": 1,
                "answers": {"pain_now": 2},
                "red_flags": [],
                "clearance_confirmed": False,
                "cleared_at": None,
                "created_at": NOW,
            },
        )
        connection.execute(
            insert(ProgrammeRecord.__table__),
            {
                "id": 1,
                "profile_id": 1,
                "intake_id": 1,
                "active": True,
                "minutes_budget": 15,
                "reasons": [],
                "days": [{"weekday": 0, "items": []}],
                "owned_equipment": [],
                "created_at": NOW,
            },
        )
        connection.execute(
            insert(PerformedSession.__table__),
            {
                "id": 1,
                "profile_id": 1,
                "programme_id": 1,
                "scheduled_session_id": None,
                "plan": [{"key": "bridge/hip-bridge", "name": "Hip bridge"}],
                "status": "completed",
                "started_at": NOW,
                "ended_at": NOW,
            },
        )
        old_set = {"performed_session_id": 1, "item_index": 0, "exercise_id": "hip-bridge", "side": "both"}
        old_set |= {"rpe": 4, "pain_during": 1, "recorded_at": NOW}
        connection.execute(
            insert(SetRecord.__table__),
            [
                {**old_set, "id": 1, "set_index": 0, "reps": 10, "hold_s": 2.5, "completed": True},
                {**old_set, "id": 2, "set_index": 1, "reps": 8, "hold_s": None, "completed": False},
            ],
        )


def test_upgrade_from_0001_keeps_the_sets_and_adds_source_and_faults(db_url: str) -> None:
    engine = open_database(db_url, migrate_schema=False).engine  # empty
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0001")
        assert stamped_revision(engine) == "0001"
        assert not {"source", "faults"} & _set_columns(engine)
        _fill_at_0001(engine)
    finally:
        engine.dispose()

    db = open_database(db_url)  # migrates to head
    try:
        assert stamped_revision(db.engine) == head_revision()
        assert {"source", "faults"} <= _set_columns(db.engine)
        with db.unit_of_work() as session:
            rows = session.scalars(select(SetRecord).order_by(SetRecord.id)).all()
            assert [(r.set_index, r.reps, r.hold_s, r.completed, r.recorded_at) for r in rows] == [
                (0, 10, 2.5, True, NOW),
                (1, 8, None, False, NOW),
            ]
            assert [(r.source, r.faults) for r in rows] == [(None, None), (None, None)]
            assert session.scalars(select(PerformedSession)).one().plan[0]["name"] == "Hip bridge"
            fault = {"text": "Keep your pelvis level.", "quantity": "pelvic_obliquity_deg"}
            fault |= {"value": 7.25, "op": "<=", "bound": 5.0, "t": 3.5}
            rows[1].source, rows[1].faults = "camera", [fault]
        with db.unit_of_work() as session:
            stored = session.get(SetRecord, 2)
            assert stored is not None
            assert (stored.source, stored.faults) == ("camera", [fault])
            with db.engine.connect() as connection:  # no faults is SQL NULL, not the JSON text 'null'
                nulls = connection.execute(text("SELECT COUNT(*) FROM sets WHERE faults IS NULL")).scalar()
            assert nulls == 1

        with db.engine.begin() as connection:  # and back: the sets stay, the new columns go
            command.downgrade(alembic_config(connection), "0001")
        assert stamped_revision(db.engine) == "0001"
        assert not {"source", "faults"} & _set_columns(db.engine)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM sets")).scalar() == 2
    finally:
        db.dispose()
