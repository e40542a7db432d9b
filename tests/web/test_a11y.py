"""Every page and player state through axe-core (pinned npm package, see assets.sha256) at a
laptop's and a phone's size, with a screenshot of each in test-artifacts/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import ARTIFACTS, Page
from tests.web.test_browser import answer_intake, play_step, start_session

pytestmark = pytest.mark.slow
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


class Auditor:
    """Runs axe-core on the page at each size and saves a screenshot of each (page, size)."""

    def __init__(self, web: Page) -> None:
        if not AXE.exists():
            pytest.fail(f"{AXE} is missing: `make setup` (scripts/assets.py) installs axe-core")
        self.web = web
        self.source = AXE.read_text(encoding="utf-8")
        self.problems: list[str] = []

    def check(self, name: str, page: Any = None) -> None:
        page = page or self.web.page
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            # evaluated through the browser's debugging protocol: the page's CSP stays as it is
            if not page.evaluate("() => typeof window.axe !== 'undefined'"):
                page.evaluate(self.source)
            found = page.evaluate(
                "() => axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.map("
                "v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`))"
            )
            self.problems += [f"{name} ({size}): {line}" for line in found]
            self.web.shot(f"{name}-{size}", page)
        page.set_viewport_size(SIZES["laptop"])


def wait_player(page: Any) -> None:
    page.wait_for_function("() => !document.querySelector('#player').dataset.busy")


def play_to(page: Any, visible: str) -> None:
    for _ in range(80):
        wait_player(page)
        if page.is_visible(visible):
            return
        play_step(page)
    raise AssertionError(f"{visible} never showed")


def test_every_page_and_player_state(web: Page) -> None:
    audit = Auditor(web)
    page = web.page
    page.clock.install()
    page.goto("/")
    audit.check("welcome")
    page.goto("/intake")
    audit.check("intake")
    answer_intake(page)
    page.wait_for_url(re.compile(r"/programme$"))
    audit.check("programme")
    page.goto("/exercises")
    audit.check("exercises")
    page.goto("/exercises/hip-bridge")
    audit.check("exercise")
    page.goto("/exercises/hip-bridge/practise")
    audit.check("practise")
    page.goto("/exercises/no-such-exercise")
    audit.check("not-found")
    page.goto("/today")
    audit.check("today")

    start_session(page)
    audit.check("player-get-ready")
    page.locator("body").press("s")
    page.wait_for_selector("#hold-controls:not([hidden])")
    page.clock.run_for(3_000)
    audit.check("player-hold")
    play_to(page, "#ask")
    audit.check("player-question")
    page.click("label[for=rpe-4]")
    page.click("label[for=pain-7]")
    page.click("#ask-submit")
    page.wait_for_selector("#safety:not([hidden])")
    audit.check("player-safety-message")
    page.click("#safety-dismiss")
    play_to(page, "#work-controls")
    audit.check("player-repetitions")
    page.click("#pause")
    audit.check("player-paused")
    page.click("#pause")
    play_to(page, "#final")
    audit.check("player-last-question")
    page.fill("#pain-end", "2")
    page.click("text=Finish the session")
    page.wait_for_url(re.compile(r"/summary$"))
    audit.check("summary")

    page.goto("/history")
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    audit.check("history")
    page.click("text=Open it full size >> nth=0")  # a chart on its own, under the page's CSP
    page.wait_for_url(re.compile(r"/charts/pain\.svg$"))
    background = page.evaluate("() => getComputedStyle(document.querySelector('svg path')).fill")
    assert background == "rgb(255, 255, 255)", "the chart is drawn, not a black rectangle"
    page.set_viewport_size({"width": 900, "height": 450})
    page.screenshot(path=str(ARTIFACTS / "chart-on-its-own.png"))  # an SVG document: no full-page capture
    page.set_viewport_size(SIZES["laptop"])
    page.goto("/history")
    page.fill("#pain", "2")
    page.click("#checkin button:text('Save')")  # the next morning has not come: refused in words
    page.locator("#problem").wait_for(state="visible")  # the answer is a new page: audit it, not the one leaving
    assert page.locator("#problem").inner_text().startswith("Not saved:")
    audit.check("history-checkin-refused")
    page.select_option("#moment", "now")
    page.fill("#pain", "2")
    page.click("#checkin button:text('Save')")
    page.wait_for_url(re.compile(r"/history\?saved=now$"))
    assert page.evaluate("document.activeElement.id") == "notice", "focus on the confirmation at the top"
    audit.check("history-checkin-saved")
    page.goto("/settings")
    audit.check("settings")
    page.goto("/settings/delete")
    audit.check("delete")
    assert audit.problems == []


def test_red_flag_page(web: Page) -> None:
    audit = Auditor(web)
    answer_intake(web.page, red_flag="saddle_numbness")
    web.page.wait_for_url(re.compile(r"/intake/blocked$"))
    audit.check("red-flag")
    assert audit.problems == []
