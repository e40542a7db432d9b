"""The pose model spread over two processes gives the same analysis as one (slow: runs the model twice)."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from backfit.catalog import load_catalog
from backfit.services.analysis import VideoAnalysis, analyze_video
from tests.material import CLIP, require

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def _real_material() -> None:
    require(CLIP)


@pytest.fixture(scope="module")
def clip_three_times(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real clip played three times in a row (about 9 s, 273 frames at 30 fps)."""
    with av.open(str(CLIP)) as c:
        images = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    path = tmp_path_factory.mktemp("video") / "clip_x3.mp4"
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = images[0].shape[1], images[0].shape[0], "yuv420p"
        for img in images * 3:
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


@pytest.fixture(scope="module")
def both(clip_three_times: Path) -> tuple[VideoAnalysis, VideoAnalysis]:
    ex = load_catalog().get_or_raise("hip-bridge")
    return analyze_video(clip_three_times, ex, workers=1), analyze_video(clip_three_times, ex, workers=2)


def test_two_workers_see_every_frame_once(both: tuple[VideoAnalysis, VideoAnalysis]) -> None:
    one, two = both
    assert two.times.tolist() == one.times.tolist()


def test_two_workers_give_the_same_repetitions_and_holds(both: tuple[VideoAnalysis, VideoAnalysis]) -> None:
    one, two = both
    assert len(one.report.repetitions) == len(two.report.repetitions) == 3
    assert len(one.report.holds) == len(two.report.holds) == 3
    for a, b in zip(one.report.holds, two.report.holds, strict=True):
        assert b.duration == pytest.approx(a.duration, abs=0.1)
        assert b.start == pytest.approx(a.start, abs=0.1)
    assert one.problem is None
    assert two.problem is None
