"""Every JSON endpoint, with its bad input: validated payloads and clear 4xx
errors, never a traceback. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backfit.catalog import load_catalog
from backfit.settings import Settings
from backfit.web import create_app
from tests.factories import PELVIS, renumbered
from tests.web.conftest import PageClient, answers


def start(client: TestClient, pain: int = 1) -> dict[str, Any]:
    response = client.post("/api/sessions", json={"pain_start": pain})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


SET0 = {"item_index": 0, "set_index": 0}
CAMERA = {**SET0, "source": "camera"}
JSON = {"Content-Type": "application/json"}


def fault(value: Any = 7.25, **changes: Any) -> dict[str, Any]:
    """A fault event as the live coach reports it (text, quantity, worst value, op, bound, seconds into the set)."""
    base = {"text": PELVIS, "quantity": "pelvic_obliquity_deg", "value": value, "op": "<=", "bound": 5.0, "t": 2.0}
    return base | changes


def work_steps(session: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in session["steps"] if s["kind"] == "work"]


def do_whole_session(client: TestClient, *, rpe: int = 4, pain: int = 1) -> dict[str, Any]:
    session = start(client)
    for item in session["items"]:
        for step in work_steps(session):
            if step["item_index"] != item["index"]:
                continue
            payload = {**step["set"], "reps": item["reps"], "hold_s": item["hold_s"]}
            assert client.post(f"/api/sessions/{session['id']}/sets", json=payload).status_code == 201
        answer = {"item_index": item["index"], "rpe": rpe, "pain_during": pain}
        assert client.post(f"/api/sessions/{session['id']}/answers", json=answer).status_code == 201
    finished = client.post(f"/api/sessions/{session['id']}/finish", json={"pain_end": pain})
    assert finished.status_code == 200, finished.text
    body: dict[str, Any] = finished.json()
    return body


def test_exercises_list_and_filters(client: TestClient) -> None:
    everything = client.get("/api/exercises").json()
    assert len(everything) == 22
    prone = client.get("/api/exercises", params={"position": "prone"}).json()
    assert prone
    assert all(e["position"] == "prone" for e in prone)
    found = client.get("/api/exercises", params={"q": "pelvis level"}).json()
    assert "hip-bridge" in {e["id"] for e in found}


@pytest.mark.parametrize("path", ["/exercises", "/api/exercises"])
def test_an_empty_filter_means_any(client: TestClient, path: str) -> None:
    """The library form sends every select, "" when it says "any"."""
    every = {"q": "", "position": "", "equipment": "", "kind": "", "family": ""}
    headers = {"Accept": "application/json"} if path.startswith("/api") else {}
    response = client.get(path, params=every, headers=headers)
    assert response.status_code == 200
    found = response.json() if path.startswith("/api") else re.findall(r"<article", response.text)
    assert len(found) == len(load_catalog())
    supine = client.get(path, params={**every, "position": "supine"}, headers=headers)
    assert supine.status_code == 200


@pytest.mark.parametrize(
    ("params", "status"),
    [
        pytest.param({"position": "upside-down"}, 422, id="unknown-position"),
        pytest.param({"equipment": "kettlebell"}, 422, id="unknown-equipment"),
        pytest.param({"q": "x" * 101}, 422, id="query-too-long"),
    ],
)
def test_exercises_bad_filters(client: TestClient, params: dict[str, str], status: int) -> None:
    response = client.get("/api/exercises", params=params)
    assert response.status_code == status
    assert response.json()["errors"]


def test_one_exercise(client: TestClient) -> None:
    record = client.get("/api/exercises/hip-bridge").json()
    assert record["ladder"]["easier"] == "hip-bridge-low"
    assert len(record["keyframes"][0]["points"]) == 33
    missing = client.get("/api/exercises/nope")
    assert missing.status_code == 404
    assert "unknown exercise id" in missing.json()["detail"]


def test_intake_builds_a_programme(client: TestClient) -> None:
    assert client.get("/api/programme").status_code == 404
    screening = client.post("/api/intake", json=answers(equipment=["ball"], minutes_per_session=30)).json()
    assert screening == {"blocked": False, "red_flags": [], "message": "No red flags: you can start the programme."}
    programme = client.get("/api/programme").json()
    assert len(programme["days"]) == 3
    for day in programme["days"]:
        assert day["minutes"] <= 30
        assert all(item["reason"] for item in day["items"])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"pain_now": 11}, "pain_now", id="pain-out-of-range"),
        pytest.param({"sessions_per_week": 0}, "sessions_per_week", id="no-sessions"),
        pytest.param({"equipment": ["rowing machine"]}, "equipment", id="unknown-equipment"),
        pytest.param({"red_flags": {}}, "red_flags", id="unanswered-red-flags"),
        pytest.param({"extra": True}, "extra", id="unknown-field"),
    ],
)
def test_intake_bad_answers(client: TestClient, changes: dict[str, Any], field: str) -> None:
    response = client.post("/api/intake", json=answers(**changes))
    assert response.status_code == 422
    assert any(field in error for error in response.json()["errors"])


def test_intake_with_red_flag_blocks_the_programme(client: TestClient) -> None:
    flags = {**answers()["red_flags"], "cancer_history": True}
    screening = client.post("/api/intake", json=answers(red_flags=flags)).json()
    assert screening["blocked"] is True
    assert screening["red_flags"] == ["cancer_history"]
    blocked = client.get("/api/programme")
    assert blocked.status_code == 409
    assert "clinician" in blocked.json()["detail"]
    assert client.post("/api/sessions", json={"pain_start": 1}).status_code == 409
    cleared = client.post("/api/intake", json=answers(red_flags=flags, clearance_confirmed=True)).json()
    assert cleared["blocked"] is False
    assert client.get("/api/programme").status_code == 200


def test_a_whole_session_then_history(onboarded: TestClient) -> None:
    finished = do_whole_session(onboarded)
    assert finished["status"] == "completed"
    assert finished["decisions"]
    assert all(d["reasons"] for d in finished["decisions"])
    history = onboarded.get("/api/history").json()
    assert len(history) == 1
    assert history[0]["sets_done"] == history[0]["sets_planned"] > 0
    assert history[0]["pain_start"] == 1


def on_day(client: TestClient, day: int) -> None:
    """Move the app's clock to ``day`` days after a fixed Monday."""
    when = datetime(2026, 3, 2, 10, 0, tzinfo=UTC) + timedelta(days=day)
    client.app.state.backfit.clock = lambda: when  # type: ignore[attr-defined]


def test_two_good_sessions_progress_and_red_pain_steps_down(onboarded: TestClient) -> None:
    on_day(onboarded, 0)
    do_whole_session(onboarded)
    on_day(onboarded, 2)
    second = do_whole_session(onboarded)
    assert {d["action"] for d in second["decisions"]} == {"progress"}
    on_day(onboarded, 4)
    third = do_whole_session(onboarded, pain=7)
    assert {d["action"] for d in third["decisions"]} <= {"regress", "stop"}
    for d in third["decisions"]:
        assert "one step easier" in " ".join(d["reasons"]) or "stops" in " ".join(d["reasons"])


def test_two_sessions_on_one_day_are_not_two_in_a_row(onboarded: TestClient) -> None:
    on_day(onboarded, 0)
    do_whole_session(onboarded)
    second = do_whole_session(onboarded)
    assert {d["action"] for d in second["decisions"]} == {"keep"}
    assert all("on one day counts once" in " ".join(d["reasons"]) for d in second["decisions"])


def test_pain_above_5_before_a_session_asks_for_lighter_or_normal(onboarded: TestClient) -> None:
    normal = {i["exercise_id"]: i for i in onboarded.get("/api/programme").json()["days"][0]["items"]}
    asked = onboarded.post("/api/sessions", json={"pain_start": 7})
    assert asked.status_code == 409
    assert "lighter session" in asked.json()["detail"]
    lighter = onboarded.post("/api/sessions", json={"pain_start": 7, "intensity": "lighter"})
    assert lighter.status_code == 201
    for item in lighter.json()["items"]:
        assert item["sets"] == 1
        was = normal.get(item["exercise_id"])
        if was is not None:
            assert item["reps"] is None or was["reps"] is None or item["reps"] <= was["reps"]


def test_radiating_symptoms_pause_until_a_clinician_has_advised(onboarded: TestClient) -> None:
    on_day(onboarded, 0)
    session = start(onboarded)
    first = session["items"][0]
    for step in work_steps(session):
        if step["item_index"] == first["index"]:
            payload = {**step["set"], "reps": first["reps"], "hold_s": first["hold_s"]}
            onboarded.post(f"/api/sessions/{session['id']}/sets", json=payload)
    answer = {"item_index": first["index"], "rpe": 4, "pain_during": 3, "radiating_symptoms": True}
    assert onboarded.post(f"/api/sessions/{session['id']}/answers", json=answer).status_code == 201
    onboarded.post(f"/api/sessions/{session['id']}/finish", json={"pain_end": 3})
    on_day(onboarded, 2)
    refused = onboarded.post("/api/sessions", json={"pain_start": 1})
    assert refused.status_code == 409
    assert "paused" in refused.json()["detail"]
    assert "clinician-advised" in refused.json()["detail"]
    page = onboarded.get("/today")
    assert "The programme is paused" in page.text
    assert onboarded.post("/clinician-advised", data={"confirm": "yes"}, follow_redirects=False).status_code == 303
    assert onboarded.post("/api/sessions", json={"pain_start": 1}).status_code == 201


def test_starting_twice_resumes_the_open_session(onboarded: TestClient) -> None:
    first = start(onboarded)
    again = onboarded.post("/api/sessions", json={"pain_start": 3})
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]


def test_sets_are_saved_once_and_resume_where_stopped(onboarded: TestClient) -> None:
    session = start(onboarded)
    step = work_steps(session)[0]
    url = f"/api/sessions/{session['id']}/sets"
    first = onboarded.post(url, json={**step["set"], "reps": 10, "hold_s": 5})
    assert first.status_code == 201
    assert first.json()["created"] is True
    repeat = onboarded.post(url, json={**step["set"], "reps": 10, "hold_s": 5})
    assert repeat.status_code == 200
    assert repeat.json()["created"] is False
    state = onboarded.get(f"/api/sessions/{session['id']}").json()
    assert state["done"] == [step["set"]]
    assert len(work_steps(state)) == len(work_steps(session)) - 1


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        pytest.param({"item_index": 40, "set_index": 0}, 409, "not an exercise", id="no-such-item"),
        pytest.param({"item_index": 0, "set_index": 9}, 409, "not part of", id="no-such-set"),
        pytest.param({"item_index": 0, "set_index": 0, "side": "left"}, 409, "not part of", id="wrong-side"),
        pytest.param({"item_index": 0, "set_index": 0, "reps": -1}, 422, "reps", id="negative-reps"),
        pytest.param({"item_index": "first", "set_index": 0}, 422, "item_index", id="not-a-number"),
        pytest.param({"set_index": 0}, 422, "item_index", id="missing-field"),
        pytest.param({"item_index": 0, "set_index": 0, "side": "middle"}, 422, "side", id="unknown-side"),
        pytest.param({**SET0, "source": "guess"}, 422, "source", id="unknown-source"),
        pytest.param({**SET0, "faults": [fault()]}, 422, "camera", id="faults-without-camera"),
        pytest.param({**SET0, "source": "manual", "faults": [fault()]}, 422, "camera", id="faults-of-manual-set"),
        pytest.param({**CAMERA, "faults": [fault()] * 101}, 422, "faults", id="too-many-faults"),
        pytest.param({**CAMERA, "faults": fault()}, 422, "faults", id="faults-not-a-list"),
        pytest.param({**CAMERA, "faults": [fault(value=float("nan"))]}, 422, "value", id="fault-value-nan"),
        pytest.param({**CAMERA, "faults": [fault(value=float("inf"))]}, 422, "value", id="fault-value-infinite"),
        pytest.param({**CAMERA, "faults": [fault(value="7.2")]}, 422, "value", id="fault-value-text"),
        pytest.param({**CAMERA, "faults": [fault(value=True)]}, 422, "value", id="fault-value-bool"),
        pytest.param({**CAMERA, "faults": [fault(value=1e9)]}, 422, "value", id="fault-value-huge"),
        pytest.param({**CAMERA, "faults": [fault(text="")]}, 422, "text", id="fault-text-empty"),
        pytest.param({**CAMERA, "faults": [fault(text="x" * 301)]}, 422, "text", id="fault-text-too-long"),
        pytest.param({**CAMERA, "faults": [fault(text=7)]}, 422, "text", id="fault-text-number"),
        pytest.param({**CAMERA, "faults": [fault(quantity="mood_deg")]}, 422, "quantity", id="fault-unknown-quantity"),
        pytest.param({**CAMERA, "faults": [fault(op="<")]}, 422, "op", id="fault-unknown-op"),
        pytest.param({**CAMERA, "faults": [fault(t=-1)]}, 422, "t", id="fault-negative-time"),
        pytest.param({**CAMERA, "faults": [fault(extra=1)]}, 422, "extra", id="fault-unknown-field"),
        pytest.param({**CAMERA, "faults": [{"text": "Keep level."}]}, 422, "quantity", id="fault-missing-fields"),
    ],
)
def test_bad_sets(onboarded: TestClient, payload: dict[str, Any], status: int, message: str) -> None:
    session = start(onboarded)
    body = json.dumps(payload)  # NaN and Infinity as Python writes them, which the server must refuse
    headers = {"Content-Type": "application/json"}
    response = onboarded.post(f"/api/sessions/{session['id']}/sets", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert message in json.dumps(response.json())


def test_camera_sets_keep_their_faults_to_the_summary_history_and_csv(onboarded: TestClient) -> None:
    session = start(onboarded)
    sets = [s["set"] for s in work_steps(session)]
    url = f"/api/sessions/{session['id']}/sets"
    seen = [fault(7.25, t=1.5), fault(6.0, t=4.25), fault(13.0, text="Keep your knees apart.", op=">=", bound=15.0)]
    camera = onboarded.post(url, json={**sets[0], "reps": 9, "source": "camera", "faults": seen})
    assert camera.status_code == 201, camera.text
    assert camera.json() | {"faults": None} == {
        **sets[0], "reps": 9, "hold_s": None, "completed": False, "created": True, "source": "camera", "faults": None
    }  # fmt: skip
    assert camera.json()["faults"] == seen
    again = onboarded.post(url, json={**sets[0], "reps": 3, "source": "camera", "faults": []})
    assert again.status_code == 200
    assert (again.json()["reps"], again.json()["faults"]) == (9, seen), "a repeat returns the set as stored"
    nothing_seen = onboarded.post(url, json={**sets[1], "reps": 10, "source": "camera"}).json()
    assert (nothing_seen["source"], nothing_seen["faults"]) == ("camera", [])
    manual = onboarded.post(url, json={**sets[2], "reps": 10, "source": "manual"}).json()
    assert (manual["source"], manual["faults"]) == ("manual", None)
    unsaid = onboarded.post(url, json={**sets[3], "reps": 10}).json()
    assert (unsaid["source"], unsaid["faults"]) == (None, None)
    assert onboarded.post(f"/api/sessions/{session['id']}/finish", json={"pain_end": 1}).status_code == 200

    page = onboarded.get(f"/sessions/{session['id']}/summary").text
    assert "What the camera saw" in page
    name = session["items"][sets[0]["item_index"]]["name"]
    assert name in page
    assert "Keep your pelvis level from side to side: 7.2° (bound ≤ 5.0°), seen 2 times" in page
    assert "Keep your knees apart: 13.0° (bound ≥ 15.0°)" in page
    history = onboarded.get("/api/history").json()
    assert history[0]["faults"] == 3
    rows = list(csv.DictReader(io.StringIO(onboarded.get("/api/export", params={"format": "csv"}).text)))
    assert [r["source"] for r in rows] == ["camera", "camera", "manual", ""]
    assert rows[0]["faults"].split("; ") == [
        "Keep your pelvis level from side to side: 7.2° (bound ≤ 5.0°), seen 2 times",
        "Keep your knees apart: 13.0° (bound ≥ 15.0°)",
    ]
    assert [r["faults"] for r in rows[1:]] == ["", "", ""]


def test_a_summary_without_camera_sets_says_nothing_of_faults(onboarded: TestClient) -> None:
    do_whole_session(onboarded)
    history = onboarded.get("/api/history").json()
    assert history[0]["faults"] == 0
    assert "What the camera saw" not in onboarded.get(f"/sessions/{history[0]['id']}/summary").text


def test_bad_session_ids_and_bodies(onboarded: TestClient) -> None:
    assert onboarded.get("/api/sessions/999").status_code == 404
    assert onboarded.post("/api/sessions/999/sets", json={"item_index": 0, "set_index": 0}).status_code == 404
    assert onboarded.post("/api/sessions/999/finish", json={}).status_code == 404
    assert onboarded.post("/api/sessions", json={"pain_start": 12}).status_code == 422
    response = onboarded.post("/api/sessions", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422


def test_answers_need_ratings_unless_skipped(onboarded: TestClient) -> None:
    session = start(onboarded)
    url = f"/api/sessions/{session['id']}/answers"
    assert onboarded.post(url, json={"item_index": 0}).status_code == 409
    skipped = onboarded.post(url, json={"item_index": 0, "skipped": True})
    assert skipped.status_code == 201
    warned = onboarded.post(url, json={"item_index": 1, "rpe": 3, "pain_during": 2, "radiating_symptoms": True})
    assert "below the knee" in warned.json()["warning"]


def test_a_finished_session_is_closed(onboarded: TestClient) -> None:
    session = start(onboarded)
    assert onboarded.post(f"/api/sessions/{session['id']}/finish", json={"pain_end": 2}).json()["status"] == (
        "ended_early"
    )
    again = onboarded.post(f"/api/sessions/{session['id']}/finish", json={"pain_end": 2})
    assert again.status_code == 409
    late = onboarded.post(f"/api/sessions/{session['id']}/sets", json=work_steps(session)[0]["set"])
    assert late.status_code == 409


@pytest.fixture
def clocked(settings: Settings) -> Iterator[tuple[TestClient, list[datetime]]]:
    """A person (no red flags) on an app whose clock the test moves: ``clock[0]`` is now."""
    clock = [datetime(2026, 3, 2, 18, 30).astimezone()]
    with PageClient(create_app(settings, clock=lambda: clock[0])) as client:
        assert client.post("/api/intake", json=answers()).status_code == 200
        yield client, clock


def test_checkins(clocked: tuple[TestClient, list[datetime]]) -> None:
    client, clock = clocked
    assert client.post("/api/checkins", json={"moment": "next_morning", "pain": 2}).status_code == 404
    assert client.post("/api/checkins", json={"moment": "now", "pain": 3}).status_code == 201
    assert client.post("/api/checkins", json={"moment": "yesterday", "pain": 3}).status_code == 422
    do_whole_session(client)
    clock[0] += timedelta(hours=2)  # the same evening: the next morning has not come
    early = client.post("/api/checkins", json={"moment": "next_morning", "pain": 4})
    assert early.status_code == 409
    assert "Tuesday 3 March, from 4 am" in early.json()["detail"]
    clock[0] = datetime(2026, 3, 3, 7, 15).astimezone()
    morning = client.post("/api/checkins", json={"moment": "next_morning", "pain": 4})
    assert morning.status_code == 201
    assert client.post("/api/checkins", json={"moment": "next_morning", "pain": 4}).status_code == 409


def test_checkin_form_confirms_at_the_top_and_refuses_in_words(clocked: tuple[TestClient, list[datetime]]) -> None:
    client, _ = clocked
    do_whole_session(client)
    early = client.post("/checkins", data={"moment": "next_morning", "pain": "2"})
    assert early.status_code == 409
    assert 'role="alert"' in early.text
    assert "opens tomorrow morning" in early.text
    saved = client.post("/checkins", data={"moment": "now", "pain": "2"})
    assert saved.status_code == 200  # after the redirect
    assert saved.url.path == "/history"
    top = saved.text.index("<h1>")
    assert saved.text.index("Saved: how your back feels right now.") > top
    assert saved.text.index("Saved: how your back feels right now.") < saved.text.index('id="checkin"')


def test_psfs(onboarded: TestClient) -> None:
    assert onboarded.post("/api/psfs", json={"ratings": {"putting on socks": 6}}).status_code == 201
    assert onboarded.post("/api/psfs", json={"ratings": {"putting on socks": 16}}).status_code == 422
    assert onboarded.post("/api/psfs", json={"ratings": {}}).status_code == 422


def test_export_formats_and_import_round_trip(onboarded: TestClient, client: TestClient) -> None:
    do_whole_session(onboarded)
    backup = onboarded.get("/api/export", params={"format": "json"})
    assert backup.status_code == 200
    assert "attachment" in backup.headers["content-disposition"]
    csv_text = onboarded.get("/api/export", params={"format": "csv"}).text
    assert csv_text.count("\n") > 1
    calendar = onboarded.get("/api/export", params={"format": "ics"}).text
    assert calendar.startswith("BEGIN:VCALENDAR")
    assert onboarded.get("/api/export", params={"format": "pdf"}).status_code == 422
    refused = onboarded.post("/api/import", content=backup.content, headers=JSON)
    assert refused.status_code == 422, "an import never overwrites data unless asked"
    restored = onboarded.post("/api/import", params={"replace": "true"}, content=backup.content, headers=JSON)
    assert restored.status_code == 200
    again = onboarded.get("/api/export", params={"format": "json"}).json()["tables"]
    assert renumbered(again) == renumbered(backup.json()["tables"]), "the same data, under new ids"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"not json at all", id="not-json"),
        pytest.param(b'{"format": "something else"}', id="foreign-json"),
        pytest.param(b"\xff\xfe", id="binary"),
    ],
)
def test_import_rejects_bad_files_and_keeps_data(onboarded: TestClient, body: bytes) -> None:
    before = onboarded.get("/api/programme").json()
    response = onboarded.post("/api/import", params={"replace": "true"}, content=body, headers=JSON)
    assert response.status_code == 422
    assert response.json()["detail"]
    assert onboarded.get("/api/programme").json() == before


def test_the_openapi_document_describes_the_api(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    paths = set(document["paths"])
    assert {"/api/exercises", "/api/intake", "/api/sessions", "/api/sessions/{performed_id}/sets"} <= paths
    assert not any(p.startswith("/sessions") or p == "/" for p in paths), "pages are not part of the API"


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        pytest.param({"weekdays": ["tue", "thu", "sat"], "time_of_day": "07:30"}, 200, None, id="three-days"),
        pytest.param({"weekdays": ["mon", "tue"]}, 422, "choose 3 days, not 2", id="too-few-days"),
        pytest.param({"weekdays": ["mon", "wed", "funday"]}, 422, "funday", id="unknown-day"),
        pytest.param({"weekdays": ["mon", "wed", "fri"], "time_of_day": "25:00"}, 422, "HH:MM", id="bad-time"),
        pytest.param({"weekdays": ["mon", "wed", "fri"], "reminder_minutes": -1}, 422, "reminder", id="bad-reminder"),
    ],
)
def test_schedule_put(onboarded: TestClient, body: dict[str, Any], status: int, says: str | None) -> None:
    before = onboarded.get("/api/schedule").json()
    assert before["chosen"] is False
    response = onboarded.put("/api/schedule", json=body)
    assert response.status_code == status, response.text
    after = onboarded.get("/api/schedule").json()
    if status == 200:
        assert after == response.json()
        assert (after["weekdays"], after["time_of_day"], after["chosen"]) == (body["weekdays"], "07:30", True)
        days = [d["weekday"] for d in onboarded.get("/api/programme").json()["days"]]
        assert days == body["weekdays"]
    else:
        assert says in response.text
        assert after == before


def test_schedule_before_an_intake_is_not_found(client: TestClient) -> None:
    assert client.get("/api/schedule").status_code == 404
    assert client.put("/api/schedule", json={"weekdays": ["mon"]}).status_code == 404


def test_intake_form_lists_every_problem_at_once_in_words(client: TestClient) -> None:
    from backfit.plan.intake import RED_FLAG_QUESTIONS

    form = {"flag_saddle_numbness": "no", "sessions_per_week": "9", "minutes_per_session": "20", "pain_now": ""}
    response = client.post("/intake", data=form)
    assert response.status_code == 422
    problems = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', response.text)
    targets = [t for t, _ in problems]
    unanswered = [f"q-{flag.value}" for flag in RED_FLAG_QUESTIONS if flag.value != "saddle_numbness"]
    assert targets == [*unanswered, "q-experience", "sessions_per_week", "pain_now"]
    words = " ".join(text for _, text in problems)
    assert "from 1 to 6" in words
    assert "Input should" not in words
    assert "_" not in words
    for target in targets:
        assert f'id="{target}"' in response.text, "each problem links to its question"


def test_the_web_exports_imports_and_deletes_only_the_page_person(
    onboarded: TestClient, db_url: str, test_data: Any
) -> None:
    from backfit.services import exports
    from backfit.store import open_database
    from tests import factories as f

    other = open_database(db_url)
    try:
        with other.unit_of_work() as session:
            f.realistic_history(session, test_data, weeks=2, name="ana")

        def ana() -> str:
            with other.unit_of_work() as session:
                return json.dumps(exports.export_person_backup(session, "ana", now=f.START))

        ana_before = ana()
        do_whole_session(onboarded)
        backup = onboarded.get("/api/export", params={"format": "json"}).json()
        assert [r["name"] for r in backup["tables"]["profiles"]] == ["default"]
        assert {r["profile"] for r in csv.DictReader(io.StringIO(onboarded.get("/api/export?format=csv").text))} == {
            "default"
        }
        record = onboarded.get("/api/export", params={"format": "fhir"})
        assert record.status_code == 200
        assert record.headers["content-type"] == "application/fhir+json"
        assert "ana" not in record.text
        assert record.json()["resourceType"] == "Bundle"
        replaced = onboarded.post("/api/import", params={"replace": "true"}, content=json.dumps(backup), headers=JSON)
        assert replaced.status_code == 200
        assert replaced.json()["restored"]["profiles"] == 1
        assert ana() == ana_before
        deleted = onboarded.post("/settings/delete", data={"confirm": "yes"}, follow_redirects=False)
        assert deleted.status_code == 303
        assert ana() == ana_before
        assert onboarded.get("/api/export").status_code == 404, "the page's person is gone"
    finally:
        other.dispose()
