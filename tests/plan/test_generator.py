"""The programme generator: case tables for its choices, properties for its promises."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from backfit.catalog import Equipment, Family, load_catalog
from backfit.plan import BudgetTooSmall, Intake, RedFlagBlocked, build_programme, default_programme_rules
from backfit.plan.rules import check_against_catalog
from tests.plan.strategies import NO_FLAGS, intake, intakes

CATALOG = load_catalog()
RULES = default_programme_rules()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def families(intake_: Intake) -> list[list[Family]]:
    return [
        [CATALOG[i.prescription.exercise_id].ladder.family for i in s.items]
        for s in build_programme(intake_, CATALOG, RULES).sessions
    ]


def test_rules_name_catalog_exercises() -> None:
    check_against_catalog(RULES, CATALOG)


@given(intakes)
@SETTINGS
def test_never_prescribes_equipment_the_person_lacks(answers: Intake) -> None:
    try:
        programme = build_programme(answers, CATALOG, RULES)
    except BudgetTooSmall:
        return
    for session in programme.sessions:
        for item in session.items:
            assert CATALOG[item.prescription.exercise_id].needs <= answers.equipment


@given(intakes)
@SETTINGS
def test_never_exceeds_the_time_budget(answers: Intake) -> None:
    try:
        programme = build_programme(answers, CATALOG, RULES)
    except BudgetTooSmall:
        return
    for session in programme.sessions:
        assert session.seconds <= answers.minutes_per_session * 60
        assert session.items, "a session is never empty"


@given(intakes)
@SETTINGS
def test_identical_input_gives_identical_output(answers: Intake) -> None:
    copy = Intake.model_validate_json(answers.model_dump_json())
    try:
        first = build_programme(answers, CATALOG, RULES)
    except BudgetTooSmall:
        with pytest.raises(BudgetTooSmall):
            build_programme(copy, CATALOG, RULES)
        return
    assert build_programme(copy, CATALOG, RULES) == first


@given(intakes)
@SETTINGS
def test_every_choice_has_a_reason(answers: Intake) -> None:
    try:
        programme = build_programme(answers, CATALOG, RULES)
    except BudgetTooSmall:
        return
    assert programme.reasons
    for session in programme.sessions:
        for item in session.items:
            assert CATALOG[item.prescription.exercise_id].name in item.reason


@pytest.mark.parametrize(
    ("experience", "pain", "equipment", "expected"),
    [
        pytest.param("new", 0, [], "hip-bridge-supported", id="new-starts-supported"),
        pytest.param("returning", 1, [], "hip-bridge-low", id="returning-starts-low"),
        pytest.param("regular", 2, [], "hip-bridge", id="regular-starts-full-bridge"),
        pytest.param("regular", 4, [], "hip-bridge-low", id="amber-pain-one-step-lower"),
        pytest.param("regular", 7, [], "hip-bridge-supported", id="red-pain-two-steps-lower"),
        pytest.param("new", 9, [], "hip-bridge-supported", id="never-below-the-first-step"),
    ],
)
def test_bridge_ladder_starts_where_the_intake_implies(
    experience: str, pain: int, equipment: list[str], expected: str
) -> None:
    programme = build_programme(
        intake(experience=experience, pain_now=pain, equipment=equipment, minutes_per_session=60), CATALOG, RULES
    )
    bridge = [i for i in programme.sessions[0].items if i.slot == "bridge"]
    assert [i.prescription.exercise_id for i in bridge] == [expected]


@pytest.mark.parametrize(
    ("equipment", "expected"),
    [
        pytest.param([], {Family.core, Family.bridge, Family.prone, Family.kneeling}, id="no-equipment"),
        pytest.param(["ball"], {Family.core, Family.ball, Family.bridge, Family.prone, Family.kneeling}, id="ball"),
        pytest.param(["band"], {Family.core, Family.band, Family.bridge, Family.prone, Family.kneeling}, id="band"),
    ],
)
def test_each_session_covers_the_routine(equipment: list[str], expected: set[Family]) -> None:
    for session_families in families(intake(equipment=equipment, minutes_per_session=60)):
        assert set(session_families) == expected


def test_ball_and_band_alternate_between_sessions() -> None:
    sessions = build_programme(intake(equipment=["ball", "band"], minutes_per_session=60), CATALOG, RULES).sessions
    extra = [[i.prescription.exercise_id for i in s.items if i.slot == "hamstring-equipment"] for s in sessions]
    assert CATALOG[extra[0][0]].ladder.family is not CATALOG[extra[1][0]].ladder.family


@pytest.mark.parametrize(
    ("sessions", "days"),
    [
        pytest.param(1, ("wed",), id="once"),
        pytest.param(2, ("mon", "thu"), id="twice"),
        pytest.param(3, ("mon", "wed", "fri"), id="three-non-consecutive"),
    ],
)
def test_sessions_fall_on_the_week_days(sessions: int, days: tuple[str, ...]) -> None:
    programme = build_programme(intake(sessions_per_week=sessions), CATALOG, RULES)
    assert tuple(s.weekday for s in programme.sessions) == days


def test_short_budget_drops_optional_slots_first() -> None:
    roomy = build_programme(intake(minutes_per_session=60), CATALOG, RULES).sessions[0]
    tight = build_programme(intake(minutes_per_session=15), CATALOG, RULES).sessions[0]
    assert {i.slot for i in roomy.items} > {i.slot for i in tight.items}
    assert {"activation", "bridge", "hamstring", "kneeling"} <= {i.slot for i in tight.items}
    assert any("to fit" in note for note in tight.notes)


def test_new_people_start_with_one_set() -> None:
    programme = build_programme(intake(experience="new", minutes_per_session=60), CATALOG, RULES)
    assert all(i.prescription.sets == 1 for s in programme.sessions for i in s.items)


@pytest.mark.parametrize("flag", sorted(NO_FLAGS), ids=str)
def test_any_red_flag_blocks_the_programme(flag: str) -> None:
    answers = intake(red_flags={**NO_FLAGS, flag: True})
    with pytest.raises(RedFlagBlocked, match="clinician"):
        build_programme(answers, CATALOG, RULES)


def test_confirmed_clearance_lets_the_programme_start_and_says_so() -> None:
    answers = intake(red_flags={**NO_FLAGS, "cancer_history": True}, clearance_confirmed=True)
    programme = build_programme(answers, CATALOG, RULES)
    assert any("clearance" in r for r in programme.reasons)


def test_equipment_none_means_nothing() -> None:
    assert intake(equipment=["none"]).equipment == frozenset()
    assert Equipment.none not in intake(equipment=["none", "ball"]).equipment


def test_a_budget_that_cannot_hold_a_session_is_a_clear_error() -> None:
    slow = RULES.model_copy(update={"transition_s": 600})
    with pytest.raises(BudgetTooSmall, match=r"allow at least \d+ minutes"):
        build_programme(intake(minutes_per_session=10), CATALOG, slow)
