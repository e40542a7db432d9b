"""At most one session in progress per person, enforced by the database (a partial unique index).

Sessions left in progress beside a newer one (by an earlier race) are closed as ended early first.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'in_progress'")


def upgrade() -> None:
    op.execute(
        "UPDATE performed_sessions SET status = 'ended_early' WHERE status = 'in_progress' AND id NOT IN "
        "(SELECT MAX(id) FROM performed_sessions WHERE status = 'in_progress' GROUP BY profile_id)"
    )
    op.create_index(
        "uq_performed_sessions_open",
        "performed_sessions",
        ["profile_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("uq_performed_sessions_open", table_name="performed_sessions")
