"""Profiles, intakes and programmes: save an intake, build and store its programme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.plan.coaching import ItemState, WeekPlan, refit
from backfit.plan.generator import RedFlagBlocked, build_programme
from backfit.plan.intake import Intake, screen
from backfit.plan.model import Prescription
from backfit.plan.rules import ProgrammeRules, default_progression_rules
from backfit.services.policy import Actor, clears_own_pause
from backfit.services.schedule import (
    SCHEDULE_WEEKS,
    days_reason,
    extend_schedule,
    is_days_reason,
    weekdays_for_new_programme,
)
from backfit.store import repositories as repo
from backfit.store.errors import NotFound as NotFound  # re-exported for callers of this module
from backfit.store.models import (
    CurrentPrescription,
    IntakeRecord,
    Profile,
    ProgrammeRecord,
    ProgressionDecision,
    PsfsRating,
)

DEFAULT_PROFILE = "default"


class NoProgramme(NotFound):
    """The profile has no programme (no intake yet, or a red flag blocks it)."""


def prescription_to_dict(p: Prescription) -> dict[str, Any]:
    return {
        "exercise_id": p.exercise_id,
        "sets": p.sets,
        "reps": p.reps,
        "hold_s": p.hold_s,
        "rest_s": p.rest_s,
        "per_side": p.per_side,
        "up_s": p.up_s,
        "pause_s": p.pause_s,
        "down_s": p.down_s,
    }


PRESCRIPTION_FIELDS = ("exercise_id", "sets", "reps", "hold_s", "rest_s", "per_side", "up_s", "pause_s", "down_s")


def prescription_from_dict(raw: dict[str, Any]) -> Prescription:
    """The prescription of a stored dict (other keys, such as ``stopped``, are ignored)."""
    return Prescription(**{k: raw[k] for k in PRESCRIPTION_FIELDS if k in raw})


def prescription_of(row: CurrentPrescription) -> Prescription:
    return Prescription(
        exercise_id=row.exercise_id,
        sets=row.sets,
        reps=row.reps,
        hold_s=row.hold_s,
        rest_s=row.rest_s,
        per_side=row.per_side,
        up_s=row.up_s,
        pause_s=row.pause_s,
        down_s=row.down_s,
    )


def apply_prescription(row: CurrentPrescription, p: Prescription, now: datetime) -> None:
    for name, value in prescription_to_dict(p).items():
        setattr(row, name, value)
    row.updated_at = now


def get_or_create_profile(session: Session, name: str, now: datetime) -> Profile:
    profile = repo.profile_by_name(session, name)
    if profile is None:
        profile = Profile(name=name, created_at=now)
        session.add(profile)
        session.flush()
    return profile


def as_given_by(intake: Intake, actor: Actor) -> Intake:
    """The intake as stored for ``actor``: a clinic client's own clearance of red flags is
    not taken (their clinician records it); the single-person owner's is."""
    if intake.clearance_confirmed and not clears_own_pause(actor):
        return intake.model_copy(update={"clearance_confirmed": False})
    return intake


def save_intake(
    session: Session,
    intake: Intake,
    *,
    catalog: Catalog,
    rules: ProgrammeRules,
    now: datetime,
    name: str = DEFAULT_PROFILE,
    fresh_start: bool = False,
    actor: Actor | None = None,
) -> Profile:
    """Store the intake answers for profile ``name`` (created if new) and, unless
    a red flag blocks it, build and store its programme as the current one.

    Changed answers keep the progress made: each new item whose slot and ladder
    the previous programme had takes that item's current dose, and its safety stop
    (fitted again into the new minutes), unless ``fresh_start``. History is kept
    either way, and an open radiating-symptom pause stays open.

    The answers are stored even when blocked, so the screen's outcome is on record;
    :func:`current_programme` then raises :class:`NoProgramme` with the reason.

    An ``actor`` who may not clear themselves (a clinic client) cannot confirm a clearance
    in the answers: their clinician records it (:func:`backfit.services.clinical.clear_red_flags`;
    ``None``: the CLI's single person)."""
    if actor is not None:
        intake = as_given_by(intake, actor)
    profile = get_or_create_profile(session, name, now)
    screening = screen(intake)
    record = IntakeRecord(
        profile_id=profile.id,
        answers=intake.model_dump(mode="json"),
        red_flags=[flag.value for flag in screening.flags],
        clearance_confirmed=intake.clearance_confirmed,
        cleared_at=now if screening.flags and intake.clearance_confirmed else None,
        created_at=now,
    )
    session.add(record)
    session.flush()
    for item in intake.psfs:
        session.add(PsfsRating(profile_id=profile.id, activity=item.activity, rating=item.rating, rated_at=now))
    previous = repo.active_programme(session, profile.id)
    carried: dict[tuple[str, str], CurrentPrescription] = {}
    if previous is not None and not fresh_start:
        for key, old in repo.prescriptions(session, previous.id).items():
            exercise = catalog.get(old.exercise_id)
            if exercise is not None:
                carried[(key.split("/")[0], exercise.ladder.family.value)] = old
    session.execute(update(ProgrammeRecord).where(ProgrammeRecord.profile_id == profile.id).values(active=False))
    if not screening.blocked:
        store_programme(session, profile, record, intake, catalog=catalog, rules=rules, now=now, carried=carried)
    session.flush()
    return profile


def store_programme(
    session: Session,
    profile: Profile,
    record: IntakeRecord,
    intake: Intake,
    *,
    catalog: Catalog,
    rules: ProgrammeRules,
    now: datetime,
    carried: dict[tuple[str, str], CurrentPrescription] | None = None,
) -> ProgrammeRecord:
    """Build the programme for ``intake`` and store it with its prescriptions and
    schedule; ``carried``: (slot, family) -> the previous programme's item whose
    dose, stop and clinician's hold on its ladder step carry over (when the person
    has its equipment)."""
    programme = build_programme(intake, catalog, rules)
    days: list[dict[str, Any]] = []
    first: dict[str, Prescription] = {}
    for plan in programme.sessions:
        items = []
        for planned in plan.items:
            key = f"{planned.slot}/{planned.prescription.exercise_id}"
            first.setdefault(key, planned.prescription)
            items.append({"key": key, "slot": planned.slot, "reason": planned.reason})
        days.append({"weekday": plan.weekday, "items": items, "notes": list(plan.notes)})
    generated = [d["weekday"] for d in days]
    chosen = weekdays_for_new_programme(session, profile.id, generated, now=now)
    days = [{**day, "weekday": weekday} for day, weekday in zip(days, chosen, strict=True)]
    moved = chosen != generated
    reasons = [days_reason(tuple(chosen)) if moved and is_days_reason(r) else r for r in programme.reasons]
    row = ProgrammeRecord(
        profile_id=profile.id,
        intake_id=record.id,
        active=True,
        minutes_budget=programme.minutes_budget,
        reasons=reasons,
        days=days,
        owned_equipment=sorted(e.value for e in intake.equipment),
        created_at=now,
    )
    session.add(row)
    session.flush()
    owned = frozenset(intake.equipment)
    state: dict[str, ItemState] = {}
    held: dict[str, int | None] = {}
    for key, p in first.items():
        old = (carried or {}).get((key.split("/")[0], catalog[p.exercise_id].ladder.family.value))
        kept = catalog.get(old.exercise_id) if old is not None else None
        if old is not None and kept is not None and kept.needs <= owned:
            state[key] = ItemState(prescription_of(old), stopped=old.stopped)
            held[key] = old.max_step
        else:
            state[key] = ItemState(p)
    week = WeekPlan(
        tuple(tuple(i["key"] for i in d["items"]) for d in days), row.minutes_budget * 60, rules.transition_s
    )
    for key, change in refit(state, week, default_progression_rules()).items():
        state[key] = change.after
    for key, item in state.items():
        current = CurrentPrescription(
            programme_id=row.id,
            key=key,
            stopped=item.stopped,
            max_step=held.get(key),
            **prescription_to_dict(item.prescription),
        )
        current.updated_at = now
        session.add(current)
    extend_schedule(session, row, now.date(), now.date() + timedelta(weeks=SCHEDULE_WEEKS))
    return row


@dataclass(frozen=True)
class ProgrammeView:
    """The current programme with each item's current prescription."""

    programme: ProgrammeRecord
    prescriptions: dict[str, Prescription]
    stopped: frozenset[str]


def current_programme(session: Session, name: str = DEFAULT_PROFILE) -> ProgrammeView:
    """The profile's current programme; raises :class:`NoProgramme` (with the reason)
    or ``NotFound`` for an unknown profile."""
    profile = repo.require_profile(session, name)
    programme = repo.active_programme(session, profile.id)
    if programme is None:
        intake = repo.latest_intake(session, profile.id)
        if intake is not None:
            blocked = screen(Intake.model_validate(intake.answers))
            if blocked.blocked:
                raise NoProgramme(RedFlagBlocked(blocked).screening.message())
        raise NoProgramme(f"profile {name!r} has no programme yet: answer the intake first")
    rows = repo.prescriptions(session, programme.id)
    return ProgrammeView(
        programme,
        {key: prescription_of(row) for key, row in rows.items()},
        frozenset(key for key, row in rows.items() if row.stopped),
    )


def latest_decisions(session: Session, name: str = DEFAULT_PROFILE) -> list[ProgressionDecision]:
    """The progression decisions after the profile's last finished session (oldest first)."""
    profile = repo.require_profile(session, name)
    last = next((s for s in repo.performed_sessions(session, profile.id, limit=5) if s.status != "in_progress"), None)
    if last is None:
        return []
    return repo.decisions_of_session(session, last.id)


def latest_answers(session: Session, name: str = DEFAULT_PROFILE) -> dict[str, Any] | None:
    """The person's latest intake answers, or None before their first intake."""
    profile = repo.profile_by_name(session, name)
    if profile is None:
        return None
    record = repo.latest_intake(session, profile.id)
    return dict(record.answers) if record is not None else None
