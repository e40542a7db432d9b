"""The coaching step on the stored programme: after a session (and again with the
next-morning pain) run :func:`backfit.plan.coaching.coach_step` and store what
changed and why; pause the programme after radiating symptoms until the person
confirms a clinician's advice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Equipment
from backfit.plan.coaching import Change, ItemState, WeekPlan, after_clinician_advice, coach_step, pain_free
from backfit.plan.model import ExerciseLog
from backfit.plan.rules import default_programme_rules, default_progression_rules
from backfit.services.policy import Actor, Role, require_self_clearance
from backfit.services.profiles import (
    DEFAULT_PROFILE,
    NoProgramme,
    apply_prescription,
    prescription_from_dict,
    prescription_of,
    prescription_to_dict,
)
from backfit.store import repositories as repo
from backfit.store.errors import NotFound
from backfit.store.models import (
    CurrentPrescription,
    PendingProgression,
    PerformedSession,
    Profile,
    ProgrammePause,
    ProgrammeRecord,
    ProgressionDecision,
)


class ProgrammePaused(NoProgramme):
    """Radiating symptoms paused the programme; no session starts until a clinician's advice is confirmed."""


def week_of(programme: ProgrammeRecord) -> WeekPlan:
    """The programme's week as the coaching step sees it."""
    days = tuple(tuple(item["key"] for item in day["items"]) for day in programme.days)
    return WeekPlan(days, programme.minutes_budget * 60, default_programme_rules().transition_s)


def active_pause(session: Session, profile_id: int) -> ProgrammePause | None:
    query = select(ProgrammePause).where(ProgrammePause.profile_id == profile_id, ProgrammePause.cleared_at.is_(None))
    return session.scalars(query.order_by(ProgrammePause.id).limit(1)).one_or_none()


def pause_of(session: Session, name: str = DEFAULT_PROFILE) -> ProgrammePause | None:
    """The open pause of the person named ``name`` (NotFound when there is no such person)."""
    return active_pause(session, repo.require_profile(session, name).id)


def require_not_paused(session: Session, profile_id: int) -> None:
    """Raise :class:`ProgrammePaused`, saying why and what to do, while a pause is open."""
    pause = active_pause(session, profile_id)
    if pause is not None:
        raise ProgrammePaused(
            f"the programme is paused since {pause.paused_at:%Y-%m-%d}: {pause.reason} "
            "(confirm with `backfit clinician-advised` or on the Today page; in a clinic, your clinician clears it)"
        )


def pause_programme(
    session: Session, profile_id: int, performed_id: int | None, reason: str, now: datetime
) -> ProgrammePause:
    """Open a pause (or return the one already open)."""
    pause = active_pause(session, profile_id)
    if pause is None:
        pause = ProgrammePause(
            profile_id=profile_id, performed_session_id=performed_id, reason=reason, paused_at=now, cleared_at=None
        )
        session.add(pause)
        session.flush()
    return pause


def confirm_clinician_advice(
    session: Session,
    actor: Actor,
    *,
    now: datetime,
    name: str = DEFAULT_PROFILE,
    reason: str | None = None,
) -> str:
    """Record that a clinician has advised the person: an open pause closes (with the time,
    and who cleared it when a clinician does, with ``reason``); when a session had every
    exercise stopped, the stopped exercises come back at their easiest. Returns what changed,
    in a sentence. A clinic client may not confirm it themselves (their clinician does:
    :func:`backfit.services.clinical.clear_pause`, which has checked the clinician may);
    the single-person owner does."""
    if actor.role is not Role.CLINICIAN:
        require_self_clearance(actor)
    by = actor.display_name or "your clinician" if actor.role is Role.CLINICIAN else None
    profile = repo.require_profile(session, name)
    pause = active_pause(session, profile.id)
    done = []
    if pause is not None:
        pause.cleared_at, pause.cleared_by, pause.clearance_reason = now, by, reason
        done.append("the programme goes on")
    programme = repo.active_programme(session, profile.id)
    if programme is not None:
        rows = repo.prescriptions(session, programme.id)
        items = {key: _state_of(row) for key, row in rows.items()}
        after = after_clinician_advice(items, week_of(programme))
        back = [key for key in rows if items[key].stopped and not after[key].stopped]
        for key in back:
            rows[key].stopped, rows[key].updated_at = False, now
        if back:
            done.append(f"{len(back)} stopped exercise(s) come back at their easiest")
    if not done:
        raise NotFound("the programme is not paused and no session is all stopped: there is nothing to confirm")
    session.flush()
    who = "a clinician has advised you" if by is None else f"{by} has cleared it"
    return f"Recorded: {who}; " + " and ".join(done) + "."


def _state_of(row: CurrentPrescription) -> ItemState:
    return ItemState(prescription_of(row), stopped=row.stopped, max_step=row.max_step)


def _snapshot(item: ItemState) -> dict[str, Any]:
    return {**prescription_to_dict(item.prescription), "stopped": item.stopped}


def _change_columns(performed: PerformedSession, change: Change) -> dict[str, Any]:
    """What a stored decision and a step up waiting for approval both record: the session and
    item, what changed and why, the prescription before and after."""
    return {
        "programme_id": performed.programme_id,
        "performed_session_id": performed.id,
        "key": change.key,
        "change": change.change,
        "reasons": list(change.reasons),
        "before": _snapshot(change.before),
        "after": prescription_to_dict(change.after.prescription),
    }


def _pain_free_since(
    stopped_at: dict[str, int], sessions: Sequence[PerformedSession], logs_by_session: dict[int, list[ExerciseLog]]
) -> dict[str, int]:
    """For each stopped key, pain-free sessions in a row since the session that stopped it."""
    rules = default_progression_rules()
    out = {}
    for key, since in stopped_at.items():
        count = 0
        for s in sessions:
            if s.id > since:
                count = count + 1 if pain_free(logs_by_session.get(s.id, []), rules) else 0
        out[key] = count
    return out


def run_step(
    session: Session,
    performed: PerformedSession,
    catalog: Catalog,
    now: datetime,
    history: dict[str, list[ExerciseLog]],
    answered: list[str],
    earlier: Sequence[PerformedSession],
    logs_by_session: dict[int, list[ExerciseLog]],
    *,
    revising: bool,
) -> list[ProgressionDecision]:
    """Run the coaching step for ``performed`` and store its changes (on revision,
    from the state before the session, replacing its earlier decisions)."""
    programme = session.get(ProgrammeRecord, performed.programme_id)
    if programme is None:
        raise NotFound(f"programme {performed.programme_id} is gone")
    owned = frozenset(Equipment(e) for e in programme.owned_equipment)
    rows = repo.prescriptions(session, programme.id)
    items = {key: _state_of(row) for key, row in rows.items()}
    previous = repo.decisions_of_session(session, performed.id)
    if revising:
        for d in previous:
            row = rows.get(d.key)
            if row is not None and prescription_to_dict(prescription_of(row)) == d.after:
                items[d.key] = ItemState(
                    prescription_from_dict(d.before), stopped=bool(d.before.get("stopped")), max_step=row.max_step
                )
    stops = {d.key: d.performed_session_id for d in repo.stop_decisions(session, programme.id)}
    counts = _pain_free_since(
        {k: v for k, v in stops.items() if k in items and items[k].stopped},
        [s for s in earlier if s.id != performed.id],
        logs_by_session,
    )
    items = {k: replace(v, pain_free_since_stop=counts.get(k, 0)) if v.stopped else v for k, v in items.items()}
    profile = session.get(Profile, performed.profile_id)
    approval = profile is not None and profile.progressions_need_approval
    result = coach_step(items, week_of(programme), history, answered, catalog, owned, approve_progressions=approval)
    if result.pause is not None:
        pause_programme(session, performed.profile_id, performed.id, result.pause, now)
    if revising:
        session.execute(delete(ProgressionDecision).where(ProgressionDecision.performed_session_id == performed.id))
        session.execute(
            delete(PendingProgression).where(
                PendingProgression.performed_session_id == performed.id, PendingProgression.outcome.is_(None)
            )
        )
    decisions = []
    for change in result.changes:
        row = rows.get(change.key)
        if row is not None:
            decisions.append(_apply(session, performed, row, change, catalog, now))
    for proposal in result.proposals:
        session.add(
            PendingProgression(
                profile_id=performed.profile_id,
                **_change_columns(performed, proposal),
                proposed_at=now,
                outcome=None,
                decided_by=None,
                decided_at=None,
            )
        )
    session.flush()
    return decisions


def _apply(
    session: Session,
    performed: PerformedSession,
    row: CurrentPrescription,
    change: Change,
    catalog: Catalog,
    now: datetime,
) -> ProgressionDecision:
    apply_prescription(row, change.after.prescription, now)
    row.stopped = change.after.stopped
    exercise = catalog.get(change.after.prescription.exercise_id)
    record = ProgressionDecision(
        **_change_columns(performed, change),
        action=change.action,
        family=exercise.ladder.family.value if exercise else "unknown",
        step=exercise.ladder.step if exercise else 0,
        decided_at=now,
    )
    session.add(record)
    return record
