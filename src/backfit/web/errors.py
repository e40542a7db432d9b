"""Errors as pages for people and as JSON for the API: never a traceback."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from backfit.web.state import AppState


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def describe(errors: list[dict[str, Any]]) -> list[str]:
    """One readable line per validation error: where, and what is wrong."""
    out = []
    for error in errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        out.append(f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid")))
    return out


def domain_status(exc: Exception) -> int:
    """The HTTP status of a use case's error: the first matching class wins."""
    from backfit.services.accounts import AccountError
    from backfit.services.jobs import JobNotReady
    from backfit.services.player import Rejected
    from backfit.services.policy import Forbidden
    from backfit.services.prescribing import PrescribingError
    from backfit.services.profiles import NoProgramme
    from backfit.services.sessions import PainBeforeSession
    from backfit.store.errors import DatabaseUnavailable, ImportRejected, NotFound

    kinds = (
        (Forbidden, 403),
        (AccountError, 422),
        (NoProgramme, 409),
        (JobNotReady, 409),
        (NotFound, 404),
        (Rejected, 409),
        (PainBeforeSession, 409),
        (ImportRejected, 422),
        (PrescribingError, 422),
        (DatabaseUnavailable, 503),
    )
    for kind, status in kinds:
        if isinstance(exc, kind):
            return status
    return 500


async def domain_error(request: Request, exc: Exception) -> Response:
    """A use case refused the request: its message, with the fitting 4xx status (503: the database is busy)."""
    status = domain_status(exc)
    headers = {"Retry-After": "5"} if status == 503 else None
    return await http_error(request, HTTPException(status, str(exc), headers=headers))


async def conflict_error(request: Request, exc: Exception) -> Response:
    """A write that kept colliding with concurrent ones (a unique index refused it): try again."""
    return await http_error(request, HTTPException(409, "changed by another request at the same time: try again"))


async def http_error(request: Request, exc: HTTPException) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    state: AppState = request.app.state.backfit
    response: Response = state.render(
        request, "error.html", status_code=exc.status_code, status=exc.status_code, message=exc.detail
    )
    return response


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    problems = describe(list(exc.errors()))
    if wants_json(request):
        return JSONResponse({"detail": "invalid input", "errors": problems}, status_code=422)
    state: AppState = request.app.state.backfit
    response: Response = state.render(request, "error.html", status_code=422, status=422, message="; ".join(problems))
    return response
