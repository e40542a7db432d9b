"""Every analyzer against synthetic sequences with known truth."""

from __future__ import annotations

import numpy as np
import pytest

from backfit.catalog.schema import Exercise
from backfit.pose import Analyzer, analyze_sequence
from backfit.pose import synthetic as sy
from backfit.pose.events import AnalysisReport
from tests.pose import factories as fx


def run(ex: Exercise, seq: sy.Sequence) -> AnalysisReport:
    return analyze_sequence(ex, seq.times, seq.frames, aspect=sy.ASPECT)


def truth_hold(seq: sy.Sequence, ex: Exercise) -> float:
    """Hold per the catalog definition, measured on the noise-free truth signal of the first repetition."""
    a = ex.analysis
    assert a is not None
    sign = 1 if a.increasing else -1
    s = sign * np.nan_to_num(seq.truth_signal, nan=-1e9)
    top = s.max()
    at_top = s >= max(sign * a.peak, top - a.hold_band)
    first = np.flatnonzero(at_top)[0]
    last = first + int(np.argmin(at_top[first:])) - 1
    return float(seq.times[last] - seq.times[first])


REP_CASES = [
    pytest.param(fx.BRIDGE, sy.bridge(reps=3), id="bridge-3"),
    pytest.param(fx.BRIDGE, sy.bridge(reps=1, hold_s=5), id="bridge-1-long-hold"),
    pytest.param(
        fx.BRIDGE,
        sy.degrade(sy.bridge(reps=5, hold_s=1), noise=0.004, drop_fraction=0.05, seed=1),
        id="bridge-5-noisy-drops",
    ),
    pytest.param(
        fx.BRIDGE,
        sy.degrade(sy.bridge(reps=4), noise=0.003, occlude=(2.0, 3.0), swap=(4.0, 4.5), seed=2),
        id="bridge-4-occlusion-swap",
    ),
    pytest.param(fx.BRIDGE, sy.bridge(reps=3, fps=15), id="bridge-3-15fps"),
    pytest.param(fx.SINGLE_LEG_BRIDGE, sy.bridge(reps=4, single_leg=True), id="single-leg-bridge-4"),
    pytest.param(fx.PRONE_DOUBLE, sy.degrade(sy.prone_lift(reps=6), noise=0.002, seed=3), id="prone-double-6"),
    pytest.param(fx.PRONE_SINGLE, sy.prone_lift(reps=3, single=True), id="prone-single-3"),
    pytest.param(fx.TALL_KNEELING, sy.kneeling_hold(holds=(8.0,)), id="tall-kneeling-1"),
    pytest.param(fx.HALF_KNEELING, sy.kneeling_hold(holds=(6.0, 6.0), half=True), id="half-kneeling-2"),
    pytest.param(fx.BALL_CURL, sy.degrade(sy.curl(reps=8), noise=0.003, seed=4), id="ball-curl-8"),
    pytest.param(fx.BAND_PRONE_CURL, sy.curl(reps=5, kind="prone"), id="band-prone-curl-5"),
    pytest.param(fx.BAND_STANDING_CURL, sy.curl(reps=6, kind="standing"), id="band-standing-curl-6"),
]


@pytest.mark.parametrize(("ex", "seq"), REP_CASES)
def test_repetition_count_is_exact(ex: Exercise, seq: sy.Sequence) -> None:
    report = run(ex, seq)
    assert len(report.repetitions) == seq.reps
    assert not report.mismatches


@pytest.mark.parametrize(
    ("ex", "seq"),
    [
        pytest.param(fx.BRIDGE, sy.bridge(reps=2, hold_s=3), id="bridge-3s"),
        pytest.param(fx.BRIDGE, sy.degrade(sy.bridge(reps=2, hold_s=1.5), noise=0.003, seed=5), id="bridge-1.5s-noisy"),
        pytest.param(fx.PRONE_DOUBLE, sy.prone_lift(reps=2, hold_s=2), id="prone-2s"),
        pytest.param(fx.TALL_KNEELING, sy.kneeling_hold(holds=(12.0,)), id="kneeling-12s"),
        pytest.param(fx.HALF_KNEELING, sy.kneeling_hold(holds=(20.0,), half=True), id="half-kneeling-20s"),
    ],
)
def test_hold_duration_matches_truth(ex: Exercise, seq: sy.Sequence) -> None:
    report = run(ex, seq)
    expected = truth_hold(seq, ex)
    assert len(report.holds) == seq.reps
    for hold in report.holds:
        assert hold.duration == pytest.approx(expected, abs=0.2)


def test_kneeling_hold_counts_only_time_in_position() -> None:
    seq = sy.kneeling_hold(holds=(6.0, 6.0), stand_between_s=4.0)
    report = run(fx.TALL_KNEELING, seq)
    assert len(report.holds) == 2
    assert report.total_hold_s == pytest.approx(2 * truth_hold(seq, fx.TALL_KNEELING), abs=0.4)
    assert [m.seen for m in report.mismatches] == ["standing"]


FAULT_CASES = [
    # (exercise, sequence, quantity expected to fault or None for a clean run)
    pytest.param(
        fx.BRIDGE,
        sy.bridge(reps=2, view="end", faults=sy.Faults(pelvis_drop_deg=12)),
        "pelvic_obliquity_deg",
        id="bridge-pelvis-drop",
    ),
    pytest.param(
        fx.BRIDGE,
        sy.bridge(reps=2, view="end", faults=sy.Faults(knee_splay=-0.08)),
        "knee_width_ratio",
        id="bridge-knees-in",
    ),
    pytest.param(fx.BRIDGE, sy.bridge(reps=2, view="end"), None, id="bridge-end-clean"),
    pytest.param(
        fx.BRIDGE, sy.bridge(reps=2, faults=sy.Faults(over_arch_deg=25)), "hip_extension_deg", id="bridge-over-arch"
    ),
    pytest.param(fx.BRIDGE, sy.degrade(sy.bridge(reps=2), noise=0.003, seed=6), None, id="bridge-side-clean"),
    pytest.param(
        fx.SINGLE_LEG_BRIDGE,
        sy.bridge(reps=2, view="end", single_leg=True, faults=sy.Faults(pelvis_drop_deg=10)),
        "pelvic_obliquity_deg",
        id="single-leg-pelvis-drop",
    ),
    pytest.param(
        fx.PRONE_DOUBLE,
        sy.prone_lift(reps=2, view="end", faults=sy.Faults(leg_diff_deg=8)),
        "leg_height_diff_ratio",
        id="prone-end-uneven-legs",
    ),
    pytest.param(
        fx.PRONE_DOUBLE,
        sy.prone_lift(reps=2, view="end", faults=sy.Faults(knee_splay=0.15)),
        "knee_width_ratio",
        id="prone-knees-splayed",
    ),
    pytest.param(
        fx.PRONE_DOUBLE,
        sy.prone_lift(reps=2, faults=sy.Faults(trunk_lift_deg=25)),
        "trunk_to_floor_deg",
        id="prone-trunk-arch",
    ),
    pytest.param(fx.PRONE_DOUBLE, sy.degrade(sy.prone_lift(reps=3), noise=0.002, seed=7), None, id="prone-side-clean"),
    pytest.param(
        fx.HALF_KNEELING,
        sy.kneeling_hold(half=True, faults=sy.Faults(trunk_lift_deg=20)),
        "trunk_from_vertical_deg",
        id="half-kneeling-lean-back",
    ),
    pytest.param(fx.TALL_KNEELING, sy.kneeling_hold(), None, id="kneeling-clean"),
    pytest.param(fx.BALL_CURL, sy.curl(reps=3, hips_drop_deg=35), "hip_extension_deg", id="ball-curl-hips-sag"),
    pytest.param(fx.BALL_CURL, sy.curl(reps=3), None, id="ball-curl-clean"),
    pytest.param(
        fx.BAND_PRONE_CURL, sy.curl(reps=3, kind="prone", thigh_lift_deg=20), "thigh_lift_deg", id="prone-curl-thigh-up"
    ),
    pytest.param(fx.BAND_PRONE_CURL, sy.curl(reps=3, kind="prone"), None, id="prone-curl-clean"),
    pytest.param(
        fx.BAND_STANDING_CURL,
        sy.curl(reps=3, kind="standing", thigh_lift_deg=30),
        "thigh_from_vertical_deg",
        id="standing-curl-thigh-swings",
    ),
    pytest.param(fx.BAND_STANDING_CURL, sy.curl(reps=3, kind="standing"), None, id="standing-curl-clean"),
]


@pytest.mark.parametrize(("ex", "seq", "quantity"), FAULT_CASES)
def test_faults_found_when_injected_and_only_then(ex: Exercise, seq: sy.Sequence, quantity: str | None) -> None:
    report = run(ex, seq)
    found = {f.quantity for f in report.faults}
    assert found == ({quantity} if quantity else set())


@pytest.mark.parametrize(
    ("ex", "seq", "advised"),
    [
        pytest.param(fx.BRIDGE, sy.bridge(reps=2), {"pelvic_obliquity_deg", "knee_width_ratio"}, id="bridge-side"),
        pytest.param(fx.BRIDGE, sy.bridge(reps=2, view="end"), {"hip_extension_deg"}, id="bridge-end"),
        pytest.param(
            fx.PRONE_DOUBLE, sy.prone_lift(reps=2), {"leg_height_diff_ratio", "knee_width_ratio"}, id="prone-side"
        ),
        pytest.param(fx.BALL_CURL, sy.curl(reps=2), {"pelvic_obliquity_deg"}, id="ball-curl-side"),
    ],
)
def test_view_advice_for_checks_the_view_cannot_support(ex: Exercise, seq: sy.Sequence, advised: set[str]) -> None:
    report = run(ex, seq)
    assert {a.quantity for a in report.advice} == advised
    assert len(report.advice) == len(advised)
    for a in report.advice:
        assert "Put the camera" in a.text


def test_end_view_cannot_count_bridge_repetitions() -> None:
    report = run(fx.BRIDGE, sy.bridge(reps=3, view="end"))
    assert report.repetitions == ()
    assert any("at your side" in a.text for a in report.advice)


@pytest.mark.parametrize(
    ("ex", "seq"),
    [
        pytest.param(fx.PRONE_DOUBLE, sy.bridge(reps=2), id="prone-lift-on-a-bridge"),
        pytest.param(fx.BRIDGE, sy.prone_lift(reps=2), id="bridge-on-a-prone-lift"),
        pytest.param(fx.TALL_KNEELING, sy.curl(reps=2, kind="standing"), id="kneeling-on-standing"),
    ],
)
def test_wrong_position_is_reported(ex: Exercise, seq: sy.Sequence) -> None:
    report = run(ex, seq)
    assert report.mismatches
    assert report.main_position not in {p.value for p in ex.analysis.positions}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("ex", "seq"),
    [
        pytest.param(
            fx.BRIDGE,
            sy.degrade(sy.bridge(reps=3), noise=0.003, drop_fraction=0.05, swap=(3.0, 3.3), seed=8),
            id="bridge",
        ),
        pytest.param(fx.HALF_KNEELING, sy.kneeling_hold(holds=(4.0,), half=True), id="half-kneeling"),
        pytest.param(fx.BAND_STANDING_CURL, sy.curl(reps=3, kind="standing", thigh_lift_deg=30), id="standing-curl"),
    ],
)
def test_streaming_and_batch_give_the_same_events(ex: Exercise, seq: sy.Sequence) -> None:
    analyzer = Analyzer(ex, aspect=sy.ASPECT)
    events = []
    for t, frame in zip(seq.times, seq.frames, strict=True):
        events.extend(analyzer.update(t, frame))
    events.extend(analyzer.finish())
    report = run(ex, seq)
    batch = [*report.repetitions, *report.holds, *report.faults]
    stream = [e for e in events if type(e).__name__ in {"Repetition", "Hold", "CheckFailed"}]
    key = lambda e: (type(e).__name__, round(getattr(e, "start", getattr(e, "time", 0.0)), 6))  # noqa: E731
    assert sorted(map(key, stream)) == sorted(map(key, batch))
    assert len(report.repetitions) == seq.reps


def test_dropped_frames_reduce_the_usable_fraction() -> None:
    seq = sy.degrade(sy.bridge(reps=2), drop_fraction=0.0)
    seq.frames[100:160, :, :3] = np.nan
    seq.frames[100:160, :, 3] = 0.0
    report = run(fx.BRIDGE, seq)
    expected = 1 - (60 - 15) / seq.frames.shape[0]  # the first 0.5 s of a gap is held
    assert report.usable_fraction == pytest.approx(expected, abs=0.01)
