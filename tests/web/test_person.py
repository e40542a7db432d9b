"""What a person sees and does, in real Chromium: the library form as it is submitted,
figures that move, safety messages that stay, the player's keys and holds cut short."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from backfit.catalog import load_catalog
from backfit.catalog.schema import Equipment, Position
from backfit.web.illustration import HOLD_S, MOVE_S
from tests.web.conftest import Page
from tests.web.test_browser import answer_intake, play_step, start_session

pytestmark = pytest.mark.slow
CATALOG = load_catalog()


def shown_names(page: Any) -> list[str]:
    return sorted(page.locator("#results article h2").all_inner_texts())


def expected_names(words: str, position: Position | None = None, equipment: Equipment | None = None) -> list[str]:
    """The catalog's exercises that fit the filters and contain every word (name, aliases, targets, cues)."""
    out = []
    for ex in CATALOG.values():
        if position is not None and ex.position is not position:
            continue
        if equipment is not None and equipment not in ex.equipment:
            continue
        text = " ".join([ex.id, ex.name, *ex.aliases, *ex.targets, *(c.text for c in ex.cues)]).lower()
        if all(w in text for w in words.lower().split()):
            out.append(ex.name)
    return sorted(out)


def wait_for_names(page: Any, names: list[str]) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('#results article').length === n", arg=len(names), timeout=5_000
    )
    assert shown_names(page) == names


def test_library_form_filters_live_and_on_enter(web: Page) -> None:
    page = web.page
    page.goto("/exercises")
    assert len(shown_names(page)) == len(CATALOG)
    page.fill("#q", "bridge")  # typing updates the list (HTMX), with every select on "any"
    wait_for_names(page, expected_names("bridge"))
    page.select_option("#f-position", "supine")
    page.select_option("#f-equipment", "ball")
    wait_for_names(page, expected_names("bridge", Position.supine, Equipment.ball))
    page.select_option("#f-equipment", "")  # back to "any"
    wait_for_names(page, expected_names("bridge", Position.supine))
    page.fill("#q", "hamstrings")
    page.press("#q", "Enter")
    wait_for_names(page, expected_names("hamstrings", Position.supine))
    assert "Problem" not in page.title()
    page.reload()  # the address the form pushed shows the same list
    assert shown_names(page) == expected_names("hamstrings", Position.supine)


def test_library_form_works_without_scripts(browser: Any, live_server: Any) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/exercises")
        page.fill("#q", "bridge")
        page.select_option("#f-position", "supine")
        page.press("#q", "Enter")
        page.wait_for_url(re.compile(r"/exercises\?"))
        assert shown_names(page) == expected_names("bridge", Position.supine)
        page.goto("/exercises")
        page.click("text=Show exercises")
        page.wait_for_url(re.compile(r"/exercises\?"))
        assert len(shown_names(page)) == len(CATALOG)
    finally:
        context.close()


FIGURE_POSITIONS = """(t) => {
  const svg = document.querySelector('svg.figure');
  svg.pauseAnimations();
  svg.setCurrentTime(t);
  return [...svg.querySelectorAll('.limb, .head')].map(el => {
    const r = el.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  });
}"""


@pytest.mark.parametrize("exercise_id", sorted(CATALOG))
def test_each_figure_moves_and_fills_its_frame(web: Page, exercise_id: str) -> None:
    page = web.page
    page.goto(f"/exercises/{exercise_id}")
    at_0 = page.evaluate(FIGURE_POSITIONS, 0)
    at_1 = page.evaluate(FIGURE_POSITIONS, 1)
    moved = max(
        abs(a - b) for before, after in zip(at_0, at_1, strict=True) for a, b in zip(before, after, strict=True)
    )
    assert moved > 1.0, f"the figure does not move between 0 s and 1 s ({moved:.2f} px)"
    box = page.locator("svg.figure").bounding_box()
    both = at_0 + page.evaluate(FIGURE_POSITIONS, HOLD_S + MOVE_S)  # the first and the second pose
    left, top = min(r[0] for r in both), min(r[1] for r in both)
    right, bottom = max(r[2] for r in both), max(r[3] for r in both)
    assert max((right - left) / box["width"], (bottom - top) / box["height"]) > 0.6, "the figure fills its frame"


def play_to(page: Any, visible: str) -> None:
    for _ in range(60):
        page.wait_for_function("() => !document.querySelector('#player').dataset.busy")
        if page.is_visible(visible):
            return
        play_step(page)
    raise AssertionError(f"{visible} never showed")


@pytest.fixture
def session_page(web: Page) -> Any:
    page = web.page
    page.clock.install()
    answer_intake(page)
    page.wait_for_url(re.compile(r"/programme$"))
    start_session(page)
    return page


def test_safety_message_stays_until_dismissed(session_page: Any) -> None:
    page = session_page
    play_to(page, "#ask")
    page.click("label[for=rpe-4]")
    page.click("label[for=pain-7]")
    page.click("#ask-submit")
    page.wait_for_selector("#safety:not([hidden])")
    assert "pain above 5" in page.inner_text("#safety")
    for _ in range(3):  # the next steps start: the message stays
        play_step(page)
        assert page.is_visible("#safety")
    page.click("#safety-dismiss")
    assert not page.is_visible("#safety")


def test_player_keys(session_page: Any) -> None:
    page = session_page
    page.click("#keys summary")
    keys = page.inner_text("#keys")
    for key in ("Space", "Enter", "S", "P", "M", "C"):
        assert re.search(rf"\b{key}\b", keys), f"{key} is in the key map"
    assert page.is_visible("#rest-controls")
    page.locator("body").press("s")  # S skips the rest
    page.wait_for_selector("#rest-controls", state="hidden")
    play_to(page, "#work-controls")  # a set of repetitions the person counts
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Space")
    assert page.inner_text("#rep-count") == "1"
    page.focus("#pause")
    page.keyboard.press("Space")  # presses Pause, adds no repetition
    assert "Resume" in page.inner_text("#pause")
    assert page.inner_text("#rep-count") == "1"
    page.keyboard.press("Enter")  # presses Resume
    assert "Pause" in page.inner_text("#pause")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("p")
    assert "Resume" in page.inner_text("#pause")
    page.keyboard.press("p")
    page.keyboard.press("m")
    assert page.get_attribute("#mute", "aria-pressed") == "true"
    page.keyboard.press("m")
    before = page.get_attribute("#player", "data-step")
    page.keyboard.press("Enter")  # set done
    page.wait_for_function("b => document.querySelector('#player').dataset.step !== b", arg=before)
    play_to(page, "#ask")
    page.focus("#rpe-0")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.is_checked("#rpe-2")
    page.keyboard.press("Tab")  # one tab stop per scale: on to the pain scale
    assert page.evaluate("document.activeElement.name") == "pain"


def stored_sets(page: Any) -> list[dict[str, Any]]:
    backup = json.loads(page.evaluate("fetch('/api/export').then(r => r.text())"))
    sets: list[dict[str, Any]] = backup["tables"]["sets"]
    return sets


def test_a_hold_cut_short_is_saved_as_what_was_done(session_page: Any) -> None:
    page = session_page
    page.locator("body").press("s")
    page.wait_for_selector("#hold-controls:not([hidden])")
    it = page.evaluate("() => document.querySelector('#phase').textContent")
    assert "holds of" in it or "hold" in it
    page.clock.run_for(4_000)
    assert page.is_visible("#phase-now")
    assert re.fullmatch(r"\d+", page.inner_text("#countdown").strip()), "seconds left are shown"
    page.clock.run_for(8_000)  # the first hold (1 s in, 5 s held, 1 s out) is done, the second under way
    page.click("#stopped-early")
    page.wait_for_function("() => !document.querySelector('#player').dataset.busy")
    page.wait_for_selector("#rest-controls:not([hidden]), #ask:not([hidden])")
    rows = stored_sets(page)
    assert len(rows) == 1
    assert rows[0]["completed"] is False
    assert 1 <= rows[0]["reps"] <= 2
    assert rows[0]["hold_s"] <= 5


def test_delete_all_my_data_offers_a_backup_and_asks(web: Page) -> None:
    page = web.page
    answer_intake(page)
    page.wait_for_url(re.compile(r"/programme$"))
    page.goto("/settings")
    page.click("text=Delete all my data…")
    page.wait_for_url(re.compile(r"/settings/delete$"))
    assert page.get_attribute("text=Download a complete backup", "href") == "/api/export?format=json"
    page.click("button:text('Delete all my data')")  # not confirmed: the browser keeps the page
    assert page.url.endswith("/settings/delete")
    page.check("input[name=confirm]")
    page.click("button:text('Delete all my data')")
    page.wait_for_url(re.compile(r"/\?deleted=1$"))
    assert "All your data was deleted" in page.inner_text("main")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "status", "focus on the confirmation"
    page.goto("/today")
    assert page.url.endswith("/"), "no programme any more: back to the welcome"


def test_replacing_the_data_asks_first(web: Page, tmp_path: Any) -> None:
    page = web.page
    answer_intake(page)
    page.wait_for_url(re.compile(r"/programme$"))
    backup = tmp_path / "backup.json"
    backup.write_text(page.evaluate("fetch('/api/export').then(r => r.text())"))
    page.goto("/settings")
    page.set_input_files("#backup", str(backup))
    page.click("button:text('Import')")  # data is here and replace is not ticked: refused in words
    problem = page.inner_text("#problem")
    assert "--replace" not in problem
    assert "Replace the data here" in problem
    page.set_input_files("#backup", str(backup))
    page.check("input[name=replace]")
    page.click("button:text('Import')")
    page.wait_for_selector("#confirm-replace")  # asks before deleting what is here (times out if not)
    page.set_input_files("#backup-again", str(backup))
    page.check("input[name=confirm_replace]")
    page.click("#confirm-replace button:text('Replace the data here')")
    page.wait_for_url(re.compile(r"/settings\?restored=\d+$"))
    assert "Backup restored" in page.inner_text("main")


def test_text_size_and_voice_are_kept_on_this_device(web: Page) -> None:
    page = web.page
    page.goto("/settings")
    base = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.check("input[name=text][value=larger]")
    page.check("input[name=voice][value=off]")
    page.select_option("#voice-rate", "0.8")
    page.goto("/exercises")
    larger = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert larger >= base * 1.3
    assert page.evaluate("localStorage.getItem('backfit-muted')") == "1"
    page.goto("/settings")
    assert page.is_checked("input[name=text][value=larger]")
    assert page.input_value("#voice-rate") == "0.8"


def test_the_exercise_comes_back_into_view_and_skip_stays_in_reach(session_page: Any) -> None:
    page = session_page
    page.set_viewport_size({"width": 1366, "height": 650})
    first = page.inner_text("#exercise-name")
    play_to(page, "#ask")  # the last step of the first exercise
    page.click("label[for=rpe-3]")
    page.click("label[for=pain-0]")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # scrolled down to answer
    page.evaluate("document.querySelector('#ask').requestSubmit()")  # (a click would scroll for us)
    page.wait_for_function("f => document.querySelector('#exercise-name').textContent !== f", arg=first)
    top = page.evaluate("document.querySelector('#exercise-name').getBoundingClientRect().top")
    assert 0 <= top < 650, f"the new exercise's name is off-screen ({top:.0f} px)"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.evaluate("window.scrollTo(0, 0)")
    for _ in range(4):  # rest, work, question: Skip is above the fold in each
        bottom = page.evaluate("document.querySelector('#skip-exercise').getBoundingClientRect().bottom")
        assert bottom <= 800, f"Skip is below the fold ({bottom:.0f} px)"
        play_step(page)
        page.evaluate("window.scrollTo(0, 0)")
