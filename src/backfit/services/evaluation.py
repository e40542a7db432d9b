"""Use case: score the camera analysis against labelled recordings (``backfit evaluate MANIFEST.json``).

A manifest is a JSON file listing clips, each with the truth a person labelled::

    {"clips": [
      {"name": "bridge, side, 1 rep", "exercise": "hip-bridge",
       "video": "clips/bridge_side_1rep_hold.mp4", "reps": 1, "holds_s": [1.6]},
      {"name": "recorded live set", "exercise": "prone-double-thigh-lift",
       "landmarks": "recordings/set-12.npz", "reps": 10},
      {"name": "settling bridge hold", "exercise": "hip-bridge-hold", "reps": 1, "holds_s": [16.0],
       "synthetic": {"pattern": "bridge", "reps": 1, "hold_s": 16.0, "settle_deg": 12}}
    ]}

Each clip names exactly one source: ``video`` (a video file, run through the pose model),
``landmarks`` (a landmark recording, see :func:`read_landmarks`) or ``synthetic`` (the keyword
arguments of a :mod:`backfit.pose.synthetic` pattern, plus ``"pattern"``). Paths are relative
to the manifest's folder. ``reps`` is the true count; ``holds_s`` (optional) the true hold of each
repetition in seconds, in order.

The totals are those of the RepCount-A benchmark: the exact-count rate, the mean absolute count
error divided by the true count (MAE), and off-by-one accuracy (OBO: the count is within one);
and the hold errors' median and 95th percentile (seconds).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from backfit.catalog import Catalog
from backfit.pose import AnalysisReport, analyze_sequence
from backfit.pose import landmarks as lm
from backfit.pose import synthetic as sy

DEFAULT_ASPECT = 4 / 3
"""Image width / height of a landmark recording that does not say (the live coach's default)."""


class ManifestError(ValueError):
    """A manifest or a file it names cannot be used (the message says which and why)."""


class MissingFileError(ManifestError):
    """A file the manifest names does not exist."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Synthetic(_Strict):
    """A :mod:`backfit.pose.synthetic` performance: ``pattern`` and that function's keyword arguments."""

    model_config = ConfigDict(extra="allow", frozen=True)
    pattern: Literal["bridge", "prone_lift", "kneeling_hold", "curl", "press", "bridge_march"]


class ClipEntry(_Strict):
    name: str = Field(min_length=1)
    exercise: str
    reps: Annotated[int, Field(ge=0)]
    holds_s: list[Annotated[float, Field(ge=0)]] | None = None
    video: str | None = None
    landmarks: str | None = None
    synthetic: Synthetic | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ClipEntry:
        given = [k for k in ("video", "landmarks", "synthetic") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of video, landmarks, synthetic (got {', '.join(given) or 'none'})")
        return self


class Manifest(_Strict):
    clips: list[ClipEntry] = Field(min_length=1)


@dataclass(frozen=True)
class ClipScore:
    """One clip: counted vs true repetitions, measured vs true holds (s), and their absolute errors (s)."""

    name: str
    exercise: str
    source: str
    count: int
    truth: int
    holds_s: list[float]
    truth_holds_s: list[float] | None
    hold_errors_s: list[float] = field(default_factory=list)

    @property
    def count_error(self) -> int:
        return self.count - self.truth


@dataclass(frozen=True)
class Totals:
    clips: int
    exact_rate: float
    mae: float
    obo: float
    holds: int
    hold_error_p50_s: float | None
    hold_error_p95_s: float | None


def read_landmarks(path: Path) -> tuple[lm.FloatArray, lm.FloatArray, float]:
    """A landmark recording: an ``.npz`` file with ``t`` ``(frames,)`` seconds (strictly increasing),
    ``landmarks`` ``(frames, 33, 4)`` normalised x, y, z, visibility (NaN rows where nobody was seen),
    and optionally ``aspect`` (image width / height, default 4/3). Returns (times, frames, aspect)."""
    if not path.is_file():
        raise MissingFileError(f"file not found: {path}")
    try:
        with np.load(path, allow_pickle=False) as data:
            times = lm.as_times(data["t"], len(data["t"]))
            frames = lm.as_frames(data["landmarks"])
            aspect = float(data["aspect"]) if "aspect" in data.files else DEFAULT_ASPECT
    except (OSError, ValueError, KeyError) as exc:
        raise ManifestError(f"{path.name}: not a landmark recording ({exc})") from exc
    if len(times) != len(frames):
        raise ManifestError(f"{path.name}: {len(times)} timestamps for {len(frames)} frames")
    return times, frames, aspect


def write_landmarks(path: Path, times: lm.FloatArray, frames: lm.FloatArray, aspect: float) -> None:
    """Write a landmark recording in the format :func:`read_landmarks` reads."""
    np.savez_compressed(path, t=np.asarray(times, dtype=np.float64), landmarks=frames, aspect=aspect)


def read_manifest(path: Path) -> Manifest:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path.name}: not a JSON manifest ({exc})") from exc
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ManifestError(f"{path.name}: {where}: {first['msg']}") from exc


def synthetic_sequence(spec: Synthetic) -> sy.Sequence:
    """The sequence a manifest's ``synthetic`` entry describes."""
    args: dict[str, Any] = dict(spec.model_extra or {})
    make: Callable[..., sy.Sequence] = getattr(sy, spec.pattern)
    degrade = args.pop("degrade", None)
    variants = args.pop("variants", [])
    try:
        seq = make(**args)
        for v in variants:
            v = dict(v)
            seq = getattr(sy, v.pop("kind"))(seq, **v)
        if degrade:
            seq = sy.degrade(seq, **degrade)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise ManifestError(f"synthetic {spec.pattern}: {exc}") from exc
    return seq


def _report(entry: ClipEntry, folder: Path, catalog: Catalog) -> AnalysisReport:
    from backfit.services.analysis import analyze_landmarks, analyze_video

    exercise = catalog.get_or_raise(entry.exercise)
    if entry.synthetic is not None:
        seq = synthetic_sequence(entry.synthetic)
        return analyze_sequence(exercise, seq.times, seq.frames, aspect=sy.ASPECT)
    if entry.landmarks is not None:
        times, frames, aspect = read_landmarks(folder / entry.landmarks)
        return analyze_landmarks(exercise, times, frames, aspect)[0]
    assert entry.video is not None
    if not (folder / entry.video).is_file():
        raise MissingFileError(f"file not found: {folder / entry.video}")
    return analyze_video(folder / entry.video, exercise).report


def score_clip(entry: ClipEntry, report: AnalysisReport) -> ClipScore:
    holds = [h.duration for h in report.holds]
    errors: list[float] = []
    if entry.holds_s is not None:
        for i, truth in enumerate(entry.holds_s):
            errors.append(abs((holds[i] if i < len(holds) else 0.0) - truth))
    source = "video" if entry.video else "landmarks" if entry.landmarks else "synthetic"
    return ClipScore(
        entry.name, entry.exercise, source, len(report.repetitions), entry.reps, holds, entry.holds_s, errors
    )


def totals(scores: list[ClipScore]) -> Totals:
    n = len(scores)
    exact = sum(s.count == s.truth for s in scores) / n
    mae = float(np.mean([abs(s.count_error) / max(s.truth, 1) for s in scores]))
    obo = sum(abs(s.count_error) <= 1 for s in scores) / n
    errors = [e for s in scores for e in s.hold_errors_s]
    p50 = float(np.percentile(errors, 50)) if errors else None
    p95 = float(np.percentile(errors, 95)) if errors else None
    return Totals(n, exact, mae, obo, len(errors), p50, p95)


def evaluate(path: Path, catalog: Catalog) -> tuple[list[ClipScore], Totals]:
    """Analyse every clip of the manifest at ``path``; raises :class:`ManifestError` on unusable input."""
    manifest = read_manifest(path)
    scores = []
    for entry in manifest.clips:
        try:
            report = _report(entry, path.parent, catalog)
        except FileNotFoundError as exc:
            raise MissingFileError(f"clip '{entry.name}': file not found: {exc.filename}") from exc
        except MissingFileError as exc:
            raise MissingFileError(f"clip '{entry.name}': {exc}") from exc
        except ManifestError as exc:
            raise ManifestError(f"clip '{entry.name}': {exc}") from exc
        scores.append(score_clip(entry, report))
    return scores, totals(scores)
