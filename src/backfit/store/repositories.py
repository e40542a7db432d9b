"""Queries over the models, one function per question the services ask."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backfit.store.errors import NotFound
from backfit.store.models import (
    CheckIn,
    CurrentPrescription,
    ExerciseResult,
    IntakeRecord,
    PerformedSession,
    Profile,
    ProgrammeRecord,
    ProgressionDecision,
    PsfsRating,
    ScheduledSession,
    SetRecord,
)


def profile_by_name(session: Session, name: str) -> Profile | None:
    return session.scalars(select(Profile).where(Profile.name == name)).one_or_none()


def profile_by_id(session: Session, profile_id: int) -> Profile:
    profile = session.get(Profile, profile_id)
    if profile is None:
        raise NotFound(f"no profile with id {profile_id}")
    return profile


def require_profile(session: Session, name: str) -> Profile:
    profile = profile_by_name(session, name)
    if profile is None:
        raise NotFound(
            f"no profile named {name!r} yet: answer the intake first "
            "(`backfit intake`, the web coach or POST /api/intake)"
        )
    return profile


def latest_intake(session: Session, profile_id: int) -> IntakeRecord | None:
    query = select(IntakeRecord).where(IntakeRecord.profile_id == profile_id).order_by(IntakeRecord.id.desc())
    return session.scalars(query.limit(1)).one_or_none()


def active_programme(session: Session, profile_id: int) -> ProgrammeRecord | None:
    query = (
        select(ProgrammeRecord)
        .where(ProgrammeRecord.profile_id == profile_id, ProgrammeRecord.active.is_(True))
        .order_by(ProgrammeRecord.id.desc())
    )
    return session.scalars(query.limit(1)).one_or_none()


def prescriptions(session: Session, programme_id: int) -> dict[str, CurrentPrescription]:
    rows = session.scalars(select(CurrentPrescription).where(CurrentPrescription.programme_id == programme_id))
    return {row.key: row for row in rows}


def schedule(session: Session, programme_id: int) -> Sequence[ScheduledSession]:
    query = select(ScheduledSession).where(ScheduledSession.programme_id == programme_id)
    return session.scalars(query.order_by(ScheduledSession.scheduled_on)).all()


def last_scheduled_day(session: Session, programme_id: int) -> date | None:
    return session.scalar(
        select(func.max(ScheduledSession.scheduled_on)).where(ScheduledSession.programme_id == programme_id)
    )


def in_progress_session(session: Session, profile_id: int) -> PerformedSession | None:
    query = select(PerformedSession).where(
        PerformedSession.profile_id == profile_id, PerformedSession.status == "in_progress"
    )
    return session.scalars(query.order_by(PerformedSession.id.desc()).limit(1)).one_or_none()


def performed_sessions(
    session: Session, profile_id: int, *, programme_id: int | None = None, limit: int | None = None
) -> Sequence[PerformedSession]:
    """Newest first."""
    query = select(PerformedSession).where(PerformedSession.profile_id == profile_id)
    if programme_id is not None:
        query = query.where(PerformedSession.programme_id == programme_id)
    query = query.order_by(PerformedSession.started_at.desc(), PerformedSession.id.desc())
    return session.scalars(query.limit(limit) if limit else query).all()


def sets_of(session: Session, performed_ids: Sequence[int]) -> Sequence[SetRecord]:
    query = select(SetRecord).where(SetRecord.performed_session_id.in_(performed_ids)).order_by(SetRecord.id)
    return session.scalars(query).all()


def results_of(session: Session, performed_ids: Sequence[int]) -> Sequence[ExerciseResult]:
    query = select(ExerciseResult).where(ExerciseResult.performed_session_id.in_(performed_ids))
    return session.scalars(query.order_by(ExerciseResult.id)).all()


def checkins_of_sessions(session: Session, performed_ids: Sequence[int]) -> Sequence[CheckIn]:
    query = select(CheckIn).where(CheckIn.performed_session_id.in_(performed_ids)).order_by(CheckIn.id)
    return session.scalars(query).all()


def checkins(session: Session, profile_id: int) -> Sequence[CheckIn]:
    query = select(CheckIn).where(CheckIn.profile_id == profile_id)
    return session.scalars(query.order_by(CheckIn.recorded_at, CheckIn.id)).all()


def psfs_ratings(session: Session, profile_id: int) -> Sequence[PsfsRating]:
    query = select(PsfsRating).where(PsfsRating.profile_id == profile_id)
    return session.scalars(query.order_by(PsfsRating.rated_at, PsfsRating.id)).all()


def decisions_of_session(session: Session, performed_id: int) -> list[ProgressionDecision]:
    """The progression decisions made after one session, in order."""
    query = select(ProgressionDecision).where(ProgressionDecision.performed_session_id == performed_id)
    return list(session.scalars(query.order_by(ProgressionDecision.id)))


def stop_decisions(session: Session, programme_id: int) -> list[ProgressionDecision]:
    """The programme's 'stop' decisions, oldest first (the last one per key is the current stop)."""
    query = select(ProgressionDecision).where(
        ProgressionDecision.programme_id == programme_id, ProgressionDecision.action == "stop"
    )
    return list(session.scalars(query.order_by(ProgressionDecision.id)))
