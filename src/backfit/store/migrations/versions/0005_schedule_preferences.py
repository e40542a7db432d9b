"""Schedule preferences per profile: weekdays, a local time of day and a reminder lead time.

A new table, one row per profile at most; profiles without a row use the defaults
(the programme's weekdays, 18:00, a 30-minute reminder).

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-01 20:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from backfit.store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schedule_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.JSON(), nullable=False),
        sa.Column("time_of_day", sa.String(length=5), nullable=False),
        sa.Column("reminder_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_schedule_preferences_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_preferences")),
        sa.UniqueConstraint("profile_id", name=op.f("uq_schedule_preferences_profile_id")),
    )


def downgrade() -> None:
    op.drop_table("schedule_preferences")
