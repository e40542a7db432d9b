"""Replaying a camera set without video, in real Chromium: the set is streamed over the live WebSocket
(landmarks with an over-arched low back, as the browser would send them), saved with its stream, and
replayed from history as a skeleton; a fault on the timeline is a jump there; keys play and step."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from websockets.sync.client import connect

from backfit.catalog import load_catalog
from backfit.pose.synthetic import Faults, bridge
from tests.material import CLIP, require
from tests.web.conftest import LiveServer, Page, answers, api_client
from tests.web.test_a11y import Auditor

pytestmark = pytest.mark.slow

ARCHED = bridge(reps=2, faults=Faults(over_arch_deg=20))  # the over-arch check fires on each hold


def camera_set(server: LiveServer, times: Any = ARCHED.times, frames: Any = ARCHED.frames) -> dict[str, Any]:
    """A session whose first bridge set was watched by the camera (``frames`` ``(n, 33, 4)`` at ``times``
    seconds; NaN rows: nobody seen) and saved with its stream."""
    stream = "replay"
    api = api_client(server.url)
    assert api.post("/api/intake", json=answers(experience="regular")).status_code == 200
    session = api.post("/api/sessions", json={"pain_start": 1}).json()
    item = next(i["index"] for i in session["items"] if i["exercise_id"] == "hip-bridge")
    ws_url = server.url.replace("http", "ws", 1) + f"/ws/live/{session['id']}?item={item}&stream={stream}"
    with connect(ws_url, additional_headers={"Origin": server.url}) as ws:
        assert json.loads(ws.recv(timeout=30))["type"] == "hello"
        for seq, (t, marks) in enumerate(zip(list(times), frames, strict=True)):
            rows = marks.tolist() if np.isfinite(marks).all() else None
            ws.send(json.dumps({"type": "frame", "seq": seq, "t": 50.0 + float(t), "landmarks": rows}))
            assert json.loads(ws.recv(timeout=30))["type"] == "ack"
        ws.send(json.dumps({"type": "end"}))
        summary = json.loads(ws.recv(timeout=30))
    assert summary["type"] == "summary"
    faults = [
        {k: f[k] for k in ("text", "quantity", "value", "op", "bound")} | {"t": f["t"] - 50.0}
        for f in summary["faults"]
    ]
    saved = api.post(
        f"/api/sessions/{session['id']}/sets",
        json={
            "item_index": item,
            "set_index": 0,
            "reps": summary["state"]["reps"],
            "hold_s": round(summary["state"]["held_s"] / max(1, summary["state"]["holds"]), 1),
            "source": "camera",
            "faults": faults,
            "stream": stream,
        },
    )
    assert saved.status_code == 201, saved.text
    return summary


def test_a_camera_set_replays_as_a_skeleton_with_its_faults_on_the_timeline(web: Page, live_server: LiveServer) -> None:
    summary = camera_set(live_server)
    assert summary["state"]["reps"] == 2
    arches = [f for f in summary["faults"] if "arch" in f["text"]]
    assert len(arches) == 2

    page = web.page
    page.goto("/history")
    link = page.locator("ul.replays a").first
    assert link.inner_text().startswith("Replay ")
    assert "2 faults" in page.inner_text("ul.replays")
    link.click()
    page.wait_for_selector("#replay[data-ready=true]")
    assert page.locator("#replay figure svg").count() == 1, "the target pose is beside the replay"
    assert page.locator("button.replay-fault").count() == 2
    audit = Auditor(web)
    audit.check("replay")
    assert audit.problems == []

    # click the second fault on the timeline: the replay jumps to its time, the skeleton marked
    page.locator("button.replay-fault").nth(1).click()
    second = arches[1]["t"] - 50.0
    shown = float(page.inner_text("#replay-time"))
    assert shown == pytest.approx(second, abs=0.05)
    web.shot("replay-fault")

    # keys: Home to the start, Space plays (the time runs), Space pauses, ] jumps to the next fault
    page.locator("#replay-scrub").focus()
    page.keyboard.press("Home")
    assert float(page.inner_text("#replay-time")) == 0.0
    page.keyboard.press("Space")
    page.wait_for_function("() => Number(document.querySelector('#replay-time').textContent) > 1.5")
    page.keyboard.press("Space")
    paused = page.inner_text("#replay-time")
    page.wait_for_timeout(400)
    assert page.inner_text("#replay-time") == paused, "paused"
    web.shot("replay-playing")
    page.keyboard.press("Home")
    page.keyboard.press("]")
    assert float(page.inner_text("#replay-time")) == pytest.approx(arches[0]["t"] - 50.0, abs=0.05)
    frame = int(page.input_value("#replay-scrub"))
    page.keyboard.press("ArrowRight")
    assert int(page.input_value("#replay-scrub")) == frame + 1, "an arrow steps one frame"


def test_a_set_without_recording_is_a_404_in_words(web: Page, live_server: LiveServer) -> None:
    api = api_client(live_server.url)
    assert api.post("/api/intake", json=answers()).status_code == 200
    response = api.get("/api/recordings/99")
    assert response.status_code == 404
    assert "no recording" in response.json()["detail"]
    page = web.page
    answer = page.goto("/recordings/99")
    assert answer is not None
    assert answer.status == 404
    assert "no recording to replay" in page.inner_text("main")


def test_the_real_clip_replays_as_a_person_bridging(web: Page, live_server: LiveServer) -> None:
    """The shared clip's landmarks (the pose model's, as the browser sends them) drawn from the store:
    test-artifacts/replay-clip-*.png show a person lying on their back lifting the hips."""
    require(CLIP)
    from backfit.services.analysis import analyze_video

    clip = analyze_video(CLIP, load_catalog().get_or_raise("hip-bridge"))
    summary = camera_set(live_server, clip.times, clip.landmarks)
    assert summary["state"]["reps"] == 1
    page = web.page
    page.goto("/history")
    page.locator("ul.replays a").first.click()
    page.wait_for_selector("#replay[data-ready=true]")
    web.shot("replay-clip-rest")
    hold = clip.report.holds[0]
    hold_t = (hold.start + hold.end) / 2  # the file's times start at 0, as the replay's do
    page.locator("#replay-scrub").fill(str(round(hold_t * 30)))
    assert float(page.inner_text("#replay-time")) > 0.5
    web.shot("replay-clip-top")
