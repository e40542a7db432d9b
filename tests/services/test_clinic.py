"""The clinician's client list: who it shows (a clinician's own clients only), its figures
(adherence, pain trend, PSFS change) and its flags, over weeks of simulated sessions shaped
like real clients', on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backfit.plan.intake import RedFlag
from backfit.services import checkins, clinic, policy, profiles
from backfit.services.clinic import Adherence
from backfit.store.database import Database
from backfit.store.models import ScheduledSession
from tests import factories as f


@pytest.fixture(scope="module")
def data() -> f.TestData:
    """The packaged catalog and rules (the clinic prescribes from the real catalog)."""
    return f.packaged_data()


@dataclass(frozen=True)
class Weeks:
    """A client's simulated weeks: a session on every scheduled day before ``today`` except the
    last ``skip_last``; pain during each exercise ``pain``; the session ``red_back`` sessions
    before the end with pain 7; the last session with radiating symptoms or the next morning 3
    points worse; the camera seeing one fault in the last ``fault_sets`` sessions."""

    weeks: int = 4
    pain: int = 1
    skip_last: int = 0
    red_back: int | None = None
    radiating_last: bool = False
    worse_next_morning: bool = False
    fault_sets: int = 0
    red_flag: bool = False


TODAY = (f.START + timedelta(weeks=4)).date()


def scheduled_days(session: Session, name: str, before: date) -> list[date]:
    profile_id = profiles.repo.require_profile(session, name).id
    query = select(ScheduledSession.scheduled_on).where(
        ScheduledSession.profile_id == profile_id, ScheduledSession.scheduled_on < before
    )
    return sorted(session.scalars(query))


def simulate(session: Session, data: f.TestData, name: str, weeks: Weeks) -> list[date]:
    """Build ``name``'s weeks; returns the days a session was done."""
    red = {flag.value: flag is RedFlag.night_or_rest_pain and weeks.red_flag for flag in RedFlag}
    profiles.save_intake(
        session, f.intake(red_flags=red), catalog=data.catalog, rules=data.rules, now=f.START, name=name
    )
    if weeks.red_flag:
        return []
    days = scheduled_days(session, name, TODAY)
    done_days = days[: len(days) - weeks.skip_last]
    for n, day in enumerate(done_days):
        last = n == len(done_days) - 1
        when = datetime.combine(day, f.START.timetz()) + timedelta(hours=2)
        red = weeks.red_back is not None and n == len(done_days) - 1 - weeks.red_back
        f.run_session(
            session,
            data,
            when,
            name=name,
            pain=7 if red else weeks.pain,
            pain_start=2,
            radiating=last and weeks.radiating_last,
        )
        if len(done_days) - n <= weeks.fault_sets:
            f.watched_by_camera(session, [f.fault(), f.fault(8.0, t=9.0)], name=name)
        if last and weeks.worse_next_morning:
            morning = when + timedelta(hours=20)
            checkins.record_next_morning(session, pain=5, catalog=data.catalog, now=morning, name=name)
    return done_days


FLAG_CASES = [
    pytest.param(Weeks(), set(), id="steady-client-no-flags"),
    pytest.param(Weeks(pain=4), set(), id="amber-pain-is-not-red"),
    pytest.param(Weeks(red_back=0), {"red_pain"}, id="red-pain-in-the-last-session"),
    pytest.param(Weeks(red_back=8), set(), id="red-pain-three-weeks-ago-is-past"),
    pytest.param(Weeks(worse_next_morning=True), {"red_pain"}, id="three-points-worse-next-morning"),
    pytest.param(Weeks(radiating_last=True), {"radiating"}, id="radiating-symptoms-pause"),
    pytest.param(Weeks(skip_last=2), {"missed"}, id="two-missed-in-a-row"),
    pytest.param(Weeks(skip_last=1), set(), id="one-missed-is-not-a-flag"),
    pytest.param(Weeks(fault_sets=3), {"camera_fault"}, id="same-fault-in-three-camera-sets"),
    pytest.param(Weeks(fault_sets=2), set(), id="same-fault-in-two-sets-only"),
    pytest.param(Weeks(red_flag=True), {"red_flags"}, id="red-flag-awaiting-clearance"),
    pytest.param(Weeks(red_back=0, skip_last=2), {"red_pain", "missed"}, id="red-pain-then-two-missed"),
]


@pytest.mark.parametrize(("weeks", "expected"), FLAG_CASES)
def test_flags_of_simulated_weeks(db: Database, data: f.TestData, weeks: Weeks, expected: set[str]) -> None:
    with db.unit_of_work() as session:
        people = f.clinic(session)
        simulate(session, data, people.profile_name(session, "ana"), weeks)
        simulate(session, data, people.profile_name(session, "ben"), Weeks())
    with db.unit_of_work() as session:
        rows = {r.name: r for r in clinic.client_rows(session, people.first, today=TODAY)}
    assert set(clinic.flag_kinds(rows["ana"])) == expected
    assert clinic.flag_kinds(rows["ben"]) == []


def test_adherence_counts_the_days_before_today(db: Database, data: f.TestData) -> None:
    with db.unit_of_work() as session:
        people = f.clinic(session)
        name = people.profile_name(session, "ana")
        done = simulate(session, data, name, Weeks(skip_last=2))
        planned = scheduled_days(session, name, TODAY)
    with db.unit_of_work() as session:
        (ana,) = [r for r in clinic.client_rows(session, people.first, today=TODAY) if r.name == "ana"]
    since14, since28 = TODAY - timedelta(days=14), TODAY - timedelta(days=28)
    assert ana.recent == Adherence(sum(d >= since14 for d in done), sum(d >= since14 for d in planned))
    assert ana.long == Adherence(sum(d >= since28 for d in done), sum(d >= since28 for d in planned))
    assert ana.recent.done == ana.recent.scheduled - 2  # the two missed are in the last 14 days
    assert ana.last_session == done[-1]


def test_pain_trend_and_psfs_change(db: Database, data: f.TestData) -> None:
    with db.unit_of_work() as session:
        people = f.clinic(session)
        name = people.profile_name(session, "ana")
        profiles.save_intake(session, f.intake(), catalog=data.catalog, rules=data.rules, now=f.START, name=name)
        start = datetime.combine(TODAY, f.START.timetz()) - timedelta(days=27)
        for day in range(0, 28, 2):
            pain = 5 if day < 14 else 2  # the 14 days before, then the last 14
            checkins.record_pain_now(session, pain=pain, now=start + timedelta(days=day), name=name)
        checkins.record_psfs(
            session, {"bending to tie shoes": 7, "sitting for an hour": 6}, now=start + timedelta(days=20), name=name
        )
    with db.unit_of_work() as session:
        (ana,) = [r for r in clinic.client_rows(session, people.first, today=TODAY) if r.name == "ana"]
    assert (ana.pain.before, ana.pain.recent, ana.pain.direction) == (5.0, 2.0, "better")
    assert ana.psfs_change == pytest.approx(((7 + 6) - (4 + 6)) / 2)  # the intake rated them 4 and 6


def test_a_clinician_lists_only_their_own_clients(db: Database) -> None:
    with db.unit_of_work() as session:
        people = f.clinic(session)
    with db.unit_of_work() as session:
        first = [r.name for r in clinic.client_rows(session, people.first, today=TODAY)]
        second = [r.name for r in clinic.client_rows(session, people.second, today=TODAY)]
    assert (sorted(first), second) == (["ana", "ben"], ["cleo"])


@pytest.mark.parametrize("who", ["admin", "client", "owner"])
def test_only_a_clinician_has_a_client_list(db: Database, who: str) -> None:
    with db.unit_of_work() as session:
        people = f.clinic(session)
    actor = {"admin": people.admin, "client": people.clients["ana"], "owner": policy.Actor.owner()}[who]
    with db.unit_of_work() as session, pytest.raises(policy.Forbidden):
        clinic.client_rows(session, actor, today=TODAY)


def test_the_csv_has_the_pages_numbers(db: Database, data: f.TestData) -> None:
    with db.unit_of_work() as session:
        people = f.clinic(session)
        simulate(session, data, people.profile_name(session, "ana"), Weeks(skip_last=2))
    with db.unit_of_work() as session:
        rows = clinic.client_rows(session, people.first, today=TODAY)
    table = list(csv.DictReader(io.StringIO(clinic.adherence_csv(rows))))
    assert [r["name"] for r in table] == [r.name for r in rows]
    ana = next(r for r in rows if r.name == "ana")
    line = next(r for r in table if r["name"] == "ana")
    assert (int(line["scheduled_14d"]), int(line["done_14d"])) == (ana.recent.scheduled, ana.recent.done)
    assert (int(line["scheduled_28d"]), int(line["done_28d"])) == (ana.long.scheduled, ana.long.done)
    assert line["email"] == "ana@clinic.test"
    assert "missed the last 2 scheduled sessions" in line["flags"]
    assert rows[0].name == "ana"  # flagged first


def test_a_csv_cell_never_runs_as_a_formula() -> None:
    row = clinic.ClientRow(1, "=HYPERLINK(1)", "x@y.z", None)
    assert "'=HYPERLINK(1)" in clinic.adherence_csv([row])


def test_new_answers_after_the_clinicians_changes_are_flagged(db: Database, data: f.TestData) -> None:
    """Ana answers the intake again after her clinician changed a dose: the list says her
    programme was rebuilt, for the 14 days of the flags; Ben, changed but not re-answered, is not flagged."""
    from backfit.services import prescribing
    from backfit.store import repositories as repo

    with db.unit_of_work() as session:
        people = f.clinic(session)
        for client in ("ana", "ben"):
            name = people.profile_name(session, client)
            profiles.save_intake(session, f.intake(), catalog=data.catalog, rules=data.rules, now=f.START, name=name)
            profile_id = people.clients[client].profile_id or 0
            programme = repo.active_programme(session, profile_id)
            assert programme is not None
            rows = repo.prescriptions(session, programme.id).items()
            key = next(k for k, r in rows if r.reps is not None and r.hold_s is None)
            prescribing.set_dose(
                session, people.first, profile_id, key=key, sets=1, reps=8, hold_s=None,
                reason="Sore knee: fewer for now.", catalog=data.catalog, now=f.START + timedelta(days=1),
            )  # fmt: skip
        answered = f.START + timedelta(days=2)
        profiles.save_intake(
            session, f.intake(minutes_per_session=25), catalog=data.catalog, rules=data.rules, now=answered,
            name=people.profile_name(session, "ana"),
        )  # fmt: skip
    with db.unit_of_work() as session:
        soon = {
            r.name: r for r in clinic.client_rows(session, people.first, today=(answered + timedelta(days=1)).date())
        }
        later = {
            r.name: r for r in clinic.client_rows(session, people.first, today=(answered + timedelta(days=14)).date())
        }
    assert "rebuilt" in clinic.flag_kinds(soon["ana"])
    assert "rebuilt" not in clinic.flag_kinds(soon["ben"])
    assert "rebuilt" not in clinic.flag_kinds(later["ana"])
