"""Camera sets keep their landmark recording and events (``set_recordings``), and a live set's
frames are stored while it runs (``recording_chunks``), so another worker can continue it.

Two new tables; existing sets have no recording.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from backfit.store.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "set_recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("performed_session_id", sa.Integer(), nullable=True),
        sa.Column("set_id", sa.Integer(), nullable=True),
        sa.Column("item_index", sa.Integer(), nullable=True),
        sa.Column("stream", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("exercise_id", sa.String(length=80), nullable=False),
        sa.Column("aspect", sa.Float(), nullable=False),
        sa.Column("t0", sa.Float(), nullable=True),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("times", sa.LargeBinary(), nullable=False),
        sa.Column("landmarks", sa.LargeBinary(), nullable=False),
        sa.Column("events", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["performed_session_id"],
            ["performed_sessions.id"],
            name=op.f("fk_set_recordings_performed_session_id_performed_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name=op.f("fk_set_recordings_profile_id_profiles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["set_id"], ["sets.id"], name=op.f("fk_set_recordings_set_id_sets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_set_recordings")),
        sa.UniqueConstraint(
            "performed_session_id", "item_index", "stream", name=op.f("uq_set_recordings_performed_session_id")
        ),
        sa.UniqueConstraint("set_id", name=op.f("uq_set_recordings_set_id")),
    )
    op.create_index(op.f("ix_set_recordings_profile_id"), "set_recordings", ["profile_id"], unique=False)
    op.create_index(
        op.f("ix_set_recordings_performed_session_id"), "set_recordings", ["performed_session_id"], unique=False
    )
    op.create_table(
        "recording_chunks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("times", sa.LargeBinary(), nullable=False),
        sa.Column("landmarks", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["set_recordings.id"],
            name=op.f("fk_recording_chunks_recording_id_set_recordings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_chunks")),
        sa.UniqueConstraint("recording_id", "last_seq", name=op.f("uq_recording_chunks_recording_id")),
    )
    op.create_index(op.f("ix_recording_chunks_recording_id"), "recording_chunks", ["recording_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_recording_chunks_recording_id"), table_name="recording_chunks")
    op.drop_table("recording_chunks")
    op.drop_index(op.f("ix_set_recordings_performed_session_id"), table_name="set_recordings")
    op.drop_index(op.f("ix_set_recordings_profile_id"), table_name="set_recordings")
    op.drop_table("set_recordings")
