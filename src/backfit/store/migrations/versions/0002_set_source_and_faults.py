"""Sets remember how they were counted (``source``: camera or manual) and the form faults the camera saw.

Both columns are nullable: sets stored before this revision keep NULL (not said, none recorded).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:12:40.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("faults", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.drop_column("faults")
        batch_op.drop_column("source")
