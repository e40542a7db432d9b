"""Which way the camera looks and how the body lies, from landmark geometry.

Raw per-frame labels are computed vectorised (``(frames,)`` int arrays) and
then debounced over time: a new label is accepted only once it has lasted
``settle_s`` seconds (hysteresis against flicker). Also: the advice to give
when the camera's view cannot support a check.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from backfit.catalog.schema import Position, Quantity, View
from backfit.pose import geometry as geo
from backfit.pose import landmarks as lm
from backfit.pose.geometry import Coords
from backfit.pose.landmarks import FloatArray

IntArray = NDArray[np.int64]


class CameraView(StrEnum):
    side = "side"
    end = "end"
    other = "other"


VIEWS: tuple[CameraView, ...] = (CameraView.other, CameraView.side, CameraView.end)
"""Label codes: index in this tuple."""
POSITIONS: tuple[Position | None, ...] = (
    None,
    Position.supine,
    Position.prone,
    Position.kneeling,
    Position.half_kneeling,
    Position.standing,
)
"""Label codes: index in this tuple (0 = unknown)."""


@dataclass(frozen=True)
class ViewConfig:
    """Thresholds of view and position detection.

    ``width_ratio`` = mean of shoulder and hip widths / trunk length (2D):
    below ``side_below`` the camera sees the body's side, above ``end_above``
    it looks along the body (or at its front/back when upright). The trunk is
    upright when its 3D direction is within ``upright_deg`` of vertical; a knee
    is on the floor when the lowest foot point is less than ``kneel_ratio``
    thigh lengths below it.
    """

    side_below: float = 0.35
    end_above: float = 0.6
    upright_deg: float = 40.0
    lying_end_ratio: float = 1.1
    face_margin: float = 0.3
    kneel_ratio: float = 0.45
    settle_s: float = 0.4


def _width_ratio(c: Coords) -> Any:
    o, x, y = c.ops, c.x, c.y
    shoulders = geo.distance(c, lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER)
    hips = geo.distance(c, lm.LEFT_HIP, lm.RIGHT_HIP)
    dx = (x[lm.LEFT_SHOULDER] + x[lm.RIGHT_SHOULDER]) / 2 - (x[lm.LEFT_HIP] + x[lm.RIGHT_HIP]) / 2
    dy = (y[lm.LEFT_SHOULDER] + y[lm.RIGHT_SHOULDER]) / 2 - (y[lm.LEFT_HIP] + y[lm.RIGHT_HIP]) / 2
    return 0.5 * (shoulders + hips) / o.maximum(o.sqrt(dx * dx + dy * dy), 1e-6)


def width_ratio(frames: FloatArray | Coords, aspect: float = 1.0) -> FloatArray:
    """Mean of shoulder and hip widths over trunk length, 2D ``(frames,)``."""
    c = geo.coords(frames, aspect)
    result: FloatArray = c.ops.table([_width_ratio(c)])[:, 0]
    return result


def _view_code(c: Coords, config: ViewConfig) -> Any:
    o = c.ops
    r = _width_ratio(c)
    return o.where(r < config.side_below, 1, o.where(r > config.end_above, 2, 0))


def raw_views(frames: FloatArray | Coords, aspect: float = 1.0, config: ViewConfig = ViewConfig()) -> IntArray:
    """Per-frame view codes (index into :data:`VIEWS`) ``(frames,)``; NaN geometry gives ``other``."""
    c = geo.coords(frames, aspect)
    return c.ops.codes(_view_code(c, config))


_FEET = (lm.LEFT_ANKLE, lm.RIGHT_ANKLE, lm.LEFT_HEEL, lm.RIGHT_HEEL, lm.LEFT_FOOT_INDEX, lm.RIGHT_FOOT_INDEX)


def _position_code(c: Coords, config: ViewConfig) -> Any:
    o, x, y, z, aspect = c.ops, c.raw_x, c.y, c.z, c.aspect
    ls, rs, lh, rh = lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER, lm.LEFT_HIP, lm.RIGHT_HIP
    dx = ((x[ls] + x[rs]) / 2 - (x[lh] + x[rh]) / 2) * aspect
    dy = (y[ls] + y[rs]) / 2 - (y[lh] + y[rh]) / 2
    dz = o.nan_to_num(((z[ls] + z[rs]) / 2 - (z[lh] + z[rh]) / 2) * aspect)
    norm3 = o.sqrt(dx * dx + dy * dy + dz * dz)
    vertical = -dy / o.maximum(norm3, 1e-9)
    upright = (vertical > math.cos(math.radians(config.upright_deg))) & (_width_ratio(c) < config.lying_end_ratio)
    fx, fy = geo.front(c)
    face_y = fy / o.maximum(o.sqrt(fx * fx + fy * fy), 1e-9)
    floor = y[_FEET[0]]  # the lowest foot point, ignoring missing ones (NaN when all are missing)
    for j in _FEET[1:]:
        floor = o.fmax(floor, y[j])
    kneeling = [
        floor - y[k] < config.kneel_ratio * geo.distance(c, k, h)
        for h, k in ((lm.LEFT_HIP, lm.LEFT_KNEE), (lm.RIGHT_HIP, lm.RIGHT_KNEE))
    ]
    lying = o.logical_not(upright) & o.isfinite(norm3)
    kneel_code = o.where(kneeling[0] & kneeling[1], 3, o.where(kneeling[0] | kneeling[1], 4, 5))
    lying_code = o.where(face_y < -config.face_margin, 1, o.where(face_y > config.face_margin, 2, 0))
    return o.where(upright, kneel_code, o.where(lying, lying_code, 0))


def raw_positions(frames: FloatArray | Coords, aspect: float = 1.0, config: ViewConfig = ViewConfig()) -> IntArray:
    """Per-frame body position codes (index into :data:`POSITIONS`) ``(frames,)``."""
    c = geo.coords(frames, aspect)
    return c.ops.codes(_position_code(c, config))


class Debouncer:
    """Hysteresis on integer labels: a change is accepted once it has lasted ``settle_s`` seconds.

    ``debouncer(times (k,), labels (k,)) -> (k,)`` accepted labels; state carries over between calls, so a
    sequence fed one frame at a time or in chunks gives the same labels. Loops over runs of equal labels.
    :meth:`step` is the same for one frame, on plain numbers.
    """

    def __init__(self, settle_s: float) -> None:
        self.settle_s = settle_s
        self.current: int | None = None
        self._candidate: int | None = None
        self._since = 0.0

    def __call__(self, times: FloatArray, labels: IntArray) -> IntArray:
        n = labels.shape[0]
        if n == 1:
            return np.array([self.step(float(times[0]), int(labels[0]))], dtype=np.int64)
        out = np.empty(n, dtype=np.int64)
        if n == 0:
            return out
        t = times.tolist()
        starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]]).tolist()
        for s, e in zip(starts, [*starts[1:], n], strict=True):
            label = int(labels[s])
            first = self.step(t[s], label)
            if first == label:  # accepted at once (or already current): the whole run is
                out[s:e] = label
                continue
            since, settle = self._since, self.settle_s
            switch = bisect.bisect_left(t, True, s + 1, e, key=lambda ti: ti - since >= settle)
            out[s:switch] = first
            if switch < e:
                self.current, self._candidate = label, None
                out[switch:e] = label
        return out

    def step(self, t: float, label: int) -> int:
        """One frame's label at ``t`` s; returns the accepted label."""
        if self.current is None:
            self.current = label
        if label == self.current:
            self._candidate = None
            return label
        if label != self._candidate:
            self._candidate, self._since = label, t
        if t - self._since >= self.settle_s:
            self.current, self._candidate = label, None
        return self.current


_WHAT: dict[Quantity, str] = {
    Quantity.hip_extension_deg: "how high you lift and whether hips, shoulders and knees line up",
    Quantity.knee_flexion_deg: "how far your knees bend",
    Quantity.trunk_to_floor_deg: "that your trunk stays down",
    Quantity.trunk_from_vertical_deg: "that your trunk stays upright",
    Quantity.thigh_from_vertical_deg: "that your thigh stays vertical",
    Quantity.thigh_lift_deg: "how high you lift your thighs",
    Quantity.pelvic_obliquity_deg: "that your pelvis stays level",
    Quantity.leg_height_diff_ratio: "that both legs reach the same height",
    Quantity.knee_width_ratio: "that your knees stay in line with your hips and feet",
}


def view_advice(quantity: Quantity, needed: View, position: Position | None) -> str:
    """What to tell the user when the current view cannot support a check on ``quantity``."""
    what = _WHAT[quantity]
    if needed is View.side:
        return f"Put the camera at your side to check {what}."
    lying = position in (None, Position.supine, Position.prone)
    where = "at your feet, looking along your body," if lying else "in front of you"
    return f"Put the camera {where} to check {what}."
