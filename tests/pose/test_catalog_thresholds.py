"""The packaged catalog's analysis thresholds, validated on clean synthetic performances of each exercise."""

from __future__ import annotations

import pytest

from backfit.catalog import load_catalog
from backfit.pose import analyze_sequence
from backfit.pose import synthetic as sy

CASES = {
    "hip-bridge": lambda: sy.bridge(reps=3),
    "hip-bridge-low": lambda: sy.bridge(reps=3, top_deg=158),
    "hip-bridge-supported": lambda: sy.bridge(reps=2, top_deg=160, hold_s=4),
    "hip-bridge-hold": lambda: sy.bridge(reps=1, hold_s=15),
    "hip-bridge-march": lambda: sy.bridge(reps=2, hold_s=4),
    "hip-bridge-single-leg": lambda: sy.bridge(reps=3, single_leg=True),
    "hip-bridge-feet-on-ball": lambda: sy.bridge(reps=3, rest_deg=140),
    "prone-double-thigh-lift": lambda: sy.prone_lift(reps=4),
    "prone-single-thigh-lift": lambda: sy.prone_lift(reps=4, single=True),
    "tall-kneeling-pelvic-drop": lambda: sy.kneeling_hold(holds=(10.0,)),
    "half-kneeling-quad-stretch": lambda: sy.kneeling_hold(holds=(10.0,), half=True),
    "ball-hamstring-curl": lambda: sy.curl(reps=5),
    "ball-hamstring-curl-single-leg": lambda: sy.curl(reps=5),
    "band-prone-hamstring-curl": lambda: sy.curl(reps=5, kind="prone"),
    "band-standing-hamstring-curl": lambda: sy.curl(reps=5, kind="standing"),
}


def test_every_analysable_exercise_has_a_case() -> None:
    assert {e.id for e in load_catalog().values() if e.analysis is not None} == set(CASES)


@pytest.mark.parametrize("exercise_id", sorted(CASES))
def test_clean_performance_counts_exactly_without_faults(exercise_id: str) -> None:
    ex = load_catalog().get_or_raise(exercise_id)
    seq = CASES[exercise_id]()
    report = analyze_sequence(ex, seq.times, seq.frames, aspect=sy.ASPECT)
    assert len(report.repetitions) == seq.reps
    assert report.faults == ()
    assert report.mismatches == ()
