"""``backfit web``: start the web coach and print where it is."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from backfit.cli.app import ExitCode, app, console, fail
from backfit.services.safety import DISCLAIMER
from backfit.settings import get_settings
from backfit.store.errors import StoreError

DEFAULT_PORT = 8765


def free_port(host: str, preferred: int) -> int:
    """``preferred`` when it is free, else any free port (0: always any)."""
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            chosen: int = probe.getsockname()[1]
            return chosen
    fail(f"no free port on {host}", ExitCode.invalid_input)


@app.command()
def web(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this computer only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port; another free one is used if it is busy.")] = (
        DEFAULT_PORT
    ),
) -> None:
    """Start the web coach (SQLite in your data folder unless BACKFIT_DATABASE_URL says otherwise)."""
    import uvicorn

    from backfit.web import create_app

    settings = get_settings()
    try:
        application = create_app(settings)
        application.state.backfit.open()
    except StoreError as exc:
        fail(str(exc), ExitCode.invalid_input)
    chosen = free_port(host, port)
    console.print(f"[bold]backfit[/] is running at [bold]http://{host}:{chosen}/[/]  (Ctrl+C stops it)")
    console.print(f"[dim]{DISCLAIMER}[/]")
    uvicorn.run(application, host=host, port=chosen, log_level="warning")
