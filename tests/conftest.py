"""Fixtures: a fresh database per test, on SQLite and (when configured) PostgreSQL.

PostgreSQL runs when ``BACKFIT_TEST_POSTGRES_URL`` is set (``scripts/test-postgres.sh``);
each test gets its own schema. With ``CI=true`` and no URL the PostgreSQL cases fail."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from backfit.store.database import Database, open_database
from tests.factories import TestData, write_test_data

POSTGRES_ENV = "BACKFIT_TEST_POSTGRES_URL"
BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def test_data(tmp_path_factory: pytest.TempPathFactory) -> TestData:
    return write_test_data(tmp_path_factory.mktemp("data"))


def postgres_schema_url(base: str, schema: str) -> str:
    return (
        make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    )


class PostgresSchemas:
    """Creates empty schemas on the test server, each with its own URL; drops them at the end."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.admin = create_engine(base, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def new_url(self) -> str:
        schema = f"t_{uuid.uuid4().hex[:16]}"
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        self.created.append(schema)
        return postgres_schema_url(self.base, schema)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for schema in self.created:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        self.admin.dispose()


def postgres_base_url() -> str:
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {POSTGRES_ENV} is not set: run the tests through scripts/test-postgres.sh")
        pytest.skip(f"{POSTGRES_ENV} not set (scripts/test-postgres.sh starts a server)")
    return base


@contextmanager
def shared_db_url(backend: str, folder: Path) -> Iterator[str]:
    """The database of an app a whole test module shares: a SQLite file in ``folder``, or a new
    PostgreSQL schema (dropped after)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'backfit.db'}"
        return
    schemas = PostgresSchemas(postgres_base_url())
    try:
        yield schemas.new_url()
    finally:
        schemas.drop_all()


@pytest.fixture(params=BACKENDS)
def new_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes fresh, empty database URLs: new SQLite files, or new PostgreSQL schemas."""
    if request.param == "sqlite":
        counter = iter(range(1000))
        yield lambda: f"sqlite:///{tmp_path / f'data{next(counter)}' / 'backfit.db'}"
        return
    schemas = PostgresSchemas(postgres_base_url())
    try:
        yield schemas.new_url
    finally:
        schemas.drop_all()


@pytest.fixture
def db_url(new_db_url: Callable[[], str]) -> str:
    """A fresh database URL on the parametrized backend."""
    return new_db_url()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    try:
        yield database
    finally:
        database.dispose()
