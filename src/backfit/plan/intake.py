"""The intake questionnaire and the red-flag screen.

Intake answers are a payload (a JSON file, a form, an API body), so they are a
pydantic model; the screen's result is a frozen dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from backfit.catalog.schema import Equipment


class RedFlag(StrEnum):
    bladder_bowel = "bladder_bowel"
    saddle_numbness = "saddle_numbness"
    progressive_leg_weakness = "progressive_leg_weakness"
    cancer_history = "cancer_history"
    unexplained_weight_loss = "unexplained_weight_loss"
    fever_unwell = "fever_unwell"
    recent_fall_or_injury = "recent_fall_or_injury"
    night_or_rest_pain = "night_or_rest_pain"


RED_FLAG_QUESTIONS: dict[RedFlag, str] = {
    RedFlag.bladder_bowel: "Have you recently lost control of your bladder or bowel?",
    RedFlag.saddle_numbness: "Do you have numbness around your groin, buttocks or inner thighs (the 'saddle' area)?",
    RedFlag.progressive_leg_weakness: "Is weakness or numbness in one or both legs getting worse?",
    RedFlag.cancer_history: "Have you ever had cancer?",
    RedFlag.unexplained_weight_loss: "Have you lost weight recently without trying?",
    RedFlag.fever_unwell: "Do you have a fever, or do you feel generally unwell?",
    RedFlag.recent_fall_or_injury: "Have you had a significant fall or injury recently?",
    RedFlag.night_or_rest_pain: "Do you have severe pain at night or at rest that does not change with movement?",
}
"""Every red flag of the routine with the question that asks for it."""


class Experience(StrEnum):
    """How used the person is to this kind of exercise."""

    new = "new"  # never done it, or not for years
    returning = "returning"  # done it before, coming back after a break
    regular = "regular"  # exercises regularly now


EXPERIENCE_QUESTION = "How used are you to exercise like bridges and floor work? (new / returning / regular)"


def no_control_characters(value: str) -> str:
    """Refuse NUL and other control characters (PostgreSQL cannot store NUL; none belongs in text a person types)."""
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value) or "\x7f" in value:
        raise ValueError("text may not contain control characters (such as NUL)")
    return value


PsfsName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=120),
    AfterValidator(no_control_characters),
]
"""A PSFS activity as the person names it: 2-120 characters, no control characters."""


class PsfsActivity(BaseModel):
    """One Patient-Specific Functional Scale item: an activity the person finds
    hard, rated 0 (unable) to 10 (as before the problem)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    activity: PsfsName
    rating: int = Field(ge=0, le=10)


class Intake(BaseModel):
    """The answers of the intake questionnaire."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    red_flags: dict[RedFlag, bool] = Field(description="An answer (true = yes) to every red-flag question.")
    clearance_confirmed: bool = Field(
        default=False,
        description="The person confirms that a clinician has seen the red flags and cleared them to exercise.",
    )
    experience: Experience
    equipment: frozenset[Equipment] = Field(
        default=frozenset(), description="Equipment at hand: ball, band, block (empty or 'none': none)."
    )
    sessions_per_week: int = Field(ge=1, le=6)
    minutes_per_session: int = Field(ge=10, le=90)
    pain_now: int = Field(ge=0, le=10, description="Low-back pain now, 0 (none) to 10 (worst imaginable).")
    psfs: list[PsfsActivity] = Field(default=[], max_length=3)

    @field_validator("equipment", mode="after")
    @classmethod
    def _drop_none(cls, value: frozenset[Equipment]) -> frozenset[Equipment]:
        return frozenset(e for e in value if e is not Equipment.none)

    @model_validator(mode="after")
    def _every_flag_answered(self) -> Intake:
        missing = [f.value for f in RedFlag if f not in self.red_flags]
        if missing:
            raise ValueError(f"red_flags: no answer for {', '.join(missing)}")
        return self


@dataclass(frozen=True)
class Screening:
    """The red-flag screen's verdict."""

    flags: tuple[RedFlag, ...]
    cleared: bool

    @property
    def blocked(self) -> bool:
        return bool(self.flags) and not self.cleared

    def message(self) -> str:
        if not self.flags:
            return "No red flags: you can start the programme."
        asked = "; ".join(RED_FLAG_QUESTIONS[f] for f in self.flags)
        if self.cleared:
            return f"Red flags answered yes ({asked}). You confirmed a clinician has cleared you to exercise."
        return (
            "Please see a doctor or physiotherapist before starting: you answered yes to "
            f"{asked} These can be signs of a problem that needs a clinician, not exercise. "
            "backfit will not build a programme until you confirm that a clinician has cleared you."
        )


def screen(intake: Intake) -> Screening:
    """Screen the intake's red-flag answers."""
    flags = tuple(f for f in RedFlag if intake.red_flags.get(f))
    return Screening(flags=flags, cleared=intake.clearance_confirmed)
