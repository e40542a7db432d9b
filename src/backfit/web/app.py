"""The FastAPI app factory: settings in, app out; nothing built at import."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from backfit import __version__
from backfit.settings import Settings, get_settings
from backfit.web.state import AppState

HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; "
    "script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


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

    app = FastAPI(
        title="backfit",
        version=__version__,
        summary="A coach for a hamstrings-and-low-back routine. Not medical advice.",
        lifespan=lifespan,
    )
    app.state.backfit = state
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        return response

    from backfit.services.player import Rejected
    from backfit.services.sessions import PainBeforeSession
    from backfit.store.errors import ImportRejected, NotFound
    from backfit.web import live
    from backfit.web.errors import domain_error, http_error, validation_error
    from backfit.web.routes import api, library, onboarding, progress, sessions, settings_pages

    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    for error in (NotFound, Rejected, ImportRejected, PainBeforeSession):
        app.add_exception_handler(error, domain_error)
    for module in (onboarding, library, sessions, progress, settings_pages, api):
        app.include_router(module.router)
    live.install(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        return JSONResponse({"ok": True, "version": __version__})

    return app
