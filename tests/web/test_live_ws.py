"""The live coach's WebSocket: synthetic bridges in, counts and holds out; every bad message gets an error
reply and the socket keeps serving; a dropped connection resumes the same set."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from backfit.catalog import load_catalog
from backfit.pose import analyze_sequence
from backfit.pose.synthetic import bridge
from backfit.services import recording_codec as codec
from backfit.services.live import LiveStreams
from backfit.services.policy import Role
from backfit.settings import Settings
from backfit.web import live_wire
from backfit.web.live import MAX_MESSAGE_BYTES, NOT_FOLLOWABLE
from tests.web.clinic import add, clinic_app, signed_in
from tests.web.conftest import answers

BRIDGE = bridge(reps=3, hold_s=2.0)  # 30 frames/s, side view


@pytest.fixture
def camera_item(client: TestClient) -> tuple[int, int]:
    """(session id, item index) of a bridge the camera can follow, in a fresh session."""
    assert client.post("/api/intake", json=answers(experience="regular")).status_code == 200
    session = client.post("/api/sessions", json={"pain_start": 1}).json()
    items = [i for i in session["items"] if i["camera"] and i["exercise_id"] == "hip-bridge"]
    assert items, [i["exercise_id"] for i in session["items"]]
    return session["id"], items[0]["index"]


def frame(seq: int, t: float | None = None, landmarks: Any = "bridge") -> dict[str, Any]:
    marks = BRIDGE.frames[seq % len(BRIDGE.frames)].tolist() if landmarks == "bridge" else landmarks
    return {"type": "frame", "seq": seq, "t": BRIDGE.times[seq] if t is None else t, "landmarks": marks}


def url(session_id: int | str, item: int, stream: str = "s1") -> str:
    return f"/ws/live/{session_id}?item={item}&stream={stream}"


def stream(ws: WebSocketTestSession, seqs: range) -> list[dict[str, Any]]:
    """Send the bridge's frames ``seqs``; returns every event of the acks."""
    events: list[dict[str, Any]] = []
    for seq in seqs:
        ws.send_json(frame(seq))
        reply = ws.receive_json()
        assert reply["type"] == "ack", reply
        assert reply["seq"] == seq
        events += reply["events"]
    return events


@pytest.fixture
def ws(client: TestClient, camera_item: tuple[int, int]) -> Iterator[WebSocketTestSession]:
    with client.websocket_connect(url(*camera_item)) as socket:
        hello = socket.receive_json()
        assert hello["type"] == "hello"
        assert hello["exercise_id"] == "hip-bridge"
        assert not hello["resumed"]
        yield socket


def test_counts_repetitions_and_holds_as_the_batch_analysis_does(ws: WebSocketTestSession) -> None:
    events = stream(ws, range(len(BRIDGE.times)))
    ws.send_json({"type": "end"})
    summary = ws.receive_json()
    events += summary["events"]
    reps = [e for e in events if e["type"] == "repetition"]
    holds = [e for e in events if e["type"] == "hold"]
    assert [e["count"] for e in reps] == [1, 2, 3]
    recording = codec.from_arrays(BRIDGE.times, BRIDGE.frames)  # live analysis sees the frames as stored
    batch = analyze_sequence(
        load_catalog().get_or_raise("hip-bridge"), recording.times(), recording.frames64(), aspect=4 / 3
    )
    assert [h["seconds"] for h in holds] == [h.duration for h in batch.holds]
    assert len(holds) == 3
    assert summary["state"]["reps"] == 3
    assert summary["state"]["held_s"] == pytest.approx(sum(h["seconds"] for h in holds))


def test_hold_state_runs_only_at_the_top(ws: WebSocketTestSession) -> None:
    holding = []
    for seq in range(len(BRIDGE.times)):
        ws.send_json(frame(seq))
        holding.append(ws.receive_json()["state"]["holding"])
    top = BRIDGE.truth_signal >= 160  # hip-bridge's peak threshold
    agree = np.mean(np.array(holding) == top)
    assert agree > 0.9, f"holding agrees with the truth on {agree:.0%} of frames"


ROW = [0.5, 0.5, 0.0, 0.9]
CASES = [
    pytest.param("{not json", "", id="malformed-json"),
    pytest.param(json.dumps([1, 2, 3]), "", id="not-an-object"),
    pytest.param(json.dumps({"seq": 0, "t": 0.0, "landmarks": None}), "type", id="missing-type"),
    pytest.param(json.dumps({"type": "jump"}), "type", id="unknown-type"),
    pytest.param(json.dumps({**frame(0), "extra": 1}), "extra", id="extra-field"),
    pytest.param(json.dumps(frame(0, landmarks=[ROW] * 32)), "landmarks", id="32-landmarks"),
    pytest.param(json.dumps(frame(0, landmarks=[ROW[:3]] * 33)), "landmarks", id="3-values-a-landmark"),
    pytest.param(json.dumps(frame(0, landmarks=[[*ROW[:3], "high"]] * 33)), "landmarks", id="string-value"),
    pytest.param(json.dumps(frame(0, landmarks=[[*ROW[:3], None]] * 33)), "landmarks", id="null-value"),
    pytest.param(json.dumps(frame(0, landmarks=[[*ROW[:3], 7.25]] * 33)).replace("7.25", "NaN"), "landmarks", id="nan"),
    pytest.param(
        json.dumps(frame(0, landmarks=[[*ROW[:3], 7.25]] * 33)).replace("7.25", "Infinity"), "landmarks", id="infinity"
    ),
    pytest.param(json.dumps(frame(0)).replace('"t": 0.0', '"t": NaN'), "t", id="nan-time"),
    pytest.param(json.dumps({**frame(0), "t": -1.0}), "t", id="negative-time"),
    pytest.param(json.dumps({**frame(0), "seq": "1"}), "seq", id="seq-as-string"),
    pytest.param(json.dumps(frame(0)) + " " * MAX_MESSAGE_BYTES, "larger than", id="oversized"),
    pytest.param(b"\x00\x01", "16-byte header", id="binary-too-short"),
]


def batch(first: int = 0, count: int = 3, type_code: int = 4) -> bytes:
    """The bridge's frames ``first .. first + count - 1`` as one binary message."""
    rows = range(first, first + count)
    frames = np.stack([BRIDGE.frames[i % len(BRIDGE.frames)] for i in rows])
    return live_wire.encode(first, BRIDGE.times[first : first + count], frames, type_code)


def patched(raw: bytes, offset: int, value: bytes) -> bytes:
    return raw[:offset] + value + raw[offset + len(value) :]


def with_frames(times: list[float], marks: np.ndarray) -> bytes:
    return live_wire.encode(0, np.asarray(times), marks)


PARTIAL_NAN = np.tile(np.asarray(ROW), (2, 33, 1))
PARTIAL_NAN[1, 7, 2] = np.nan
INFINITE = np.tile(np.asarray(ROW), (1, 33, 1))
INFINITE[0, 3, 0] = np.inf
BINARY_CASES = [
    pytest.param(patched(batch(), 0, b"XX"), "starting with 'BF'", id="binary-wrong-magic"),
    pytest.param(patched(batch(), 2, b"\x02"), "version 2 is not supported", id="binary-version-2"),
    pytest.param(patched(batch(), 3, b"\x08"), "landmark type 8 is unknown", id="binary-float64-type"),
    pytest.param(patched(batch(), 4, b"\x00\x00"), "1 to 30 frames, not 0", id="binary-no-frames"),
    pytest.param(patched(batch(), 4, b"\x1f\x00"), "1 to 30 frames, not 31", id="binary-31-frames"),
    pytest.param(patched(batch(), 6, b"\x01\x00"), "reserved", id="binary-reserved-set"),
    pytest.param(batch()[:-1], "is 1624 bytes, not 1623", id="binary-truncated"),
    pytest.param(batch() + b"\x00", "is 1624 bytes, not 1625", id="binary-trailing-byte"),
    pytest.param(batch(type_code=2)[:-2], "is 832 bytes, not 830", id="binary-float16-truncated"),
    pytest.param(patched(batch(), 8, b"\xff" * 8), "seq must be at most", id="binary-huge-seq"),
    pytest.param(with_frames([1.0, float("nan")], PARTIAL_NAN * 0 + 0.5), "t must be finite", id="binary-nan-time"),
    pytest.param(with_frames([-1.0, 1.0], PARTIAL_NAN * 0 + 0.5), "t must be finite", id="binary-negative-time"),
    pytest.param(with_frames([2.0, 1.0], PARTIAL_NAN * 0 + 0.5), "t must increase", id="binary-time-backwards"),
    pytest.param(with_frames([1.0, 2.0], PARTIAL_NAN), "frame 1 of the batch", id="binary-some-nan-landmarks"),
    pytest.param(with_frames([1.0], INFINITE), "finite numbers", id="binary-infinite-landmark"),
    pytest.param(b"BF" + b"\x00" * MAX_MESSAGE_BYTES, "larger than", id="binary-oversized"),
]
CASES += BINARY_CASES


@pytest.mark.parametrize(("raw", "detail"), CASES)
def test_bad_message_gets_an_error_and_the_socket_keeps_serving(
    ws: WebSocketTestSession, raw: str | bytes, detail: str
) -> None:
    if isinstance(raw, bytes):
        ws.send_bytes(raw)
    else:
        ws.send_text(raw)
    reply = ws.receive_json()
    assert reply["type"] == "error"
    assert detail in reply["detail"]
    assert stream(ws, range(3)) == []  # valid frames afterwards are processed


def test_binary_batches_count_as_the_json_frames_do(client: TestClient, camera_item: tuple[int, int]) -> None:
    """The whole bridge in float32 batches of 7 frames, and in float16 ones: the same repetitions and holds
    as JSON frames one by one (float16 rounds a coordinate by at most 0.0005: a fraction of a pixel)."""
    counts = {}
    for form in ("json", "float32", "float16"):
        with client.websocket_connect(url(*camera_item, stream=form)) as ws:
            hello = ws.receive_json()
            assert hello["binary"] == {"version": 1, "max_frames": live_wire.MAX_BATCH_FRAMES}
            events: list[dict[str, Any]] = []
            if form == "json":
                events += stream(ws, range(len(BRIDGE.times)))
            else:
                for first in range(0, len(BRIDGE.times), 7):
                    count = min(7, len(BRIDGE.times) - first)
                    ws.send_bytes(batch(first, count, 4 if form == "float32" else 2))
                    reply = ws.receive_json()
                    assert reply["type"] == "ack", reply
                    assert reply["seq"] == first + count - 1
                    events += reply["events"]
            ws.send_json({"type": "end"})
            summary = ws.receive_json()
            events += summary["events"]
            counts[form] = (
                [e["count"] for e in events if e["type"] == "repetition"],
                [round(e["seconds"], 1) for e in events if e["type"] == "hold"],
            )
    assert counts["json"][0] == [1, 2, 3]
    assert counts["float32"] == counts["json"]
    assert counts["float16"] == counts["json"]


def test_a_binary_frame_of_nan_is_nobody_seen(ws: WebSocketTestSession) -> None:
    nobody = np.full((1, 33, 4), np.nan)
    ws.send_bytes(live_wire.encode(0, np.asarray([1.0]), nobody))
    reply = ws.receive_json()
    assert reply["type"] == "ack", reply
    assert reply["state"]["reps"] == 0


@pytest.mark.parametrize(
    ("message", "detail"),
    [
        pytest.param(frame(4), "seq must increase", id="repeated-seq"),
        pytest.param(frame(2, t=1.0), "seq must increase", id="older-seq"),
        pytest.param(frame(9, t=float(BRIDGE.times[4])), "t must increase", id="repeated-time"),
        pytest.param(frame(9, t=0.01), "t must increase", id="earlier-time"),
    ],
)
def test_out_of_order_frame_gets_an_error(ws: WebSocketTestSession, message: dict[str, Any], detail: str) -> None:
    stream(ws, range(5))
    ws.send_json(message)
    reply = ws.receive_json()
    assert reply["type"] == "error"
    assert detail in reply["detail"]
    stream(ws, range(5, 8))


def test_nobody_in_view_is_a_frame_and_framing_advice(ws: WebSocketTestSession) -> None:
    events = []
    for seq in range(30):
        ws.send_json(frame(seq, landmarks=None))
        events += ws.receive_json()["events"]
    framing = [e for e in events if e["type"] == "framing"]
    assert len(framing) == 1
    assert "does not see you" in framing[0]["text"]


def test_feet_out_of_frame_are_reported(ws: WebSocketTestSession) -> None:
    events = []
    for seq in range(30):
        marks = BRIDGE.frames[seq].copy()
        marks[[27, 28, 29, 30, 31, 32], 0] = 1.2  # ankles and feet past the right edge
        ws.send_json(frame(seq, landmarks=marks.tolist()))
        events += ws.receive_json()["events"]
    assert [e["text"] for e in events if e["type"] == "framing"] == [
        "Your feet are out of the frame: move the camera back so your whole body shows."
    ]


def test_a_dropped_connection_resumes_the_same_set(client: TestClient, camera_item: tuple[int, int]) -> None:
    n = len(BRIDGE.times)
    cut = n // 2  # in the middle of the second repetition
    with client.websocket_connect(url(*camera_item, stream="phone")) as first:
        first.receive_json()
        before = stream(first, range(cut))
    with client.websocket_connect(url(*camera_item, stream="phone")) as second:
        hello = second.receive_json()
        assert hello["resumed"]
        assert hello["last_seq"] == cut - 1
        assert hello["state"]["reps"] == sum(e["type"] == "repetition" for e in before)
        second.send_json(frame(cut - 1))  # a frame re-sent after the drop is refused, not counted twice
        assert second.receive_json()["type"] == "error"
        after = stream(second, range(cut, n))
        second.send_json({"type": "end"})
        summary = second.receive_json()
    reps = [e["count"] for e in before + after + summary["events"] if e["type"] == "repetition"]
    assert reps == [1, 2, 3]
    with client.websocket_connect(url(*camera_item, stream="phone")) as third:
        hello = third.receive_json()
        assert hello["state"]["ended"], "an ended set stays ended (it is rebuilt from its stored frames)"
        assert hello["state"]["reps"] == 3
        third.send_json(frame(n, t=float(BRIDGE.times[-1]) + 1))
        assert "ended" in third.receive_json()["detail"]


def test_streams_expire() -> None:
    now = [0.0]
    streams = LiveStreams(keep_s=60, clock=lambda: now[0])
    made: list[int] = []

    def make() -> Any:
        made.append(1)
        return object()

    streams.get((1, 0, "a"), make)
    now[0] = 59
    assert streams.get((1, 0, "a"), make)[1]
    now[0] = 120
    assert not streams.get((1, 0, "a"), make)[1]
    assert len(made) == 2


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        pytest.param("/ws/live/999?item=0&stream=x", NOT_FOLLOWABLE, id="unknown-session"),
        pytest.param("/ws/live/{sid}?item=40&stream=x", NOT_FOLLOWABLE, id="unknown-item"),
    ],
)
def test_unknown_session_or_item_is_refused(
    client: TestClient, camera_item: tuple[int, int], path: str, detail: str
) -> None:
    with client.websocket_connect(path.format(sid=camera_item[0])) as socket:
        reply = socket.receive_json()
    assert reply["type"] == "error"
    assert reply["fatal"]
    assert detail in reply["detail"]


def test_an_item_without_camera_analysis_is_refused(client: TestClient, camera_item: tuple[int, int]) -> None:
    session = client.get(f"/api/sessions/{camera_item[0]}").json()
    blind = [i["index"] for i in session["items"] if not i["camera"]]
    assert blind
    with client.websocket_connect(url(camera_item[0], blind[0])) as socket:
        reply = socket.receive_json()
    assert reply["detail"] == NOT_FOLLOWABLE


@pytest.mark.parametrize(
    "session_id",
    [
        pytest.param("0", id="zero"),
        pytest.param(str(2**31), id="past-32-bits"),
        pytest.param(str(2**70), id="past-64-bits"),
    ],
)
def test_session_ids_out_of_range_are_refused_cleanly(client: TestClient, session_id: str) -> None:
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect(url(session_id, 0)):
        pass
    assert refused.value.code == 1008


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("http://evil.example", id="foreign-site"),
        pytest.param("null", id="null"),
        pytest.param("http://127.0.0.1:9999", id="other-local-port"),
        pytest.param("http://localhost:8765", id="other-name-same-port"),
    ],
)
def test_handshakes_from_other_origins_are_refused(
    client: TestClient, camera_item: tuple[int, int], origin: str
) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect(url(*camera_item), headers={"Origin": origin}),
    ):
        pass
    assert refused.value.code == 1008


def test_a_finished_session_cannot_be_followed(client: TestClient, camera_item: tuple[int, int]) -> None:
    assert client.post(f"/api/sessions/{camera_item[0]}/finish", json={}).status_code == 200
    with client.websocket_connect(url(*camera_item)) as socket:
        reply = socket.receive_json()
    assert reply == {"type": "error", "detail": NOT_FOLLOWABLE, "fatal": True}


def test_a_practice_stream_is_its_signed_in_persons_own(settings: Settings) -> None:
    """In a clinic, another account that sends the same stream id gets a practice of its own: it
    neither sees nor feeds someone else's set."""
    app = clinic_app(settings)
    add(app, "one@clinic.test", Role.CLINICIAN)
    add(app, "two@clinic.test", Role.CLINICIAN)
    one, two = signed_in(app, "one@clinic.test"), signed_in(app, "two@clinic.test")
    try:
        with one.websocket_connect("/ws/practise/hip-bridge?stream=same") as mine:
            assert not mine.receive_json()["resumed"]
            stream(mine, range(len(BRIDGE.times) // 2))
        with two.websocket_connect("/ws/practise/hip-bridge?stream=same") as theirs:
            hello = theirs.receive_json()
            assert not hello["resumed"]
            assert hello["last_seq"] == -1
        with one.websocket_connect("/ws/practise/hip-bridge?stream=same") as mine_again:
            assert mine_again.receive_json()["resumed"]  # the person's own practice still resumes
    finally:
        one.__exit__(None, None, None)
        two.__exit__(None, None, None)
