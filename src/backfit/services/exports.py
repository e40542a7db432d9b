"""Exports (a person's JSON backup, or the whole database's when asked; CSV of sets) and
the lossless import of a JSON backup: one person's, with new ids, beside everyone else's."""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON

from backfit import __version__
from backfit.services import person_rows
from backfit.services.backup_rows import check_column
from backfit.services.faults import stored_faults, summarise
from backfit.store import repositories as repo
from backfit.store.database import head_revision
from backfit.store.errors import DataPresent, ImportRejected
from backfit.store.models import Base, PerformedSession, Profile, SetRecord, in_backups
from backfit.store.types import UTCDateTime

BACKUP_FORMAT = "backfit-backup"
BACKUP_VERSION = 2
"""1: the whole database (every backup before per-person ones; still imported, as ``database``);
2: adds ``scope``: ``person`` (one profile and its rows, with ``profile``: the name) or ``database``."""
SCOPE_PERSON = "person"
SCOPE_DATABASE = "database"
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
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _dumped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: _dump_value(v) for k, v in row.items()} for row in rows]


def _backup(scope: str, tables: dict[str, list[dict[str, Any]]], now: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "format": BACKUP_FORMAT,
        "format_version": BACKUP_VERSION,
        "scope": scope,
        **extra,
        "schema_revision": head_revision(),
        "backfit_version": __version__,
        "exported_at": now.astimezone(UTC).isoformat(),
        "tables": tables,
    }


def export_person_backup(session: Session, name: str, *, now: datetime) -> dict[str, Any]:
    """One person's backup: their profile and every row that hangs off it (intakes, programmes,
    prescriptions, pauses, schedule, sessions, sets, results, check-ins, PSFS, decisions), as
    stored (ids included), and nobody else's. Raises ``NotFound`` for an unknown profile."""
    profile = repo.require_profile(session, name)
    tables = {table: _dumped(rows) for table, rows in person_rows.rows_of(session, profile.id).items()}
    return _backup(SCOPE_PERSON, tables, now, profile=name)


def export_database_backup(session: Session, *, now: datetime) -> dict[str, Any]:
    """Every row of every table (all people), for moving a whole installation: ask for it by name
    (``backfit export --all``); a person's own backup is :func:`export_person_backup`."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in _tables():
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        tables[table.name] = _dumped([dict(row) for row in rows])
    return _backup(SCOPE_DATABASE, tables, now)


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
        if isinstance(kind, LargeBinary):
            if not isinstance(value, str):
                raise ValueError("not base64 text")
            try:
                raw = base64.b64decode(value, validate=True)
            except binascii.Error:
                raise ValueError("not base64 text") from None
            check_column(table.name, column, raw)
            return raw
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
    tables that backups never hold (0005 -> 0006: accounts and sign-in; 0008 -> 0009: background
    jobs, whose results can be made again) keeps the rows."""
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


def _sets_gain_recordings(tables: dict[str, Any]) -> dict[str, Any]:
    """0005 -> 0008: no set had a landmark recording before it (two new, empty tables)."""
    return {**tables, "set_recordings": [], "recording_chunks": []}


BACKUP_UPGRADES: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "0001": ("0002", _sets_gain_source_and_faults),
    "0002": ("0003", _unchanged),
    "0003": ("0004", _programme_pauses_begin),
    "0004": ("0005", _profiles_gain_schedule_preferences),
    "0005": ("0006", _unchanged),
    "0006": ("0007", _clinician_workspace_begins),
    "0007": ("0008", _sets_gain_recordings),
    "0008": ("0009", _unchanged),
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


def _scope(data: Any) -> str:
    """The backup's scope (``person`` or ``database``), once it is known to be a backfit backup."""
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
        raise ImportRejected("not a backfit backup (no 'format': 'backfit-backup' in it)")
    version = data.get("format_version")
    if not isinstance(version, int) or version > BACKUP_VERSION or version < 1:
        raise ImportRejected(
            f"backup format version {version!r} is not supported (this backfit reads 1-{BACKUP_VERSION})"
        )
    scope = SCOPE_DATABASE if version == 1 else data.get("scope")
    if scope not in (SCOPE_PERSON, SCOPE_DATABASE):
        raise ImportRejected(f"corrupt backup: its scope {_short(scope)} is neither 'person' nor 'database'")
    return str(scope)


def _validate(data: Any) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    """The backup's scope and its tables at the head revision, values parsed for the database."""
    scope = _scope(data)
    tables = _upgraded_tables(data)
    known = {t.name: t for t in _tables()}
    expected = set(known) if scope == SCOPE_DATABASE else set(person_rows.PERSON_TABLE_NAMES)
    if not isinstance(tables, dict) or set(tables) != expected:
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
    parsed = {
        name: [{c: _parse_value(known[name], c, v) for c, v in row.items()} for row in rows]
        for name, rows in tables.items()
    }
    for name, rows in parsed.items():
        if len({row["id"] for row in rows}) != len(rows):
            raise ImportRejected(f"corrupt backup: rows of {name} share an id (its rows do not fit together)")
    if scope == SCOPE_PERSON and len(parsed["profiles"]) != 1:
        raise ImportRejected(f"corrupt backup: a person's backup holds {len(parsed['profiles'])} profiles, not 1")
    return scope, parsed


def import_database_backup(session: Session, data: Any, *, replace: bool = False) -> dict[str, int]:
    """Restore a whole-database backup (:func:`export_database_backup`, or any format 1 backup)
    as it was, ids included: for moving an installation (``backfit import --all``).

    Refuses (``ImportRejected``) a foreign or corrupt file or one person's backup, and a database
    that already holds data unless ``replace`` (which deletes everyone's). Run it in one unit of
    work: on any error nothing is changed."""
    scope, parsed = _validate(data)
    if scope != SCOPE_DATABASE:
        raise ImportRejected("this is one person's backup, not a whole database's: import it without --all")
    if not replace and session.scalar(select(func.count()).select_from(Profile)):
        raise DataPresent("the database already holds data: import into an empty one, or replace it (--replace)")
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


def _source_person(profiles: list[dict[str, Any]], name: str | None) -> dict[str, Any]:
    """The profile row of the backup to import: the one called ``name``, else its only one."""
    named = [row for row in profiles if row["name"] == name]
    if named:
        return named[0]
    if len(profiles) == 1:
        return profiles[0]
    if not profiles:
        raise ImportRejected("the backup holds nobody's data (no profile in it)")
    people = ", ".join(sorted(row["name"] for row in profiles))
    raise ImportRejected(
        f"the backup holds {len(profiles)} people ({people}): say which one to import (--profile NAME), "
        "or import the whole database (--all)"
    )


def person_in_backup(data: Any, name: str | None = None) -> str:
    """The name of the person :func:`import_person_backup` would take from ``data`` (for a
    message before importing); raises ``ImportRejected`` as the import would."""
    _scope(data)
    tables = data.get("tables")
    rows = tables.get("profiles") if isinstance(tables, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) and isinstance(r.get("name"), str) for r in rows):
        raise ImportRejected("corrupt backup: its profiles are not backfit's")
    return str(_source_person(rows, name)["name"])


def import_person_backup(
    session: Session, data: Any, *, name: str | None = None, replace: bool = False
) -> dict[str, int]:
    """Bring one person's data from a backup into this database as the profile ``name``.

    The backup is a person's (:func:`export_person_backup`) or a whole database's (then the person
    called ``name``, or its only person, is taken). ``name`` None keeps the backup's name. Rows get
    new ids, so a backup from one database (a laptop) fits into another that holds other people.
    A person who is already here is refused (``DataPresent``) unless ``replace``, which deletes
    that person's rows first; nobody else's row is read or changed. Run it in one unit of work:
    on any error (``ImportRejected``) nothing is changed. Returns the rows imported per table."""
    scope, parsed = _validate(data)
    source = _source_person(parsed["profiles"], name)
    target = source["name"] if name is None else name
    mine = person_rows.belonging_to(parsed, source["id"])
    if scope == SCOPE_PERSON:
        for table, rows in parsed.items():
            if len(rows) != len(mine[table]):
                raise ImportRejected(
                    f"corrupt backup: rows of {table} belong to nobody in it (they do not fit together)"
                )
    existing = repo.profile_by_name(session, target)
    if existing is not None and not replace:
        raise DataPresent(
            f"{target!r} is already in this database, so nothing was imported: replace {target}'s data "
            "with the backup's (--replace; nobody else's data is touched), or import it under another name (--profile)"
        )
    try:
        if existing is not None:
            person_rows.delete_person(session, existing.id)
            session.flush()
        counts = _insert_remapped(session, {**mine, "profiles": [{**source, "name": target}]})
        session.flush()
    except (IntegrityError, DBAPIError) as exc:
        raise ImportRejected(f"corrupt backup: its rows do not fit together ({exc.orig})") from exc
    return counts


def _insert_remapped(session: Session, tables: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Insert a person's rows with ids the database gives, every foreign key turned from the
    backup's id to the new one (a key to a row not in the backup is refused)."""
    new_ids: dict[str, dict[Any, int]] = {}
    for table in person_rows.PERSON_TABLES:
        rows = tables[table.name]
        links = [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys]
        remapped = []
        for row in rows:
            out = {k: v for k, v in row.items() if k != "id"}
            for column, parent in links:
                if out[column] is not None:
                    if out[column] not in new_ids[parent]:
                        raise ImportRejected(
                            f"corrupt backup: {table.name}.{column} = {_short(out[column])} refers to no "
                            f"{parent} row of this person (its rows do not fit together)"
                        )
                    out[column] = new_ids[parent][out[column]]
            remapped.append(out)
        if remapped:
            ids = session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), remapped).all()
            new_ids[table.name] = {row["id"]: new for row, new in zip(rows, ids, strict=True)}
        else:
            new_ids[table.name] = {}
    return {name: len(rows) for name, rows in tables.items()}


def delete_everything(session: Session) -> None:
    """Delete every row of every backfit table (all profiles, sessions, check-ins and decisions)."""
    for table in reversed(_tables()):
        session.execute(delete(table))


def delete_person_data(session: Session, name: str) -> None:
    """Delete the person's profile and every row of their data; nobody else's row is touched.
    Raises ``NotFound`` for an unknown profile."""
    person_rows.delete_person(session, repo.require_profile(session, name).id)


def stored_counts(session: Session, name: str) -> dict[str, int]:
    """How many rows of each table the person holds (what replacing or deleting them removes;
    all 0 when there is no such profile)."""
    profile = repo.profile_by_name(session, name)
    return person_rows.counts_of(session, None if profile is None else profile.id)


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


def spreadsheet_text(text: str) -> str:
    """A CSV text cell that a spreadsheet shows as text and never runs as a formula (CSV injection):
    a leading ``= + - @``, tab or carriage return gets an apostrophe in front."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_sets_csv(session: Session, name: str) -> str:
    """The person's stored sets as CSV: the exercise by name, with its catalog id in the next
    column for scripts. Raises ``NotFound`` for an unknown profile."""
    query = (
        select(Profile.name, PerformedSession.started_at, PerformedSession.plan, SetRecord)
        .join(PerformedSession, PerformedSession.id == SetRecord.performed_session_id)
        .join(Profile, Profile.id == PerformedSession.profile_id)
        .order_by(PerformedSession.started_at, SetRecord.id)
    )
    query = query.where(Profile.id == repo.require_profile(session, name).id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for profile_name, started, plan, s in session.execute(query):
        writer.writerow(
            [
                spreadsheet_text(profile_name),
                s.performed_session_id,
                _dump_value(started),
                spreadsheet_text(_performed_name(plan, s)),
                spreadsheet_text(s.exercise_id),
                s.item_index,
                s.set_index,
                spreadsheet_text(s.side),
                "" if s.reps is None else s.reps,
                "" if s.hold_s is None else s.hold_s,
                "" if s.rpe is None else s.rpe,
                "" if s.pain_during is None else s.pain_during,
                str(s.completed).lower(),
                _dump_value(s.recorded_at),
                spreadsheet_text(s.source or ""),
                spreadsheet_text("; ".join(f.describe() for f in summarise(stored_faults(s.faults)))),
            ]
        )
    return out.getvalue()
