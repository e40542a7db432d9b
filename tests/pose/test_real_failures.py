"""Synthetic cases shaped like the failures seen on real footage, on the packaged catalog records.

Settling below the peak during a hold, clips that start part-way up or end at the top, the person
getting up at the end, brief mis-detections, prone lifts of a few degrees, a rolled camera, and
knees together at rest seen from the feet end.
"""

from __future__ import annotations

import numpy as np
import pytest

from backfit.catalog import load_catalog
from backfit.catalog.schema import Exercise
from backfit.pose import analyze_sequence
from backfit.pose import synthetic as sy
from backfit.pose.analyzer import MachineConfig
from backfit.pose.events import AnalysisReport
from backfit.services.analysis import WrongExerciseError, analyze_landmarks
from backfit.services.live import LiveCoach

CATALOG = load_catalog()
HOLD_TOLERANCE_S = 0.3
"""The aim for every hold (issue 12), on 1-s rises."""
SLOW_RISE_TOLERANCE_S = 0.45
"""Kneeling holds rise in 1.5 s: the last part of the rise within the hold band counts as top (two edges)."""


def run(exercise_id: str, seq: sy.Sequence) -> AnalysisReport:
    return analyze_sequence(CATALOG[exercise_id], seq.times, seq.frames, aspect=sy.ASPECT)


def test_a_hold_that_settles_below_its_peak_is_one_whole_hold() -> None:
    seq = sy.bridge(reps=1, hold_s=16.0, settle_deg=12.0, settle_after_s=1.0)  # 178 deg for 1 s, then 166
    report = run("hip-bridge-hold", seq)
    assert len(report.repetitions) == 1
    assert [round(h.duration) for h in report.holds] == [16]
    assert report.holds[0].duration == pytest.approx(16.0, abs=HOLD_TOLERANCE_S)


@pytest.mark.parametrize(
    ("seq", "reps"),
    [
        pytest.param(sy.crop(sy.bridge(reps=3), start_s=2.5), 2, id="starts-at-the-top"),
        pytest.param(sy.crop(sy.bridge(reps=3), start_s=1.6), 2, id="starts-part-way-up"),
        pytest.param(sy.crop(sy.bridge(reps=3), end_s=13.0), 2, id="cut-at-the-top"),
    ],
)
def test_a_repetition_needs_an_observed_rise_and_return(seq: sy.Sequence, reps: int) -> None:
    report = run("hip-bridge", seq)
    assert len(report.repetitions) == reps
    assert report.repetitions[0].start > seq.times[0] + 0.3, "the first counted rise is seen from rest"
    for hold in report.holds:
        assert hold.duration == pytest.approx(2.0, abs=HOLD_TOLERANCE_S)


def test_getting_up_after_the_last_repetition_does_not_fail_the_analysis() -> None:
    seq = sy.get_up(sy.bridge(reps=3), seconds=1.5)
    report, problem = analyze_landmarks(CATALOG["hip-bridge"], seq.times, seq.frames, sy.ASPECT)
    assert problem is None
    assert len(report.repetitions) == 3
    assert [m.seen for m in report.mismatches] == ["standing"]


def test_a_position_mismatch_over_the_movement_still_fails() -> None:
    seq = sy.prone_lift(reps=3)
    _, problem = analyze_landmarks(CATALOG["hip-bridge"], seq.times, seq.frames, sy.ASPECT)
    assert isinstance(problem, WrongExerciseError)


def test_four_bad_frames_inside_a_long_kneeling_hold_do_not_split_it() -> None:
    seq = sy.corrupt(sy.kneeling_hold(holds=(20.0,)), start_s=12.0, frames=4)  # 0.13 s at 30 frames/s
    report = run("tall-kneeling-pelvic-drop", seq)
    assert len(report.repetitions) == 1
    assert len(report.holds) == 1
    assert report.holds[0].duration == pytest.approx(20.0, abs=SLOW_RISE_TOLERANCE_S)


@pytest.mark.parametrize("shift", [-0.3, 0.3])
def test_a_mis_detection_in_the_last_frames_adds_no_repetition(shift: float) -> None:
    seq = sy.bridge(reps=3)
    seq = sy.corrupt(seq, start_s=float(seq.times[-3]), frames=3, shift=shift)
    assert len(run("hip-bridge", seq).repetitions) == 3


@pytest.mark.parametrize(
    ("exercise_id", "single"),
    [("prone-double-thigh-lift", False), ("prone-single-thigh-lift", True)],
)
@pytest.mark.parametrize("roll_deg", [0.0, 3.0, -3.0, 6.0])
def test_prone_lifts_of_five_degrees_count_whatever_the_camera_roll(
    exercise_id: str, single: bool, roll_deg: float
) -> None:
    seq = sy.roll(sy.degrade(sy.prone_lift(reps=4, lift_deg=5.0, single=single), noise=0.001, seed=3), roll_deg)
    report = run(exercise_id, seq)
    assert len(report.repetitions) == 4
    assert report.faults == ()


@pytest.mark.parametrize("roll_deg", [3.0, -3.0, 6.0])
def test_a_rolled_camera_keeps_bridge_counts(roll_deg: float) -> None:
    seq = sy.roll(sy.bridge(reps=3), roll_deg)
    report = run("hip-bridge", seq)
    assert len(report.repetitions) == 3
    assert report.faults == ()


@pytest.mark.parametrize("roll_deg", [4.0, -6.0])
def test_a_rolled_camera_at_the_feet_leaves_the_pelvis_margin_whole(roll_deg: float) -> None:
    level = run("hip-bridge", sy.roll(sy.bridge(reps=2, view="end"), roll_deg))
    assert level.faults == ()
    dropped = run("hip-bridge", sy.roll(sy.bridge(reps=2, view="end", faults=sy.Faults(pelvis_drop_deg=8)), roll_deg))
    assert {f.quantity for f in dropped.faults} == {"pelvic_obliquity_deg"}


def bridge_windows(reps: int, up: float = 1.0, hold: float = 2.0, down: float = 1.0, rest: float = 1.0) -> list:
    period = up + hold + down + rest
    return [(1.0 + r * period, 1.0 + r * period + up + hold + down) for r in range(reps)]


def test_knees_together_at_rest_from_the_feet_end_raise_nothing_during_rest() -> None:
    seq = sy.bridge(reps=2, view="end", faults=sy.Faults(knee_splay=-0.08))  # knees together throughout
    report = run("hip-bridge", seq)
    knees = [f for f in report.faults if f.quantity == "knee_width_ratio"]
    assert len(knees) == 2, "one per bridge"
    for fault in knees:
        assert any(start <= fault.time <= end for start, end in bridge_windows(2))


def exercise(exercise_id: str) -> Exercise:
    return CATALOG[exercise_id]


@pytest.mark.parametrize(
    "seq",
    [
        pytest.param(sy.bridge(reps=2, hold_s=3.0), id="clean"),
        pytest.param(sy.bridge(reps=1, hold_s=8.0, settle_deg=12.0), id="settling"),
        pytest.param(sy.degrade(sy.bridge(reps=2, hold_s=3.0), noise=0.003, drop_fraction=0.05, seed=2), id="noisy"),
    ],
)
def test_the_live_hold_timer_ends_at_the_saved_hold(seq: sy.Sequence) -> None:
    """The live timer follows the same top position as the holds saved from it (and from files)."""
    coach = LiveCoach(exercise("hip-bridge"), aspect=sy.ASPECT)
    timers: list[float] = []
    holds = []
    for t, frame in zip(seq.times.tolist(), seq.frames, strict=True):
        events = coach.feed(t, frame)
        state = coach.state()
        timers.append(state["hold_s"] if state["holding"] else 0.0)
        holds += [e for e in events if e["type"] == "hold"]
    holds += [e for e in coach.finish() if e["type"] == "hold"]
    batch = run("hip-bridge", seq).holds
    assert [h["seconds"] for h in holds] == pytest.approx([h.duration for h in batch])
    # each hold's timer peaks at the hold's saved duration (it stops where the lowering starts); at the
    # latest frame the running median sees only its past half, so the timer may run on by half its window
    times = seq.times
    for h in batch:
        inside = (times >= h.start) & (times <= h.end + 0.1)
        assert max(np.array(timers)[inside]) == pytest.approx(h.duration, abs=MachineConfig().smooth_s / 2)
