"""The settings page's schedule section and the programme's printable handout, in real Chromium:
a person picks days, a time and a reminder with the page's own controls, and the calendar
file and the handout follow."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from tests.web.conftest import Page
from tests.web.test_browser import answer_intake

pytestmark = pytest.mark.slow


def choose(page: Any, days: list[str], time_of_day: str, reminder: str) -> None:
    page.goto("/settings")
    for box in page.locator("#schedule input[name=weekdays]").all():
        box.set_checked(box.get_attribute("value") in days)
    page.fill("#time_of_day", time_of_day)
    page.select_option("#reminder_minutes", label=reminder)
    page.click("#schedule button[type=submit]")


def test_a_person_sets_days_time_and_reminder_and_the_calendar_follows(web: Page) -> None:
    page = web.page
    answer_intake(page)
    page.wait_for_url(re.compile(r"/programme$"))

    choose(page, ["mon", "tue"], "07:30", "15 minutes before")
    alert = page.locator("#schedule-error")
    alert.wait_for(state="visible")  # the refusal is shown (times out if it is not)
    assert "choose 3 days" in alert.inner_text()
    assert page.evaluate("document.activeElement.id") == "schedule-error"
    web.shot("settings-schedule-error")

    choose(page, ["tue", "thu", "sat"], "07:30", "15 minutes before")
    page.wait_for_url(re.compile(r"/settings\?schedule=saved"))
    status = page.locator("#schedule [role=status]").inner_text()
    assert "Tuesday, Thursday and Saturday at 07:30" in status
    assert page.locator("#schedule input[value=thu]").is_checked()
    assert page.input_value("#time_of_day") == "07:30"
    web.shot("settings-schedule-saved")

    with page.expect_download() as download:
        page.click("#schedule a[href*='format=ics']")
    events = list(Calendar.from_ical(download.value.path().read_bytes()).walk("VEVENT"))
    assert events
    assert {e.decoded("DTSTART").strftime("%a %H:%M") for e in events} == {"Tue 07:30", "Thu 07:30", "Sat 07:30"}
    assert all(a.decoded("TRIGGER").total_seconds() == -15 * 60 for e in events for a in e.walk("VALARM"))

    page.goto("/programme")
    assert "When: Tuesday, Thursday and Saturday at 07:30" in " ".join(page.inner_text("main").split())


def test_the_programme_page_links_a_printable_handout(web: Page) -> None:
    page = web.page
    answer_intake(page)
    page.wait_for_url(re.compile(r"/programme$"))
    link = page.get_by_role("link", name=re.compile("Print your programme"))
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "Your backfit programme" in text
    assert "does not diagnose" in text
    names = [n.strip() for n in page.locator("main table td[data-label=Exercise] a").all_inner_texts()]
    assert names
    assert all(name in text for name in names)
