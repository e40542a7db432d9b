"""Alembic environment: runs on the connection backfit hands over (never a URL from a file)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from backfit.store.models import Base

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("backfit runs its migrations with store.database.migrate(engine), not the alembic command")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
