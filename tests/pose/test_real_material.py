"""The real pose model on real material: the shared clip and photo pairs (slow)."""

from __future__ import annotations

import numpy as np
import pytest

from backfit.catalog import load_catalog
from backfit.pose import geometry as geo
from tests.material import CLIP, PHOTOS, require

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def _real_material() -> None:
    require(CLIP)
    require(PHOTOS)


# Hold truth, established by eye: frames 16-21 and 64-69 were cropped around the hips with a fixed
# horizontal reference line (640x480, 30 fps). The waistband reaches the line at frame 18-19 and first
# drops below it at frame 68-69, so the hips are still at the top from about frame 18.5 to 67.5: 49 frame
# intervals = 1.63 s, call it 1.6 s. (The data README says "about 1.3 s"; the frames say longer.)
HOLD_BY_EYE_S = 1.6


@pytest.fixture(scope="module")
def clip_analysis():  # type: ignore[no-untyped-def]
    from backfit.services.analysis import analyze_video

    return analyze_video(CLIP, load_catalog().get_or_raise("hip-bridge"))


def test_clip_has_one_repetition_and_one_hold(clip_analysis) -> None:  # type: ignore[no-untyped-def]
    report = clip_analysis.report
    assert len(report.repetitions) == 1
    assert len(report.holds) == 1
    assert report.holds[0].duration == pytest.approx(HOLD_BY_EYE_S, abs=0.3)
    assert report.view_fractions.get("side", 0) > 0.9
    assert report.main_position == "supine"
    assert clip_analysis.problem is None


def _photo(folder: str, index: int) -> np.ndarray:
    from backfit.adapters.pose_model import image_landmarks

    marks = image_landmarks(PHOTOS / folder / f"{index}.jpg")
    assert np.isfinite(marks).all(), "no person found"
    return marks.astype(np.float64)[None]


ASPECT = 850 / 567


def test_bridge_photo_top_has_larger_hip_extension() -> None:
    start = geo.hip_extension_deg(_photo("Butt_Lift_Bridge", 0), ASPECT).mean()
    top = geo.hip_extension_deg(_photo("Butt_Lift_Bridge", 1), ASPECT).mean()
    assert top > start + 20


def test_single_leg_bridge_photo_is_single_leg() -> None:
    frames = _photo("Single_Leg_Glute_Bridge", 1)
    flex = geo.knee_flexion_deg(frames, ASPECT)[0]
    assert abs(flex[0] - flex[1]) > 40
