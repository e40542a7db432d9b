"""The clinician's workspace through the pages, every person signed in through the real
/sign-in form: who reaches what, the invitation link, a dose change with its reason shown to
the client, notes kept from the client, the CSV, and a pause only the clinician clears."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from backfit.plan.coaching import RADIATING_PAUSE
from backfit.services import coaching
from backfit.settings import Settings
from backfit.store.models import Account, OneTimeLink
from tests.web.clinic import Clinic, build_clinic, sign_in
from tests.web.conftest import PageClient, page_token

REASON = "Sore after the bridges: fewer for a week."


@pytest.fixture
def clinic(settings: Settings) -> Iterator[Clinic]:
    made = build_clinic(settings)
    yield made
    made.close()


def profile_of(clinic: Clinic, email: str) -> int:
    with clinic.app.state.backfit.unit_of_work() as session:
        account = session.scalars(select(Account).where(Account.email == email)).one()
        assert account.profile_id is not None
        return account.profile_id


def test_the_client_list_shows_only_the_clinicians_clients(clinic: Clinic) -> None:
    page = clinic.clients["one"].get("/clinic")
    assert page.status_code == 200
    assert "Kay One" in page.text
    assert "Kim Two" not in page.text
    assert f"/clinic/clients/{profile_of(clinic, 'k1@clinic.test')}" in page.text


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        pytest.param("two", "/clinic/clients/{k1}", 404, id="another-clinicians-client-not-found"),
        pytest.param("admin", "/clinic/clients/{k1}", 403, id="admin-reads-no-clinical-data"),
        pytest.param("admin", "/clinic", 403, id="admin-has-no-client-list"),
        pytest.param("k1", "/clinic", 403, id="a-client-has-no-client-list"),
        pytest.param("k1", "/clinic/clients/{k1}", 403, id="a-client-cannot-open-the-clinicians-page"),
        pytest.param("k1", "/clinic/adherence.csv", 403, id="a-client-gets-no-csv"),
        pytest.param("one", "/clinic/clients/{k1}", 200, id="the-clinician-reaches-their-client"),
    ],
)
def test_who_reaches_the_workspace(clinic: Clinic, who: str, path: str, status: int) -> None:
    url = path.format(k1=profile_of(clinic, "k1@clinic.test"))
    assert clinic.clients[who].get(url, follow_redirects=False).status_code == status


def test_signed_out_is_sent_to_sign_in(clinic: Clinic) -> None:
    response = clinic.clients["nobody"].get("/clinic", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("k1", 403, id="the-client-cannot-write-notes"),
        pytest.param("two", 404, id="another-clinician-cannot"),
        pytest.param("admin", 403, id="an-admin-cannot"),
    ],
)
def test_notes_are_the_clinicians(clinic: Clinic, who: str, status: int) -> None:
    url = f"/clinic/clients/{profile_of(clinic, 'k1@clinic.test')}/notes"
    assert clinic.clients[who].post(url, data={"text": "x"}, follow_redirects=False).status_code == status


def test_a_note_is_kept_from_the_client(clinic: Clinic) -> None:
    k1 = profile_of(clinic, "k1@clinic.test")
    note = "Hip flexors tight NOTEMARK"
    saved = clinic.clients["one"].post(f"/clinic/clients/{k1}/notes", data={"text": note})
    assert saved.status_code == 200
    assert note in saved.text
    assert "Only clinicians see these notes" in saved.text
    for path in ("/today", "/programme", "/history", "/api/export"):
        assert "NOTEMARK" not in clinic.clients["k1"].get(path).text, path


def test_a_dose_change_is_shown_to_the_client_with_the_reason(clinic: Clinic) -> None:
    k1 = profile_of(clinic, "k1@clinic.test")
    programme = clinic.clients["k1"].get("/api/programme").json()
    item = next(i for d in programme["days"] for i in d["items"] if i["reps"] is not None and i["hold_s"] is None)
    page = clinic.clients["one"].get(f"/clinic/clients/{k1}")
    key = next(
        line.split('value="')[1].split('"')[0]
        for line in page.text.splitlines()
        if 'name="key"' in line and f"/{item['exercise_id']}" in line
    )
    refused = clinic.clients["one"].post(
        f"/clinic/clients/{k1}/dose", data={"key": key, "sets": "1", "reps": "99", "reason": REASON}
    )
    assert refused.status_code == 422
    assert "repetitions from" in refused.text
    done = clinic.clients["one"].post(
        f"/clinic/clients/{k1}/dose", data={"key": key, "sets": "1", "reps": "6", "reason": REASON}
    )
    assert done.status_code == 200
    assert "Dose set" in done.text
    for path in ("/programme", "/today"):
        seen = clinic.clients["k1"].get(path).text
        assert "Your physiotherapist Dr One set the dose" in seen, path
        assert REASON in seen
    assert REASON not in clinic.clients["k2"].get("/programme").text
    # new answers would rebuild the programme: the intake says so before the client sends them
    assert 'id="rebuilds"' in clinic.clients["k1"].get("/intake").text
    assert 'id="rebuilds"' not in clinic.clients["k2"].get("/intake").text


def test_a_reason_is_required(clinic: Clinic) -> None:
    k1 = profile_of(clinic, "k1@clinic.test")
    answer = clinic.clients["one"].post(f"/clinic/clients/{k1}/approval", data={"required": "yes", "reason": " "})
    assert answer.status_code == 422
    assert "give a reason" in answer.text


def test_the_invitation_link_is_shown_once(clinic: Clinic) -> None:
    page = clinic.clients["one"].post("/clinic/invite", data={"display_name": "Lee New", "email": "lee@clinic.test"})
    assert page.status_code == 200
    link = page.text.split('id="invite-link" type="text" readonly value="')[1].split('"')[0]
    assert "/invite/" in link
    assert "Lee New" in clinic.clients["one"].get("/clinic").text
    assert link not in clinic.clients["one"].get("/clinic").text
    again = clinic.clients["one"].post("/clinic/invite", data={"display_name": "Lee", "email": "lee@clinic.test"})
    assert again.status_code == 422
    assert "already an account" in again.text


def test_the_csv_lists_the_clinicians_clients(clinic: Clinic) -> None:
    response = clinic.clients["one"].get("/clinic/adherence.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    with clinic.app.state.backfit.unit_of_work() as session:  # every client of Dr One, nobody else
        one = session.scalars(select(Account.id).where(Account.email == "one@clinic.test")).one()
        mine = set(session.scalars(select(Account.email).where(Account.clinician_id == one)))
    assert {r["email"] for r in rows} == mine
    assert "k1@clinic.test" in mine


def test_only_the_clinician_clears_a_pause(clinic: Clinic) -> None:
    k1 = profile_of(clinic, "k1@clinic.test")
    state = clinic.app.state.backfit
    with state.unit_of_work() as session:  # as the coach does after radiating symptoms
        coaching.pause_programme(session, k1, None, RADIATING_PAUSE, state.now())
    today = clinic.clients["k1"].get("/today").text
    assert "Your clinician must clear it" in today
    assert 'action="/clinician-advised"' not in today
    assert clinic.clients["k1"].post("/clinician-advised", data={"confirm": "yes"}).status_code == 403
    assert "radiating symptoms" in clinic.clients["one"].get("/clinic").text
    cleared = clinic.clients["one"].post(f"/clinic/clients/{k1}/clear-pause", data={"reason": REASON})
    assert cleared.status_code == 200
    assert "Clearance recorded" in cleared.text
    with state.unit_of_work() as session:
        assert coaching.active_pause(session, k1) is None
    assert "The programme is paused" not in clinic.clients["k1"].get("/today").text


BACK = re.compile(r'<a [^>]*href="([^"]+)"[^>]*id="back"')


@pytest.mark.parametrize(
    ("who", "back"),
    [
        pytest.param("one", "/clinic/clients/{k1}", id="the-clinician-back-to-the-client-page"),
        pytest.param("k1", "/history", id="the-person-back-to-their-history"),
    ],
)
def test_a_replay_leads_back_to_where_its_reader_came_from(clinic: Clinic, who: str, back: str) -> None:
    page = clinic.clients[who].get(f"/recordings/{clinic.recordings['k1']}")
    assert page.status_code == 200
    found = BACK.search(page.text)
    assert found, page.text[:500]
    assert found.group(1) == back.format(k1=profile_of(clinic, "k1@clinic.test"))
    assert clinic.clients[who].get(found.group(1)).status_code == 200


def test_a_session_summary_leads_the_clinician_back_to_the_client_page(clinic: Clinic) -> None:
    k1 = profile_of(clinic, "k1@clinic.test")
    seen = clinic.clients["one"].get(f"/sessions/{clinic.sessions['k1']}/summary")
    assert seen.status_code == 200
    found = BACK.search(seen.text)
    assert found
    assert found.group(1) == f"/clinic/clients/{k1}"
    assert 'href="/history' not in seen.text  # the person's own pages are not the clinician's
    own = clinic.clients["k1"].get(f"/sessions/{clinic.sessions['k1']}/summary").text
    assert 'href="/history#checkin"' in own


def test_the_client_page_links_the_clients_recorded_sets(clinic: Clinic) -> None:
    page = clinic.clients["one"].get(f"/clinic/clients/{profile_of(clinic, 'k1@clinic.test')}")
    assert page.status_code == 200
    listed = page.text.split('id="recordings"')[1].split("</section>")[0]
    assert f'href="/recordings/{clinic.recordings["k1"]}"' in listed
    assert "Replay Hip bridge" in listed
    assert f'href="/recordings/{clinic.recordings["k2"]}"' not in page.text


def button(client: PageClient, path: str) -> Any:
    """What a form of only a button sends (its CSRF token field, as static/csrf.js adds it)."""
    return client.post(path, data={"csrftoken": page_token(client, "/exercises")}, follow_redirects=False)


LINK_FIELD = re.compile(r'id="password-link-url" type="text" readonly value="([^"]+)"')


def test_a_clinician_gives_their_client_a_password_reset_link(clinic: Clinic) -> None:
    k1 = profile_of(clinic, "k1@clinic.test")
    page = clinic.clients["one"].get(f"/clinic/clients/{k1}")
    assert f'action="/clinic/clients/{k1}/password-link"' in page.text
    issued = button(clinic.clients["one"], f"/clinic/clients/{k1}/password-link")
    assert issued.status_code == 200
    found = LINK_FIELD.search(issued.text)
    assert found, issued.text[:500]
    path = "/" + found.group(1).split("/", 3)[3]
    assert path.startswith("/reset/")
    assert not LINK_FIELD.search(clinic.clients["one"].get(f"/clinic/clients/{k1}").text)  # shown once
    with PageClient(clinic.app) as person:
        assert "Choose a new password" in person.get(path).text
        new = "a brand new password 42"
        done = person.post(path, data={"password": new, "again": new}, follow_redirects=False)
        assert done.status_code == 303, done.text
    with PageClient(clinic.app) as person:
        assert sign_in(person, "k1@clinic.test", new).status_code == 303
        assert sign_in(PageClient(clinic.app), "k1@clinic.test").status_code == 401  # the old password is gone


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("two", 404, id="another-clinicians-client-not-found"),
        pytest.param("admin", 403, id="an-admin-uses-the-accounts-page"),
        pytest.param("k1", 403, id="not-the-clients-own"),
    ],
)
def test_only_the_clients_clinician_gives_them_a_link_from_the_client_page(
    clinic: Clinic, who: str, status: int
) -> None:
    k1 = profile_of(clinic, "k1@clinic.test")
    answer = button(clinic.clients[who], f"/clinic/clients/{k1}/password-link")
    assert answer.status_code == status
    assert "/reset/" not in answer.text
    with clinic.app.state.backfit.unit_of_work() as session:
        issued = session.scalars(
            select(OneTimeLink)
            .join(Account, Account.id == OneTimeLink.account_id)
            .where(Account.email == "k1@clinic.test")
        ).all()
    assert issued == []


def test_the_client_list_tells_an_invitation_not_yet_taken_up(clinic: Clinic) -> None:
    rows = clinic.clients["one"].get("/clinic").text.split('id="clients"')[1].split("</table>")[0].split("<tr")
    invited = next(r for r in rows if "invited@clinic.test" in r)
    active = next(r for r in rows if "k1@clinic.test" in r)
    assert "has not set a password yet" in invited
    assert "has not set a password yet" not in active


def test_a_clinic_client_is_told_where_their_data_is_deleted_from(clinic: Clinic) -> None:
    settings = clinic.clients["k1"].get("/settings").text
    assert "from this computer" not in settings
    assert "your clinician no longer sees them either" in settings


def test_the_admin_is_not_offered_to_disable_their_own_account(clinic: Clinic) -> None:
    rows = clinic.clients["admin"].get("/admin").text.split('id="accounts"')[1].split("</table>")[0].split("<tr")
    own = next(r for r in rows if "admin@clinic.test" in r)
    other = next(r for r in rows if "one@clinic.test" in r)
    assert "/disabled" not in own
    assert "/disabled" in other
