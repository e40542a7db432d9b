"""First run: the welcome, the intake with its red-flag screen, and the programme."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from backfit.plan.intake import EXPERIENCE_QUESTION, RED_FLAG_QUESTIONS, Experience, Intake, RedFlag, screen
from backfit.services import clinical, policy, prescribing, profiles
from backfit.services.policy import Actor, Role
from backfit.services.programmes import programme_read
from backfit.services.schedule import schedule_for
from backfit.web.auth import ActorDep, PersonDep, SelfClearingPerson
from backfit.web.state import AppState, app_state
from backfit.web.views import same_days

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(app_state)]
EQUIPMENT_CHOICES = [
    ("ball", "An exercise ball"),
    ("band", "A resistance band"),
    ("block", "A yoga block or firm cushion"),
]


def latest_answers(state: AppState, person: str) -> dict[str, Any] | None:
    with state.unit_of_work() as session:
        return profiles.latest_answers(session, person)


ROLE_HOMES = {Role.CLINICIAN: "/clinic", Role.ADMIN: "/admin"}
"""Where a signed-in clinician or admin starts (they have no programme of their own)."""


@router.get("/")
def home(request: Request, state: State, actor: ActorDep) -> Any:
    if actor.role in ROLE_HOMES:
        return RedirectResponse(ROLE_HOMES[actor.role], status_code=303)
    with state.unit_of_work() as session:
        person = policy.own_profile_name(session, actor)
    if latest_answers(state, person) is None:
        return state.render(request, "welcome.html")
    return RedirectResponse("/today", status_code=303)


def _form_context(values: dict[str, Any], errors: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "questions": RED_FLAG_QUESTIONS,
        "experience_question": EXPERIENCE_QUESTION,
        "experiences": list(Experience),
        "equipment_choices": EQUIPMENT_CHOICES,
        "values": values,
        "errors": errors,
    }


@router.get("/intake")
def intake_form(request: Request, state: State, person: PersonDep) -> Any:
    values = latest_answers(state, person) or {}
    with state.unit_of_work() as session:
        rebuilds = bool(values) and prescribing.programme_changed_by_clinician(session, person)
    return state.render(request, "intake.html", rebuilds_clinicians_changes=rebuilds, **_form_context(values, []))


def answers_from_form(form: Any) -> dict[str, Any]:
    """Raw intake answers from the submitted form fields (validated afterwards)."""

    def number(name: str) -> Any:
        raw = str(form.get(name, "")).strip()
        try:
            return int(raw)
        except ValueError:
            return raw or None

    red_flags = {}
    for flag in RedFlag:
        value = form.get(f"flag_{flag.value}")
        red_flags[flag.value] = {"yes": True, "no": False}.get(str(value))
    psfs = []
    for i in range(3):
        activity = str(form.get(f"psfs_activity_{i}", "")).strip()
        if activity:
            psfs.append({"activity": activity, "rating": number(f"psfs_rating_{i}")})
    return {
        "red_flags": {k: v for k, v in red_flags.items() if v is not None},
        "clearance_confirmed": form.get("clearance_confirmed") == "yes",
        "experience": form.get("experience"),
        "equipment": list(form.getlist("equipment")),
        "sessions_per_week": number("sessions_per_week"),
        "minutes_per_session": number("minutes_per_session"),
        "pain_now": number("pain_now"),
        "psfs": psfs,
    }


def save(state: AppState, actor: Actor, person: str, intake: Intake) -> None:
    with state.unit_of_work() as session:
        profiles.save_intake(
            session, intake, catalog=state.catalog, rules=state.rules, now=state.now(), name=person, actor=actor
        )


def _range(field: str) -> tuple[object, object]:
    """The (lowest, highest) whole number the intake accepts for ``field`` (from the model's bounds)."""
    low = high = None
    for bound in Intake.model_fields[field].metadata:
        low = getattr(bound, "ge", low)
        high = getattr(bound, "le", high)
    return low, high


NUMBER_WORDS = {
    "sessions_per_week": "Sessions a week",
    "minutes_per_session": "Minutes a session",
    "pain_now": "Low-back pain now",
}


def intake_problems(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """Every problem with the submitted answers at once, as (id of the field, what to do), in the
    form's order; empty when the answers are complete and valid."""
    problems = [
        (f"q-{flag.value}", f"Answer No or Yes: {question}")
        for flag, question in RED_FLAG_QUESTIONS.items()
        if flag.value not in raw["red_flags"]
    ]
    answered = {**{f.value: False for f in RedFlag}, **raw["red_flags"]}  # so the other fields are checked now
    try:
        Intake.model_validate({**raw, "red_flags": answered})
    except ValidationError as exc:
        seen: set[str] = set()
        for error in exc.errors():
            loc = error["loc"]
            field = str(loc[0]) if loc else ""
            if field == "experience":
                problem = ("q-experience", "Choose how much you exercise now.")
            elif field in NUMBER_WORDS:
                low, high = _range(field)
                problem = (field, f"{NUMBER_WORDS[field]}: give a whole number from {low} to {high}.")
            elif field == "psfs" and len(loc) > 1:
                i = int(loc[1])
                problem = (f"psfs_rating_{i}", f"Activity {i + 1}: rate it with a whole number from 0 to 10.")
            else:
                problem = ("intake-form", str(error.get("msg", "Please check this answer.")))
            if problem[0] not in seen:
                seen.add(problem[0])
                problems.append(problem)
    return problems


@router.post("/intake")
async def intake_submit(request: Request, state: State, actor: ActorDep, person: PersonDep) -> Any:
    form = await request.form()
    raw = answers_from_form(form)
    problems = intake_problems(raw)
    if problems:
        return state.render(request, "intake.html", status_code=422, **_form_context(raw, problems))
    intake = Intake.model_validate(raw)
    save(state, actor, person, intake)
    if screen(intake).blocked:
        return RedirectResponse("/intake/blocked", status_code=303)
    return RedirectResponse("/programme", status_code=303)


@router.get("/intake/blocked")
def blocked(request: Request, state: State, actor: ActorDep, person: PersonDep) -> Any:
    answers = latest_answers(state, person)
    if answers is None:
        return RedirectResponse("/intake", status_code=303)
    screening = screen(Intake.model_validate(answers))
    if not screening.blocked:
        return RedirectResponse("/programme", status_code=303)
    return state.render(
        request,
        "blocked.html",
        flags=[RED_FLAG_QUESTIONS[f] for f in screening.flags],
        message=screening.message(),
        self_clearance=policy.clears_own_pause(actor),
    )


@router.post("/intake/clearance")
async def clearance(request: Request, state: State, actor: ActorDep, person: SelfClearingPerson) -> Any:
    """Go on after red flags only with an explicit confirmation, which is recorded (single
    person; a clinic client's clinician records the clearance instead)."""
    form = await request.form()
    answers = latest_answers(state, person)
    if answers is None:
        return RedirectResponse("/intake", status_code=303)
    if form.get("confirm") != "I have been cleared":
        screening = screen(Intake.model_validate(answers))
        return state.render(
            request,
            "blocked.html",
            status_code=422,
            flags=[RED_FLAG_QUESTIONS[f] for f in screening.flags],
            message=screening.message(),
            error="Tick the box to confirm that a clinician has cleared you, or see one first.",
            self_clearance=True,
        )
    save(state, actor, person, Intake.model_validate({**answers, "clearance_confirmed": True}))
    return RedirectResponse("/programme", status_code=303)


@router.get("/programme")
def programme_page(request: Request, state: State, actor: ActorDep, person: PersonDep) -> Any:
    with state.unit_of_work() as session:
        try:
            view = profiles.current_programme(session, person)
        except profiles.NoProgramme:
            return RedirectResponse("/intake/blocked" if latest_answers(state, person) else "/intake", status_code=303)
        except profiles.NotFound:
            return RedirectResponse("/intake", status_code=303)
        programme = programme_read(view, state.catalog, state.rules.transition_s)
        return state.render(
            request,
            "programme.html",
            programme=programme,
            days=same_days(programme.days),
            when=schedule_for(session, person).choice.describe(),
            clinician_changes=clinical.own_changes(session, actor, person),
        )
