"""A clinician's changes to a client's programme, each with a required reason that the client
is shown ("Your physiotherapist changed ...: <reason>"): assign an exercise, swap one for
another of its ladder, set a dose within the caps, hold a ladder step, require approval of
the coach's steps up (and approve or decline each). Every function asks the policy module
first (:func:`backfit.services.policy.person` with ``PRESCRIBE``).

Rules that keep the coach sound:
- one programme item per ladder family (the coach follows a family's logs: two items of one
  family would share a streak), so a new exercise is of a family the programme lacks, and a
  swap stays within the item's family (any step the client's equipment allows);
- every session still fits the client's minutes;
- a dose stays within the catalog's caps (``plan/data/caps.toml``) and the regression minimums.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Equipment, Exercise
from backfit.plan.coaching import ItemState, WeekPlan
from backfit.plan.model import Prescription
from backfit.plan.rules import default_dose_caps, default_progression_rules
from backfit.services import policy
from backfit.services.coaching import week_of
from backfit.services.policy import Action, Actor
from backfit.services.profiles import apply_prescription, prescription_from_dict, prescription_of, prescription_to_dict
from backfit.store import repositories as repo
from backfit.store.errors import NotFound
from backfit.store.models import (
    ClinicianChange,
    CurrentPrescription,
    PendingProgression,
    Profile,
    ProgrammeRecord,
)

MAX_REASON = 1000
CLINICIAN_SLOT = "clinician"
"""The slot of items a clinician assigned (the generator's slots name the routine's parts)."""


class PrescribingError(ValueError):
    """A change that cannot be made; the message says why, in the clinician's words."""


def require_reason(reason: str) -> str:
    """The reason, stripped; every clinician change needs one (the client is shown it)."""
    text = " ".join(reason.split())
    if not text:
        raise PrescribingError("give a reason: the client is shown it with the change")
    if len(text) > MAX_REASON:
        raise PrescribingError(f"a reason may have at most {MAX_REASON} characters")
    return text


@dataclass(frozen=True)
class Prescribing:
    """What a change acts on: the client, their programme, its items and owned equipment."""

    profile: Profile
    programme: ProgrammeRecord
    rows: dict[str, CurrentPrescription]
    owned: frozenset[Equipment]


def _open(session: Session, actor: Actor, profile_id: int, action: Action = Action.PRESCRIBE) -> Prescribing:
    profile = policy.person(session, actor, action, profile_id)
    programme = repo.active_programme(session, profile.id)
    if programme is None:
        raise PrescribingError("this client has no programme yet (no intake, or red flags await clearance)")
    rows = repo.prescriptions(session, programme.id)
    return Prescribing(profile, programme, rows, frozenset(Equipment(e) for e in programme.owned_equipment))


def _record(
    session: Session, actor: Actor, profile_id: int, kind: str, key: str | None, change: str, reason: str, now: datetime
) -> ClinicianChange:
    row = ClinicianChange(
        profile_id=profile_id,
        clinician_account_id=actor.account_id,
        clinician_name=actor.display_name or "your clinician",
        kind=kind,
        key=key,
        change=change,
        reason=reason,
        made_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _item(target: Prescribing, key: str) -> CurrentPrescription:
    row = target.rows.get(key)
    if row is None:
        raise NotFound("no such exercise in this client's programme")
    return row


def _fits(target: Prescribing, changed: dict[str, Prescription], week: WeekPlan | None = None) -> bool:
    items = {k: ItemState(prescription_of(r), stopped=r.stopped) for k, r in target.rows.items()}
    items.update({k: replace(items.get(k, ItemState(p)), prescription=p) for k, p in changed.items()})
    return (week or week_of(target.programme)).fits(items)


def _minutes_problem(target: Prescribing) -> PrescribingError:
    return PrescribingError(
        f"that would make a session longer than the client's {target.programme.minutes_budget} minutes: "
        "make another dose smaller first"
    )


def _usable(exercise: Exercise, owned: frozenset[Equipment]) -> None:
    missing = sorted(e.value for e in exercise.needs - owned)
    if missing:
        raise PrescribingError(f"{exercise.name} needs equipment the client does not have: {', '.join(missing)}")


def assignable(catalog: Catalog, target: Prescribing) -> list[Exercise]:
    """Exercises the client could be given: their equipment allows it, and its family is not
    in the programme yet."""
    families = {catalog[r.exercise_id].ladder.family for r in target.rows.values() if r.exercise_id in catalog}
    return [e for e in catalog.values() if e.ladder.family not in families and e.needs <= target.owned]


def swaps_for(catalog: Catalog, exercise_id: str, owned: frozenset[Equipment]) -> list[Exercise]:
    """The other steps of the exercise's ladder that the client's equipment allows, easiest first."""
    exercise = catalog.get(exercise_id)
    if exercise is None:
        return []
    return [e for e in catalog.ladder(exercise.ladder.family) if e.id != exercise_id and e.needs <= owned]


def assign_exercise(
    session: Session, actor: Actor, profile_id: int, *, exercise_id: str, reason: str, catalog: Catalog, now: datetime
) -> ClinicianChange:
    """Add ``exercise_id`` at its catalog dose to every session of the client's week."""
    why = require_reason(reason)
    target = _open(session, actor, profile_id)
    exercise = catalog.get(exercise_id)
    if exercise is None:
        raise PrescribingError(catalog.unknown_id_message(exercise_id))
    _usable(exercise, target.owned)
    if exercise not in assignable(catalog, target):
        raise PrescribingError(
            f"the programme already has an exercise of the {exercise.ladder.family.value} ladder: "
            "swap that one instead (one exercise per ladder, so the coach follows one progression)"
        )
    key = f"{CLINICIAN_SLOT}/{exercise.id}"
    p = Prescription.default_for(exercise)
    days = [
        {**day, "items": [*day["items"], {"key": key, "slot": CLINICIAN_SLOT, "reason": f"Your clinician: {why}"}]}
        for day in target.programme.days
    ]
    week = WeekPlan(tuple(tuple(i["key"] for i in d["items"]) for d in days), *_budget(target))
    if not _fits(target, {key: p}, week):
        raise _minutes_problem(target)
    target.programme.days = days
    row = CurrentPrescription(programme_id=target.programme.id, key=key, stopped=False, **prescription_to_dict(p))
    row.updated_at = now
    session.add(row)
    change = f"added {exercise.name} to every session: {p.in_words().rstrip('.')}"
    return _record(session, actor, target.profile.id, "assign", key, change, why, now)


def _budget(target: Prescribing) -> tuple[float, float]:
    week = week_of(target.programme)
    return week.budget_s, week.transition_s


def swap_exercise(
    session: Session,
    actor: Actor,
    profile_id: int,
    *,
    key: str,
    exercise_id: str,
    reason: str,
    catalog: Catalog,
    now: datetime,
) -> ClinicianChange:
    """Give the item ``key`` another step of its ladder, at that exercise's catalog dose."""
    why = require_reason(reason)
    target = _open(session, actor, profile_id)
    row = _item(target, key)
    new = catalog.get(exercise_id)
    if new is None:
        raise PrescribingError(catalog.unknown_id_message(exercise_id))
    old = catalog[row.exercise_id]
    if new.id == old.id:
        raise PrescribingError(f"the client already does {old.name}")
    if new.ladder.family is not old.ladder.family:
        raise PrescribingError(
            f"{new.name} is on the {new.ladder.family.value} ladder, not {old.name}'s "
            f"({old.ladder.family.value}): swap within a ladder, or assign it as a new exercise"
        )
    _usable(new, target.owned)
    if row.max_step is not None and new.ladder.step > row.max_step:
        raise PrescribingError(f"you hold this exercise at step {row.max_step}: release the hold first")
    p = Prescription.default_for(new)
    if not _fits(target, {key: p}):
        raise _minutes_problem(target)
    apply_prescription(row, p, now)
    row.stopped = False
    change = f"swapped {old.name} for {new.name}: {p.in_words().rstrip('.')}"
    return _record(session, actor, target.profile.id, "swap", key, change, why, now)


def set_dose(
    session: Session,
    actor: Actor,
    profile_id: int,
    *,
    key: str,
    sets: int,
    reps: int | None,
    hold_s: int | None,
    reason: str,
    catalog: Catalog,
    now: datetime,
) -> ClinicianChange:
    """Set the item's sets, and its repetitions and/or hold seconds (those the exercise counts),
    within the caps and above the smallest doses of the progression rules."""
    why = require_reason(reason)
    target = _open(session, actor, profile_id)
    row = _item(target, key)
    current = prescription_of(row)
    exercise = catalog[row.exercise_id]
    cap = default_dose_caps().of(exercise.id)
    floor = default_progression_rules().regress
    problems = []
    if not 1 <= sets <= cap.sets:
        problems.append(f"sets from 1 to {cap.sets}")
    if current.reps is None and reps is not None:
        problems.append(f"no repetitions ({exercise.name} is a hold)")
    if current.reps is not None and (reps is None or not floor.min_reps <= reps <= cap.reps):
        problems.append(f"repetitions from {floor.min_reps} to {cap.reps}")
    if current.hold_s is None and hold_s is not None:
        problems.append(f"no hold time ({exercise.name} counts repetitions)")
    if current.hold_s is not None and (hold_s is None or not floor.min_hold_s <= hold_s <= cap.hold_s):
        problems.append(f"a hold from {floor.min_hold_s} to {cap.hold_s} seconds")
    if problems:
        raise PrescribingError(f"{exercise.name} takes " + "; ".join(problems))
    p = current.with_changes(sets=sets, reps=reps, hold_s=hold_s)
    if p == current:
        raise PrescribingError(f"that is already the dose of {exercise.name}")
    if not _fits(target, {key: p}):
        raise _minutes_problem(target)
    apply_prescription(row, p, now)
    change = f"set the dose of {exercise.name}: {p.in_words().rstrip('.')} (was: {current.in_words().rstrip('.')})"
    return _record(session, actor, target.profile.id, "dose", key, change, why, now)


def hold_step(
    session: Session,
    actor: Actor,
    profile_id: int,
    *,
    key: str,
    hold: bool,
    reason: str,
    catalog: Catalog,
    now: datetime,
) -> ClinicianChange:
    """Hold the item at its current ladder step (the coach still grows the dose within it), or
    release the hold."""
    why = require_reason(reason)
    target = _open(session, actor, profile_id)
    row = _item(target, key)
    exercise = catalog[row.exercise_id]
    if hold:
        if row.max_step == exercise.ladder.step:
            raise PrescribingError(f"{exercise.name} is already held at its step")
        row.max_step = exercise.ladder.step
        change = f"held {exercise.name} at its ladder step: the coach will not move it to a harder exercise"
        kind = "hold"
    else:
        if row.max_step is None:
            raise PrescribingError(f"{exercise.name} is not held")
        row.max_step = None
        change = f"released the hold on {exercise.name}: the coach may move it up its ladder again"
        kind = "release"
    return _record(session, actor, target.profile.id, kind, key, change, why, now)


def require_approval(
    session: Session, actor: Actor, profile_id: int, *, required: bool, reason: str, now: datetime
) -> ClinicianChange:
    """Whether the coach's steps up wait for the clinician's approval (regressions never wait)."""
    why = require_reason(reason)
    profile = policy.person(session, actor, Action.PRESCRIBE, profile_id)
    if profile.progressions_need_approval == required:
        raise PrescribingError("that is already the setting")
    profile.progressions_need_approval = required
    change = (
        "asked the coach to wait for their approval before each step up (easier steps still apply at once)"
        if required
        else "let the coach make steps up again without waiting for approval"
    )
    return _record(session, actor, profile.id, "approval", None, change, why, now)


def pending_of(session: Session, actor: Actor, profile_id: int) -> list[PendingProgression]:
    """The steps up waiting for the clinician, oldest first."""
    profile = policy.person(session, actor, Action.READ, profile_id)
    query = select(PendingProgression).where(
        PendingProgression.profile_id == profile.id, PendingProgression.outcome.is_(None)
    )
    return list(session.scalars(query.order_by(PendingProgression.id)))


def decide_pending(
    session: Session,
    actor: Actor,
    profile_id: int,
    *,
    pending_id: int,
    approve: bool,
    reason: str,
    catalog: Catalog,
    now: datetime,
) -> ClinicianChange:
    """Approve (the step up applies now) or decline (the dose stays) one waiting step up. A step
    up whose item changed since (a regression, a stop, another change) cannot be approved."""
    why = require_reason(reason)
    target = _open(session, actor, profile_id)
    pending = session.get(PendingProgression, pending_id)
    if pending is None or pending.profile_id != target.profile.id or pending.outcome is not None:
        raise NotFound("no such step up waiting for you")
    row = target.rows.get(pending.key)
    before = prescription_from_dict(pending.before)
    after = prescription_from_dict(pending.after)
    name = catalog[before.exercise_id].name if before.exercise_id in catalog else before.exercise_id
    pending.decided_by, pending.decided_at = actor.display_name or "your clinician", now
    if not approve:
        pending.outcome = "declined"
        change = f"kept {name} as it is instead of the step up ({pending.change or after.summary()})"
        return _record(session, actor, target.profile.id, "decline", pending.key, change, why, now)
    if row is None or row.stopped or prescription_of(row) != before or pending.programme_id != target.programme.id:
        raise PrescribingError(
            f"{name} has changed since the coach proposed this step up: decline it; the coach proposes again"
        )
    if not _fits(target, {pending.key: after}):
        raise _minutes_problem(target)
    exercise = catalog.get(after.exercise_id)
    if exercise is not None and row.max_step is not None and exercise.ladder.step > row.max_step:
        raise PrescribingError(f"you hold {name} at step {row.max_step}: release the hold first")
    apply_prescription(row, after, now)
    pending.outcome = "approved"
    change = f"approved the step up of {name} ({pending.change or after.summary()}): {after.in_words().rstrip('.')}"
    return _record(session, actor, target.profile.id, "approve", pending.key, change, why, now)


PROGRAMME_CHANGES = ("assign", "swap", "dose", "hold", "release")
"""The kinds of clinician change that new intake answers rebuild (approvals and clearances stay)."""


def programme_changed_by_clinician(session: Session, name: str) -> bool:
    """Whether a clinician has changed this person's programme (new answers would rebuild it)."""
    profile = repo.profile_by_name(session, name)
    if profile is None:
        return False
    query = select(ClinicianChange.id).where(
        ClinicianChange.profile_id == profile.id, ClinicianChange.kind.in_(PROGRAMME_CHANGES)
    )
    return session.scalar(query.limit(1)) is not None


def changes_of(session: Session, profile_id: int, *, limit: int = 10) -> list[ClinicianChange]:
    """The latest clinician changes of one person, newest first (the caller has checked access)."""
    query = select(ClinicianChange).where(ClinicianChange.profile_id == profile_id)
    return list(session.scalars(query.order_by(ClinicianChange.made_at.desc(), ClinicianChange.id.desc()).limit(limit)))


def changes_for(session: Session, actor: Actor, profile_id: int, *, limit: int = 10) -> list[ClinicianChange]:
    """The clinician changes ``actor`` may read of one person, newest first."""
    profile = policy.person(session, actor, Action.READ, profile_id)
    return changes_of(session, profile.id, limit=limit)
