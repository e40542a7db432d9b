"""MediaPipe Pose (full model, bundled with mediapipe 0.10.21) run offline on video files and images.

The only module that imports mediapipe. Landmarks come out as the core's
arrays: ``(33, 4)`` float32 normalised x, y, z, visibility (NaN when nobody is
found), with the frame's presentation time in seconds.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from backfit.adapters.errors import PoseModelUnavailableError, TruncatedVideoError
from backfit.adapters.video import Image, iter_frames

MODEL_SHA256: dict[str, str] = {
    "modules/pose_detection/pose_detection.tflite": "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
    "modules/pose_landmark/pose_landmark_full.tflite": (
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"
    ),
}
"""SHA-256 of the two model files inside the mediapipe 0.10.21 wheel (paths relative to the package)."""

Landmarks = NDArray[np.float32]


def _mediapipe() -> Any:
    try:
        import mediapipe as mp
    except ImportError as exc:
        raise PoseModelUnavailableError("mediapipe is not installed (install backfit[pose])") from exc
    return mp


def verify_model() -> Path:
    """Check the bundled model files against :data:`MODEL_SHA256`; returns the mediapipe package directory."""
    mp = _mediapipe()
    root = Path(mp.__file__).parent
    for rel, expected in MODEL_SHA256.items():
        path = root / rel
        if not path.is_file():
            raise PoseModelUnavailableError(f"pose model file missing: {path}")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != expected:
            raise PoseModelUnavailableError(
                f"pose model file {path.name} has checksum {digest[:12]}..., expected {expected[:12]}..."
            )
    return root


def to_array(result: Any) -> Landmarks:
    """A MediaPipe pose result as ``(33, 4)`` float32 (NaN when no pose)."""
    if result is None or result.pose_landmarks is None:
        return np.full((33, 4), np.nan, dtype=np.float32)
    return np.array([[p.x, p.y, p.z, p.visibility] for p in result.pose_landmarks.landmark], dtype=np.float32)


@dataclass(frozen=True)
class PoseFrame:
    t: float  # seconds
    landmarks: Landmarks  # (33, 4)
    image: Image | None  # RGB (height, width, 3) when kept


class PoseModel:
    """A MediaPipe Pose graph (full model). ``static=True`` for unrelated images, ``False`` for video (tracking)."""

    def __init__(self, static: bool = False) -> None:
        verify_model()
        mp = _mediapipe()
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=static, model_complexity=1, smooth_landmarks=False, min_detection_confidence=0.5
        )

    def __enter__(self) -> PoseModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._pose.close()

    def landmarks(self, rgb: Image) -> Landmarks:
        """Landmarks of one RGB image ``(height, width, 3)`` uint8."""
        return to_array(self._pose.process(rgb))


def video_poses(path: Path, keep_images: bool = False) -> Iterator[PoseFrame]:
    """Stream the landmarks of every frame of a video file (decoding errors propagate after the good frames)."""
    with PoseModel(static=False) as model:
        for t, img in iter_frames(path):
            yield PoseFrame(t, model.landmarks(img), img if keep_images else None)


def image_landmarks(path: Path) -> Landmarks:
    """Landmarks of one still image (static mode); ``(33, 4)`` float32, NaN when nobody is found."""
    from PIL import Image as PILImage

    with PoseModel(static=True) as model:
        rgb = np.asarray(PILImage.open(path).convert("RGB"))
        return model.landmarks(rgb)


WARMUP_S = 1.0
"""Seconds before its range that a worker runs the model on and drops, so tracking has settled at the split."""


@dataclass(frozen=True)
class LandmarkRange:
    """Landmarks of one time range of a video: ``times`` ``(k,)`` s, ``landmarks`` ``(k, 33, 4)`` float32.

    ``error`` is the message of a :class:`TruncatedVideoError` that cut the range short.
    """

    times: NDArray[np.float64]
    landmarks: Landmarks
    error: str | None = None


def range_landmarks(path: Path, start_s: float, end_s: float | None, warmup_s: float = WARMUP_S) -> LandmarkRange:
    """Landmarks of the frames with ``start_s <= t < end_s`` (``end_s`` None: to the end).

    MediaPipe's video mode tracks the body from frame to frame, and a fresh graph starts by detecting it:
    the model runs from ``start_s - warmup_s`` and the warm-up frames are dropped, so the frames kept see
    a settled tracker (as in one continuous run).
    """
    times: list[float] = []
    marks: list[Landmarks] = []
    error: str | None = None
    begin = max(start_s - warmup_s, 0.0) if start_s > 0 else None
    with PoseModel(static=False) as model:
        try:
            for t, img in iter_frames(path, begin, end_s):
                landmarks = model.landmarks(img)
                if t >= start_s:
                    times.append(t)
                    marks.append(landmarks)
        except TruncatedVideoError as exc:
            error = str(exc)
    stacked = np.stack(marks) if marks else np.zeros((0, 33, 4), dtype=np.float32)
    return LandmarkRange(np.asarray(times, dtype=np.float64), stacked, error)


def parallel_landmarks(path: Path, duration_s: float, workers: int, warmup_s: float = WARMUP_S) -> list[LandmarkRange]:
    """Run the model over ``workers`` equal time ranges of the video in as many processes; ranges in time order.

    Processes are started with ``spawn`` (mediapipe's graph threads do not survive ``fork``).
    """
    bounds = [duration_s * i / workers for i in range(workers)]
    ends: list[float | None] = [*bounds[1:], None]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [
            pool.submit(range_landmarks, path, start, end, warmup_s) for start, end in zip(bounds, ends, strict=True)
        ]
        return [f.result() for f in futures]
