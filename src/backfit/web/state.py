"""What the web app holds while it runs: settings, database, catalog, rules, templates, clock."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from threading import Lock
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.catalog.wording import check_in_words
from backfit.plan.rules import ProgrammeRules
from backfit.services.runtime import catalog_for, open_store, programme_rules_for, utc_now
from backfit.settings import Settings
from backfit.store.database import Database
from backfit.web.illustration import figure_svg

TEMPLATES = Path(__file__).with_name("templates")


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


class AppState:
    """Built by ``create_app``; the database opens with the app's lifespan."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self.catalog: Catalog = catalog_for(settings)
        self.rules: ProgrammeRules = programme_rules_for(settings, self.catalog)
        self.clock = clock
        self._db: Database | None = None
        self.chart_cache = ChartCache()
        self.templates = Jinja2Templates(directory=TEMPLATES)
        self.templates.env.globals["figure_svg"] = figure_svg
        self.templates.env.globals["check_in_words"] = check_in_words
        self.templates.env.globals["catalog"] = self.catalog

    def open(self) -> None:
        if self._db is None:
            self._db = open_store(self.settings)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None

    @property
    def db(self) -> Database:
        self.open()
        assert self._db is not None
        return self._db

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        with self.db.unit_of_work() as session:
            yield session

    def now(self) -> datetime:
        return self.clock()

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> Any:
        return self.templates.TemplateResponse(request, template, context, status_code=status_code)


def app_state(request: Request) -> AppState:
    """FastAPI dependency: the running app's state."""
    state: AppState = request.app.state.backfit
    return state
