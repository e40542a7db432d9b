"""Saving an intake builds and stores the programme (or records why it cannot)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from backfit.plan import Prescription
from backfit.services import profiles, schedule
from backfit.services.profiles import NoProgramme
from backfit.store import NotFound, repositories
from backfit.store.database import Database
from backfit.store.models import IntakeRecord, PsfsRating
from tests import factories as f


def test_intake_builds_programme_with_prescriptions_and_schedule(db: Database, test_data: f.TestData) -> None:
    with db.unit_of_work() as session:
        profiles.save_intake(session, f.intake(), catalog=test_data.catalog, rules=test_data.rules, now=f.START)
    with db.unit_of_work() as session:
        view = profiles.current_programme(session)
        assert [d["weekday"] for d in view.programme.days] == ["mon", "wed", "fri"]
        assert set(view.prescriptions) == {
            "activation/abdominal-drawing-in",
            "bridge/hip-bridge-low",
            "kneeling/half-kneeling-quad-stretch",
        }
        dates = [s.scheduled_on for s in repositories.schedule(session, view.programme.id)]
        assert len(dates) == 3 * schedule.SCHEDULE_WEEKS
        assert dates[0] == f.START.date()
        assert dates[-1] < (f.START + timedelta(weeks=8)).date()
        assert len(session.query(PsfsRating).all()) == 2


def test_red_flag_stores_answers_but_no_programme(db: Database, test_data: f.TestData) -> None:
    flags = {flag: flag == "fever_unwell" for flag in f.intake().model_dump(mode="json")["red_flags"]}
    with db.unit_of_work() as session:
        profiles.save_intake(
            session, f.intake(red_flags=flags), catalog=test_data.catalog, rules=test_data.rules, now=f.START
        )
    with db.unit_of_work() as session:
        record = session.query(IntakeRecord).one()
        assert record.red_flags == ["fever_unwell"]
        assert record.cleared_at is None
        assert record.answers["red_flags"]["fever_unwell"] is True
        with pytest.raises(NoProgramme, match="see a doctor or physiotherapist"):
            profiles.current_programme(session)


def test_clearance_is_stored_with_its_time(db: Database, test_data: f.TestData) -> None:
    flags = {flag: flag == "cancer_history" for flag in f.intake().model_dump(mode="json")["red_flags"]}
    cleared = f.intake(red_flags=flags, clearance_confirmed=True)
    with db.unit_of_work() as session:
        profiles.save_intake(session, cleared, catalog=test_data.catalog, rules=test_data.rules, now=f.START)
    with db.unit_of_work() as session:
        record = session.query(IntakeRecord).one()
        assert record.clearance_confirmed
        assert record.cleared_at == f.START
        assert profiles.current_programme(session).programme.active


def test_new_intake_replaces_the_programme(db: Database, test_data: f.TestData) -> None:
    with db.unit_of_work() as session:
        profiles.save_intake(session, f.intake(), catalog=test_data.catalog, rules=test_data.rules, now=f.START)
        later = f.START + timedelta(days=30)
        regular = f.intake(experience="regular")
        profiles.save_intake(session, regular, catalog=test_data.catalog, rules=test_data.rules, now=later)
    with db.unit_of_work() as session:
        view = profiles.current_programme(session)
        assert "bridge/hip-bridge" in view.prescriptions
        assert view.programme.created_at == f.START + timedelta(days=30)


def test_unknown_profile(db: Database) -> None:
    with db.unit_of_work() as session, pytest.raises(NotFound, match="no profile named 'bob'"):
        profiles.current_programme(session, "bob")


def _packaged_history(session: Session, days: int) -> None:
    """Sessions on different days with the packaged catalog; the third with red pain (6/10)."""
    data = f.packaged_data()
    profiles.save_intake(session, f.intake(), catalog=data.catalog, rules=data.rules, now=f.START)
    for day in range(days):
        f.run_session(session, data, f.START + timedelta(days=2 * day, hours=10), pain=6 if day == 2 else 1)


@pytest.mark.parametrize(
    ("fresh_start", "kept"),
    [pytest.param(False, True, id="changed-answers-keep-progress"), pytest.param(True, False, id="fresh-start")],
)
def test_changed_answers_keep_progress_unless_a_fresh_start(db: Database, fresh_start: bool, kept: bool) -> None:
    data = f.packaged_data()
    with db.unit_of_work() as session:
        _packaged_history(session, 3)
        before = profiles.current_programme(session).prescriptions
        profiles.save_intake(
            session,
            f.intake(minutes_per_session=45),
            catalog=data.catalog,
            rules=data.rules,
            now=f.START + timedelta(days=7),
            fresh_start=fresh_start,
        )
        after = profiles.current_programme(session).prescriptions
        history = repositories.performed_sessions(session, repositories.require_profile(session, "default").id)
    assert len(history) == 3  # history is kept either way
    default = {k: p for k, p in after.items() if p == Prescription.default_for(data.catalog[p.exercise_id])}
    changed = [k for k in before if before[k] != Prescription.default_for(data.catalog[before[k].exercise_id])]
    assert changed, "the history should have changed some dose"
    for key in changed:
        assert (key in after and after[key] == before[key]) is kept
    if not kept:
        assert set(default) >= {k for k in after if k.startswith(("bridge", "activation"))}
