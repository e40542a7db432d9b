"""The packaged catalog's camera analysis, exercise by exercise and cue by cue, on synthetic performances.

The cases are generated from the catalog: every analysable exercise needs a clean performance
(:data:`PERFORMANCES`), and every camera cue a way to perform it wrongly (:data:`MISTAKES`), so a new
exercise or cue fails here until it is covered. For each cue: the mistake raises that cue, and the
clean performance, filmed from the cue's view, raises nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from backfit.catalog import load_catalog
from backfit.catalog.schema import Cue, Exercise
from backfit.pose import analyze_sequence
from backfit.pose import synthetic as sy
from backfit.pose.events import AnalysisReport

CATALOG = load_catalog()
F = sy.Faults

# id -> (generator, its clean arguments): the exercise performed well, three repetitions or so.
PERFORMANCES: dict[str, tuple[Callable[..., sy.Sequence], dict[str, Any]]] = {
    "hip-bridge": (sy.bridge, {"reps": 3}),
    "hip-bridge-low": (sy.bridge, {"reps": 3, "top_deg": 158}),
    "hip-bridge-supported": (sy.bridge, {"reps": 2, "top_deg": 160, "hold_s": 4}),
    "hip-bridge-hold": (sy.bridge, {"reps": 1, "hold_s": 15}),
    "hip-bridge-march": (sy.bridge, {"reps": 2, "hold_s": 4}),
    "hip-bridge-single-leg": (sy.bridge, {"reps": 3, "single_leg": True}),
    "hip-bridge-feet-on-ball": (sy.bridge, {"reps": 3, "rest_deg": 140}),
    "prone-double-thigh-lift": (sy.prone_lift, {"reps": 4, "lift_deg": 8}),
    "prone-single-thigh-lift": (sy.prone_lift, {"reps": 4, "lift_deg": 8, "single": True}),
    "tall-kneeling-pelvic-drop": (sy.kneeling_hold, {"holds": (10.0,)}),
    "half-kneeling-quad-stretch": (sy.kneeling_hold, {"holds": (10.0,), "half": True}),
    "ball-hamstring-curl": (sy.curl, {"reps": 5}),
    "ball-hamstring-curl-single-leg": (sy.curl, {"reps": 5}),
    "ball-prone-knee-bends": (sy.curl, {"reps": 5, "kind": "prone", "both": True}),
    "ball-prone-forearm-knee-bends": (sy.curl, {"reps": 5, "kind": "prone", "both": True, "trunk_up_deg": 20}),
    "band-prone-hamstring-curl": (sy.curl, {"reps": 5, "kind": "prone"}),
    "band-standing-hamstring-curl": (sy.curl, {"reps": 5, "kind": "standing"}),
    "band-double-leg-press": (sy.press, {"reps": 5}),
    "band-supine-knee-extension": (sy.press, {"reps": 5, "single": True}),
}

# (id, quantity, op) -> the arguments that perform that cue's mistake (added to the clean ones).
MISTAKES: dict[tuple[str, str, str], dict[str, Any]] = {}
for _bridge in ("hip-bridge", "hip-bridge-low", "hip-bridge-supported", "hip-bridge-hold", "hip-bridge-march"):
    MISTAKES[(_bridge, "pelvic_obliquity_deg", "<=")] = {"faults": F(pelvis_drop_deg=12)}
for _bridge in ("hip-bridge", "hip-bridge-low", "hip-bridge-supported", "hip-bridge-hold"):
    MISTAKES[(_bridge, "knee_width_ratio", ">=")] = {"faults": F(knee_splay=-0.08)}
    MISTAKES[(_bridge, "knee_width_ratio", "<=")] = {"faults": F(knee_splay=0.12)}
MISTAKES |= {
    ("hip-bridge", "hip_extension_deg", "<="): {"faults": F(over_arch_deg=25)},
    ("hip-bridge-hold", "hip_extension_deg", "<="): {"faults": F(over_arch_deg=25)},
    ("hip-bridge-single-leg", "pelvic_obliquity_deg", "<="): {"faults": F(pelvis_drop_deg=12)},
    ("hip-bridge-single-leg", "hip_extension_deg", "<="): {"faults": F(over_arch_deg=25)},
    ("hip-bridge-feet-on-ball", "pelvic_obliquity_deg", "<="): {"faults": F(pelvis_drop_deg=12)},
    ("hip-bridge-feet-on-ball", "hip_extension_deg", "<="): {"faults": F(over_arch_deg=25)},
    # too low: the bridge never reaches the straight line, and the cue asks for more
    ("hip-bridge", "hip_extension_deg", ">="): {"top_deg": 150},
    ("hip-bridge-hold", "hip_extension_deg", ">="): {"top_deg": 150},
    ("hip-bridge-single-leg", "hip_extension_deg", ">="): {"top_deg": 148},
    ("hip-bridge-feet-on-ball", "hip_extension_deg", ">="): {"top_deg": 156},
    # the hips sag while a foot lifts, then come back up
    ("hip-bridge-march", "hip_extension_deg", ">="): {"sag_deg": 30},
    ("prone-double-thigh-lift", "leg_height_diff_ratio", "<="): {"faults": F(leg_diff_deg=8)},
    ("prone-double-thigh-lift", "knee_width_ratio", "<="): {"faults": F(knee_splay=0.15)},
    ("prone-double-thigh-lift", "trunk_to_floor_deg", "<="): {"faults": F(trunk_lift_deg=25)},
    ("prone-double-thigh-lift", "thigh_lift_deg", "<="): {"lift_deg": 25},
    ("prone-single-thigh-lift", "pelvic_obliquity_deg", "<="): {"faults": F(pelvis_drop_deg=12)},
    ("prone-single-thigh-lift", "trunk_to_floor_deg", "<="): {"faults": F(trunk_lift_deg=25)},
    ("prone-single-thigh-lift", "thigh_lift_deg", "<="): {"lift_deg": 25},
    ("tall-kneeling-pelvic-drop", "hip_extension_deg", ">="): {"top_deg": 163},
    ("tall-kneeling-pelvic-drop", "thigh_from_vertical_deg", "<="): {"line_back_deg": 20},
    ("tall-kneeling-pelvic-drop", "trunk_from_vertical_deg", "<="): {"faults": F(trunk_lift_deg=20)},
    ("half-kneeling-quad-stretch", "trunk_from_vertical_deg", "<="): {"faults": F(trunk_lift_deg=20)},
    ("half-kneeling-quad-stretch", "trunk_from_vertical_deg", ">="): {"faults": F(trunk_lift_deg=-12)},
    ("ball-hamstring-curl", "hip_extension_deg", ">="): {"hips_drop_deg": 35},
    ("ball-hamstring-curl", "pelvic_obliquity_deg", "<="): {"pelvis_drop_deg": 12},
    ("ball-hamstring-curl-single-leg", "hip_extension_deg", ">="): {"hips_drop_deg": 35},
    ("ball-hamstring-curl-single-leg", "pelvic_obliquity_deg", "<="): {"pelvis_drop_deg": 12},
    ("ball-prone-knee-bends", "trunk_to_floor_deg", "<="): {"trunk_lift_deg": 25},
    ("ball-prone-knee-bends", "thigh_lift_deg", "<="): {"thigh_lift_deg": 20},
    ("ball-prone-forearm-knee-bends", "trunk_to_floor_deg", "<="): {"trunk_lift_deg": 25},
    ("ball-prone-forearm-knee-bends", "thigh_lift_deg", "<="): {"thigh_lift_deg": 20},
    ("band-prone-hamstring-curl", "thigh_lift_deg", "<="): {"thigh_lift_deg": 20},
    ("band-prone-hamstring-curl", "trunk_to_floor_deg", "<="): {"trunk_lift_deg": 25},
    ("band-prone-hamstring-curl", "pelvic_obliquity_deg", "<="): {"pelvis_drop_deg": 12},
    ("band-standing-hamstring-curl", "thigh_from_vertical_deg", "<="): {"thigh_lift_deg": 30},
    ("band-standing-hamstring-curl", "trunk_from_vertical_deg", ">="): {"trunk_lift_deg": 25},
    # not straight enough: counted, but the knee stays bent past the cue's bound
    ("band-double-leg-press", "knee_flexion_deg", "<="): {"straight_deg": 30},
    ("band-supine-knee-extension", "knee_flexion_deg", "<="): {"straight_deg": 30},
}

ANALYSABLE = sorted(e.id for e in CATALOG.values() if e.analysis is not None)
CUES = [
    pytest.param(e.id, i, id=f"{e.id}-{c.camera.quantity.value}{c.camera.op}{c.camera.bound:g}")
    for e in CATALOG.values()
    for i, c in enumerate(e.cues)
    if c.camera is not None
]


def perform(exercise_id: str, view: str = "side", **mistake: Any) -> sy.Sequence:
    make, clean = PERFORMANCES[exercise_id]
    return make(**(clean | {"view": view} | mistake))


def analyse(ex: Exercise, seq: sy.Sequence) -> AnalysisReport:
    return analyze_sequence(ex, seq.times, seq.frames, aspect=sy.ASPECT)


def cue_of(exercise_id: str, index: int) -> tuple[Exercise, Cue]:
    ex = CATALOG[exercise_id]
    return ex, ex.cues[index]


def test_every_analysable_exercise_has_a_performance() -> None:
    assert set(ANALYSABLE) == set(PERFORMANCES)


def test_every_camera_cue_has_a_mistake() -> None:
    keys = {
        (e.id, c.camera.quantity.value, c.camera.op) for e in CATALOG.values() for c in e.cues if c.camera is not None
    }
    assert keys - set(MISTAKES) == set(), "camera cues with no synthetic mistake"
    assert set(MISTAKES) - keys == set(), "mistakes for cues the catalog does not have"


@pytest.mark.parametrize("exercise_id", ANALYSABLE)
def test_clean_performance_counts_exactly_without_faults(exercise_id: str) -> None:
    seq = perform(exercise_id)
    report = analyse(CATALOG[exercise_id], seq)
    assert len(report.repetitions) == seq.reps
    assert report.faults == ()
    assert report.mismatches == ()


@pytest.mark.parametrize(("exercise_id", "index"), CUES)
def test_the_mistake_raises_the_cue(exercise_id: str, index: int) -> None:
    ex, cue = cue_of(exercise_id, index)
    assert cue.camera is not None
    mistake = MISTAKES[(exercise_id, cue.camera.quantity.value, cue.camera.op)]
    report = analyse(ex, perform(exercise_id, cue.camera.view.value, **mistake))
    assert cue.text in {f.text for f in report.faults}


@pytest.mark.parametrize(("exercise_id", "index"), CUES)
def test_a_clean_performance_from_the_cues_view_raises_nothing(exercise_id: str, index: int) -> None:
    ex, cue = cue_of(exercise_id, index)
    assert cue.camera is not None
    report = analyse(ex, perform(exercise_id, cue.camera.view.value))
    assert report.faults == ()
