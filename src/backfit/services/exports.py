"""Exports (a complete JSON backup, CSV of sets, iCalendar of upcoming sessions)
and the lossless import of a JSON backup."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from dataclasses import fields as dataclass_fields
from datetime import UTC, date, datetime, timedelta
from typing import Any, get_args

from sqlalchemy import Boolean, Date, Float, Integer, String, Table, Text, delete, func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON

from backfit import __version__
from backfit.services.faults import FaultSeen, SetSource, stored_faults, summarise
from backfit.services.profiles import DEFAULT_PROFILE, prescription_of
from backfit.store import repositories as repo
from backfit.store.database import head_revision
from backfit.store.errors import DataPresent, ImportRejected
from backfit.store.models import Base, PerformedSession, Profile, ScheduledSession, SetRecord
from backfit.store.types import UTCDateTime

BACKUP_FORMAT = "backfit-backup"
BACKUP_VERSION = 1
CSV_COLUMNS = [
    "profile",
    "session_id",
    "session_started_at",
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
    return list(Base.metadata.sorted_tables)


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


def _check_source(value: Any) -> None:
    if value not in get_args(SetSource):
        raise ValueError(f"not one of {', '.join(get_args(SetSource))}")


def _check_faults(value: Any) -> None:
    if not isinstance(value, list):
        raise ValueError("not a list of faults")
    fields = {f.name: f.type for f in dataclass_fields(FaultSeen)}
    for item in value:
        if not isinstance(item, dict) or set(item) != set(fields):
            raise ValueError(f"a fault is not an object with {', '.join(sorted(fields))}")
        for name, kind in fields.items():
            v = item[name]
            number = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            if not (number if kind == "float" else isinstance(v, str)):
                raise ValueError(f"a fault's {name} is not {'a finite number' if kind == 'float' else 'text'}")


COLUMN_CHECKS: dict[tuple[str, str], Callable[[Any], None]] = {
    ("sets", "source"): _check_source,
    ("sets", "faults"): _check_faults,
}
"""Checks beyond the column type, for values the application reads back as structured data."""


def _parse_value(table: Table, column: str, value: Any) -> Any:
    col = table.columns[column]
    where = f"{table.name}.{column}"
    if value is None:
        if not col.nullable:
            raise ImportRejected(f"corrupt backup: {where} is empty but required")
        return None
    check = COLUMN_CHECKS.get((table.name, column))
    if check is not None:
        try:
            check(value)
        except (TypeError, ValueError) as exc:
            raise ImportRejected(f"corrupt backup: {where} = {value!r}: {exc}") from exc
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
            return value
        if isinstance(kind, JSON):
            return value
    except (TypeError, ValueError) as exc:
        raise ImportRejected(f"corrupt backup: {where} = {value!r}: {exc}") from exc
    raise ImportRejected(f"cannot import {where}: unsupported column type {kind}")


def _sets_gain_source_and_faults(tables: dict[str, Any]) -> dict[str, Any]:
    """0001 -> 0002: sets stored before it have no ``source`` nor ``faults`` (NULL, as the migration leaves them)."""
    rows = tables.get("sets")
    if not isinstance(rows, list):
        return tables
    upgraded = [{**row, "source": None, "faults": None} if isinstance(row, dict) else row for row in rows]
    return {**tables, "sets": upgraded}


BACKUP_UPGRADES: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "0001": ("0002", _sets_gain_source_and_faults),
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
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRejected(f"not a backfit backup: not valid JSON ({exc})") from exc


def export_sets_csv(session: Session, name: str | None = None) -> str:
    """Every stored set as CSV (one profile, or all when ``name`` is None)."""
    query = (
        select(Profile.name, PerformedSession.started_at, SetRecord)
        .join(PerformedSession, PerformedSession.id == SetRecord.performed_session_id)
        .join(Profile, Profile.id == PerformedSession.profile_id)
        .order_by(PerformedSession.started_at, SetRecord.id)
    )
    if name is not None:
        query = query.where(Profile.name == name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for profile_name, started, s in session.execute(query):
        writer.writerow(
            [
                profile_name,
                s.performed_session_id,
                _dump_value(started),
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


def export_calendar(session: Session, *, now: datetime, name: str = DEFAULT_PROFILE, weeks: int = 8) -> bytes:
    """Upcoming scheduled sessions as an RFC 5545 iCalendar (all-day events)."""
    from icalendar import Calendar, Event

    profile = repo.require_profile(session, name)
    programme = repo.active_programme(session, profile.id)
    calendar = Calendar()
    calendar.add("prodid", f"-//backfit//backfit {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"backfit: {name}")
    if programme is None:
        return bytes(calendar.to_ical())
    current = repo.prescriptions(session, programme.id)
    performed = select(PerformedSession.scheduled_session_id).where(PerformedSession.scheduled_session_id.is_not(None))
    upcoming = session.scalars(
        select(ScheduledSession)
        .where(
            ScheduledSession.programme_id == programme.id,
            ScheduledSession.scheduled_on >= now.date(),
            ScheduledSession.scheduled_on < now.date() + timedelta(weeks=weeks),
            ScheduledSession.id.not_in(performed),
        )
        .order_by(ScheduledSession.scheduled_on)
    )
    for scheduled in upcoming:
        items = programme.days[scheduled.day_index]["items"]
        lines = [
            f"{current[i['key']].exercise_id}: {prescription_of(current[i['key']]).summary()}"
            for i in items
            if i["key"] in current and not current[i["key"]].stopped
        ]
        event = Event()
        event.add("uid", f"backfit-{profile.id}-{scheduled.id}@backfit.local")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", scheduled.scheduled_on)
        event.add("dtend", scheduled.scheduled_on + timedelta(days=1))
        event.add("summary", f"backfit session ({len(lines)} exercises, about {programme.minutes_budget} min)")
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
