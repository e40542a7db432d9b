"""The browser's pose model: the `.task` built from the mediapipe wheel is deterministic, matches its pin, and
gives the legacy `solutions.pose` landmarks on the real clip (slow: runs both models)."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.material import CLIP, require

ROOT = Path(__file__).resolve().parents[2]
KEY = [11, 12, 23, 24, 25, 26, 27, 28]  # shoulders, hips, knees, ankles

pytestmark = pytest.mark.slow


def build_script() -> Any:
    spec = importlib.util.spec_from_file_location("build_pose_task", ROOT / "scripts" / "build_pose_task.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def task_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = build_script().build()
    path = tmp_path_factory.mktemp("model") / "pose_landmarker_full.task"
    path.write_bytes(data)
    return path


def test_task_file_is_deterministic_and_pinned(task_file: Path) -> None:
    pins = dict(
        reversed(line.split(maxsplit=1))
        for line in (ROOT / "assets.sha256").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    digest = hashlib.sha256(task_file.read_bytes()).hexdigest()
    assert digest == pins["pose_landmarker_full.task"]
    assert build_script().build() == task_file.read_bytes()


def pixel_differences(task_file: Path, video_mode: bool) -> np.ndarray:
    """Per-landmark distances in pixels ``(frames, 33)`` between the Tasks API and the legacy model."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from backfit.adapters.pose_model import PoseModel
    from backfit.adapters.video import iter_frames

    mode = vision.RunningMode.VIDEO if video_mode else vision.RunningMode.IMAGE
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(task_file)), running_mode=mode, num_poses=1
    )
    distances = []
    with vision.PoseLandmarker.create_from_options(options) as landmarker, PoseModel(static=not video_mode) as legacy:
        for t, rgb in iter_frames(require(CLIP)):
            h, w = rgb.shape[:2]
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
            result = landmarker.detect_for_video(image, round(t * 1000)) if video_mode else landmarker.detect(image)
            assert result.pose_landmarks, f"no pose at {t:.2f} s"
            tasks = np.array([[p.x, p.y] for p in result.pose_landmarks[0]])
            old = legacy.landmarks(rgb)[:, :2]
            distances.append(np.hypot((tasks[:, 0] - old[:, 0]) * w, (tasks[:, 1] - old[:, 1]) * h))
    return np.array(distances)


@pytest.mark.parametrize(
    ("video_mode", "median_px", "p90_px"),
    [
        # the same image through both: the models and their input normalisation agree
        pytest.param(False, 1.0, 3.0, id="image-mode"),
        # video mode: the Tasks graph smooths landmarks and tracks its own region of interest
        pytest.param(True, 3.0, 7.0, id="video-mode"),
    ],
)
def test_task_model_gives_the_legacy_landmarks(
    task_file: Path, video_mode: bool, median_px: float, p90_px: float
) -> None:
    d = pixel_differences(task_file, video_mode)[:, KEY]
    assert float(np.median(d)) < median_px
    assert float(np.percentile(d, 90)) < p90_px
