"""What the storage-backed commands share: settings, the open database, the catalog,
and one exit code per storage failure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from backfit.catalog.loader import Catalog, CatalogError
from backfit.cli.app import ExitCode, fail
from backfit.services.runtime import catalog_for, open_store, utc_now
from backfit.settings import Settings, get_settings
from backfit.store import DatabaseUnavailable, DataDirReadOnly, ImportRejected, NotFound, SchemaTooNew, StoreError
from backfit.store.database import Database

PROFILE_HELP = "Whose data: a profile name (a coach keeps one per client)."


def exit_code_for(exc: StoreError) -> ExitCode:
    if isinstance(exc, DatabaseUnavailable):
        return ExitCode.database_unavailable
    if isinstance(exc, DataDirReadOnly):
        return ExitCode.data_dir_read_only
    if isinstance(exc, SchemaTooNew):
        return ExitCode.schema_too_new
    if isinstance(exc, ImportRejected):
        return ExitCode.invalid_input
    if isinstance(exc, NotFound):
        return ExitCode.not_found
    return ExitCode.database_unavailable


@dataclass
class Services:
    settings: Settings
    db: Database
    _catalog: Catalog | None = None

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            try:
                self._catalog = catalog_for(self.settings)
            except CatalogError as exc:
                fail(f"the exercise catalog is broken: {exc}", ExitCode.invalid_input)
        return self._catalog


@contextmanager
def services() -> Iterator[Services]:
    """Open the configured database; storage errors become one clear line and an exit code."""
    settings = get_settings()
    try:
        db = open_store(settings)
    except StoreError as exc:
        fail(str(exc), exit_code_for(exc))
    try:
        yield Services(settings, db)
    except StoreError as exc:
        fail(str(exc), exit_code_for(exc))
    finally:
        db.dispose()


ON_HELP = "Record as if done on this day (YYYY-MM-DD), at the present time of day: for sessions done away from the app."


def clock_offset(on: str | None) -> timedelta:
    """How far ``--on YYYY-MM-DD`` moves the clock (zero without it); a bad date is a one-line error."""
    if on is None:
        return timedelta()
    try:
        day = date.fromisoformat(on)
    except ValueError:
        fail(f"--on {on!r}: give the day as YYYY-MM-DD, e.g. 2026-03-02", ExitCode.invalid_input)
    now = utc_now()
    if day > now.date():
        fail(f"--on {on}: that day has not come yet", ExitCode.invalid_input)
    return datetime.combine(day, now.timetz()) - now
