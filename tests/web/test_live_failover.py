"""A live set survives the loss of its worker process: a real `backfit web` process is killed mid-set
and a second one, started on the same database, continues it from the stored frames, counting as an
uninterrupted run does. Driven by a websockets client sending the real clip's landmarks at camera
pace, keeping (as static/live.js does) the frames the server has not stored yet (slow)."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from websockets.sync.client import ClientConnection, connect

from backfit.catalog import load_catalog
from backfit.services import recording_codec as codec
from tests.material import CLIP, require
from tests.web.conftest import answers, api_client, free_port

pytestmark = pytest.mark.slow

FPS = 30.0


@pytest.fixture(scope="module")
def clip() -> Any:
    require(CLIP)
    from backfit.services.analysis import analyze_video

    return analyze_video(CLIP, load_catalog().get_or_raise("hip-bridge"))


class WebProcess:
    """`backfit web` in its own process on a free port, on ``db_url``."""

    def __init__(self, db_url: str, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "BACKFIT_DATABASE_URL": db_url, "BACKFIT_DATA_DIR": str(data_dir)}
        backfit = Path(sys.executable).with_name("backfit")
        self.process = subprocess.Popen(
            [str(backfit), "web", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/exercises", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"backfit web did not start: {self.process.stderr and self.process.stderr.read()}")
            time.sleep(0.1)

    def kill(self) -> None:
        """End the process at once (SIGKILL: no clean shutdown, nothing flushed)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def processes(db_url: str, tmp_path: Path) -> Iterator[list[WebProcess]]:
    started: list[WebProcess] = []
    yield started
    for process in started:
        process.stop()


class Sender:
    """Sends frames as the browser's LiveSet does: it keeps every frame the server has not stored."""

    def __init__(self, clip: Any) -> None:
        self.clip = clip
        self.kept: list[dict[str, Any]] = []
        self.state: dict[str, Any] = {}

    def frame(self, seq: int) -> dict[str, Any]:
        marks = self.clip.landmarks[seq]
        finite = bool(np.isfinite(marks).all())
        t = 1000.0 + float(self.clip.times[seq])  # the browser's monotonic clock does not start at 0
        return {"type": "frame", "seq": seq, "t": t, "landmarks": marks.tolist() if finite else None}

    def receive(self, ws: ClientConnection) -> dict[str, Any]:
        reply: dict[str, Any] = json.loads(ws.recv(timeout=30))
        if reply["type"] == "ack":
            self.state = reply["state"]
            self.kept = [f for f in self.kept if f["seq"] > reply["state"]["stored_seq"]]
        return reply

    def send(self, ws: ClientConnection, seqs: range) -> None:
        for seq in seqs:
            frame = self.frame(seq)
            self.kept.append(frame)
            ws.send(json.dumps(frame))
            assert self.receive(ws)["type"] == "ack"
            time.sleep(1 / FPS)

    def hello(self, ws: ClientConnection) -> dict[str, Any]:
        hello: dict[str, Any] = json.loads(ws.recv(timeout=30))
        assert hello["type"] == "hello", hello
        self.kept = [f for f in self.kept if f["seq"] > hello["last_seq"]]
        for frame in self.kept:
            ws.send(json.dumps(frame))
            assert self.receive(ws)["type"] == "ack"
        return hello

    def end(self, ws: ClientConnection) -> dict[str, Any]:
        ws.send(json.dumps({"type": "end"}))
        summary = self.receive(ws)
        assert summary["type"] == "summary", summary
        return summary


def socket(server: WebProcess, session_id: int, item: int, stream: str, aspect: float) -> ClientConnection:
    url = f"ws://127.0.0.1:{server.port}/ws/live/{session_id}?item={item}&stream={stream}&aspect={aspect:.4f}"
    return connect(url, additional_headers={"Origin": server.url})


def test_a_set_continues_on_another_process_after_its_worker_is_killed(
    db_url: str, tmp_path: Path, processes: list[WebProcess], clip: Any
) -> None:
    first = WebProcess(db_url, tmp_path / "data")
    processes.append(first)
    api = api_client(first.url)
    assert api.post("/api/intake", json=answers(experience="regular")).status_code == 200
    session = api.post("/api/sessions", json={"pain_start": 1}).json()
    item = next(i["index"] for i in session["items"] if i["exercise_id"] == "hip-bridge")
    n = len(clip.times)
    cut = int(1.7 * FPS)  # in the middle of the clip's hold at the top

    sender = Sender(clip)
    with socket(first, session["id"], item, "phone", clip.aspect) as ws:
        assert not sender.hello(ws)["resumed"]
        sender.send(ws, range(cut))
        assert sender.state["holding"], "the cut falls inside the hold"
        before_kill = sender.state
    first.kill()
    assert before_kill["stored_seq"] >= 0, "frames were stored while the set ran"

    second = WebProcess(db_url, tmp_path / "data")
    processes.append(second)
    with socket(second, session["id"], item, "phone", clip.aspect) as ws:
        hello = sender.hello(ws)
        assert hello["resumed"]
        assert hello["last_seq"] == before_kill["stored_seq"], "the new process knows what was stored"
        assert hello["state"]["reps"] == 0
        assert hello["state"]["holding"], "rebuilt in the middle of the hold"
        sender.send(ws, range(cut, n))
        resumed = sender.end(ws)

    plain = Sender(clip)
    with socket(second, session["id"], item, "uninterrupted", clip.aspect) as ws:
        plain.hello(ws)
        plain.send(ws, range(n))
        uninterrupted = plain.end(ws)

    assert uninterrupted["state"]["reps"] == clip.report.repetitions[-1].index == 1
    for key in ("reps", "held_s", "holds"):
        assert resumed["state"][key] == uninterrupted["state"][key], key
    assert resumed["faults"] == uninterrupted["faults"]

    # saving the set keeps its whole recording: every frame once, in order, with the analyzer's events
    api = api_client(second.url)
    saved = api.post(
        f"/api/sessions/{session['id']}/sets",
        json={
            "item_index": item,
            "set_index": 0,
            "reps": resumed["state"]["reps"],
            "hold_s": resumed["state"]["held_s"],
            "source": "camera",
            "faults": [],
            "stream": "phone",
        },
    )
    assert saved.status_code == 201, saved.text
    backup = api.get("/api/export?format=json")
    assert backup.status_code == 200, backup.text
    tables = backup.json()["tables"]
    [row] = [r for r in tables["set_recordings"] if r["stream"] == "phone"]
    assert row["set_id"] is not None
    assert row["frames"] == n
    assert not [c for c in tables["recording_chunks"] if c["recording_id"] == row["id"]], "chunks joined"
    recording = codec.decode(row["t0"], base64.b64decode(row["times"]), base64.b64decode(row["landmarks"]))
    sent = codec.from_arrays(1000.0 + np.asarray(clip.times), clip.landmarks)
    assert recording.offsets.tolist() == sent.offsets.tolist(), "every frame stored once, none lost at the kill"
    assert np.array_equal(recording.landmarks, sent.landmarks, equal_nan=True)
    reps = [e for e in row["events"] if e["type"] == "repetition"]
    holds = [e for e in row["events"] if e["type"] == "hold"]
    assert len(reps) == uninterrupted["state"]["reps"]
    assert sum(h["seconds"] for h in holds) == pytest.approx(uninterrupted["state"]["held_s"], abs=1e-3)
