"""SQLAlchemy models: the only place that knows the tables.

Times are aware UTC datetimes; pain and effort are 0-10 integers; hold times
are seconds. A person's data hangs off :class:`Profile`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from backfit.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


NOT_IN_BACKUPS = {"backup": False}
"""``Table.info`` of the tables that hold credentials and sign-in state, not a person's
coaching data: no backup or export carries them (a backup file must never hold a password hash)."""


def in_backups(table: Any) -> bool:
    """Whether a person's backup holds this table's rows."""
    return bool(table.info.get("backup", True))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}  # noqa: RUF012


class Profile(Base):
    """One person being coached."""

    __tablename__ = "profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime]
    progressions_need_approval: Mapped[bool] = mapped_column(
        Boolean,
        server_default=text("false"),
        doc="Set by the clinician: the coach's steps up wait for their approval (regressions and stops do not).",
    )


class IntakeRecord(Base):
    """The intake answers as given (the Intake JSON, red-flag answers included)."""

    __tablename__ = "intakes"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    answers: Mapped[dict[str, Any]]
    red_flags: Mapped[list[Any]] = mapped_column(doc="The red flags answered yes.")
    clearance_confirmed: Mapped[bool] = mapped_column(Boolean)
    cleared_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    cleared_by: Mapped[str | None] = mapped_column(
        String(120), doc="The clinician who recorded the clearance (clinic); None: the person confirmed it."
    )
    clearance_reason: Mapped[str | None] = mapped_column(Text, doc="The clinician's words with the clearance.")


class ProgrammeRecord(Base):
    """A weekly programme built from an intake; the newest active one is current."""

    __tablename__ = "programmes"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    minutes_budget: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[Any]]
    days: Mapped[list[Any]] = mapped_column(doc="Per session of the week: weekday and items (key, slot, reason).")
    owned_equipment: Mapped[list[Any]]
    created_at: Mapped[datetime]


class CurrentPrescription(Base):
    """What to do next of one programme item (``key``); progression rewrites it."""

    __tablename__ = "current_prescriptions"
    __table_args__ = (UniqueConstraint("programme_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    exercise_id: Mapped[str] = mapped_column(String(80))
    sets: Mapped[int]
    reps: Mapped[int | None]
    hold_s: Mapped[int | None]
    rest_s: Mapped[int]
    per_side: Mapped[bool] = mapped_column(Boolean)
    up_s: Mapped[float] = mapped_column(Float)
    pause_s: Mapped[float] = mapped_column(Float)
    down_s: Mapped[float] = mapped_column(Float)
    stopped: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]
    max_step: Mapped[int | None] = mapped_column(
        doc="Ladder step the clinician holds this item at: automatic progression never climbs past it."
    )


class ProgrammePause(Base):
    """The programme paused after radiating symptoms, until the person confirms
    (``cleared_at``) that a clinician has advised them."""

    __tablename__ = "programme_pauses"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    performed_session_id: Mapped[int | None] = mapped_column(ForeignKey("performed_sessions.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    paused_at: Mapped[datetime]
    cleared_at: Mapped[datetime | None]
    cleared_by: Mapped[str | None] = mapped_column(
        String(120), doc="The clinician who cleared the pause (clinic); None: the person confirmed it."
    )
    clearance_reason: Mapped[str | None] = mapped_column(Text, doc="The clinician's words with the clearance.")


class ScheduledSession(Base):
    """A session the programme plans on a date."""

    __tablename__ = "scheduled_sessions"
    __table_args__ = (
        UniqueConstraint("programme_id", "scheduled_on"),
        Index("ix_scheduled_sessions_profile_id_scheduled_on", "profile_id", "scheduled_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    day_index: Mapped[int] = mapped_column(doc="Which session of the programme's week.")
    scheduled_on: Mapped[date] = mapped_column(Date)


class PerformedSession(Base):
    """A session as done (or being done): the plan is frozen at its start."""

    __tablename__ = "performed_sessions"
    __table_args__ = (
        Index(
            "uq_performed_sessions_open",
            "profile_id",
            unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
        Index("ix_performed_sessions_profile_id_started_at", "profile_id", "started_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    scheduled_session_id: Mapped[int | None] = mapped_column(ForeignKey("scheduled_sessions.id", ondelete="SET NULL"))
    plan: Mapped[list[Any]] = mapped_column(doc="Items: key, exercise_id, family, step and the prescription.")
    status: Mapped[str] = mapped_column(String(20), doc="in_progress, completed or ended_early.")
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    sets: Mapped[list[SetRecord]] = relationship(order_by="SetRecord.id", lazy="raise", viewonly=True)


class SetRecord(Base):
    """One finished set (one side of it for per-side exercises)."""

    __tablename__ = "sets"
    __table_args__ = (UniqueConstraint("performed_session_id", "item_index", "set_index", "side"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    performed_session_id: Mapped[int] = mapped_column(
        ForeignKey("performed_sessions.id", ondelete="CASCADE"), index=True
    )
    item_index: Mapped[int]
    exercise_id: Mapped[str] = mapped_column(String(80))
    set_index: Mapped[int]
    side: Mapped[str] = mapped_column(String(8), doc="'both', 'left' or 'right'.")
    reps: Mapped[int | None]
    hold_s: Mapped[float | None] = mapped_column(Float)
    rpe: Mapped[int | None]
    pain_during: Mapped[int | None]
    completed: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime]
    source: Mapped[str | None] = mapped_column(
        String(8), doc="'camera' or 'manual' (typed or timed); None when not said (sets stored before revision 0002)."
    )
    faults: Mapped[list[Any] | None] = mapped_column(
        JSON(none_as_null=True),
        doc="Camera sets: the form faults seen (text, quantity, value, op, bound, t), [] for none; else None.",
    )


class ExerciseResult(Base):
    """The responses to one exercise of a session."""

    __tablename__ = "exercise_results"
    __table_args__ = (UniqueConstraint("performed_session_id", "item_index"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    performed_session_id: Mapped[int] = mapped_column(
        ForeignKey("performed_sessions.id", ondelete="CASCADE"), index=True
    )
    item_index: Mapped[int]
    exercise_id: Mapped[str] = mapped_column(String(80))
    skipped: Mapped[bool] = mapped_column(Boolean)
    rpe: Mapped[int | None]
    pain_during: Mapped[int | None]
    radiating_symptoms: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime]


class CheckIn(Base):
    """A pain rating (0-10): at a session's start or end, the next morning, or any time."""

    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_profile_id_recorded_at", "profile_id", "recorded_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    performed_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("performed_sessions.id", ondelete="CASCADE"), index=True
    )
    moment: Mapped[str] = mapped_column(String(20), doc="session_start, session_end, next_morning or now.")
    pain: Mapped[int]
    recorded_at: Mapped[datetime]


class PsfsRating(Base):
    """One Patient-Specific Functional Scale item rated 0 (unable) to 10."""

    __tablename__ = "psfs_ratings"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    activity: Mapped[str] = mapped_column(String(120))
    rating: Mapped[int]
    rated_at: Mapped[datetime]


class ProgressionDecision(Base):
    """A progression decision for one programme item after a session, with reasons."""

    __tablename__ = "progression_decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    performed_session_id: Mapped[int] = mapped_column(
        ForeignKey("performed_sessions.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(20))
    change: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[list[Any]]
    before: Mapped[dict[str, Any]]
    after: Mapped[dict[str, Any]]
    family: Mapped[str] = mapped_column(String(40))
    step: Mapped[int] = mapped_column(doc="Ladder step of the exercise after the decision.")
    decided_at: Mapped[datetime]


class SchedulePreference(Base):
    """When a person wants to exercise: weekdays, a local time of day and a reminder lead."""

    __tablename__ = "schedule_preferences"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), unique=True)
    weekdays: Mapped[list[Any]] = mapped_column(doc="Day names ('mon' ... 'sun') in week order, one per session.")
    time_of_day: Mapped[str] = mapped_column(String(5), doc="Local wall-clock time, 'HH:MM' (24-hour).")
    reminder_minutes: Mapped[int] = mapped_column(doc="Minutes before the session for the calendar alarm; 0 = none.")
    updated_at: Mapped[datetime]


class ClinicianChange(Base):
    """A change a clinician made to a client's programme, with their reason: the client sees it.

    ``clinician_account_id`` is the account at the time, kept without a foreign key (backups
    carry no accounts); ``clinician_name`` says who in words."""

    __tablename__ = "clinician_changes"
    __table_args__ = (Index("ix_clinician_changes_profile_id_made_at", "profile_id", "made_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    clinician_account_id: Mapped[int | None]
    clinician_name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(
        String(20), doc="assign, swap, dose, hold, release, approval, approve, decline or clear."
    )
    key: Mapped[str | None] = mapped_column(String(120), doc="The programme item changed, if one.")
    change: Mapped[str] = mapped_column(Text, doc="What changed, in words.")
    reason: Mapped[str] = mapped_column(Text)
    made_at: Mapped[datetime]


class PendingProgression(Base):
    """A step up the coach decided while the clinician approves progressions: not applied
    until they approve it (``outcome`` 'approved' or 'declined', with who and when)."""

    __tablename__ = "pending_progressions"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    performed_session_id: Mapped[int] = mapped_column(
        ForeignKey("performed_sessions.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(120))
    change: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[list[Any]]
    before: Mapped[dict[str, Any]]
    after: Mapped[dict[str, Any]]
    proposed_at: Mapped[datetime]
    outcome: Mapped[str | None] = mapped_column(String(10), doc="None while waiting; 'approved' or 'declined'.")
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None]


class ClinicalNote(Base):
    """A clinician's note on a client: clinician-only (clients never see it, so no backup or
    export of the client carries it)."""

    __tablename__ = "clinical_notes"
    __table_args__ = ({"info": NOT_IN_BACKUPS},)
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime]


class Account(Base):
    """Someone who signs in (clinic mode): an admin, a clinician or a client.

    A client's coaching data is its ``profile``; ``clinician_id`` is the clinician who
    looks after them. Admins and clinicians have no profile. ``password_hash`` (Argon2)
    is empty until the invited person sets a password."""

    __tablename__ = "accounts"
    __table_args__ = {"info": NOT_IN_BACKUPS}  # noqa: RUF012
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, doc="Lower-cased.")
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(12), doc="'admin', 'clinician' or 'client'.")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("profiles.id", ondelete="SET NULL"), unique=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]


class SignInSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256
    (a copied database signs nobody in). Revoked at sign-out, by an admin, or on expiry."""

    __tablename__ = "sign_in_sessions"
    __table_args__ = {"info": NOT_IN_BACKUPS}  # noqa: RUF012
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class OneTimeLink(Base):
    """An invitation or password-reset link (token stored as its SHA-256), used once."""

    __tablename__ = "one_time_links"
    __table_args__ = {"info": NOT_IN_BACKUPS}  # noqa: RUF012
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(12), doc="'invite' or 'reset'.")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class SignInAttempt(Base):
    """A sign-in try, kept for the rate limit (per email and per address)."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_email_at", "email", "at"),
        Index("ix_sign_in_attempts_address_at", "address", "at"),
        {"info": NOT_IN_BACKUPS},
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime]


class SetRecording(Base):
    """The landmark recording of one camera set and the analyzer's events on it (no video).

    ``times``: float32 little-endian offsets (s) from ``t0``, strictly increasing; ``landmarks``:
    float16 ``(frames, 33, 4)`` (:mod:`backfit.services.recording_codec`). A live set's frames
    arrive in :class:`RecordingChunk` rows while it runs and are joined here when the set is saved
    (``set_id``); a video file's recording is stored whole.
    """

    __tablename__ = "set_recordings"
    __table_args__ = (UniqueConstraint("performed_session_id", "item_index", "stream"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    performed_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("performed_sessions.id", ondelete="CASCADE"), index=True
    )
    set_id: Mapped[int | None] = mapped_column(ForeignKey("sets.id", ondelete="CASCADE"), unique=True)
    item_index: Mapped[int | None]
    stream: Mapped[str] = mapped_column(String(64), doc="The live stream's id, or 'video' for a file.")
    origin: Mapped[str] = mapped_column(String(8), doc="'live' (the browser's camera) or 'video' (a file).")
    exercise_id: Mapped[str] = mapped_column(String(80))
    aspect: Mapped[float] = mapped_column(Float, doc="Image width / height the landmarks are normalised to.")
    t0: Mapped[float | None] = mapped_column(Float, doc="The first frame's time on the source's clock (s).")
    frames: Mapped[int] = mapped_column(doc="Frames in times/landmarks (0 while a live set runs).")
    times: Mapped[bytes] = mapped_column(LargeBinary)
    landmarks: Mapped[bytes] = mapped_column(LargeBinary)
    events: Mapped[list[Any] | None] = mapped_column(
        JSON(none_as_null=True), doc="The analyzer's events (times in s from t0); None until the set is saved."
    )
    finished: Mapped[bool] = mapped_column(Boolean, doc="The set was ended (no more frames come).")
    created_at: Mapped[datetime]


class RecordingChunk(Base):
    """Frames of a live set stored while it runs (about one a second), so any worker can continue it."""

    __tablename__ = "recording_chunks"
    __table_args__ = (UniqueConstraint("recording_id", "last_seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("set_recordings.id", ondelete="CASCADE"), index=True)
    last_seq: Mapped[int] = mapped_column(doc="The client's seq of the chunk's last frame.")
    frames: Mapped[int]
    times: Mapped[bytes] = mapped_column(LargeBinary)
    landmarks: Mapped[bytes] = mapped_column(LargeBinary)


class BackgroundJob(Base):
    """Work done away from the request (a handout PDF, an uploaded video's analysis) for one person:
    its state, attempts, and result or error in words (:mod:`backfit.services.jobs`)."""

    __tablename__ = "background_jobs"
    __table_args__ = {"info": NOT_IN_BACKUPS}  # noqa: RUF012  (results that can be made again)
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40), doc="What to do: 'handout' or 'video_analysis'.")
    state: Mapped[str] = mapped_column(String(16), doc="queued, running, succeeded or failed.")
    attempts: Mapped[int] = mapped_column(default=0, doc="Times a worker started it.")
    params: Mapped[dict[str, Any]] = mapped_column(doc="The job's input (JSON): file name, exercise id, day.")
    result_type: Mapped[str | None] = mapped_column(String(80), doc="Media type of the result.")
    result: Mapped[bytes | None] = mapped_column(LargeBinary, doc="The result (a PDF, JSON), once succeeded.")
    error: Mapped[str | None] = mapped_column(Text, doc="Why it failed, in words.")
    heartbeat_at: Mapped[datetime | None] = mapped_column(doc="Last sign of life of the worker running it.")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
