"""The exercise library: search and filter, and a page per exercise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BeforeValidator

from backfit.catalog.schema import Equipment, Exercise, Family, Kind, Position
from backfit.plan.model import Prescription
from backfit.services.camera_setup import camera_setup
from backfit.web.state import AppState, app_state

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(app_state)]


@dataclass(frozen=True)
class ExerciseQuery:
    """A search of the library: words, and the filters (None: any)."""

    q: str = ""
    position: Position | None = None
    equipment: Equipment | None = None
    kind: Kind | None = None
    family: Family | None = None

    def filters(self) -> dict[str, Any]:
        return {"position": self.position, "equipment": self.equipment, "kind": self.kind, "family": self.family}


def blank_is_any(value: object) -> object:
    """A form's empty choice ("any") means no filter: ``""`` becomes None."""
    return None if isinstance(value, str) and not value.strip() else value


# Optional filters whose empty value (a form's "any") means no filter.
AnyPosition = Annotated[Position | None, BeforeValidator(blank_is_any)]
AnyEquipment = Annotated[Equipment | None, BeforeValidator(blank_is_any)]
AnyKind = Annotated[Kind | None, BeforeValidator(blank_is_any)]
AnyFamily = Annotated[Family | None, BeforeValidator(blank_is_any)]


def exercise_query(
    q: Annotated[str, Query(max_length=100, description="Words to find in names, aliases, targets and cues.")] = "",
    position: AnyPosition = None,
    equipment: AnyEquipment = None,
    kind: AnyKind = None,
    family: AnyFamily = None,
) -> ExerciseQuery:
    """FastAPI dependency: the library search from the query string (pages and API alike)."""
    return ExerciseQuery(q, position, equipment, kind, family)


Search = Annotated[ExerciseQuery, Depends(exercise_query)]


def search(state: AppState, query: ExerciseQuery) -> list[Exercise]:
    """Catalog filter plus a case-insensitive text search over names, aliases, targets and cues."""
    found = state.catalog.filter(**query.filters())
    words = query.q.lower().split()
    if not words:
        return found

    def text(ex: Exercise) -> str:
        return " ".join([ex.id, ex.name, *ex.aliases, *ex.targets, *(c.text for c in ex.cues)]).lower()

    return [ex for ex in found if all(w in text(ex) for w in words)]


@router.get("/exercises")
def library(request: Request, state: State, query: Search) -> Any:
    context: dict[str, Any] = {
        "exercises": search(state, query),
        "q": query.q,
        "selected": query.filters(),
        "options": {
            "position": list(Position),
            "equipment": list(Equipment),
            "kind": list(Kind),
            "family": list(Family),
        },
    }
    template = "_exercise_list.html" if request.headers.get("HX-Request") else "library.html"
    return state.render(request, template, **context)


@router.get("/exercises/{exercise_id}")
def exercise_page(request: Request, state: State, exercise_id: str) -> Any:
    exercise = state.catalog.get(exercise_id)
    if exercise is None:
        hint = state.catalog.did_you_mean(exercise_id)
        raise HTTPException(
            404,
            f"There is no exercise '{exercise_id}' in the routine." + (f" {hint[0].upper()}{hint[1:]}" if hint else ""),
        )
    return state.render(
        request,
        "exercise.html",
        exercise=exercise,
        dose=Prescription.default_for(exercise).in_words(),
        ladder=state.catalog.ladder(exercise.ladder.family),
        setup=camera_setup(exercise),
    )


@router.get("/exercises/{exercise_id}/practise")
def practise_page(request: Request, state: State, exercise_id: str) -> Any:
    """Practise one exercise with the live camera coach, outside a session (nothing is stored)."""
    exercise = state.catalog.get(exercise_id)
    if exercise is None:
        raise HTTPException(404, f"There is no exercise '{exercise_id}' in the routine.")
    setup = camera_setup(exercise)
    if setup is None:
        raise HTTPException(404, f"The camera cannot follow {exercise.name} yet: practise it with the steps and cues.")
    return state.render(request, "practise.html", exercise=exercise, setup=setup)
