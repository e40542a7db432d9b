"""Every JSON endpoint, with its bad input: validated payloads and clear 4xx
errors, never a traceback. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import answers


def start(client: TestClient, pain: int = 1) -> dict[str, Any]:
    response = client.post("/api/sessions", json={"pain_start": pain})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


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


def test_two_good_sessions_progress_and_red_pain_steps_down(onboarded: TestClient) -> None:
    do_whole_session(onboarded)
    second = do_whole_session(onboarded)
    assert {d["action"] for d in second["decisions"]} == {"progress"}
    third = do_whole_session(onboarded, pain=7)
    assert {d["action"] for d in third["decisions"]} <= {"regress", "stop"}


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
    ],
)
def test_bad_sets(onboarded: TestClient, payload: dict[str, Any], status: int, message: str) -> None:
    session = start(onboarded)
    response = onboarded.post(f"/api/sessions/{session['id']}/sets", json=payload)
    assert response.status_code == status, response.text
    assert message in json.dumps(response.json())


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


def test_checkins(onboarded: TestClient) -> None:
    assert onboarded.post("/api/checkins", json={"moment": "next_morning", "pain": 2}).status_code == 404
    assert onboarded.post("/api/checkins", json={"moment": "now", "pain": 3}).status_code == 201
    assert onboarded.post("/api/checkins", json={"moment": "yesterday", "pain": 3}).status_code == 422
    do_whole_session(onboarded)
    morning = onboarded.post("/api/checkins", json={"moment": "next_morning", "pain": 4})
    assert morning.status_code == 201
    assert onboarded.post("/api/checkins", json={"moment": "next_morning", "pain": 4}).status_code == 409


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
    refused = onboarded.post("/api/import", content=backup.content)
    assert refused.status_code == 422, "an import never overwrites data unless asked"
    restored = onboarded.post("/api/import", params={"replace": "true"}, content=backup.content)
    assert restored.status_code == 200
    assert onboarded.get("/api/export", params={"format": "json"}).json()["tables"] == backup.json()["tables"]


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
    response = onboarded.post("/api/import", params={"replace": "true"}, content=body)
    assert response.status_code == 422
    assert response.json()["detail"]
    assert onboarded.get("/api/programme").json() == before


def test_the_openapi_document_describes_the_api(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    paths = set(document["paths"])
    assert {"/api/exercises", "/api/intake", "/api/sessions", "/api/sessions/{performed_id}/sets"} <= paths
    assert not any(p.startswith("/sessions") or p == "/" for p in paths), "pages are not part of the API"
