"""HTTP payloads: what the JSON API accepts (``XCreate``) and returns (``XRead``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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


class SessionRead(BaseModel):
    id: int
    status: str
    started_at: datetime
    items: list[SessionItemRead]
    done: list[SetKeyRead]
    answered: list[int]
    steps: list[StepRead]
    total_sets: int


class SetCreate(Payload):
    item_index: int = Field(ge=0, le=50)
    set_index: int = Field(ge=0, le=20)
    side: Literal["both", "left", "right"] = "both"
    reps: int | None = Field(default=None, ge=0, le=200)
    hold_s: float | None = Field(default=None, ge=0, le=3600)


class SetRead(BaseModel):
    item_index: int
    set_index: int
    side: str
    reps: int | None
    hold_s: float | None
    completed: bool
    created: bool


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


class HistoryItemRead(BaseModel):
    id: int
    started_at: datetime
    status: str
    exercises: list[str]
    sets_done: int
    sets_planned: int
    pain_start: int | None
    pain_end: int | None
    pain_next_morning: int | None
    decisions: list[str]


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
