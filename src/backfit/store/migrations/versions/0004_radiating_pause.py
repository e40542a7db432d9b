"""Radiating symptoms pause the programme until the person confirms that a clinician has advised them
(``programme_pauses``: when it paused, why, and when the advice was confirmed).

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01 21:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from backfit.store.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("performed_session_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("paused_at", UTCDateTime(), nullable=False),
        sa.Column("cleared_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name=op.f("fk_programme_pauses_profile_id_profiles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["performed_session_id"],
            ["performed_sessions.id"],
            name=op.f("fk_programme_pauses_performed_session_id_performed_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_pauses")),
    )
    with op.batch_alter_table("programme_pauses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_pauses_profile_id"), ["profile_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("programme_pauses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_pauses_profile_id"))
    op.drop_table("programme_pauses")
