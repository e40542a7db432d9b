"""Background jobs on PostgreSQL: the ``procrastinate`` queue carries job ids to worker processes.

The queue's schema comes with migration 0009. :class:`QueueRunner` defers a job id (the web app
or CLI side); :func:`run_worker` is ``backfit worker`` (and the web app's in-process worker): it
takes ids from the queue and runs :func:`backfit.services.jobs.execute`, and every
``jobs.STALL_S`` it sends back to the queue the jobs of workers that died (:func:`jobs.recover`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

from procrastinate import App, PsycopgConnector, SyncPsycopgConnector
from sqlalchemy.engine import make_url

from backfit.services import jobs
from backfit.settings import Settings

log = logging.getLogger(__name__)

QUEUE = "backfit"
TASK = "backfit.run_job"


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _app(connector: Any, ctx: jobs.JobContext | None) -> App:
    app = App(connector=connector)

    @app.task(name=TASK, queue=QUEUE, pass_context=False)
    def run_job(job_id: int) -> None:
        if ctx is None:
            raise RuntimeError("this app only defers jobs")
        jobs.execute(ctx, job_id)

    return app


class QueueRunner:
    """Defers job ids to the PostgreSQL queue; workers elsewhere (or :meth:`start` with a worker) run them."""

    def __init__(self, ctx: jobs.JobContext, database_url: str, with_worker: bool = False) -> None:
        self.ctx = ctx
        self.url = database_url
        self.with_worker = with_worker
        self._app: App | None = None
        self._worker: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        if self._app is not None:
            return
        self._app = _app(SyncPsycopgConnector(conninfo=conninfo(self.url), min_size=1, max_size=4), None).open()
        if self.with_worker:
            self._stop.clear()
            self._worker = threading.Thread(target=run_worker, args=(self.ctx, self.url, self._stop), daemon=True)
            self._worker.start()

    def submit(self, job_id: int) -> None:
        if self._app is None:
            self.start()
        assert self._app is not None
        self._app.configure_task(TASK).defer(job_id=job_id)

    def stop(self) -> None:
        self._stop.set()
        if self._worker is not None:
            self._worker.join(timeout=30)
            self._worker = None
        if self._app is not None:
            self._app.close()
            self._app = None


def run_worker(ctx: jobs.JobContext, database_url: str, stop: threading.Event | None = None) -> None:
    """Run queued jobs until ``stop`` is set (or, without one, until SIGINT/SIGTERM)."""
    asyncio.run(_work(ctx, database_url, stop))


async def _work(ctx: jobs.JobContext, database_url: str, stop: threading.Event | None) -> None:
    app = _app(PsycopgConnector(conninfo=conninfo(database_url), min_size=1, max_size=4), ctx)
    async with app.open_async():
        worker = asyncio.create_task(
            app.run_worker_async(
                queues=[QUEUE],
                concurrency=1,
                wait=True,
                install_signal_handlers=stop is None,
                delete_jobs="successful",
                listen_notify=True,
                fetch_job_polling_interval=2.0,
            )
        )
        sweeper = asyncio.create_task(_sweep(app, ctx))
        try:
            while not worker.done():
                if stop is not None and stop.is_set():
                    worker.cancel()
                    break
                await asyncio.sleep(0.2)
        finally:
            sweeper.cancel()
            for task in (worker, sweeper):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task


async def _sweep(app: App, ctx: jobs.JobContext) -> None:
    """Queue again what waits unqueued and what dead workers left (every STALL_S seconds)."""
    task = app.configure_task(TASK)
    while True:
        try:
            for job_id in await asyncio.to_thread(jobs.recover, ctx):
                await task.defer_async(job_id=job_id)
        except Exception:
            log.exception("background jobs: recovery failed; trying again")
        await asyncio.sleep(jobs.STALL_S)


def job_runner(settings: Settings, ctx: jobs.JobContext) -> jobs.JobRunner:
    """The background-job backend for ``settings``: this queue on PostgreSQL (with a worker in this
    process when ``job_worker_in_web``), or a thread of this process on SQLite."""
    if settings.is_sqlite:
        return jobs.InProcessRunner(ctx)
    return QueueRunner(ctx, settings.database_url, with_worker=settings.job_worker_in_web)
