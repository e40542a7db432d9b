"""Storage benchmark: 10 years of thrice-weekly sessions for one person and for
1,000 people; times `backfit history` and the progress charts on SQLite and
PostgreSQL (when BACKFIT_TEST_POSTGRES_URL or BACKFIT_BENCH_POSTGRES_URL is set).

    python -m benchmarks store                      # 1 and 1,000 people
    python benchmarks/bench_store.py --people 1 100 # other sizes

The history is generated straight into the tables (bulk inserts, COPY on
PostgreSQL) in the shape the services write, then read back through the
services and the real CLI, as a person would.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from backfit.catalog import load_catalog
from backfit.plan.intake import RedFlag
from backfit.services import charts, history
from backfit.store import open_database
from backfit.store.database import Database
from benchmarks.common import copy_prefix, database, replicate

YEARS = 10
START = datetime(2015, 1, 5, 7, 30, tzinfo=UTC)  # a Monday
PLAN = [
    ("activation/abdominal-drawing-in", "abdominal-drawing-in", "core", 1, 1, 8, 10),
    ("bridge/hip-bridge-low", "hip-bridge-low", "bridge", 2, 2, 10, None),
    ("hamstring/prone-single-thigh-lift", "prone-single-thigh-lift", "prone", 1, 2, 10, None),
    ("kneeling/tall-kneeling-pelvic-drop", "tall-kneeling-pelvic-drop", "kneeling", 1, 2, None, 30),
]
TABLE_ORDER = [
    "profiles", "intakes", "programmes", "current_prescriptions", "scheduled_sessions", "performed_sessions",
    "sets", "exercise_results", "checkins", "psfs_ratings", "progression_decisions",
]  # fmt: skip


def prescription(exercise_id: str, sets: int, reps: int | None, hold_s: int | None) -> dict[str, Any]:
    return {"exercise_id": exercise_id, "sets": sets, "reps": reps, "hold_s": hold_s, "rest_s": 60,
            "per_side": False, "up_s": 2.0, "pause_s": 2.0, "down_s": 2.0}  # fmt: skip


def session_days() -> list[date]:
    days, day = [], START.date()
    end = START.date() + timedelta(days=365 * YEARS)
    while day < end:
        if day.weekday() in (0, 2, 4):
            days.append(day)
        day += timedelta(days=1)
    return days


@dataclass
class Ids:
    """Next primary key of each table (rows are generated with explicit ids)."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        self.next[table] += 1
        return self.next[table]


def person_rows(person: int, ids: Ids, days: list[date]) -> Iterator[tuple[str, list[Any]]]:
    """Rows of one person's ten years: (table, row) in column order of ``COLUMNS``."""
    created = START - timedelta(days=1)
    profile = ids.take("profiles")
    yield "profiles", [profile, f"person-{person:05d}", created]
    intake = ids.take("intakes")
    answers = {
        "red_flags": {flag.value: False for flag in RedFlag}, "clearance_confirmed": False, "experience": "returning",
        "equipment": [], "sessions_per_week": 3, "minutes_per_session": 30, "pain_now": 3,
        "psfs": [{"activity": "bending", "rating": 3}],
    }  # fmt: skip
    yield "intakes", [intake, profile, json.dumps(answers), "[]", False, None, created]
    programme = ids.take("programmes")
    days_json = [{"weekday": d, "items": [{"key": k, "slot": k.split("/")[0], "reason": "r"} for k, *_ in PLAN],
                  "notes": []} for d in ("mon", "wed", "fri")]  # fmt: skip
    yield "programmes", [programme, profile, intake, True, 30, json.dumps(["3 sessions a week"]),
                         json.dumps(days_json), "[]", created]  # fmt: skip
    for key, exercise_id, _, _, sets, reps, hold in PLAN:
        p = prescription(exercise_id, sets, reps, hold)
        yield "current_prescriptions", [ids.take("current_prescriptions"), programme, key, exercise_id, sets, reps,
                                        hold, 60, False, 2.0, 2.0, 2.0, False, created]  # fmt: skip
    plan = json.dumps([{"key": k, "slot": k.split("/")[0], "name": e, "family": fam, "step": step,
                        "prescription": prescription(e, s, r, h)} for k, e, fam, step, s, r, h in PLAN])  # fmt: skip
    for n, day in enumerate(days):
        when = datetime(day.year, day.month, day.day, 7, 30, tzinfo=UTC) + timedelta(minutes=person % 600)
        scheduled = ids.take("scheduled_sessions")
        yield "scheduled_sessions", [scheduled, profile, programme, n % 3, day]
        if n % 10 == 9:  # adherence 90 %: every tenth scheduled session is missed
            continue
        performed = ids.take("performed_sessions")
        ended = when + timedelta(minutes=25)
        yield "performed_sessions", [performed, profile, programme, scheduled, plan, "completed", when, ended]
        pain = 3 - min(2, n // 200)
        yield "checkins", [ids.take("checkins"), profile, performed, "session_start", pain, when]
        yield "checkins", [ids.take("checkins"), profile, performed, "session_end", pain, ended]
        yield "checkins", [ids.take("checkins"), profile, performed, "next_morning", pain, ended + timedelta(hours=22)]
        for index, (key, exercise_id, family, step, sets, reps, hold) in enumerate(PLAN):
            held = float(hold) if hold else None
            for set_index in range(sets):
                camera = family == "bridge"  # the bridge watched by the camera, the rest counted by hand
                yield "sets", [ids.take("sets"), performed, index, exercise_id, set_index, "both", reps, held,
                               4, 1, True, when + timedelta(minutes=3 + index * 5),
                               "camera" if camera else "manual", "[]" if camera else None]  # fmt: skip
            yield "exercise_results", [ids.take("exercise_results"), performed, index, exercise_id, False, 4, 1,
                                       False, when + timedelta(minutes=5 + index * 5)]  # fmt: skip
            p = json.dumps(prescription(exercise_id, sets, reps, hold))
            reasons = json.dumps(["2 of 2 sessions in a row ..."])
            yield "progression_decisions", [ids.take("progression_decisions"), programme, performed, key, "keep",
                                            None, reasons, p, p, family, step, ended]  # fmt: skip
        if n % 6 == 0:
            yield "psfs_ratings", [ids.take("psfs_ratings"), profile, "bending", min(10, 3 + n // 150), ended]


def columns(db: Database) -> dict[str, list[str]]:
    from backfit.store.models import Base

    return {t.name: [c.name for c in t.columns] for t in Base.metadata.sorted_tables}


def sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def postgres_value(value: Any) -> Any:
    return value.astimezone(UTC).replace(tzinfo=None) if isinstance(value, datetime) else value


def insert_first_person(db: Database) -> dict[str, int]:
    """Person 0's rows through the DB-API; returns the row count of each table."""
    names = columns(db)
    ids = Ids(dict.fromkeys(TABLE_ORDER, 0))
    batch: dict[str, list[list[Any]]] = {t: [] for t in TABLE_ORDER}
    for table, row in person_rows(0, ids, session_days()):
        batch[table].append(row)
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table in TABLE_ORDER:
            # the generator writes each table's columns as of its first version; columns added by later
            # migrations (at the end of the table) take their defaults
            cols = names[table][: len(batch[table][0])] if batch[table] else names[table]
            if db.engine.dialect.name == "postgresql":
                with cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in batch[table]:
                        copy.write_row([postgres_value(v) for v in row])
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                    [[sqlite_value(v) for v in row] for row in batch[table]],
                )
        raw.commit()
    finally:
        raw.close()
    return {t: len(rows) for t, rows in batch.items()}


def generate(db: Database, people: int) -> tuple[int, float]:
    """Fill the (empty, migrated) database; returns (rows, seconds)."""
    started = time.perf_counter()
    counts = insert_first_person(db)
    replicate(db, people, counts, unique_text={"profiles.name"})
    return sum(counts.values()) * people, time.perf_counter() - started


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def cli_history_seconds(url: str, profile: str) -> float:
    env = {**os.environ, "BACKFIT_DATABASE_URL": url}
    launch = "import sys, backfit.cli.records; from backfit.cli import app; sys.exit(app(prog_name='backfit'))"
    argv = [sys.executable, "-c", launch, "history", "--json", "--profile", profile]

    def run() -> None:
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)

    return best_of(3, run)


def measure(backend: str, people: int, workdir: Path) -> dict[str, Any]:
    catalog = load_catalog()
    with database(backend, workdir) as url:
        db = open_database(url)
        try:
            rows, fill_s = generate(db, people)
            profile = copy_prefix(people // 2) + "person-00000"
            now = START + timedelta(days=365 * YEARS)

            def full_history() -> None:
                with db.unit_of_work() as session:
                    history.history(session, profile, catalog=catalog)

            def recent_history() -> None:
                with db.unit_of_work() as session:
                    history.history(session, profile, catalog=catalog, limit=20)

            def series() -> history.ProgressSeries:
                with db.unit_of_work() as session:
                    return history.progress_series(session, catalog, now=now, name=profile)

            out = workdir / f"charts-{backend}-{people}"
            data = series()
            charts.write_charts(data, out)  # warm matplotlib up
            return {
                "backend": backend,
                "people": people,
                "rows": rows,
                "fill_s": fill_s,
                "history_all_s": best_of(3, full_history),
                "history_20_s": best_of(3, recent_history),
                "cli_history_json_s": cli_history_seconds(url, profile),
                "progress_query_s": best_of(3, series),
                "progress_charts_s": best_of(3, lambda: charts.write_charts(series(), out)),
            }
        finally:
            db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, nargs="+", default=[1, 1000])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], nargs="+", default=None)
    args = parser.parse_args(argv if argv is not None else [])
    has_postgres = bool(os.environ.get("BACKFIT_BENCH_POSTGRES_URL") or os.environ.get("BACKFIT_TEST_POSTGRES_URL"))
    backends = args.backend or (["sqlite", "postgres"] if has_postgres else ["sqlite"])
    if not has_postgres and "postgres" in backends:
        sys.exit("postgres: set BACKFIT_TEST_POSTGRES_URL (scripts/test-postgres.sh start)")
    print(f"{len(session_days())} scheduled sessions a person over {YEARS} years; 90 % done")
    header = "backend   people       rows  fill s  history(all) history(20) cli history --json  series  charts(8 files)"
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            for people in args.people:
                r = measure(backend, people, Path(tmp))
                print(
                    f"{r['backend']:9} {r['people']:6} {r['rows']:10,} {r['fill_s']:7.1f} "
                    f"{r['history_all_s'] * 1000:10.0f} ms {r['history_20_s'] * 1000:8.1f} ms "
                    f"{r['cli_history_json_s'] * 1000:14.0f} ms {r['progress_query_s'] * 1000:6.0f} ms "
                    f"{r['progress_charts_s'] * 1000:8.0f} ms",
                    flush=True,
                )


if __name__ == "__main__":
    main(sys.argv[1:])
