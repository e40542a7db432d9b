"""Each exercise's own animated figure, analysed by its own analyzer, counts as many repetitions as it shows.

The figure is the catalog's illustration keyframes played as the player plays them: from the first
keyframe through the others and back, each move taking a second, with a pause at each end; three
times over, after a rest. Whatever the keyframes are, the exercise's analysis must count them.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from backfit.catalog import load_catalog
from backfit.catalog.schema import Exercise
from backfit.pose import analyze_sequence, geometry

CATALOG = load_catalog()
ASPECT = 400 / 300  # the illustrations' image proportions
FPS = 30.0
CYCLES = 3


def figure_sequence(exercise: Exercise, cycles: int = CYCLES) -> tuple[np.ndarray, np.ndarray]:
    """Times ``(frames,)`` and landmarks ``(frames, 33, 4)`` of the figure moving ``cycles`` times."""
    points = np.array([kf.points for kf in exercise.keyframes], dtype=np.float64)  # (k, 33, 2)
    order = [*range(len(points)), *range(len(points) - 2, -1, -1)]
    steps = int(FPS)
    poses = [points[0]] * int(1.5 * FPS)  # at rest first
    for _ in range(cycles):
        for a, b in itertools.pairwise(order):
            w = (0.5 - 0.5 * np.cos(np.pi * np.arange(steps) / steps))[:, None, None]
            poses.extend(points[a] + w * (points[b] - points[a]))
            if b in (0, len(points) - 1):
                poses.extend([points[b]] * steps)  # a pause at each end
    xy = np.array(poses)
    frames = np.zeros((len(xy), 33, 4))
    frames[..., :2] = xy
    frames[..., 3] = 1.0
    return np.arange(len(xy)) / FPS, frames


def shown_repetitions(exercise: Exercise) -> int:
    """What the figure shows: one repetition a cycle when its first keyframe rests below the analysis's
    ``start`` and another passes its ``peak`` (on either side of the body); none when it never rests
    (the marching bridge's figure stays at the top and lifts the feet)."""
    a = exercise.analysis
    assert a is not None
    points = np.array([kf.points for kf in exercise.keyframes], dtype=np.float64)
    frames = np.zeros((len(points), 33, 4))
    frames[..., :2] = points
    frames[..., 3] = 1.0
    per_side = {
        "hip_extension_deg": geometry.hip_extension_deg,
        "knee_flexion_deg": geometry.knee_flexion_deg,
        "thigh_lift_deg": geometry.thigh_lift_deg,
    }[a.signal.value](frames, ASPECT)
    sign = 1.0 if a.increasing else -1.0
    signal = sign * per_side
    if a.zero == "rest":
        signal = signal - signal[0]
    rests = (signal[0] < sign * a.start).all()
    tops = (signal[1:] >= sign * a.peak).any()
    return CYCLES if rests and tops else 0


@pytest.mark.parametrize("exercise_id", sorted(e.id for e in CATALOG.values() if e.analysis is not None))
def test_the_figure_is_counted_by_its_own_analyzer(exercise_id: str) -> None:
    ex = CATALOG[exercise_id]
    times, frames = figure_sequence(ex)
    report = analyze_sequence(ex, times, frames, aspect=ASPECT)
    assert len(report.repetitions) == shown_repetitions(ex)
    assert report.mismatches == ()


def test_figures_that_move_from_rest_are_most_of_them() -> None:
    """The rule above is not vacuous: all but the marching bridge's figure show repetitions."""
    still = [e.id for e in CATALOG.values() if e.analysis is not None and shown_repetitions(e) == 0]
    assert still == ["hip-bridge-march"]
