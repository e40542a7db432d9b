"""Time to make the printed handout (PDF) and the calendar (iCalendar) of one programme.

A programme from a fixed intake (ball and band, 3 sessions of 25 minutes) on the
packaged catalog, in a throwaway SQLite database; each export is made ``RUNS``
times and the median and worst wall times printed with the output's size.

Run: ``.venv/bin/python -m benchmarks exports`` (a few seconds; prints, asserts nothing).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from backfit.catalog import load_catalog
from backfit.plan.intake import Intake
from backfit.plan.rules import default_programme_rules
from backfit.services import calendar, handout, profiles
from backfit.store import open_database
from backfit.web.illustration import figure_svg
from benchmarks.common import intake_answers

RUNS = 5
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


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
                        catalog=catalog,
                        transition_s=rules.transition_s,
                        figure=lambda e: figure_svg(e, animate=False),
                        today=NOW.date(),
                    )

            def ics() -> bytes:
                with db.unit_of_work() as session:
                    return calendar.export_calendar(session, catalog=catalog, transition_s=rules.transition_s, now=NOW)

            for name, make in (("handout PDF", pdf), ("calendar ICS, 8 weeks", ics)):
                times, size = timed(make)
                print(
                    f"{name}: median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms "
                    f"over {RUNS} runs, {size / 1024:.0f} KiB",
                    flush=True,
                )
        finally:
            db.dispose()
