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
    "args", [pytest.param(("--host", "127.0.0.2"), id="another-address"), pytest.param(("--clinic",), id="clinic")]
)
def test_beyond_this_computer_or_clinic_everyone_signs_in(tmp_path: Path, args: tuple[str, ...]) -> None:
    port = free_port()
    process = start(tmp_path / "data", *args, "--port", str(port))
    host = args[1] if args[0] == "--host" else "127.0.0.1"
    url = f"http://{host}:{port}"
    try:
        wait_host(url, process)
        page = httpx.get(f"{url}/today")
        assert page.status_code == 303
        assert page.headers["location"] == "/sign-in?next=%2Ftoday"
        assert httpx.get(f"{url}/api/programme").status_code == 401
        assert httpx.get(f"{url}/sign-in").status_code == 200
    finally:
        process.kill()
        out, _ = process.communicate()
    assert "Clinic mode" in out


def test_data_folder_database_and_wal_are_private(running: tuple[Path, int, subprocess.Popen[str]]) -> None:
    data, _, _ = running
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [data / "backfit.db", data / "backfit.db-wal", data / "backfit.db-shm", data / "csrf-secret"]
    modes = {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files if f.exists()}
    assert {"backfit.db", "csrf-secret"} <= set(modes)
    assert set(modes.values()) == {"0o600"}, modes
