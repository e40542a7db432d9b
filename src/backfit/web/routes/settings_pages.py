"""Settings and data: answers (profile, schedule, equipment), export and import."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from backfit.store.errors import ImportRejected
from backfit.web.routes.api import restore_backup
from backfit.web.routes.onboarding import latest_answers
from backfit.web.routes.schedule_page import schedule_context
from backfit.web.state import AppState, app_state

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(app_state)]


def settings_context(state: AppState) -> dict[str, Any]:
    """What every rendering of the settings page shows."""
    return {"answers": latest_answers(state), "data_dir": state.settings.data_dir}


@router.get("/settings")
def settings_page(request: Request, state: State) -> Any:
    return state.render(request, "settings.html", **settings_context(state), **schedule_context(state))


@router.post("/settings/import")
async def import_file(request: Request, state: State, backup: UploadFile) -> Any:
    form = await request.form()
    replace = form.get("replace") == "yes"
    raw = await backup.read()  # the request's size is bounded by web/security.py
    try:
        counts = await run_in_threadpool(restore_backup, state, raw, replace)
    except ImportRejected as exc:
        return state.render(
            request, "settings.html", status_code=422, **settings_context(state), **schedule_context(state),
            error=str(exc),
        )  # fmt: skip
    restored = sum(counts.values())
    return RedirectResponse(f"/settings?restored={restored}", status_code=303)
