"""The programme as a printable PDF handout (the same one as `backfit export --format pdf`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse, Response

from backfit.catalog.schema import Exercise
from backfit.services import handout, profiles
from backfit.web.auth import PersonDep
from backfit.web.illustration import figure_svg
from backfit.web.state import AppState, app_state

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(app_state)]


def key_pose(exercise: Exercise) -> str:
    """The exercise's figure still, at its key pose (the last keyframe), for print."""
    return figure_svg(exercise, animate=False)


@router.get("/programme/handout.pdf")
def programme_handout(state: State, person: PersonDep) -> Any:
    """A PDF to print: the week, the safety rules, each exercise with its figure, dose, steps and cues."""
    now = state.now()
    with state.unit_of_work() as session:
        try:
            pdf = handout.programme_handout(
                session,
                catalog=state.catalog,
                transition_s=state.rules.transition_s,
                figure=key_pose,
                today=now.date(),
                name=person,
            )
        except profiles.NoProgramme:
            return RedirectResponse("/intake/blocked", status_code=303)
        except profiles.NotFound:
            return RedirectResponse("/intake", status_code=303)
    filename = f"backfit-programme-{now:%Y%m%d}.pdf"
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )
