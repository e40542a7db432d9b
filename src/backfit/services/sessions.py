"""Guided sessions: start or resume one, store each finished set at once, finish
it with the pain check-in, and run the progression rules for each exercise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Equipment
from backfit.plan.coaching import EVERYTHING_STOPPED, RADIATING_PAUSE, ItemState, lighter, todays_items
from backfit.plan.model import ExerciseLog, SetLog
from backfit.plan.rules import default_progression_rules
from backfit.services.coaching import ProgrammePaused, pause_programme, require_not_paused, run_step, week_of
from backfit.services.faults import FaultSeen, SetSource
from backfit.services.profiles import DEFAULT_PROFILE, current_programme, prescription_from_dict, prescription_to_dict
from backfit.services.schedule import SCHEDULE_WEEKS, extend_schedule
from backfit.session.engine import EngineItem, Event, ExerciseAnswered, FinishedSet, SessionEnded, SetKey
from backfit.store import repositories as repo
from backfit.store.errors import NotFound
from backfit.store.models import (
    CheckIn,
    ExerciseResult,
    PerformedSession,
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


class PainBeforeSession(ValueError):
    """Pain above the amber zone before a session: the person chooses a lighter session or rest first."""


Intensity = Literal["normal", "lighter"]


def pain_before_question(pain: int) -> str:
    """What to ask a person whose pain before a session is above 5."""
    return (
        f"Your pain is {pain}/10 before the session. backfit suggests a lighter session today "
        "(one set of each exercise, the easier steps) or a rest day; stop if the pain gets worse."
    )


def start_session(
    session: Session,
    *,
    catalog: Catalog,
    pain_start: int,
    now: datetime,
    name: str = DEFAULT_PROFILE,
    intensity: Intensity | None = None,
) -> PerformedSession:
    """Freeze today's plan into a new performed session (in session order, stopped
    exercises left out) and store the starting pain.

    Raises :class:`ProgrammePaused` after radiating symptoms until a clinician's
    advice is confirmed, and :class:`PainBeforeSession` when the pain is above the
    amber zone and no ``intensity`` was chosen (``lighter``: one set, easier steps)."""
    view = current_programme(session, name)
    programme = view.programme
    require_not_paused(session, programme.profile_id)
    rules = default_progression_rules()
    if pain_start > rules.pain.amber_max and intensity is None:
        raise PainBeforeSession(pain_before_question(pain_start))
    extend_schedule(session, programme, now.date(), now.date() + timedelta(weeks=SCHEDULE_WEEKS))
    scheduled = choose_scheduled(session, programme.id, now.date())
    day_index = scheduled.day_index if scheduled else 0
    items = {key: ItemState(p, key in view.stopped) for key, p in view.prescriptions.items()}
    owned = frozenset(Equipment(e) for e in programme.owned_equipment)
    plan: list[dict[str, Any]] = []
    for key, p in todays_items(items, week_of(programme), day_index, catalog):
        if intensity == "lighter":
            p = lighter(p, catalog, owned, rules)
        slot = next(i["slot"] for i in programme.days[day_index]["items"] if i["key"] == key)
        family, step, exercise_name = _ladder_position(catalog, p.exercise_id)
        plan.append(
            {
                "key": key,
                "slot": slot,
                "name": exercise_name,
                "family": family,
                "step": step,
                "prescription": prescription_to_dict(p),
            }
        )
    if not plan:
        raise ProgrammePaused(f"{EVERYTHING_STOPPED} (with `backfit clinician-advised` or on the Today page)")
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
        if event.radiating_symptoms:
            performed = session.get(PerformedSession, performed_id)
            if performed is not None:
                pause_programme(session, performed.profile_id, performed_id, RADIATING_PAUSE, now)
    elif isinstance(event, SessionEnded):
        pass
    session.flush()


def exercise_logs(session: Session, sessions: Sequence[PerformedSession]) -> dict[str, list[ExerciseLog]]:
    """ExerciseLogs per programme item key, oldest first, from answered exercises."""
    return logs_by_key_and_session(session, sessions)[0]


def logs_by_key_and_session(
    session: Session, sessions: Sequence[PerformedSession]
) -> tuple[dict[str, list[ExerciseLog]], dict[int, list[ExerciseLog]]]:
    """ExerciseLogs of answered (not skipped) exercises: per item key, oldest first;
    and per performed session."""
    ids = [s.id for s in sessions]
    sets: dict[tuple[int, int], list[SetRecord]] = {}
    for row in repo.sets_of(session, ids):
        sets.setdefault((row.performed_session_id, row.item_index), []).append(row)
    pain: dict[tuple[int, str], int] = {}
    for c in repo.checkins_of_sessions(session, ids):
        pain[(c.performed_session_id or 0, c.moment)] = c.pain
    results = {(r.performed_session_id, r.item_index): r for r in repo.results_of(session, ids)}
    logs: dict[str, list[ExerciseLog]] = {}
    by_session: dict[int, list[ExerciseLog]] = {}
    for performed in sorted(sessions, key=lambda s: (s.started_at, s.id)):
        for index, item in enumerate(performed.plan):
            result = results.get((performed.id, index))
            if result is None or result.skipped or result.rpe is None or result.pain_during is None:
                continue
            log = ExerciseLog(
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
            logs.setdefault(item["key"], []).append(log)
            by_session.setdefault(performed.id, []).append(log)
    return logs, by_session


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
    """Close the session (completed, or ended early when a set is not done in full),
    store the end pain, and run the coaching step on the programme."""
    performed = session.get(PerformedSession, performed_id)
    if performed is None:
        raise NotFound(f"no session {performed_id}")
    counts = set_counts(session, performed)
    performed.status = "completed" if counts[0] >= counts[1] else "ended_early"
    performed.ended_at = now
    if pain_end is not None:
        session.add(session_checkin(performed, "session_end", pain_end, now))
    session.flush()
    return Finished(performed.status, _coach(session, performed, catalog, now, revising=False))


def set_counts(session: Session, performed: PerformedSession) -> tuple[int, int]:
    """(sets done in full, sets planned) of a session: a per-side set counts when both sides are."""
    stored = repo.sets_of(session, [performed.id])
    done = 0
    planned = 0
    for index, item in enumerate(performed.plan):
        p = prescription_from_dict(item["prescription"])
        mine = [SetLog(s.reps, s.hold_s, s.set_index, s.side) for s in stored if s.item_index == index]  # type: ignore[arg-type]
        done += p.completed_sets(mine)
        planned += p.sets
    return done, planned


def _coach(
    session: Session, performed: PerformedSession, catalog: Catalog, now: datetime, *, revising: bool
) -> list[ProgressionDecision]:
    history = repo.performed_sessions(
        session, performed.profile_id, programme_id=performed.programme_id, limit=HISTORY_FOR_PROGRESSION
    )
    history = [s for s in history if s.status != "in_progress" or s.id == performed.id]
    history = [s for s in history if (s.started_at, s.id) <= (performed.started_at, performed.id)]
    logs, by_session = logs_by_key_and_session(session, history)
    answered_rows = {r.item_index for r in repo.results_of(session, [performed.id]) if not r.skipped}
    answered = [item["key"] for i, item in enumerate(performed.plan) if i in answered_rows and item["key"] in logs]
    ordered = sorted(history, key=lambda s: (s.started_at, s.id))
    return run_step(session, performed, catalog, now, logs, answered, ordered, by_session, revising=revising)


def revise_after_morning(
    session: Session, performed: PerformedSession, catalog: Catalog, now: datetime
) -> list[ProgressionDecision]:
    """Run the coaching step again with the next-morning pain, from the programme
    as it was before the session; its decisions replace the earlier ones."""
    return _coach(session, performed, catalog, now, revising=True)


def session_decisions(session: Session, performed_id: int) -> list[ProgressionDecision]:
    """The progression decisions made after one session, in order."""
    return repo.decisions_of_session(session, performed_id)
