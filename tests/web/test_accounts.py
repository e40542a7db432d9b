"""Accounts as people use them: sign in and out, a wrong password, the rate limit, a
disabled account, invitation and reset links used once, and the single-person install
staying password-free until it has accounts."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backfit.services import accounts
from backfit.services.policy import Actor, Role
from backfit.services.runtime import utc_now
from backfit.settings import Settings
from backfit.store.models import SignInSession
from backfit.web import create_app
from backfit.web.auth import SESSION_COOKIE
from tests.web.clinic import PASSWORD, add, clinic_app, sign_in, signed_in
from tests.web.conftest import CSRF_META, PageClient, answers, page_token


@pytest.fixture
def app(settings: Settings) -> Any:
    app = clinic_app(settings)
    add(app, "one@clinic.test", Role.CLINICIAN, name="Dr One")
    add(app, "k1@clinic.test", Role.CLIENT, clinician="one@clinic.test", name="Kay One")
    return app


@pytest.fixture
def browser(app: Any) -> Iterator[PageClient]:
    with PageClient(app) as client:
        yield client


def test_signing_in_sets_a_private_cookie_and_goes_to_the_role_home(browser: PageClient) -> None:
    response = sign_in(browser, "One@Clinic.Test ")  # as people type it
    assert response.status_code == 303
    assert response.headers["location"] == "/clinic"
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie.replace("samesite", "SameSite")
    page = browser.get("/sign-in")
    assert "Signed in as Dr One" in page.text


def test_the_database_holds_only_a_hash_of_the_cookie(app: Any, browser: PageClient) -> None:
    token = sign_in(browser, "k1@clinic.test").cookies[SESSION_COOKIE]
    with app.state.backfit.unit_of_work() as session:
        stored = [row.token_hash for row in session.query(SignInSession)]
    assert stored == [accounts.token_hash(token)]
    assert token not in stored


@pytest.mark.parametrize(
    ("email", "password"),
    [
        pytest.param("k1@clinic.test", "wrong password here", id="wrong-password"),
        pytest.param("nobody@clinic.test", PASSWORD, id="unknown-email"),
        pytest.param("not an email", PASSWORD, id="not-an-email"),
        pytest.param("k1@clinic.test", "", id="empty-password"),
    ],
)
def test_a_failed_sign_in_says_the_same_for_each_and_signs_nobody_in(
    browser: PageClient, email: str, password: str
) -> None:
    response = browser.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code in (401, 422)
    if response.status_code == 401:
        assert "wrong email or password" in response.text
    assert browser.get("/today", follow_redirects=False).headers["location"].startswith("/sign-in")


def test_five_wrong_passwords_lock_that_email_even_with_the_right_one(browser: PageClient) -> None:
    for _ in range(accounts.MAX_FAILURES_PER_EMAIL):
        assert sign_in(browser, "k1@clinic.test", "wrong password again").status_code == 401
    refused = sign_in(browser, "k1@clinic.test")
    assert refused.status_code == 401
    assert "too many wrong passwords" in refused.text
    assert sign_in(browser, "one@clinic.test").status_code == 303  # another email is not locked


def test_the_lock_is_counted_in_the_database_so_every_worker_sees_it(app: Any, settings: Settings) -> None:
    other_worker = create_app(settings.model_copy(update={"clinic": True}))
    with PageClient(app) as first, PageClient(other_worker) as second:
        for _ in range(accounts.MAX_FAILURES_PER_EMAIL):
            sign_in(first, "k1@clinic.test", "wrong password again")
        assert "too many wrong passwords" in sign_in(second, "k1@clinic.test").text


def test_the_lock_ages_out(app: Any) -> None:
    now = utc_now()
    work = app.state.backfit.unit_of_work
    for _ in range(accounts.MAX_FAILURES_PER_EMAIL):
        accounts.sign_in(work, email="k1@clinic.test", password="nope nope nope", address="a", now=now)
    assert not accounts.sign_in(work, email="k1@clinic.test", password=PASSWORD, address="a", now=now).token
    later = now + accounts.RATE_WINDOW + timedelta(seconds=1)
    assert accounts.sign_in(work, email="k1@clinic.test", password=PASSWORD, address="a", now=later).token


def test_sign_out_revokes_the_session_on_the_server(browser: PageClient) -> None:
    token = sign_in(browser, "k1@clinic.test").cookies[SESSION_COOKIE]
    assert browser.get("/api/schedule").status_code == 200
    assert browser.post("/sign-out", data={"from": "menu"}, follow_redirects=False).status_code == 303
    with PageClient(browser.app) as thief:  # the old cookie, replayed
        thief.cookies.set(SESSION_COOKIE, token)
        assert thief.get("/api/schedule").status_code == 401


def test_disabling_an_account_signs_it_out_everywhere(app: Any) -> None:
    client = signed_in(app, "k1@clinic.test")
    try:
        assert client.get("/api/schedule").status_code == 200
        with app.state.backfit.unit_of_work() as session:
            accounts.set_disabled(session, Actor.owner(), "k1@clinic.test", disabled=True, now=utc_now())
        assert client.get("/api/schedule").status_code == 401
        assert "disabled" in sign_in(client, "k1@clinic.test").text
    finally:
        client.__exit__(None, None, None)


def test_an_invitation_sets_a_password_once_and_leads_to_the_intake(app: Any, browser: PageClient) -> None:
    with app.state.backfit.unit_of_work() as session:
        clinician = Actor.of(accounts.require_account(session, "one@clinic.test"))
        link = accounts.invite_client(
            session, clinician, email="new@clinic.test", display_name="New Person", now=utc_now()
        )
    page = browser.get(link.path)
    assert page.status_code == 200
    assert "new@clinic.test" in page.text
    assert "some check for signs that need a doctor" in page.text.lower()  # told what the intake asks first
    short = browser.post(link.path, data={"password": "short", "again": "short"})
    assert short.status_code == 422
    assert "at least 10 characters" in short.text
    mismatch = browser.post(link.path, data={"password": PASSWORD, "again": PASSWORD + "x"})
    assert "not the same" in mismatch.text
    done = browser.post(link.path, data={"password": PASSWORD, "again": PASSWORD}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == "/intake"
    assert browser.post("/api/intake", json=answers()).status_code == 200  # signed in as the new client
    with PageClient(app) as someone_else:
        again = someone_else.post(link.path, data={"password": "another password!", "again": "another password!"})
        assert again.status_code == 404
        assert "used or has expired" in again.text


def test_a_reset_link_replaces_the_password_and_signs_out_other_browsers(app: Any) -> None:
    old_browser = signed_in(app, "k1@clinic.test")
    try:
        with app.state.backfit.unit_of_work() as session:
            clinician = Actor.of(accounts.require_account(session, "one@clinic.test"))
            link = accounts.issue_link(session, clinician, "k1@clinic.test", purpose="reset", now=utc_now())
        with PageClient(app) as phone:
            new = "a brand new password"
            assert (
                phone.post(link.path, data={"password": new, "again": new}, follow_redirects=False).status_code == 303
            )
            assert old_browser.get("/api/schedule").status_code == 401
            assert sign_in(phone, "k1@clinic.test").status_code == 401  # the old password is gone
            assert sign_in(phone, "k1@clinic.test", new).status_code == 303
    finally:
        old_browser.__exit__(None, None, None)


def test_a_clinician_cannot_issue_links_for_someone_elses_client(app: Any) -> None:
    add(app, "two@clinic.test", Role.CLINICIAN)
    add(app, "k2@clinic.test", Role.CLIENT, clinician="two@clinic.test")
    with app.state.backfit.unit_of_work() as session:
        one = Actor.of(accounts.require_account(session, "one@clinic.test"))
        with pytest.raises(accounts.NotFound):
            accounts.issue_link(session, one, "k2@clinic.test", purpose="reset", now=utc_now())
        with pytest.raises(accounts.NotFound):
            accounts.issue_link(session, one, "two@clinic.test", purpose="reset", now=utc_now())


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_sign_in_never_sends_people_to_another_site(browser: PageClient, target: str) -> None:
    response = browser.post(
        "/sign-in", data={"email": "k1@clinic.test", "password": PASSWORD, "next": target}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_sign_in_returns_to_the_page_asked_for(browser: PageClient) -> None:
    asked = browser.get("/history?limit=5", follow_redirects=False)
    assert asked.headers["location"] == "/sign-in?next=%2Fhistory%3Flimit%3D5"
    response = browser.post(
        "/sign-in",
        data={"email": "k1@clinic.test", "password": PASSWORD, "next": "/history?limit=5"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/history?limit=5"


def test_a_single_person_install_needs_no_password_until_it_has_accounts(settings: Settings) -> None:
    app = create_app(settings)
    with PageClient(app) as person:
        assert person.post("/api/intake", json=answers()).status_code == 200
        assert person.get("/api/programme").status_code == 200
        with app.state.backfit.unit_of_work() as session:  # the first admin, as `backfit users add` adds it
            accounts.add_account(
                session, Actor.owner(), email="admin@home.test", role=Role.ADMIN, password=PASSWORD, now=utc_now()
            )
        gate_recheck(app)  # the same running app: its gate looks again within seconds
        assert person.get("/api/programme").status_code == 401


def gate_recheck(app: Any) -> None:
    """Let the running gate look for accounts now (it looks every few seconds)."""
    stack = app.middleware_stack
    while stack is not None and type(stack).__name__ != "SignInGate":
        stack = getattr(stack, "app", None)
    assert stack is not None, "no sign-in gate in the app's middleware"
    stack._accounts_seen_at = -1e9


def test_raw_requests_without_the_page_token_are_still_refused(app: Any) -> None:
    with TestClient(app, base_url="http://127.0.0.1:8765") as raw:
        response = raw.post("/sign-in", data={"email": "k1@clinic.test", "password": PASSWORD})
        assert response.status_code == 403


def test_wrong_passwords_sent_at_once_are_checked_no_more_often_than_the_limit(app: Any, browser: PageClient) -> None:
    """An attacker does not wait for one answer before the next try: tries sent together must
    not all pass the rate check before any of them is counted."""
    tries = 4 * accounts.MAX_FAILURES_PER_EMAIL
    browser._token = page_token(browser)  # the token and cookie once, before the threads share the client
    with ThreadPoolExecutor(tries) as pool:
        answers_ = list(pool.map(lambda i: sign_in(browser, "k1@clinic.test", f"wrong password {i:02d}"), range(tries)))
    assert {a.status_code for a in answers_} == {401}
    checked = sum("wrong email or password" in a.text for a in answers_)
    assert checked <= accounts.MAX_FAILURES_PER_EMAIL
    assert tries - checked == sum("too many wrong passwords" in a.text for a in answers_)


def test_a_link_used_twice_at_once_sets_one_password(app: Any, browser: PageClient) -> None:
    """Two browsers sending the same link's form together: one sets the password, the other is told
    the link is used (the check that it is unused and the marking as used are one step)."""
    with app.state.backfit.unit_of_work() as session:
        clinician = Actor.of(accounts.require_account(session, "one@clinic.test"))
        link = accounts.issue_link(session, clinician, "k1@clinic.test", purpose="reset", now=utc_now())
    browser._token = page_token(browser)
    tries = 6

    def redeem(i: int) -> Any:
        password = f"new password number {i}"
        return browser.post(link.path, data={"password": password, "again": password}, follow_redirects=False)

    with ThreadPoolExecutor(tries) as pool:
        statuses = sorted(r.status_code for r in pool.map(redeem, range(tries)))
    assert statuses == [303] + [404] * (tries - 1)


def test_behind_https_both_cookies_are_secure(app: Any) -> None:
    """Served through HTTPS (a reverse proxy that says so), neither the sign-in cookie nor the CSRF
    cookie may ever travel over plain HTTP."""
    with TestClient(app, base_url="https://127.0.0.1:8765") as tls:
        page = tls.get("/sign-in")
        token = CSRF_META.search(page.text)
        assert token is not None
        csrf_cookie = page.headers["set-cookie"]
        assert csrf_cookie.startswith("csrftoken=")
        signed = tls.post(
            "/sign-in",
            data={"email": "k1@clinic.test", "password": PASSWORD},
            headers={"Origin": "https://127.0.0.1:8765", "X-CSRFToken": token.group(1)},
            follow_redirects=False,
        )
    assert signed.status_code == 303
    for cookie in (csrf_cookie, signed.headers["set-cookie"]):
        assert "; Secure" in cookie, cookie
        assert "HttpOnly" in cookie, cookie


def test_a_sign_in_ends_when_its_cookie_would_even_if_used_every_day(app: Any) -> None:
    """The cookie lives SESSION_LIFETIME from the sign-in; a token copied from it is refused after
    that however often it was used (no session lives for ever by being used)."""
    now = utc_now()
    work = app.state.backfit.unit_of_work
    token = accounts.sign_in(work, email="k1@clinic.test", password=PASSWORD, address="a", now=now).token
    assert token is not None
    day = timedelta(days=1)
    for n in range(1, accounts.SESSION_LIFETIME.days):  # used every day
        with work() as session:
            assert accounts.actor_of_token(session, token, now=now + n * day) is not None, n
    with work() as session:
        assert accounts.actor_of_token(session, token, now=now + accounts.SESSION_LIFETIME) is None
