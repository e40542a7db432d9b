"""A clinic for tests: an app in clinic mode, accounts made through the accounts service, and
clients signed in through the real /sign-in form (cookie and all)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from backfit.services import accounts
from backfit.services.policy import Actor, Role
from backfit.services.runtime import utc_now
from backfit.settings import Settings
from backfit.web import create_app
from tests.web.conftest import PageClient, answers

PASSWORD = "correct horse battery staple"


def clinic_app(settings: Settings) -> FastAPI:
    return create_app(settings.model_copy(update={"clinic": True}))


def add(
    app: FastAPI,
    email: str,
    role: Role,
    *,
    clinician: str | None = None,
    profile: str | None = None,
    password: str | None = PASSWORD,
    name: str = "",
) -> int:
    """A new account (made as the server's owner, as `backfit users add` does); its id."""
    with app.state.backfit.unit_of_work() as session:
        account = accounts.add_account(
            session,
            Actor.owner(),
            email=email,
            role=role,
            display_name=name,
            password=password,
            clinician_email=clinician,
            profile_name=profile,
            now=utc_now(),
        )
        return account.id


def sign_in(client: PageClient, email: str, password: str = PASSWORD) -> Any:
    """Sign ``client`` in through the form; returns the response (303 when it worked)."""
    return client.post("/sign-in", data={"email": email, "password": password}, follow_redirects=False)


def set_password(page: Any, link: str, password: str = PASSWORD) -> None:
    """In a browser page: open a one-time link (invitation or reset) and choose ``password``."""
    page.goto(link)
    page.get_by_label("New password").fill(password)
    page.get_by_label("The same password again").fill(password)
    page.get_by_role("button", name="Save my password").click()
    page.wait_for_load_state()


def signed_in(app: FastAPI, email: str, password: str = PASSWORD) -> PageClient:
    """A new browser-like client of ``app``, signed in as ``email`` (enter it with ``with``)."""
    client = PageClient(app)
    client.__enter__()
    response = sign_in(client, email, password)
    assert response.status_code == 303, response.text
    return client


@dataclass
class Clinic:
    """Two clinicians with a client each (onboarded, one session with a set), an admin, and a
    left-over single-person profile ``default`` with data of its own: each person's data carries
    a marker (their PSFS activity) that must never show up for anyone who may not read it."""

    app: FastAPI
    clients: dict[str, PageClient]
    sessions: dict[str, int]
    markers: dict[str, str]
    links: dict[str, str]
    recordings: dict[str, int]
    jobs: dict[str, int]

    def close(self) -> None:
        for client in self.clients.values():
            client.__exit__(None, None, None)


def onboard(client: PageClient, marker: str) -> int:
    """Intake and a started session with one recorded set; the session's id."""
    intake = answers(psfs=[{"activity": marker, "rating": 4}])
    assert client.post("/api/intake", json=intake).status_code == 200
    started = client.post("/api/sessions", json={"pain_start": 1})
    assert started.status_code == 201, started.text
    read = started.json()
    first = read["items"][0]
    payload = {"item_index": 0, "set_index": 0, "side": "left" if first["per_side"] else "both"}
    payload |= {"reps": 5} if first["reps"] else {"hold_s": 5}
    assert client.post(f"/api/sessions/{read['id']}/sets", json=payload).status_code == 201
    return int(read["id"])


def build_clinic(settings: Settings) -> Clinic:
    """The clinic of :class:`Clinic`, every account signed in through the form."""
    single = create_app(settings)  # the laptop before the clinic: its person is ``default``
    with PageClient(single) as owner:
        onboard(owner, "walking the dog DEFAULTMARK")
    app = clinic_app(settings)
    add(app, "admin@clinic.test", Role.ADMIN, name="Ada Admin")
    add(app, "one@clinic.test", Role.CLINICIAN, name="Dr One")
    add(app, "two@clinic.test", Role.CLINICIAN, name="Dr Two")
    add(app, "k1@clinic.test", Role.CLIENT, clinician="one@clinic.test", name="Kay One")
    add(app, "k2@clinic.test", Role.CLIENT, clinician="two@clinic.test", name="Kim Two")
    clients = {name: signed_in(app, f"{name}@clinic.test") for name in ("admin", "one", "two", "k1", "k2")}
    markers = {"k1": "gardening K1MARK", "k2": "cycling K2MARK", "default": "walking the dog DEFAULTMARK"}
    sessions = {name: onboard(clients[name], markers[name]) for name in ("k1", "k2")}
    clients["nobody"] = PageClient(app).__enter__()
    add(app, "invited@clinic.test", Role.CLIENT, clinician="one@clinic.test", password=None)
    with app.state.backfit.unit_of_work() as session:  # for accounts nobody issues new links for in the tests
        links = {
            purpose: accounts.issue_link(session, Actor.owner(), email, purpose=purpose, now=utc_now()).token
            for purpose, email in (("invite", "invited@clinic.test"), ("reset", "one@clinic.test"))
        }
    kept = {name: keep_recording(app, name) for name in ("k1", "k2")}
    jobs = {name: int(clients[name].post("/api/jobs/handout", json={}).json()["id"]) for name in ("k1", "k2")}
    return Clinic(app, clients, sessions, markers, links, kept, jobs)


def keep_recording(app: FastAPI, client: str) -> int:
    """A kept camera recording (a synthetic side-view bridge) of the client's; its id."""
    from backfit.catalog.loader import load_catalog
    from backfit.pose.synthetic import bridge
    from backfit.services import recordings
    from backfit.store.models import Profile

    seq = bridge(reps=2, hold_s=1.0)
    with app.state.backfit.unit_of_work() as session:
        account = accounts.require_account(session, f"{client}@clinic.test")
        profile = session.get(Profile, account.profile_id)
        assert profile is not None
        exercise = load_catalog().get_or_raise("hip-bridge")
        kept = recordings.save_video_recording(session, profile.name, exercise, seq.times, seq.frames, 4 / 3, utc_now())
        return kept.id
