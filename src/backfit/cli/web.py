"""``backfit web``: start the web coach and print where it is."""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer

from backfit.cli.app import ExitCode, app, console, fail
from backfit.services.safety import DISCLAIMER
from backfit.settings import Settings, get_settings
from backfit.store.errors import StoreError

DEFAULT_PORT = 8765


WORKER_APP = "backfit.web:create_app"
"""What each worker process builds (from the same environment, hence the same settings)."""

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def listening_socket(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A socket bound to ``host:port`` (0: any free port) with SO_REUSEADDR, so a restart after a
    crash gets the same port back; a taken port is one clear error line and exit 4. With
    ``reuse_port`` (SO_REUSEPORT) other sockets of this user may listen on the same port: the
    workers' (:func:`worker_sockets`).

    It is made with its protocol named (TCP): asyncio then turns Nagle's algorithm off on every
    connection it accepts (TCP_NODELAY), as it does for the servers it binds itself. Without that
    a small reply written while the previous one is unacknowledged waits for the client's next
    message: under load the live coach's acks came one frame (33 ms) late."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
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


def worker_sockets(host: str, port: int, workers: int) -> list[socket.socket]:
    """One listening socket a worker on one port (SO_REUSEPORT): the kernel spreads new connections
    over them evenly. With one shared socket, whichever worker woke first accepted a whole burst of
    connections (60 live sets split 41 to 19) and its core ran out while the other idled.

    The port is first taken without SO_REUSEPORT, so a port in use (another backfit's workers
    included) is still an error rather than a port silently shared with them."""
    probe = listening_socket(host, port)
    chosen = probe.getsockname()[1]
    probe.close()
    return [listening_socket(host, chosen, reuse_port=True) for _ in range(workers)]


def _serve_worker(sock: socket.socket) -> None:
    """A worker process: the app built from the environment, served on its own socket."""
    import uvicorn

    uvicorn.Server(uvicorn.Config(WORKER_APP, factory=True, log_level="warning")).run(sockets=[sock])


def serve_workers(sockets: list[socket.socket]) -> None:
    """Run one worker process a socket until Ctrl+C or SIGTERM; a worker that dies is started again
    on its socket (connections the kernel gave that socket wait in its queue meanwhile), unless it
    failed before serving (a broken set-up fails again: everything stops)."""
    import multiprocessing
    import signal
    import threading

    from uvicorn.config import STARTUP_FAILURE

    spawn = multiprocessing.get_context("spawn")
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())

    def start(sock: socket.socket) -> multiprocessing.process.BaseProcess:
        process = spawn.Process(target=_serve_worker, args=(sock,))
        process.start()
        return process

    processes = [start(sock) for sock in sockets]
    while not stopping.wait(0.5):
        for i, process in enumerate(processes):
            if process.is_alive() or stopping.is_set():
                continue
            if process.exitcode == STARTUP_FAILURE:
                console.print("[red]A worker process could not start; stopping.[/]")
                stopping.set()
                break
            processes[i] = start(sockets[i])
    for process in processes:
        if process.is_alive():
            process.terminate()  # SIGTERM: uvicorn finishes what it serves
    for process in processes:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
            process.join()


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
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes sharing the port (each uses one core; live sets and charts work with any number).",
        ),
    ] = 1,
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
        application = create_app(settings)  # creates the signing secret that every worker then reads
        application.state.backfit.open()  # migrates the database once, before any worker starts
    except StoreError as exc:
        fail(str(exc), ExitCode.invalid_input)
    sockets = worker_sockets(host, port, workers) if workers > 1 else [listening_socket(host, port)]
    chosen = sockets[0].getsockname()[1]
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
    if workers == 1:
        uvicorn.Server(uvicorn.Config(application, log_level="warning")).run(sockets=sockets)
        return
    application.state.backfit.close()
    carry_to_workers(settings)
    console.print(f"[dim]{workers} worker processes share the port.[/]")
    serve_workers(sockets)


def carry_to_workers(settings: Settings) -> None:
    """Put what the options changed into the environment every worker builds its settings from:
    a worker without them would serve a clinic password-free, or refuse its own host name."""
    os.environ["BACKFIT_CLINIC"] = "true" if settings.clinic else "false"
    os.environ["BACKFIT_ALLOWED_HOSTS"] = ",".join(settings.allowed_hosts)


@app.command()
def worker() -> None:
    """Run background jobs (handout PDFs, uploaded videos) from the PostgreSQL queue until Ctrl+C."""
    from backfit.services.job_queue import run_worker
    from backfit.web.state import AppState

    settings = get_settings()
    if settings.is_sqlite:
        fail(
            "backfit worker takes jobs from a PostgreSQL queue; on SQLite the web app runs them itself",
            ExitCode.invalid_input,
        )
    state = AppState(settings)
    try:
        state.open()
    except StoreError as exc:
        fail(str(exc), ExitCode.invalid_input)
    console.print("[bold]backfit worker[/] is taking jobs from the queue  (Ctrl+C stops it)")
    try:
        run_worker(state.job_context(), settings.database_url)
    finally:
        state.close()
