"""The live timer's top position, kept up to date frame by frame (:class:`LiveTop`), is the definition's:
:func:`hold_span` over the repetition's frames so far, whenever it ends at the latest frame.

Checked at every frame on random signals (irregular frame times, dropouts, plateaus, several rules) and
inside the analyzer on every synthetic pattern and on the real clip, asked after every frame (the live
coach under light load) and after chunks of frames (under load)."""

from __future__ import annotations

import numpy as np
import pytest

from backfit.catalog.schema import Exercise
from backfit.pose import Analyzer, analyze_sequence
from backfit.pose import synthetic as sy
from backfit.pose.analyzer import RepMachine
from backfit.pose.holds import HoldRule, LiveTop, TopSpan, hold_span
from tests.material import CLIP, require
from tests.pose import factories as fx
from tests.pose.test_streaming_equivalence import CASES, degraded


def defined_top(times: np.ndarray, signal: np.ndarray, rule: HoldRule) -> TopSpan | None:
    """The definition: the hold of the frames so far, if it ends at the latest one."""
    span = hold_span(times, signal, rule)
    return span if span is not None and span.last == len(signal) - 1 else None


def random_repetition(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A repetition of a few plateaus at random levels joined by quick or slow moves (a rise, sags, re-rises,
    a fall), with noise and mis-detections, at an irregular 10-40 frames/s with dropouts."""
    rng = np.random.default_rng(seed)
    steps = rng.uniform(1 / 40, 1 / 10, 160)
    steps[rng.random(160) < 0.03] = rng.uniform(0.3, 0.8)  # dropouts longer than gap_s
    times = 5.0 + np.cumsum(steps)
    knots_t, knots_v, at = [times[0]], [0.0], times[0]
    for level in [*rng.uniform(8, 25, 4), 0.0]:
        at += rng.uniform(0.05, 0.6)  # the move
        knots_t.append(at)
        knots_v.append(level)
        at += rng.uniform(0.2, 1.5)  # the plateau
        knots_t.append(at)
        knots_v.append(level)
    level = np.interp(times, knots_t, knots_v)
    noise = rng.normal(0, 1.0, len(times))
    spikes = np.where(rng.random(len(times)) < 0.02, rng.normal(0, 15, len(times)), 0.0)  # mis-detections
    signal = np.round(level + noise + spikes, 1)  # rounded: ties in the medians and maxima
    return times, signal


RULES = [
    pytest.param(HoldRule(peak=15.0, band=4.0), id="default-windows"),
    pytest.param(HoldRule(peak=15.0, band=2.0, smooth_s=0.1, window_s=0.5), id="short-windows"),
    pytest.param(HoldRule(peak=18.0, band=6.0, smooth_s=0.6, window_s=2.0, gap_s=0.2), id="long-windows"),
    pytest.param(HoldRule(peak=10.0, band=0.0, smooth_s=0.0, window_s=0.0), id="no-smoothing-no-window"),
]


@pytest.mark.parametrize("rule", RULES)
def test_live_top_is_hold_span_at_every_frame(rule: HoldRule) -> None:
    holding = frames = 0
    for seed in range(40):
        times, signal = random_repetition(seed)
        live = LiveTop(rule)
        for n in range(1, len(times) + 1):
            live.push(float(times[n - 1]), float(signal[n - 1]))
            expected = defined_top(times[:n], signal[:n], rule)
            assert live.now() == expected, f"repetition {seed}, frame {n - 1}"
            holding += expected is not None
        frames += len(times)
    assert 0 < holding < frames  # not vacuous: the latest frame is at the top only some of the time


@pytest.mark.parametrize("every", [1, 5])
def test_asking_after_several_frames_is_the_same(every: int) -> None:
    rule = HoldRule(peak=15.0, band=4.0)
    for seed in range(100, 110):
        times, signal = random_repetition(seed)
        live = LiveTop(rule)
        for n in range(1, len(times) + 1):
            live.push(float(times[n - 1]), float(signal[n - 1]))
            if n % every == 0:
                assert live.now() == defined_top(times[:n], signal[:n], rule), f"repetition {seed}, frame {n - 1}"


def defined_top_now(machine: RepMachine) -> TopSpan | None:
    """``RepMachine.top_now`` by its definition, over the attempt's whole buffer."""
    if not machine.in_rep or not machine.buffer:
        return None
    times = np.array([b[0] for b in machine.buffer])
    signal = np.array([b[1] for b in machine.buffer])
    return defined_top(times, signal, machine.rule)


def check_stream(ex: Exercise, times: np.ndarray, frames: np.ndarray, aspect: float, chunk: int) -> int:
    """Feed ``chunk`` frames at a time; after each chunk the live top position is the definition's.
    Returns the number of chunks that ended in the top position."""
    analyzer = Analyzer(ex, aspect=aspect)
    holding = 0
    for i in range(0, len(times), chunk):
        analyzer.update_many(times[i : i + chunk], frames[i : i + chunk])
        expected = defined_top_now(analyzer.machine)
        assert analyzer.machine.top_now() == expected, f"after frame {min(i + chunk, len(times)) - 1}"
        holding += expected is not None
    return holding


STREAMS = [
    *CASES,
    pytest.param(fx.BRIDGE, sy.bridge(reps=1, hold_s=8.0, settle_deg=12.0), id="bridge-settling-hold"),
    pytest.param(fx.BRIDGE, sy.bridge(reps=4, hold_s=2.0), id="bridge-capacity-benchmark"),
]


@pytest.mark.parametrize("chunk", [1, 4])
@pytest.mark.parametrize(("ex", "seq"), STREAMS)
def test_the_analyzers_live_top_is_the_definition_on_synthetic_streams(
    ex: Exercise, seq: sy.Sequence, chunk: int
) -> None:
    seq = degraded(seq, 0)
    holding = check_stream(ex, seq.times, seq.frames, sy.ASPECT, chunk)
    if analyze_sequence(ex, seq.times, seq.frames, aspect=sy.ASPECT).holds:
        assert holding > 0  # not vacuous: where the analysis saves a hold, the live timer ran


@pytest.mark.slow
@pytest.mark.parametrize("chunk", [1, 3])
def test_the_analyzers_live_top_is_the_definition_on_the_real_clip(chunk: int) -> None:
    require(CLIP)
    from backfit.services.analysis import analyze_video

    ex = fx.BRIDGE
    clip = analyze_video(CLIP, ex)
    assert check_stream(ex, clip.times, clip.landmarks, clip.aspect, chunk) > 0
