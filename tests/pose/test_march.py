"""Marching bridge: one step event per foot lift from the end view, with the pelvic drop toward that foot.

Thresholds come from the packaged catalog record ``hip-bridge-march`` (its ``analysis.march`` table).
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from backfit.catalog import load_catalog
from backfit.catalog.schema import Exercise, March
from backfit.pose import Analyzer, Step, analyze_sequence
from backfit.pose import synthetic as sy
from backfit.pose.events import AnalysisReport


@pytest.fixture(scope="module")
def march() -> Exercise:
    return load_catalog().get_or_raise("hip-bridge-march")


def run(ex: Exercise, seq: sy.Sequence) -> AnalysisReport:
    return analyze_sequence(ex, seq.times, seq.frames, aspect=sy.ASPECT)


def test_catalog_record_has_march_thresholds(march: Exercise) -> None:
    assert march.analysis is not None
    assert march.analysis.march is not None
    assert march.analysis.march.down_ratio < march.analysis.march.lift_ratio


@pytest.mark.parametrize(
    "seq",
    [
        pytest.param(sy.bridge_march(steps=4), id="clean-4"),
        pytest.param(sy.degrade(sy.bridge_march(steps=6), noise=0.003, seed=11), id="noisy-6"),
        pytest.param(sy.bridge_march(steps=4, fps=15), id="15fps-4"),
        pytest.param(sy.bridge_march(steps=2, lift_deg=6), id="low-lift-2"),
    ],
)
def test_each_lift_is_one_step_on_the_right_side_and_time(march: Exercise, seq: sy.Sequence) -> None:
    steps = run(march, seq).steps
    assert [s.side for s in steps] == ["left", "right"] * (len(seq.rep_windows) // 2)
    for step, (start, end) in zip(steps, seq.rep_windows, strict=True):
        assert start - 0.05 <= step.start <= start + 0.4
        assert end - 0.4 <= step.end <= end + 0.05
        assert step.lift_ratio > 0.15
        assert abs(step.pelvic_drop_deg) < 2.0
        assert not step.pelvis_dropped


def test_pelvic_drop_is_measured_per_lift(march: Exercise) -> None:
    seq = sy.bridge_march(steps=4, drop_deg=10.0, drop_side="left")
    report = run(march, seq)
    by_side = {side: [s for s in report.steps if s.side == side] for side in ("left", "right")}
    assert len(by_side["left"]) == len(by_side["right"]) == 2
    for s in by_side["left"]:
        assert s.pelvic_drop_deg == pytest.approx(10.0, abs=1.5)
        assert s.pelvis_dropped
    for s in by_side["right"]:
        assert s.pelvic_drop_deg < 1.0
        assert not s.pelvis_dropped
    assert "pelvic_obliquity_deg" in {f.quantity for f in report.faults}


def test_rising_pelvis_on_the_lifted_side_is_not_a_drop(march: Exercise) -> None:
    seq = sy.bridge_march(steps=2, drop_deg=-8.0)  # the lifted side's hip goes up: a hitch, not a drop
    steps = run(march, seq).steps
    assert len(steps) == 2
    assert all(s.pelvic_drop_deg < 1.0 and not s.pelvis_dropped for s in steps)


def test_side_view_gives_no_steps(march: Exercise) -> None:
    report = run(march, sy.bridge_march(steps=4, view="side"))
    assert report.steps == ()
    assert len(report.repetitions) == 1


def test_no_march_table_no_steps() -> None:
    bridge = load_catalog().get_or_raise("hip-bridge")
    assert run(bridge, sy.bridge_march(steps=4)).steps == ()


def test_streaming_gives_the_same_steps(march: Exercise) -> None:
    seq = sy.degrade(sy.bridge_march(steps=4, drop_deg=8.0), noise=0.003, seed=12)
    analyzer = Analyzer(march, aspect=sy.ASPECT)
    events = []
    for t, frame in zip(seq.times, seq.frames, strict=True):
        events.extend(analyzer.update(t, frame))
    events.extend(analyzer.finish())
    stream = [e for e in events if isinstance(e, Step)]
    batch = run(march, seq).steps
    assert [(s.index, s.side, s.start, s.end) for s in stream] == [(s.index, s.side, s.start, s.end) for s in batch]
    for a, b in zip(stream, batch, strict=True):  # vectorised sums may differ in the last bit between chunk sizes
        assert (a.lift_ratio, a.pelvic_drop_deg) == pytest.approx((b.lift_ratio, b.pelvic_drop_deg), abs=1e-9)
    assert len(batch) == 4


@pytest.mark.parametrize(
    "values",
    [
        pytest.param({"lift_ratio": 0.1, "down_ratio": 0.1, "max_drop_deg": 5}, id="no-hysteresis"),
        pytest.param({"lift_ratio": 0.1, "down_ratio": 0.05, "max_drop_deg": 0}, id="zero-drop-bound"),
        pytest.param({"lift_ratio": 0.1, "down_ratio": 0.05, "max_drop_deg": 5, "extra": 1}, id="unknown-key"),
    ],
)
def test_march_table_is_validated(values: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        March.model_validate(values)
