"""The JSON API: the same operations as the pages, with validated payloads and
clear 4xx errors. Documented by the generated OpenAPI document at /openapi.json."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from backfit.catalog.schema import Exercise
from backfit.plan.intake import Intake, screen
from backfit.services import calendar, checkins, exports, player, profiles, sessions
from backfit.services.history import SessionSummary, history
from backfit.services.programmes import programme_read
from backfit.store.errors import NotFound
from backfit.web.auth import ActorDep, PersonDep, ReadableSession, TrainableSession
from backfit.web.routes.library import Search, search
from backfit.web.schemas import (
    AnswerCreate,
    AnswerRead,
    CheckInCreate,
    CheckInRead,
    ExerciseSummary,
    FinishCreate,
    FinishRead,
    ImportRead,
    ProgrammeRead,
    PsfsCreate,
    ScreeningRead,
    SessionCreate,
    SessionRead,
    SetCreate,
    SetRead,
)
from backfit.web.state import AppState, app_state
from backfit.web.views import decisions_read, fault_seen, screening_read, session_read, set_read

router = APIRouter(prefix="/api", tags=["api"])
State = Annotated[AppState, Depends(app_state)]
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Not found"},
    409: {"description": "Conflicts with the current state"},
    422: {"description": "Invalid input"},
}


def summary(ex: Exercise) -> ExerciseSummary:
    return ExerciseSummary(
        id=ex.id,
        name=ex.name,
        position=ex.position.value,
        equipment=[e.value for e in ex.equipment],
        kind=ex.kind.value,
        family=ex.ladder.family.value,
        step=ex.ladder.step,
        camera_checks=len(ex.camera_cues),
    )


@router.get("/exercises", response_model=list[ExerciseSummary])
def list_exercises(state: State, query: Search) -> list[ExerciseSummary]:
    """The routine's exercises, filtered, in ladder order."""
    return [summary(ex) for ex in search(state, query)]


@router.get("/exercises/{exercise_id}", response_model=Exercise, responses=ERRORS)
def get_exercise(state: State, exercise_id: str) -> Exercise:
    """One exercise record: steps, cues, dosage, ladder, safety notes, keyframes."""
    exercise = state.catalog.get(exercise_id)
    if exercise is None:
        raise HTTPException(404, state.catalog.unknown_id_message(exercise_id))
    return exercise


@router.post("/intake", response_model=ScreeningRead, responses=ERRORS)
def post_intake(state: State, actor: ActorDep, person: PersonDep, intake: Intake) -> ScreeningRead:
    """Store intake answers; builds the programme unless a red flag blocks it (a clinic
    client's own clearance is not taken: their clinician clears red flags)."""
    with state.unit_of_work() as session:
        profiles.save_intake(
            session, intake, catalog=state.catalog, rules=state.rules, now=state.now(), name=person, actor=actor
        )
    return screening_read(screen(profiles.as_given_by(intake, actor)))


@router.get("/programme", response_model=ProgrammeRead, responses=ERRORS)
def get_programme(state: State, person: PersonDep) -> ProgrammeRead:
    """The current programme with each item's prescription and reason."""
    with state.unit_of_work() as session:
        return programme_read(profiles.current_programme(session, person), state.catalog, state.rules.transition_s)


def _session(state: AppState, session: Any, performed_id: int) -> SessionRead:
    return session_read(player.player_state(session, performed_id, state.catalog), state.catalog)


@router.post("/sessions", response_model=SessionRead, status_code=201, responses=ERRORS)
def start_session(state: State, person: PersonDep, payload: SessionCreate, response: Response) -> SessionRead:
    """Start today's session (or return the unfinished one, to resume it: status 200)."""

    def work(session: Any) -> tuple[SessionRead, bool]:
        open_one = sessions.open_session(session, person)
        if open_one is not None:
            return _session(state, session, open_one.id), False
        performed = sessions.start_session(
            session,
            catalog=state.catalog,
            pain_start=payload.pain_start,
            now=state.now(),
            intensity=payload.intensity,
            name=person,
        )
        return _session(state, session, performed.id), True

    read, created = state.write(work)
    if not created:
        response.status_code = 200
    return read


@router.get("/sessions/{performed_id}", response_model=SessionRead, responses=ERRORS)
def get_session(state: State, performed_id: ReadableSession) -> SessionRead:
    """A session's plan, what is done, and the steps still to do."""
    with state.unit_of_work() as session:
        return _session(state, session, performed_id)


@router.post("/sessions/{performed_id}/sets", response_model=SetRead, status_code=201, responses=ERRORS)
def post_set(state: State, performed_id: TrainableSession, payload: SetCreate, response: Response) -> SetRead:
    """Store one finished set at once. Sending the same set again changes nothing (200)."""
    faults = None if payload.faults is None else [fault_seen(f) for f in payload.faults]

    def work(session: Any) -> SetRead:
        stored, created = player.record_set(
            session,
            performed_id,
            state.catalog,
            now=state.now(),
            faults=faults,
            **payload.model_dump(exclude={"faults"}),
        )
        return set_read(stored, created)

    read = state.write(work)
    created = read.created
    if not created:
        response.status_code = 200
    return read


RADIATING_WARNING = (
    "Pain spreading below the knee, numbness or tingling: stop this exercise and ask a doctor or physiotherapist."
)


@router.post("/sessions/{performed_id}/answers", response_model=AnswerRead, status_code=201, responses=ERRORS)
def post_answer(state: State, performed_id: TrainableSession, payload: AnswerCreate, response: Response) -> AnswerRead:
    """Store effort (RPE) and pain after an exercise (or that it was skipped)."""
    created = state.write(
        lambda session: player.record_answer(
            session, performed_id, state.catalog, now=state.now(), **payload.model_dump()
        )
    )
    if not created:
        response.status_code = 200
    warning = RADIATING_WARNING if payload.radiating_symptoms else None
    return AnswerRead(item_index=payload.item_index, created=created, warning=warning)


@router.post("/sessions/{performed_id}/finish", response_model=FinishRead, responses=ERRORS)
def finish(state: State, performed_id: TrainableSession, payload: FinishCreate) -> FinishRead:
    """Close the session and run the progression rules; returns each decision with its reasons."""
    with state.unit_of_work() as session:
        performed = player.require_session(session, performed_id)
        if performed.status != "in_progress":
            raise HTTPException(409, f"session {performed_id} is already {performed.status.replace('_', ' ')}")
        done = sessions.finish_session(
            session, performed_id, catalog=state.catalog, pain_end=payload.pain_end, now=state.now()
        )
        return FinishRead(id=performed_id, status=done.status, decisions=decisions_read(done.decisions))


@router.get("/history", response_model=list[SessionSummary], responses=ERRORS)
def get_history(
    state: State, person: PersonDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[SessionSummary]:
    """Past sessions, newest first."""
    with state.unit_of_work() as session:
        try:
            rows = history(session, person, catalog=state.catalog, limit=limit)
        except NotFound:
            return []
    return rows


@router.post("/checkins", response_model=CheckInRead, status_code=201, responses=ERRORS)
def post_checkin(state: State, person: PersonDep, payload: CheckInCreate) -> CheckInRead:
    """Pain now, or the next-morning pain for the last session (which may revise its decisions)."""
    with state.unit_of_work() as session:
        try:
            if payload.moment == "now":
                checkins.record_pain_now(session, pain=payload.pain, now=state.now(), name=person)
                return CheckInRead(moment="now", pain=payload.pain)
            decisions = checkins.record_next_morning(
                session, pain=payload.pain, catalog=state.catalog, now=state.now(), name=person
            )
        except ValueError as exc:
            raise HTTPException(409, str(exc)) from None
        return CheckInRead(moment="next_morning", pain=payload.pain, decisions=decisions_read(decisions))


@router.post("/psfs", status_code=201, responses=ERRORS)
def post_psfs(state: State, person: PersonDep, payload: PsfsCreate) -> dict[str, int]:
    """Re-rate the Patient-Specific Functional Scale activities (0-10 each)."""
    with state.unit_of_work() as session:
        try:
            rows = checkins.record_psfs(session, payload.ratings, now=state.now(), name=person)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        return {row.activity: row.rating for row in rows}


EXPORT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "fhir": "application/fhir+json",
}
EXPORT_SUFFIXES = {"json": "json", "csv": "csv", "ics": "ics", "fhir": "fhir.json"}


@router.get("/export", responses=ERRORS)
def export(state: State, name: PersonDep, format: Literal["json", "csv", "ics", "fhir"] = "json") -> Response:
    """The person's complete JSON backup, the CSV of their sets, an iCalendar file of their upcoming
    sessions, or their record as a FHIR R4 Bundle (Patient, pain and PSFS Observations, CarePlan,
    sessions as Procedures). Only this person's data is in it."""
    with state.unit_of_work() as session:
        try:
            if format == "json":
                body: bytes = json.dumps(
                    exports.export_person_backup(session, name, now=state.now()), indent=1
                ).encode()
            elif format == "csv":
                body = exports.export_sets_csv(session, name).encode()
            elif format == "fhir":
                from backfit.services import fhir_export  # the FHIR models load only for a FHIR export

                bundle = fhir_export.person_bundle(session, name, catalog=state.catalog, now=state.now())
                body = json.dumps(bundle, indent=1).encode()
            else:
                body = calendar.export_calendar(
                    session, catalog=state.catalog, transition_s=state.rules.transition_s, now=state.now(), name=name
                )
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None
    filename = f"backfit-{state.now():%Y%m%d}.{EXPORT_SUFFIXES[format]}"
    return Response(
        body, media_type=EXPORT_TYPES[format], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.post("/import", response_model=ImportRead, responses=ERRORS)
async def import_backup(request: Request, state: State, person: PersonDep, replace: bool = False) -> ImportRead:
    """Import a person's JSON backup as this person (the request body, at most 64 MB,
    ``Content-Type: application/json``): refused while this person has data here unless
    ``replace``, which replaces only theirs. Nothing changes unless the whole file is valid;
    the work runs off the event loop."""
    raw = await request.body()
    return ImportRead(restored=await run_in_threadpool(restore_backup, state, person, raw, replace))


def restore_backup(state: AppState, person: str, raw: bytes, replace: bool) -> dict[str, int]:
    """Parse, check and import a backup as the page's person in one transaction
    (ImportRejected: nothing changed)."""
    data = exports.load_backup_text(raw)
    with state.unit_of_work() as session:
        return exports.import_person_backup(session, data, name=person, replace=replace)
