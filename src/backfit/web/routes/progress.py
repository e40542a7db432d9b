"""History and progress: past sessions, check-ins and the charts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from backfit.services import charts, checkins
from backfit.services.history import data_version, history, progress_series
from backfit.store.errors import NotFound
from backfit.web.auth import PersonDep
from backfit.web.state import AppState, app_state

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(app_state)]
CHARTS = {
    "pain": "Pain over time, with the band of two points either side of where you started",
    "volume": "Weekly volume per exercise family",
    "adherence": "Sessions done against sessions scheduled, each week",
    "ladder": "Ladder step of each exercise family",
}


SAVED = {
    "now": "Saved: how your back feels right now.",
    "next_morning": "Saved: how your back felt the morning after your last session.",
}


@router.get("/history")
def history_page(
    request: Request,
    state: State,
    person: PersonDep,
    limit: Annotated[int, Query(ge=1, le=5000)] = 30,
    saved: Annotated[Literal["now", "next_morning", "psfs"] | None, Query()] = None,
) -> Any:
    notice = "Saved: your activity ratings." if saved == "psfs" else SAVED.get(saved or "")
    return render_history(request, state, person, limit, notice=notice)


def render_history(
    request: Request,
    state: AppState,
    person: str,
    limit: int,
    *,
    notice: str | None = None,
    problem: str | None = None,
) -> Any:
    """The history page, with a confirmation (``notice``) or a refusal (``problem``, status 409) at the top."""
    with state.unit_of_work() as session:
        try:
            rows = history(session, person, limit=limit + 1, catalog=state.catalog)
            psfs_due = checkins.psfs_due(session, now=state.now(), name=person)
            activities = checkins.psfs_activities(session, person)
            pain_checkins = checkins.recent_checkins(session, limit=20, name=person)
        except NotFound:
            return RedirectResponse("/", status_code=303)
    return state.render(
        request,
        "history.html",
        rows=rows[:limit],
        more=len(rows) > limit,
        limit=limit,
        charts=CHARTS,
        psfs_due=psfs_due,
        activities=activities,
        checkins=pain_checkins,
        catalog=state.catalog,
        notice=notice,
        problem=problem,
        status_code=409 if problem else 200,
    )


@router.get("/charts/{name}.svg")
def chart(request: Request, state: State, person: PersonDep, name: str) -> Response:
    """A progress chart; drawn again only when the data behind it (or the day) changed."""
    if name not in CHARTS:
        raise HTTPException(404, f"there is no chart '{name}'")
    now = state.now()
    with state.unit_of_work() as session:
        try:
            version = (*data_version(session, person), now.date().toordinal())
            etag = f'"{name}-{"-".join(map(str, version))}"'
            if request.headers.get("if-none-match") == etag:
                return Response(status_code=304, headers={"ETag": etag})
            body = state.chart_cache.get((name, version))
            if body is None:
                body = charts.svg(name, progress_series(session, state.catalog, now=now, name=person))
                state.chart_cache.put((name, version), body)
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    return Response(body, media_type="image/svg+xml", headers=headers)


@router.post("/checkins")
def checkin(
    request: Request,
    state: State,
    person: PersonDep,
    moment: Annotated[Literal["now", "next_morning"], Form()],
    pain: Annotated[int, Form(ge=0, le=10)],
) -> Any:
    problem = ""
    with state.unit_of_work() as session:
        try:
            if moment == "now":
                checkins.record_pain_now(session, pain=pain, now=state.now(), name=person)
            else:
                checkins.record_next_morning(session, pain=pain, catalog=state.catalog, now=state.now(), name=person)
        except (NotFound, ValueError) as exc:
            problem = str(exc)
    if problem:
        return render_history(request, state, person, 30, problem=f"Not saved: {problem[0].upper()}{problem[1:]}.")
    return RedirectResponse(f"/history?saved={moment}", status_code=303)


@router.post("/psfs")
async def psfs(request: Request, state: State, person: PersonDep) -> Any:
    form = await request.form()
    with state.unit_of_work() as session:
        activities = checkins.psfs_activities(session, person)
        ratings: dict[str, int] = {}
        for i, activity in enumerate(activities):
            raw = str(form.get(f"rating_{i}", "")).strip()
            if not (raw.isdigit() and len(raw) <= 2 and 0 <= int(raw) <= 10):
                raise HTTPException(422, f"rate '{activity}' with a whole number from 0 to 10")
            ratings[activity] = int(raw)
        if not ratings:
            raise HTTPException(409, "no PSFS activities: name them in the intake")
        try:
            checkins.record_psfs(session, ratings, now=state.now(), name=person)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
    return RedirectResponse("/history?saved=psfs", status_code=303)
