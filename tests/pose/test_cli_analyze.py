"""``backfit analyze`` on the real clip and on every kind of bad input (slow: runs the pose model)."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest
from typer.testing import CliRunner

import backfit.cli  # noqa: F401  (registers every command)
from backfit.cli.app import ExitCode, app
from tests.material import CLIP, require

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def _real_material() -> None:
    require(CLIP)


runner = CliRunner()


def _write(path: Path, images: list[np.ndarray], fps: int = 30) -> Path:
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = images[0].shape[1], images[0].shape[0], "yuv420p"
        for img in images:
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


@pytest.fixture(scope="module")
def clip_frames() -> list[np.ndarray]:
    with av.open(str(CLIP)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def test_json_report_of_the_clip(tmp_path: Path) -> None:
    plot, annotated = tmp_path / "p.png", tmp_path / "a.mp4"
    result = runner.invoke(
        app,
        [
            "analyze",
            str(CLIP),
            "--exercise",
            "hip-bridge",
            "--json",
            "--plot",
            str(plot),
            "--annotated",
            str(annotated),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout[result.stdout.index("{") :])
    assert len(data["repetitions"]) == 1
    assert len(data["holds"]) == 1
    assert plot.stat().st_size > 1000
    with av.open(str(annotated)) as c:
        assert c.streams.video[0].frames == 91


def _bad_text(tmp: Path, frames: list[np.ndarray]) -> Path:
    p = tmp / "notes.mp4"
    p.write_text("this is not a video\n")
    return p


def _truncated(tmp: Path, frames: list[np.ndarray]) -> Path:
    p = tmp / "cut.mp4"
    p.write_bytes(CLIP.read_bytes()[: CLIP.stat().st_size // 2])
    return p


def _blank(tmp: Path, frames: list[np.ndarray]) -> Path:
    return _write(tmp / "blank.mp4", [np.full((240, 320, 3), 128, np.uint8)] * 30)


def _partial(tmp: Path, frames: list[np.ndarray]) -> Path:
    return _write(tmp / "crop.mp4", [np.ascontiguousarray(f[:, 100:340]) for f in frames])


@pytest.mark.parametrize(
    ("make", "args", "code"),
    [
        pytest.param(_bad_text, ["--exercise", "hip-bridge"], ExitCode.not_a_video, id="text-file"),
        pytest.param(_truncated, ["--exercise", "hip-bridge"], ExitCode.truncated_video, id="truncated"),
        pytest.param(_blank, ["--exercise", "hip-bridge"], ExitCode.no_person, id="nobody"),
        pytest.param(_partial, ["--exercise", "hip-bridge"], ExitCode.partly_in_frame, id="partly-in-frame"),
        pytest.param(None, ["--exercise", "prone-double-thigh-lift"], ExitCode.wrong_exercise, id="wrong-exercise"),
        pytest.param(None, ["--exercise", "no-such-exercise"], ExitCode.not_found, id="unknown-id"),
    ],
)
def test_bad_input_gives_one_line_and_its_exit_code(
    tmp_path: Path, clip_frames: list[np.ndarray], make, args: list[str], code: ExitCode
) -> None:  # type: ignore[no-untyped-def]
    video = make(tmp_path, clip_frames) if make else CLIP
    result = runner.invoke(app, ["analyze", str(video), *args])
    assert result.exit_code == int(code), result.output
    assert "error:" in result.output
