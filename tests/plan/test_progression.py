"""Progression rules: case tables for each rule, properties for the safety promises."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backfit.catalog import Equipment, load_catalog
from backfit.plan import ExerciseLog, Prescription, SetLog, default_progression_rules, next_prescription
from backfit.plan.progression import session_pain_zone
from tests.plan.strategies import full_log, logs_for, prescriptions

CATALOG = load_catalog()
RULES = default_progression_rules()
ALL = frozenset({Equipment.ball, Equipment.band, Equipment.block})
DAY = date(2026, 3, 2)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def bridge(**changes: int | None) -> Prescription:
    return Prescription.default_for(CATALOG["hip-bridge"]).with_changes(**changes)


def two_good(p: Prescription, **changes: object) -> list[ExerciseLog]:
    return [full_log(p, DAY, **changes), full_log(p, DAY + timedelta(days=2), **changes)]  # type: ignore[arg-type]


def size(p: Prescription) -> tuple[int, int, int, int]:
    """A comparable measure of difficulty: ladder step, sets, reps, hold."""
    return (CATALOG[p.exercise_id].ladder.step, p.sets, p.reps or 0, p.hold_s or 0)


@pytest.mark.parametrize(
    ("current", "expected", "change"),
    [
        pytest.param(bridge(sets=2, reps=10), bridge(sets=2, reps=12), "reps 10 -> 12", id="reps-first"),
        pytest.param(bridge(sets=2, reps=14), bridge(sets=2, reps=15), "reps 14 -> 15", id="reps-capped-at-15"),
        pytest.param(bridge(sets=2, reps=15), bridge(sets=3, reps=15), "sets 2 -> 3", id="then-sets"),
        pytest.param(
            bridge(sets=3, reps=15),
            Prescription.default_for(CATALOG["hip-bridge-hold"]),
            "exercise hip-bridge -> hip-bridge-hold (3 x 15 s hold, rest 45 s)",
            id="then-the-next-ladder-step",
        ),
    ],
)
def test_one_change_at_a_time_in_order(current: Prescription, expected: Prescription, change: str) -> None:
    decision = next_prescription(current, two_good(current), CATALOG, ALL)
    assert decision.action == "progress"
    assert decision.prescription == expected
    assert decision.change == change


def test_hold_grows_after_reps_and_sets() -> None:
    hold = Prescription.default_for(CATALOG["hip-bridge-hold"])
    current = hold.with_changes(sets=3, reps=None if hold.reps is None else 15)
    decision = next_prescription(current, two_good(current), CATALOG, ALL)
    assert decision.action == "progress"
    assert decision.prescription.hold_s == min(30, (current.hold_s or 0) + 5)


def test_ladder_skips_steps_needing_missing_equipment() -> None:
    top = Prescription.default_for(CATALOG["hip-bridge-single-leg"])
    top = top.with_changes(sets=3, reps=None if top.reps is None else 15)
    decision = next_prescription(top, two_good(top), CATALOG, frozenset())
    assert decision.prescription.exercise_id == "hip-bridge-single-leg"
    assert decision.action == "keep"


@pytest.mark.parametrize(
    ("logs", "action", "reason"),
    [
        pytest.param([], "keep", "No session", id="nothing-logged"),
        pytest.param(two_good(bridge())[:1], "keep", "1 of 2", id="one-good-session-is-not-enough"),
        pytest.param(
            [full_log(bridge(), DAY, rpe=8), *two_good(bridge())],
            "progress",
            "2 sessions in a row",
            id="streak-is-the-last-two",
        ),
        pytest.param(
            [full_log(bridge(), DAY, rpe=8), full_log(bridge(), DAY + timedelta(days=2))],
            "keep",
            "1 of 2",
            id="a-hard-session-breaks-the-streak",
        ),
        pytest.param(
            [full_log(bridge(), DAY), full_log(bridge(), DAY + timedelta(days=2), rpe=7)],
            "keep",
            "effort 7/10",
            id="effort-above-6-blocks",
        ),
        pytest.param(two_good(bridge(), pain=4), "keep", "Amber", id="amber-pain-holds"),
        pytest.param(two_good(bridge(), pain=6), "regress", "Red pain", id="red-pain-steps-down"),
        pytest.param(
            two_good(bridge(), pain=1, pain_before=1, pain_next_morning=3),
            "regress",
            "worse the next morning",
            id="worse-next-morning-is-red",
        ),
        pytest.param(two_good(bridge(), rpe=9), "regress", "near maximal", id="maximal-effort-cuts"),
        pytest.param(
            [ExerciseLog(DAY, bridge(), (SetLog(reps=10), SetLog(reps=6, set_index=1)), rpe=5, pain_during=1)],
            "regress",
            "not finished",
            id="unfinished-set-cuts",
        ),
        pytest.param(
            two_good(bridge(), radiating_symptoms=True), "keep", "programme pauses", id="radiating-pauses-not-changes"
        ),
    ],
)
def test_rules(logs: list[ExerciseLog], action: str, reason: str) -> None:
    decision = next_prescription(bridge(), logs, CATALOG, ALL)
    assert decision.action == action
    assert any(reason in r for r in decision.reasons), decision.reasons


def test_red_pain_steps_down_the_ladder() -> None:
    decision = next_prescription(bridge(), two_good(bridge(), pain=7), CATALOG, ALL)
    assert decision.prescription.exercise_id == "hip-bridge-low"


def test_red_pain_at_the_foot_cuts_volume_then_stops() -> None:
    foot = Prescription.default_for(CATALOG["hip-bridge-supported"])
    current = foot
    actions = []
    for _ in range(30):
        decision = next_prescription(current, [full_log(current, DAY, pain=8)], CATALOG, ALL)
        actions.append(decision.action)
        if decision.action == "stop":
            break
        assert size(decision.prescription) < size(current)
        current = decision.prescription
    assert actions[-1] == "stop"
    assert set(actions[:-1]) == {"regress"}


def test_logs_of_other_exercises_are_ignored() -> None:
    other = Prescription.default_for(CATALOG["prone-double-thigh-lift"])
    decision = next_prescription(bridge(), [*two_good(bridge()), full_log(other, DAY, pain=9)], CATALOG, ALL)
    assert decision.action == "progress"


def test_sessions_at_an_older_dose_do_not_count() -> None:
    logs = [full_log(bridge(reps=8), DAY), full_log(bridge(), DAY + timedelta(days=2))]
    assert next_prescription(bridge(), logs, CATALOG, ALL).action == "keep"


@st.composite
def cases(draw: st.DrawFn) -> tuple[Prescription, list[ExerciseLog]]:
    p = draw(prescriptions())
    return p, draw(logs_for(p))


@given(cases(), st.sampled_from([frozenset(), ALL, frozenset({Equipment.ball})]))
@SETTINGS
def test_never_progresses_after_amber_or_red_pain(
    case: tuple[Prescription, list[ExerciseLog]], owned: frozenset[Equipment]
) -> None:
    current, logs = case
    decision = next_prescription(current, logs, CATALOG, owned)
    zone, _ = session_pain_zone(logs[-1], RULES)
    if zone != "green":
        assert decision.action != "progress"
        assert size(decision.prescription) <= size(current)


@given(cases(), st.sampled_from([frozenset(), ALL]))
@SETTINGS
def test_always_steps_down_after_red(case: tuple[Prescription, list[ExerciseLog]], owned: frozenset[Equipment]) -> None:
    current, logs = case
    decision = next_prescription(current, logs, CATALOG, owned)
    zone, _ = session_pain_zone(logs[-1], RULES)
    if zone == "red" and not logs[-1].radiating_symptoms:
        assert decision.action in ("regress", "stop")
        if decision.action == "regress":
            assert size(decision.prescription) < size(current)


@given(cases(), st.sampled_from([frozenset(), ALL]))
@SETTINGS
def test_decisions_are_deterministic_and_explained(
    case: tuple[Prescription, list[ExerciseLog]], owned: frozenset[Equipment]
) -> None:
    current, logs = case
    first = next_prescription(current, logs, CATALOG, owned)
    assert next_prescription(current, list(logs), CATALOG, owned) == first
    assert first.reasons
    assert CATALOG[first.prescription.exercise_id].needs <= owned | CATALOG[current.exercise_id].needs
    if first.action == "progress":
        assert size(first.prescription) != size(current)
