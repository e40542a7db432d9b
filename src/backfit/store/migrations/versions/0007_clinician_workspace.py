"""The clinician's workspace: changes a clinician made (shown to the client), progressions
waiting for approval, clinical notes, who cleared a red flag or a pause and why, a held
ladder step per programme item, and indexes for the client list's grouped queries.

Existing rows: no clinician changes, notes or pending steps; clearances were the person's
own (``cleared_by`` NULL); no step is held; progressions apply at once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:50:00.000000
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from alembic import op

from backfit.store.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (SQLite supports it): a batch copy would drop the tables, cascading to their rows
    op.add_column(
        "profiles",
        sa.Column("progressions_need_approval", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    for table in ("intakes", "programme_pauses"):
        op.add_column(table, sa.Column("cleared_by", sa.String(length=120), nullable=True))
        op.add_column(table, sa.Column("clearance_reason", sa.Text(), nullable=True))
    op.add_column("current_prescriptions", sa.Column("max_step", sa.Integer(), nullable=True))
    op.create_table(
        "clinician_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("clinician_account_id", sa.Integer(), nullable=True),
        sa.Column("clinician_name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=True),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("made_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name=op.f("fk_clinician_changes_profile_id_profiles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinician_changes")),
    )
    op.create_index("ix_clinician_changes_profile_id_made_at", "clinician_changes", ["profile_id", "made_at"])
    op.create_table(
        "pending_progressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("performed_session_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("change", sa.Text(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("proposed_at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_pending_progressions_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_pending_progressions_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["performed_session_id"],
            ["performed_sessions.id"],
            name=op.f("fk_pending_progressions_performed_session_id_performed_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_progressions")),
    )
    op.create_index(op.f("ix_pending_progressions_profile_id"), "pending_progressions", ["profile_id"])
    op.create_index(
        op.f("ix_pending_progressions_performed_session_id"), "pending_progressions", ["performed_session_id"]
    )
    op.create_table(
        "clinical_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name=op.f("fk_clinical_notes_profile_id_profiles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["accounts.id"], name=op.f("fk_clinical_notes_author_id_accounts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinical_notes")),
    )
    op.create_index(op.f("ix_clinical_notes_profile_id"), "clinical_notes", ["profile_id"])
    op.create_index(
        "ix_scheduled_sessions_profile_id_scheduled_on", "scheduled_sessions", ["profile_id", "scheduled_on"]
    )
    op.create_index("ix_performed_sessions_profile_id_started_at", "performed_sessions", ["profile_id", "started_at"])
    op.create_index("ix_checkins_profile_id_recorded_at", "checkins", ["profile_id", "recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_checkins_profile_id_recorded_at", table_name="checkins")
    op.drop_index("ix_performed_sessions_profile_id_started_at", table_name="performed_sessions")
    op.drop_index("ix_scheduled_sessions_profile_id_scheduled_on", table_name="scheduled_sessions")
    op.drop_table("clinical_notes")
    op.drop_table("pending_progressions")
    op.drop_index("ix_clinician_changes_profile_id_made_at", table_name="clinician_changes")
    op.drop_table("clinician_changes")
    # ALTER TABLE ... DROP COLUMN in place: a batch copy of a parent table (profiles, intakes) on
    # SQLite drops the old table, which cascades to every child row (every person's history).
    drop_columns("current_prescriptions", "max_step")
    for table in ("programme_pauses", "intakes"):
        drop_columns(table, "clearance_reason", "cleared_by")
    drop_columns("profiles", "progressions_need_approval")


def drop_columns(table: str, *columns: str) -> None:
    """Drop ``columns`` of ``table`` without copying the table (SQLite 3.35 and newer; PostgreSQL)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        raise RuntimeError(
            f"downgrading needs SQLite 3.35 or newer (this is {sqlite3.sqlite_version}): a table copy would "
            "delete every row that refers to it"
        )
    for column in columns:
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
