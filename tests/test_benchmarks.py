"""The benchmarks' data generator still fits the schema (a migration that adds a
column must not leave the benchmarks broken until someone runs them)."""

from __future__ import annotations

from benchmarks.bench_store import START, YEARS, generate, session_days

from backfit.catalog import load_catalog
from backfit.services import history
from backfit.store.database import Database


def test_ten_years_of_one_person_load_and_read_back(db: Database) -> None:
    rows, _ = generate(db, 1)
    assert rows > 20_000
    with db.unit_of_work() as session:
        sessions = history.history(session, "person-00000", catalog=load_catalog())
        now = START.replace(year=START.year + YEARS)
        series = history.progress_series(session, load_catalog(), now=now, name="person-00000")
    assert series.pain
    assert len(sessions) == len(session_days()) - len(session_days()) // 10
    newest = sessions[0]
    assert newest.sets_done == newest.sets_planned
