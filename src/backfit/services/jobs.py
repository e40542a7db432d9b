"""Use case: background jobs for one person: enqueue one, see its state, get its result.

A job is a row of ``background_jobs`` (its profile, kind, input, state, attempts, and result or
error in words). Two backends run them, behind :class:`JobRunner`:

- :class:`InProcessRunner` (the SQLite default): a thread of the web app's process.
- :class:`backfit.services.job_queue.QueueRunner` (PostgreSQL): the ``procrastinate`` queue
  carries the job id to a worker (``backfit worker``, or one inside the web app).

Whoever runs a job first *claims* it (queued -> running, one conditional UPDATE, so two workers
never run the same job), beats a heartbeat while it works, and stores the result or the error.
A worker that dies mid-job stops beating: :func:`recover` puts such a job back in the queue, or
marks it failed in words after :data:`MAX_ATTEMPTS`. Every read takes the profile it acts on: a
job of another profile is "not found", with the same words as one that does not exist.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Exercise
from backfit.services.runtime import utc_now
from backfit.store import repositories as repo
from backfit.store.database import Database
from backfit.store.errors import NotFound, StoreError
from backfit.store.models import BackgroundJob

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 2
"""Times a job is started before a worker that keeps dying marks it failed."""
HEARTBEAT_S = 2.0
"""How often a running job's worker says it is alive."""
STALL_S = 15.0
"""A running job whose worker has not been heard from for this long is taken to have died."""


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class JobKind(StrEnum):
    handout = "handout"
    video_analysis = "video_analysis"


class JobNotReady(StoreError):
    """The job has no result (yet, or because it failed): the text says which."""


JOB_NOT_FOUND = "there is no such job for this profile"


@dataclass(frozen=True)
class JobRead:
    """A job as its owner sees it (no input paths)."""

    id: int
    kind: str
    state: str
    attempts: int
    error: str | None
    result_type: str | None
    created_at: datetime
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "attempts": self.attempts,
            "error": self.error,
            "result_type": self.result_type,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


def _read(row: BackgroundJob) -> JobRead:
    return JobRead(
        row.id, row.kind, row.state, row.attempts, row.error, row.result_type, row.created_at, row.updated_at
    )


def enqueue(session: Session, profile: str, kind: JobKind, params: dict[str, Any], now: datetime) -> JobRead:
    """Add a queued job for ``profile`` (raises NotFound for an unknown profile); submit its id to a runner."""
    owner = repo.require_profile(session, profile)
    row = BackgroundJob(
        profile_id=owner.id,
        kind=kind.value,
        state=JobState.queued.value,
        attempts=0,
        params=params,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return _read(row)


def _owned(session: Session, profile: str, job_id: int) -> BackgroundJob:
    owner = repo.profile_by_name(session, profile)
    row = session.get(BackgroundJob, job_id)
    if owner is None or row is None or row.profile_id != owner.id:
        raise NotFound(JOB_NOT_FOUND)
    return row


def read_job(session: Session, profile: str, job_id: int) -> JobRead:
    """The state of ``profile``'s job ``job_id`` (NotFound: no such job, or another profile's)."""
    return _read(_owned(session, profile, job_id))


def job_result(session: Session, profile: str, job_id: int) -> tuple[str, bytes]:
    """(media type, body) of a succeeded job of ``profile``; :class:`JobNotReady` says why there is none."""
    row = _owned(session, profile, job_id)
    if row.state == JobState.failed.value:
        raise JobNotReady(f"the job failed, so it has no result: {row.error}")
    if row.state != JobState.succeeded.value or row.result is None or row.result_type is None:
        raise JobNotReady(f"the job is {row.state}: its result is not ready yet")
    return row.result_type, row.result


@dataclass(frozen=True)
class JobContext:
    """What running a job needs: the store, the catalog and rules, where uploads wait, how to draw a figure."""

    db: Database
    catalog: Catalog
    transition_s: float
    uploads: Path
    figure: Callable[[Exercise], str]
    clock: Callable[[], datetime] = utc_now


class JobFailed(Exception):
    """A job that cannot succeed (bad input): its text is shown to the person; it is not retried."""


def _handout(ctx: JobContext, profile: str, params: dict[str, Any]) -> tuple[str, bytes]:
    from backfit.services import handout, profiles

    with ctx.db.unit_of_work() as session:
        try:
            pdf = handout.programme_handout(
                session,
                catalog=ctx.catalog,
                transition_s=ctx.transition_s,
                figure=ctx.figure,
                today=date.fromisoformat(params["today"]),
                name=profile,
            )
        except profiles.NoProgramme as exc:
            raise JobFailed(f"no programme to print: {exc}") from exc
    return "application/pdf", pdf


def _video_analysis(ctx: JobContext, profile: str, params: dict[str, Any]) -> tuple[str, bytes]:
    from backfit.adapters.errors import VideoInputError
    from backfit.pose import NotAnalyzableError
    from backfit.services.analysis import analyze_video, report_json

    exercise = ctx.catalog.get(params["exercise_id"])
    if exercise is None or exercise.analysis is None:
        raise JobFailed("the camera cannot follow this exercise")
    path = ctx.uploads / params["file"]
    if not path.is_file():
        raise JobFailed("the uploaded video is no longer there: upload it again")
    try:
        result = analyze_video(path, exercise)
    except (VideoInputError, NotAnalyzableError) as exc:
        raise JobFailed(f"the video could not be analysed: {exc}") from exc
    finally:  # analysed or not, the video is not kept (a worker that dies leaves it for the retry)
        path.unlink(missing_ok=True)
    body = report_json(result.report)
    if result.problem is not None:
        body["problem"] = str(result.problem)
    return "application/json", json.dumps(body, default=str).encode()


WORK: dict[str, Callable[[JobContext, str, dict[str, Any]], tuple[str, bytes]]] = {
    JobKind.handout.value: _handout,
    JobKind.video_analysis.value: _video_analysis,
}


def _claim(ctx: JobContext, job_id: int) -> tuple[str, str, dict[str, Any]] | None:
    """Mark ``job_id`` running for this worker if it is still queued: (profile name, kind, params), else None."""
    now = ctx.clock()
    with ctx.db.unit_of_work() as session:
        claimed = session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id == job_id, BackgroundJob.state == JobState.queued.value)
            .values(
                state=JobState.running.value,
                attempts=BackgroundJob.attempts + 1,
                heartbeat_at=now,
                updated_at=now,
            )
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.get(BackgroundJob, job_id)
        assert row is not None
        owner = repo.profile_by_id(session, row.profile_id)
        return owner.name, row.kind, dict(row.params)


def _finish(ctx: JobContext, job_id: int, **values: Any) -> None:
    with ctx.db.unit_of_work() as session:
        session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id == job_id, BackgroundJob.state == JobState.running.value)
            .values(updated_at=ctx.clock(), **values)
        )


def _beat(ctx: JobContext, job_id: int, done: threading.Event) -> None:
    while not done.wait(HEARTBEAT_S):
        try:
            with ctx.db.unit_of_work() as session:
                session.execute(
                    update(BackgroundJob).where(BackgroundJob.id == job_id).values(heartbeat_at=ctx.clock())
                )
        except StoreError:
            log.warning("job %s: heartbeat not stored", job_id)


def execute(ctx: JobContext, job_id: int) -> None:
    """Run ``job_id`` if it is still queued (another worker may have claimed it); store its result or error."""
    claimed = _claim(ctx, job_id)
    if claimed is None:
        return
    profile, kind, params = claimed
    done = threading.Event()
    beat = threading.Thread(target=_beat, args=(ctx, job_id, done), daemon=True)
    beat.start()
    try:
        media_type, body = WORK[kind](ctx, profile, params)
    except JobFailed as exc:
        _finish(ctx, job_id, state=JobState.failed.value, error=str(exc))
    except Exception as exc:
        log.exception("job %s (%s) failed", job_id, kind)
        _finish(ctx, job_id, state=JobState.failed.value, error=f"the job stopped on an unexpected error ({exc})")
    else:
        _finish(ctx, job_id, state=JobState.succeeded.value, result_type=media_type, result=body, error=None)
    finally:
        done.set()
        beat.join()


def _forget_upload(ctx: JobContext, row: BackgroundJob) -> None:
    """Delete the uploaded video of a job that will not run again."""
    name = (row.params or {}).get("file")
    if row.kind == JobKind.video_analysis.value and isinstance(name, str) and "/" not in name:
        (ctx.uploads / name).unlink(missing_ok=True)


def recover(ctx: JobContext, stall_s: float = STALL_S) -> list[int]:
    """Jobs whose worker stopped beating: queued again (their ids returned, to submit) while attempts are
    left, otherwise failed with the reason in words."""
    now = ctx.clock()
    again: list[int] = []
    with ctx.db.unit_of_work() as session:
        stalled = session.scalars(
            select(BackgroundJob).where(
                BackgroundJob.state == JobState.running.value,
                BackgroundJob.heartbeat_at < now - timedelta(seconds=stall_s),
            )
        ).all()
        for row in stalled:
            if row.attempts < MAX_ATTEMPTS:
                row.state = JobState.queued.value
                again.append(row.id)
            else:
                row.state = JobState.failed.value
                _forget_upload(ctx, row)
                row.error = (
                    f"the worker running this job stopped {row.attempts} times before finishing it; "
                    "try again, and if it keeps failing the file may be too large to analyse"
                )
            row.updated_at = now
    return again


def queued_ids(ctx: JobContext) -> list[int]:
    """Ids of every queued job, oldest first (to resubmit after a restart)."""
    with ctx.db.unit_of_work() as session:
        return list(
            session.scalars(
                select(BackgroundJob.id).where(BackgroundJob.state == JobState.queued.value).order_by(BackgroundJob.id)
            )
        )


class JobRunner(Protocol):
    """Runs submitted jobs somewhere: this process, or a queue's workers."""

    def submit(self, job_id: int) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class InProcessRunner:
    """Jobs on a thread of this process (SQLite): one at a time, so a video's analysis takes one core.

    On start (and every ``STALL_S`` while running) it resubmits queued jobs and recovers stalled ones:
    a job left behind by a process that died runs again, or fails in words.
    """

    def __init__(self, ctx: JobContext, stall_s: float = STALL_S) -> None:
        self.ctx = ctx
        self.stall_s = stall_s
        self._pool: ThreadPoolExecutor | None = None
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def submit(self, job_id: int) -> None:
        if self._pool is None:
            self.start()
        assert self._pool is not None
        self._pool.submit(self._run, job_id)

    def _run(self, job_id: int) -> None:
        try:
            execute(self.ctx, job_id)
        except Exception:
            log.exception("job %s could not be run", job_id)

    def sweep(self) -> None:
        """Resubmit what waits and what a dead worker left."""
        for job_id in [*recover(self.ctx, self.stall_s), *queued_ids(self.ctx)]:
            self.submit(job_id)

    def start(self) -> None:
        if self._pool is not None:
            return
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backfit-job")
        self._stop.clear()
        self._sweeper = threading.Thread(target=self._sweep_loop, daemon=True)
        self._sweeper.start()

    def _sweep_loop(self) -> None:
        while True:
            try:
                self.sweep()
            except StoreError:
                log.warning("background jobs: the database could not be read; trying again")
            if self._stop.wait(self.stall_s):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._sweeper is not None:
            self._sweeper.join()
            self._sweeper = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
