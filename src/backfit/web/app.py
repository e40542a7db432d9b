"""The FastAPI app factory: settings in, app out; nothing built at import."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from backfit import __version__
from backfit.settings import Settings, get_settings
from backfit.web.auth import SignInGate, navigation
from backfit.web.security import Guard, signing_secret
from backfit.web.state import AppState

HERE = Path(__file__).parent


class BackfitApp(FastAPI):
    """FastAPI with :class:`backfit.web.security.Guard` outside everything (even the
    500 handler), so every response and WebSocket handshake passes its checks, and the
    sign-in gate (:mod:`backfit.web.auth`) inside it: no route runs without an actor."""

    guard_options: dict[str, Any]

    def build_middleware_stack(self) -> ASGIApp:
        return Guard(SignInGate(super().build_middleware_stack(), self.state.backfit), **self.guard_options)


def create_app(settings: Settings | None = None, clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The web app for ``settings`` (default: from the environment). The database
    is opened (and migrated) when the app starts; ``clock`` (tests) replaces the real time."""
    settings = settings or get_settings()
    state = AppState(settings, clock) if clock is not None else AppState(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state.open()
        try:
            yield
        finally:
            state.close()

    app = BackfitApp(
        title="backfit",
        version=__version__,
        summary="A coach for a hamstrings-and-low-back routine. Not medical advice.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's own /docs loads Swagger UI from a CDN: ours below serves the pinned copy
        redoc_url=None,
    )
    app.guard_options = {
        "allowed_hosts": settings.allowed_hosts,
        "signing_secret": signing_secret(settings.data_dir),
    }
    app.state.backfit = state
    state.templates.env.globals["navigation"] = navigation
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from sqlalchemy.exc import IntegrityError

    from backfit.services.accounts import AccountError
    from backfit.services.jobs import JobNotReady
    from backfit.services.player import Rejected
    from backfit.services.policy import Forbidden
    from backfit.services.prescribing import PrescribingError
    from backfit.services.sessions import PainBeforeSession
    from backfit.store.errors import DatabaseUnavailable, ImportRejected, NotFound
    from backfit.web import live
    from backfit.web.errors import conflict_error, domain_error, http_error, validation_error
    from backfit.web.routes import (
        accounts_pages,
        api,
        clinic,
        handout,
        jobs,
        library,
        onboarding,
        progress,
        replay,
        schedule_api,
        sessions,
        settings_pages,
    )

    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(IntegrityError, conflict_error)
    refusals = (
        NotFound,
        Rejected,
        ImportRejected,
        DatabaseUnavailable,
        PainBeforeSession,
        Forbidden,
        AccountError,
        PrescribingError,
        JobNotReady,
    )
    for error in refusals:
        app.add_exception_handler(error, domain_error)
    routers = (onboarding, library, sessions, progress, settings_pages, handout, api, schedule_api, accounts_pages)
    for module in (*routers, replay, clinic, jobs):
        app.include_router(module.router)
    live.install(app)

    @app.get("/docs", include_in_schema=False)
    def api_docs(request: Request) -> Response:
        """The API browser: Swagger UI from the pinned npm package (scripts/assets.py), no CDN."""
        page: Response = state.render(request, "api_docs.html")
        return page

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        """Alive, its version, and which worker process answered (``backfit web --workers N``)."""
        return JSONResponse({"ok": True, "version": __version__, "worker": os.getpid()})

    return app
