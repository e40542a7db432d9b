"""Background jobs: a table of jobs per profile (both backends) and, on PostgreSQL, the job queue's schema.

``background_jobs`` holds each job's state, attempts, and result or error; on PostgreSQL the
``procrastinate`` queue (its tables, functions and triggers, from the pinned release's own schema
file) carries the job ids to the worker processes. SQLite runs jobs in-process and gets no queue schema.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 23:50:00.000000
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

from backfit.store.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _queue_schema() -> str:
    from procrastinate.schema import SchemaManager

    return SchemaManager.get_schema()


def upgrade() -> None:
    op.create_table(
        "background_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result_type", sa.String(length=80), nullable=True),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name=op.f("fk_background_jobs_profile_id_profiles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_background_jobs")),
    )
    op.create_index(op.f("ix_background_jobs_profile_id"), "background_jobs", ["profile_id"])
    if op.get_bind().dialect.name == "postgresql":
        # the schema file as it is (many statements, PL/pgSQL bodies): straight to the driver, in this transaction
        cursor = op.get_bind().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(_queue_schema())
        finally:
            cursor.close()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        schema = _queue_schema()
        for kind in ("TABLE", "TYPE"):
            for name in dict.fromkeys(re.findall(rf"CREATE (?:UNLOGGED )?{kind} (?:public\.)?(\w+)", schema)):
                op.execute(f"DROP {kind} IF EXISTS {name} CASCADE")
        for name in dict.fromkeys(re.findall(r"CREATE (?:OR REPLACE )?FUNCTION (?:public\.)?(\w+)", schema)):
            op.execute(f"DROP FUNCTION IF EXISTS {name} CASCADE")
    op.drop_index(op.f("ix_background_jobs_profile_id"), table_name="background_jobs")
    op.drop_table("background_jobs")
