"""Sessions through the service layer: sets stored at once, resume, progression with reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backfit.services import checkins, profiles, sessions
from backfit.services.faults import FaultSeen
from backfit.session.engine import FinishedSet, SetKey
from backfit.store.database import Database
from backfit.store.models import CheckIn, PerformedSession, ProgressionDecision, SetRecord
from tests import factories as f


@pytest.fixture
def ready(db: Database, test_data: f.TestData) -> Database:
    with db.unit_of_work() as session:
        profiles.save_intake(session, f.intake(), catalog=test_data.catalog, rules=test_data.rules, now=f.START)
    return db


def decisions(db: Database) -> list[ProgressionDecision]:
    with db.unit_of_work() as session:
        return list(session.scalars(select(ProgressionDecision).order_by(ProgressionDecision.id)))


def test_a_session_stores_sets_answers_and_pain(ready: Database, test_data: f.TestData) -> None:
    with ready.unit_of_work() as session:
        performed_id = f.run_session(session, test_data, f.START + timedelta(hours=2), pain_start=3, pain_end=2)
    with ready.unit_of_work() as session:
        performed = session.get(PerformedSession, performed_id)
        assert performed is not None
        assert performed.status == "completed"
        assert [i["key"] for i in performed.plan] == [
            "activation/abdominal-drawing-in",
            "bridge/hip-bridge-low",
            "kneeling/half-kneeling-quad-stretch",
        ]
        sets = session.scalars(select(SetRecord).order_by(SetRecord.id)).all()
        assert [(s.item_index, s.set_index, s.side) for s in sets] == [
            (0, 0, "both"),
            (1, 0, "both"),
            (1, 1, "both"),
            (2, 0, "left"),
            (2, 0, "right"),
        ]
        assert all(s.completed and s.rpe == 5 and s.pain_during == 1 for s in sets)
        pain = {c.moment: c.pain for c in session.scalars(select(CheckIn))}
        assert pain == {"session_start": 3, "session_end": 2}
    assert [d.action for d in decisions(ready)] == ["keep", "keep", "keep"]
    assert "1 of 2 sessions in a row" in decisions(ready)[1].reasons[0]


def test_two_green_sessions_progress_one_thing(ready: Database, test_data: f.TestData) -> None:
    with ready.unit_of_work() as session:
        f.run_session(session, test_data, f.START + timedelta(hours=2))
        f.run_session(session, test_data, f.START + timedelta(days=2, hours=2))
    bridge = [d for d in decisions(ready) if d.key == "bridge/hip-bridge-low"]
    assert [d.action for d in bridge] == ["keep", "progress"]
    assert bridge[-1].change == "reps 3 -> 5"
    assert bridge[-1].after["reps"] == 5
    with ready.unit_of_work() as session:
        assert profiles.current_programme(session).prescriptions["bridge/hip-bridge-low"].reps == 5


def test_red_pain_steps_down_or_cuts_volume(ready: Database, test_data: f.TestData) -> None:
    with ready.unit_of_work() as session:
        f.run_session(session, test_data, f.START + timedelta(hours=2), pain=7)
    bridge = next(d for d in decisions(ready) if d.key == "bridge/hip-bridge-low")
    assert bridge.action == "regress"
    assert "Red pain response" in bridge.reasons[0]
    assert bridge.change == "sets 2 -> 1"


def test_worse_next_morning_revises_the_decision(ready: Database, test_data: f.TestData) -> None:
    with ready.unit_of_work() as session:
        f.run_session(session, test_data, f.START + timedelta(hours=2), pain_start=1)
        f.run_session(session, test_data, f.START + timedelta(days=2, hours=2), pain_start=1)
    assert [d.action for d in decisions(ready) if d.key == "bridge/hip-bridge-low"] == ["keep", "progress"]
    with ready.unit_of_work() as session:
        revised = checkins.record_next_morning(
            session, pain=4, catalog=test_data.catalog, now=f.START + timedelta(days=3, hours=1)
        )
    actions = {d.key: d.action for d in revised}
    assert actions["bridge/hip-bridge-low"] == "regress"
    assert actions["kneeling/half-kneeling-quad-stretch"] == "stop"  # foot of its ladder at the smallest dose
    with ready.unit_of_work() as session:
        current = profiles.current_programme(session).prescriptions["bridge/hip-bridge-low"]
        assert (current.sets, current.reps) == (1, 3)


def test_ending_early_marks_the_session_and_cuts_volume(ready: Database, test_data: f.TestData) -> None:
    with ready.unit_of_work() as session:
        performed_id = f.run_session(session, test_data, f.START + timedelta(hours=2), stop_after_sets=2)
        performed = session.get(PerformedSession, performed_id)
        assert performed is not None
        assert performed.status == "ended_early"
    bridge = next(d for d in decisions(ready) if d.key == "bridge/hip-bridge-low")
    assert bridge.action == "regress"
    assert "not finished" in bridge.reasons[0]


def test_resume_point_comes_from_the_stored_sets(ready: Database, test_data: f.TestData) -> None:
    with ready.unit_of_work() as session:
        performed = sessions.start_session(session, catalog=test_data.catalog, pain_start=2, now=f.START)
        event = FinishedSet(SetKey(0, 0), "abdominal-drawing-in", 2, 2.0, True)
        sessions.record_event(session, performed.id, event, f.START)
    with ready.unit_of_work() as session:
        found = sessions.open_session(session)
        assert found is not None
        assert found.id == performed.id
        assert sessions.progress_so_far(session, found.id) == ({SetKey(0, 0)}, set())


def test_psfs_is_due_every_two_weeks(ready: Database) -> None:
    with ready.unit_of_work() as session:
        assert checkins.psfs_activities(session) == ["bending to tie shoes", "sitting for an hour"]
        assert not checkins.psfs_due(session, now=f.START + timedelta(days=13))
        assert checkins.psfs_due(session, now=f.START + timedelta(days=14))
        checkins.record_psfs(session, {"bending to tie shoes": 6}, now=f.START + timedelta(days=14))
        assert not checkins.psfs_due(session, now=f.START + timedelta(days=15))
        with pytest.raises(ValueError, match="0-10"):
            checkins.record_psfs(session, {"sitting for an hour": 11}, now=f.START)


def test_only_camera_sets_have_faults(ready: Database, test_data: f.TestData) -> None:
    fault = FaultSeen(**f.fault())
    with ready.unit_of_work() as session:
        performed = sessions.start_session(session, catalog=test_data.catalog, pain_start=2, now=f.START)
        event = FinishedSet(SetKey(0, 0), "abdominal-drawing-in", 2, 2.0, True)
        with pytest.raises(ValueError, match="camera"):
            sessions.record_event(session, performed.id, event, f.START, source="manual", faults=[fault])
        sessions.record_event(session, performed.id, event, f.START, source="camera", faults=[fault])
        stored = session.scalars(select(SetRecord)).one()
        assert (stored.source, stored.faults) == ("camera", [f.fault()])
