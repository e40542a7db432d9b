"""The ranges of what a person records, defined once: the JSON API's payloads
(``web/schemas.py``), the web forms and the import of a backup all validate with
these types, so a backup can hold nothing the API would refuse."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from backfit.catalog.schema import Quantity
from backfit.plan.intake import PsfsName, no_control_characters

MAX_ITEMS = 50
"""Exercises one session may have (item indexes are 0-49)."""
MAX_SETS = 20
MAX_REPS = 200
MAX_HOLD_S = 3600
MAX_FAULTS = 100
"""Faults one set may carry (an episode each; a long set with three camera checks stays well below)."""
MAX_TEXT = 300
DB_INT_MAX = 2**63 - 1
"""The largest integer any column stores (64-bit signed, as on PostgreSQL's BIGINT)."""


Clean = AfterValidator(no_control_characters)
FaultText = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=MAX_TEXT), Clean]


Pain = Annotated[int, Field(ge=0, le=10, description="Pain 0 (none) to 10 (worst imaginable).")]
Effort = Annotated[int, Field(ge=0, le=10, description="Effort (RPE) 0-10.")]
ItemIndex = Annotated[int, Field(ge=0, le=MAX_ITEMS)]
SetIndex = Annotated[int, Field(ge=0, le=MAX_SETS)]
Reps = Annotated[int, Field(ge=0, le=MAX_REPS)]
HoldSeconds = Annotated[float, Field(ge=0, le=MAX_HOLD_S, allow_inf_nan=False)]
Side = Literal["both", "left", "right"]
Source = Literal["camera", "manual"]
Measured = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-1e6, le=1e6)]
PsfsRating = Annotated[int, Field(ge=0, le=10)]
SessionStatus = Literal["in_progress", "completed", "ended_early"]
CheckInMoment = Literal["session_start", "session_end", "next_morning", "now"]


class Fault(BaseModel):
    """A form fault the camera saw during the set (a ``fault`` event of the live WebSocket)."""

    model_config = ConfigDict(extra="forbid")

    text: FaultText = Field(description="The cue that was not kept.")
    quantity: Quantity = Field(description="What was measured; its unit is in its name.")
    value: Measured = Field(description="The worst value measured in the fault's episode.")
    op: Literal["<=", ">="] = Field(description="The check: value op bound passes.")
    bound: Measured
    t: float = Field(
        strict=True, allow_inf_nan=False, ge=0, le=86_400, description="Seconds since the camera started the set."
    )


Faults = Annotated[list[Fault], Field(max_length=MAX_FAULTS)]

__all__ = [
    "CheckInMoment",
    "Clean",
    "Effort",
    "Fault",
    "FaultText",
    "Faults",
    "HoldSeconds",
    "ItemIndex",
    "Measured",
    "Pain",
    "PsfsName",
    "PsfsRating",
    "Reps",
    "SessionStatus",
    "SetIndex",
    "Side",
    "Source",
    "no_control_characters",
]  # fmt: skip
