"""The clinician's workspace in real Chromium: a clinician signs in, sees their client list,
changes a dose with a reason and invites a client; the client sees the change on their
programme; another clinician cannot open the client. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from backfit.plan.coaching import RADIATING_PAUSE
from backfit.services import coaching
from backfit.settings import Settings
from backfit.store.models import Account
from tests.web.clinic import PASSWORD, build_clinic, set_password
from tests.web.conftest import LiveServer, Page
from tests.web.test_browser import answer_intake

REASON = "Sore after the bridges: fewer for a week."


@pytest.fixture
def clinic_server(tmp_path: Path) -> Iterator[LiveServer]:
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'data' / 'backfit.db'}")
    made = build_clinic(settings)
    made.close()
    with LiveServer(settings.model_copy(update={"clinic": True})) as server:
        yield server


@contextmanager
def browsing(browser: Any, server: LiveServer, people: int) -> Iterator[tuple[Page, ...]]:
    """Pages for ``people`` people (a browser context each), closed at the end; none may have
    sent a request to another server or met a script error."""
    pages = tuple(Page(browser, server.url) for _ in range(people))
    try:
        yield pages
    finally:
        for each in pages:
            each.context.close()
    for each in pages:
        assert each.foreign == []
        assert each.errors == []


def submit(page: Any, path: str, fields: dict[str, str], button: str) -> None:
    """Open ``path``, fill the fields (by their labels) and press ``button``."""
    page.goto(path)
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def sign_in(web: Page, page: Any, email: str, password: str = PASSWORD) -> None:
    submit(page, "/sign-in", {"Email": email, "Password": password}, "Sign in")


def invite(page: Any, name: str, email: str) -> str:
    """As a signed-in clinician: invite a client from the client list; the one-time link shown."""
    submit(page, "/clinic", {"Name": name, "Email": email}, "Create the invitation link")
    link: str = page.get_by_label("One-time invitation link").input_value()
    return link


@pytest.mark.slow
def test_a_clinician_changes_a_dose_and_the_client_sees_why(browser: Any, clinic_server: LiveServer) -> None:
    clinician = Page(browser, clinic_server.url)
    client = Page(browser, clinic_server.url)
    other = Page(browser, clinic_server.url)
    try:
        page = clinician.page
        sign_in(clinician, page, "one@clinic.test")
        page.goto("/clinic")
        table = page.locator("#clients")
        assert "Kay One" in table.inner_text()
        assert "Kim Two" not in table.inner_text()
        clinician.shot("clinic-client-list")

        page.get_by_role("link", name="Kay One").click()
        page.wait_for_load_state()
        client_url = page.url
        item = page.locator("section.item", has_text="Prone single thigh lift")
        item.locator("summary").click()
        item.get_by_label("Repetitions").fill("8")
        item.locator("input[name=reason]").first.fill(REASON)
        item.get_by_role("button", name="Set the dose").click()
        page.wait_for_load_state()
        assert "Dose set" in page.locator("[role=status]").inner_text()
        assert REASON in page.locator("#changes").inner_text()
        page.get_by_label("New note").fill("Tight hip flexors; review in two weeks.")
        page.get_by_role("button", name="Save the note").click()
        page.wait_for_load_state()
        clinician.shot("clinic-client-page")

        link = invite(page, "Lee New", "lee@clinic.test")
        assert "/invite/" in link
        clinician.shot("clinic-invitation")

        sign_in(client, client.page, "k1@clinic.test")
        client.page.goto("/programme")
        changes = client.page.locator("#clinician-changes").inner_text()
        assert "Your physiotherapist Dr One set the dose" in changes
        assert REASON in changes
        assert "Tight hip flexors" not in client.page.content()
        client.shot("clinic-client-sees-the-change")

        sign_in(other, other.page, "two@clinic.test")
        answer = other.page.goto(client_url)
        assert answer is not None
        assert answer.status == 404
        assert "Kay One" not in other.page.content()
        other.shot("clinic-other-clinician-refused")
        for each in (clinician, client, other):
            assert each.foreign == []
            assert each.errors == []
    finally:
        for each in (clinician, client, other):
            each.context.close()


@pytest.fixture
def paused_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The clinic of :func:`build_clinic` with Kay One's programme paused after radiating symptoms."""
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'data' / 'backfit.db'}")
    made = build_clinic(settings)
    state = made.app.state.backfit
    with state.unit_of_work() as session:
        account = session.scalars(select(Account).where(Account.email == "k1@clinic.test")).one()
        assert account.profile_id is not None
        coaching.pause_programme(session, account.profile_id, None, RADIATING_PAUSE, state.now())
    made.close()
    with LiveServer(settings.model_copy(update={"clinic": True})) as server:
        yield server


@pytest.mark.slow
def test_the_clinician_clears_a_flagged_pause(browser: Any, paused_server: LiveServer) -> None:
    clinician = Page(browser, paused_server.url)
    client = Page(browser, paused_server.url)
    try:
        sign_in(client, client.page, "k1@clinic.test")
        client.page.goto("/today")
        paused = client.page.locator("#paused").inner_text()
        assert "Your clinician must clear it" in paused
        assert (
            client.page.get_by_role("button", name="A doctor or physiotherapist has advised me to go on").count() == 0
        )
        client.shot("clinic-client-paused")

        page = clinician.page
        sign_in(clinician, page, "one@clinic.test")
        page.goto("/clinic")
        first_row = page.locator("#clients tbody tr").first
        assert "Kay One" in first_row.inner_text()
        assert "radiating symptoms" in first_row.locator(".flags").inner_text()
        clinician.shot("clinic-client-list-flagged")
        page.get_by_role("link", name="Kay One").click()
        page.locator("#clear-pause input[name=reason]").fill("Examined today: no nerve signs, carry on gently.")
        page.get_by_role("button", name="I have advised Kay One: the programme goes on").click()
        page.wait_for_load_state()
        assert "Clearance recorded" in page.locator("[role=status]").inner_text()
        clinician.shot("clinic-pause-cleared")

        client.page.goto("/today")
        assert client.page.locator("#paused").count() == 0
        assert "Dr One has cleared it" in client.page.locator("#clinician-changes").inner_text()
        client.shot("clinic-client-after-clearance")
        for each in (clinician, client):
            assert each.foreign == []
            assert each.errors == []
    finally:
        for each in (clinician, client):
            each.context.close()


@pytest.mark.slow
def test_an_invited_client_onboards_and_gets_a_reset_link_from_their_clinician(
    browser: Any, clinic_server: LiveServer
) -> None:
    """The clinician invites a client, who sets a password and answers the intake; later the
    client has forgotten it: the clinician makes a reset link on the client's page, and the
    client chooses a new password with it."""
    with browsing(browser, clinic_server, 2) as (clinician, client):
        page = clinician.page
        sign_in(clinician, page, "one@clinic.test")
        invitation = invite(page, "Lee New", "lee@clinic.test")

        set_password(client.page, invitation)
        client.page.wait_for_url(re.compile(r"/intake$"))
        answer_intake(client.page)
        client.page.wait_for_url(re.compile(r"/programme$"))
        client.page.get_by_role("button", name="Sign out").click()
        client.page.wait_for_url(re.compile(r"/sign-in"))

        page.goto("/clinic")
        page.get_by_role("link", name="Lee New").click()
        page.wait_for_load_state()
        page.get_by_role("button", name="Make a password reset link").click()
        page.wait_for_load_state()
        reset = page.get_by_label("One-time password reset link").input_value()
        assert "/reset/" in reset
        clinician.shot("clinic-reset-link")

        set_password(client.page, reset, "a brand new password 42")
        client.page.wait_for_url(lambda url: "/reset/" not in url)
        assert "Signed in as Lee New" in client.page.locator("header").inner_text()
        client.page.get_by_role("button", name="Sign out").click()
        client.page.wait_for_url(re.compile(r"/sign-in"))
        sign_in(client, client.page, "lee@clinic.test")
        assert "Not signed in" in client.page.locator("[role=alert]").inner_text()  # the old password is gone


WIDTHS = {"wide": 1280, "phone": 390}


def screens(browser: Any, server: LiveServer) -> Iterator[tuple[str, Page]]:
    """Each screen a clinic shows its people, opened in a page of its own: (name, page)."""
    clinician = Page(browser, server.url)
    sign_in(clinician, clinician.page, "one@clinic.test")
    invitation = invite(clinician.page, "Lee New", "lee@clinic.test")
    yield "client-list", clinician
    clinician.page.get_by_role("link", name="Kay One").click()
    clinician.page.wait_for_load_state()
    yield "client-page", clinician
    clinician.context.close()
    anybody = Page(browser, server.url)
    anybody.page.goto("/sign-in")
    yield "sign-in", anybody
    anybody.page.goto(invitation)
    yield "set-password", anybody
    anybody.context.close()
    admin = Page(browser, server.url)
    sign_in(admin, admin.page, "admin@clinic.test")
    admin.page.goto("/admin")
    yield "admin", admin
    admin.context.close()
    client = Page(browser, server.url)
    sign_in(client, client.page, "k1@clinic.test")
    client.page.goto("/settings")
    yield "settings", client
    client.context.close()


@pytest.mark.slow
def test_each_clinic_screen_fits_a_phone_and_a_laptop(browser: Any, clinic_server: LiveServer) -> None:
    """Screenshots at a laptop's and a phone's width (test-artifacts/screen-*.png, to look at), and
    at each width nothing is wider than the screen (no sideways scrolling)."""
    overflowing = []
    for name, page in screens(browser, clinic_server):
        for width_name, width in WIDTHS.items():
            page.page.set_viewport_size({"width": width, "height": 900})
            wide = page.page.evaluate(
                """(width) => [...document.querySelectorAll('main *, header *')]
                    .filter((e) => e.getBoundingClientRect().right > width + 1)
                    .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''))
                    .slice(0, 5)""",
                width,
            )
            if wide or page.page.evaluate("() => document.documentElement.scrollWidth") > width:
                overflowing.append(f"{name} at {width}px: {wide}")
            page.shot(f"screen-{name}-{width_name}")
        assert page.foreign == []
        assert page.errors == []
    assert overflowing == []
