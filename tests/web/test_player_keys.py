"""The session key map: the web player and the terminal session read the same one
(backfit.session.keys), and the keys do what the player's help line says, in Chromium."""

from __future__ import annotations

import re

import pytest

from backfit.cli.session_view import KEYS_HELP
from backfit.session.keys import SESSION_KEYS
from tests.web.conftest import Page
from tests.web.test_browser import answer_intake, start_session

pytestmark = pytest.mark.slow


def test_cli_help_names_every_shared_key() -> None:
    shared = [b for b in SESSION_KEYS if "cli" in b.surfaces]
    assert shared
    for binding in shared:
        assert f"[{binding.key_label}] {binding.does}" in KEYS_HELP


def test_the_player_keys_do_what_its_help_line_says(web: Page) -> None:
    page = web.page
    answer_intake(page)
    page.wait_for_url(re.compile(r"/programme$"))
    start_session(page)
    help_line = page.inner_text("#keys-help")
    for binding in SESSION_KEYS:
        assert f"{binding.key_label} {binding.does}" in help_line

    page.locator("body").focus()
    page.keyboard.press("p")
    assert "Resume" in page.inner_text("#pause")
    page.keyboard.press("P")
    assert "Pause" in page.inner_text("#pause")

    before = page.get_attribute("#mute", "aria-pressed")
    page.keyboard.press("m")
    assert page.get_attribute("#mute", "aria-pressed") != before

    first = page.inner_text("#exercise-name")
    page.keyboard.press("x")
    page.wait_for_function("name => document.querySelector('#exercise-name').textContent !== name", arg=first)
    assert page.inner_text("#exercise-name") != first

    page.focus("#pause")
    page.keyboard.press(" ")  # Space on a focused button presses that button, it counts no repetition
    assert "Resume" in page.inner_text("#pause")
