"""Schedule preferences: what a person may type, and how the programme's sessions follow the chosen days."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from backfit.services import profiles, schedule
from backfit.store import repositories as repo
from backfit.store.database import Database
from tests import factories as f


@pytest.mark.parametrize(
    ("raw", "days", "at", "reminder"),
    [
        pytest.param({"weekdays": "fri,mon,wed"}, ("mon", "wed", "fri"), time(18, 0), 30, id="codes-any-order"),
        pytest.param({"weekdays": "Monday, Thursday"}, ("mon", "thu"), time(18, 0), 30, id="full-names"),
        pytest.param({"weekdays": ["sun"], "time_of_day": "7:05"}, ("sun",), time(7, 5), 30, id="one-digit-hour"),
        pytest.param({"weekdays": "tue", "time_of_day": "21.30"}, ("tue",), time(21, 30), 30, id="dot-time"),
        pytest.param({"weekdays": "sat", "reminder_minutes": "0"}, ("sat",), time(18, 0), 0, id="no-reminder"),
    ],
)
def test_choices_a_person_may_type(raw: dict[str, object], days: tuple[str, ...], at: time, reminder: int) -> None:
    choice = schedule.parse_choice(raw)
    assert (choice.weekdays, choice.time_of_day, choice.reminder_minutes) == (days, at, reminder)


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        pytest.param({"weekdays": "mon,funday"}, "days: 'funday' is not a day of the week", id="unknown-day"),
        pytest.param({"weekdays": "mondayish"}, "is not a day of the week", id="not-quite-a-day"),
        pytest.param({"weekdays": "mon,mon"}, "days: a day is named twice", id="twice"),
        pytest.param({"weekdays": ""}, "days: name one to seven days", id="no-days"),
        pytest.param({"weekdays": "mon", "time_of_day": "25:00"}, "time of day: '25:00' is not a time", id="hour-25"),
        pytest.param({"weekdays": "mon", "time_of_day": "noon"}, "write it as HH:MM", id="words-for-time"),
        pytest.param({"weekdays": "mon", "reminder_minutes": "soon"}, "reminder: a whole number", id="reminder-word"),
        pytest.param({"weekdays": "mon", "reminder_minutes": 2000}, "from 0 (none) to 1440", id="reminder-too-long"),
    ],
)
def test_bad_choices_are_refused_in_words(raw: dict[str, object], says: str) -> None:
    with pytest.raises(schedule.ScheduleError) as caught:
        schedule.parse_choice(raw)
    assert says in str(caught.value)
    assert "Input should" not in str(caught.value)


def upcoming_days(db: Database, name: str = "ana") -> list[str]:
    with db.unit_of_work() as session:
        programme = repo.active_programme(session, repo.require_profile(session, name).id)
        assert programme is not None
        rows = repo.schedule(session, programme.id)
        return [r.scheduled_on.strftime("%a") for r in rows if r.scheduled_on >= f.START.date() + timedelta(weeks=2)]


def test_chosen_days_move_the_upcoming_sessions_and_keep_the_done_ones(db: Database, test_data: f.TestData) -> None:
    with db.unit_of_work() as session:
        f.realistic_history(session, test_data, weeks=2)
    now = f.START + timedelta(weeks=2)
    with db.unit_of_work() as session:
        done_before = {
            s.scheduled_session_id for s in repo.performed_sessions(session, repo.require_profile(session, "ana").id)
        }
        choice = schedule.parse_choice({"weekdays": "tue,thu,sat", "time_of_day": "07:30"})
        schedule.save_schedule(session, "ana", choice, now=now)
    assert set(upcoming_days(db)) == {"Tue", "Thu", "Sat"}
    with db.unit_of_work() as session:
        profile = repo.require_profile(session, "ana")
        programme = repo.active_programme(session, profile.id)
        assert programme is not None
        kept = {r.id for r in repo.schedule(session, programme.id)}
        assert done_before - {None} <= kept, "a done session lost its place in the schedule"
        assert [d["weekday"] for d in programme.days] == ["tue", "thu", "sat"]
        assert programme.reasons[0].startswith("3 sessions a week, on Tuesday, Thursday and Saturday")


def test_days_must_match_the_sessions_a_week(db: Database, test_data: f.TestData) -> None:
    with db.unit_of_work() as session:
        profiles.save_intake(session, f.intake(), catalog=test_data.catalog, rules=test_data.rules, now=f.START)
    with pytest.raises(schedule.ScheduleError, match="choose 3 days, not 2"), db.unit_of_work() as session:
        schedule.save_schedule(session, "default", schedule.parse_choice({"weekdays": "mon,tue"}), now=f.START)


def test_a_new_intake_keeps_the_chosen_days_when_they_fit_and_the_time_always(
    db: Database, test_data: f.TestData
) -> None:
    with db.unit_of_work() as session:
        profiles.save_intake(session, f.intake(), catalog=test_data.catalog, rules=test_data.rules, now=f.START)
        choice = schedule.parse_choice({"weekdays": "tue,thu,sun", "time_of_day": "06:15", "reminder_minutes": 5})
        schedule.save_schedule(session, "default", choice, now=f.START)
    with db.unit_of_work() as session:
        profiles.save_intake(session, f.intake(), catalog=test_data.catalog, rules=test_data.rules, now=f.START)
        programme = repo.active_programme(session, repo.require_profile(session, "default").id)
        assert programme is not None
        assert [d["weekday"] for d in programme.days] == ["tue", "thu", "sun"]
    with db.unit_of_work() as session:
        two = f.intake(sessions_per_week=2)
        profiles.save_intake(session, two, catalog=test_data.catalog, rules=test_data.rules, now=f.START)
        kept = schedule.schedule_for(session, "default").choice
    assert kept.weekdays == tuple(test_data.rules.weekdays[2])
    assert (kept.time_of_day, kept.reminder_minutes) == (time(6, 15), 5)
