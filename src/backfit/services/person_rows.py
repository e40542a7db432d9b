"""Which rows belong to one person: the one definition that a person's backup, the
replacing import and deleting a person's data share.

A person's rows hang off their ``profiles`` row through foreign keys: a table with a
``profile_id`` belongs by it (intakes, programmes, sessions, check-ins, PSFS, ...); a
table without one belongs through its first required foreign key to a table that does
(prescriptions and decisions through their programme, sets and results through their
session). The chain is read from the models' foreign keys, so a new table that hangs
off a person is theirs without a change here; a table that must never travel with a
person (accounts, sign-in sessions) is named in :data:`NOT_PERSONAL`, and a test checks
that every table is one or the other."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Select, Table, delete, func, select
from sqlalchemy.orm import Session

from backfit.store.models import Base, Profile, in_backups

PROFILES = Profile.__tablename__
NOT_PERSONAL: frozenset[str] = frozenset(t.name for t in Base.metadata.sorted_tables if not in_backups(t))
"""Tables that hold no one person's data (or data that must not leave with it, such as a
password): never in a person's backup, never touched by replacing or deleting a person."""


def _owner_column(table: Table, personal: dict[str, Column[Any]]) -> Column[Any] | None:
    """The foreign key by which ``table``'s rows belong to a person: ``profile_id`` if it has
    one, else its first required foreign key to a person's table (None: not a person's)."""
    candidates = [
        fk for fk in table.foreign_keys if fk.column.table.name in personal or fk.column.table.name == PROFILES
    ]
    direct = [fk.parent for fk in candidates if fk.column.table.name == PROFILES]
    if direct:
        return direct[0]
    required = sorted((fk.parent for fk in candidates if not fk.parent.nullable), key=lambda c: list(table.c).index(c))
    return required[0] if required else None


def _person_tables() -> tuple[list[Table], dict[str, Column[Any]]]:
    owners: dict[str, Column[Any]] = {}
    tables: list[Table] = []
    for table in Base.metadata.sorted_tables:  # parents before children
        if table.name in NOT_PERSONAL:
            continue
        if table.name == PROFILES:
            tables.append(table)
            continue
        owner = _owner_column(table, owners)
        if owner is not None:
            owners[table.name] = owner
            tables.append(table)
    return tables, owners


PERSON_TABLES, OWNER_COLUMNS = _person_tables()
"""The tables of a person's data, parents before children, and the column by which each
(but ``profiles``) belongs to its parent."""
PERSON_TABLE_NAMES: frozenset[str] = frozenset(t.name for t in PERSON_TABLES)


def owned_ids(table: Table, profile_id: int) -> Select[tuple[int]]:
    """The ids of ``table``'s rows that belong to the profile (a subquery: no id lists)."""
    if table.name == PROFILES:
        return select(table.c.id).where(table.c.id == profile_id)
    owner = OWNER_COLUMNS[table.name]
    [fk] = list(owner.foreign_keys)
    parent = fk.column.table
    if parent.name == PROFILES:
        return select(table.c.id).where(owner == profile_id)
    return select(table.c.id).where(owner.in_(owned_ids(parent, profile_id)))


def rows_of(session: Session, profile_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row of the person's data, table by table, in id order (values as stored)."""
    return {
        table.name: [
            dict(row)
            for row in session.execute(
                select(table).where(table.c.id.in_(owned_ids(table, profile_id))).order_by(table.c.id)
            ).mappings()
        ]
        for table in PERSON_TABLES
    }


def counts_of(session: Session, profile_id: int | None) -> dict[str, int]:
    """How many rows of each person's table the profile holds (all 0 for None: no such person)."""
    return {
        table.name: 0
        if profile_id is None
        else session.scalar(select(func.count()).where(table.c.id.in_(owned_ids(table, profile_id)))) or 0
        for table in PERSON_TABLES
    }


def delete_person(session: Session, profile_id: int) -> None:
    """Delete every row of the person's data, children first; nobody else's row is touched."""
    for table in reversed(PERSON_TABLES):
        session.execute(delete(table).where(table.c.id.in_(owned_ids(table, profile_id))))


def belonging_to(tables: dict[str, list[dict[str, Any]]], profile_id: Any) -> dict[str, list[dict[str, Any]]]:
    """The rows of a backup's ``tables`` (person's tables only) that belong to the profile
    with id ``profile_id`` in that backup: the same chain as :func:`owned_ids`, over rows."""
    ids: dict[str, set[Any]] = {}
    chosen: dict[str, list[dict[str, Any]]] = {}
    for table in PERSON_TABLES:
        rows = tables.get(table.name, [])
        if table.name == PROFILES:
            mine = [row for row in rows if row.get("id") == profile_id]
        else:
            owner = OWNER_COLUMNS[table.name]
            [fk] = list(owner.foreign_keys)
            parents = ids[fk.column.table.name]
            mine = [row for row in rows if row.get(owner.name) in parents]
        chosen[table.name] = mine
        ids[table.name] = {row.get("id") for row in mine}
    return chosen
