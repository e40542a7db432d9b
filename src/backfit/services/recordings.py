"""Use case: store each camera set's landmark recording and events, and read them back for a replay.

A live set's frames are stored in chunks while it runs (:func:`append_live`), so that any
worker process can rebuild its analysis after a reconnect (:func:`load_live`); saving the set
joins them into the set's recording with the analyzer's events (:func:`attach_live`). A video
file's recording is stored whole (:func:`save_video_recording`). Analysis is a pure function of
the recording (:func:`recording_events`). No video is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Exercise
from backfit.services import recording_codec as codec
from backfit.services.policy import Action, Actor, person, require
from backfit.store import repositories as repo
from backfit.store.errors import NotFound
from backfit.store.models import PerformedSession, RecordingChunk, SetRecord, SetRecording

VIDEO_STREAM = "video"
NO_RECORDING = "this set has no recording to replay: only sets watched by the camera since recordings began have one"


@dataclass(frozen=True)
class StoredLive:
    """A live set as stored so far: its frames, the client's seq of the last one, and whether it ended."""

    recording: codec.Recording
    last_seq: int
    finished: bool
    aspect: float


def recording_events(exercise: Exercise, recording: codec.Recording, aspect: float) -> list[dict[str, Any]]:
    """The analyzer's events on a whole recording (times in s from its first frame), as JSON-ready dicts.

    The same analysis as the live coach's (framing, repetitions, holds, faults, view, position)."""
    from backfit.services.live import LiveCoach

    coach = LiveCoach(exercise, aspect)
    shifted = codec.Recording(0.0, recording.offsets, recording.landmarks)
    events = coach.analyse(shifted) if shifted.frames else []
    return events + coach.finish()


def _live_row(session: Session, performed_id: int, item_index: int, stream: str) -> SetRecording | None:
    return session.scalars(
        select(SetRecording).where(
            SetRecording.performed_session_id == performed_id,
            SetRecording.item_index == item_index,
            SetRecording.stream == stream,
        )
    ).one_or_none()


def append_live(
    session: Session,
    performed_id: int,
    item_index: int,
    stream: str,
    *,
    exercise_id: str,
    aspect: float,
    part: codec.Recording | None,
    last_seq: int,
    finished: bool,
    now: datetime,
) -> None:
    """Store frames of a live set (``part``, offsets from its ``t0``) up to the client's ``last_seq``."""
    row = _live_row(session, performed_id, item_index, stream)
    if row is None:
        performed = session.get(PerformedSession, performed_id)
        if performed is None:
            raise NotFound(f"no session {performed_id}")
        row = SetRecording(
            profile_id=performed.profile_id,
            performed_session_id=performed_id,
            item_index=item_index,
            stream=stream,
            origin="live",
            exercise_id=exercise_id,
            aspect=aspect,
            t0=part.t0 if part is not None else None,
            frames=0,
            times=b"",
            landmarks=b"",
            events=None,
            finished=False,
            created_at=now,
        )
        session.add(row)
        session.flush()
    if row.set_id is not None:
        return  # the set is saved: its recording is closed
    if row.t0 is None and part is not None:
        row.t0 = part.t0
    stored = session.scalar(select(func.max(RecordingChunk.last_seq)).where(RecordingChunk.recording_id == row.id))
    if part is not None and part.frames and (stored is None or last_seq > stored):
        session.add(
            RecordingChunk(
                recording_id=row.id,
                last_seq=last_seq,
                frames=part.frames,
                times=codec.encode_times(part.offsets),
                landmarks=codec.encode_landmarks(part.landmarks),
            )
        )
    row.finished = row.finished or finished
    session.flush()


def _chunks(session: Session, row: SetRecording) -> tuple[codec.Recording, int]:
    chunks = session.scalars(
        select(RecordingChunk).where(RecordingChunk.recording_id == row.id).order_by(RecordingChunk.last_seq)
    ).all()
    t0 = row.t0 or 0.0
    parts = [codec.decode(t0, c.times, c.landmarks) for c in chunks]
    return codec.concatenate(t0, parts), chunks[-1].last_seq if chunks else -1


def stored_seq(session: Session, performed_id: int, item_index: int, stream: str) -> int:
    """The client's seq of the last stored frame of a live set (-1: none)."""
    row = _live_row(session, performed_id, item_index, stream)
    if row is None:
        return -1
    last = session.scalar(select(func.max(RecordingChunk.last_seq)).where(RecordingChunk.recording_id == row.id))
    return -1 if last is None else int(last)


def load_live(session: Session, performed_id: int, item_index: int, stream: str) -> StoredLive | None:
    """A live set's stored frames, or None when nothing of it is stored (or it is already saved)."""
    row = _live_row(session, performed_id, item_index, stream)
    if row is None or row.set_id is not None:
        return None
    recording, last_seq = _chunks(session, row)
    return StoredLive(recording, last_seq, row.finished, row.aspect)


def attach_live(session: Session, stored_set: SetRecord, stream: str, catalog: Catalog) -> SetRecording | None:
    """Join a live set's stored frames into the recording of ``stored_set`` with the analyzer's events.

    Returns None when the stream stored nothing for that set's exercise (counting by hand, a lost set)."""
    row = _live_row(session, stored_set.performed_session_id, stored_set.item_index, stream)
    if row is None or row.set_id is not None:
        return None
    recording, _ = _chunks(session, row)
    exercise = catalog.get(row.exercise_id)
    row.set_id = stored_set.id
    row.frames = recording.frames
    row.times = codec.encode_times(recording.offsets)
    row.landmarks = codec.encode_landmarks(recording.landmarks)
    row.events = recording_events(exercise, recording, row.aspect) if exercise is not None else []
    row.finished = True
    session.execute(delete(RecordingChunk).where(RecordingChunk.recording_id == row.id))
    session.flush()
    return row


def save_video_recording(
    session: Session,
    profile: str,
    exercise: Exercise,
    times: Any,
    frames: Any,
    aspect: float,
    now: datetime,
    stored_set_id: int | None = None,
) -> SetRecording:
    """Store the recording of a video file's landmarks ``(n, 33, 4)`` at ``times`` ``(n,)`` s for the profile
    named ``profile`` (and a set, when the file is one), with the analyzer's events on it."""
    owner = repo.require_profile(session, profile)
    recording = codec.from_arrays(np.asarray(times), np.asarray(frames))
    row = SetRecording(
        profile_id=owner.id,
        performed_session_id=None,
        set_id=stored_set_id,
        item_index=None,
        stream=VIDEO_STREAM,
        origin="video",
        exercise_id=exercise.id,
        aspect=aspect,
        t0=recording.t0,
        frames=recording.frames,
        times=codec.encode_times(recording.offsets),
        landmarks=codec.encode_landmarks(recording.landmarks),
        events=recording_events(exercise, recording, aspect),
        finished=True,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Replay:
    """A stored recording ready to replay: frames, events and what it belongs to."""

    id: int
    exercise_id: str
    origin: str
    aspect: float
    recording: codec.Recording
    events: list[dict[str, Any]]
    recorded_at: datetime
    set_id: int | None
    profile_id: int


def replay(session: Session, profile: str, recording_id: int) -> Replay:
    """The recording ``recording_id`` of the profile named ``profile`` (NotFound, in words, if it has none)."""
    owner = repo.require_profile(session, profile)
    row = session.get(SetRecording, recording_id)
    if row is None or row.profile_id != owner.id or row.events is None:
        raise NotFound(NO_RECORDING)
    return Replay(
        row.id,
        row.exercise_id,
        row.origin,
        row.aspect,
        codec.decode(0.0, row.times, row.landmarks),
        list(row.events),
        row.created_at,
        row.set_id,
        row.profile_id,
    )


def readable_replay(session: Session, actor: Actor, recording_id: int) -> Replay:
    """The recording ``recording_id`` if ``actor`` may read its person (their own, or their
    client's for a clinician; NotFound in words otherwise, Forbidden for an admin)."""
    require(actor, Action.READ)
    row = session.get(SetRecording, recording_id)
    if row is None:
        raise NotFound(NO_RECORDING)
    try:
        owner = person(session, actor, Action.READ, row.profile_id)
    except NotFound:
        raise NotFound(NO_RECORDING) from None
    return replay(session, owner.name, recording_id)


@dataclass(frozen=True)
class ReplayLink:
    """A camera set that can be replayed: its recording, and which set it was."""

    recording_id: int
    item_index: int
    set_index: int
    side: str
    exercise_id: str
    faults: int


def replayable_sets(session: Session, profile: str, performed_ids: list[int]) -> dict[int, list[ReplayLink]]:
    """Per performed session of ``profile`` (of ``performed_ids``), its camera sets with a recording, in order."""
    owner = repo.require_profile(session, profile)
    if not performed_ids:
        return {}
    rows = session.execute(
        select(SetRecording.id, SetRecord, SetRecording.events)
        .join(SetRecord, SetRecord.id == SetRecording.set_id)
        .join(PerformedSession, PerformedSession.id == SetRecord.performed_session_id)
        .where(
            PerformedSession.profile_id == owner.id,
            SetRecording.profile_id == owner.id,
            SetRecord.performed_session_id.in_(performed_ids),
            SetRecording.events.is_not(None),
        )
        .order_by(SetRecord.performed_session_id, SetRecord.item_index, SetRecord.set_index, SetRecord.id)
    )
    out: dict[int, list[ReplayLink]] = {}
    for recording_id, row, events in rows:
        faults = sum(1 for e in events or [] if e.get("type") == "fault")
        out.setdefault(row.performed_session_id, []).append(
            ReplayLink(recording_id, row.item_index, row.set_index, row.side, row.exercise_id, faults)
        )
    return out


@dataclass(frozen=True)
class RecordedSet:
    """A kept camera recording as a list shows it (no frames loaded)."""

    recording_id: int
    exercise_id: str
    origin: str
    recorded_at: datetime
    reps: int
    faults: int


def recent_recordings(session: Session, actor: Actor, profile_id: int, *, limit: int = 10) -> list[RecordedSet]:
    """The person's latest replayable recordings (live sets and video files), newest first, if
    ``actor`` may read them (NotFound / Forbidden otherwise)."""
    profile = person(session, actor, Action.READ, profile_id)
    rows = session.execute(
        select(
            SetRecording.id, SetRecording.exercise_id, SetRecording.origin, SetRecording.created_at, SetRecording.events
        )
        .where(SetRecording.profile_id == profile.id, SetRecording.events.is_not(None))
        .order_by(SetRecording.created_at.desc(), SetRecording.id.desc())
        .limit(limit)
    )
    return [
        RecordedSet(
            recording_id,
            exercise_id,
            origin,
            created_at,
            sum(1 for e in events or [] if e.get("type") == "repetition"),
            sum(1 for e in events or [] if e.get("type") == "fault"),
        )
        for recording_id, exercise_id, origin, created_at, events in rows
    ]
