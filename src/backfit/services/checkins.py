"""Check-ins: pain now, next-morning pain after a session, and the PSFS every two weeks."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.services.profiles import DEFAULT_PROFILE
from backfit.services.sessions import revise_after_morning, session_checkin
from backfit.store import repositories as repo
from backfit.store.errors import NotFound
from backfit.store.models import CheckIn, ProgressionDecision, PsfsRating

PSFS_EVERY = timedelta(days=14)
MORNING_FROM = time(4, 0)
"""A session's next-morning check-in opens at this local time on the day after the session."""


class TooEarly(ValueError):
    """The next-morning check-in is not open yet; ``opens`` says when it is (local time)."""

    def __init__(self, opens: datetime) -> None:
        self.opens = opens
        when = f"{opens:%A} {opens.day} {opens:%B}, from {opens.hour % 12 or 12} {'am' if opens.hour < 12 else 'pm'}"
        super().__init__(
            f"the next-morning check-in for this session opens tomorrow morning ({when}); "
            "until then, you can tell backfit how your back feels right now"
        )


def morning_opens(started_at: datetime) -> datetime:
    """When the next-morning check-in of a session started at ``started_at`` opens (local time)."""
    local = started_at.astimezone()
    return datetime.combine(local.date() + timedelta(days=1), MORNING_FROM, tzinfo=local.tzinfo)


def _check_pain(pain: int) -> None:
    if not 0 <= pain <= 10:
        raise ValueError(f"pain is rated 0-10, not {pain}")


def record_pain_now(session: Session, *, pain: int, now: datetime, name: str = DEFAULT_PROFILE) -> CheckIn:
    _check_pain(pain)
    profile = repo.require_profile(session, name)
    row = CheckIn(profile_id=profile.id, performed_session_id=None, moment="now", pain=pain, recorded_at=now)
    session.add(row)
    session.flush()
    return row


def record_next_morning(
    session: Session, *, pain: int, catalog: Catalog, now: datetime, name: str = DEFAULT_PROFILE
) -> list[ProgressionDecision]:
    """Store the next-morning pain for the last finished session and decide its
    exercises again (worse pain the next morning is a red response)."""
    _check_pain(pain)
    profile = repo.require_profile(session, name)
    finished = [s for s in repo.performed_sessions(session, profile.id, limit=3) if s.status != "in_progress"]
    if not finished:
        raise NotFound("no finished session yet to rate the next morning for")
    last = finished[0]
    opens = morning_opens(last.started_at)
    if now.astimezone() < opens:
        raise TooEarly(opens)
    earlier = [c for c in repo.checkins_of_sessions(session, [last.id]) if c.moment == "next_morning"]
    if earlier:
        raise ValueError(f"the next-morning pain for the session of {last.started_at:%Y-%m-%d} is already recorded")
    session.add(session_checkin(last, "next_morning", pain, now))
    session.flush()
    return revise_after_morning(session, last, catalog, now)


def psfs_activities(session: Session, name: str = DEFAULT_PROFILE) -> list[str]:
    """The activities of the profile's PSFS (as first named at intake)."""
    profile = repo.require_profile(session, name)
    seen: list[str] = []
    for rating in repo.psfs_ratings(session, profile.id):
        if rating.activity not in seen:
            seen.append(rating.activity)
    return seen


def psfs_due(session: Session, *, now: datetime, name: str = DEFAULT_PROFILE) -> bool:
    """True when the PSFS has activities and was last rated two weeks or more ago."""
    profile = repo.require_profile(session, name)
    ratings = repo.psfs_ratings(session, profile.id)
    return bool(ratings) and now - ratings[-1].rated_at >= PSFS_EVERY


def record_psfs(
    session: Session, ratings: dict[str, int], *, now: datetime, name: str = DEFAULT_PROFILE
) -> list[PsfsRating]:
    """Rate each PSFS activity 0-10 (up to three activities, each one named in the latest intake)."""
    if not ratings or len(ratings) > 3:
        raise ValueError("the PSFS rates one to three activities")
    profile = repo.require_profile(session, name)
    intake = repo.latest_intake(session, profile.id)
    named = {item["activity"] for item in intake.answers.get("psfs", [])} if intake is not None else set()
    rows = []
    for activity, rating in ratings.items():
        if activity not in named:
            raise ValueError(f"'{activity[:40]}' is not one of the PSFS activities named in the intake")
        if not 0 <= rating <= 10:
            raise ValueError(f"PSFS ratings are 0-10, not {rating} ({activity})")
        rows.append(PsfsRating(profile_id=profile.id, activity=activity, rating=rating, rated_at=now))
    session.add_all(rows)
    session.flush()
    return rows


def recent_checkins(
    session: Session,
    *,
    moments: tuple[str, ...] = ("now", "next_morning"),
    limit: int = 20,
    name: str = DEFAULT_PROFILE,
) -> list[CheckIn]:
    """The profile's latest check-ins of the given moments, newest first."""
    profile = repo.require_profile(session, name)
    query = (
        select(CheckIn)
        .where(CheckIn.profile_id == profile.id, CheckIn.moment.in_(moments))
        .order_by(CheckIn.recorded_at.desc(), CheckIn.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
