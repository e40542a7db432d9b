"""Use case: analyse a video file of one exercise (shared by the CLI and the web upload).

Decoding and the pose model live in :mod:`backfit.adapters`; this module wires
them to the pure analysis in :mod:`backfit.pose` and decides what counts as a
usable video.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from backfit.adapters.errors import NoPersonError, PartlyInFrameError, TruncatedVideoError, VideoInputError
from backfit.catalog.schema import Exercise
from backfit.pose import AnalysisReport, NotAnalyzableError, analyze_sequence
from backfit.pose import landmarks as lm
from backfit.services import recording_codec as codec

IN_FRAME_MARGIN = 0.02  # normalised units a key landmark may stray outside the image
MIN_IN_FRAME_FRACTION = 0.5  # of the frames with a person, this many must show every key landmark


class WrongExerciseError(VideoInputError):
    """The movement seen does not match the chosen exercise (e.g. lying face up for a face-down lift)."""


@dataclass
class VideoAnalysis:
    """A finished analysis. ``problem`` is set when only part of the video was usable."""

    report: AnalysisReport
    times: NDArray[Any]  # (frames,) seconds
    landmarks: NDArray[Any]  # (frames, 33, 4) float32
    aspect: float
    fps: float
    images: list[NDArray[Any]] = field(default_factory=list)
    problem: VideoInputError | None = None


def in_frame(frames: NDArray[Any]) -> NDArray[Any]:
    """Frames ``(frames,)`` bool whose key landmarks are all inside the image."""
    keys = frames[:, list(lm.KEY_LANDMARKS), :2]
    with np.errstate(invalid="ignore"):
        inside = (keys >= -IN_FRAME_MARGIN) & (keys <= 1 + IN_FRAME_MARGIN)
    result: NDArray[Any] = inside.all(axis=(1, 2))
    return result


def check_people(frames: NDArray[Any]) -> PartlyInFrameError | None:
    """Raise :class:`NoPersonError` when nobody is seen.

    Returns a partly-in-frame problem when most frames cut the body.
    """
    person = np.isfinite(frames[:, :, 0]).all(axis=1)
    if not person.any():
        raise NoPersonError("nobody was found in the video")
    fraction = float(in_frame(frames[person]).mean())
    if fraction < MIN_IN_FRAME_FRACTION:
        return PartlyInFrameError(
            f"the person is only partly in the frame ({fraction:.0%} of frames show shoulders, hips, knees "
            "and ankles); move the camera back so the whole body is visible"
        )
    return None


def analyze_landmarks(
    exercise: Exercise, times: NDArray[Any], frames: NDArray[Any], aspect: float
) -> tuple[AnalysisReport, VideoInputError | None]:
    """Analyse landmark arrays; frames cut by the image edge are dropped first. Returns the report and any problem.

    The frames are analysed as their stored recording holds them (float16 landmarks, float32 time
    offsets: :mod:`backfit.services.recording_codec`), so that a file, a live set and the replay of
    either give the same events on the same frames."""
    if exercise.analysis is None:
        raise NotAnalyzableError(f"the camera cannot follow '{exercise.id}' (no analysis in its catalog record)")
    recording = codec.from_arrays(times, frames)
    times, frames = recording.times(), recording.frames64()
    problem: VideoInputError | None = check_people(frames)
    usable = frames.copy()
    usable[~in_frame(frames)] = np.nan
    report = analyze_sequence(exercise, times, usable, aspect=aspect)
    expected = {p.value for p in exercise.analysis.positions}
    seen = report.movement_position
    if seen is not None and seen not in expected:
        problem = WrongExerciseError(
            f"the video shows a {seen} position, but '{exercise.id}' is done {' or '.join(sorted(expected))}"
        )
    return report, problem


MIN_RANGE_S = 3.0
"""Shortest time range worth a worker process (shorter videos use fewer workers)."""


def analyze_video(path: Path, exercise: Exercise, keep_images: bool = False, workers: int = 1) -> VideoAnalysis:
    """Run the pose model over ``path`` and analyse ``exercise``.

    ``workers`` > 1 runs the model in that many processes, each on one time range of the video (each
    warms its tracker up on the second before its range); their landmarks are joined in time order and
    fed through the one streaming analysis. Raises :class:`NotAVideoError`, :class:`TruncatedVideoError`
    (nothing decodable), :class:`NoPersonError`, :class:`NotAnalyzableError` or
    :class:`PoseModelUnavailableError`; partial problems are returned in :attr:`VideoAnalysis.problem`
    with the report of the usable part.
    """
    from backfit.adapters.pose_model import verify_model
    from backfit.adapters.video import probe

    if exercise.analysis is None:
        raise NotAnalyzableError(f"the camera cannot follow '{exercise.id}' (no analysis in its catalog record)")
    info = probe(path)
    verify_model()
    workers = max(1, min(workers, int((info.duration_s or 0.0) // MIN_RANGE_S)))
    if workers > 1 and info.duration_s:
        t, frames, problem = _landmarks_parallel(path, info.duration_s, workers)
        images = _images(path, len(t)) if keep_images else []
    else:
        t, frames, images, problem = _landmarks_serial(path, keep_images)
    report, seen = analyze_landmarks(exercise, t, frames, info.aspect)
    return VideoAnalysis(report, t, frames, info.aspect, info.fps, images, problem or seen)


def _landmarks_serial(
    path: Path, keep_images: bool
) -> tuple[NDArray[Any], NDArray[Any], list[NDArray[Any]], VideoInputError | None]:
    from backfit.adapters.pose_model import video_poses

    times: list[float] = []
    marks: list[NDArray[Any]] = []
    images: list[NDArray[Any]] = []
    problem: VideoInputError | None = None
    try:
        for pf in video_poses(path, keep_images=keep_images):
            times.append(pf.t)
            marks.append(pf.landmarks)
            if pf.image is not None:
                images.append(pf.image)
    except TruncatedVideoError as exc:
        if not times:
            raise
        problem = exc
    frames = np.stack(marks) if marks else np.zeros((0, 33, 4), dtype=np.float32)
    return np.asarray(times), frames, images, problem


def _landmarks_parallel(
    path: Path, duration_s: float, workers: int
) -> tuple[NDArray[Any], NDArray[Any], VideoInputError | None]:
    from backfit.adapters.pose_model import parallel_landmarks

    kept = []
    problem: VideoInputError | None = None
    for part in parallel_landmarks(path, duration_s, workers):
        kept.append(part)
        if part.error is not None:  # the video breaks off here: later ranges are not trusted
            problem = TruncatedVideoError(part.error)
            break
    times = np.concatenate([p.times for p in kept])
    if not len(times) and problem is not None:
        raise problem
    return times, np.concatenate([p.landmarks for p in kept]), problem


def _images(path: Path, n: int) -> list[NDArray[Any]]:
    from backfit.adapters.video import iter_frames

    images: list[NDArray[Any]] = []
    try:
        for _, img in iter_frames(path):
            images.append(img)
            if len(images) == n:
                break
    except TruncatedVideoError:
        pass
    return images


def report_json(report: AnalysisReport) -> dict[str, object]:
    """The report as JSON-ready data (the CLI's ``--json`` and an uploaded video's job result), no trace."""
    data = asdict(report)
    data.pop("trace", None)
    data["total_hold_s"] = report.total_hold_s
    return data
