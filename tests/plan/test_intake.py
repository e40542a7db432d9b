"""Intake validation and the red-flag screen."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from backfit.plan import Intake, RedFlag, screen
from backfit.plan.intake import RED_FLAG_QUESTIONS
from tests.plan.strategies import NO_FLAGS, intake


def test_every_red_flag_has_a_question() -> None:
    assert set(RED_FLAG_QUESTIONS) == set(RedFlag)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"pain_now": 11}, "pain_now", id="pain-above-10"),
        pytest.param({"pain_now": -1}, "pain_now", id="pain-below-0"),
        pytest.param({"sessions_per_week": 0}, "sessions_per_week", id="no-sessions"),
        pytest.param({"minutes_per_session": 5}, "minutes_per_session", id="too-few-minutes"),
        pytest.param({"equipment": ["kettlebell"]}, "equipment", id="unknown-equipment"),
        pytest.param({"experience": "expert"}, "experience", id="unknown-experience"),
        pytest.param({"red_flags": {"bladder_bowel": False}}, "no answer", id="unanswered-flags"),
        pytest.param({"psfs": [{"activity": "walk", "rating": 4}] * 4}, "psfs", id="four-psfs"),
        pytest.param({"psfs": [{"activity": "walk", "rating": 12}]}, "rating", id="psfs-out-of-range"),
        pytest.param({"unexpected": 1}, "unexpected", id="unknown-field"),
    ],
)
def test_bad_answers_are_rejected_naming_the_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        intake(**changes)


def test_no_flags_passes() -> None:
    result = screen(intake())
    assert not result.blocked
    assert result.flags == ()


def test_a_flag_blocks_and_tells_to_see_a_clinician() -> None:
    result = screen(intake(red_flags={**NO_FLAGS, "saddle_numbness": True}))
    assert result.blocked
    assert result.flags == (RedFlag.saddle_numbness,)
    assert "doctor or physiotherapist" in result.message()
    assert RED_FLAG_QUESTIONS[RedFlag.saddle_numbness] in result.message()


def test_clearance_unblocks_but_is_remembered() -> None:
    result = screen(intake(red_flags={**NO_FLAGS, "fever_unwell": True}, clearance_confirmed=True))
    assert not result.blocked
    assert result.flags == (RedFlag.fever_unwell,)
    assert "cleared" in result.message()


def test_answers_round_trip_through_json() -> None:
    answers = intake()
    assert Intake.model_validate_json(answers.model_dump_json()) == answers
