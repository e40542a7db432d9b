"""Session history and the series behind the progress charts (no plotting here)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.plan.model import SetLog
from backfit.services.faults import FaultSummary, stored_faults, summarise
from backfit.services.profiles import DEFAULT_PROFILE, prescription_from_dict
from backfit.services.wording import decision_words
from backfit.store import repositories as repo
from backfit.store.models import (
    CheckIn,
    PerformedSession,
    ProgrammeRecord,
    ProgressionDecision,
    ScheduledSession,
    SetRecord,
)


@dataclass(frozen=True)
class SessionSummary:
    """One performed session at a glance. Pain is 0-10 (None: not rated)."""

    id: int
    started_at: datetime
    status: str
    exercises: list[str]
    sets_done: int
    sets_planned: int
    pain_start: int | None
    pain_end: int | None
    pain_next_morning: int | None
    decisions: list[str] = field(default_factory=list)
    faults: int = 0
    """Form faults the camera saw during the session's sets."""


def _planned_sets(plan: list[dict[str, Any]]) -> int:
    return sum(prescription_from_dict(item["prescription"]).sets for item in plan)


def _sets_done(plan: list[dict[str, Any]], stored: dict[int, list[SetLog]]) -> int:
    """Sets done in full (a per-side set counts when both sides are)."""
    return sum(prescription_from_dict(item["prescription"]).completed_sets(stored[i]) for i, item in enumerate(plan))


def history(
    session: Session, name: str = DEFAULT_PROFILE, *, catalog: Catalog, limit: int | None = None
) -> list[SessionSummary]:
    """The profile's sessions, newest first; each decision is a sentence that names the
    exercise (:func:`backfit.services.wording.decision_words`)."""
    profile = repo.require_profile(session, name)
    performed = repo.performed_sessions(session, profile.id, limit=limit)
    if not performed:
        return []
    oldest = performed[-1].started_at
    done: dict[int, dict[int, list[SetLog]]] = defaultdict(lambda: defaultdict(list))
    faults: dict[int, int] = defaultdict(int)
    for performed_id, item_index, set_index, side, reps, hold_s, seen in session.execute(
        select(
            SetRecord.performed_session_id,
            SetRecord.item_index,
            SetRecord.set_index,
            SetRecord.side,
            SetRecord.reps,
            SetRecord.hold_s,
            func.json_array_length(SetRecord.faults),  # the faults the camera saw (None: not watched)
        )
        .join(PerformedSession, PerformedSession.id == SetRecord.performed_session_id)
        .where(PerformedSession.profile_id == profile.id, PerformedSession.started_at >= oldest)
    ):
        done[performed_id][item_index].append(SetLog(reps, hold_s, set_index, side))
        faults[performed_id] += seen or 0
    pain: dict[tuple[int, str], int] = {}
    rows = session.execute(
        select(CheckIn.performed_session_id, CheckIn.moment, CheckIn.pain).where(
            CheckIn.profile_id == profile.id, CheckIn.performed_session_id.is_not(None), CheckIn.recorded_at >= oldest
        )
    )
    for session_id, moment, value in rows:
        pain[(session_id or 0, moment)] = value
    decided: dict[int, list[str]] = defaultdict(list)
    for d in session.scalars(
        select(ProgressionDecision)
        .join(PerformedSession, PerformedSession.id == ProgressionDecision.performed_session_id)
        .where(PerformedSession.profile_id == profile.id, PerformedSession.started_at >= oldest)
        .where(ProgressionDecision.action != "keep")
        .order_by(ProgressionDecision.id)
    ):
        decided[d.performed_session_id].append(decision_words(d.before["exercise_id"], d.action, d.change, catalog))
    return [
        SessionSummary(
            id=s.id,
            started_at=s.started_at,
            status=s.status,
            exercises=[item["prescription"]["exercise_id"] for item in s.plan],
            sets_done=_sets_done(s.plan, done[s.id]),
            sets_planned=_planned_sets(s.plan),
            pain_start=pain.get((s.id, "session_start")),
            pain_end=pain.get((s.id, "session_end")),
            pain_next_morning=pain.get((s.id, "next_morning")),
            decisions=decided.get(s.id, []),
            faults=faults.get(s.id, 0),
        )
        for s in performed
    ]


@dataclass(frozen=True)
class ExerciseFaults:
    """What the camera saw during one exercise of a session: the sets it watched, the faults per cue."""

    item_index: int
    exercise_id: str
    name: str
    watched_sets: int
    faults: list[FaultSummary]


def session_faults(session: Session, performed: PerformedSession) -> list[ExerciseFaults]:
    """Per exercise the camera watched (in session order), its faults deduplicated by cue."""
    watched: dict[int, list[SetRecord]] = defaultdict(list)
    for row in repo.sets_of(session, [performed.id]):
        if row.source == "camera":
            watched[row.item_index].append(row)
    return [
        ExerciseFaults(
            item_index=index,
            exercise_id=rows[0].exercise_id,
            name=str(performed.plan[index]["name"]) if index < len(performed.plan) else rows[0].exercise_id,
            watched_sets=len(rows),
            faults=summarise(f for row in rows for f in stored_faults(row.faults)),
        )
        for index, rows in sorted(watched.items())
    ]


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class ProgressSeries:
    """Everything the progress charts show.

    ``pain``: (time, moment, 0-10); ``volume``: week -> family -> repetitions
    (a hold counts as one); ``adherence``: week -> (done, scheduled before today);
    ``ladder``: family -> [(time, step)]; ``baseline``: pain the change band is centred on;
    ``step_names``: family -> step -> the exercise's name (to label the ladder chart)."""

    pain: list[tuple[datetime, str, int]]
    volume: dict[date, dict[str, int]]
    adherence: dict[date, tuple[int, int]]
    ladder: dict[str, list[tuple[datetime, int]]]
    baseline: float | None
    step_names: dict[str, dict[int, str]] = field(default_factory=dict)


def progress_series(
    session: Session, catalog: Catalog, *, now: datetime, name: str = DEFAULT_PROFILE
) -> ProgressSeries:
    profile = repo.require_profile(session, name)
    pain = [
        (row.recorded_at, row.moment, row.pain)
        for row in session.execute(
            select(CheckIn.recorded_at, CheckIn.moment, CheckIn.pain)
            .where(CheckIn.profile_id == profile.id)
            .order_by(CheckIn.recorded_at)
        )
    ]
    starts = [p for _, moment, p in pain if moment == "session_start"][:3]
    baseline = sorted(starts)[len(starts) // 2] if starts else None

    volume: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    family_of = {ex.id: ex.ladder.family.value for ex in catalog.values()}
    rows = session.execute(
        select(PerformedSession.started_at, SetRecord.exercise_id, func.coalesce(SetRecord.reps, 1))
        .join(PerformedSession, PerformedSession.id == SetRecord.performed_session_id)
        .where(PerformedSession.profile_id == profile.id)
    )
    for started, exercise_id, reps in rows:
        volume[week_of(started.date())][family_of.get(exercise_id, "other")] += int(reps)

    done: dict[date, int] = defaultdict(int)
    for (started,) in session.execute(
        select(PerformedSession.started_at).where(
            PerformedSession.profile_id == profile.id, PerformedSession.status != "in_progress"
        )
    ):
        done[week_of(started.date())] += 1
    scheduled: dict[date, int] = defaultdict(int)
    for (day,) in session.execute(
        select(ScheduledSession.scheduled_on).where(
            ScheduledSession.profile_id == profile.id, ScheduledSession.scheduled_on < now.date()
        )
    ):
        scheduled[week_of(day)] += 1
    adherence = {w: (done.get(w, 0), scheduled.get(w, 0)) for w in sorted(set(done) | set(scheduled))}

    ladder: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for d in session.scalars(
        select(ProgressionDecision)
        .join(ProgrammeRecord, ProgrammeRecord.id == ProgressionDecision.programme_id)
        .where(ProgrammeRecord.profile_id == profile.id)
        .order_by(ProgressionDecision.decided_at, ProgressionDecision.id)
    ):
        if d.family == "unknown":
            continue
        series = ladder[d.family]
        if not series or series[-1][1] != d.step:
            series.append((d.decided_at, d.step))
    return ProgressSeries(
        pain=pain,
        volume={w: dict(v) for w, v in sorted(volume.items())},
        adherence=adherence,
        ladder=dict(ladder),
        baseline=baseline,
        step_names={
            family: {ex.ladder.step: ex.name for ex in catalog.values() if ex.ladder.family.value == family}
            for family in ladder
        },
    )


def data_version(session: Session, name: str = DEFAULT_PROFILE) -> tuple[int, ...]:
    """A cheap fingerprint of everything the progress charts read for a profile:
    it changes whenever a set, check-in, decision or scheduled session is added."""
    profile = repo.require_profile(session, name)
    sets = (
        select(func.max(SetRecord.id))
        .join(PerformedSession, PerformedSession.id == SetRecord.performed_session_id)
        .where(PerformedSession.profile_id == profile.id)
    )
    decisions = (
        select(func.max(ProgressionDecision.id))
        .join(PerformedSession, PerformedSession.id == ProgressionDecision.performed_session_id)
        .where(PerformedSession.profile_id == profile.id)
    )
    checkins = select(func.max(CheckIn.id)).where(CheckIn.profile_id == profile.id)
    scheduled = select(func.max(ScheduledSession.id)).where(ScheduledSession.profile_id == profile.id)
    performed = select(func.max(PerformedSession.id)).where(PerformedSession.profile_id == profile.id)
    return (profile.id, *(session.scalar(q) or 0 for q in (sets, decisions, checkins, scheduled, performed)))
