"""What the web app holds while it runs: settings, database, catalog, rules, templates, clock."""

from __future__ import annotations

import random
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from threading import Lock
from typing import Any, TypeVar

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.catalog.wording import check_in_words
from backfit.plan.rules import ProgrammeRules
from backfit.services.job_queue import job_runner
from backfit.services.jobs import JobContext, JobRunner
from backfit.services.runtime import catalog_for, open_store, programme_rules_for, utc_now
from backfit.settings import Settings
from backfit.store.database import Database
from backfit.store.errors import DatabaseBusy
from backfit.web.illustration import figure_svg
from backfit.web.security import csrf_token

TEMPLATES = Path(__file__).with_name("templates")
WRITE_ATTEMPTS = 8
T = TypeVar("T")


class ChartCache:
    """The last few drawn charts by (name, data version): drawing ten years of data
    takes a while, and the data rarely changes between two page views."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._items: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple[object, ...]) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: tuple[object, ...], body: bytes) -> None:
        with self._lock:
            self._items[key] = body
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def local_time(value: Any) -> Any:
    """A stored time (aware, UTC) in this computer's time zone, as pages show times: the person's
    own on their laptop, the clinic server's in a clinic (pages that give a time to act by name
    the zone). Anything else (a date) as it is."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone()
    return value


class AppState:
    """Built by ``create_app``; the database opens with the app's lifespan."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self.catalog: Catalog = catalog_for(settings)
        self.rules: ProgrammeRules = programme_rules_for(settings, self.catalog)
        self.clock = clock
        self._db: Database | None = None
        self._jobs: JobRunner | None = None
        self.chart_cache = ChartCache()
        self.templates = Jinja2Templates(directory=TEMPLATES)
        self.templates.env.globals["figure_svg"] = figure_svg
        self.templates.env.globals["check_in_words"] = check_in_words
        self.templates.env.globals["catalog"] = self.catalog
        self.templates.env.globals["url_for"] = url_path_for
        self.templates.env.globals["csrf_token"] = page_csrf_token
        self.templates.env.filters["local"] = local_time

    def open(self) -> None:
        if self._db is None:
            self._db = open_store(self.settings)

    def close(self) -> None:
        if self._jobs is not None:
            self._jobs.stop()
            self._jobs = None
        if self._db is not None:
            self._db.dispose()
            self._db = None

    @property
    def jobs(self) -> JobRunner:
        """The background-job runner (started on first use): a queue on PostgreSQL, a thread on SQLite."""
        if self._jobs is None:
            self._jobs = job_runner(self.settings, self.job_context())
            self._jobs.start()
        return self._jobs

    def job_context(self) -> JobContext:
        return JobContext(
            db=self.db,
            catalog=self.catalog,
            transition_s=self.rules.transition_s,
            uploads=self.settings.data_dir / "uploads",
            figure=lambda exercise: figure_svg(exercise, animate=False),
            clock=self.clock,
        )

    @property
    def db(self) -> Database:
        self.open()
        assert self._db is not None
        return self._db

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        with self.db.unit_of_work() as session:
            yield session

    def write(self, work: Callable[[Session], T], attempts: int = WRITE_ATTEMPTS) -> T:
        """Run ``work`` in its own unit of work; when a concurrent request wrote first (a unique
        index refused the row, or SQLite's snapshot went stale), run it again on what is stored
        now, so a repeated set, answer or session start finds the stored one."""
        for attempt in range(attempts):
            try:
                with self.unit_of_work() as session:
                    return work(session)
            except (IntegrityError, DatabaseBusy):
                if attempt == attempts - 1:
                    raise
                time.sleep(random.uniform(0.005, 0.02) * (attempt + 1))
        raise AssertionError("unreachable")

    def now(self) -> datetime:
        return self.clock()

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> Any:
        return self.templates.TemplateResponse(request, template, context, status_code=status_code)


@pass_context
def url_path_for(context: dict[str, Any], name: str, /, **params: Any) -> str:
    """A route's path (``/static/app.css``): pages never build URLs from the Host header."""
    request: Request = context["request"]
    return str(request.app.url_path_for(name, **params))


@pass_context
def page_csrf_token(context: dict[str, Any]) -> str:
    """The CSRF token of the page being drawn (base.html puts it in a meta tag)."""
    request: Request = context["request"]
    return csrf_token(request.scope)


def app_state(request: Request) -> AppState:
    """FastAPI dependency: the running app's state."""
    state: AppState = request.app.state.backfit
    return state
