"""/docs in real Chromium: Swagger UI from backfit's own pinned copy renders the API under the
CSP, makes no request to another server, and its "Try it out" carries the CSRF token."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Page

pytestmark = pytest.mark.slow


def test_the_api_browser_works_under_the_csp(web: Page) -> None:
    page = web.page
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/checkins" in [p.strip() for p in paths]
    assert try_it(page, "operations-api-get_history_api_history_get") == "200"
    # a change: no person yet, so 404, but never 403 (the token went with it)
    assert try_it(page, "operations-api-post_checkin_api_checkins_post") == "404"
    assert violations == []


def try_it(page: Any, operation: str) -> str:
    block = page.locator(f"#{operation}")
    block.locator(".opblock-summary").click()
    block.locator("text=Try it out").click()
    block.locator("text=Execute").click()
    cell = block.locator(".live-responses-table tbody .response-col_status").first
    cell.wait_for()
    return str(cell.inner_text()).strip()
