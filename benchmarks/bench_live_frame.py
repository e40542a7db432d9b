"""The live coach's cost per frame on the server, in process: microseconds a frame and where they go.

Each stream is sent as the page sends it under light load (one binary message a frame,
:mod:`backfit.web.live_wire`, answered before the next arrives) through the server's own per-frame
path: the WebSocket route's loop (:func:`backfit.web.live._coach`, on a stand-in socket that hands
over the next message once the previous one is answered) -> :func:`backfit.web.live.handle_many`
(decode, clean, analyse, live hold state, reply) -> the reply's JSON as Starlette encodes it ->
:class:`backfit.services.live_store.LiveStore` (the recording stored about once a second of
stream time, in a throwaway SQLite database).

Streams: the synthetic bridge of the capacity benchmark (``bench_live``: 4 reps with 2 s holds,
noisy, looped) and the real clip of the tests (``tests/data/clips``, run through the pose model
once, looped; skipped when the pose model is not installed).

Per stream it prints the route's wall and CPU microseconds a frame, then a stage breakdown from
a second pass that calls the stages one by one with timers around them (CPU time of the thread, so
that other work on the shared cores counts less, though in a virtual machine it still includes time
the host gave the core to others; the timers add about a microsecond a stage):
``decode`` (live_wire + frames), ``analyse`` (LiveCoach.feed_many, split into ``quantize`` of the
recording codec, ``framing``, ``clean`` (LandmarkCleaner), ``hold`` (the live top-position state)
and ``machine`` (the rest of the analyzer: geometry, views, state machines)), ``reply`` (state +
JSON), ``store`` (CPU only: not the time waiting for the disk). Each figure is the best of
``REPEATS`` passes (the machine is shared: the minimum is the least disturbed).

Run: ``.venv/bin/python -m benchmarks live_frame`` (about a minute; prints, asserts nothing).
``BACKFIT_BENCH_FRAMES=N`` sets the frames a stream (default 3000), ``BACKFIT_BENCH_REPEATS`` the
passes (default 3), ``BACKFIT_BENCH_STREAMS=synthetic`` (or ``clip``) runs one stream;
``BACKFIT_BENCH_PROFILE=1`` adds a cProfile of one route pass (top functions by own time).
Instructions a frame, which the machine's load does not change: run it twice under
``valgrind --tool=callgrind`` with ``BACKFIT_BENCH_REPEATS=1 BACKFIT_BENCH_STREAMS=synthetic`` and
two frame counts, and divide the difference of the totals by three times the difference of the counts
(each repeat runs the stream three times: warm-up, route, stages).
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import pstats
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from backfit.catalog import load_catalog
from backfit.catalog.schema import Exercise
from backfit.services import live as live_service
from backfit.services import recording_codec
from backfit.services.live import LiveCoach, LiveStreams, StreamKey
from backfit.services.live_store import LiveStore
from backfit.store import open_database
from backfit.store.database import Database
from backfit.web import live as live_route
from backfit.web import live_wire
from benchmarks.bench_live import FPS, Frames
from benchmarks.common import camera_set

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "tests" / "data" / "clips" / "bridge_side_1rep_hold.mp4"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
REPEATS = int(os.environ.get("BACKFIT_BENCH_REPEATS", "3"))
END = '{"type":"end"}'


@dataclass(frozen=True)
class Stream:
    name: str
    aspect: float
    messages: list[bytes]
    times: list[float]


def synthetic_stream(n: int) -> Stream:
    """The capacity benchmark's looped synthetic bridge, one binary message a frame."""
    frames = Frames("binary")
    times = [1.0 + i / FPS for i in range(n)]
    return Stream("synthetic bridge", 4 / 3, [frames.binary(i, t) for i, t in enumerate(times)], times)


def clip_stream(n: int) -> Stream | None:
    """The real clip's landmarks (the pose model run once), looped; None without the pose model."""
    try:
        from backfit.services.analysis import analyze_video

        clip = analyze_video(CLIP, load_catalog().get_or_raise("hip-bridge"))
    except Exception as exc:  # no mediapipe, no clip: the synthetic stream still runs
        print(f"(real clip skipped: {exc})")
        return None
    marks = np.where(np.isfinite(clip.landmarks).all(axis=(1, 2))[:, None, None], clip.landmarks, np.nan)
    step = float(np.median(np.diff(clip.times)))
    period = float(clip.times[-1] - clip.times[0]) + step
    times = [1.0 + (i // len(marks)) * period + float(clip.times[i % len(marks)] - clip.times[0]) for i in range(n)]
    messages = [live_wire.encode(i, np.asarray([t]), marks[i % len(marks)][None]) for i, t in enumerate(times)]
    return Stream(f"real clip ({len(marks)} frames, looped)", float(clip.aspect), messages, times)


class Socket:
    """A stand-in for Starlette's WebSocket: the next message once the previous one is answered."""

    def __init__(self, app: Any, stream: Stream, clock: list[float]) -> None:
        self.app = app
        self._messages: Iterator[bytes | str] = iter([*stream.messages, END])
        self._times = iter(stream.times)
        self._clock = clock
        self._turn = asyncio.Event()
        self._turn.set()
        self.errors: list[str] = []

    async def receive(self) -> dict[str, Any]:
        await self._turn.wait()
        self._turn.clear()
        message = next(self._messages, None)
        if message is None:
            return {"type": "websocket.disconnect", "code": 1000}
        self._clock[0] = next(self._times, self._clock[0])  # the store's clock follows the stream
        key = "bytes" if isinstance(message, bytes) else "text"
        return {"type": "websocket.receive", key: message}

    async def send_json(self, data: dict[str, Any]) -> None:
        json.dumps(data, separators=(",", ":"), ensure_ascii=False)  # what Starlette's send_json does first
        if data["type"] == "error":
            self.errors.append(data["detail"])
        if data["type"] != "hello":
            self._turn.set()


class Setup:
    """A database with a camera set in progress, and a fresh stream key for each pass."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.catalog = load_catalog()
        self.exercise: Exercise = self.catalog.get_or_raise("hip-bridge")
        self.session_id, self.item = camera_set(db, self.catalog, NOW)
        self.passes = 0
        self.clock = [0.0]

    def key(self) -> StreamKey:
        self.passes += 1
        return (self.session_id, self.item, f"bench{self.passes}")

    def store(self) -> LiveStore:
        return LiveStore(self.db.unit_of_work, lambda: NOW, clock=lambda: self.clock[0])


def route_pass(setup: Setup, stream: Stream) -> tuple[float, float]:
    """(wall, CPU) microseconds a frame of one pass through the WebSocket route's loop."""
    app = SimpleNamespace(state=SimpleNamespace(live_streams=LiveStreams(), live_store=setup.store()))
    socket = Socket(app, stream, setup.clock)
    key = setup.key()
    wall, cpu = time.perf_counter(), time.process_time()
    asyncio.run(live_route._coach(socket, key, setup.exercise, stream.aspect))  # type: ignore[arg-type]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if socket.errors:
        raise RuntimeError(f"the server answered with errors: {socket.errors[:3]}")
    n = len(stream.messages)
    return 1e6 * wall / n, 1e6 * cpu / n


clock = time.thread_time
"""The stages' timer: this thread's CPU seconds (other work on the shared cores does not count)."""


class Timers:
    """CPU seconds spent in named stages (timers wrapped around functions)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        seconds = self.seconds

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[name] += clock() - start

        return timed


@contextmanager
def patched(obj: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def stage_pass(setup: Setup, stream: Stream) -> dict[str, float]:
    """Microseconds a frame in each stage of the per-frame path, the stages called one by one."""
    key = setup.key()
    store = setup.store()
    coach, _ = store.open(LiveStreams(), key, lambda: LiveCoach(setup.exercise, stream.aspect))
    timers = Timers()
    wrap = timers.wrap
    analyzer = coach.analyzer
    analyzer._clean = wrap("clean", analyzer._clean)  # type: ignore[method-assign]
    analyzer.machine.top_now = wrap("hold", analyzer.machine.top_now)  # type: ignore[method-assign]
    coach.feed_many = wrap("analyse", coach.feed_many)  # type: ignore[method-assign]
    coach.state = wrap("state", coach.state)  # type: ignore[method-assign]
    seconds = timers.seconds
    with (
        patched(live_route, "parse", wrap("decode", live_route.parse)),
        patched(recording_codec, "quantize_offsets", wrap("quantize", recording_codec.quantize_offsets)),
        patched(recording_codec, "quantize_landmarks", wrap("quantize", recording_codec.quantize_landmarks)),
        patched(live_service, "out_of_frame", wrap("framing", live_service.out_of_frame)),
    ):
        for t, raw in zip(stream.times, stream.messages, strict=True):
            setup.clock[0] = t
            start = clock()
            replies = live_route.handle_many(coach, [raw])
            seconds["handle"] += clock() - start
            start = clock()
            for reply in replies:
                json.dumps(reply, separators=(",", ":"), ensure_ascii=False)
            seconds["json"] += clock() - start
            start = clock()
            if coach.durable:
                store.save(key, coach)
            seconds["store"] += clock() - start
        store.save(key, coach, True)
    n = len(stream.messages)
    us = {name: 1e6 * s / n for name, s in seconds.items()}
    us["machine"] = us["analyse"] - us["clean"] - us["hold"] - us["quantize"] - us["framing"]
    us["glue"] = us["handle"] - us["decode"] - us["analyse"] - us["state"]
    us["reply"] = us["state"] + us["json"]
    us["total"] = us["handle"] + us["json"] + us["store"]
    return us


def profile_pass(setup: Setup, stream: Stream) -> None:
    profile = cProfile.Profile()
    profile.enable()
    route_pass(setup, stream)
    profile.disable()
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime").print_stats(25)


def report(setup: Setup, stream: Stream) -> None:
    n = len(stream.messages)
    route_pass(setup, stream)  # warm-up: imports, caches, the database's first writes
    routes = [route_pass(setup, stream) for _ in range(REPEATS)]
    wall, cpu = min(r[0] for r in routes), min(r[1] for r in routes)
    stages = [stage_pass(setup, stream) for _ in range(REPEATS)]
    best = {name: min(s[name] for s in stages) for name in stages[0]}
    print(f"{stream.name}, {n} frames, one binary message a frame:", flush=True)
    print(
        f"  route: {wall:7.1f} us a frame wall, {cpu:7.1f} us CPU (best of {REPEATS}; {1e6 / cpu:,.0f} frames/s a core)"
    )
    parts = ", ".join(f"{name} {best[name]:.1f}" for name in ("quantize", "framing", "clean", "machine", "hold"))
    print(
        f"  stages (us a frame): decode {best['decode']:.1f}, analyse {best['analyse']:.1f} ({parts}), "
        f"reply {best['reply']:.1f} (state {best['state']:.1f}, json {best['json']:.1f}), store {best['store']:.1f}, "
        f"other {best['glue']:.1f}; sum {best['total']:.1f}",
        flush=True,
    )
    if os.environ.get("BACKFIT_BENCH_PROFILE"):
        profile_pass(setup, stream)


def main() -> None:
    n = int(os.environ.get("BACKFIT_BENCH_FRAMES", "3000"))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'backfit.db'}")
        try:
            setup = Setup(db)
            chosen = os.environ.get("BACKFIT_BENCH_STREAMS", "synthetic,clip").split(",")
            makers = {"synthetic": synthetic_stream, "clip": clip_stream}
            for name in chosen:
                stream = makers[name](n)
                if stream is not None:
                    report(setup, stream)
        finally:
            db.dispose()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)


if __name__ == "__main__":
    main()
