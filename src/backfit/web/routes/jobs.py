"""Background jobs over HTTP: a handout PDF or an uploaded video's analysis, its state, its result.

``POST /api/jobs/handout`` and ``POST /api/videos`` (a video file and the exercise it shows) answer
202 with the job (:class:`backfit.services.jobs.JobRead`); ``GET /api/jobs/{id}`` is its state,
``GET /api/jobs/{id}/result`` the PDF or the analysis (409 until it has succeeded, with the
reason). ``GET /review`` is the page that uploads a video and shows the job's state, then the result.
"""

from __future__ import annotations

import os
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from backfit.services import jobs
from backfit.store.private import private_folder
from backfit.web.auth import PersonDep
from backfit.web.security import MAX_VIDEO_BYTES
from backfit.web.state import AppState, app_state

router = APIRouter()
State = Annotated[AppState, Depends(app_state)]
CHUNK = 1024 * 1024
JobId = Annotated[int, Path(ge=1, le=2_147_483_647, description="A job's id.")]


def video_kind(head: bytes) -> str | None:
    """The container of a video file from its first bytes (MP4/MOV, WebM/MKV, AVI), or None."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "avi"
    return None


NOT_A_VIDEO = "this is not a video file ({what}): upload a recording in MP4, MOV, WebM, MKV or AVI"


def _job(state: AppState, person: str, kind: jobs.JobKind, params: dict[str, Any]) -> JSONResponse:
    job = state.write(lambda session: jobs.enqueue(session, person, kind, params, state.now()))
    state.jobs.submit(job.id)  # after the commit: a worker must find the row
    return JSONResponse(job.to_json(), status_code=202, headers={"Location": f"/api/jobs/{job.id}"})


@router.post("/api/jobs/handout", status_code=202, tags=["jobs"])
def handout_job(state: State, person: PersonDep) -> JSONResponse:
    """Render the programme handout PDF in the background."""
    return _job(state, person, jobs.JobKind.handout, {"today": state.now().date().isoformat()})


@router.post("/api/videos", status_code=202, tags=["jobs"])
def upload_video(
    state: State,
    person: PersonDep,
    video: Annotated[UploadFile, File(description="A video file of one exercise (at most 64 MiB).")],
    exercise_id: Annotated[str, Form(max_length=80)],
) -> JSONResponse:
    """Analyse an uploaded video of one exercise with the pose model, in the background."""
    exercise = state.catalog.get(exercise_id)
    if exercise is None or exercise.analysis is None:
        raise HTTPException(422, f"the camera cannot follow '{exercise_id}': choose an exercise with camera checks")
    head = video.file.read(16)
    kind = video_kind(head)
    if kind is None:
        what = f"{video.content_type}, '{video.filename}'" if head else "the file is empty"
        raise HTTPException(415, NOT_A_VIDEO.format(what=what))
    folder = state.settings.data_dir / "uploads"
    private_folder(folder)
    name = f"{uuid.uuid4().hex}.{kind}"
    size = len(head)
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(head)
        while chunk := video.file.read(CHUNK):
            size += len(chunk)
            if size > MAX_VIDEO_BYTES:
                out.close()
                (folder / name).unlink(missing_ok=True)
                raise HTTPException(413, f"the video is larger than {MAX_VIDEO_BYTES // (1024 * 1024)} MiB")
            out.write(chunk)
    return _job(state, person, jobs.JobKind.video_analysis, {"file": name, "exercise_id": exercise.id})


@router.get("/api/jobs/{job_id}", tags=["jobs"])
def job_state(state: State, person: PersonDep, job_id: JobId) -> dict[str, Any]:
    """A job's state: queued, running, succeeded or failed (with the reason in words)."""
    with state.unit_of_work() as session:
        return jobs.read_job(session, person, job_id).to_json()


@router.get("/api/jobs/{job_id}/result", tags=["jobs"])
def job_result(state: State, person: PersonDep, job_id: JobId) -> Response:
    """The result of a succeeded job: the handout PDF, or the video's analysis as JSON."""
    with state.unit_of_work() as session:
        media_type, body = jobs.job_result(session, person, job_id)
    return Response(body, media_type=media_type)


@router.get("/review", include_in_schema=False)
def review_page(request: Request, state: State, person: PersonDep) -> Any:
    """Upload a video of one exercise; the page follows the job and shows what the analysis found."""
    exercises = [e for e in state.catalog.values() if e.analysis is not None]
    return state.render(request, "review.html", exercises=exercises)
