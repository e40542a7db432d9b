"""The live coach's WebSocket: landmarks in, analysis events out.

``/ws/live/{session_id}?item=N&stream=ID&aspect=W/H``: the browser runs the pose
model and sends one text message per video frame::

    {"type": "frame", "seq": 12, "t": 3.217, "landmarks": [[x, y, z, visibility], ...33] | null}

``seq`` (integer) and ``t`` (seconds) must strictly increase; ``landmarks`` is
33 rows of 4 finite numbers (normalised image x, y, depth z, visibility 0..1),
or ``null`` when nobody is seen. The same frames can come as one binary message holding a
batch of up to 30 (packed float16 or float32, :mod:`backfit.web.live_wire`; the ``hello``
message's ``binary`` says the version and the largest batch): the cheaper form for the server,
which the page uses. Each frame is answered::

    {"type": "ack", "seq": 12, "events": [...], "state": {"reps": 1, "holding": true, "hold_s": 0.8, ...}}

(acks are cumulative: under load, frames that arrived together are analysed in
one vectorised chunk and answered by one ack with the last ``seq``), with the
events of :func:`backfit.services.live.event_json` (repetition, hold,
fault, view, position, framing, step). ``{"type": "end"}`` closes the set and is
answered by ``{"type": "summary", ...}``. A message that is not valid JSON, too
large (over :data:`MAX_MESSAGE_BYTES`), of the wrong shape or out of order is
answered by ``{"type": "error", "detail": ...}`` and the connection keeps serving.

Resuming: a session's frames are stored about once a second while the set runs
(:class:`backfit.services.live_store.LiveStore`; ``state.stored_seq`` in each ack
says how far, so the client keeps later frames), and the analysis is kept for a
while after a connection drops (:class:`backfit.services.live.LiveStreams`).
Reconnecting with the same ``stream``, to this process or another one, continues
the same set (rebuilt from the stored frames when needed), and the ``hello``
message says how far it got (``last_seq``), so the client sends only later frames.

``/ws/practise/{exercise_id}?stream=ID&aspect=W/H`` is the same conversation for
practising one exercise with the camera outside a session (nothing is stored).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, FastAPI, Path, Query, WebSocket, WebSocketDisconnect
from pydantic import Field, StrictInt, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from backfit.catalog.schema import Exercise
from backfit.pose import landmarks as lm
from backfit.services import player, policy
from backfit.services.live import LiveCoach, LiveStreams, StreamKey
from backfit.services.live_store import PRACTICE_SESSION, LiveStore
from backfit.services.policy import Actor
from backfit.store.errors import NotFound
from backfit.web import live_wire
from backfit.web.schemas import Payload
from backfit.web.state import AppState

MAX_MESSAGE_BYTES = 16 * 1024
"""A frame is about 2.5 KB of JSON, a binary batch of 30 frames 16,096 bytes; anything above this is refused."""

router = APIRouter()

Finite = Annotated[float, Field(allow_inf_nan=False)]
Row = Annotated[list[Finite], Field(min_length=4, max_length=4)]


class LiveFrame(Payload):
    type: Literal["frame"]
    seq: StrictInt = Field(ge=0, le=2**53)
    t: float = Field(ge=0, le=1e7, allow_inf_nan=False, description="Seconds on the client's monotonic clock.")
    landmarks: Annotated[list[Row], Field(min_length=33, max_length=33)] | None


class LiveEnd(Payload):
    type: Literal["end"]


Message = TypeAdapter[LiveFrame | LiveEnd](Annotated[LiveFrame | LiveEnd, Field(discriminator="type")])


@dataclass(frozen=True)
class Frame:
    """One validated frame, from JSON or a binary batch: ``landmarks`` ``(33, 4)``, or None (nobody seen)."""

    seq: int
    t: float
    landmarks: lm.FloatArray | None


def install(app: FastAPI, streams: LiveStreams | None = None) -> None:
    """Serve the live WebSocket on ``app``, keeping analyses in ``streams``."""
    app.state.live_streams = streams or LiveStreams()
    state: AppState = app.state.backfit
    app.state.live_store = LiveStore(state.unit_of_work, state.now)
    app.include_router(router)


NOT_FOLLOWABLE = "the camera cannot follow this: start it from an exercise of the session in progress"
"""One answer for an unknown session, a finished one, a wrong item or an exercise without camera
checks, so the socket never tells which session ids exist."""


def _exercise(state: AppState, actor: Actor | None, session_id: int, item: int) -> Exercise:
    try:
        with state.unit_of_work() as session:
            if actor is None:
                raise NotFound(NOT_FOLLOWABLE)
            policy.performed_session(session, actor, policy.Action.TRAIN, session_id)
            read = player.player_state(session, session_id, state.catalog)
    except (NotFound, policy.Forbidden):
        raise NotFound(NOT_FOLLOWABLE) from None
    if read.performed.status != "in_progress" or not 0 <= item < len(read.items):
        raise NotFound(NOT_FOLLOWABLE)
    exercise = state.catalog.get(read.items[item].exercise_id)
    if exercise is None or exercise.analysis is None:
        raise NotFound(NOT_FOLLOWABLE)
    return exercise


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


@router.websocket("/ws/live/{session_id}")
async def live(
    websocket: WebSocket,
    session_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
    item: Annotated[int, Query(ge=0, le=50)],
    stream: Annotated[str, Query(pattern=r"^[A-Za-z0-9_-]{1,64}$")],
    aspect: Annotated[float, Query(gt=0.2, lt=5.0)] = 4 / 3,
) -> None:
    state: AppState = websocket.app.state.backfit
    await websocket.accept()
    try:
        actor = websocket.scope.get("state", {}).get("actor")
        exercise = await run_in_threadpool(_exercise, state, actor, session_id, item)
    except NotFound as exc:
        await websocket.send_json({"type": "error", "detail": str(exc), "fatal": True})
        await websocket.close(code=1008)
        return
    await _coach(websocket, (session_id, item, stream), exercise, aspect)


@router.websocket("/ws/practise/{exercise_id}")
async def practise(
    websocket: WebSocket,
    exercise_id: Annotated[str, Path(max_length=80)],
    stream: Annotated[str, Query(pattern=r"^[A-Za-z0-9_-]{1,64}$")],
    aspect: Annotated[float, Query(gt=0.2, lt=5.0)] = 4 / 3,
) -> None:
    """The live coach for one exercise outside a session: the same analysis, nothing stored."""
    state: AppState = websocket.app.state.backfit
    await websocket.accept()
    exercise = state.catalog.get(exercise_id)
    if exercise is None or exercise.analysis is None:
        await websocket.send_json({"type": "error", "detail": "the camera cannot follow this exercise", "fatal": True})
        await websocket.close(code=1008)
        return
    index = sorted(state.catalog).index(exercise.id)
    # a session's streams are reached only by its person (the policy checks it above); a practice has
    # no session, so its stream is kept under its actor: another account sending the same id gets its own
    actor = websocket.scope.get("state", {}).get("actor")
    owner = actor.account_id if isinstance(actor, Actor) and actor.account_id is not None else "owner"
    await _coach(websocket, (PRACTICE_SESSION, index, f"{owner}/{stream}"), exercise, aspect)


async def _coach(websocket: WebSocket, key: StreamKey, exercise: Exercise, aspect: float) -> None:
    """Serve one accepted live stream: hello, then frames in and acks out until the set ends."""
    streams: LiveStreams = websocket.app.state.live_streams
    store: LiveStore = websocket.app.state.live_store
    coach, resumed = await run_in_threadpool(store.open, streams, key, lambda: LiveCoach(exercise, aspect))
    await websocket.send_json(
        {
            "type": "hello",
            "exercise_id": exercise.id,
            "resumed": resumed,
            "last_seq": coach.last_seq,
            "state": coach.state(),
            "max_bytes": MAX_MESSAGE_BYTES,
            "binary": {"version": live_wire.VERSION, "max_frames": live_wire.MAX_BATCH_FRAMES},
        }
    )
    inbox: asyncio.Queue[str | bytes | None] = asyncio.Queue()
    reader = asyncio.create_task(_read(websocket, inbox))
    try:
        while True:
            batch = [await inbox.get()]
            while not inbox.empty() and batch[-1] is not None:
                batch.append(inbox.get_nowait())
            messages = [m for m in batch if m is not None]
            replies = handle_many(coach, messages)
            ended = any(r["type"] == "summary" for r in replies)
            if coach.durable and store.due(key, coach, ended):  # the database, off the event loop, once a second
                await run_in_threadpool(store.save, key, coach, ended)
            for reply in replies:
                await websocket.send_json(reply)
                if reply["type"] == "summary":
                    streams.drop(key)
            if batch[-1] is None:
                break
    except WebSocketDisconnect:
        pass
    finally:
        reader.cancel()
        streams.touch(key)
        if coach.durable and coach.pending:
            await run_in_threadpool(store.save, key, coach, True)


async def _read(websocket: WebSocket, inbox: asyncio.Queue[str | bytes | None]) -> None:
    """Queue every client message (None at the end): frames that pile up under load are analysed in one chunk."""
    try:
        while True:
            await inbox.put(await _receive_text(websocket))
    except WebSocketDisconnect:
        await inbox.put(None)


async def _receive_text(websocket: WebSocket) -> str | bytes:
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text: str | None = message.get("text")
    return text if text is not None else message.get("bytes") or b""


def handle(coach: LiveCoach, raw: str | bytes) -> dict[str, Any]:
    """The reply to one client message (never raises on bad input: errors are replies)."""
    return handle_many(coach, [raw])[0]


def handle_many(coach: LiveCoach, messages: list[str | bytes]) -> list[dict[str, Any]]:
    """The replies to client messages received together, in order; consecutive valid frames are analysed
    in one chunk and answered by one ``ack`` carrying the last frame's ``seq`` (acks are cumulative)."""
    replies: list[dict[str, Any]] = []
    seqs: list[int] = []
    times: list[float] = []
    frames: list[lm.FloatArray | None] = []

    def flush() -> None:
        if seqs:
            events = coach.feed_many(times, frames)
            replies.append({"type": "ack", "seq": seqs[-1], "events": events, "state": coach.state()})
            seqs.clear()
            times.clear()
            frames.clear()

    for raw in messages:
        message = parse(raw)
        if isinstance(message, dict):
            flush()
            replies.append(message)
            continue
        if isinstance(message, LiveEnd):
            flush()
            events = coach.finish()
            replies.append({"type": "summary", "events": events, "state": coach.state(), "faults": coach.faults})
            continue
        for frame in message:
            if coach.finished:
                replies.append({"type": "error", "seq": frame.seq, "detail": "this set has ended: start a new stream"})
            elif frame.seq <= coach.last_seq:
                flush()
                replies.append(
                    {"type": "error", "seq": frame.seq, "detail": f"seq must increase (last was {coach.last_seq})"}
                )
            elif (last_t := times[-1] if times else coach.last_t) is not None and frame.t <= last_t:
                flush()
                replies.append({"type": "error", "seq": frame.seq, "detail": f"t must increase (last was {last_t})"})
            else:
                coach.last_seq = frame.seq
                seqs.append(frame.seq)
                times.append(frame.t)
                frames.append(frame.landmarks)
    flush()
    return replies


def parse(raw: str | bytes) -> list[Frame] | LiveEnd | dict[str, Any]:
    """The validated frames of a client message (or its end), or the error reply for it."""
    if len(raw) > MAX_MESSAGE_BYTES or (isinstance(raw, str) and len(raw.encode()) > MAX_MESSAGE_BYTES):
        return {"type": "error", "detail": f"message larger than {MAX_MESSAGE_BYTES} bytes"}
    if isinstance(raw, bytes):
        try:
            batch = live_wire.decode(raw)
        except live_wire.BadBatch as exc:
            return {"type": "error", "detail": str(exc)}
        seen = ~np.isnan(batch.landmarks[:, 0, 0])
        return [
            Frame(batch.first_seq + i, float(t), batch.landmarks[i] if seen[i] else None)
            for i, t in enumerate(batch.times)
        ]
    try:
        message = Message.validate_json(raw)
    except ValidationError as exc:
        return {"type": "error", "detail": _describe(exc)}
    if isinstance(message, LiveEnd):
        return message
    marks = None if message.landmarks is None else np.asarray(message.landmarks, dtype=np.float64)
    return [Frame(message.seq, message.t, marks)]
