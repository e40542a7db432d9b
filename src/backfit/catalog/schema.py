"""Pydantic schema of the exercise catalog's data files.

One TOML file per exercise under ``catalog/data/``; a file holds one
``[exercise]`` table. The schema is strict (unknown keys are errors) so that a
typo in a data file fails loading instead of being silently ignored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Position(StrEnum):
    supine = "supine"
    prone = "prone"
    kneeling = "kneeling"
    half_kneeling = "half-kneeling"
    standing = "standing"


class Equipment(StrEnum):
    none = "none"
    ball = "ball"
    band = "band"
    block = "block"


class Kind(StrEnum):
    activation = "activation"
    warm_up = "warm-up"
    strength = "strength"
    stretch = "stretch"
    hold = "hold"


class Family(StrEnum):
    """The ladder an exercise belongs to; each family is one ordered ladder."""

    core = "core"
    bridge = "bridge"
    kneeling = "kneeling"
    prone = "prone"
    ball = "ball"
    band = "band"


class View(StrEnum):
    """Where the camera looks from.

    ``side``: the camera sees the body from its left or right side.
    ``end``: the camera looks along the body's long axis: from the feet or the
    head for lying positions, from the front or back for upright ones.
    """

    side = "side"
    end = "end"


class Quantity(StrEnum):
    """Quantities the pose analysis measures; units are in the name."""

    hip_extension_deg = "hip_extension_deg"  # shoulder-hip-knee angle, 180 = straight line
    knee_flexion_deg = "knee_flexion_deg"  # 0 = straight knee
    trunk_to_floor_deg = "trunk_to_floor_deg"  # shoulder-hip line against horizontal
    trunk_from_vertical_deg = "trunk_from_vertical_deg"  # signed, + = leaning back
    thigh_from_vertical_deg = "thigh_from_vertical_deg"  # hip-knee line against vertical
    thigh_lift_deg = "thigh_lift_deg"  # prone: thigh raised above the floor line
    pelvic_obliquity_deg = "pelvic_obliquity_deg"  # hip line against the floor line
    leg_height_diff_ratio = "leg_height_diff_ratio"  # |left-right knee height| / hip width
    knee_width_ratio = "knee_width_ratio"  # knee-to-knee width / hip width


QUANTITY_VIEWS: dict[Quantity, View] = {
    Quantity.hip_extension_deg: View.side,
    Quantity.knee_flexion_deg: View.side,
    Quantity.trunk_to_floor_deg: View.side,
    Quantity.trunk_from_vertical_deg: View.side,
    Quantity.thigh_from_vertical_deg: View.side,
    Quantity.thigh_lift_deg: View.side,
    Quantity.pelvic_obliquity_deg: View.end,
    Quantity.leg_height_diff_ratio: View.end,
    Quantity.knee_width_ratio: View.end,
}
"""The view from which each quantity can be measured."""


class Phase(StrEnum):
    """When during a repetition or hold a camera check applies."""

    always = "always"  # every frame once the exercise has started
    active = "active"  # while a repetition or hold is in progress
    top = "top"  # at the peak of each repetition / while holding


class CameraCheck(Strict):
    """A measurable form rule: ``quantity op bound`` from ``view`` during ``phase``."""

    quantity: Quantity
    view: View
    op: Literal["<=", ">="]
    bound: float
    phase: Phase = Phase.active

    @model_validator(mode="after")
    def _view_matches_quantity(self) -> CameraCheck:
        needed = QUANTITY_VIEWS[self.quantity]
        if self.view is not needed:
            raise ValueError(f"{self.quantity.value} is measured from the {needed.value} view, not {self.view.value}")
        return self

    def passes(self, value: float) -> bool:
        return value <= self.bound if self.op == "<=" else value >= self.bound


class Cue(Strict):
    text: str = Field(min_length=3)
    camera: CameraCheck | None = None


class CommonMistake(Strict):
    """A common mistake in doing the exercise (``text``) and how to correct it (``fix``)."""

    text: str = Field(min_length=3)
    fix: str = Field(min_length=3)


class Tempo(Strict):
    """Seconds for each part of a repetition."""

    up_s: float = Field(ge=0, le=10)
    pause_s: float = Field(ge=0, le=60)
    down_s: float = Field(ge=0, le=10)

    @property
    def rep_s(self) -> float:
        return self.up_s + self.pause_s + self.down_s


class Dosage(Strict):
    """A prescription: sets of repetitions, or sets of holds (``hold_s``), or both
    (repetitions each with a hold at the top: ``tempo.pause_s``)."""

    sets: int = Field(ge=1, le=6)
    reps: int | None = Field(default=None, ge=1, le=30)
    hold_s: int | None = Field(default=None, ge=1, le=120)
    tempo: Tempo = Tempo(up_s=2, pause_s=2, down_s=2)
    rest_s: int = Field(ge=0, le=300)
    per_side: bool = False

    @model_validator(mode="after")
    def _reps_or_hold(self) -> Dosage:
        if self.reps is None and self.hold_s is None:
            raise ValueError("a dosage needs reps, hold_s or both")
        return self


class March(Strict):
    """Alternating foot lifts at the top of a bridge, followed from the end view (camera at the feet).

    A foot's lift is its ankle's height above the other ankle, in hip widths
    (image units). A step starts when one foot's lift reaches ``lift_ratio`` and
    ends when it falls below ``down_ratio``; it counts when it lasts
    ``min_step_s`` seconds. During each step the pelvis's drop toward the lifted
    side (degrees: tilt of the hip line, + = the lifted side's hip lower) is
    measured; above ``max_drop_deg`` the step is flagged.
    """

    lift_ratio: float = Field(gt=0)
    down_ratio: float = Field(gt=0)
    min_step_s: float = Field(default=0.3, ge=0)
    max_drop_deg: float = Field(gt=0)

    @model_validator(mode="after")
    def _hysteresis(self) -> March:
        if self.down_ratio >= self.lift_ratio:
            raise ValueError("march.down_ratio must be below march.lift_ratio")
        return self


class Analysis(Strict):
    """How the pose analysis follows this exercise (pattern and thresholds).

    ``signal`` is the quantity that moves through each repetition; a repetition
    starts when it crosses ``start`` and counts when it reaches ``peak`` and then
    returns past ``start``. ``increasing`` says which way is "up".

    ``hold_band`` (signal units) sets the hold's edges: the hold is the time in
    the top position, from the end of the rise (the signal within ``hold_band`` of
    the highest it reaches in the next second) to the start of the lowering
    (within ``hold_band`` of the highest in the previous second), past ``peak``;
    see :mod:`backfit.pose.holds`. It counts when it lasts ``hold_min_s``.
    ``single_leg``: one leg works (single-leg bridge, one-leg lift or curl,
    half-kneeling); per-side measures then follow the working leg.
    ``positions``: the body positions the exercise is done in; another
    position is reported as a mismatch (and pauses a kneeling hold).
    ``march``: the exercise alternates foot lifts at the top (see :class:`March`);
    each lift is reported as a step event.
    ``zero``: ``"absolute"``: ``start`` and ``peak`` are values of the signal; ``"rest"``: they are
    measured from the person's resting level in the set (the lowest the signal settles), so that small
    lifts count whatever the body's shape and the camera's tilt at rest.
    """

    pattern: Literal["bridge", "prone-lift", "kneeling-hold", "curl", "press"]
    signal: Quantity
    start: float
    peak: float
    increasing: bool = True
    hold_min_s: float = Field(default=1.0, ge=0)
    hold_band: float = Field(default=4.0, gt=0)
    single_leg: bool = False
    positions: list[Position] = Field(min_length=1)
    march: March | None = None
    zero: Literal["absolute", "rest"] = "absolute"

    @model_validator(mode="after")
    def _peak_beyond_start(self) -> Analysis:
        if (self.peak <= self.start) if self.increasing else (self.peak >= self.start):
            way = "above" if self.increasing else "below"
            raise ValueError(f"peak must be {way} start (increasing = {str(self.increasing).lower()})")
        return self

    def check_can_fail_and_pass(self, check: CameraCheck) -> str | None:
        """Why a camera check on the counting signal could never fire, or would fire on every repetition.

        A repetition's frames are all past ``start`` and its top is past ``peak``; a check that wants the
        signal further "up" (``>=`` on an increasing signal) is judged on every attempt, counted or not, so
        its bound must lie beyond ``start``. One that caps the signal must lie beyond ``peak``. None: fine.
        """
        if check.quantity is not self.signal:
            return None
        sign = 1.0 if self.increasing else -1.0
        wants_up = (check.op == ">=") == self.increasing
        if wants_up and check.phase is Phase.always:
            return "a check that the counting signal stays up fires at every rest between repetitions"
        if wants_up and sign * check.bound <= sign * self.start:
            return f"can never fail: every frame of a repetition is past start ({self.start:g})"
        if not wants_up and sign * check.bound <= sign * self.peak:
            return f"fails on every counted repetition: the top is past peak ({self.peak:g})"
        return None


class Ladder(Strict):
    family: Family
    step: int = Field(ge=1, le=20)
    easier: str | None = Field(default=None, pattern=ID_PATTERN)
    harder: str | None = Field(default=None, pattern=ID_PATTERN)


class Keyframe(Strict):
    """A named pose for illustrations: 33 landmarks as [x, y] in 0..1 (image
    coordinates, y down), the pose model's layout."""

    name: str
    points: list[tuple[float, float]] = Field(min_length=33, max_length=33)


class Exercise(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=3)
    aliases: list[str] = []
    position: Position
    equipment: list[Equipment] = Field(min_length=1)
    targets: list[str] = Field(min_length=1)
    kind: Kind
    seed: bool = False
    steps: list[str] = Field(min_length=2)
    cues: list[Cue] = Field(min_length=1)
    faults: list[CommonMistake] = []
    dosage: Dosage
    ladder: Ladder
    safety: list[str] = []
    source: str = Field(min_length=10)
    analysis: Analysis | None = None
    keyframes: list[Keyframe] = []

    @model_validator(mode="after")
    def _consistent(self) -> Exercise:
        if self.ladder.easier == self.id or self.ladder.harder == self.id:
            raise ValueError("an exercise cannot be its own ladder step")
        if Equipment.none in self.equipment and len(self.equipment) > 1:
            raise ValueError("equipment 'none' cannot be combined with other equipment")
        for i, cue in enumerate(self.cues):
            if cue.camera is None:
                continue
            if self.analysis is None:
                raise ValueError(f"cues[{i}]: a camera check needs an analysis section (the camera cannot follow it)")
            problem = self.analysis.check_can_fail_and_pass(cue.camera)
            if problem is not None:
                check = cue.camera
                raise ValueError(f"cues[{i}].camera ({check.quantity.value} {check.op} {check.bound:g}): {problem}")
        return self

    @property
    def needs(self) -> frozenset[Equipment]:
        """Equipment the exercise requires (empty when it needs none)."""
        return frozenset(e for e in self.equipment if e is not Equipment.none)

    @property
    def camera_cues(self) -> list[Cue]:
        return [c for c in self.cues if c.camera is not None]


class ExerciseFile(Strict):
    exercise: Exercise


class KeyframesFile(Strict):
    """``keyframes/<id>.toml``: the illustration keyframes of one exercise, in order."""

    keyframes: list[Keyframe] = Field(min_length=1)
