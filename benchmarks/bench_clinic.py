"""Clinician workspace benchmark: the client list and the client page of one clinician
among many, each client with a year of thrice-weekly sessions (sets, answers, check-ins,
PSFS, decisions), on SQLite and on PostgreSQL when BACKFIT_TEST_POSTGRES_URL (or
BACKFIT_BENCH_POSTGRES_URL) is set. Reports p50/p99 and the number of SQL statements per
page (it must not grow with the number of clients).

    python -m benchmarks clinic                                 # 10 clinicians x 20 clients
    python benchmarks/bench_clinic.py --clinicians 50 --clients 20

The data is written straight into the tables in the shape the services write.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, make_url, text

from backfit.catalog import load_catalog
from backfit.services import clinic, clinical
from backfit.services.policy import Actor, Role
from backfit.store import open_database
from backfit.store.database import Database
from backfit.store.models import (
    Account,
    CheckIn,
    CurrentPrescription,
    ExerciseResult,
    IntakeRecord,
    PerformedSession,
    Profile,
    ProgrammeRecord,
    PsfsRating,
    ScheduledSession,
    SetRecord,
)

DAYS = 365
TODAY = date(2026, 6, 1)
PLAN = [
    ("activation/abdominal-drawing-in", "abdominal-drawing-in", 1, 8, 10),
    ("bridge/hip-bridge-low", "hip-bridge-low", 2, 10, None),
    ("hamstring/prone-single-thigh-lift", "prone-single-thigh-lift", 2, 10, None),
    ("kneeling/tall-kneeling-pelvic-drop", "tall-kneeling-pelvic-drop", 2, None, 30),
]
RUNS = 40


def _dose(exercise_id: str, sets: int, reps: int | None, hold_s: int | None) -> dict[str, Any]:
    return {"exercise_id": exercise_id, "sets": sets, "reps": reps, "hold_s": hold_s, "rest_s": 60,
            "per_side": False, "up_s": 2.0, "pause_s": 2.0, "down_s": 2.0}  # fmt: skip


def _at(day: date, hour: int = 18) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def fill(db: Database, clinicians: int, clients: int) -> Actor:
    """Write the clinic; returns the first clinician's actor."""
    now = _at(TODAY - timedelta(days=DAYS))
    ids = {"performed": 0, "scheduled": 0}
    rows: dict[Any, list[dict[str, Any]]] = {t: [] for t in (ScheduledSession, PerformedSession, SetRecord,
                                                             ExerciseResult, CheckIn, PsfsRating)}  # fmt: skip
    days = [TODAY - timedelta(days=d) for d in range(DAYS, 0, -1)]
    session_days = [d for d in days if d.weekday() in (0, 2, 4)]
    plan = [{"key": k, "slot": k.split("/")[0], "name": e, "family": "x", "step": 1,
             "prescription": _dose(e, s, r, h)} for k, e, s, r, h in PLAN]  # fmt: skip
    with db.unit_of_work() as session:
        first: Actor | None = None
        person = 0
        for c in range(clinicians):
            doctor = Account(email=f"dr{c}@clinic.test", display_name=f"Dr {c}", role="clinician",
                             password_hash=None, created_at=now, disabled_at=None)  # fmt: skip
            session.add(doctor)
            session.flush()
            first = first or Actor(Role.CLINICIAN, doctor.id, None, doctor.display_name)
            for _ in range(clients):
                person += 1
                profile = Profile(name=f"client-{person}", created_at=now)
                session.add(profile)
                session.flush()
                session.add(Account(email=f"c{person}@clinic.test", display_name=f"Client {person}", role="client",
                                    password_hash=None, profile_id=profile.id, clinician_id=doctor.id,
                                    created_at=now, disabled_at=None))  # fmt: skip
                intake = IntakeRecord(profile_id=profile.id, answers={}, red_flags=[], clearance_confirmed=False,
                                      cleared_at=None, created_at=now)  # fmt: skip
                session.add(intake)
                session.flush()
                programme = ProgrammeRecord(profile_id=profile.id, intake_id=intake.id, active=True, minutes_budget=15,
                                            reasons=[], owned_equipment=[], created_at=now,
                                            days=[{"weekday": w, "items": [{"key": k, "slot": k.split("/")[0],
                                                   "reason": ""} for k, *_ in PLAN], "notes": []}
                                                  for w in ("mon", "wed", "fri")])  # fmt: skip
                session.add(programme)
                session.flush()
                for k, e, s, r, h in PLAN:
                    session.add(CurrentPrescription(programme_id=programme.id, key=k, stopped=False, updated_at=now,
                                                    **_dose(e, s, r, h)))  # fmt: skip
                skip = person % 7  # every client misses a few sessions, some recently
                for n, day in enumerate(session_days):
                    ids["scheduled"] += 1
                    rows[ScheduledSession].append({"id": ids["scheduled"], "profile_id": profile.id,
                                                   "programme_id": programme.id, "day_index": n % 3,
                                                   "scheduled_on": day})  # fmt: skip
                    if n % 11 == skip:
                        continue
                    ids["performed"] += 1
                    pid, at = ids["performed"], _at(day)
                    rows[PerformedSession].append({"id": pid, "profile_id": profile.id,
                                                   "programme_id": programme.id,
                                                   "scheduled_session_id": ids["scheduled"], "plan": plan,
                                                   "status": "completed", "started_at": at,
                                                   "ended_at": at})  # fmt: skip
                    for i, (_, e, s, r, h) in enumerate(PLAN):
                        for set_index in range(s):
                            camera = i == 1
                            rows[SetRecord].append({"performed_session_id": pid, "item_index": i, "exercise_id": e,
                                                    "set_index": set_index, "side": "both", "reps": r, "hold_s": h,
                                                    "rpe": 5, "pain_during": 2, "completed": True, "recorded_at": at,
                                                    "source": "camera" if camera else "manual",
                                                    "faults": [] if camera else None})  # fmt: skip
                        rows[ExerciseResult].append({"performed_session_id": pid, "item_index": i, "exercise_id": e,
                                                     "skipped": False, "rpe": 5, "pain_during": 2 + (n + person) % 5,
                                                     "radiating_symptoms": False, "recorded_at": at})  # fmt: skip
                    for moment, pain in (("session_start", 2), ("session_end", 3), ("next_morning", 2)):
                        rows[CheckIn].append({"profile_id": profile.id, "performed_session_id": pid,
                                              "moment": moment, "pain": pain, "recorded_at": at})  # fmt: skip
                for week in range(0, DAYS, 14):
                    rows[PsfsRating].append({"profile_id": profile.id, "activity": "bending", "rating": 3 + week // 60,
                                             "rated_at": _at(days[week])})  # fmt: skip
        for table, batch in rows.items():
            for start in range(0, len(batch), 5000):
                session.execute(insert(table), batch[start : start + 5000])
    assert first is not None
    return first


@contextmanager
def counting(db: Database) -> Iterator[list[int]]:
    count = [0]

    def one(*_: Any) -> None:
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", one)
    try:
        yield count
    finally:
        event.remove(db.engine, "before_cursor_execute", one)


def measure(db: Database, actor: Actor, clients: int) -> None:
    catalog = load_catalog()
    with db.unit_of_work() as session:
        rows = clinic.client_rows(session, actor, today=TODAY)
    assert len(rows) == clients
    profile_id = rows[0].profile_id
    assert profile_id is not None
    pages = {
        "client list": lambda s: clinic.client_rows(s, actor, today=TODAY),
        "client page": lambda s: clinical.client_page(s, actor, profile_id, catalog=catalog),
        "adherence CSV": lambda s: clinic.adherence_csv(clinic.client_rows(s, actor, today=TODAY)),
    }
    for name, work in pages.items():
        times = []
        with counting(db) as statements:
            for _ in range(RUNS):
                started = time.perf_counter()
                with db.unit_of_work() as session:
                    work(session)
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p99 = times[min(len(times) - 1, round(0.99 * len(times)))]
        print(f"  {name:14} p50 {statistics.median(times):6.1f} ms  p99 {p99:6.1f} ms  "
              f"{statements[0] / RUNS:.0f} SQL statements", flush=True)  # fmt: skip


def run(url: str, clinicians: int, clients: int) -> None:
    db = open_database(url)
    try:
        started = time.perf_counter()
        actor = fill(db, clinicians, clients)
        print(f"  filled {clinicians} x {clients} clients with {DAYS} days in {time.perf_counter() - started:.0f} s")
        measure(db, actor, clients)
    finally:
        db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinicians", type=int, default=10)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args(argv if argv is not None else [])
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite, {args.clinicians} clinicians x {args.clients} clients:")
        run(f"sqlite:///{Path(tmp) / 'clinic.db'}", args.clinicians, args.clients)
    base = os.environ.get("BACKFIT_BENCH_POSTGRES_URL") or os.environ.get("BACKFIT_TEST_POSTGRES_URL")
    if base:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        from sqlalchemy import create_engine

        admin = create_engine(base)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        try:
            print(f"PostgreSQL, {args.clinicians} clinicians x {args.clients} clients:")
            run(url.render_as_string(hide_password=False), args.clinicians, args.clients)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
