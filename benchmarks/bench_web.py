"""Web benchmark: requests per second and p99 latency of the main pages and API
calls with 10 years of thrice-weekly sessions, on SQLite and PostgreSQL (when
BACKFIT_TEST_POSTGRES_URL or BACKFIT_BENCH_POSTGRES_URL is set).

    python -m benchmarks web
    python benchmarks/bench_web.py --seconds 5 --concurrency 8 --backend sqlite

The server is one uvicorn process (one core); the load generator is an asyncio
HTTP client in this process, on loopback, sharing the 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from backfit.store import open_database
from benchmarks.bench_store import generate
from benchmarks.common import database, free_port

ENDPOINTS = [
    ("page", "/today"),
    ("page", "/programme"),
    ("page", "/history"),
    ("page", "/exercises"),
    ("page", "/exercises/hip-bridge"),
    ("api", "/api/programme"),
    ("api", "/api/history?limit=50"),
    ("api", "/api/exercises?position=supine"),
    ("chart", "/charts/pain.svg"),
]
SERVER = (
    "import sys, uvicorn; from backfit.settings import Settings; from backfit.web import create_app; "
    "uvicorn.run(create_app(Settings(data_dir=sys.argv[1], database_url=sys.argv[2])), "
    "host='127.0.0.1', port=int(sys.argv[3]), log_level='warning')"
)


def prepare(url: str) -> None:
    """Ten years of one person's sessions, as the web app's default profile."""
    db = open_database(url)
    try:
        generate(db, 1)
        with db.unit_of_work() as session:
            session.execute(text("UPDATE profiles SET name = 'default'"))
    finally:
        db.dispose()


async def hammer(base: str, path: str, seconds: float, concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "errors": errors,
    }


def run_backend(backend: str, seconds: float, concurrency: int, workdir: Path) -> list[dict[str, Any]]:
    results = []
    with database(backend, workdir) as url:
        prepare(url)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(workdir), url, str(port)])
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start")
                time.sleep(0.2)
            for kind, path in ENDPOINTS:
                asyncio.run(hammer(base, path, 1.0, concurrency))  # warm up
                figures = asyncio.run(hammer(base, path, seconds, concurrency))
                results.append({"backend": backend, "kind": kind, "path": path, **figures})
                print(
                    f"{backend:9} {path:32} {figures['rps']:8.1f} req/s  p50 {figures['p50_ms']:7.1f} ms"
                    f"  p99 {figures['p99_ms']:7.1f} ms  ({figures['requests']} requests, {figures['errors']} errors)",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=10)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="backfit web benchmark")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], nargs="+", default=None)
    args = parser.parse_args(argv if argv is not None else [])
    has_postgres = bool(os.environ.get("BACKFIT_BENCH_POSTGRES_URL") or os.environ.get("BACKFIT_TEST_POSTGRES_URL"))
    backends = args.backend or (["sqlite", "postgres"] if has_postgres else ["sqlite"])
    print(f"10 years of thrice-weekly sessions; {args.concurrency} concurrent clients, {args.seconds:g} s per endpoint")
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            run_backend(backend, args.seconds, args.concurrency, Path(tmp))


if __name__ == "__main__":
    main(sys.argv[1:])
