"""Live-coach capacity: how many camera sessions a server holds with p99 event latency under 20 ms.

Simulated clients stream synthetic bridge landmarks (backfit.pose.synthetic, looped; about 2.5 KB of
JSON a frame) at 30 frames/s over loopback WebSockets to real uvicorn servers (separate processes),
without waiting for replies, as the browser does; latency is send -> ack of each frame. The number of
clients rises step by step (each step ``STEP_S`` seconds after a warm-up) until p99 passes 20 ms or the
clients fall behind their 30 frames/s schedule.

Two set-ups: one server process (one core's worth), and two server processes on two ports, each
client pinned to one (the machine has 2 cores; ``uvicorn --workers 2`` shares one port but leaves the
balance to the kernel, and a live stream's state lives in one process, so a reconnect must reach the
same one). The clients run in this process and share the machine's 2 cores with the servers, so the
figures are a floor.

Run: ``.venv/bin/python -m benchmarks live`` (about 2-3 minutes; loopback only; prints, asserts nothing).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backfit.pose import synthetic as sy  # noqa: E402
from benchmarks.common import free_port, intake_answers  # noqa: E402

FPS = 30.0
LIMIT_MS = 20.0
WARMUP_S = 1.5
STEP_S = 8.0
STEPS = (5, 10, 15, 20, 25, 30, 40, 50, 60, 80)


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BACKFIT_DATA_DIR": str(data_dir), "BACKFIT_DATABASE_URL": f"sqlite:///{data_dir}/backfit.db"}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "backfit.web:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--ws",
        "websockets",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


def camera_session(port: int) -> tuple[int, int]:
    """Onboard (once per database) and start a session; returns (session id, hip-bridge item index)."""
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base) as page:  # as backfit's own page: its Origin and CSRF token
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.get("/exercises").text)
        assert token is not None
        page.headers.update({"Origin": base, "X-CSRFToken": token.group(1)})
        page.post("/api/intake", json=intake_answers(experience="regular")).raise_for_status()
        session = page.post("/api/sessions", json={"pain_start": 1}).json()
    item = next(i["index"] for i in session["items"] if i["exercise_id"] == "hip-bridge")
    return session["id"], item


class Frames:
    """Pre-encoded landmark rows of a synthetic bridge, looped."""

    def __init__(self) -> None:
        seq = sy.degrade(sy.bridge(reps=4, hold_s=2.0), noise=0.003, seed=0)
        self.rows = [json.dumps(np.round(f, 5).tolist()) for f in seq.frames]

    def message(self, seq: int, t: float) -> str:
        return f'{{"type":"frame","seq":{seq},"t":{t:.4f},"landmarks":{self.rows[seq % len(self.rows)]}}}'


async def client(
    url: str, frames: Frames, stop_at: float, measure_from: float, latencies: list[float], lag: list[float]
) -> None:
    import websockets

    origin = "http://" + url.split("/")[2]
    async with websockets.connect(url, max_size=2**20, compression=None, origin=origin) as ws:
        json.loads(await ws.recv())  # hello
        sent: dict[int, float] = {}

        async def receive() -> None:
            async for raw in ws:
                reply = json.loads(raw)
                if reply.get("type") == "ack":
                    t0 = sent.pop(reply["seq"], None)
                    if t0 is not None and t0 >= measure_from:
                        latencies.append((time.perf_counter() - t0) * 1000)

        reader = asyncio.create_task(receive())
        start = time.perf_counter() + np.random.default_rng().uniform(0, 1 / FPS)
        seq = 0
        while True:
            due = start + seq / FPS
            now = time.perf_counter()
            if due > stop_at:
                break
            if due > now:
                await asyncio.sleep(due - now)
            elif due >= measure_from:
                lag.append((now - due) * 1000)
            sent[seq] = time.perf_counter()
            await ws.send(frames.message(seq, 1.0 + seq / FPS))
            seq += 1
        await asyncio.sleep(0.2)
        reader.cancel()


async def step(targets: list[str], n: int, frames: Frames) -> tuple[float, float, int]:
    """``n`` clients spread over ``targets`` (WebSocket URL prefixes) for one step: (p50 ms, p99 ms, late frames %)."""
    latencies: list[float] = []
    lag: list[float] = []
    now = time.perf_counter()
    measure_from, stop_at = now + WARMUP_S, now + WARMUP_S + STEP_S
    tasks = [
        client(f"{targets[i % len(targets)]}&stream=b{n}-{i}", frames, stop_at, measure_from, latencies, lag)
        for i in range(n)
    ]
    await asyncio.gather(*tasks)
    late = 100 * sum(1 for x in lag if x > 1000 / FPS) / max(len(lag), 1)
    if not latencies:
        return float("inf"), float("inf"), 100
    return float(np.percentile(latencies, 50)), float(np.percentile(latencies, 99)), round(late)


def capacity(label: str, targets: list[str], frames: Frames) -> int:
    held = 0
    asyncio.run(step(targets, STEPS[0], frames))  # warm-up: first connections, imports, caches
    for n in STEPS:
        p50, p99, late = asyncio.run(step(targets, n, frames))
        ok = p99 < LIMIT_MS and late < 5
        print(
            f"{label}: {n:4d} sessions ({n * FPS:6.0f} frames/s): p50 {p50:5.1f} ms, p99 {p99:6.1f} ms, "
            f"clients late on {late}% of frames {'ok' if ok else '-- over'}",
            flush=True,
        )
        if not ok:
            break
        held = n
    print(f"{label}: holds {held} live sessions with p99 < {LIMIT_MS:.0f} ms", flush=True)
    return held


def main() -> None:
    frames = Frames()
    with tempfile.TemporaryDirectory() as tmp:
        servers = []
        try:
            urls = []
            for k in range(2):
                port = free_port()
                data = Path(tmp) / f"server{k}"
                data.mkdir()
                servers.append(start_server(data, port))
                sid, item = camera_session(port)
                urls.append(f"ws://127.0.0.1:{port}/ws/live/{sid}?item={item}")
            one = capacity("1 server process", urls[:1], frames)
            two = capacity("2 server processes", urls, frames)
            print(f"summary: one process {one}, the 2-core machine {two} live sessions at p99 < {LIMIT_MS:.0f} ms")
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)


if __name__ == "__main__":
    main()
