"""What several benchmarks need: a free loopback port, a person's intake answers, a camera
set in progress, a throwaway database (SQLite file or PostgreSQL schema) and the bulk copy
that fills it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, make_url, select, text

from backfit.catalog.loader import Catalog
from backfit.plan.intake import Intake, RedFlag
from backfit.plan.rules import default_programme_rules
from backfit.services import profiles, sessions
from backfit.store.database import Database


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_web(
    data_dir: Path, port: int, workers: int, *, database_url: str | None = None, clinic: bool = False
) -> subprocess.Popen[bytes]:
    """A real ``backfit web --workers N`` on ``port`` (``--clinic`` if asked), on ``database_url``
    or on its own SQLite database in ``data_dir``; returns once every worker has answered."""
    env = {**os.environ, "BACKFIT_DATA_DIR": str(data_dir)}
    env.pop("BACKFIT_DATABASE_URL", None)
    if database_url is not None:
        env["BACKFIT_DATABASE_URL"] = database_url
    command = [str(Path(sys.executable).with_name("backfit")), "web", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen([*command, *(["--clinic"] if clinic else [])], env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    pids: set[int] = set()
    while time.monotonic() < deadline and len(pids) < workers and server.poll() is None:
        try:  # every worker answers before the benchmark starts (fresh connections reach each in turn)
            reply = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1, headers={"Connection": "close"})
            pids.add(reply.json()["worker"])
        except httpx.HTTPError:
            time.sleep(0.2)
    if not pids:
        server.kill()
        raise RuntimeError("the server did not start")
    if len(pids) < workers:
        print(f"note: only {len(pids)} of {workers} workers answered the first health checks", flush=True)
    return server


def intake_answers(**changes: Any) -> dict[str, Any]:
    """Intake answers with no red flag (as the API takes them), with ``changes`` applied."""
    answers: dict[str, Any] = {
        "red_flags": {flag.value: False for flag in RedFlag},
        "experience": "new",
        "equipment": [],
        "sessions_per_week": 3,
        "minutes_per_session": 15,
        "pain_now": 1,
        "psfs": [{"activity": "putting on socks", "rating": 4}],
    }
    return {**answers, **changes}


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file in ``workdir``, or a new schema of the
    PostgreSQL server of BACKFIT_BENCH_POSTGRES_URL or BACKFIT_TEST_POSTGRES_URL (dropped after)."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        return
    base = os.environ.get("BACKFIT_BENCH_POSTGRES_URL") or os.environ["BACKFIT_TEST_POSTGRES_URL"]
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield (
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def block_counts(db: Database) -> dict[str, int]:
    """Rows of each table of a database filled with one block (ids 1..n in every table)."""
    from backfit.store.models import Base

    counts = {}
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows, top = connection.execute(select(func.count(), func.max(table.c.id))).one()
            if rows != (top or 0):
                raise RuntimeError(f"{table.name}: ids are not 1..{rows}; a block copy would collide")
            counts[table.name] = rows
    return counts


def copy_prefix(n: int) -> str:
    """What :func:`replicate` puts before the unique names of copy ``n`` (copy 0: nothing)."""
    return f"b{n}." if n else ""


def replicate(db: Database, copies: int, counts: dict[str, int], unique_text: Collection[str] = ()) -> None:
    """Copy block 0 (ids 1..counts[table] of every table) to copies 1..N-1 inside the database,
    shifting every id and foreign key by the copy's number times the table's rows per block, and
    prefixing the ``unique_text`` columns ("table.column") with :func:`copy_prefix`. Rows go in id
    order (copy by copy), so every index is appended to; then the sequences move past the copies
    and the planner's statistics are refreshed (ANALYZE), as after any bulk load."""
    from backfit.store.models import Base

    if copies < 2:
        return
    postgres = db.engine.dialect.name == "postgresql"
    series = (
        f"generate_series(1, {copies - 1}) AS k(n)"
        if postgres
        else f"(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {copies - 1}) "
        "SELECT n FROM s) AS k"
    )
    with db.engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            if not counts[table.name]:
                continue
            select_list = []
            for column in table.columns:
                if column.name == "id":
                    select_list.append(f"t.id + k.n * {counts[table.name]}")
                elif column.foreign_keys:
                    target = next(iter(column.foreign_keys)).column.table.name
                    select_list.append(f"t.{column.name} + k.n * {counts[target]}")
                elif f"{table.name}.{column.name}" in unique_text:
                    select_list.append(f"'b' || CAST(k.n AS TEXT) || '.' || t.{column.name}")
                else:
                    select_list.append(f"t.{column.name}")
            names = ", ".join(c.name for c in table.columns)
            connection.execute(
                text(
                    f"INSERT INTO {table.name} ({names}) SELECT {', '.join(select_list)} "
                    f"FROM {series} CROSS JOIN {table.name} AS t WHERE t.id <= {counts[table.name]} "
                    "ORDER BY k.n, t.id"
                )
            )
        if postgres:
            for table, rows in counts.items():
                if rows:
                    connection.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {rows * copies + 1}, false)")
                    )
        connection.execute(text("ANALYZE"))


def camera_set(db: Database, catalog: Catalog, now: datetime, exercise_id: str = "hip-bridge") -> tuple[int, int]:
    """A person onboarded in ``db`` with a session in progress: (session id, index of ``exercise_id``'s item)."""
    with db.unit_of_work() as session:
        intake = Intake.model_validate(intake_answers(experience="regular"))
        profiles.save_intake(session, intake, catalog=catalog, rules=default_programme_rules(), now=now)
        performed = sessions.start_session(
            session, catalog=catalog, now=now, pain_start=1, name=profiles.DEFAULT_PROFILE
        )
        item = next(i for i, it in enumerate(performed.plan) if it["prescription"]["exercise_id"] == exercise_id)
        return performed.id, item
