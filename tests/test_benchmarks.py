"""The benchmarks' data generator still fits the schema (a migration that adds a
column must not leave the benchmarks broken until someone runs them)."""

from __future__ import annotations

from datetime import UTC, datetime

from benchmarks.bench_store import START, YEARS, generate, session_days

from backfit.catalog import load_catalog
from backfit.services import accounts, clinic, history
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


def test_the_clinic_copies_keep_each_clinicians_clients_apart(db: Database) -> None:
    """Three clinicians made by copying the first one's block inside the database: each signs in
    with the benchmark's password and lists only their own clients, each with their year."""
    from benchmarks import bench_clinic

    bench_clinic.fill(db, 3, 2)
    seen: set[int] = set()
    for n in range(3):
        email = bench_clinic.clinician_email(n)
        outcome = accounts.sign_in(
            db.unit_of_work, email=email, password=bench_clinic.PASSWORD, address="127.0.0.1", now=datetime.now(UTC)
        )
        assert outcome.token is not None, (email, outcome.refusal)
        with db.unit_of_work() as session:
            actor = accounts.actor_of_token(session, outcome.token, now=datetime.now(UTC))
            assert actor is not None
            rows = clinic.client_rows(session, actor, today=bench_clinic.TODAY)
            assert len(rows) == 2
            for row in rows:
                assert row.profile_id is not None
                assert row.long.scheduled > 0
                assert row.long.done > 0
                assert row.psfs_change is not None
            seen |= {r.profile_id for r in rows if r.profile_id is not None}
    assert len(seen) == 6  # nobody's client is listed twice
