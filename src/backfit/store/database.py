"""Opening the database: checks that fail clearly, migrations, units of work.

:func:`open_database` checks the data directory, connects, refuses a database
written by a newer backfit, and runs the Alembic migrations to ``head``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from backfit.store.errors import DatabaseBusy, DatabaseUnavailable, DataDirReadOnly, SchemaTooNew
from backfit.store.private import private_file, private_folder

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")
CONNECT_TIMEOUT_S = 10


def alembic_config(connection: Any = None) -> Config:
    """Alembic's configuration, built in code (Alembic is imported only when needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None
    return head


def _writable(path: Path) -> bool:
    """Writable for this process, honouring the mode bits even for root."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def check_sqlite_path(url: str) -> None:
    """Create the database's directory if needed; refuse a read-only one."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return
    path = Path(database)
    directory = path.parent
    try:
        if directory.exists():
            directory.mkdir(parents=True, exist_ok=True)
        else:
            private_folder(directory)
    except OSError as exc:
        raise DataDirReadOnly(f"cannot create the data directory {directory}: {exc.strerror}") from exc
    if not _writable(directory):
        raise DataDirReadOnly(
            f"the data directory {directory} is read-only: backfit needs to write its database there "
            "(make it writable, or set BACKFIT_DATA_DIR or BACKFIT_DATABASE_URL)"
        )
    if path.exists() and not _writable(path):
        raise DataDirReadOnly(f"the database file {path} is read-only: backfit needs to write to it")
    if not path.exists():
        private_file(path)  # SQLite gives the -wal and -shm files the database file's mode


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


LOCK_WAIT_S = 5
"""How long a statement waits for a lock another program holds before backfit says the database is busy
(SQLite's busy timeout is the same 5 s by default)."""


def _postgres_lock_wait(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"SET lock_timeout = '{LOCK_WAIT_S}s'")
    cursor.close()
    dbapi_connection.commit()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` (SQLite: foreign keys on, WAL journal; PostgreSQL: give up connecting
    after ``CONNECT_TIMEOUT_S`` unless the URL says otherwise, and waiting for a lock after ``LOCK_WAIT_S``)."""
    try:
        if url.startswith("postgresql") and "connect_timeout" not in url:
            kwargs.setdefault("connect_args", {}).setdefault("connect_timeout", CONNECT_TIMEOUT_S)
        engine = create_engine(url, **kwargs)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise DatabaseUnavailable(f"not a usable database URL ({safe_url(url)}): {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgres_lock_wait)
    return engine


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable URL>"


def stamped_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is stamped with (None: empty database)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_schema_version(engine: Engine) -> str | None:
    """Raise :class:`SchemaTooNew` when the database has a revision this code does not know."""
    revision = stamped_revision(engine)
    if revision is None:
        return None
    from alembic.util.exc import CommandError

    try:
        known = script_directory().get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise SchemaTooNew(
            f"the database is at schema revision {revision!r}, newer than this backfit knows "
            f"(latest {head_revision()!r}); upgrade backfit. The database was not changed."
        )
    return revision


def migrate(engine: Engine) -> None:
    """Upgrade the schema to ``head`` (checks the version first)."""
    if check_schema_version(engine) == head_revision():
        return
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")


UnitOfWork = Callable[[], AbstractContextManager[Session]]
"""A transaction to run work in: ``with unit_of_work() as session:`` commits at the end of the block."""


@dataclass
class Database:
    """An open, migrated database with a session factory."""

    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session committed at the end of the block, rolled back on error. A lock held
        too long by another program, or a lost connection, is :class:`DatabaseBusy` /
        :class:`DatabaseUnavailable` with a message for a person (nothing was changed)."""
        try:
            with self.sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise unavailable(exc) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def unavailable(exc: OperationalError) -> DatabaseUnavailable:
    """The store's error for a failed statement: busy (a lock wait ran out) or unreachable."""
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if any(word in detail.lower() for word in ("locked", "busy", "lock timeout", "could not obtain lock")):
        return DatabaseBusy(
            "the database is busy: another program (another backfit?) is holding it; nothing was changed, "
            "try again in a moment"
        )
    return DatabaseUnavailable(f"the database cannot be reached ({detail}); nothing was changed")


def open_database(url: str, *, migrate_schema: bool = True, **engine_kwargs: Any) -> Database:
    """Open ``url``: check, connect, guard the schema version, migrate to head.

    Raises :class:`DataDirReadOnly`, :class:`DatabaseUnavailable` or :class:`SchemaTooNew`."""
    if url.startswith("sqlite"):
        check_sqlite_path(url)
    engine = make_engine(url, **engine_kwargs)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        engine.dispose()
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"cannot reach the database at {safe_url(url)}: {detail}") from exc
    try:
        if migrate_schema:
            migrate(engine)
        else:
            check_schema_version(engine)
    except DBAPIError as exc:
        engine.dispose()
        if "readonly" in str(exc.orig) or "read-only" in str(exc.orig):
            raise DataDirReadOnly(f"the database {safe_url(url)} is read-only: {exc.orig}") from exc
        raise DatabaseUnavailable(f"cannot prepare the database at {safe_url(url)}: {exc.orig}") from exc
    except Exception:
        engine.dispose()
        raise
    return Database(engine, sessionmaker(engine, expire_on_commit=False))
