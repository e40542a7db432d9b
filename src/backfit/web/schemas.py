"""HTTP payloads: what the JSON API accepts (``XCreate``) and returns (``XRead``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backfit.catalog.schema import Quantity
from backfit.services.programmes import PlannedItemRead, ProgrammeDayRead, ProgrammeRead

__all__ = ["PlannedItemRead", "ProgrammeDayRead", "ProgrammeRead"]


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExerciseSummary(BaseModel):
    id: str
    name: str
    position: str
    equipment: list[str]
    kind: str
    family: str
    step: int
    camera_checks: int


class ScreeningRead(BaseModel):
    blocked: bool
    red_flags: list[str]
    message: str


class SessionCreate(Payload):
    pain_start: int = Field(ge=0, le=10, description="Low-back pain now, 0-10.")


class SetKeyRead(BaseModel):
    item_index: int
    set_index: int
    side: Literal["both", "left", "right"]


class StepRead(BaseModel):
    kind: Literal["work", "rest", "ask"]
    item_index: int
    seconds: float
    label: str
    set: SetKeyRead | None


class CameraSetupRead(BaseModel):
    """Where to put the camera for an exercise (:class:`backfit.services.camera_setup.CameraSetup`)."""

    view: str = Field(description="'side' or 'end': where the camera looks from.")
    view_words: str
    place: str = Field(description="How to set the camera up, in words.")
    checks: list[str] = Field(description="The cues the camera checks from there.")
    elsewhere: list[str] = Field(description="Cues only the other view can check.")


class SessionItemRead(BaseModel):
    index: int
    exercise_id: str
    name: str
    cues: list[str]
    camera_cues: list[str]
    camera: bool = Field(description="The camera can follow this exercise (live counting and form checks).")
    sets: int
    reps: int | None
    hold_s: int | None
    rest_s: int
    per_side: bool
    up_s: float
    pause_s: float
    down_s: float
    figure_svg: str
    camera_setup: CameraSetupRead | None = None


class SessionRead(BaseModel):
    id: int
    status: str
    started_at: datetime
    items: list[SessionItemRead]
    done: list[SetKeyRead]
    answered: list[int]
    steps: list[StepRead]
    total_sets: int


MAX_FAULTS = 100
"""Faults one set may carry (an episode each; a long set with three camera checks stays well below)."""
Measured = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-1e6, le=1e6)]


class FaultCreate(Payload):
    """A form fault the camera saw during the set (a ``fault`` event of the live WebSocket)."""

    text: str = Field(strict=True, min_length=1, max_length=300, description="The cue that was not kept.")
    quantity: Quantity = Field(description="What was measured; its unit is in its name.")
    value: Measured = Field(description="The worst value measured in the fault's episode.")
    op: Literal["<=", ">="] = Field(description="The check: value op bound passes.")
    bound: Measured
    t: float = Field(
        strict=True, allow_inf_nan=False, ge=0, le=86_400, description="Seconds since the camera started the set."
    )


class FaultRead(BaseModel):
    text: str
    quantity: str
    value: float
    op: str
    bound: float
    t: float


class SetCreate(Payload):
    item_index: int = Field(ge=0, le=50)
    set_index: int = Field(ge=0, le=20)
    side: Literal["both", "left", "right"] = "both"
    reps: int | None = Field(default=None, ge=0, le=200)
    hold_s: float | None = Field(default=None, ge=0, le=3600)
    source: Literal["camera", "manual"] | None = Field(
        default=None, description="How the count was taken: by the camera, or by the person (typed or timed)."
    )
    faults: list[FaultCreate] | None = Field(
        default=None,
        max_length=MAX_FAULTS,
        description="Camera sets: the form faults seen during the set ([] for none).",
    )

    @model_validator(mode="after")
    def _faults_come_from_the_camera(self) -> SetCreate:
        if self.faults and self.source != "camera":
            raise ValueError("faults are seen by the camera: send them with source 'camera'")
        return self


class SetRead(BaseModel):
    item_index: int
    set_index: int
    side: str
    reps: int | None
    hold_s: float | None
    completed: bool
    created: bool
    source: str | None
    faults: list[FaultRead] | None


class AnswerCreate(Payload):
    item_index: int = Field(ge=0, le=50)
    rpe: int | None = Field(default=None, ge=0, le=10, description="Effort 0-10 (rating of perceived exertion).")
    pain_during: int | None = Field(default=None, ge=0, le=10, description="Pain during the exercise, 0-10.")
    radiating_symptoms: bool = Field(default=False, description="Pain below the knee, numbness or tingling.")
    skipped: bool = False


class AnswerRead(BaseModel):
    item_index: int
    created: bool
    warning: str | None = None


class FinishCreate(Payload):
    pain_end: int | None = Field(default=None, ge=0, le=10)


class DecisionRead(BaseModel):
    exercise_id: str
    action: str
    change: str | None
    reasons: list[str]


class FinishRead(BaseModel):
    id: int
    status: str
    decisions: list[DecisionRead]


class CheckInCreate(Payload):
    moment: Literal["now", "next_morning"]
    pain: int = Field(ge=0, le=10)


class CheckInRead(BaseModel):
    moment: str
    pain: int
    decisions: list[DecisionRead] = []


class PsfsCreate(Payload):
    ratings: dict[str, int] = Field(min_length=1, max_length=3, description="Activity -> rating 0-10.")


class ImportRead(BaseModel):
    restored: dict[str, int]
