"""HTTP payloads: what the JSON API accepts (``XCreate``) and returns (``XRead``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backfit.services.programmes import PlannedItemRead, ProgrammeDayRead, ProgrammeRead
from backfit.services.values import (
    Effort,
    Fault,
    Faults,
    HoldSeconds,
    ItemIndex,
    Pain,
    PsfsName,
    PsfsRating,
    Reps,
    SetIndex,
    Side,
    Source,
)

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
    pain_start: Pain = Field(description="Low-back pain now, 0-10.")
    intensity: Literal["normal", "lighter"] | None = Field(
        default=None,
        description="Needed when pain_start is above 5 (else 409 with the question): 'lighter' (one set, easier "
        "steps) or 'normal'. Resting needs no request.",
    )


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
    rep_s: float = Field(description="Seconds of one repetition (up, the pause or hold at the top, down).")
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


FaultCreate = Fault
"""A form fault the camera saw during the set: one definition with the import's (services/values.py)."""


class FaultRead(BaseModel):
    text: str
    quantity: str
    value: float
    op: str
    bound: float
    t: float


class SetCreate(Payload):
    item_index: ItemIndex
    set_index: SetIndex
    side: Side = "both"
    reps: Reps | None = None
    hold_s: HoldSeconds | None = None
    source: Source | None = Field(
        default=None, description="How the count was taken: by the camera, or by the person (typed or timed)."
    )
    faults: Faults | None = Field(
        default=None, description="Camera sets: the form faults seen during the set ([] for none)."
    )
    stream: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="Camera sets: the live stream that watched the set; its landmark recording is kept with it.",
    )

    @model_validator(mode="after")
    def _faults_come_from_the_camera(self) -> SetCreate:
        if self.faults and self.source != "camera":
            raise ValueError("faults are seen by the camera: send them with source 'camera'")
        if self.stream is not None and self.source != "camera":
            raise ValueError("a stream is the camera's: send it with source 'camera'")
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
    item_index: ItemIndex
    rpe: Effort | None = Field(default=None, description="Effort 0-10 (rating of perceived exertion).")
    pain_during: Pain | None = Field(default=None, description="Pain during the exercise, 0-10.")
    radiating_symptoms: bool = Field(default=False, description="Pain below the knee, numbness or tingling.")
    skipped: bool = False


class AnswerRead(BaseModel):
    item_index: int
    created: bool
    warning: str | None = None


class FinishCreate(Payload):
    pain_end: Pain | None = None


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
    pain: Pain


class CheckInRead(BaseModel):
    moment: str
    pain: int
    decisions: list[DecisionRead] = []


class PsfsCreate(Payload):
    ratings: dict[PsfsName, PsfsRating] = Field(
        min_length=1, max_length=3, description="PSFS activity (as named in the intake) -> rating 0-10."
    )


class ImportRead(BaseModel):
    restored: dict[str, int]
