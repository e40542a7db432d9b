"""Which way the camera looks and how the body lies, from landmark geometry.

Raw per-frame labels are computed vectorised (``(frames,)`` int arrays) and
then debounced over time: a new label is accepted only once it has lasted
``settle_s`` seconds (hysteresis against flicker). Also: the advice to give
when the camera's view cannot support a check.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from backfit.catalog.schema import Position, Quantity, View
from backfit.pose import landmarks as lm
from backfit.pose.geometry import front_direction, points
from backfit.pose.landmarks import FloatArray

IntArray = NDArray[np.int64]


class CameraView(StrEnum):
    side = "side"
    end = "end"
    other = "other"

    @property
    def catalog_view(self) -> View | None:
        return {CameraView.side: View.side, CameraView.end: View.end}.get(self)


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


def width_ratio(frames: FloatArray, aspect: float = 1.0) -> FloatArray:
    """Mean of shoulder and hip widths over trunk length, 2D ``(frames,)``."""
    sh = points(frames, (lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER), aspect)
    hp = points(frames, (lm.LEFT_HIP, lm.RIGHT_HIP), aspect)
    widths = 0.5 * (np.linalg.norm(sh[:, 0] - sh[:, 1], axis=-1) + np.linalg.norm(hp[:, 0] - hp[:, 1], axis=-1))
    trunk = np.linalg.norm(sh.mean(axis=1) - hp.mean(axis=1), axis=-1)
    result: FloatArray = widths / np.maximum(trunk, 1e-6)
    return result


def raw_views(frames: FloatArray, aspect: float = 1.0, config: ViewConfig = ViewConfig()) -> IntArray:
    """Per-frame view codes (index into :data:`VIEWS`) ``(frames,)``; NaN geometry gives ``other``."""
    r = width_ratio(frames, aspect)
    codes = np.zeros(frames.shape[0], dtype=np.int64)
    codes[r < config.side_below] = 1
    codes[r > config.end_above] = 2
    return codes


def raw_positions(frames: FloatArray, aspect: float = 1.0, config: ViewConfig = ViewConfig()) -> IntArray:
    """Per-frame body position codes (index into :data:`POSITIONS`) ``(frames,)``."""
    sh = frames[:, [lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER], :3].mean(axis=1)
    hp = frames[:, [lm.LEFT_HIP, lm.RIGHT_HIP], :3].mean(axis=1)
    d = (sh - hp) * np.array([aspect, 1.0, aspect])
    dz = np.nan_to_num(d[:, 2], nan=0.0)
    norm3 = np.sqrt(d[:, 0] ** 2 + d[:, 1] ** 2 + dz**2)
    vertical = -d[:, 1] / np.maximum(norm3, 1e-9)
    upright = (vertical > np.cos(np.radians(config.upright_deg))) & (
        width_ratio(frames, aspect) < config.lying_end_ratio
    )
    face = front_direction(frames, aspect)
    face_y = face[:, 1] / np.maximum(np.linalg.norm(face, axis=-1), 1e-9)
    supine = face_y < -config.face_margin
    prone = face_y > config.face_margin
    feet = [lm.LEFT_ANKLE, lm.RIGHT_ANKLE, lm.LEFT_HEEL, lm.RIGHT_HEEL, lm.LEFT_FOOT_INDEX, lm.RIGHT_FOOT_INDEX]
    floor = np.fmax.reduce(frames[:, feet, lm.Y], axis=1)  # NaN-ignoring, NaN when all are missing
    kneeling_sides = np.zeros((frames.shape[0], 2), dtype=bool)
    for col, (h, k) in enumerate(((lm.LEFT_HIP, lm.LEFT_KNEE), (lm.RIGHT_HIP, lm.RIGHT_KNEE))):
        thigh = np.linalg.norm(points(frames, k, aspect) - points(frames, h, aspect), axis=-1)
        kneeling_sides[:, col] = floor - frames[:, k, lm.Y] < config.kneel_ratio * thigh
    n_kneel = kneeling_sides.sum(axis=1)
    codes = np.zeros(frames.shape[0], dtype=np.int64)
    lying = ~upright & np.isfinite(norm3)
    codes[lying & supine] = 1
    codes[lying & prone] = 2
    codes[upright & (n_kneel == 2)] = 3
    codes[upright & (n_kneel == 1)] = 4
    codes[upright & (n_kneel == 0)] = 5
    return codes


class Debouncer:
    """Hysteresis on integer labels: a change is accepted once it has lasted ``settle_s`` seconds.

    ``debouncer(times (k,), labels (k,)) -> (k,)`` accepted labels; state carries over between calls, so a
    sequence fed one frame at a time or in chunks gives the same labels. Loops over runs of equal labels.
    """

    def __init__(self, settle_s: float) -> None:
        self.settle_s = settle_s
        self.current: int | None = None
        self._candidate: int | None = None
        self._since = 0.0

    def __call__(self, times: FloatArray, labels: IntArray) -> IntArray:
        n = labels.shape[0]
        out = np.empty(n, dtype=np.int64)
        if n == 0:
            return out
        if self.current is None:
            self.current = int(labels[0])
        starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]]).tolist()
        for s, e in zip(starts, [*starts[1:], n], strict=True):
            label = int(labels[s])
            if label == self.current:
                self._candidate = None
                out[s:e] = label
                continue
            if label != self._candidate:
                self._candidate, self._since = label, float(times[s])
            settled = times[s:e] - self._since >= self.settle_s
            switch = s + int(np.argmax(settled)) if settled.any() else e
            out[s:switch] = self.current
            if switch < e:
                self.current, self._candidate = label, None
                out[switch:e] = label
        return out


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
