"""Vectorised body geometry on landmark arrays.

Every function takes ``frames`` of shape ``(frames, 33, 4)`` (see
:mod:`backfit.pose.landmarks`) and ``aspect`` = image width / height, so that
angles are measured in true image proportions (normalised x and y have
different pixel scales). Angles are in degrees; the floor line is the image's
horizontal (a level camera). Per-side functions return ``(frames, 2)``
arrays, column 0 = left, column 1 = right. NaN in, NaN out.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

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


def points(frames: FloatArray, index: int | tuple[int, ...], aspect: float = 1.0) -> FloatArray:
    """Image points in height units: ``(frames, 2)`` for one index, ``(frames, k, 2)`` for several."""
    p = frames[:, index, :2].copy()
    p[..., 0] *= aspect
    return p


def _mid(frames: FloatArray, a: int, b: int, aspect: float) -> FloatArray:
    result: FloatArray = 0.5 * (points(frames, a, aspect) + points(frames, b, aspect))
    return result


def _cross(u: FloatArray, v: FloatArray) -> FloatArray:
    result: FloatArray = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    return result


def angle_at(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
    """Unsigned angle ABC at ``b`` in degrees (0..180); points ``(..., 2)``."""
    u = a - b
    v = c - b
    dot = np.einsum("...i,...i->...", u, v)
    cross = _cross(u, v)
    result: FloatArray = np.degrees(np.abs(np.arctan2(cross, dot)))
    return result


def front_direction(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Where the body's front faces in the image: ear midpoint to nose, ``(frames, 2)``."""
    result: FloatArray = points(frames, lm.NOSE, aspect) - _mid(frames, lm.LEFT_EAR, lm.RIGHT_EAR, aspect)
    return result


def hip_extension_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Shoulder-hip-knee angle per side ``(frames, 2)``; 180 = straight line, above 180 = extended past the line.

    Past-the-line is decided by the knee lying on the back side of the trunk
    line (the side away from the face); without a visible face the angle is unsigned.
    """
    front = front_direction(frames, aspect)
    out = np.empty((frames.shape[0], 2))
    for col, (s, h, k, _) in enumerate(_SIDES):
        ps, ph, pk = points(frames, s, aspect), points(frames, h, aspect), points(frames, k, aspect)
        theta = angle_at(ps, ph, pk)
        trunk = ph - ps
        behind = _cross(trunk, pk - ph) * _cross(trunk, front) < 0
        out[:, col] = np.where(behind, 360.0 - theta, theta)
    return out


def knee_flexion_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Knee flexion per side ``(frames, 2)``: 180 - hip-knee-ankle angle, 0 = straight knee."""
    out = np.empty((frames.shape[0], 2))
    for col, (_, h, k, a) in enumerate(_SIDES):
        out[:, col] = 180.0 - angle_at(points(frames, h, aspect), points(frames, k, aspect), points(frames, a, aspect))
    return out


def thigh_from_vertical_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Angle of the hip-to-knee line from straight down per side ``(frames, 2)``, 0..180."""
    out = np.empty((frames.shape[0], 2))
    for col, (_, h, k, _) in enumerate(_SIDES):
        d = points(frames, k, aspect) - points(frames, h, aspect)
        out[:, col] = np.degrees(np.arctan2(np.abs(d[:, 0]), d[:, 1]))
    return out


def thigh_lift_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Thigh raised above the floor line per side ``(frames, 2)``: + when the knee is above the hip."""
    out = np.empty((frames.shape[0], 2))
    for col, (_, h, k, _) in enumerate(_SIDES):
        d = points(frames, k, aspect) - points(frames, h, aspect)
        out[:, col] = np.degrees(np.arctan2(-d[:, 1], np.abs(d[:, 0])))
    return out


def trunk_to_floor_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Angle of the shoulder-midpoint to hip-midpoint line against the horizontal ``(frames,)``, 0..90."""
    d = _mid(frames, lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER, aspect) - _mid(frames, lm.LEFT_HIP, lm.RIGHT_HIP, aspect)
    result: FloatArray = np.degrees(np.arctan2(np.abs(d[:, 1]), np.abs(d[:, 0])))
    return result


def trunk_from_vertical_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Signed lean of the hip-to-shoulder line from vertical ``(frames,)``: + = leaning back (away from the face)."""
    d = _mid(frames, lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER, aspect) - _mid(frames, lm.LEFT_HIP, lm.RIGHT_HIP, aspect)
    facing = np.sign(front_direction(frames, aspect)[:, 0])
    facing = np.where(facing == 0, 1.0, facing)
    result: FloatArray = np.degrees(np.arctan2(-d[:, 0] * facing, -d[:, 1]))
    return result


def hip_width(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Distance between the hips in height units ``(frames,)``."""
    result: FloatArray = np.linalg.norm(
        points(frames, lm.LEFT_HIP, aspect) - points(frames, lm.RIGHT_HIP, aspect), axis=-1
    )
    return result


def pelvic_obliquity_deg(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Angle of the hip line against the floor line ``(frames,)``, 0..90 (end view)."""
    d = points(frames, lm.LEFT_HIP, aspect) - points(frames, lm.RIGHT_HIP, aspect)
    result: FloatArray = np.degrees(np.arctan2(np.abs(d[:, 1]), np.abs(d[:, 0])))
    return result


def leg_height_diff_ratio(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """``|left knee height - right knee height| / hip width`` ``(frames,)`` (end view)."""
    dy = np.abs(frames[:, lm.LEFT_KNEE, lm.Y] - frames[:, lm.RIGHT_KNEE, lm.Y])
    result: FloatArray = dy / np.maximum(hip_width(frames, aspect), 1e-6)
    return result


def knee_width_ratio(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Knee-to-knee distance / hip width ``(frames,)`` (end view)."""
    knees = np.linalg.norm(points(frames, lm.LEFT_KNEE, aspect) - points(frames, lm.RIGHT_KNEE, aspect), axis=-1)
    result: FloatArray = knees / np.maximum(hip_width(frames, aspect), 1e-6)
    return result


PER_SIDE = {
    Quantity.hip_extension_deg: hip_extension_deg,
    Quantity.knee_flexion_deg: knee_flexion_deg,
    Quantity.thigh_from_vertical_deg: thigh_from_vertical_deg,
    Quantity.thigh_lift_deg: thigh_lift_deg,
}
WHOLE_BODY = {
    Quantity.trunk_to_floor_deg: trunk_to_floor_deg,
    Quantity.trunk_from_vertical_deg: trunk_from_vertical_deg,
    Quantity.pelvic_obliquity_deg: pelvic_obliquity_deg,
    Quantity.leg_height_diff_ratio: leg_height_diff_ratio,
    Quantity.knee_width_ratio: knee_width_ratio,
}


def side_weights(
    frames: FloatArray, per_side: dict[Quantity, FloatArray], rule: SideRule, signal: Quantity
) -> FloatArray:
    """Weights ``(frames, 2)`` (rows sum to 1, or 0 when neither side is usable) for combining the two sides."""
    if rule is SideRule.mean:
        w = frames[:, [lm.LEFT_HIP, lm.RIGHT_HIP], lm.VIS] * frames[:, [lm.LEFT_KNEE, lm.RIGHT_KNEE], lm.VIS]
        w = np.clip(np.nan_to_num(w, nan=0.0), 1e-3, None)
        usable = np.isfinite(per_side[signal])
        w = np.where(usable, w, 0.0)
    else:
        key = per_side[Quantity.knee_flexion_deg] if rule is SideRule.stance else per_side[signal]
        filled = np.where(np.isfinite(key), key, -np.inf if rule is not SideRule.smaller else np.inf)
        right = filled[:, 1] > filled[:, 0] if rule is not SideRule.smaller else filled[:, 1] < filled[:, 0]
        w = np.stack([~right, right], axis=1).astype(np.float64)
        w = np.where(np.isfinite(per_side[signal]), w, 0.0)
    total = w.sum(axis=1, keepdims=True)
    result: FloatArray = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
    return result


def quantity_table(
    frames: FloatArray,
    aspect: float = 1.0,
    rule: SideRule = SideRule.mean,
    signal: Quantity = Quantity.hip_extension_deg,
) -> FloatArray:
    """Every catalog :class:`Quantity` for every frame: ``(frames, len(QUANTITIES))``.

    Columns are in :data:`QUANTITIES` order.

    Per-side quantities are combined with :func:`side_weights` under ``rule``
    (``signal`` picks the side for the larger/smaller rules). A value is NaN
    when the landmarks it needs are missing.
    """
    frames = lm.as_frames(frames)
    per_side = {q: fn(frames, aspect) for q, fn in PER_SIDE.items()}
    w = side_weights(frames, per_side, rule, signal)
    out = np.full((frames.shape[0], len(QUANTITIES)), np.nan)
    any_side = w.sum(axis=1) > 0
    for q, values in per_side.items():
        combined = np.nansum(np.nan_to_num(values, nan=0.0) * w, axis=1)
        out[:, COLUMN[q]] = np.where(any_side & np.isfinite(values).any(axis=1), combined, np.nan)
    for q, fn in WHOLE_BODY.items():
        out[:, COLUMN[q]] = fn(frames, aspect)
    return out


def quantities(frame: FloatArray, aspect: float = 1.0, rule: SideRule = SideRule.mean) -> dict[Quantity, float]:
    """All quantities for one ``(33, 4)`` frame, by name."""
    row = quantity_table(lm.as_frames(frame), aspect, rule)[0]
    return {q: float(row[COLUMN[q]]) for q in QUANTITIES}


def march_table(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Per-frame march measures ``(frames, 3)`` (end view): left foot lift, right foot lift, left hip drop.

    A foot's lift is its ankle's height above the other ankle in hip widths (+ = higher). The hip drop is
    the hip line's tilt in degrees, + when the left hip is lower (negate it for the right side).
    """
    width = np.maximum(hip_width(frames, aspect), 1e-6)
    rise = (frames[:, lm.RIGHT_ANKLE, lm.Y] - frames[:, lm.LEFT_ANKLE, lm.Y]) / width
    d = points(frames, lm.LEFT_HIP, aspect) - points(frames, lm.RIGHT_HIP, aspect)
    drop = np.degrees(np.arctan2(d[:, 1], np.abs(d[:, 0])))
    return np.column_stack([rise, -rise, drop])
