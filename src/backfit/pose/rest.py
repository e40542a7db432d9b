"""The per-set baseline: the floor line and the person's resting pose at the start of a set.

A set starts at rest. During its first ``rest_s`` seconds of frames that show the
key landmarks, :class:`RestPose` collects, per frame (:func:`rest_row`):

- the floor line's angle in the image (degrees, + = clockwise with y down): for a
  body lying seen from the side, the hip-midpoint-to-ankle-midpoint line (both rest
  on the floor, face up with the knees bent or face down); seen from the end, the hip line (the pelvis lies level);
- for the end view, the height of the hip midpoint above the ankle midpoint in hip
  widths (the bridge lift's trace from the feet end, where the hip angle cannot be seen).

Then the medians are fixed for the set: :meth:`RestPose.roll_deg` is the camera's roll (0 when the
body is upright, or the estimate is implausibly large), and the landmarks are turned by it before any
quantity is measured, so a camera rolled a few degrees changes no floor-referenced measure;
:meth:`RestPose.lifted` tells whether the body has left its resting pose in the end view.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from backfit.pose import geometry as geo
from backfit.pose import landmarks as lm
from backfit.pose.landmarks import FloatArray


@dataclass(frozen=True)
class RestConfig:
    """Constants of the baseline.

    ``rest_s``: seconds of the set's start that make its baseline; ``max_roll_deg``: larger tilts are not
    a camera roll (no correction); ``lift_ratio``: the hips' height above the ankles changing by this many
    hip widths leaves the resting pose (end view).
    """

    rest_s: float = 1.0
    max_roll_deg: float = 8.0
    lift_ratio: float = 0.15


def _fold(deg: Any, o: type[geo.Ops]) -> Any:
    """An undirected line's angle folded into -90..90 degrees."""
    return o.where(deg > 90.0, deg - 180.0, o.where(deg < -90.0, deg + 180.0, deg))


def rest_row(c: geo.Coords) -> list[Any]:
    """Columns: side-lying floor angle, hip-line angle, hip height above the ankles (hip widths)."""
    o, x, y = c.ops, c.x, c.y
    ax = 0.5 * (x[lm.LEFT_ANKLE] + x[lm.RIGHT_ANKLE])
    ay = 0.5 * (y[lm.LEFT_ANKLE] + y[lm.RIGHT_ANKLE])
    hx = 0.5 * (x[lm.LEFT_HIP] + x[lm.RIGHT_HIP])
    hy = 0.5 * (y[lm.LEFT_HIP] + y[lm.RIGHT_HIP])
    side = _fold(o.degrees(o.atan2(ay - hy, ax - hx)), o)
    hips = _fold(o.degrees(o.atan2(y[lm.LEFT_HIP] - y[lm.RIGHT_HIP], x[lm.LEFT_HIP] - x[lm.RIGHT_HIP])), o)
    width = o.maximum(geo.distance(c, lm.LEFT_HIP, lm.RIGHT_HIP), 1e-6)
    return [side, hips, (ay - hy) / width]


def rest_table(c: geo.Coords) -> FloatArray:
    """:func:`rest_row` for every frame ``(frames, 3)``."""
    return c.ops.table(rest_row(c))


def rotate(frames: FloatArray, aspect: float, roll_deg: float) -> FloatArray:
    """Landmarks ``(k, 33, 4)`` turned by ``-roll_deg`` about the image centre, in true image proportions."""
    if roll_deg == 0.0:
        return frames
    r = math.radians(-roll_deg)
    cos, sin = math.cos(r), math.sin(r)
    out = frames.copy()
    x = (frames[..., 0] - 0.5) * aspect
    y = frames[..., 1] - 0.5
    out[..., 0] = (cos * x - sin * y) / aspect + 0.5
    out[..., 1] = sin * x + cos * y + 0.5
    return out


class RestPose:
    """Collects the first ``rest_s`` seconds of a set, then holds its baseline fixed (see the module docstring)."""

    def __init__(self, lying: bool, config: RestConfig | None = None) -> None:
        self.config = config or RestConfig()
        self.lying = lying
        self._rows: list[tuple[float, list[float], int]] = []  # (time, rest row, view code)
        self._since: float | None = None
        self.fixed = False
        self.roll = 0.0
        self.end_height = math.nan

    def collect(self, t: float, row: list[float], view_code: int) -> bool:
        """One frame's :func:`rest_row` (NaN where landmarks are missing); True when the baseline was just fixed."""
        if self.fixed or row[2] != row[2]:
            return False
        if self._since is None:
            self._since = t
        self._rows.append((t, row, view_code))
        if t - self._since < self.config.rest_s:
            return False
        self._fix()
        return True

    def _fix(self) -> None:
        self.fixed = True
        rows = np.array([r for _, r, _ in self._rows])
        views = np.array([v for _, _, v in self._rows])
        view = int(np.bincount(views).argmax())
        side_code, end_code = 1, 2  # view codes (see view.VIEWS)
        roll = 0.0
        if self.lying and view == side_code:
            roll = float(np.nanmedian(rows[:, 0]))
        elif view == end_code:
            roll = float(np.nanmedian(rows[:, 1]))
            self.end_height = float(np.nanmedian(rows[:, 2]))
        self.roll = roll if abs(roll) <= self.config.max_roll_deg else 0.0
        self._rows = []

    def lifted(self, row: list[float]) -> bool:
        """Whether an end-view frame's hips have risen from the resting pose (False until the baseline is fixed)."""
        h = row[2]
        base = self.end_height
        return self.fixed and h == h and base == base and abs(h - base) >= self.config.lift_ratio
