"""Guided sessions: start or resume one, store each finished set at once, finish
it with the pain check-in, and run the progression rules for each exercise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Equipment
from backfit.plan.model import ExerciseLog, Prescription, SetLog
from backfit.plan.progression import Decision, next_prescription
from backfit.services.faults import FaultSeen, SetSource
from backfit.services.profiles import (
    DEFAULT_PROFILE,
    SCHEDULE_WEEKS,
    NoProgramme,
    apply_prescription,
    current_programme,
    extend_schedule,
    prescription_from_dict,
    prescription_of,
    prescription_to_dict,
)
from backfit.session.engine import EngineItem, Event, ExerciseAnswered, FinishedSet, SessionEnded, SetKey
from backfit.store import repositories as repo
from backfit.store.errors import NotFound
from backfit.store.models import (
    CheckIn,
    CurrentPrescription,
    ExerciseResult,
    PerformedSession,
    ProgrammeRecord,
    ProgressionDecision,
    ScheduledSession,
    SetRecord,
)

HISTORY_FOR_PROGRESSION = 12  # sessions looked back at; the rules need the last few


def _ladder_position(catalog: Catalog, exercise_id: str) -> tuple[str, int, str]:
    exercise = catalog.get(exercise_id)
    if exercise is None:
        return "unknown", 0, exercise_id
    return exercise.ladder.family.value, exercise.ladder.step, exercise.name


def choose_scheduled(session: Session, programme_id: int, today: date) -> ScheduledSession | None:
    """The scheduled session to do today: the latest not done in the past week
    (today included), else the next one coming."""
    performed = select(PerformedSession.scheduled_session_id).where(PerformedSession.scheduled_session_id.is_not(None))
    base = select(ScheduledSession).where(
        ScheduledSession.programme_id == programme_id, ScheduledSession.id.not_in(performed)
    )
    past = base.where(
        ScheduledSession.scheduled_on <= today, ScheduledSession.scheduled_on > today - timedelta(days=7)
    ).order_by(ScheduledSession.scheduled_on.desc())
    found = session.scalars(past.limit(1)).one_or_none()
    if found is None:
        coming = base.where(ScheduledSession.scheduled_on > today).order_by(ScheduledSession.scheduled_on)
        found = session.scalars(coming.limit(1)).one_or_none()
    return found


def start_session(
    session: Session,
    *,
    catalog: Catalog,
    pain_start: int,
    now: datetime,
    name: str = DEFAULT_PROFILE,
) -> PerformedSession:
    """Freeze today's plan into a new performed session and store the starting pain."""
    view = current_programme(session, name)
    programme = view.programme
    extend_schedule(session, programme, now.date(), now.date() + timedelta(weeks=SCHEDULE_WEEKS))
    scheduled = choose_scheduled(session, programme.id, now.date())
    day_index = scheduled.day_index if scheduled else 0
    plan: list[dict[str, Any]] = []
    for item in programme.days[day_index]["items"]:
        key = item["key"]
        if key in view.stopped or key not in view.prescriptions:
            continue
        p = view.prescriptions[key]
        family, step, exercise_name = _ladder_position(catalog, p.exercise_id)
        plan.append(
            {
                "key": key,
                "slot": item["slot"],
                "name": exercise_name,
                "family": family,
                "step": step,
                "prescription": prescription_to_dict(p),
            }
        )
    if not plan:
        raise NoProgramme("every exercise of today's session is stopped: ask a clinician before going on")
    performed = PerformedSession(
        profile_id=programme.profile_id,
        programme_id=programme.id,
        scheduled_session_id=scheduled.id if scheduled else None,
        plan=plan,
        status="in_progress",
        started_at=now,
        ended_at=None,
    )
    session.add(performed)
    session.flush()
    session.add(session_checkin(performed, "session_start", pain_start, now))
    session.flush()
    return performed


def session_checkin(performed: PerformedSession, moment: str, pain: int, now: datetime) -> CheckIn:
    """A pain rating (0-10) tied to a performed session."""
    return CheckIn(
        profile_id=performed.profile_id, performed_session_id=performed.id, moment=moment, pain=pain, recorded_at=now
    )


def open_session(session: Session, name: str = DEFAULT_PROFILE) -> PerformedSession | None:
    """The profile's unfinished session, if any (to resume)."""
    profile = repo.require_profile(session, name)
    return repo.in_progress_session(session, profile.id)


def engine_items(performed: PerformedSession, catalog: Catalog) -> list[EngineItem]:
    items = []
    for index, item in enumerate(performed.plan):
        p = prescription_from_dict(item["prescription"])
        exercise = catalog.get(p.exercise_id)
        cues = tuple(c.text for c in exercise.cues) if exercise else ()
        items.append(EngineItem(index, p.exercise_id, item["name"], cues, p))
    return items


def progress_so_far(session: Session, performed_id: int) -> tuple[set[SetKey], set[int]]:
    """The sets stored and the exercises answered: where a resumed session continues."""
    done = {SetKey(s.item_index, s.set_index, s.side) for s in repo.sets_of(session, [performed_id])}  # type: ignore[arg-type]
    answered = {r.item_index for r in repo.results_of(session, [performed_id])}
    return done, answered


def record_event(
    session: Session,
    performed_id: int,
    event: Event,
    now: datetime,
    *,
    source: SetSource | None = None,
    faults: Sequence[FaultSeen] | None = None,
) -> None:
    """Store one engine event (a finished set or the answers after an exercise).

    A finished set is stored with how it was counted (``source``) and, when the
    camera watched it, the faults seen (an empty list: none; kept only for camera sets)."""
    if isinstance(event, FinishedSet):
        if source == "camera":
            seen: list[Any] | None = [f.to_json() for f in faults or ()]
        elif faults:
            raise ValueError("faults are seen by the camera: only a set with source 'camera' has them")
        else:
            seen = None
        session.add(
            SetRecord(
                performed_session_id=performed_id,
                item_index=event.key.item_index,
                exercise_id=event.exercise_id,
                set_index=event.key.set_index,
                side=event.key.side,
                reps=event.reps,
                hold_s=event.hold_s,
                rpe=None,
                pain_during=None,
                completed=event.completed,
                recorded_at=now,
                source=source,
                faults=seen,
            )
        )
    elif isinstance(event, ExerciseAnswered):
        session.add(
            ExerciseResult(
                performed_session_id=performed_id,
                item_index=event.item_index,
                exercise_id=event.exercise_id,
                skipped=event.skipped,
                rpe=event.rpe,
                pain_during=event.pain_during,
                radiating_symptoms=event.radiating_symptoms,
                recorded_at=now,
            )
        )
        sets = session.scalars(
            select(SetRecord).where(
                SetRecord.performed_session_id == performed_id, SetRecord.item_index == event.item_index
            )
        )
        for row in sets:
            row.rpe, row.pain_during = event.rpe, event.pain_during
    elif isinstance(event, SessionEnded):
        pass
    session.flush()


def exercise_logs(session: Session, sessions: Sequence[PerformedSession]) -> dict[str, list[ExerciseLog]]:
    """ExerciseLogs per programme item key, oldest first, from answered exercises."""
    ids = [s.id for s in sessions]
    sets: dict[tuple[int, int], list[SetRecord]] = {}
    for row in repo.sets_of(session, ids):
        sets.setdefault((row.performed_session_id, row.item_index), []).append(row)
    pain: dict[tuple[int, str], int] = {}
    for c in repo.checkins_of_sessions(session, ids):
        pain[(c.performed_session_id or 0, c.moment)] = c.pain
    results = {(r.performed_session_id, r.item_index): r for r in repo.results_of(session, ids)}
    logs: dict[str, list[ExerciseLog]] = {}
    for performed in sorted(sessions, key=lambda s: (s.started_at, s.id)):
        for index, item in enumerate(performed.plan):
            result = results.get((performed.id, index))
            if result is None or result.skipped or result.rpe is None or result.pain_during is None:
                continue
            logs.setdefault(item["key"], []).append(
                ExerciseLog(
                    day=performed.started_at.date(),
                    prescription=prescription_from_dict(item["prescription"]),
                    sets=tuple(
                        SetLog(s.reps, s.hold_s, s.set_index, s.side)  # type: ignore[arg-type]
                        for s in sets.get((performed.id, index), [])
                    ),
                    rpe=result.rpe,
                    pain_during=result.pain_during,
                    pain_before=pain.get((performed.id, "session_start")),
                    pain_next_morning=pain.get((performed.id, "next_morning")),
                    radiating_symptoms=result.radiating_symptoms,
                )
            )
    return logs


def _decide(
    session: Session, performed: PerformedSession, catalog: Catalog, now: datetime, *, revising: bool
) -> list[ProgressionDecision]:
    programme = session.get(ProgrammeRecord, performed.programme_id)
    if programme is None:
        raise NotFound(f"programme {performed.programme_id} is gone")
    owned = frozenset(Equipment(e) for e in programme.owned_equipment)
    history = repo.performed_sessions(
        session, performed.profile_id, programme_id=performed.programme_id, limit=HISTORY_FOR_PROGRESSION
    )
    history = [s for s in history if s.status != "in_progress" or s.id == performed.id]
    history = [s for s in history if s.started_at <= performed.started_at]
    logs = exercise_logs(session, history)
    rows = repo.prescriptions(session, performed.programme_id)
    previous = {
        d.key: d
        for d in session.scalars(
            select(ProgressionDecision)
            .where(ProgressionDecision.performed_session_id == performed.id)
            .order_by(ProgressionDecision.id)
        )
    }
    decisions = []
    for item in performed.plan:
        key = item["key"]
        row = rows.get(key)
        mine = logs.get(key, [])
        if row is None or not mine or mine[-1].day != performed.started_at.date():
            continue
        before = prescription_from_dict(item["prescription"]) if revising else prescription_of(row)
        decision = next_prescription(before, mine, catalog, owned)
        if revising:
            old = previous.get(key)
            if old is None or old.action == decision.action or prescription_to_dict(prescription_of(row)) != old.after:
                continue
        decisions.append(_apply(session, performed, row, before, decision, catalog, now))
    session.flush()
    return decisions


def _apply(
    session: Session,
    performed: PerformedSession,
    row: CurrentPrescription,
    before: Prescription,
    decision: Decision,
    catalog: Catalog,
    now: datetime,
) -> ProgressionDecision:
    if decision.action in ("progress", "regress"):
        apply_prescription(row, decision.prescription, now)
    elif decision.action == "stop":
        row.stopped, row.updated_at = True, now
    family, step, _ = _ladder_position(catalog, decision.prescription.exercise_id)
    record = ProgressionDecision(
        programme_id=performed.programme_id,
        performed_session_id=performed.id,
        key=row.key,
        action=decision.action,
        change=decision.change,
        reasons=list(decision.reasons),
        before=prescription_to_dict(before),
        after=prescription_to_dict(decision.prescription),
        family=family,
        step=step,
        decided_at=now,
    )
    session.add(record)
    return record


@dataclass(frozen=True)
class Finished:
    """A closed session: ``completed`` or ``ended_early``, and the decisions made."""

    status: str
    decisions: list[ProgressionDecision]


def finish_session(
    session: Session,
    performed_id: int,
    *,
    catalog: Catalog,
    pain_end: int | None,
    now: datetime,
) -> Finished:
    """Close the session (completed, or ended early when sets are missing), store
    the end pain, and decide each answered exercise's next prescription."""
    performed = session.get(PerformedSession, performed_id)
    if performed is None:
        raise NotFound(f"no session {performed_id}")
    done, _ = progress_so_far(session, performed_id)
    total = sum(
        item["prescription"]["sets"] * (2 if item["prescription"]["per_side"] else 1) for item in performed.plan
    )
    performed.status = "completed" if len(done) >= total else "ended_early"
    performed.ended_at = now
    if pain_end is not None:
        session.add(session_checkin(performed, "session_end", pain_end, now))
    session.flush()
    return Finished(performed.status, _decide(session, performed, catalog, now, revising=False))


def revise_after_morning(
    session: Session, performed: PerformedSession, catalog: Catalog, now: datetime
) -> list[ProgressionDecision]:
    """Decide again with the next-morning pain; a changed decision replaces the
    earlier one (when nothing changed the prescription since)."""
    return _decide(session, performed, catalog, now, revising=True)


def session_decisions(session: Session, performed_id: int) -> list[ProgressionDecision]:
    """The progression decisions made after one session, in order."""
    query = select(ProgressionDecision).where(ProgressionDecision.performed_session_id == performed_id)
    return list(session.scalars(query.order_by(ProgressionDecision.id)))
