"""Time to make the printed handout (PDF) and the calendar (iCalendar) of one programme,
and the exports of a person with a year of data: their JSON backup, its import beside
another person (new ids), and their FHIR R4 Bundle.

A programme from a fixed intake (ball and band, 3 sessions of 25 minutes) on the
packaged catalog, in a throwaway SQLite database; each export is made ``RUNS``
times and the median and worst wall times printed with the output's size. The year
of data is the storage benchmark's history (bench_store.py: thrice-weekly sessions,
90 % adherence, check-ins before, after and the next morning, PSFS every two weeks)
cut to one year, brought in as a person's backup through the real import.

Run: ``.venv/bin/python -m benchmarks exports`` (a few seconds; prints, asserts nothing).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.types import JSON

from backfit.catalog import load_catalog
from backfit.plan.intake import Intake
from backfit.plan.rules import default_programme_rules
from backfit.services import calendar, exports, fhir_export, handout, person_rows, profiles
from backfit.store import open_database
from backfit.store.database import Database, head_revision
from backfit.store.models import Base
from backfit.web.illustration import figure_svg
from benchmarks import bench_store
from benchmarks.common import intake_answers

RUNS = 5
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PERSON = profiles.DEFAULT_PROFILE


def year_backup() -> dict[str, Any]:
    """A person's backup holding one year of the storage benchmark's history."""
    end = bench_store.START.date() + timedelta(days=365)
    days = [d for d in bench_store.session_days() if d < end]
    ids = bench_store.Ids(dict.fromkeys(bench_store.TABLE_ORDER, 0))
    known = {t.name: t for t in Base.metadata.sorted_tables}
    tables: dict[str, list[dict[str, Any]]] = {t.name: [] for t in person_rows.PERSON_TABLES}
    for table, row in bench_store.person_rows(0, ids, days):
        record = {}
        for column, value in zip(known[table].columns, row, strict=True):
            if isinstance(column.type, JSON) and isinstance(value, str):
                value = json.loads(value)
            elif isinstance(value, datetime | date):
                value = value.isoformat()
            record[column.name] = value
        tables[table].append(record)
    return {
        "format": exports.BACKUP_FORMAT,
        "format_version": exports.BACKUP_VERSION,
        "scope": exports.SCOPE_PERSON,
        "profile": tables["profiles"][0]["name"],
        "schema_revision": head_revision(),
        "exported_at": NOW.isoformat(),
        "tables": tables,
    }


def year_of_data(db: Database) -> None:
    """Time a year of one person's data: import beside another person, backup, FHIR Bundle."""
    backup = year_backup()
    with db.unit_of_work() as session:
        exports.import_person_backup(session, backup, name="other")  # someone else already here
    sets = len(backup["tables"]["sets"])
    catalog = load_catalog()
    runs = iter(range(RUNS))

    def imported() -> bytes:
        with db.unit_of_work() as session:
            exports.import_person_backup(session, backup, name=f"year-{next(runs)}")
        return json.dumps(backup).encode()

    def person_json() -> bytes:
        with db.unit_of_work() as session:
            return json.dumps(exports.export_person_backup(session, "year-0", now=NOW)).encode()

    def fhir() -> bytes:
        with db.unit_of_work() as session:
            return json.dumps(fhir_export.person_bundle(session, "year-0", catalog=catalog, now=NOW)).encode()

    sessions = len(backup["tables"]["performed_sessions"])
    for name, make in (
        (f"import a person's year ({sessions} sessions, {sets} sets)", imported),
        ("JSON backup of a person's year", person_json),
        ("FHIR R4 Bundle of a person's year", fhir),
    ):
        times, size = timed(make)
        print(
            f"{name}: median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms "
            f"over {RUNS} runs, {size / 1024:.0f} KiB",
            flush=True,
        )


def timed(make: Callable[[], bytes]) -> tuple[list[float], int]:
    times, size = [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        size = len(make())
        times.append((time.perf_counter() - start) * 1000)
    return times, size


def main() -> None:
    catalog, rules = load_catalog(), default_programme_rules()
    intake = Intake.model_validate(
        intake_answers(experience="returning", equipment=["ball", "band"], minutes_per_session=25, pain_now=2, psfs=[])
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'backfit.db'}")
        try:
            with db.unit_of_work() as session:
                profiles.save_intake(session, intake, catalog=catalog, rules=rules, now=NOW)

            def pdf() -> bytes:
                with db.unit_of_work() as session:
                    return handout.programme_handout(
                        session,
                        PERSON,
                        catalog=catalog,
                        transition_s=rules.transition_s,
                        figure=lambda e: figure_svg(e, animate=False),
                        today=NOW.date(),
                    )

            def ics() -> bytes:
                with db.unit_of_work() as session:
                    return calendar.export_calendar(
                        session, catalog=catalog, transition_s=rules.transition_s, now=NOW, name=PERSON
                    )

            for name, make in (("handout PDF", pdf), ("calendar ICS, 8 weeks", ics)):
                times, size = timed(make)
                print(
                    f"{name}: median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms "
                    f"over {RUNS} runs, {size / 1024:.0f} KiB",
                    flush=True,
                )
            year_of_data(db)
        finally:
            db.dispose()
