"""The coaching step on the packaged catalog: per-side completion, skips, stops
that come back, radiating symptoms, caps, order and reasons."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backfit.catalog import load_catalog
from backfit.plan import Prescription, SetLog, build_programme
from backfit.plan.coaching import ItemState, WeekPlan, coach_step, session_order
from backfit.plan.model import ExerciseLog
from backfit.plan.rules import (
    check_caps_against_catalog,
    check_purposes_against_catalog,
    default_dose_caps,
    default_programme_rules,
    default_purposes,
)
from tests import factories as f

CATALOG = load_catalog()
DAY = date(2026, 3, 2)
THIGH = Prescription.default_for(CATALOG["prone-single-thigh-lift"])
KEY = "hamstring/prone-single-thigh-lift"
WEEK = WeekPlan(((KEY,),), 30 * 60, 30)


def log(p: Prescription, day: date, sides: list[tuple[int, str]] | None = None, **changes: object) -> ExerciseLog:
    done = sides if sides is not None else [(i, s) for i in range(p.sets) for s in p.sides]
    sets = tuple(SetLog(p.reps, p.hold_s, i, s) for i, s in done)  # type: ignore[arg-type]
    fields: dict[str, object] = {"rpe": 5, "pain_during": 1, "pain_before": 1, **changes}
    return ExerciseLog(day, p, sets, **fields)  # type: ignore[arg-type]


def step(history: list[ExerciseLog], answered: bool = True, item: ItemState | None = None) -> object:
    return coach_step(
        {KEY: item or ItemState(THIGH)}, WEEK, {KEY: history}, [KEY] if answered else [], CATALOG, frozenset()
    )


def test_half_done_per_side_sets_do_not_count_as_complete() -> None:
    half = [(0, "left"), (0, "right"), (1, "left")]
    result = step([log(THIGH, DAY, half), log(THIGH, DAY + timedelta(days=2), half)])
    (change,) = result.changes  # type: ignore[attr-defined]
    assert change.action == "regress"
    assert "1 set(s) not finished" in change.reasons[0]


def test_two_full_sessions_progress_one_thing() -> None:
    result = step([log(THIGH, DAY), log(THIGH, DAY + timedelta(days=2))])
    (change,) = result.changes  # type: ignore[attr-defined]
    assert change.action == "progress"
    assert change.change == "reps 10 -> 12"


def test_a_skip_is_no_response() -> None:
    result = step([log(THIGH, DAY, pain_during=7)], answered=False)
    assert result.changes == ()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("morning", "action"),
    [pytest.param(2, "progress", id="one-point-worse-is-not-red"), pytest.param(3, "regress", id="two-points-is-red")],
)
def test_worse_next_morning_means_two_points(morning: int, action: str) -> None:
    logs = [log(THIGH, DAY), log(THIGH, DAY + timedelta(days=2), pain_next_morning=morning)]
    (change,) = step(logs).changes  # type: ignore[attr-defined]
    assert change.action == action


def test_a_step_down_is_never_more_work() -> None:
    double = Prescription.default_for(CATALOG["prone-double-thigh-lift"]).with_changes(sets=1)
    key = "hamstring/prone-double-thigh-lift"
    week = WeekPlan(((key,),), 30 * 60, 30)
    result = coach_step(
        {key: ItemState(double)}, week, {key: [log(double, DAY, pain_during=7)]}, [key], CATALOG, frozenset()
    )
    (change,) = result.changes
    assert change.after.prescription.seconds() <= double.seconds()
    assert change.after.prescription.sets <= double.sets


def test_a_stopped_exercise_comes_back_after_two_pain_free_sessions() -> None:
    other = "bridge/hip-bridge-low"
    low = Prescription.default_for(CATALOG["hip-bridge-low"])
    week = WeekPlan(((KEY, other),), 30 * 60, 30)
    items = {KEY: ItemState(THIGH, stopped=True), other: ItemState(low)}
    history = {other: [log(low, DAY)]}
    first = coach_step(items, week, history, [other], CATALOG, frozenset())
    assert first.items[KEY].stopped
    history[other].append(log(low, DAY + timedelta(days=2)))
    second = coach_step(first.items, week, history, [other], CATALOG, frozenset())
    assert not second.items[KEY].stopped
    back = next(c for c in second.changes if c.key == KEY)
    assert back.action == "resume"
    assert "2 pain-free sessions" in back.reasons[0]


def test_radiating_symptoms_pause_and_change_nothing() -> None:
    result = step([log(THIGH, DAY, radiating_symptoms=True)])
    assert result.pause is not None  # type: ignore[attr-defined]
    assert "clinician" in result.pause or "physiotherapist" in result.pause  # type: ignore[attr-defined]
    assert result.changes == ()  # type: ignore[attr-defined]


def test_a_change_that_would_not_fit_the_minutes_is_not_made() -> None:
    """The double thigh lift is the prone ladder's top: more reps or sets would not fit."""
    double = Prescription.default_for(CATALOG["prone-double-thigh-lift"])
    key = "hamstring/prone-double-thigh-lift"
    tight = WeekPlan(((key,),), double.seconds() + 30, 30)
    logs = [log(double, DAY), log(double, DAY + timedelta(days=2))]
    result = coach_step({key: ItemState(double)}, tight, {key: logs}, [key], CATALOG, frozenset())
    (change,) = result.changes
    assert change.action == "keep"
    assert "would not fit your minutes" in change.reasons[0]


def test_packaged_caps_and_purposes_match_the_catalog() -> None:
    check_caps_against_catalog(default_dose_caps(), CATALOG)
    check_purposes_against_catalog(default_purposes(), CATALOG)


def test_sessions_are_ordered_by_position_drawing_in_first() -> None:
    intake = f.intake(experience="new", equipment=["ball", "band"], minutes_per_session=45)
    programme = build_programme(intake, CATALOG, default_programme_rules())
    for day in programme.sessions:
        exercises = [CATALOG[i.prescription.exercise_id] for i in day.items]
        assert exercises[0].id == "abdominal-drawing-in"
        assert exercises[1].kind.value == "warm-up"
        positions = [e.position.value for e in exercises[2:]]
        assert positions == sorted(positions, key=["supine", "prone", "kneeling", "half-kneeling", "standing"].index)
        keys = [f"{i.slot}/{i.prescription.exercise_id}" for i in day.items]
        assert session_order(keys, {k: k.split("/")[1] for k in keys}, CATALOG) == keys


def test_reasons_belong_to_their_exercise() -> None:
    programme = build_programme(f.intake(pain_now=0), CATALOG, default_programme_rules())
    for day in programme.sessions:
        for item in day.items:
            assert item.reason.startswith(CATALOG[item.prescription.exercise_id].name)
            if item.prescription.exercise_id == "prone-single-thigh-lift":
                assert "both legs" not in item.reason
    assert not any("start lower" in r for r in programme.reasons)
