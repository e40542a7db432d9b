"""Initial schema: profiles, intakes, programmes, schedule, sessions, sets, check-ins, progression.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 14:31:08.814906
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from backfit.store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profiles")),
        sa.UniqueConstraint("name", name=op.f("uq_profiles_name")),
    )
    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("red_flags", sa.JSON(), nullable=False),
        sa.Column("clearance_confirmed", sa.Boolean(), nullable=False),
        sa.Column("cleared_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name=op.f("fk_intakes_profile_id_profiles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intakes")),
    )
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intakes_profile_id"), ["profile_id"], unique=False)

    op.create_table(
        "psfs_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(length=120), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("rated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name=op.f("fk_psfs_ratings_profile_id_profiles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_psfs_ratings")),
    )
    with op.batch_alter_table("psfs_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_psfs_ratings_profile_id"), ["profile_id"], unique=False)

    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("minutes_budget", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("owned_equipment", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intakes.id"], name=op.f("fk_programmes_intake_id_intakes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name=op.f("fk_programmes_profile_id_profiles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
    )
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programmes_profile_id"), ["profile_id"], unique=False)

    op.create_table(
        "current_prescriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("exercise_id", sa.String(length=80), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("hold_s", sa.Integer(), nullable=True),
        sa.Column("rest_s", sa.Integer(), nullable=False),
        sa.Column("per_side", sa.Boolean(), nullable=False),
        sa.Column("up_s", sa.Float(), nullable=False),
        sa.Column("pause_s", sa.Float(), nullable=False),
        sa.Column("down_s", sa.Float(), nullable=False),
        sa.Column("stopped", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_current_prescriptions_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_current_prescriptions")),
        sa.UniqueConstraint("programme_id", "key", name=op.f("uq_current_prescriptions_programme_id")),
    )
    with op.batch_alter_table("current_prescriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_current_prescriptions_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "scheduled_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("day_index", sa.Integer(), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name=op.f("fk_scheduled_sessions_profile_id_profiles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_scheduled_sessions_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_sessions")),
        sa.UniqueConstraint("programme_id", "scheduled_on", name=op.f("uq_scheduled_sessions_programme_id")),
    )
    with op.batch_alter_table("scheduled_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheduled_sessions_profile_id"), ["profile_id"], unique=False)

    op.create_table(
        "performed_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("scheduled_session_id", sa.Integer(), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name=op.f("fk_performed_sessions_profile_id_profiles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_performed_sessions_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scheduled_session_id"],
            ["scheduled_sessions.id"],
            name=op.f("fk_performed_sessions_scheduled_session_id_scheduled_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performed_sessions")),
    )
    with op.batch_alter_table("performed_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_performed_sessions_profile_id"), ["profile_id"], unique=False)

    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("performed_session_id", sa.Integer(), nullable=True),
        sa.Column("moment", sa.String(length=20), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["performed_session_id"],
            ["performed_sessions.id"],
            name=op.f("fk_checkins_performed_session_id_performed_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name=op.f("fk_checkins_profile_id_profiles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkins_performed_session_id"), ["performed_session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_checkins_profile_id"), ["profile_id"], unique=False)

    op.create_table(
        "exercise_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("performed_session_id", sa.Integer(), nullable=False),
        sa.Column("item_index", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(length=80), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("rpe", sa.Integer(), nullable=True),
        sa.Column("pain_during", sa.Integer(), nullable=True),
        sa.Column("radiating_symptoms", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["performed_session_id"],
            ["performed_sessions.id"],
            name=op.f("fk_exercise_results_performed_session_id_performed_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_results")),
        sa.UniqueConstraint(
            "performed_session_id", "item_index", name=op.f("uq_exercise_results_performed_session_id")
        ),
    )
    with op.batch_alter_table("exercise_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exercise_results_performed_session_id"), ["performed_session_id"], unique=False
        )

    op.create_table(
        "progression_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("performed_session_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("change", sa.Text(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("family", sa.String(length=40), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["performed_session_id"],
            ["performed_sessions.id"],
            name=op.f("fk_progression_decisions_performed_session_id_performed_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_progression_decisions_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progression_decisions")),
    )
    with op.batch_alter_table("progression_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_progression_decisions_performed_session_id"), ["performed_session_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_progression_decisions_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("performed_session_id", sa.Integer(), nullable=False),
        sa.Column("item_index", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(length=80), nullable=False),
        sa.Column("set_index", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("hold_s", sa.Float(), nullable=True),
        sa.Column("rpe", sa.Integer(), nullable=True),
        sa.Column("pain_during", sa.Integer(), nullable=True),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["performed_session_id"],
            ["performed_sessions.id"],
            name=op.f("fk_sets_performed_session_id_performed_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sets")),
        sa.UniqueConstraint(
            "performed_session_id", "item_index", "set_index", "side", name=op.f("uq_sets_performed_session_id")
        ),
    )
    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sets_performed_session_id"), ["performed_session_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sets_performed_session_id"))

    op.drop_table("sets")
    with op.batch_alter_table("progression_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progression_decisions_programme_id"))
        batch_op.drop_index(batch_op.f("ix_progression_decisions_performed_session_id"))

    op.drop_table("progression_decisions")
    with op.batch_alter_table("exercise_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exercise_results_performed_session_id"))

    op.drop_table("exercise_results")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkins_profile_id"))
        batch_op.drop_index(batch_op.f("ix_checkins_performed_session_id"))

    op.drop_table("checkins")
    with op.batch_alter_table("performed_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_performed_sessions_profile_id"))

    op.drop_table("performed_sessions")
    with op.batch_alter_table("scheduled_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduled_sessions_profile_id"))

    op.drop_table("scheduled_sessions")
    with op.batch_alter_table("current_prescriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_current_prescriptions_programme_id"))

    op.drop_table("current_prescriptions")
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programmes_profile_id"))

    op.drop_table("programmes")
    with op.batch_alter_table("psfs_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_psfs_ratings_profile_id"))

    op.drop_table("psfs_ratings")
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intakes_profile_id"))

    op.drop_table("intakes")
    op.drop_table("profiles")
