"""Live-coach capacity: how many camera sessions a server holds with p99 answer latency under 20 ms.

Simulated clients stream synthetic bridge landmarks (backfit.pose.synthetic, looped) at 30 frames/s
over loopback WebSockets to a real ``backfit web --workers N`` (one port; the kernel hands each new
connection to one of the worker processes), without waiting for replies, as the browser does. Latency
is send -> the ack that covers the frame (acks are cumulative). The number of clients rises step by
step (each step ``STEP_S`` seconds after a warm-up, every client a new stream) until p99 passes 20 ms,
the clients fall behind their 30 frames/s schedule, or the server answers a frame with an error.

Wire formats: ``binary`` (the page's: one float32 batch message a frame, backfit.web.live_wire) and
``json`` (one JSON text message a frame, about 2.5 KB). Set-ups: 1 and 2 worker processes.

The clients run in this one process on the same 2 cores as the servers (the machine has no third);
each step prints the CPU the clients used (``load gen`` % of one core) beside the servers' total, so
what the servers got is visible: the figures are a floor for a server with the cores to itself.

Run: ``make bench BENCH=live`` or ``.venv/bin/python -m benchmarks live`` (about 6 minutes; loopback
only; prints, asserts nothing). ``BACKFIT_BENCH_LIVE=binary:2`` runs one set-up (format:workers).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backfit.pose import synthetic as sy  # noqa: E402
from backfit.web import live_wire  # noqa: E402
from benchmarks.common import free_port, intake_answers, start_web  # noqa: E402

FPS = 30.0
LIMIT_MS = 20.0
WARMUP_S = 1.5
STEP_S = 8.0
STEPS = (20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 230, 260, 300)
SETUPS = (("json", 1), ("binary", 1), ("binary", 2))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and its children now (Linux /proc)."""
    total = 0.0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in [pid, *map(int, children.read_text().split())] if children.exists() else [pid]:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def camera_session(port: int) -> tuple[int, int]:
    """Onboard and start a session; returns (session id, hip-bridge item index)."""
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
    """Pre-encoded messages of a synthetic bridge, looped: ``message(seq, t)`` in the chosen format."""

    def __init__(self, wire: str) -> None:
        seq = sy.degrade(sy.bridge(reps=4, hold_s=2.0), noise=0.003, seed=0)
        self.frames = seq.frames
        self.rows = [json.dumps(np.round(f, 5).tolist()) for f in seq.frames]
        self.message: Callable[[int, float], str | bytes] = self.json if wire == "json" else self.binary

    def json(self, seq: int, t: float) -> str:
        return f'{{"type":"frame","seq":{seq},"t":{t:.4f},"landmarks":{self.rows[seq % len(self.rows)]}}}'

    def binary(self, seq: int, t: float) -> bytes:
        frame = self.frames[seq % len(self.frames)][None]
        return live_wire.encode(seq, np.asarray([t]), frame)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    lag: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def client(url: str, frames: Frames, stop_at: float, measure_from: float, tally: Tally) -> None:
    import websockets

    origin = "http://" + url.split("/")[2]
    async with websockets.connect(url, max_size=2**20, compression=None, origin=origin) as ws:
        hello = json.loads(await ws.recv())
        if hello.get("type") != "hello" or hello.get("resumed"):
            tally.errors.append(f"not a fresh stream: {hello}")
            return
        sent: dict[int, float] = {}
        acked = -1

        async def receive() -> None:
            nonlocal acked
            async for raw in ws:
                reply = json.loads(raw)
                if reply.get("type") == "ack":
                    now = time.perf_counter()
                    for seq in range(acked + 1, reply["seq"] + 1):  # acks are cumulative
                        t0 = sent.pop(seq, None)
                        if t0 is not None and t0 >= measure_from:
                            tally.latencies.append((now - t0) * 1000)
                    acked = max(acked, reply["seq"])
                elif reply.get("type") == "error":
                    tally.errors.append(reply.get("detail", ""))

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
                tally.lag.append((now - due) * 1000)
            sent[seq] = time.perf_counter()
            await ws.send(frames.message(seq, 1.0 + seq / FPS))
            seq += 1
        await asyncio.sleep(0.25)
        reader.cancel()
        await ws.send('{"type":"end"}')


@dataclass(frozen=True)
class Step:
    p50: float
    p99: float
    late_pct: int
    errors: int
    unanswered_pct: float
    client_cpu_pct: float
    server_cpu_pct: float


async def step(targets: list[str], n: int, frames: Frames, server_pid: int) -> Step:
    """``n`` clients on fresh streams of the ``targets`` (WebSocket URL prefixes) for one step."""
    tally = Tally()
    run = uuid.uuid4().hex[:8]  # a stream id never used before: the server must not resume an old set
    now = time.perf_counter()
    measure_from, stop_at = now + WARMUP_S, now + WARMUP_S + STEP_S
    cpu_client, cpu_server, wall = own_cpu_s(), process_tree_cpu_s(server_pid), time.perf_counter()
    tasks = [
        client(f"{targets[i % len(targets)]}&stream=b{run}-{i}", frames, stop_at, measure_from, tally) for i in range(n)
    ]
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - wall
    client_pct = 100 * (own_cpu_s() - cpu_client) / wall
    server_pct = 100 * (process_tree_cpu_s(server_pid) - cpu_server) / wall
    late = round(100 * sum(1 for x in tally.lag if x > 1000 / FPS) / max(len(tally.lag), 1))
    expected = n * STEP_S * FPS
    unanswered = max(0.0, 100 * (1 - len(tally.latencies) / expected))
    if not tally.latencies:
        return Step(float("inf"), float("inf"), 100, len(tally.errors), 100.0, client_pct, server_pct)
    p50, p99 = np.percentile(tally.latencies, [50, 99])
    return Step(float(p50), float(p99), late, len(tally.errors), unanswered, client_pct, server_pct)


def capacity(label: str, targets: list[str], frames: Frames, server_pid: int) -> int:
    held = 0
    asyncio.run(step(targets, 10, frames, server_pid))  # warm-up: first connections, imports, caches
    for n in STEPS:
        s = asyncio.run(step(targets, n, frames, server_pid))
        ok = s.p99 < LIMIT_MS and s.late_pct < 5 and s.errors == 0 and s.unanswered_pct < 2
        print(
            f"{label}: {n:4d} sessions ({n * FPS:5.0f} frames/s): p50 {s.p50:5.1f} ms, p99 {s.p99:6.1f} ms, "
            f"late {s.late_pct}%, unanswered {s.unanswered_pct:.1f}%, errors {s.errors}; "
            f"CPU: servers {s.server_cpu_pct:.0f}%, load gen {s.client_cpu_pct:.0f}% "
            f"{'ok' if ok else '-- over'}",
            flush=True,
        )
        if not ok:
            break
        held = n
    print(f"{label}: holds {held} live sessions with p99 < {LIMIT_MS:.0f} ms", flush=True)
    return held


def main() -> None:
    chosen = os.environ.get("BACKFIT_BENCH_LIVE")
    setups = [(w, int(n)) for w, n in (chosen.split(":"),)] if chosen else list(SETUPS)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, (wire, workers) in enumerate(setups):
            port = free_port()
            data = Path(tmp) / f"server{k}"
            server = start_web(data, port, workers)
            try:
                sid, item = camera_session(port)
                label = f"{wire}, {workers} worker{'s' if workers > 1 else ''}"
                url = f"ws://127.0.0.1:{port}/ws/live/{sid}?item={item}"
                results.append((label, capacity(label, [url], Frames(wire), server.pid)))
            finally:
                server.terminate()
                server.wait(timeout=30)
    held = "; ".join(f"{label}: {n}" for label, n in results)
    print(f"summary (sessions at p99 < {LIMIT_MS:.0f} ms): {held}")


if __name__ == "__main__":
    main()
