"""The web coach in real headless Chromium: first run, a whole guided session with
holds and rests (the page's clock driven by the test), history and charts, the
red-flag path, and a session interrupted by closing the page and resumed."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.conftest import Page

pytestmark = pytest.mark.slow


def answer_intake(page: Any, *, red_flag: str | None = None, experience: str = "new") -> None:
    """Answer the intake form and send it with its own button (in clinic mode the navigation has
    a "Sign out" button of its own before it)."""
    page.goto("/intake")
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    if red_flag:
        page.check(f"input[name=flag_{red_flag}][value=yes]")
    page.check(f"input[name=experience][value={experience}]")
    page.fill("#sessions_per_week", "3")
    page.fill("#minutes_per_session", "15")
    page.fill("#pain_now", "1")
    page.fill("#psfs_activity_0", "putting on socks")
    page.fill("#psfs_rating_0", "4")
    page.locator("#intake-form").get_by_role("button", name="Build my programme").click()


def start_session(page: Any) -> None:
    page.goto("/today")
    page.fill("#pain_start", "1")
    page.click("text=Start the session")
    page.wait_for_url(re.compile(r"/sessions/\d+$"))
    page.wait_for_selector("#phase:not(:empty)")


def play_step(page: Any) -> str:
    """Do what the player asks now and wait until it moves on; returns the kind of step done."""
    page.wait_for_function("() => !document.querySelector('#player').dataset.busy")  # not while saving
    if page.is_visible("#final"):
        return "final"
    before = page.get_attribute("#player", "data-step")
    if page.is_visible("#ask"):
        page.click("label[for=rpe-4]")
        page.click("label[for=pain-1]")
        page.click("#ask-submit")
        kind = "ask"
    elif page.is_visible("#rest-controls"):
        page.clock.run_for(60_000)  # the rest counts down and moves on by itself
        kind = "rest"
    elif page.is_visible("#work-controls"):
        page.click("#set-all")
        kind = "reps"
    else:
        page.clock.run_for(125_000)  # a hold (or timed holds) counts down and saves itself
        kind = "hold"
    page.wait_for_function(
        "before => document.querySelector('#player').dataset.step !== before", arg=before, timeout=15_000
    )
    return kind


def progress(page: Any) -> tuple[int, int]:
    text = page.inner_text("#progress-text")
    match = re.match(r"(\d+) of (\d+) sets done", text)
    assert match, text
    return int(match[1]), int(match[2])


def play_until(page: Any, stop: Any) -> list[str]:
    kinds: list[str] = []
    for _ in range(300):
        if stop(page):
            return kinds
        kinds.append(play_step(page))
    raise AssertionError(f"the session did not reach its end: {kinds}")


def test_first_run_session_history_and_charts(web: Page) -> None:
    page = web.page
    page.clock.install()
    page.goto("/")
    assert "not medical advice" in page.inner_text("main")
    web.shot("welcome")
    page.click("text=Start the questions")
    page.wait_for_url(re.compile(r"/intake$"))
    web.shot("intake")
    answer_intake(page)
    page.wait_for_url(re.compile(r"/programme$"))
    assert "Supported hip bridge" in page.inner_text("main")
    web.shot("programme")

    page.goto("/today")
    web.shot("today")
    start_session(page)
    web.shot("player")
    kinds = play_until(page, lambda p: p.is_visible("#final"))
    assert {"rest", "hold", "reps", "ask"} <= set(kinds), kinds
    done, total = progress(page)
    assert done == total > 0
    page.fill("#pain-end", "1")
    page.click("text=Finish the session")
    page.wait_for_url(re.compile(r"/summary$"))
    assert "Session complete" in page.inner_text("h1")
    web.shot("summary")

    page.goto("/history")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert f"{total} / {total}" in rows.first.inner_text()
    for name in ("pain", "volume", "adherence", "ladder"):
        image = page.locator(f"img[src='/charts/{name}.svg']")
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "name => { const i = document.querySelector(`img[src='/charts/${name}.svg']`);"
            " return i.complete && i.naturalWidth > 0; }",
            arg=name,
        )
    web.shot("history")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/history", "/programme", "/exercises", "/exercises/hip-bridge"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 400, f"{path} must fit a phone's width"
    web.shot("exercise-phone")


def test_red_flag_blocks_until_clearance(web: Page) -> None:
    page = web.page
    answer_intake(page, red_flag="saddle_numbness")
    page.wait_for_url(re.compile(r"/intake/blocked$"))
    text = page.inner_text("main")
    assert "see a clinician" in text.lower()
    assert "saddle" in text
    web.shot("red-flag")
    page.goto("/programme")
    assert page.url.endswith("/intake/blocked"), "no programme while a red flag is not cleared"
    page.click("text=Confirm and build my programme")  # the box is required: the browser does not submit
    assert page.url.endswith("/intake/blocked")
    page.check("input[name=confirm]")
    page.click("text=Confirm and build my programme")
    page.wait_for_url(re.compile(r"/programme$"))
    assert "clearance was confirmed" in page.inner_text("main")


def test_closing_the_page_mid_session_resumes_at_the_next_set(web: Page) -> None:
    page = web.page
    page.clock.install()
    answer_intake(page)
    page.wait_for_url(re.compile(r"/programme$"))
    start_session(page)
    session_url = page.url
    play_until(page, lambda p: progress(p)[0] >= 2)
    before = progress(page)
    page.close()  # mid-session: the set now in progress is lost, the finished ones are stored

    again = web.new_page()
    again.clock.install()
    again.goto("/today")
    assert "session in progress" in again.inner_text("main")
    again.click("text=Resume the session")
    again.wait_for_url(session_url)
    again.wait_for_selector("#phase:not(:empty)")
    assert progress(again) == before
    web.shot("resumed", again)
    play_until(again, lambda p: p.is_visible("#final"))
    done, total = progress(again)
    assert done == total


def test_settings_export_and_import_through_the_page(web: Page, tmp_path: Any) -> None:
    """The page's forms carry the CSRF token (static/csrf.js puts it first, before the file)."""
    page = web.page
    answer_intake(page)
    page.wait_for_url(re.compile(r"/programme$"))
    page.goto("/settings")
    with page.expect_download() as download:
        page.click("text=Complete backup (JSON)")
    backup = tmp_path / "backup.json"
    download.value.save_as(backup)
    page.set_input_files("#backup", str(backup))
    page.check("input[name=replace]")
    page.click("button:has-text('Import')")
    # replacing deletes what is here: the page asks first, with the file chosen again
    page.wait_for_selector("#confirm-replace")
    page.set_input_files("#backup-again", str(backup))
    page.check("input[name=confirm_replace]")
    page.click("#confirm-replace button:has-text('Replace the data here')")
    page.wait_for_url(re.compile(r"/settings\?restored=\d+$"))
    assert int(page.url.rsplit("=", 1)[1]) > 0
