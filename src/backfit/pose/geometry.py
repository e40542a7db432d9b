"""Vectorised body geometry on landmark arrays.

Every function takes ``frames`` of shape ``(frames, 33, 4)`` (see
:mod:`backfit.pose.landmarks`) and ``aspect`` = image width / height, so that
angles are measured in true image proportions (normalised x and y have
different pixel scales). Angles are in degrees; the floor line is the image's
horizontal (a level camera). Per-side functions return ``(frames, 2)``
arrays, column 0 = left, column 1 = right. NaN in, NaN out.

Each formula is written once, on landmark coordinates (:class:`Coords`) and
primitive maths (:class:`Ops`): a chunk of frames runs it on numpy columns
``(k,)``, a single frame (the live coach) on plain Python floats, which avoids
numpy's per-call overhead on one-element arrays. Both give the same values.
"""

from __future__ import annotations

import math
import operator
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from backfit.catalog.schema import Quantity
from backfit.pose import landmarks as lm
from backfit.pose.landmarks import FloatArray

QUANTITIES: tuple[Quantity, ...] = tuple(Quantity)
"""Column order of :func:`quantity_table`."""
COLUMN: dict[Quantity, int] = {q: i for i, q in enumerate(QUANTITIES)}

_SIDES = (
    (lm.LEFT_SHOULDER, lm.LEFT_HIP, lm.LEFT_KNEE, lm.LEFT_ANKLE),
    (lm.RIGHT_SHOULDER, lm.RIGHT_HIP, lm.RIGHT_KNEE, lm.RIGHT_ANKLE),
)


class SideRule(StrEnum):
    """How per-side quantities are combined into one value a frame."""

    mean = "mean"  # visibility-weighted mean of both sides
    stance = "stance"  # the side with the more flexed knee (single-leg bridge: the leg on the floor)
    larger = "larger"  # the side with the larger signal (one working leg)
    smaller = "smaller"  # the side with the smaller signal


class Ops:
    """Primitive maths on per-frame columns ``(k,)`` numpy arrays (this class) or plain floats (:class:`ScalarOps`).

    The analysis formulas are written once against these primitives: batch analysis runs them on numpy
    columns, a single frame on Python floats (no numpy call overhead). NaN propagates as numpy's does.
    """

    atan2: Any = staticmethod(np.arctan2)
    sqrt: Any = staticmethod(np.sqrt)
    degrees: Any = staticmethod(np.degrees)
    where: Any = staticmethod(np.where)
    isfinite: Any = staticmethod(np.isfinite)
    maximum: Any = staticmethod(np.maximum)  # NaN-propagating
    fmax: Any = staticmethod(np.fmax)  # NaN-ignoring
    sign: Any = staticmethod(np.sign)
    logical_not: Any = staticmethod(np.logical_not)

    @staticmethod
    def nan_to_num(v: Any) -> Any:
        return np.nan_to_num(v, nan=0.0)

    @staticmethod
    def table(columns: list[Any]) -> FloatArray:
        """Columns ``(k,)`` as a ``(k, len(columns))`` array."""
        return np.column_stack(columns)

    @staticmethod
    def codes(column: Any) -> NDArray[np.int64]:
        """Integer labels ``(k,)``."""
        return np.asarray(column, dtype=np.int64)


_FLOAT_MAX = float(np.finfo(np.float64).max)


def _where(cond: Any, a: Any, b: Any) -> Any:
    return a if cond else b


def _maximum(a: float, b: float) -> float:
    return a if a != a or a >= b else b


def _fmax(a: float, b: float) -> float:
    return b if a != a or b > a else a


def _sign(v: float) -> float:
    return 1.0 if v > 0 else -1.0 if v < 0 else v * 0.0


def _nan_to_num(v: float) -> float:
    if v != v:
        return 0.0
    return v if abs(v) <= _FLOAT_MAX else math.copysign(_FLOAT_MAX, v)


class ScalarOps(Ops):
    """:class:`Ops` on plain Python floats: one frame."""

    atan2 = staticmethod(math.atan2)
    sqrt = staticmethod(math.sqrt)
    degrees = staticmethod(math.degrees)
    where = staticmethod(_where)
    isfinite = staticmethod(math.isfinite)
    maximum = staticmethod(_maximum)
    fmax = staticmethod(_fmax)
    sign = staticmethod(_sign)
    logical_not = staticmethod(operator.not_)
    nan_to_num = staticmethod(_nan_to_num)

    @staticmethod
    def table(columns: list[Any]) -> FloatArray:
        return np.array([columns], dtype=np.float64)

    @staticmethod
    def codes(column: Any) -> NDArray[np.int64]:
        return np.array([column], dtype=np.int64)


class Coords:
    """Landmark coordinates of ``k`` frames, indexed by landmark: ``x[j]`` is landmark ``j``'s image x.

    ``x`` (times ``aspect``: height units), ``y``, ``z``, ``vis`` and ``raw_x`` (normalised x) hold
    ``(k,)`` columns, or plain floats when ``k == 1`` (then ``ops`` is :class:`ScalarOps`; ``scalar``
    forces either form).
    """

    __slots__ = ("aspect", "k", "ops", "raw_x", "vis", "x", "y", "z")

    def __init__(self, frames: FloatArray, aspect: float = 1.0, scalar: bool | None = None) -> None:
        self.k = frames.shape[0]
        self.aspect = aspect
        if scalar if scalar is not None else self.k == 1:
            raw_x, y, z, vis = frames[0].T.tolist()
            self.x: Any = [v * aspect for v in raw_x]
            self.ops: type[Ops] = ScalarOps
        else:
            raw_x, y, z, vis = np.ascontiguousarray(frames.transpose(2, 1, 0))  # each (33, k)
            self.x = raw_x * aspect
            self.ops = Ops
        self.raw_x: Any = raw_x
        self.y: Any = y
        self.z: Any = z
        self.vis: Any = vis


def coords(frames: FloatArray | Coords, aspect: float = 1.0) -> Coords:
    """``frames`` ``(k, 33, 4)`` as :class:`Coords` (passed through when already converted: ``aspect`` is then
    the one given to :class:`Coords`)."""
    return frames if isinstance(frames, Coords) else Coords(lm.as_frames(frames), aspect)


def _angle(o: type[Ops], ax: Any, ay: Any, bx: Any, by: Any, cx: Any, cy: Any) -> Any:
    """Unsigned angle ABC at B in degrees (0..180)."""
    ux, uy, vx, vy = ax - bx, ay - by, cx - bx, cy - by
    return o.degrees(abs(o.atan2(ux * vy - uy * vx, ux * vx + uy * vy)))


def front(c: Coords) -> tuple[Any, Any]:
    """Ear midpoint to nose (x, y)."""
    x, y = c.x, c.y
    return (
        x[lm.NOSE] - 0.5 * (x[lm.LEFT_EAR] + x[lm.RIGHT_EAR]),
        y[lm.NOSE] - 0.5 * (y[lm.LEFT_EAR] + y[lm.RIGHT_EAR]),
    )


def _trunk(c: Coords) -> tuple[Any, Any]:
    """Hip midpoint to shoulder midpoint (x, y)."""
    x, y = c.x, c.y
    return (
        0.5 * (x[lm.LEFT_SHOULDER] + x[lm.RIGHT_SHOULDER]) - 0.5 * (x[lm.LEFT_HIP] + x[lm.RIGHT_HIP]),
        0.5 * (y[lm.LEFT_SHOULDER] + y[lm.RIGHT_SHOULDER]) - 0.5 * (y[lm.LEFT_HIP] + y[lm.RIGHT_HIP]),
    )


def distance(c: Coords, a: int, b: int) -> Any:
    dx, dy = c.x[a] - c.x[b], c.y[a] - c.y[b]
    return c.ops.sqrt(dx * dx + dy * dy)


def _hip_extension(c: Coords, side: int, front: tuple[Any, Any]) -> Any:
    o, x, y = c.ops, c.x, c.y
    s, h, k, _ = _SIDES[side]
    theta = _angle(o, x[s], y[s], x[h], y[h], x[k], y[k])
    tx, ty = x[h] - x[s], y[h] - y[s]
    knee_side = tx * (y[k] - y[h]) - ty * (x[k] - x[h])
    face_side = tx * front[1] - ty * front[0]
    return o.where(knee_side * face_side < 0, 360.0 - theta, theta)


def _knee_flexion(c: Coords, side: int) -> Any:
    x, y = c.x, c.y
    _, h, k, a = _SIDES[side]
    return 180.0 - _angle(c.ops, x[h], y[h], x[k], y[k], x[a], y[a])


def _thigh_from_vertical(c: Coords, side: int) -> Any:
    _, h, k, _ = _SIDES[side]
    return c.ops.degrees(c.ops.atan2(abs(c.x[k] - c.x[h]), c.y[k] - c.y[h]))


def _thigh_lift(c: Coords, side: int) -> Any:
    _, h, k, _ = _SIDES[side]
    return c.ops.degrees(c.ops.atan2(-(c.y[k] - c.y[h]), abs(c.x[k] - c.x[h])))


def _per_side(fn: Any, frames: FloatArray, aspect: float) -> FloatArray:
    c = coords(frames, aspect)
    return c.ops.table([fn(c, 0), fn(c, 1)])


def hip_extension_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Shoulder-hip-knee angle per side ``(frames, 2)``; 180 = straight line, above 180 = extended past the line.

    Past-the-line is decided by the knee lying on the back side of the trunk
    line (the side away from the face); without a visible face the angle is unsigned.
    """
    c = coords(frames, aspect)
    ahead = front(c)
    return c.ops.table([_hip_extension(c, 0, ahead), _hip_extension(c, 1, ahead)])


def knee_flexion_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Knee flexion per side ``(frames, 2)``: 180 - hip-knee-ankle angle, 0 = straight knee."""
    return _per_side(_knee_flexion, frames, aspect)


def thigh_from_vertical_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Angle of the hip-to-knee line from straight down per side ``(frames, 2)``, 0..180."""
    return _per_side(_thigh_from_vertical, frames, aspect)


def thigh_lift_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Thigh raised above the floor line per side ``(frames, 2)``: + when the knee is above the hip."""
    return _per_side(_thigh_lift, frames, aspect)


def _trunk_to_floor(c: Coords) -> Any:
    dx, dy = _trunk(c)
    return c.ops.degrees(c.ops.atan2(abs(dy), abs(dx)))


def _trunk_from_vertical(c: Coords) -> Any:
    o = c.ops
    dx, dy = _trunk(c)
    facing = o.sign(front(c)[0])
    facing = o.where(facing == 0, 1.0, facing)
    return o.degrees(o.atan2(-dx * facing, -dy))


def _hip_width(c: Coords) -> Any:
    return distance(c, lm.LEFT_HIP, lm.RIGHT_HIP)


def _pelvic_obliquity(c: Coords) -> Any:
    dx, dy = c.x[lm.LEFT_HIP] - c.x[lm.RIGHT_HIP], c.y[lm.LEFT_HIP] - c.y[lm.RIGHT_HIP]
    return c.ops.degrees(c.ops.atan2(abs(dy), abs(dx)))


def _leg_height_diff(c: Coords) -> Any:
    return abs(c.y[lm.LEFT_KNEE] - c.y[lm.RIGHT_KNEE]) / c.ops.maximum(_hip_width(c), 1e-6)


def _knee_width(c: Coords) -> Any:
    return distance(c, lm.LEFT_KNEE, lm.RIGHT_KNEE) / c.ops.maximum(_hip_width(c), 1e-6)


def _whole_body(fn: Any, frames: FloatArray, aspect: float) -> FloatArray:
    c = coords(frames, aspect)
    result: FloatArray = c.ops.table([fn(c)])[:, 0]
    return result


def trunk_to_floor_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Angle of the shoulder-midpoint to hip-midpoint line against the horizontal ``(frames,)``, 0..90."""
    return _whole_body(_trunk_to_floor, frames, aspect)


def trunk_from_vertical_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Signed lean of the hip-to-shoulder line from vertical ``(frames,)``: + = leaning back (away from the face)."""
    return _whole_body(_trunk_from_vertical, frames, aspect)


def pelvic_obliquity_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Angle of the hip line against the floor line ``(frames,)``, 0..90 (end view)."""
    return _whole_body(_pelvic_obliquity, frames, aspect)


def leg_height_diff_ratio(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """``|left knee height - right knee height| / hip width`` ``(frames,)`` (end view)."""
    return _whole_body(_leg_height_diff, frames, aspect)


def knee_width_ratio(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Knee-to-knee distance / hip width ``(frames,)`` (end view)."""
    return _whole_body(_knee_width, frames, aspect)


def _side_weights(c: Coords, per_side: dict[Quantity, tuple[Any, Any]], rule: SideRule, signal: Quantity) -> Any:
    """Weights (left, right) that sum to 1, or both 0 when neither side is usable."""
    o = c.ops
    usable_l, usable_r = o.isfinite(per_side[signal][0]), o.isfinite(per_side[signal][1])
    if rule is SideRule.mean:
        vis = c.vis
        wl = o.maximum(o.nan_to_num(vis[lm.LEFT_HIP] * vis[lm.LEFT_KNEE]), 1e-3)
        wr = o.maximum(o.nan_to_num(vis[lm.RIGHT_HIP] * vis[lm.RIGHT_KNEE]), 1e-3)
        wl, wr = o.where(usable_l, wl, 0.0), o.where(usable_r, wr, 0.0)
    else:
        key = per_side[Quantity.knee_flexion_deg] if rule is SideRule.stance else per_side[signal]
        missing = math.inf if rule is SideRule.smaller else -math.inf
        kl = o.where(o.isfinite(key[0]), key[0], missing)
        kr = o.where(o.isfinite(key[1]), key[1], missing)
        right = kr < kl if rule is SideRule.smaller else kr > kl
        wl = o.where(usable_l & o.logical_not(right), 1.0, 0.0)
        wr = o.where(usable_r & right, 1.0, 0.0)
    total = wl + wr
    some = total > 0
    return o.where(some, wl / o.where(some, total, 1.0), 0.0), o.where(some, wr / o.where(some, total, 1.0), 0.0)


_PER_SIDE_KERNELS = {
    Quantity.knee_flexion_deg: _knee_flexion,
    Quantity.thigh_from_vertical_deg: _thigh_from_vertical,
    Quantity.thigh_lift_deg: _thigh_lift,
}
_WHOLE_BODY_KERNELS = {
    Quantity.trunk_to_floor_deg: _trunk_to_floor,
    Quantity.trunk_from_vertical_deg: _trunk_from_vertical,
    Quantity.pelvic_obliquity_deg: _pelvic_obliquity,
    Quantity.leg_height_diff_ratio: _leg_height_diff,
    Quantity.knee_width_ratio: _knee_width,
}


def quantity_row(c: Coords, rule: SideRule = SideRule.mean, signal: Quantity = Quantity.hip_extension_deg) -> list[Any]:
    """Every :class:`Quantity` (in :data:`QUANTITIES` order) as columns of ``c`` (floats for one frame)."""
    o = c.ops
    ahead = front(c)
    per_side: dict[Quantity, tuple[Any, Any]] = {
        Quantity.hip_extension_deg: (_hip_extension(c, 0, ahead), _hip_extension(c, 1, ahead))
    }
    for q, fn in _PER_SIDE_KERNELS.items():
        per_side[q] = (fn(c, 0), fn(c, 1))
    wl, wr = _side_weights(c, per_side, rule, signal)
    any_side = (wl + wr) > 0
    values: dict[Quantity, Any] = {}
    for q, (left, right) in per_side.items():
        combined = o.nan_to_num(left) * wl + o.nan_to_num(right) * wr
        values[q] = o.where(any_side & (o.isfinite(left) | o.isfinite(right)), combined, math.nan)
    for q, body in _WHOLE_BODY_KERNELS.items():
        values[q] = body(c)
    return [values[q] for q in QUANTITIES]


def quantity_table(
    frames: FloatArray | Coords,
    aspect: float = 1.0,
    rule: SideRule = SideRule.mean,
    signal: Quantity = Quantity.hip_extension_deg,
) -> FloatArray:
    """Every catalog :class:`Quantity` for every frame: ``(frames, len(QUANTITIES))``.

    Columns are in :data:`QUANTITIES` order.

    Per-side quantities are combined under ``rule``
    (``signal`` picks the side for the larger/smaller rules). A value is NaN
    when the landmarks it needs are missing.
    """
    c = coords(frames, aspect)
    return c.ops.table(quantity_row(c, rule, signal))


def march_row(c: Coords) -> list[Any]:
    """Left foot lift, right foot lift, left hip drop as columns of ``c`` (see :func:`march_table`)."""
    o = c.ops
    width = o.maximum(_hip_width(c), 1e-6)
    rise = (c.y[lm.RIGHT_ANKLE] - c.y[lm.LEFT_ANKLE]) / width
    dx, dy = c.x[lm.LEFT_HIP] - c.x[lm.RIGHT_HIP], c.y[lm.LEFT_HIP] - c.y[lm.RIGHT_HIP]
    return [rise, -rise, o.degrees(o.atan2(dy, abs(dx)))]


def march_table(frames: FloatArray | Coords, aspect: float = 1.0) -> FloatArray:
    """Per-frame march measures ``(frames, 3)`` (end view): left foot lift, right foot lift, left hip drop.

    A foot's lift is its ankle's height above the other ankle in hip widths (+ = higher). The hip drop is
    the hip line's tilt in degrees, + when the left hip is lower (negate it for the right side).
    """
    c = coords(frames, aspect)
    return c.ops.table(march_row(c))
