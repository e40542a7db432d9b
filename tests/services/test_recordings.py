"""A set's recording as bytes (float16 landmarks, float32 time offsets), and analysis as a pure
function of it: a coach rebuilt from any prefix continues exactly as the uninterrupted one."""

from __future__ import annotations

import numpy as np
import pytest

from backfit.catalog import load_catalog
from backfit.pose.synthetic import Faults, bridge
from backfit.services import recording_codec as codec
from backfit.services.live import LiveCoach

ARCHED = bridge(reps=3, hold_s=2.0, faults=Faults(over_arch_deg=20))


def test_a_recording_round_trips_through_its_bytes() -> None:
    rec = codec.from_arrays(ARCHED.times + 1234.5, ARCHED.frames)
    back = codec.decode(rec.t0, codec.encode_times(rec.offsets), codec.encode_landmarks(rec.landmarks))
    assert back.t0 == 1234.5
    assert back.offsets.tolist() == rec.offsets.tolist()
    assert np.array_equal(back.landmarks, rec.landmarks)
    assert np.abs(back.frames64() - ARCHED.frames).max() < 1e-3  # float16: about 0.3 px at 640 px
    assert len(codec.encode_times(rec.offsets)) + len(codec.encode_landmarks(rec.landmarks)) == rec.frames * 268


def test_times_closer_than_float32_can_tell_are_forced_to_increase() -> None:
    offsets = codec.quantize_offsets(np.array([0.0, 3000.0, 3000.00001, 3000.00002]))
    assert (np.diff(offsets) > 0).all()
    assert codec.quantize_offsets(np.array([1.0]), after=float(offsets[-1]))[0] > offsets[-1]


def test_landmarks_beyond_float16_are_clipped_not_infinite() -> None:
    frames = np.full((1, 33, 4), 1e9)
    frames[0, 0] = np.nan
    marks = codec.quantize_landmarks(frames)
    assert np.isfinite(marks[0, 1:]).all()
    assert np.isnan(marks[0, 0]).all(), "nobody seen stays nobody seen"


@pytest.mark.parametrize(
    ("times", "landmarks", "message"),
    [
        pytest.param(b"123", b"", "float32", id="times-not-float32"),
        pytest.param(bytes(8), bytes(264 * 2), "strictly increasing", id="times-repeat"),
        pytest.param(np.array([0, 1], "<f4").tobytes(), bytes(264), "2 times for 1 frames", id="lengths-differ"),
        pytest.param(bytes(4), bytes(100), "whole frames", id="partial-frame"),
    ],
)
def test_bytes_that_are_not_a_recording_are_refused(times: bytes, landmarks: bytes, message: str) -> None:
    with pytest.raises(codec.RecordingError, match=message):
        codec.decode(0.0, times, landmarks)


def _uninterrupted(exercise: object, times: list[float], frames: list[object]) -> LiveCoach:
    coach = LiveCoach(exercise, 4 / 3)  # type: ignore[arg-type]
    for i, (t, frame) in enumerate(zip(times, frames, strict=True)):
        coach.last_seq = i
        coach.feed(t, frame)  # type: ignore[arg-type]
    coach.finish()
    return coach


@pytest.mark.parametrize("cut_s", [0.5, 2.6, 3.0, 5.5], ids=lambda s: f"cut-at-{s}s")
def test_a_coach_rebuilt_from_the_stored_frames_counts_as_the_uninterrupted_one(cut_s: float) -> None:
    exercise = load_catalog().get_or_raise("hip-bridge")
    times = (ARCHED.times + 77.0).tolist()
    frames = list(ARCHED.frames)
    whole = _uninterrupted(exercise, times, frames)
    assert whole.state()["reps"] == 3
    cut = int(cut_s * 30)
    first = LiveCoach(exercise, 4 / 3, durable=True)
    for start in range(0, cut, 13):  # frames arrive in uneven chunks
        end = min(start + 13, cut)
        first.last_seq = end - 1
        first.feed_many(times[start:end], frames[start:end])
    rebuilt = LiveCoach.rebuilt(exercise, 4 / 3, first.take_pending(), cut - 1, finished=False)  # type: ignore[arg-type]
    assert rebuilt.state()["holding"] == first.state()["holding"]
    for i in range(cut, len(times)):
        rebuilt.last_seq = i
        rebuilt.feed(times[i], frames[i])
    rebuilt.finish()
    for key in ("reps", "held_s", "holds"):
        assert rebuilt.state()[key] == whole.state()[key], key
    # the same faults at the same times; a measured value may differ in its last bit (a chunk is computed
    # vectorised, a single frame on Python floats)
    assert [(e["text"], e["t"]) for e in rebuilt.faults] == [(e["text"], e["t"]) for e in whole.faults]
    assert [e["value"] for e in rebuilt.faults] == pytest.approx([e["value"] for e in whole.faults], rel=1e-12)
