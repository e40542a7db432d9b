"""A single-person database with months of history becomes a clinic's: the database is
opened by this backfit (migrated from the schema before accounts), `backfit users add
--profile default` makes its person a client account, and signed in they see everything they
had; a backup of their data is the same before and after."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from alembic import command

from backfit.services import exports
from backfit.services.policy import Role
from backfit.services.runtime import utc_now
from backfit.settings import Settings
from backfit.store.database import alembic_config, head_revision, open_database, stamped_revision
from backfit.web import create_app
from tests.factories import packaged_data, realistic_history
from tests.web.clinic import PASSWORD, add, clinic_app, sign_in
from tests.web.conftest import PageClient

BACKFIT = [sys.executable, "-c", "from backfit.cli import main; main()"]
BEFORE_ACCOUNTS = "0005"


def backup_tables(url: str) -> dict[str, object]:
    db = open_database(url)
    try:
        with db.unit_of_work() as session:
            return exports.export_person_backup(session, "default", now=utc_now())["tables"]  # type: ignore[no-any-return]
    finally:
        db.dispose()


def test_a_laptops_history_becomes_the_clients_account(tmp_path: Path, db_url: str) -> None:
    data = packaged_data()
    db = open_database(db_url)
    try:
        with db.unit_of_work() as session:  # months of history, then the schema taken back to before accounts
            realistic_history(session, data, weeks=8, name="default")
        with db.engine.begin() as connection:
            command.downgrade(alembic_config(connection), BEFORE_ACCOUNTS)
    finally:
        db.dispose()
    assert stamped_revision(open_database(db_url, migrate_schema=False).engine) == BEFORE_ACCOUNTS

    settings = Settings(data_dir=tmp_path / "data", database_url=db_url)
    with PageClient(create_app(settings)) as laptop:
        history_before = laptop.get("/api/history?limit=1000").json()
        programme_before = laptop.get("/api/programme").json()
    assert len(history_before) == 24
    tables_before = backup_tables(db_url)

    env = {**os.environ, "BACKFIT_DATA_DIR": str(tmp_path / "data"), "BACKFIT_DATABASE_URL": db_url}
    made = subprocess.run(
        [*BACKFIT, "users", "add", "me@home.test", "--role", "client", "--profile", "default", "--password"],
        input=PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    assert "Added the client" in made.stdout
    taken_again = subprocess.run(
        [*BACKFIT, "users", "add", "other@home.test", "--role", "client", "--profile", "default"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert taken_again.returncode == 4
    assert "already belongs to an account" in taken_again.stderr

    assert stamped_revision(open_database(db_url, migrate_schema=False).engine) == head_revision()
    assert backup_tables(db_url) == tables_before, "adding the account changed the person's data"

    app = clinic_app(settings)
    add(app, "someone@else.test", Role.CLIENT)  # another client of the same clinic sees none of it
    with PageClient(app) as me, PageClient(app) as someone:
        assert sign_in(me, "me@home.test").status_code == 303
        assert me.get("/api/history?limit=1000").json() == history_before
        assert me.get("/api/programme").json() == programme_before
        assert sign_in(someone, "someone@else.test").status_code == 303
        assert someone.get("/api/history").json() == []
    listed = subprocess.run([*BACKFIT, "users", "list", "--json"], env=env, capture_output=True, text=True, timeout=120)
    rows = {row["email"]: row for row in json.loads(listed.stdout)}
    assert rows["me@home.test"]["role"] == "client"
    assert rows["me@home.test"]["state"] == "active"
