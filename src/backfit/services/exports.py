"""Exports (a complete JSON backup, CSV of sets, iCalendar of upcoming sessions)
and the lossless import of a JSON backup."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, String, Table, Text, delete, func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON

from backfit import __version__
from backfit.services.backup_rows import check_column
from backfit.services.faults import stored_faults, summarise
from backfit.store.database import head_revision
from backfit.store.errors import DataPresent, ImportRejected
from backfit.store.models import Base, PerformedSession, Profile, SetRecord, in_backups
from backfit.store.types import UTCDateTime

BACKUP_FORMAT = "backfit-backup"
BACKUP_VERSION = 1
CSV_COLUMNS = [
    "profile",
    "session_id",
    "session_started_at",
    "exercise",
    "exercise_id",
    "item_index",
    "set_index",
    "side",
    "reps",
    "hold_s",
    "rpe",
    "pain_during",
    "completed",
    "recorded_at",
    "source",
    "faults",
]


def _tables() -> list[Table]:
    return [table for table in Base.metadata.sorted_tables if in_backups(table)]


def _dump_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_backup(session: Session, *, now: datetime) -> dict[str, Any]:
    """Every row of every table, with the format version and schema revision."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in _tables():
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        tables[table.name] = [{k: _dump_value(v) for k, v in row.items()} for row in rows]
    return {
        "format": BACKUP_FORMAT,
        "format_version": BACKUP_VERSION,
        "schema_revision": head_revision(),
        "backfit_version": __version__,
        "exported_at": now.astimezone(UTC).isoformat(),
        "tables": tables,
    }


def _short(value: Any) -> str:
    """A value as an error message quotes it: at most 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _parse_value(table: Table, column: str, value: Any) -> Any:
    col = table.columns[column]
    where = f"{table.name}.{column}"
    if value is None:
        if not col.nullable:
            raise ImportRejected(f"corrupt backup: {where} is empty but required")
        return None
    try:
        check_column(table.name, column, value)
    except (TypeError, ValueError) as exc:
        raise ImportRejected(f"corrupt backup: {where} = {_short(value)}: {exc}") from exc
    kind = col.type
    try:
        if isinstance(kind, UTCDateTime):
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError("no time zone")
            return parsed
        if isinstance(kind, Date):
            return date.fromisoformat(value)
        if isinstance(kind, Boolean):
            if not isinstance(value, bool):
                raise ValueError("not true/false")
            return value
        if isinstance(kind, Integer):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("not an integer")
            return value
        if isinstance(kind, Float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError("not a number")
            return float(value)
        if isinstance(kind, String | Text):
            if not isinstance(value, str):
                raise ValueError("not text")
            if isinstance(kind, String) and kind.length is not None and len(value) > kind.length:
                raise ValueError(f"longer than {kind.length} characters")
            return value
        if isinstance(kind, JSON):
            return value
    except (TypeError, ValueError) as exc:
        raise ImportRejected(f"corrupt backup: {where} = {_short(value)}: {exc}") from exc
    raise ImportRejected(f"cannot import {where}: unsupported column type {kind}")


def _sets_gain_source_and_faults(tables: dict[str, Any]) -> dict[str, Any]:
    """0001 -> 0002: sets stored before it have no ``source`` nor ``faults`` (NULL, as the migration leaves them)."""
    rows = tables.get("sets")
    if not isinstance(rows, list):
        return tables
    upgraded = [{**row, "source": None, "faults": None} if isinstance(row, dict) else row for row in rows]
    return {**tables, "sets": upgraded}


def _unchanged(tables: dict[str, Any]) -> dict[str, Any]:
    """A revision that adds only a constraint (0002 -> 0003: one open session per person) or only
    tables that backups never hold (0005 -> 0006: accounts and sign-in) keeps the rows."""
    return tables


def _profiles_gain_schedule_preferences(tables: dict[str, Any]) -> dict[str, Any]:
    """0004 -> 0005: no schedule was chosen before it (the table is new and empty, as the migration leaves it)."""
    return {**tables, "schedule_preferences": []}


def _clinician_workspace_begins(tables: dict[str, Any]) -> dict[str, Any]:
    """0006 -> 0007: no clinician changes or pending steps yet; every clearance was the person's own;
    no step held; progressions applied at once (as the migration leaves the rows)."""

    def gain(name: str, **columns: Any) -> list[Any]:
        rows = tables.get(name)
        if not isinstance(rows, list):
            return rows  # type: ignore[return-value]
        return [{**row, **columns} if isinstance(row, dict) else row for row in rows]

    return {
        **tables,
        "profiles": gain("profiles", progressions_need_approval=False),
        "intakes": gain("intakes", cleared_by=None, clearance_reason=None),
        "programme_pauses": gain("programme_pauses", cleared_by=None, clearance_reason=None),
        "current_prescriptions": gain("current_prescriptions", max_step=None),
        "clinician_changes": [],
        "pending_progressions": [],
    }


def _programme_pauses_begin(tables: dict[str, Any]) -> dict[str, Any]:
    """0003 -> 0004: backups before it have no programme pauses (an empty table)."""
    return {**tables, "programme_pauses": []}


BACKUP_UPGRADES: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "0001": ("0002", _sets_gain_source_and_faults),
    "0002": ("0003", _unchanged),
    "0003": ("0004", _programme_pauses_begin),
    "0004": ("0005", _profiles_gain_schedule_preferences),
    "0005": ("0006", _unchanged),
    "0006": ("0007", _clinician_workspace_begins),
}
"""Schema revision of an older backup -> (the next revision, how its tables become that revision's).

Every migration that changes a table needs its step here, so that older backups keep importing;
a test checks that the chain reaches the head revision."""


def _upgraded_tables(data: dict[str, Any]) -> Any:
    """The backup's tables brought to the head schema revision (a copy: ``data`` is not changed)."""
    revision, tables = data.get("schema_revision"), data.get("tables")
    if not isinstance(tables, dict):
        return tables
    while revision != head_revision():
        if not isinstance(revision, str) or revision not in BACKUP_UPGRADES:
            raise ImportRejected(
                f"the backup is of schema revision {data.get('schema_revision')!r}, which this backfit cannot "
                f"import (it imports {', '.join(sorted({*BACKUP_UPGRADES, head_revision()}))}); "
                "a newer backup needs a newer backfit"
            )
        revision, step = BACKUP_UPGRADES[revision]
        tables = step(tables)
    return tables


def _validate(data: Any) -> dict[str, list[dict[str, Any]]]:
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
        raise ImportRejected("not a backfit backup (no 'format': 'backfit-backup' in it)")
    version = data.get("format_version")
    if not isinstance(version, int) or version > BACKUP_VERSION or version < 1:
        raise ImportRejected(
            f"backup format version {version!r} is not supported (this backfit reads 1-{BACKUP_VERSION})"
        )
    tables = _upgraded_tables(data)
    known = {t.name: t for t in _tables()}
    if not isinstance(tables, dict) or set(tables) != set(known):
        raise ImportRejected("corrupt backup: its tables are not backfit's")
    for name, rows in tables.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ImportRejected(f"corrupt backup: table {name} is not a list of rows")
        columns = set(known[name].columns.keys())
        for row in rows:
            if set(row) != columns:
                raise ImportRejected(
                    f"corrupt backup: a row of {name} has columns {sorted(row)}, not {sorted(columns)}"
                )
    return tables


def import_backup(session: Session, data: Any, *, replace: bool = False) -> dict[str, int]:
    """Restore a backup from :func:`export_backup` into ``session``'s database.

    Refuses (``ImportRejected``) a foreign or corrupt file, and a database that
    already holds data unless ``replace``. Run it in one unit of work: on any
    error nothing is changed."""
    tables = _validate(data)
    if not replace and session.scalar(select(func.count()).select_from(Profile)):
        raise DataPresent("the database already holds data: import into an empty one, or replace it (--replace)")
    known = {t.name: t for t in _tables()}
    parsed = {
        name: [{c: _parse_value(known[name], c, v) for c, v in row.items()} for row in rows]
        for name, rows in tables.items()
    }
    try:
        delete_everything(session)
        for table in _tables():
            if parsed[table.name]:
                session.execute(insert(table), parsed[table.name])
        session.flush()
    except (IntegrityError, DBAPIError) as exc:
        raise ImportRejected(f"corrupt backup: its rows do not fit together ({exc.orig})") from exc
    if session.get_bind().dialect.name == "postgresql":
        for table in _tables():
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
    return {name: len(rows) for name, rows in parsed.items()}


def delete_everything(session: Session) -> None:
    """Delete every row of every backfit table (all profiles, sessions, check-ins and decisions)."""
    for table in reversed(_tables()):
        session.execute(delete(table))


def stored_counts(session: Session) -> dict[str, int]:
    """How many rows each backfit table holds (what a replace or a delete would remove)."""
    return {table.name: session.scalar(select(func.count()).select_from(table)) or 0 for table in _tables()}


def load_backup_text(raw: bytes) -> Any:
    """The JSON of a backup file; ImportRejected when it is not JSON, nests too deep or
    holds integers of thousands of digits."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, and ints over Python's digit limit
        raise ImportRejected(f"not a backfit backup: not valid JSON ({_short(str(exc))})") from exc
    except RecursionError:
        raise ImportRejected("not a backfit backup: its JSON nests far too deep") from None


def _performed_name(plan: list[Any], row: SetRecord) -> str:
    """The exercise's name as the session showed it (its plan is frozen at the start), else its id."""
    if 0 <= row.item_index < len(plan) and isinstance(plan[row.item_index], dict):
        return str(plan[row.item_index].get("name") or row.exercise_id)
    return row.exercise_id


def export_sets_csv(session: Session, name: str | None = None) -> str:
    """Every stored set as CSV (one profile, or all when ``name`` is None): the exercise by name,
    with its catalog id in the next column for scripts."""
    query = (
        select(Profile.name, PerformedSession.started_at, PerformedSession.plan, SetRecord)
        .join(PerformedSession, PerformedSession.id == SetRecord.performed_session_id)
        .join(Profile, Profile.id == PerformedSession.profile_id)
        .order_by(PerformedSession.started_at, SetRecord.id)
    )
    if name is not None:
        query = query.where(Profile.name == name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for profile_name, started, plan, s in session.execute(query):
        writer.writerow(
            [
                profile_name,
                s.performed_session_id,
                _dump_value(started),
                _performed_name(plan, s),
                s.exercise_id,
                s.item_index,
                s.set_index,
                s.side,
                "" if s.reps is None else s.reps,
                "" if s.hold_s is None else s.hold_s,
                "" if s.rpe is None else s.rpe,
                "" if s.pain_during is None else s.pain_during,
                str(s.completed).lower(),
                _dump_value(s.recorded_at),
                s.source or "",
                "; ".join(f.describe() for f in summarise(stored_faults(s.faults))),
            ]
        )
    return out.getvalue()
