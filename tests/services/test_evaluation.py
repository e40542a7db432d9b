"""`backfit evaluate`: manifests of videos, landmark recordings and synthetic sequences, scored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backfit.cli import app
from backfit.cli.app import ExitCode
from backfit.pose import synthetic as sy
from backfit.services.evaluation import ClipScore, totals, write_landmarks
from tests.material import CLIP, DATA, require

runner = CliRunner()


def evaluate_json(manifest: Path) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["evaluate", str(manifest), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def score(count: int, truth: int, errors: list[float] | None = None) -> ClipScore:
    return ClipScore("c", "hip-bridge", "synthetic", count, truth, [], None, errors or [])


def test_totals_are_the_repcount_metrics() -> None:
    t = totals([score(3, 3, [0.1]), score(4, 5, [0.2, 0.5]), score(8, 5), score(0, 2)])
    assert t.exact_rate == 0.25
    assert t.mae == pytest.approx((0 + 1 / 5 + 3 / 5 + 1) / 4)
    assert t.obo == 0.5
    assert t.holds == 3
    assert t.hold_error_p50_s == pytest.approx(0.2)


def test_a_landmark_recording_is_scored_like_the_sequence_it_holds(tmp_path: Path) -> None:
    seq = sy.prone_lift(reps=4, lift_deg=5.0)
    write_landmarks(tmp_path / "set.npz", seq.times, seq.frames, sy.ASPECT)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "clips": [
                    {"name": "recorded", "exercise": "prone-double-thigh-lift", "landmarks": "set.npz", "reps": 4},
                    {
                        "name": "wrongly labelled",
                        "exercise": "prone-double-thigh-lift",
                        "landmarks": "set.npz",
                        "reps": 6,
                    },
                ]
            }
        )
    )
    out = evaluate_json(manifest)
    assert [c["count"] for c in out["clips"]] == [4, 4]
    assert [c["count_error"] for c in out["clips"]] == [0, -2]
    assert out["totals"]["exact_rate"] == 0.5
    assert out["totals"]["obo"] == 0.5


def test_the_synthetic_manifest_is_counted_exactly() -> None:
    out = evaluate_json(DATA / "synthetic_manifest.json")
    assert out["totals"]["clips"] == len(json.loads((DATA / "synthetic_manifest.json").read_text())["clips"])
    assert [c["count"] for c in out["clips"]] == [c["truth"] for c in out["clips"]]
    assert out["totals"]["exact_rate"] == 1.0


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        pytest.param(None, ExitCode.not_found, "no manifest", id="missing"),
        pytest.param("{not json", ExitCode.invalid_input, "not a JSON manifest", id="not-json"),
        pytest.param({"clips": []}, ExitCode.invalid_input, "clips", id="no-clips"),
        pytest.param(
            {"clips": [{"name": "x", "exercise": "hip-bridge", "reps": 1}]},
            ExitCode.invalid_input,
            "exactly one of",
            id="no-source",
        ),
        pytest.param(
            {"clips": [{"name": "x", "exercise": "nope", "reps": 1, "synthetic": {"pattern": "bridge"}}]},
            ExitCode.not_found,
            "unknown exercise",
            id="unknown-exercise",
        ),
        pytest.param(
            {"clips": [{"name": "x", "exercise": "hip-bridge", "reps": 1, "landmarks": "gone.npz"}]},
            ExitCode.not_found,
            "gone.npz",
            id="missing-recording",
        ),
    ],
)
def test_bad_manifests_get_one_line_and_a_code(tmp_path: Path, content: object, code: ExitCode, words: str) -> None:
    manifest = tmp_path / "manifest.json"
    if content is not None:
        manifest.write_text(content if isinstance(content, str) else json.dumps(content))
    result = runner.invoke(app, ["evaluate", str(manifest)])
    assert result.exit_code == code, result.output
    assert words in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_the_real_clip_manifest() -> None:
    require(CLIP)
    out = evaluate_json(DATA / "manifest.json")
    (clip,) = out["clips"]
    assert clip["count"] == clip["truth"] == 1
    assert clip["hold_errors_s"][0] <= 0.3
    assert out["totals"]["exact_rate"] == 1.0
