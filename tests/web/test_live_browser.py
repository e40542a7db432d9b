"""The live camera coach end to end, in headless Chromium whose camera plays the real bridge clip.

The page runs the pose model (the `.task` built from the mediapipe wheel) on the
fake camera, streams landmarks to the server's analysis, shows the count and the
hold, and the set it prefills is saved to the session. No request may leave for
another server. The clip is padded with still frames (see :mod:`tests.web.fake_camera`):
the set is ended once the repetition and its hold are reported, long before the
file loops.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backfit.services.policy import Role
from backfit.settings import Settings
from tests.material import CLIP, require
from tests.web.clinic import PASSWORD, add, set_password
from tests.web.conftest import CHROMIUM, LiveServer, Page, answers, api_client
from tests.web.fake_camera import write_y4m
from tests.web.test_browser import answer_intake

pytestmark = pytest.mark.slow

TASK = (
    Path(__file__).resolve().parents[2] / "src" / "backfit" / "web" / "static" / "vendor" / "pose_landmarker_full.task"
)
HOLD_S = 1.63  # `backfit analyze` on the clip; 1.6 s by frame inspection (tests/pose/test_real_material.py)


@pytest.fixture(scope="module")
def camera_browser(playwright: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require(CLIP)
    if not TASK.exists():
        pytest.fail("the pose model is missing: run `python3 scripts/assets.py`")
    y4m = tmp_path_factory.mktemp("camera") / "bridge.y4m"
    write_y4m(CLIP, y4m)
    home = tmp_path_factory.mktemp("chromium-camera-home")
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--headless=new",
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={y4m}",
        ],
        env={**os.environ, "HOME": str(home)},
    )
    yield browser
    browser.close()


@pytest.fixture
def camera_page(camera_browser: Any, live_server: LiveServer) -> Iterator[Page]:
    page = Page(camera_browser, live_server.url)
    page.context.add_init_script("localStorage.setItem('backfit-muted', '1')")
    yield page
    page.context.close()
    assert page.foreign == [], f"requests left for other servers: {page.foreign}"
    assert page.errors == [], f"script errors on the page: {page.errors}"


SIGNATURE = (
    "() => document.querySelector('#exercise-name').textContent + '|' + document.querySelector('#phase').textContent"
)


def go_to_work_step(page: Any, name: str) -> None:
    """Play the session (skipping other exercises) until the work step of exercise ``name``."""
    for _ in range(100):
        page.wait_for_selector("#phase:not(:empty)")
        before = page.evaluate(SIGNATURE)
        if page.is_visible("#ask"):
            page.click("label[for=rpe-4]")
            page.click("label[for=pain-1]")
            page.click("#ask-submit")
        elif page.is_visible("#rest-controls"):
            page.click("#skip-rest")
        elif page.inner_text("#exercise-name") != name:
            page.click("#skip-exercise")
        else:
            return
        # wait until the player has moved to another step (saving an answer takes a moment)
        page.wait_for_function(f"before => ({SIGNATURE})() !== before", arg=before)
    raise AssertionError(f"never reached {name}")


def test_camera_counts_one_bridge_and_its_hold_and_saves_the_set(
    camera_page: Page, live_server: LiveServer, record_property: Any
) -> None:
    api = api_client(live_server.url)
    assert api.post("/api/intake", json=answers(experience="regular")).status_code == 200
    session = api.post("/api/sessions", json={"pain_start": 1}).json()
    bridge = next(i for i in session["items"] if i["exercise_id"] == "hip-bridge")
    assert bridge["camera"]

    page = camera_page.page
    sent: list[str | bytes] = []  # what the page sends over its WebSockets
    page.on("websocket", lambda socket: socket.on("framesent", lambda payload: sent.append(payload)))
    page.goto(f"/sessions/{session['id']}")
    go_to_work_step(page, bridge["name"])
    assert page.is_visible("#camera-mode")
    page.click("#camera-mode")  # camera on: the set starts again with the live coach
    page.wait_for_selector("#live:not([hidden])")
    page.wait_for_function(
        "() => document.querySelector('#live-status').textContent.startsWith('Watching')", timeout=30_000
    )
    assert "stays on this device" in page.inner_text("#live")
    # the repetition, then the hold (reported when the repetition ends)
    page.wait_for_function("() => document.querySelector('#rep-count').textContent === '1'", timeout=20_000)
    page.wait_for_function("() => document.querySelector('#live-held').textContent !== ''", timeout=10_000)
    camera_page.shot("live-coach")
    page.wait_for_timeout(1500)  # still lying down: no second repetition
    assert page.inner_text("#rep-count") == "1"
    page.click("#set-done")
    page.wait_for_selector("#review:not([hidden])")
    camera_page.shot("live-review")
    # the landmarks went as binary batches (backfit.web.live_wire), the end of the set as JSON
    batches = [m for m in sent if isinstance(m, bytes)]
    assert len(batches) > 30, f"{len(batches)} binary messages"
    assert all(m[:4] == b"BF\x01\x04" for m in batches)
    assert [m for m in sent if isinstance(m, str)] == ['{"type":"end"}']
    reps = int(page.input_value("#review-reps"))
    held = float(page.input_value("#review-hold"))
    shown = page.eval_on_selector_all("#review-faults li", "items => items.map((li) => li.textContent)")
    record_property("camera_reps", reps)
    record_property("camera_hold_s", held)
    assert reps == 1
    assert held == pytest.approx(HOLD_S, abs=0.35)
    page.click("#review-save")
    page.wait_for_selector("#review", state="hidden")

    saved_key = {"item_index": bridge["index"], "set_index": 0, "side": "both"}
    for _ in range(100):  # the page hides the review as it starts saving: wait for the save to land
        if saved_key in api.get(f"/api/sessions/{session['id']}").json()["done"]:
            break
        page.wait_for_timeout(100)
    assert saved_key in api.get(f"/api/sessions/{session['id']}").json()["done"]
    for _ in range(50):
        rows = list(csv.DictReader(io.StringIO(api.get("/api/export", params={"format": "csv"}).text)))
        saved = [r for r in rows if r["exercise_id"] == "hip-bridge"]
        if saved:
            break
        page.wait_for_timeout(100)
    assert len(saved) == 1
    assert int(saved[0]["reps"]) == 1
    assert float(saved[0]["hold_s"]) == pytest.approx(HOLD_S, abs=0.35)
    assert saved[0]["source"] == "camera"
    # the faults shown for review are the ones stored: one line per cue, in the CSV
    stored = [line for line in saved[0]["faults"].split("; ") if line]
    assert [line.split(": ")[0] for line in stored] == [text.rstrip(".") for text in shown]
    record_property("camera_faults", saved[0]["faults"])
    assert re.search(r"1 of \d+ sets done|\d+ of \d+ sets done", page.inner_text("#progress-text"))
    # the set keeps the landmark recording of its live stream (the page sent the stream with the set)
    tables = api.get("/api/export", params={"format": "json"}).json()["tables"]
    [kept] = [r for r in tables["set_recordings"] if r["set_id"] is not None]
    assert kept["exercise_id"] == "hip-bridge"
    assert kept["frames"] > 30
    assert [e["count"] for e in kept["events"] if e["type"] == "repetition"] == [1]
    page.goto("/history")
    page.locator("ul.replays a").first.click()
    page.wait_for_selector("#replay[data-ready=true]")
    camera_page.shot("live-replay")


def open_bridge_with_camera(page: Page, live_server: LiveServer) -> Any:
    api = api_client(live_server.url)
    assert api.post("/api/intake", json=answers(experience="regular")).status_code == 200
    session = api.post("/api/sessions", json={"pain_start": 1}).json()
    bridge = next(i for i in session["items"] if i["exercise_id"] == "hip-bridge")
    page.page.goto(f"/sessions/{session['id']}")
    go_to_work_step(page.page, bridge["name"])
    page.page.click("#camera-mode")
    return api


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        pytest.param("no-model", "The pose model could not be loaded", id="model-fails-to-load"),
        pytest.param("refused", "Camera permission was refused", id="permission-refused"),
    ],
)
def test_without_camera_or_model_the_set_is_counted_by_hand(
    camera_browser: Any, live_server: LiveServer, setup: str, reason: str
) -> None:
    page = Page(camera_browser, live_server.url)
    if setup == "no-model":
        page.page.route("**/pose_landmarker_full.task", lambda route: route.fulfill(status=404, body="gone"))
    else:  # what the browser does when the person answers "Block" to the camera prompt
        page.context.add_init_script(
            "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));"
        )
    try:
        api = open_bridge_with_camera(page, live_server)
        page.page.wait_for_function(
            "reason => document.querySelector('#message').textContent.includes(reason)", arg=reason, timeout=30_000
        )
        assert page.page.is_hidden("#live")
        assert page.page.is_visible("#work-controls")
        page.page.click("#set-all")  # the session goes on with manual counting
        page.page.wait_for_selector("#rest-controls:not([hidden]), #ask:not([hidden])")
        page.shot(f"live-fallback-{setup}")
        rows = list(csv.DictReader(io.StringIO(api.get("/api/export", params={"format": "csv"}).text)))
        assert [(r["source"], r["faults"]) for r in rows if r["exercise_id"] == "hip-bridge"] == [("manual", "")]
    finally:
        page.context.close()
    assert page.foreign == []
    assert page.errors == []


def test_a_clinic_from_the_first_admin_to_the_replayed_set(camera_browser: Any, tmp_path: Path) -> None:
    """The whole clinic in real Chromium: the admin adds a clinician, who invites a client; the
    client sets a password, answers the intake and does a camera set with the fake camera; the
    clinician sees the session on the client list and replays the set; another clinician cannot
    reach the client or the set."""
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'data' / 'backfit.db'}")
    settings = settings.model_copy(update={"clinic": True})
    with LiveServer(settings) as server:
        add(server.server.config.app, "admin@clinic.test", Role.ADMIN, name="Ada Admin")  # `backfit users add`
        add(server.server.config.app, "other@clinic.test", Role.CLINICIAN, name="Dr Other")
        admin, lee, client, other = (Page(camera_browser, server.url) for _ in range(4))
        try:
            page = admin.page
            page.goto("/")
            page.wait_for_url(re.compile(r"/sign-in"))
            page.get_by_label("Email").fill("admin@clinic.test")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(re.compile(r"/admin$"))
            page.get_by_label("Name").fill("Dr Lee")
            page.locator("#new-email").fill("lee@clinic.test")
            page.check("input[name=role][value=clinician]")
            page.get_by_role("button", name="Add and make an invitation link").click()
            page.wait_for_selector("#link-path")
            invite_lee = page.inner_text("#link-path").strip()
            admin.shot("journey-admin-link")

            set_password(lee.page, invite_lee)
            lee.page.wait_for_url(re.compile(r"/clinic$"))
            lee.page.get_by_label("Name").fill("Sam Client")
            lee.page.get_by_label("Email").fill("sam@clinic.test")
            lee.page.get_by_role("button", name="Create the invitation link").click()
            lee.page.wait_for_load_state()
            invite_sam = lee.page.get_by_label("One-time invitation link").input_value()

            page = client.page
            page.context.add_init_script("localStorage.setItem('backfit-muted', '1')")
            set_password(page, invite_sam)
            page.wait_for_url(re.compile(r"/intake$"))
            answer_intake(page, experience="regular")
            page.wait_for_url(re.compile(r"/programme$"))
            page.goto("/today")
            page.fill("#pain_start", "1")
            page.click("text=Start the session")
            page.wait_for_url(re.compile(r"/sessions/\d+$"))
            session_id = int(page.url.rsplit("/", 1)[1])
            go_to_work_step(page, "Hip bridge")
            page.click("#camera-mode")
            page.wait_for_function("() => document.querySelector('#rep-count').textContent === '1'", timeout=30_000)
            page.click("#set-done")
            page.wait_for_selector("#review:not([hidden])")
            page.click("#review-save")
            page.wait_for_selector("#review", state="hidden")
            finished = page.evaluate(
                """async (id) => {
                    const token = document.querySelector('meta[name=csrf-token]').content;
                    for (let i = 0; i < 50; i++) {  // the set's save lands first
                        const s = await (await fetch(`/api/sessions/${id}`)).json();
                        if (s.done.length) break;
                        await new Promise((r) => setTimeout(r, 100));
                    }
                    const r = await fetch(`/api/sessions/${id}/finish`, {method: 'POST',
                        headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
                        body: JSON.stringify({pain_end: 1})});
                    return r.status;
                }""",
                session_id,
            )
            assert finished == 200
            page.goto("/history")
            replay = page.locator("ul.replays a").first.get_attribute("href")
            assert replay is not None
            assert replay.startswith("/recordings/")
            client.shot("journey-client-history")
            page.locator("ul.replays a").first.click()
            page.wait_for_selector("#replay[data-ready=true]")
            page.get_by_role("link", name="← History").click()
            page.wait_for_url(re.compile(r"/history$"))

            lee.page.goto("/clinic")
            row = lee.page.locator("#clients tr", has_text="Sam Client")
            assert re.search(r"\b1\b", row.locator("td[data-label='Adherence (14 days)']").inner_text())
            lee.shot("journey-clinician-list")
            row.get_by_role("link", name="Sam Client").click()
            lee.page.wait_for_load_state()
            client_page = lee.page.url
            assert "Hip bridge" in lee.page.inner_text("main")
            recorded = lee.page.locator("#recordings")
            assert recorded.get_by_role("link").count() == 1
            recorded.get_by_role("link", name=re.compile(r"^Replay Hip bridge")).click()
            lee.page.wait_for_url(re.compile(re.escape(replay) + "$"))
            lee.page.wait_for_selector("#replay[data-ready=true]")
            lee.shot("journey-clinician-replay")
            lee.page.get_by_role("link", name="← Client page").click()
            lee.page.wait_for_url(client_page)

            other.page.goto("/sign-in")
            other.page.get_by_label("Email").fill("other@clinic.test")
            other.page.get_by_label("Password").fill(PASSWORD)
            other.page.get_by_role("button", name="Sign in").click()
            other.page.wait_for_url(re.compile(r"/clinic$"))
            assert "Sam Client" not in other.page.inner_text("main")
            assert other.page.goto(client_page).status == 404
            assert other.page.goto(replay).status == 404
            assert other.page.goto(f"/sessions/{session_id}/summary").status == 404
            other.shot("journey-other-clinician")
        finally:
            for each in (admin, lee, client, other):
                each.context.close()
        for each in (admin, lee, client, other):
            assert each.foreign == [], f"requests left for other servers: {each.foreign}"
