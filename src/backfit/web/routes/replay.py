"""Replaying a camera set without video: a page that animates the stored landmarks as a skeleton,
and the data it draws from.

``GET /recordings/{recording_id}``: the replay page (skeleton, timeline with the faults, the
target pose). ``GET /api/recordings/{recording_id}``: the recording as JSON: times (s from the
first frame), landmarks as base64 of little-endian float16 ``(frames, 33, 4)``, and the
analyzer's events. A set without a recording is a 404 in words.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from backfit.services import recording_codec as codec
from backfit.services import recordings
from backfit.services.policy import Actor
from backfit.web.auth import ActorDep, way_back
from backfit.web.state import AppState, app_state

router = APIRouter()
State = Annotated[AppState, Depends(app_state)]
RecordingId = Annotated[int, Path(ge=1, le=2_147_483_647)]


class RecordingRead(BaseModel):
    id: int
    exercise_id: str
    exercise_name: str
    origin: str = Field(description="'live' (the browser's camera) or 'video' (a file).")
    aspect: float = Field(description="Image width / height the landmarks are normalised to.")
    frames: int
    duration_s: float
    times: list[float] = Field(description="Seconds from the first frame, strictly increasing, one per frame.")
    landmarks: str = Field(description="Base64 of little-endian float16 (frames, 33, 4): x, y, z, visibility.")
    events: list[dict[str, Any]] = Field(description="The analyzer's events; times in s from the first frame.")


def _read(state: AppState, actor: Actor, recording_id: int) -> tuple[recordings.Replay, str]:
    with state.unit_of_work() as session:
        found = recordings.readable_replay(session, actor, recording_id)
    exercise = state.catalog.get(found.exercise_id)
    return found, exercise.name if exercise is not None else found.exercise_id


@router.get(
    "/api/recordings/{recording_id}",
    response_model=RecordingRead,
    responses={404: {"description": "No such recording"}},
)
def get_recording(state: State, actor: ActorDep, recording_id: RecordingId) -> RecordingRead:
    """A camera set's landmark recording and events, to replay it as a skeleton (no video is stored)."""
    found, name = _read(state, actor, recording_id)
    rec = found.recording
    return RecordingRead(
        id=found.id,
        exercise_id=found.exercise_id,
        exercise_name=name,
        origin=found.origin,
        aspect=found.aspect,
        frames=rec.frames,
        duration_s=rec.duration_s,
        times=[round(float(t), 4) for t in rec.offsets],
        landmarks=base64.b64encode(codec.encode_landmarks(rec.landmarks)).decode("ascii"),
        events=found.events,
    )


@router.get("/recordings/{recording_id}", include_in_schema=False)
def replay_page(request: Request, state: State, actor: ActorDep, recording_id: RecordingId) -> Any:
    found, name = _read(state, actor, recording_id)
    faults = [e for e in found.events if e.get("type") == "fault"]
    reps = sum(1 for e in found.events if e.get("type") == "repetition")
    held = sum(float(e.get("seconds", 0.0)) for e in found.events if e.get("type") == "hold")
    return state.render(
        request,
        "replay.html",
        replay=found,
        name=name,
        exercise=state.catalog.get(found.exercise_id),
        faults=faults,
        reps=reps,
        held_s=held,
        back=way_back(actor, found.profile_id),
    )
