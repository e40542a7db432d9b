"""Background jobs through the web app, on SQLite (a thread) and PostgreSQL (the procrastinate queue with
the web app's worker): a handout PDF made in the background, a non-video upload refused in words, another
profile's job not readable, and a job whose worker died retried and then failed in words."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from backfit.services import jobs
from backfit.store.models import BackgroundJob
from tests.material import DATA, require


def wait_done(client: TestClient, job_id: int, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("succeeded", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def test_the_handout_is_rendered_in_the_background(onboarded: TestClient) -> None:
    reply = onboarded.post("/api/jobs/handout", json={})
    assert reply.status_code == 202, reply.text
    job = wait_done(onboarded, reply.json()["id"])
    assert job["state"] == "succeeded", job
    result = onboarded.get(f"/api/jobs/{job['id']}/result")
    assert result.headers["content-type"] == "application/pdf"
    assert result.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("name", "body", "kind"),
    [
        pytest.param("notes.txt", b"just some words, not a video at all", "text/plain", id="text-file"),
        pytest.param("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png", id="picture"),
        pytest.param("empty.mp4", b"", "video/mp4", id="empty-file"),
    ],
)
def test_a_file_that_is_not_a_video_is_refused_in_words(
    onboarded: TestClient, name: str, body: bytes, kind: str
) -> None:
    reply = onboarded.post("/api/videos", files={"video": (name, body, kind)}, data={"exercise_id": "hip-bridge"})
    assert reply.status_code == 415, reply.text
    assert "not a video file" in reply.json()["detail"]


def test_another_profiles_job_is_not_found(onboarded: TestClient) -> None:
    job_id = onboarded.post("/api/jobs/handout", json={}).json()["id"]
    wait_done(onboarded, job_id)
    state = onboarded.app.state.backfit  # type: ignore[attr-defined]
    with state.unit_of_work() as session:
        from backfit.store.models import Profile

        session.add(Profile(name="alice", created_at=state.now()))
    with state.unit_of_work() as session:
        with pytest.raises(jobs.NotFound, match="no such job"):
            jobs.read_job(session, "alice", job_id)
        with pytest.raises(jobs.NotFound, match="no such job"):
            jobs.job_result(session, "alice", job_id)
        assert jobs.read_job(session, "default", job_id).state == "succeeded"
    assert onboarded.get("/api/jobs/999999").status_code == 404


def test_a_job_whose_worker_died_is_retried_then_failed_in_words(onboarded: TestClient) -> None:
    state = onboarded.app.state.backfit  # type: ignore[attr-defined]
    ctx = state.job_context()
    with state.unit_of_work() as session:
        job = jobs.enqueue(session, "default", jobs.JobKind.handout, {"today": "2026-12-01"}, state.now())
    long_ago = state.now() - timedelta(seconds=jobs.STALL_S * 2)
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):  # a worker claims it, then dies: no more heartbeats
        with state.unit_of_work() as session:
            session.execute(
                update(BackgroundJob)
                .where(BackgroundJob.id == job.id)
                .values(state="running", attempts=attempt, heartbeat_at=long_ago)
            )
        again = jobs.recover(ctx)
        with state.unit_of_work() as session:
            read = jobs.read_job(session, "default", job.id)
        if attempt < jobs.MAX_ATTEMPTS:
            assert again == [job.id]
            assert read.state == "queued"
        else:
            assert again == []
            assert read.state == "failed"
            assert "stopped 2 times before finishing" in (read.error or "")
            reply = onboarded.get(f"/api/jobs/{job.id}/result")
            assert reply.status_code == 409
            assert "failed" in reply.json()["detail"]


@pytest.mark.slow
def test_a_real_video_uploaded_for_review_is_analysed_by_the_pose_model(onboarded: TestClient) -> None:
    """The real clip (tests/data/manifest.json: one bridge with a 1.6 s hold) uploaded as the /review
    page sends it; the background job runs the real pose model and keeps no video."""
    truth = json.loads((DATA / "manifest.json").read_text())["clips"][0]
    video = require(DATA / truth["video"])
    reply = onboarded.post(
        "/api/videos",
        files={"video": (video.name, video.read_bytes(), "video/mp4")},
        data={"exercise_id": truth["exercise"]},
    )
    assert reply.status_code == 202, reply.text
    job = wait_done(onboarded, reply.json()["id"], timeout_s=180)
    assert job["state"] == "succeeded", job
    report = onboarded.get(f"/api/jobs/{job['id']}/result").json()
    assert report["exercise_id"] == truth["exercise"]
    assert len(report["repetitions"]) == truth["reps"]
    assert [h["duration"] for h in report["holds"]] == pytest.approx(truth["holds_s"], abs=0.35)
    assert uploads_left(onboarded) == [], "the uploaded video is deleted once analysed"


def uploads_left(client: TestClient) -> list[Path]:
    folder = client.app.state.backfit.settings.data_dir / "uploads"  # type: ignore[attr-defined]
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_video_that_cannot_be_analysed_fails_in_words_and_is_not_kept(onboarded: TestClient) -> None:
    broken = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4096  # an MP4's first bytes, then nothing playable
    reply = onboarded.post(
        "/api/videos", files={"video": ("broken.mp4", broken, "video/mp4")}, data={"exercise_id": "hip-bridge"}
    )
    assert reply.status_code == 202, reply.text
    job = wait_done(onboarded, reply.json()["id"], timeout_s=120)
    assert job["state"] == "failed", job
    assert "could not be analysed" in job["error"]
    assert uploads_left(onboarded) == []


def test_a_video_whose_workers_all_died_is_not_kept(onboarded: TestClient) -> None:
    state = onboarded.app.state.backfit  # type: ignore[attr-defined]
    ctx = state.job_context()
    ctx.uploads.mkdir(parents=True, exist_ok=True)
    (ctx.uploads / "left.mp4").write_bytes(b"a video a dead worker was analysing")
    with state.unit_of_work() as session:
        job = jobs.enqueue(
            session, "default", jobs.JobKind.video_analysis, {"file": "left.mp4", "exercise_id": "hip-bridge"},
            state.now(),
        )  # fmt: skip
        session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id == job.id)
            .values(state="running", attempts=jobs.MAX_ATTEMPTS, heartbeat_at=state.now() - timedelta(hours=1))
        )
    assert jobs.recover(ctx) == []
    with state.unit_of_work() as session:
        assert jobs.read_job(session, "default", job.id).state == "failed"
    assert uploads_left(onboarded) == []
