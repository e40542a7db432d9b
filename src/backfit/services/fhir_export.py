"""One person's record as a FHIR R4 Bundle (``type`` collection), for a clinic's records system.

What it holds, all about the one person asked for and nobody else:

- a **Patient** (the profile's name as the only name: backfit holds no other identity);
- an **Observation** per pain rating: the check-ins (before and after a session, the next
  morning, any time) and the pain during each exercise of a session, all coded LOINC
  ``72514-3`` (pain severity, 0-10 verbal numeric rating, reported), ``valueInteger``;
- an **Observation** per PSFS item rating (Patient-Specific Functional Scale, 0-10): LOINC has
  no code for the PSFS, so it is coded in backfit's own CodeSystem :data:`MEASURES` (code
  ``psfs-item``), with the person's activity in the code's text;
- a **CarePlan** for the current programme: each prescription an activity with the exercise
  (backfit's catalog id in the CodeSystem :data:`EXERCISES`), its dose in words and the
  weekdays it is planned on; ``on-hold`` while radiating symptoms pause the programme;
- a **Procedure** per performed session (SNOMED CT ``229065009`` exercise therapy), with its
  start and end and, as notes, the sets done exercise by exercise.

The models are ``fhir.resources``' **R4B** (FHIR 4.3.0) ones: the package's default models are
R5 and it ships no plain R4 ones. R4B changed none of the resources used here from R4 (its
changes are in medication definitions and evidence resources), so the JSON is R4 JSON too.
Every resource is built through its model, which validates it. References are ``urn:uuid``
full URLs of entries of the same Bundle; the uuids are derived from the person's profile (its
name and creation time) and the row, so the same data exports to the same ids."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from sqlalchemy import select
from sqlalchemy.orm import Session

from backfit import __version__
from backfit.catalog.loader import Catalog
from backfit.services import profiles
from backfit.services.coaching import active_pause
from backfit.services.wording import exercise_name
from backfit.store import repositories as repo
from backfit.store.models import CheckIn, ExerciseResult, PerformedSession, Profile, PsfsRating, SetRecord

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
BACKFIT = "https://backfit.invalid/fhir"
"""backfit's own namespace (``.invalid``: not a web address anyone can resolve)."""
MEASURES = f"{BACKFIT}/CodeSystem/measure"
EXERCISES = f"{BACKFIT}/CodeSystem/exercise"
PAIN_NPRS = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
PSFS_ITEM = {"system": MEASURES, "code": "psfs-item", "display": "Patient-Specific Functional Scale item (0-10)"}
EXERCISE_THERAPY = {"system": SNOMED, "code": "229065009", "display": "Exercise therapy"}
SURVEY = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
MOMENTS = {
    "session_start": "before the session",
    "session_end": "after the session",
    "next_morning": "the morning after the session",
    "now": "at a check-in",
}
SESSION_STATUS = {"in_progress": "in-progress", "completed": "completed", "ended_early": "stopped"}


def _when(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


class _Ids:
    """Stable ``urn:uuid`` full URLs for the person's resources."""

    def __init__(self, profile: Profile) -> None:
        self.space = uuid.uuid5(uuid.NAMESPACE_URL, f"{BACKFIT}/{profile.name}/{_when(profile.created_at)}")

    def url(self, kind: str, row_id: int | str) -> str:
        return f"urn:uuid:{uuid.uuid5(self.space, f'{kind}/{row_id}')}"


def _pain(
    ids: _Ids, patient: str, key: str, pain: int, when: datetime, words: str, session_url: str | None
) -> tuple[str, Observation]:
    resource: dict[str, Any] = {
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [PAIN_NPRS], "text": "Pain (0-10)"},
        "subject": {"reference": patient},
        "effectiveDateTime": _when(when),
        "valueInteger": pain,
        "note": [{"text": words}],
    }
    if session_url is not None:
        resource["partOf"] = [{"reference": session_url}]
    return ids.url("pain", key), Observation.model_validate(resource)


def _set_words(row: SetRecord) -> str:
    parts = []
    if row.reps is not None:
        parts.append(f"{row.reps} reps")
    if row.hold_s is not None:
        parts.append(f"{row.hold_s:g} s held")
    text = " of ".join(parts) if parts else "done"
    if row.side != "both":
        text += f" ({row.side})"
    return text if row.completed else f"{text}, stopped early"


def _session_notes(
    performed: PerformedSession, sets: list[SetRecord], results: list[ExerciseResult], catalog: Catalog
) -> list[dict[str, str]]:
    """One note per exercise of the session: its sets done in words, or that it was skipped."""
    by_item: dict[int, list[SetRecord]] = defaultdict(list)
    for row in sets:
        by_item[row.item_index].append(row)
    skipped = {r.item_index for r in results if r.skipped}
    notes = []
    for index, item in enumerate(performed.plan):
        name = item.get("name") or exercise_name(catalog, item.get("exercise_id", ""))
        done = by_item.get(index, [])
        if done:
            count = len({s.set_index for s in done})  # a per-side set is one set, stored per side
            words = "; ".join(_set_words(s) for s in done)
            notes.append({"text": f"{name}: {count} set{'s' if count != 1 else ''}: {words}"})
        elif index in skipped:
            notes.append({"text": f"{name}: skipped"})
        else:
            notes.append({"text": f"{name}: not done"})
    return notes


def _care_plan(
    session: Session, profile: Profile, patient: str, ids: _Ids, catalog: Catalog
) -> tuple[str, CarePlan, int] | None:
    """The current programme as a CarePlan (None when there is none), with its programme id."""
    try:
        view = profiles.current_programme(session, profile.name)
    except profiles.NoProgramme:
        return None
    days: dict[str, list[str]] = defaultdict(list)
    for day in view.programme.days:
        for item in day["items"]:
            days[item["key"]].append(day["weekday"])
    activities = []
    for key, p in view.prescriptions.items():
        stopped = key in view.stopped
        activities.append(
            {
                "detail": {
                    "kind": "ServiceRequest",
                    "code": {
                        "coding": [{"system": EXERCISES, "code": p.exercise_id}],
                        "text": exercise_name(catalog, p.exercise_id),
                    },
                    "status": "stopped" if stopped else "in-progress",
                    "doNotPerform": True if stopped else None,
                    "scheduledTiming": {"repeat": {"dayOfWeek": days.get(key, [])}} if days.get(key) else None,
                    "description": p.in_words() + (" Stopped for now." if stopped else ""),
                }
            }
        )
    pause = active_pause(session, profile.id)
    plan: dict[str, Any] = {
        "status": "on-hold" if pause is not None else "active",
        "intent": "plan",
        "title": "Hamstrings and low-back exercise programme",
        "description": " ".join(view.programme.reasons) or "The weekly exercise programme.",
        "subject": {"reference": patient},
        "period": {"start": _when(view.programme.created_at)},
        "created": _when(view.programme.created_at),
        "activity": [_without_none(a) for a in activities],
    }
    if pause is not None:
        plan["note"] = [{"text": f"Paused since {pause.paused_at:%Y-%m-%d}: {pause.reason}"}]
    programme_id = view.programme.id
    return ids.url("careplan", programme_id), CarePlan.model_validate(plan), programme_id


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    return value


def person_bundle(session: Session, name: str, *, catalog: Catalog, now: datetime) -> dict[str, Any]:
    """The person ``name``'s record as a FHIR R4 Bundle, in FHIR's JSON (a dict ready for
    ``json.dumps``). Raises ``NotFound`` for an unknown profile."""
    text = bundle_of(session, name, catalog=catalog, now=now).model_dump_json()  # FHIR JSON, faster than model_dump
    bundle: dict[str, Any] = json.loads(text)
    return bundle


def bundle_of(session: Session, name: str, *, catalog: Catalog, now: datetime) -> Bundle:
    """The person's record as a validated ``fhir.resources`` R4B Bundle (see the module)."""
    profile = repo.require_profile(session, name)
    ids = _Ids(profile)
    patient = ids.url("patient", profile.id)
    entries: list[tuple[str, Any]] = [(patient, Patient.model_validate({"active": True, "name": [{"text": name}]}))]
    plan = _care_plan(session, profile, patient, ids, catalog)
    if plan is not None:
        entries.append(plan[:2])
    performed = session.scalars(
        select(PerformedSession).where(PerformedSession.profile_id == profile.id).order_by(PerformedSession.id)
    ).all()
    performed_ids = [p.id for p in performed]
    sets: dict[int, list[SetRecord]] = defaultdict(list)
    for row in repo.sets_of(session, performed_ids):
        sets[row.performed_session_id].append(row)
    results: dict[int, list[ExerciseResult]] = defaultdict(list)
    for result in repo.results_of(session, performed_ids):
        results[result.performed_session_id].append(result)
    session_urls = {p.id: ids.url("session", p.id) for p in performed}
    for p in performed:
        procedure: dict[str, Any] = {
            "status": SESSION_STATUS.get(p.status, "unknown"),
            "code": {"coding": [EXERCISE_THERAPY], "text": "Exercise session (hamstrings and low back)"},
            "subject": {"reference": patient},
            "performedPeriod": _without_none(
                {"start": _when(p.started_at), "end": None if p.ended_at is None else _when(p.ended_at)}
            ),
            "note": _session_notes(p, sets[p.id], results[p.id], catalog),
        }
        if plan is not None and p.programme_id == plan[2]:
            procedure["basedOn"] = [{"reference": plan[0]}]
        entries.append((session_urls[p.id], Procedure.model_validate(procedure)))
    checkins = session.scalars(select(CheckIn).where(CheckIn.profile_id == profile.id).order_by(CheckIn.id)).all()
    for c in checkins:
        words = f"Pain {MOMENTS.get(c.moment, c.moment)}."
        url = None if c.performed_session_id is None else session_urls.get(c.performed_session_id)
        entries.append(_pain(ids, patient, f"checkin/{c.id}", c.pain, c.recorded_at, words, url))
    for p in performed:
        for r in results[p.id]:
            if r.pain_during is not None:
                words = f"Pain during {exercise_name(catalog, r.exercise_id)}."
                entries.append(
                    _pain(ids, patient, f"result/{r.id}", r.pain_during, r.recorded_at, words, session_urls[p.id])
                )
    for rating in session.scalars(
        select(PsfsRating).where(PsfsRating.profile_id == profile.id).order_by(PsfsRating.id)
    ).all():
        observation = {
            "status": "final",
            "category": [SURVEY],
            "code": {"coding": [PSFS_ITEM], "text": f"Patient-Specific Functional Scale: {rating.activity}"},
            "subject": {"reference": patient},
            "effectiveDateTime": _when(rating.rated_at),
            "valueInteger": rating.rating,
            "note": [{"text": "0 = unable to do the activity, 10 = able to do it as before the problem."}],
        }
        entries.append((ids.url("psfs", rating.id), Observation.model_validate(observation)))
    return Bundle.model_validate(
        {
            "type": "collection",
            "timestamp": _when(now),
            "meta": {"tag": [{"system": BACKFIT, "code": "backfit", "display": f"backfit {__version__}"}]},
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
        }
    )
