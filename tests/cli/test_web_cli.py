"""`backfit web` as a person runs it: a taken port is an error (not a silent other port), a
restart after kill -9 gets the same port back, another address or --clinic asks everyone to sign in, and the
files it creates are the person's alone."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import free_port

BACKFIT = [sys.executable, "-c", "from backfit.cli import main; main()"]


def start(data: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "BACKFIT_DATA_DIR": str(data)}
    env.pop("BACKFIT_DATABASE_URL", None)
    return subprocess.Popen(
        [*BACKFIT, "web", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_up(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"backfit web exited: {process.communicate()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("backfit web did not answer")


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[Path, int, subprocess.Popen[str]]]:
    port = free_port()
    process = start(tmp_path / "data", "--port", str(port))
    try:
        wait_up(port, process)
        yield tmp_path / "data", port, process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_a_taken_port_is_an_error(running: tuple[Path, int, subprocess.Popen[str]], tmp_path: Path) -> None:
    _, port, _ = running
    second = start(tmp_path / "other", "--port", str(port))
    _, err = second.communicate(timeout=60)
    assert second.returncode == 4
    assert f"port {port}" in err
    assert "taken" in err


def test_after_kill_9_the_restart_gets_the_same_port(running: tuple[Path, int, subprocess.Popen[str]]) -> None:
    data, port, process = running
    # an open connection leaves the port in TIME_WAIT when the server dies
    with httpx.Client() as client:
        assert client.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    again = start(data, "--port", str(port))
    try:
        wait_up(port, again)
    finally:
        again.kill()
        again.communicate()


def test_every_address_needs_the_names_people_use(tmp_path: Path) -> None:
    process = start(tmp_path / "data", "--host", "0.0.0.0", "--port", "0")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 4
    assert "BACKFIT_ALLOWED_HOSTS" in err


def wait_host(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"backfit web exited: {process.communicate()}")
        try:
            httpx.get(f"{url}/healthz", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("backfit web did not answer")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--host", "127.0.0.2"), id="another-address"),
        pytest.param(("--clinic",), id="clinic"),
        pytest.param(("--host", "127.0.0.2", "--workers", "2"), id="another-address-two-workers"),
        pytest.param(("--clinic", "--workers", "2"), id="clinic-two-workers"),
    ],
)
def test_beyond_this_computer_or_clinic_everyone_signs_in(tmp_path: Path, args: tuple[str, ...]) -> None:
    port = free_port()
    process = start(tmp_path / "data", *args, "--port", str(port))
    host = args[1] if args[0] == "--host" else "127.0.0.1"
    url = f"http://{host}:{port}"
    try:
        wait_host(url, process)
        for _ in range(20):  # fresh connections: with two workers, the kernel gives each some of them
            page = httpx.get(f"{url}/today")
            assert page.status_code == 303
            assert page.headers["location"] == "/sign-in?next=%2Ftoday"
            assert httpx.get(f"{url}/api/programme").status_code == 401
        assert httpx.get(f"{url}/sign-in").status_code == 200
    finally:
        out = stop(process)
    assert "Clinic mode" in out


def stop(process: subprocess.Popen[str]) -> str:
    """Stop ``backfit web`` as Ctrl+C does (its workers with it: a SIGKILL of the supervisor would
    leave them holding the output pipe open); its output."""
    process.send_signal(signal.SIGINT)
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate(timeout=30)
    return out


def test_data_folder_database_and_wal_are_private(running: tuple[Path, int, subprocess.Popen[str]]) -> None:
    data, _, _ = running
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [data / "backfit.db", data / "backfit.db-wal", data / "backfit.db-shm", data / "csrf-secret"]
    modes = {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files if f.exists()}
    assert {"backfit.db", "csrf-secret"} <= set(modes)
    assert set(modes.values()) == {"0o600"}, modes


def test_workers_share_one_port_and_one_signing_secret(tmp_path: Path) -> None:
    """Two worker processes answer on one port; a page's CSRF token drawn by one is accepted by the
    other (the secret is the same in every worker), and a live set runs on any of them."""
    import re

    from websockets.sync.client import connect

    port = free_port()
    process = start(tmp_path / "data", "--port", str(port), "--workers", "2")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_up(port, process)
        with httpx.Client(base_url=base) as page:
            token = re.search(r'name="csrf-token" content="([^"]+)"', page.get("/exercises").text)
            assert token is not None
            cookies = dict(page.cookies)
        workers: set[int] = set()
        answers: set[int] = set()
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:  # each fresh connection: a worker the kernel picks
            headers = {"Origin": base, "X-CSRFToken": token.group(1), "Connection": "close"}
            with httpx.Client(base_url=base, cookies=cookies, headers=headers) as fresh:
                workers.add(fresh.get("/healthz").json()["worker"])
                answers.add(fresh.post("/api/sessions/999999/finish", json={"pain_end": 1}).status_code)
        assert len(workers) == 2, "only one worker process answered"
        assert answers == {404}, "a worker refused the token another worker drew (403) or failed"
        for k in range(4):
            with connect(f"ws://127.0.0.1:{port}/ws/practise/hip-bridge?stream=w{k}", origin=base) as ws:
                assert '"hello"' in ws.recv(timeout=30)
                ws.send('{"type": "frame", "seq": 0, "t": 1.0, "landmarks": null}')
                assert '"ack"' in ws.recv(timeout=30)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def test_connections_on_the_listening_socket_send_small_replies_at_once() -> None:
    """Served as uvicorn serves it (asyncio on the given socket), each accepted connection has Nagle's
    algorithm off: a live ack must not wait for the client's next frame."""
    import asyncio
    import socket

    from backfit.cli.web import listening_socket

    async def accepted_nodelay() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def handle(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            seen.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        sock = listening_socket("127.0.0.1", 0)
        server = await asyncio.start_server(handle, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection(*sock.getsockname())
            value = await asyncio.wait_for(seen, 10)
            writer.close()
        return value

    assert asyncio.run(accepted_nodelay()) != 0


def test_two_workers_each_take_a_share_of_a_burst_of_connections(tmp_path: Path) -> None:
    """Forty connections opened at once and kept open (as live sets are): each worker takes a fair
    share. With one shared listening socket the worker that woke first took most of a burst."""
    import socket
    from concurrent.futures import ThreadPoolExecutor

    port = free_port()
    process = start(tmp_path / "data", "--port", str(port), "--workers", "2")
    try:
        wait_up(port, process)
        deadline = time.monotonic() + 60
        seen: set[int] = set()
        while len(seen) < 2 and time.monotonic() < deadline:  # both workers are serving
            seen.add(httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"Connection": "close"}).json()["worker"])
        opened = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]  # a burst, all at once

        def worker_of(conn: socket.socket) -> int:
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := conn.recv(65536):
                reply += chunk
            conn.close()
            return int(reply.split(b'"worker":')[1].split(b"}")[0].split(b",")[0])

        with ThreadPoolExecutor(8) as pool:
            pids = list(pool.map(worker_of, opened))
        shares = sorted(pids.count(pid) for pid in set(pids))
        assert len(shares) == 2, f"one worker took all {len(pids)} connections"
        assert shares[0] >= 8, f"the connections split {shares}"
    finally:
        stop(process)
