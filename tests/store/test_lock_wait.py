"""A lock another program holds makes backfit say "busy" after its lock wait, on both backends, and change nothing."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, select, text

from backfit.store import open_database
from backfit.store.database import LOCK_WAIT_S
from backfit.store.errors import DatabaseBusy
from backfit.store.models import Profile

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_held_lock_gives_busy_after_the_lock_wait(db_url: str) -> None:
    db = open_database(db_url)
    try:
        if db_url.startswith("sqlite"):
            holder = sqlite3.connect(db_url.removeprefix("sqlite:///"))
            holder.execute("BEGIN IMMEDIATE")
            release = holder.rollback
        else:
            other = create_engine(db_url).connect()
            other.execute(text("LOCK TABLE profiles IN ACCESS EXCLUSIVE MODE"))
            release = other.rollback

        def add_a_person() -> None:
            with db.unit_of_work() as session:
                session.add(Profile(name="ana", created_at=NOW))
                session.flush()

        start = time.monotonic()
        with pytest.raises(DatabaseBusy, match="busy"):
            add_a_person()
        waited = time.monotonic() - start
        release()
        assert waited >= LOCK_WAIT_S * 0.9  # it waited for the lock, then gave up
        with db.unit_of_work() as session:
            assert session.scalar(select(func.count()).select_from(Profile)) == 0  # nothing was changed
    finally:
        db.dispose()
