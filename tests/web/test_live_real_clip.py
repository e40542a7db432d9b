"""The live path and the file path agree on real footage: the shared clip's landmarks, sent over the
WebSocket as the browser would send them, give the same events as `backfit analyze` on the clip (slow)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from backfit.catalog import load_catalog
from tests.material import CLIP, require
from tests.web.conftest import answers

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip_analysis():  # type: ignore[no-untyped-def]
    require(CLIP)
    from backfit.services.analysis import analyze_video

    return analyze_video(CLIP, load_catalog().get_or_raise("hip-bridge"))


def test_the_clip_replayed_live_gives_the_events_of_the_file_analysis(client: TestClient, clip_analysis) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/api/intake", json=answers(experience="regular")).status_code == 200
    session = client.post("/api/sessions", json={"pain_start": 1}).json()
    item = next(i["index"] for i in session["items"] if i["exercise_id"] == "hip-bridge")
    events = []
    with client.websocket_connect(
        f"/ws/live/{session['id']}?item={item}&stream=clip&aspect={clip_analysis.aspect}"
    ) as ws:
        assert ws.receive_json()["type"] == "hello"
        for seq, (t, marks) in enumerate(zip(clip_analysis.times.tolist(), clip_analysis.landmarks, strict=True)):
            finite = bool((marks == marks).all())
            ws.send_json({"type": "frame", "seq": seq, "t": t, "landmarks": marks.tolist() if finite else None})
            reply = ws.receive_json()
            assert reply["type"] == "ack", reply
            events += reply["events"]
        ws.send_json({"type": "end"})
        events += ws.receive_json()["events"]
    report = clip_analysis.report
    live_reps = [(e["count"], round(e["t"], 6), round(e["peak"], 6)) for e in events if e["type"] == "repetition"]
    file_reps = [(r.index, round(r.end, 6), round(r.peak_value, 6)) for r in report.repetitions]
    assert live_reps == file_reps
    assert [e["seconds"] for e in events if e["type"] == "hold"] == pytest.approx([h.duration for h in report.holds])
    assert [(e["text"], e["t"]) for e in events if e["type"] == "fault"] == [(f.text, f.time) for f in report.faults]
    assert {e["quantity"] for e in events if e["type"] == "view"} == {a.quantity for a in report.advice}
    assert len(live_reps) == 1
