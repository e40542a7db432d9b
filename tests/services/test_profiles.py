"""Saving an intake builds and stores the programme (or records why it cannot)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backfit.services import profiles
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
        assert len(dates) == 3 * profiles.SCHEDULE_WEEKS
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
