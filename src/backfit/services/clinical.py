"""The clinician's client page: what it shows (programme with doses in words, recent sessions
and pain, recorded camera sets to replay, waiting steps up, changes made, notes, what awaits
clearance), clinical notes (clinician-only) and the clearance of red flags and of a
radiating-symptom pause, recorded with who, when and why. Every function asks the policy module first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Equipment, Exercise
from backfit.plan.intake import Intake
from backfit.plan.rules import ProgrammeRules
from backfit.services import coaching, policy, prescribing, profiles, recordings
from backfit.services.history import SessionSummary, history
from backfit.services.policy import Action, Actor
from backfit.services.prescribing import require_reason
from backfit.store import repositories as repo
from backfit.store.errors import NotFound
from backfit.store.models import (
    Account,
    ClinicalNote,
    ClinicianChange,
    IntakeRecord,
    PendingProgression,
    ProgrammePause,
)

MAX_NOTE = 5000
RECENT_SESSIONS = 10
RECENT_RECORDINGS = 10


@dataclass(frozen=True)
class ItemView:
    """One programme item as the clinician sees it."""

    key: str
    exercise_id: str
    name: str
    family: str
    step: int
    dose_words: str
    summary: str
    sets: int
    reps: int | None
    hold_s: int | None
    stopped: bool
    held_at: int | None
    swaps: list[Exercise]


@dataclass(frozen=True)
class ClientPage:
    profile_id: int
    name: str
    email: str
    password_set: bool
    items: list[ItemView]
    no_programme: str | None
    sessions: list[SessionSummary]
    recordings: list[recordings.RecordedSet]
    pending: list[PendingProgression]
    changes: list[ClinicianChange]
    notes: list[ClinicalNote]
    red_flags: list[str]
    pause: ProgrammePause | None
    approval_required: bool
    assignable: list[Exercise]


def client_page(session: Session, actor: Actor, profile_id: int, *, catalog: Catalog) -> ClientPage:
    """Everything the client page shows; NotFound for a person the actor does not look after,
    Forbidden for an admin. Notes are read with the ``NOTE`` permission (clinicians only)."""
    policy.require(actor, Action.NOTE)
    profile = policy.person(session, actor, Action.READ, profile_id)
    account = session.scalars(select(Account).where(Account.profile_id == profile.id)).one_or_none()
    items: list[ItemView] = []
    assignable: list[Exercise] = []
    no_programme = None
    try:
        view = profiles.current_programme(session, profile.name)
    except profiles.NoProgramme as exc:
        no_programme = str(exc)
    else:
        rows = repo.prescriptions(session, view.programme.id)
        target = prescribing.Prescribing(
            profile, view.programme, rows, frozenset(Equipment(e) for e in view.programme.owned_equipment)
        )
        assignable = prescribing.assignable(catalog, target)
        order = [i["key"] for day in view.programme.days for i in day["items"]]
        for key in dict.fromkeys(order):
            p = view.prescriptions.get(key)
            if p is None:
                continue
            exercise = catalog.get(p.exercise_id)
            items.append(
                ItemView(
                    key=key,
                    exercise_id=p.exercise_id,
                    name=exercise.name if exercise else p.exercise_id,
                    family=exercise.ladder.family.value if exercise else "unknown",
                    step=exercise.ladder.step if exercise else 0,
                    dose_words=p.in_words(),
                    summary=p.summary(),
                    sets=p.sets,
                    reps=p.reps,
                    hold_s=p.hold_s,
                    stopped=key in view.stopped,
                    held_at=rows[key].max_step,
                    swaps=prescribing.swaps_for(catalog, p.exercise_id, target.owned),
                )
            )
    intake = repo.latest_intake(session, profile.id)
    awaiting = list(intake.red_flags) if intake and intake.red_flags and not intake.clearance_confirmed else []
    return ClientPage(
        profile_id=profile.id,
        name=account.display_name if account else profile.name,
        email=account.email if account else "",
        password_set=account is not None and account.password_hash is not None,
        items=items,
        no_programme=no_programme,
        sessions=history(session, profile.name, catalog=catalog, limit=RECENT_SESSIONS),
        recordings=recordings.recent_recordings(session, actor, profile.id, limit=RECENT_RECORDINGS),
        pending=prescribing.pending_of(session, actor, profile.id),
        changes=prescribing.changes_of(session, profile.id),
        notes=notes_of(session, actor, profile.id),
        red_flags=[str(f).replace("_", " ") for f in awaiting],
        pause=coaching.active_pause(session, profile.id),
        approval_required=profile.progressions_need_approval,
        assignable=assignable,
    )


def add_note(session: Session, actor: Actor, profile_id: int, *, text: str, now: datetime) -> ClinicalNote:
    """A clinical note on the client (clinicians only; the client never sees it)."""
    profile = policy.person(session, actor, Action.NOTE, profile_id)
    body = text.strip()
    if not body:
        raise prescribing.PrescribingError("the note is empty")
    if len(body) > MAX_NOTE:
        raise prescribing.PrescribingError(f"a note may have at most {MAX_NOTE} characters")
    note = ClinicalNote(
        profile_id=profile.id, author_id=actor.account_id, author_name=actor.display_name, text=body, written_at=now
    )
    session.add(note)
    session.flush()
    return note


def notes_of(session: Session, actor: Actor, profile_id: int) -> list[ClinicalNote]:
    """The client's clinical notes, newest first (clinicians only)."""
    profile = policy.person(session, actor, Action.NOTE, profile_id)
    query = select(ClinicalNote).where(ClinicalNote.profile_id == profile.id)
    return list(session.scalars(query.order_by(ClinicalNote.written_at.desc(), ClinicalNote.id.desc())))


def clear_red_flags(
    session: Session,
    actor: Actor,
    profile_id: int,
    *,
    reason: str,
    catalog: Catalog,
    rules: ProgrammeRules,
    now: datetime,
) -> IntakeRecord:
    """The clinician records that they have cleared the client's red flags: the intake is
    stored again as cleared (who, when, why) and the programme is built."""
    why = require_reason(reason)
    profile = policy.person(session, actor, Action.CLEAR, profile_id)
    intake = repo.latest_intake(session, profile.id)
    if intake is None or not intake.red_flags or intake.clearance_confirmed:
        raise NotFound("no red flags await clearance for this client")
    answers: dict[str, Any] = {**intake.answers, "clearance_confirmed": True}
    profiles.save_intake(
        session, Intake.model_validate(answers), catalog=catalog, rules=rules, now=now, name=profile.name
    )
    cleared = repo.latest_intake(session, profile.id)
    assert cleared is not None
    cleared.cleared_by, cleared.clearance_reason = actor.display_name or "your clinician", why
    flags = ", ".join(str(f).replace("_", " ") for f in intake.red_flags)
    session.add(_clear_change(actor, profile.id, f"cleared the red flags ({flags}): the programme starts", why, now))
    session.flush()
    return cleared


def clear_pause(session: Session, actor: Actor, profile_id: int, *, reason: str, now: datetime) -> str:
    """The clinician records that they have advised the client after radiating symptoms (or
    after every exercise of a session stopped): the programme goes on. Returns what changed."""
    why = require_reason(reason)
    profile = policy.person(session, actor, Action.CLEAR, profile_id)
    said = coaching.confirm_clinician_advice(session, now=now, name=profile.name, actor=actor, reason=why)
    session.add(_clear_change(actor, profile.id, said.removeprefix("Recorded: ").rstrip("."), why, now))
    session.flush()
    return said


def _clear_change(actor: Actor, profile_id: int, change: str, reason: str, now: datetime) -> ClinicianChange:
    return ClinicianChange(
        profile_id=profile_id,
        clinician_account_id=actor.account_id,
        clinician_name=actor.display_name or "your clinician",
        kind="clear",
        key=None,
        change=change,
        reason=reason,
        made_at=now,
    )


def own_changes(session: Session, actor: Actor, name: str, *, limit: int = 5) -> list[ClinicianChange]:
    """The latest clinician changes to the programme of the person named ``name`` that
    ``actor`` may read (for their own programme and today pages), newest first."""
    profile = repo.profile_by_name(session, name)
    if profile is None:
        return []
    try:
        policy.person(session, actor, Action.READ, profile.id)
    except (NotFound, policy.Forbidden):
        return []
    return prescribing.changes_of(session, profile.id, limit=limit)
