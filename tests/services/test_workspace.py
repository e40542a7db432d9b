"""The clinician's client page with real actors: who reaches whom, the prescribing controls
(each with a reason the client is shown), held steps, approval of steps up (safety never
waits), clinical notes and clearance by the clinician."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backfit.plan.intake import RedFlag
from backfit.services import clinical, coaching, policy, prescribing, profiles
from backfit.services.policy import Actor
from backfit.services.prescribing import PrescribingError
from backfit.store import repositories as repo
from backfit.store.database import Database
from backfit.store.errors import NotFound
from backfit.store.models import ClinicianChange, CurrentPrescription, IntakeRecord, ProgrammePause
from tests import factories as f

REASON = "Knee sore on the stairs last week: an easier start."


@pytest.fixture(scope="module")
def data() -> f.TestData:
    """The packaged catalog and rules (the clinic prescribes from the real catalog)."""
    return f.packaged_data()


@pytest.fixture
def people(db: Database, data: f.TestData) -> f.Clinic:
    with db.unit_of_work() as session:
        made = f.clinic(session)
        for client in ("ana", "ben", "cleo"):
            profiles.save_intake(
                session,
                f.intake(),
                catalog=data.catalog,
                rules=data.rules,
                now=f.START,
                name=made.profile_name(session, client),
            )
    return made


def item(session: Session, people: f.Clinic, client: str, slot: str) -> CurrentPrescription:
    programme = repo.active_programme(session, people.clients[client].profile_id or 0)
    assert programme is not None
    return next(r for k, r in repo.prescriptions(session, programme.id).items() if k.startswith(slot + "/"))


def _note(session: Session, actor: Actor, profile_id: int, data: f.TestData) -> Any:
    return clinical.add_note(session, actor, profile_id, text="Seen in clinic.", now=f.START)


def _dose(session: Session, actor: Actor, profile_id: int, data: f.TestData) -> Any:
    key = next(iter(repo.prescriptions(session, repo.active_programme(session, profile_id).id)))  # type: ignore[union-attr]
    return prescribing.set_dose(
        session,
        actor,
        profile_id,
        key=key,
        sets=1,
        reps=8,
        hold_s=None,
        reason=REASON,
        catalog=data.catalog,
        now=f.START,
    )


def _page(session: Session, actor: Actor, profile_id: int, data: f.TestData) -> Any:
    return clinical.client_page(session, actor, profile_id, catalog=data.catalog)


def _approval(session: Session, actor: Actor, profile_id: int, data: f.TestData) -> Any:
    return prescribing.require_approval(session, actor, profile_id, required=True, reason=REASON, now=f.START)


def _clear(session: Session, actor: Actor, profile_id: int, data: f.TestData) -> Any:
    return clinical.clear_pause(session, actor, profile_id, reason=REASON, now=f.START)


USES: dict[str, Callable[[Session, Actor, int, f.TestData], Any]] = {
    "note": _note,
    "dose": _dose,
    "page": _page,
    "approval": _approval,
    "clear": _clear,
}


@pytest.mark.parametrize("use", list(USES))
@pytest.mark.parametrize(
    ("who", "whose", "refusal"),
    [
        pytest.param("second", "ana", NotFound, id="another-clinicians-client-is-not-found"),
        pytest.param("admin", "ana", policy.Forbidden, id="an-admin-is-forbidden"),
        pytest.param("ana", "ana", policy.Forbidden, id="a-client-may-not-do-it-to-themselves"),
        pytest.param("ben", "ana", policy.Forbidden, id="a-client-may-not-do-it-to-another"),
    ],
)
def test_who_is_refused(
    db: Database, data: f.TestData, people: f.Clinic, use: str, who: str, whose: str, refusal: type[Exception]
) -> None:
    actor = {"second": people.second, "admin": people.admin}.get(who) or people.clients[who]
    profile_id = people.clients[whose].profile_id or 0
    with db.unit_of_work() as session, pytest.raises(refusal):
        USES[use](session, actor, profile_id, data)


def test_the_clinician_reaches_their_own_client(db: Database, data: f.TestData, people: f.Clinic) -> None:
    ana = people.clients["ana"].profile_id or 0
    with db.unit_of_work() as session:
        _note(session, people.first, ana, data)
        page = _page(session, people.first, ana, data)
    assert [n.text for n in page.notes] == ["Seen in clinic."]
    assert page.items
    assert all(i.dose_words.endswith(".") for i in page.items)


def test_a_dose_out_of_the_caps_is_refused_in_words(db: Database, data: f.TestData, people: f.Clinic) -> None:
    ana = people.clients["ana"].profile_id or 0
    with db.unit_of_work() as session:
        row = item(session, people, "ana", "bridge")
        with pytest.raises(PrescribingError, match=r"sets from 1 to 3; repetitions from \d+ to 15"):
            prescribing.set_dose(
                session, people.first, ana, key=row.key, sets=9, reps=40, hold_s=None, reason=REASON,
                catalog=data.catalog, now=f.START,
            )  # fmt: skip
        with pytest.raises(PrescribingError, match="give a reason"):
            prescribing.set_dose(
                session, people.first, ana, key=row.key, sets=1, reps=8, hold_s=None, reason="  ",
                catalog=data.catalog, now=f.START,
            )  # fmt: skip


def test_a_change_is_shown_to_the_client_with_the_reason(db: Database, data: f.TestData, people: f.Clinic) -> None:
    ana = people.clients["ana"].profile_id or 0
    with db.unit_of_work() as session:
        row = item(session, people, "ana", "bridge")
        prescribing.set_dose(
            session, people.first, ana, key=row.key, sets=1, reps=8, hold_s=None, reason=REASON,
            catalog=data.catalog, now=f.START,
        )  # fmt: skip
        assert (row.sets, row.reps) == (1, 8)
        name = people.profile_name(session, "ana")
        seen = clinical.own_changes(session, people.clients["ana"], name)
        unseen = clinical.own_changes(session, people.clients["ben"], name)
    assert [(c.clinician_name, c.reason) for c in seen] == [("Dr First", REASON)]
    assert "8 repetitions" in seen[0].change
    assert unseen == []


def test_a_swap_stays_on_the_ladder_and_assignment_adds_a_new_family(
    db: Database, data: f.TestData, people: f.Clinic
) -> None:
    catalog = data.catalog
    ana = people.clients["ana"].profile_id or 0
    with db.unit_of_work() as session:
        row = item(session, people, "ana", "bridge")
        family = catalog[row.exercise_id].ladder.family
        other = next(e for e in catalog.values() if e.ladder.family is not family and not e.needs)
        with pytest.raises(PrescribingError, match="swap within a ladder"):
            prescribing.swap_exercise(
                session,
                people.first,
                ana,
                key=row.key,
                exercise_id=other.id,
                reason=REASON,
                catalog=catalog,
                now=f.START,
            )
        step = next(e for e in catalog.ladder(family) if e.id != row.exercise_id and not e.needs)
        prescribing.swap_exercise(
            session, people.first, ana, key=row.key, exercise_id=step.id, reason=REASON, catalog=catalog, now=f.START
        )
        assert row.exercise_id == step.id
        page = clinical.client_page(session, people.first, ana, catalog=catalog)
        present = {catalog[i.exercise_id].ladder.family for i in page.items}
        assert all(e.ladder.family not in present for e in page.assignable)
        with pytest.raises(PrescribingError, match="already has an exercise of the"):
            prescribing.assign_exercise(
                session, people.first, ana, exercise_id=other.id if other.ladder.family in present else step.id,
                reason=REASON, catalog=catalog, now=f.START,
            )  # fmt: skip


def good_weeks(session: Session, data: f.TestData, name: str, weeks: int = 5) -> None:
    for week in range(weeks):
        for day in (0, 2, 4):
            f.run_session(session, data, f.START + timedelta(weeks=week, days=day, hours=10), name=name)


def steps(session: Session, people: f.Clinic, client: str, data: f.TestData) -> dict[str, int]:
    programme = repo.active_programme(session, people.clients[client].profile_id or 0)
    assert programme is not None
    return {k: data.catalog[r.exercise_id].ladder.step for k, r in repo.prescriptions(session, programme.id).items()}


def test_a_held_step_is_never_passed_while_the_dose_grows(db: Database, data: f.TestData, people: f.Clinic) -> None:
    ana = people.clients["ana"].profile_id or 0
    with db.unit_of_work() as session:
        held = steps(session, people, "ana", data)
        for key in held:
            prescribing.hold_step(
                session, people.first, ana, key=key, hold=True, reason=REASON, catalog=data.catalog, now=f.START
            )
        before = {
            k: r.summary()
            for k, r in profiles.current_programme(session, people.profile_name(session, "ana")).prescriptions.items()
        }
        good_weeks(session, data, people.profile_name(session, "ana"))
        good_weeks(session, data, people.profile_name(session, "ben"))
        after = profiles.current_programme(session, people.profile_name(session, "ana")).prescriptions
        assert steps(session, people, "ana", data) == held
        assert any(after[k].summary() != before[k] for k in before)  # the dose grew within the steps
        assert any(s > held[k] for k, s in steps(session, people, "ben", data).items() if k in held)  # ben climbed


def test_a_held_step_outlives_the_clients_new_intake(db: Database, data: f.TestData, people: f.Clinic) -> None:
    """The client answers the intake again (fewer minutes a session): the programme is rebuilt,
    its doses carried over, and the clinician's holds with them; the coach still never climbs past."""
    ana = people.clients["ana"].profile_id or 0
    with db.unit_of_work() as session:
        name = people.profile_name(session, "ana")
        held = steps(session, people, "ana", data)
        for key in held:
            prescribing.hold_step(
                session, people.first, ana, key=key, hold=True, reason=REASON, catalog=data.catalog, now=f.START
            )
        profiles.save_intake(
            session, f.intake(minutes_per_session=25), catalog=data.catalog, rules=data.rules, now=f.START, name=name
        )
        kept = {k: r.max_step for k, r in repo.prescriptions(session, repo.active_programme(session, ana).id).items()}
        assert {k: kept[k] for k in held if k in kept} == {k: held[k] for k in held if k in kept}
        assert any(k in kept for k in held)
        good_weeks(session, data, name)
        after = steps(session, people, "ana", data)
        assert all(after[k] <= held[k] for k in held if k in after)


def test_steps_up_wait_for_approval_and_red_pain_does_not(db: Database, data: f.TestData, people: f.Clinic) -> None:
    ana = people.clients["ana"].profile_id or 0
    with db.unit_of_work() as session:
        name = people.profile_name(session, "ana")
        prescribing.require_approval(session, people.first, ana, required=True, reason=REASON, now=f.START)
        start = dict(profiles.current_programme(session, name).prescriptions)
        good_weeks(session, data, name, weeks=2)
        assert profiles.current_programme(session, name).prescriptions == start
        pending = prescribing.pending_of(session, people.first, ana)
        assert pending, "two weeks of green sessions propose steps up"
        first = pending[0]
        prescribing.decide_pending(
            session, people.first, ana, pending_id=first.id, approve=True, reason=REASON,
            catalog=data.catalog, now=f.START + timedelta(weeks=2),
        )  # fmt: skip
        assert profiles.current_programme(session, name).prescriptions[first.key] != start[first.key]
        f.run_session(session, data, f.START + timedelta(weeks=2, days=1, hours=10), name=name, pain=7)
        after = profiles.current_programme(session, name)
        moved = [k for k, p in after.prescriptions.items() if p != start[k] and k != first.key]
        assert moved or after.stopped, "red pain regresses or stops at once, without approval"


def test_a_clinic_client_cannot_clear_their_own_pause(db: Database, data: f.TestData, people: f.Clinic) -> None:
    with db.unit_of_work() as session:
        name = people.profile_name(session, "ana")
        f.run_session(session, data, f.START + timedelta(hours=2), name=name, radiating=True)
        with pytest.raises(policy.Forbidden, match="your clinician"):
            coaching.confirm_clinician_advice(session, now=f.START, name=name, actor=people.clients["ana"])
        said = clinical.clear_pause(
            session, people.first, people.clients["ana"].profile_id or 0, reason=REASON, now=f.START
        )
        pause = session.scalars(select(ProgrammePause)).one()
    assert "Dr First has cleared it" in said
    assert (pause.cleared_by, pause.clearance_reason, pause.cleared_at) == ("Dr First", REASON, f.START)


def test_the_owner_still_confirms_for_themselves(db: Database, data: f.TestData) -> None:
    with db.unit_of_work() as session:
        profiles.save_intake(session, f.intake(), catalog=data.catalog, rules=data.rules, now=f.START)
        f.run_session(session, data, f.START + timedelta(hours=2), radiating=True)
        said = coaching.confirm_clinician_advice(session, Actor.owner(), now=f.START)
        pause = session.scalars(select(ProgrammePause)).one()
    assert said.startswith("Recorded: a clinician has advised you")
    assert (pause.cleared_by, pause.cleared_at) == (None, f.START)


def test_the_clinician_clears_red_flags(db: Database, data: f.TestData, people: f.Clinic) -> None:
    red = {flag.value: flag is RedFlag.fever_unwell for flag in RedFlag}
    ana = people.clients["ana"].profile_id or 0
    with db.unit_of_work() as session:
        name = people.profile_name(session, "ana")
        profiles.save_intake(
            session, f.intake(red_flags=red), catalog=data.catalog, rules=data.rules, now=f.START, name=name
        )
        with pytest.raises(profiles.NoProgramme):
            profiles.current_programme(session, name)
        assert clinical.client_page(session, people.first, ana, catalog=data.catalog).red_flags == ["fever unwell"]
        clinical.clear_red_flags(
            session, people.first, ana, reason=REASON, catalog=data.catalog, rules=data.rules, now=f.START
        )
        assert profiles.current_programme(session, name).prescriptions
        record = repo.latest_intake(session, ana)
        kinds = session.scalars(select(ClinicianChange.kind).where(ClinicianChange.profile_id == ana)).all()
    assert isinstance(record, IntakeRecord)
    assert (record.clearance_confirmed, record.cleared_by, record.clearance_reason) == (True, "Dr First", REASON)
    assert list(kinds) == ["clear"]


def test_an_assigned_exercise_joins_every_session(db: Database, data: f.TestData, people: f.Clinic) -> None:
    catalog = data.catalog
    ben = people.clients["ben"].profile_id or 0
    with db.unit_of_work() as session:
        name = people.profile_name(session, "ben")
        answers = f.intake(equipment=["ball", "band"], minutes_per_session=15)
        profiles.save_intake(session, answers, catalog=catalog, rules=data.rules, now=f.START, name=name)
        page = clinical.client_page(session, people.first, ben, catalog=catalog)
        assert {e.ladder.family.value for e in page.assignable} == {"band"}
        band = catalog["band-supine-knee-extension"]
        with pytest.raises(PrescribingError, match="longer than the client's 15 minutes"):
            prescribing.assign_exercise(
                session, people.first, ben, exercise_id=band.id, reason=REASON, catalog=catalog, now=f.START
            )
        for row in repo.prescriptions(session, profiles.current_programme(session, name).programme.id).values():
            if row.sets > 1:
                prescribing.set_dose(
                    session, people.first, ben, key=row.key, sets=1, reps=row.reps, hold_s=row.hold_s,
                    reason=REASON, catalog=catalog, now=f.START,
                )  # fmt: skip
        prescribing.assign_exercise(
            session, people.first, ben, exercise_id=band.id, reason=REASON, catalog=catalog, now=f.START
        )
        programme = profiles.current_programme(session, name)
        key = f"clinician/{band.id}"
    assert key in programme.prescriptions
    assert all(key in [i["key"] for i in day["items"]] for day in programme.programme.days)
