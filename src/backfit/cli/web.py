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


LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (0: any free port) with SO_REUSEADDR, so a restart after a
    crash gets the same port back; a taken port is one clear error line and exit 4."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        fail(
            f"port {port} on {host} is taken ({exc.strerror}): is backfit already running? "
            "Stop it, or choose another port with --port N (--port 0: any free port)",
            ExitCode.invalid_input,
        )
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@app.command()
def web(
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on: this computer only (127.0.0.1, ::1); any other address is clinic mode."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one); a taken port is an error.")] = (
        DEFAULT_PORT
    ),
    clinic: Annotated[
        bool, typer.Option("--clinic", help="Clinic mode: every page, API call and WebSocket needs sign-in.")
    ] = False,
) -> None:
    """Start the web coach (SQLite in your data folder unless BACKFIT_DATABASE_URL says otherwise).

    On this computer only, one person uses it without a password. Clinic mode (--clinic, or
    listening on another address) asks everyone to sign in; add accounts with `backfit users add`."""
    import uvicorn

    from backfit.web import create_app

    settings = get_settings()
    beyond = host.lower() not in LOOPBACK
    if clinic or beyond:
        settings = settings.model_copy(update={"clinic": True})
    if beyond:
        name = host.strip("[]").lower()
        if name in ("0.0.0.0", "::") and not settings.allowed_hosts:
            fail(
                f"listening on every address ({host}) needs the names people will open it by: set "
                "BACKFIT_ALLOWED_HOSTS (e.g. backfit.example.org,192.168.1.20); other Host headers are refused",
                ExitCode.invalid_input,
            )
        if name not in ("0.0.0.0", "::"):
            settings = settings.model_copy(update={"allowed_hosts": [*settings.allowed_hosts, name]})
    try:
        application = create_app(settings)
        application.state.backfit.open()
    except StoreError as exc:
        fail(str(exc), ExitCode.invalid_input)
    sock = listening_socket(host, port)
    chosen = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    console.print(f"[bold]backfit[/] is running at [bold]http://{shown}:{chosen}/[/]  (Ctrl+C stops it)")
    if settings.clinic:
        console.print("Clinic mode: everyone signs in (accounts: `backfit users add|list|disable|enable|reset`).")
    if beyond:
        console.print(
            "[yellow]Serve it to the network through HTTPS (a reverse proxy such as Caddy or nginx): "
            "passwords and sign-in cookies must not travel in plain text.[/]"
        )
    console.print(f"[dim]{DISCLAIMER}[/]")
    config = uvicorn.Config(application, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])
