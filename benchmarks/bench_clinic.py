"""Clinician workspace benchmark: the client list and the client page, among 1,000 clinicians
with 20 clients each, every client with a year of thrice-weekly sessions (sets, answers,
check-ins, PSFS, decisions), on PostgreSQL (BACKFIT_TEST_POSTGRES_URL or BACKFIT_BENCH_POSTGRES_URL;
``make bench`` starts one), or on SQLite (``--backend sqlite``, the default without PostgreSQL).

Two measures:
- in process, one request at a time: p50/p99 of each page's service work and its SQL statements
  (the count must not grow with the number of clients);
- over HTTP, as clinicians use it: a real ``backfit web --clinic --workers 2`` on the database,
  16 clinicians signed in through the sign-in form, each opening their client list, then one of
  their clients' pages, then the list again..., for ``--seconds``, twice: reading each page for
  a moment (a pause of 0 to 2 s, 1 s on average: busier than people are), and with no pause at
  all (a closed loop, 16 requests always in flight: the server's saturation, where latency is
  queueing). The load generator shares the 2 cores with the server and the database.

    make bench BENCH=clinic        # PostgreSQL, 1,000 x 20 (46 million rows, 12 GB; 30 min to fill)
    python -m benchmarks.bench_clinic --clinicians 50 --backend sqlite

The first clinician's clients are written through the models; the other clinicians are copies
of that block made inside the database (benchmarks.common.replicate), then ANALYZE.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, insert, select

from backfit.catalog import load_catalog
from backfit.services import accounts, clinic, clinical
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
from benchmarks.common import block_counts, copy_prefix, database, free_port, replicate, start_web

DAYS = 365
TODAY = datetime.now(UTC).date()
"""The server's today: the year of sessions ends yesterday."""
PASSWORD = "bench-clinician-password"
USERS = 16
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


def fill(db: Database, clinicians: int, clients: int) -> None:
    """Write the clinic: one clinician's block through the models, copied for the others."""
    fill_block(db, clients)
    replicate(db, clinicians, block_counts(db), unique_text={"profiles.name", "accounts.email"})


def clinician_email(n: int) -> str:
    return f"{copy_prefix(n)}dr@clinic.test"


def fill_block(db: Database, clients: int) -> None:
    """The first clinician (signing in with PASSWORD) and their clients, each with a year."""
    now = _at(TODAY - timedelta(days=DAYS))
    ids = {"performed": 0, "scheduled": 0}
    rows: dict[Any, list[dict[str, Any]]] = {t: [] for t in (ScheduledSession, PerformedSession, SetRecord,
                                                             ExerciseResult, CheckIn, PsfsRating)}  # fmt: skip
    days = [TODAY - timedelta(days=d) for d in range(DAYS, 0, -1)]
    session_days = [d for d in days if d.weekday() in (0, 2, 4)]
    plan = [{"key": k, "slot": k.split("/")[0], "name": e, "family": "x", "step": 1,
             "prescription": _dose(e, s, r, h)} for k, e, s, r, h in PLAN]  # fmt: skip
    with db.unit_of_work() as session:
        admin = Actor(Role.ADMIN, None, None, "benchmark")
        doctor = accounts.add_account(session, admin, email=clinician_email(0), role=Role.CLINICIAN, now=now,
                                      display_name="Dr Block", password=PASSWORD)  # fmt: skip
        person = 0
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


def percentiles(times: list[float]) -> str:
    times = sorted(times)
    p99 = times[min(len(times) - 1, round(0.99 * len(times)))]
    return f"p50 {statistics.median(times):6.1f} ms  p99 {p99:6.1f} ms"


def clinician_actor(db: Database, n: int) -> Actor:
    with db.unit_of_work() as session:
        doctor = session.scalars(select(Account).where(Account.email == clinician_email(n))).one()
        return Actor(Role.CLINICIAN, doctor.id, None, doctor.display_name)


def measure_in_process(db: Database, actor: Actor, clients: int) -> None:
    """One request at a time, the services without HTTP: time and SQL statements of each page."""
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
        print(f"  in process, one at a time: {name:14} {percentiles(times)}  "
              f"{statements[0] / RUNS:.0f} SQL statements", flush=True)  # fmt: skip


async def clinician_user(base: str, email: str, stop_at: float, measure_from: float, think_s: float,
                         times: dict[str, list[float]], errors: list[str]) -> None:  # fmt: skip
    """One clinician: signs in through the form, then list, a client's page, list, ... until
    ``stop_at``, reading each page 0 to ``2 * think_s`` seconds."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as browser:
        token = re.search(r'name="csrf-token" content="([^"]+)"', (await browser.get("/sign-in")).text)
        assert token is not None
        browser.headers.update({"Origin": base, "X-CSRFToken": token.group(1)})
        signed_in = await browser.post("/sign-in", data={"email": email, "password": PASSWORD})
        if signed_in.status_code != 303:
            errors.append(f"{email}: sign-in answered {signed_in.status_code}")
            return
        pick = random.Random(email)
        clients: list[str] = []
        while time.perf_counter() < stop_at:
            for kind in ("client list", "client page"):
                path = "/clinic" if kind == "client list" or not clients else pick.choice(clients)
                started = time.perf_counter()
                reply = await browser.get(path)
                if started >= measure_from:
                    times[kind].append((time.perf_counter() - started) * 1000)
                if reply.status_code != 200:
                    errors.append(f"{path}: {reply.status_code}")
                elif path == "/clinic":
                    clients = sorted(set(re.findall(r'href="(/clinic/clients/\d+)"', reply.text)))
                if think_s:
                    await asyncio.sleep(pick.uniform(0, 2 * think_s))


async def clinicians_at_once(base: str, emails: list[str], seconds: float, think_s: float) -> tuple[
    dict[str, list[float]], list[str]
]:  # fmt: skip
    """Every clinician of ``emails`` at once for ``seconds`` (after 3 s to sign in and warm up)."""
    times: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    began = time.perf_counter()
    stop_at, measure_from = began + 3 + seconds, began + 3
    await asyncio.gather(*(clinician_user(base, e, stop_at, measure_from, think_s, times, errors) for e in emails))
    return times, errors


def measure_http(url: str, clinicians: int, seconds: float, workers: int) -> None:
    """USERS clinicians spread over the clinic at once through a real multi-process server."""
    emails = [clinician_email(n * clinicians // USERS) for n in range(USERS)]
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        server = start_web(Path(data_dir), port, workers, database_url=url, clinic=True)
        try:
            for think_s, words in ((1.0, "reading each page ~1 s"), (0.0, "no pause (saturation)")):
                times, errors = asyncio.run(clinicians_at_once(f"http://127.0.0.1:{port}", emails, seconds, think_s))
                for kind, page_times in sorted(times.items()):
                    rate = len(page_times) / seconds
                    print(f"  HTTP, {USERS} clinicians, {workers} workers, {words}: {kind:12} "
                          f"{percentiles(page_times)}  {rate:5.1f} pages/s", flush=True)  # fmt: skip
                print(f"  errors: {len(errors)}{' (first: ' + errors[0] + ')' if errors else ''}", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)


def run(backend: str, clinicians: int, clients: int, seconds: float, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        db = open_database(url)
        try:
            started = time.perf_counter()
            fill(db, clinicians, clients)
            fill_s = time.perf_counter() - started
            print(f"  filled {clinicians} x {clients} clients with {DAYS} days in {fill_s:.0f} s", flush=True)
            measure_in_process(db, clinician_actor(db, clinicians // 2), clients)
        finally:
            db.dispose()
        measure_http(url, clinicians, seconds, workers)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinicians", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], nargs="+", default=None)
    args = parser.parse_args(argv if argv is not None else [])
    has_postgres = bool(os.environ.get("BACKFIT_BENCH_POSTGRES_URL") or os.environ.get("BACKFIT_TEST_POSTGRES_URL"))
    backends = args.backend or (["postgres"] if has_postgres else ["sqlite"])  # a clinic's database: PostgreSQL
    if not has_postgres and "postgres" in backends:
        sys.exit("postgres: set BACKFIT_TEST_POSTGRES_URL (scripts/test-postgres.sh start)")
    for backend in backends:
        print(f"{backend}, {args.clinicians} clinicians x {args.clients} clients:", flush=True)
        run(backend, args.clinicians, args.clients, args.seconds, args.workers)


if __name__ == "__main__":
    main(sys.argv[1:])
