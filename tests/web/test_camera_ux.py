"""The camera as a person meets it: set-up advice, practising from an exercise page (the real
pose model on the real bridge clip), and a set that waits when nobody is in view (Chromium's
own fake camera, which shows no person)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web import test_live_browser as live
from tests.web.conftest import CHROMIUM, LiveServer, Page, answers, api_client

pytestmark = pytest.mark.slow
camera_browser = live.camera_browser  # the browser whose camera plays the real bridge clip
camera_page = live.camera_page
go_to_work_step = live.go_to_work_step


def test_practise_with_the_camera_from_the_exercise_page(camera_page: Page) -> None:
    page = camera_page.page
    page.goto("/exercises/hip-bridge")
    setup = page.inner_text("#camera-setup")
    assert "from the side" in setup
    assert "metres" in setup
    page.click("text=Practise with the camera")
    page.wait_for_url("**/exercises/hip-bridge/practise")
    page.click("#practise-start")
    page.wait_for_function(
        "() => document.querySelector('#live-status').textContent.startsWith('Watching')", timeout=30_000
    )
    page.wait_for_function(
        "() => document.querySelector('#practise-count').textContent.startsWith('Repetitions: 1')", timeout=20_000
    )
    assert page.is_visible("svg.figure"), "the target beside the person"
    assert page.is_hidden("#nobody")
    camera_page.shot("practise-camera")
    page.click("#practise-stop")
    page.wait_for_function("() => document.querySelector('#practise-count').textContent.startsWith('Done: 1')")


@pytest.fixture(scope="module")
def empty_camera_browser(playwright: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Chromium whose camera is its built-in test pattern: a picture with nobody in it."""
    if not live.TASK.exists():
        pytest.fail("the pose model is missing: run `python3 scripts/assets.py`")
    home = tmp_path_factory.mktemp("chromium-empty-camera-home")
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
        ],
        env={**os.environ, "HOME": str(home)},
    )
    yield browser
    browser.close()


def test_a_camera_set_waits_while_nobody_is_in_view(empty_camera_browser: Any, live_server: LiveServer) -> None:
    web = Page(empty_camera_browser, live_server.url)
    web.context.add_init_script("localStorage.setItem('backfit-muted', '1')")
    try:
        api = api_client(live_server.url)
        assert api.post("/api/intake", json=answers(experience="regular")).status_code == 200
        session = api.post("/api/sessions", json={"pain_start": 1}).json()
        bridge = next(i for i in session["items"] if i["exercise_id"] == "hip-bridge")
        page = web.page
        page.goto(f"/sessions/{session['id']}")
        go_to_work_step(page, bridge["name"])
        page.click("#camera-mode")
        page.wait_for_selector("#camera-setup:not([hidden])")
        assert "metres" in page.inner_text("#camera-setup"), "where to put the camera, before the set"
        page.wait_for_selector("#nobody:not([hidden])", timeout=30_000)
        assert page.is_hidden("#live-hold-line"), "no 'Hold: 0.0 s' running on for nobody"
        web.shot("live-nobody-in-view")
        page.click("#set-done")
        page.wait_for_selector("#review:not([hidden])")
        assert page.input_value("#review-reps") == "", "the camera's zero is not offered as the count"
        assert "did not see you" in page.inner_text("#message")
        # the camera choice lasts this session only
        assert page.evaluate("localStorage.getItem('backfit-camera')") is None
    finally:
        web.context.close()
    assert web.foreign == []
    assert web.errors == []
