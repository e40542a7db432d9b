"""Camera checks in a person's words: the one place that turns a
:class:`~backfit.catalog.schema.CameraCheck` (``quantity op bound`` from a view)
into a sentence, for the CLI, the web pages and the printed handout.

E.g. ``hip_extension_deg <= 195 (side view)`` on a bridge reads
"camera, side view: the low back does not arch more than 15° past a straight
shoulder-hip-knee line, at the top of each repetition".
"""

from __future__ import annotations

from collections.abc import Callable

from backfit.catalog.schema import CameraCheck, Exercise, Phase, Position, Quantity, View

LYING = frozenset({Position.supine, Position.prone})

_Words = Callable[[float], str]


def _deg(value: float) -> str:
    return f"{abs(value):g}°"


def _share(value: float) -> str:
    return f"{value:g} times"


CHECK_WORDS: dict[tuple[Quantity, str], _Words] = {
    (Quantity.hip_extension_deg, "<="): lambda b: (
        f"the low back does not arch more than {_deg(b - 180)} past a straight shoulder-hip-knee line"
        if b > 180
        else f"the shoulder-hip-knee line stays bent to {_deg(b)} or less"
    ),
    (Quantity.hip_extension_deg, ">="): lambda b: (
        f"the hips stay up: the shoulder-hip-knee line is within {_deg(180 - b)} of straight"
    ),
    (Quantity.knee_flexion_deg, "<="): lambda b: f"the knee stays nearly straight (bent {_deg(b)} at most)",
    (Quantity.knee_flexion_deg, ">="): lambda b: f"the knees stay a little bent (at least {_deg(b)}), never locked",
    (Quantity.trunk_to_floor_deg, "<="): lambda b: (
        f"the shoulders and hips stay level with the floor (tilted {_deg(b)} at most)"
    ),
    (Quantity.trunk_to_floor_deg, ">="): lambda b: f"the trunk is raised at least {_deg(b)} from the floor",
    (Quantity.trunk_from_vertical_deg, "<="): lambda b: (
        f"the trunk does not lean back more than {_deg(b)} from upright"
        if b >= 0
        else f"the trunk leans forward at least {_deg(b)}"
    ),
    (Quantity.trunk_from_vertical_deg, ">="): lambda b: (
        f"the trunk does not lean forward more than {_deg(b)} from upright"
        if b <= 0
        else f"the trunk leans back at least {_deg(b)}"
    ),
    (Quantity.thigh_from_vertical_deg, "<="): lambda b: f"the thigh stays upright (within {_deg(b)} of vertical)",
    (Quantity.thigh_from_vertical_deg, ">="): lambda b: f"the thigh moves at least {_deg(b)} from vertical",
    (Quantity.thigh_lift_deg, "<="): lambda b: f"the thigh lifts no more than {_deg(b)} off the floor",
    (Quantity.thigh_lift_deg, ">="): lambda b: f"the thigh lifts at least {_deg(b)} off the floor",
    (Quantity.pelvic_obliquity_deg, "<="): lambda b: (
        f"the pelvis stays level from side to side (tilted {_deg(b)} at most)"
    ),
    (Quantity.pelvic_obliquity_deg, ">="): lambda b: f"the pelvis tilts at least {_deg(b)} from side to side",
    (Quantity.leg_height_diff_ratio, "<="): lambda b: (
        f"both knees stay at the same height (a difference of {b:.0%} of hip width at most)"
    ),
    (Quantity.leg_height_diff_ratio, ">="): lambda b: f"one knee is at least {b:.0%} of hip width higher",
    (Quantity.knee_width_ratio, "<="): lambda b: f"the knees do not drift apart (no wider than {_share(b)} hip width)",
    (Quantity.knee_width_ratio, ">="): lambda b: (
        f"the knees do not fall inwards (at least {_share(b)} hip width apart)"
    ),
}
"""(quantity, op) -> the rule in words for a bound; every quantity in both directions."""


def phase_in_words(phase: Phase, exercise: Exercise) -> str:
    """When the check applies, in the exercise's own terms (repetitions or holds)."""
    holds = exercise.dosage.hold_s is not None
    if phase is Phase.always:
        return "throughout"
    if phase is Phase.top:
        return "while holding" if holds else "at the top of each repetition"
    if not holds:
        return "during each repetition"
    return "during each hold" if exercise.dosage.reps is not None else "during the hold"


def view_in_words(view: View, position: Position) -> str:
    """Where the camera goes: 'side view', 'from your feet' (lying) or 'from the front' (upright)."""
    if view is View.side:
        return "side view"
    return "from your feet" if position in LYING else "from the front"


def check_in_words(check: CameraCheck, exercise: Exercise) -> str:
    """The whole check, e.g. 'camera, from your feet: the pelvis stays level from side to side
    (tilted 5° at most) during each repetition'."""
    rule = CHECK_WORDS[(check.quantity, check.op)](check.bound)
    return f"camera, {view_in_words(check.view, exercise.position)}: {rule}, {phase_in_words(check.phase, exercise)}"
