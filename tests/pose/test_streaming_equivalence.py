"""One frame at a time (the live coach) and chunked analysis (files) give the same events and values.

``Analyzer.update`` takes a one-frame fast path (plain floats instead of numpy columns) through the same
formulas; this case table holds it to the chunked path for every synthetic pattern, degraded with noise,
dropped frames, an occlusion and a left/right swap.
"""

from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
import pytest

from backfit.catalog import load_catalog
from backfit.catalog.schema import Exercise
from backfit.pose import Analyzer
from backfit.pose import synthetic as sy
from backfit.pose.events import Event
from tests.pose import factories as fx

TOLERANCE = 1e-9
MARCH = load_catalog().get_or_raise("hip-bridge-march")


def degraded(seq: sy.Sequence, seed: int) -> sy.Sequence:
    """Noise, 5% dropped frames, the left knee and ankle occluded for 0.6 s, a 0.4 s left/right swap."""
    return sy.degrade(seq, noise=0.003, drop_fraction=0.05, occlude=(2.0, 2.6), swap=(3.0, 3.4), seed=seed)


CASES = [
    pytest.param(fx.BRIDGE, sy.bridge(reps=3), id="bridge-side"),
    pytest.param(fx.BRIDGE, sy.bridge(reps=2, view="end", faults=sy.Faults(pelvis_drop_deg=8.0)), id="bridge-end"),
    pytest.param(fx.BRIDGE, sy.bridge(reps=3, faults=sy.Faults(over_arch_deg=15.0)), id="bridge-over-arch"),
    pytest.param(fx.SINGLE_LEG_BRIDGE, sy.bridge(reps=3, single_leg=True), id="single-leg-bridge"),
    pytest.param(MARCH, sy.bridge_march(steps=4, drop_deg=8.0), id="bridge-march"),
    pytest.param(fx.PRONE_DOUBLE, sy.prone_lift(reps=3, faults=sy.Faults(trunk_lift_deg=12.0)), id="prone-double"),
    pytest.param(
        fx.PRONE_DOUBLE, sy.prone_lift(reps=2, view="end", faults=sy.Faults(leg_diff_deg=6.0)), id="prone-end"
    ),
    pytest.param(fx.PRONE_SINGLE, sy.prone_lift(reps=3, single=True), id="prone-single"),
    pytest.param(fx.TALL_KNEELING, sy.kneeling_hold(holds=(4.0, 4.0), stand_between_s=2.0), id="tall-kneeling"),
    pytest.param(fx.HALF_KNEELING, sy.kneeling_hold(holds=(5.0,), half=True), id="half-kneeling"),
    pytest.param(fx.BALL_CURL, sy.curl(reps=4, hips_drop_deg=15.0), id="ball-curl"),
    pytest.param(fx.BAND_PRONE_CURL, sy.curl(reps=4, kind="prone", thigh_lift_deg=20.0), id="band-prone-curl"),
    pytest.param(fx.BAND_STANDING_CURL, sy.curl(reps=4, kind="standing", thigh_lift_deg=30.0), id="band-standing-curl"),
]


def analyze(ex: Exercise, seq: sy.Sequence, chunk: int) -> tuple[list[Event], Analyzer]:
    analyzer = Analyzer(ex, aspect=sy.ASPECT, keep_trace=True)
    events: list[Event] = []
    if chunk == 1:
        for t, frame in zip(seq.times.tolist(), seq.frames, strict=True):
            events.extend(analyzer.update(t, frame))
    else:
        for i in range(0, len(seq.times), chunk):
            events.extend(analyzer.update_many(seq.times[i : i + chunk], seq.frames[i : i + chunk]))
    events.extend(analyzer.finish())
    return events, analyzer


def by_kind(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: type(e).__name__)  # stable: keeps each kind's order


def assert_same_value(a: object, b: object, where: str) -> None:
    if isinstance(a, float) and isinstance(b, float):
        assert (math.isnan(a) and math.isnan(b)) or abs(a - b) <= TOLERANCE, where
    elif isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same_value(a[key], b[key], f"{where}.{key}")
    else:
        assert a == b, where


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(("ex", "seq"), CASES)
def test_one_frame_at_a_time_matches_chunked_analysis(ex: Exercise, seq: sy.Sequence, seed: int) -> None:
    seq = degraded(seq, seed)
    stream, live = analyze(ex, seq, chunk=1)
    for chunk in (7, 2048):
        batch, chunked = analyze(ex, seq, chunk)
        # a chunk reports the repetition machine's events before the march's: compare each kind in order
        stream_by_kind, batch_by_kind = by_kind(stream), by_kind(batch)
        assert [type(e).__name__ for e in stream_by_kind] == [type(e).__name__ for e in batch_by_kind]
        for i, (a, b) in enumerate(zip(stream_by_kind, batch_by_kind, strict=True)):
            for f in fields(a):  # type: ignore[arg-type]
                assert_same_value(getattr(a, f.name), getattr(b, f.name), f"event {i} {type(a).__name__}.{f.name}")
        t1, s1, v1, p1 = live.trace_arrays()
        t2, s2, v2, p2 = chunked.trace_arrays()
        assert np.array_equal(t1, t2)
        assert np.array_equal(v1, v2)
        assert np.array_equal(p1, p2)
        assert np.array_equal(np.isnan(s1), np.isnan(s2))
        assert np.nanmax(np.abs(s1 - s2), initial=0.0) <= TOLERANCE
        assert (live.machine.frames, live.machine.usable) == (chunked.machine.frames, chunked.machine.usable)


def test_cases_produce_events() -> None:
    """The table is not vacuous: every kind of event appears in some case."""
    kinds: set[str] = set()
    for param in CASES:
        ex, seq = param.values
        assert isinstance(ex, Exercise)
        assert isinstance(seq, sy.Sequence)
        kinds |= {type(e).__name__ for e in analyze(ex, degraded(seq, 0), chunk=2048)[0]}
    assert kinds >= {"Repetition", "Hold", "CheckFailed", "ViewAdvice", "Step"}
