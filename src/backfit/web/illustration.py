"""Animated exercise figures drawn from the catalog's keyframes.

Keyframes use the pose model's 33-landmark layout (``x``, ``y`` in 0..1, image
coordinates, y down), so the same drawing can later put a person's pose beside
the target pose. The figure moves between the keyframes with SVG's own
animation (no script); the far-side limbs are drawn lighter. Styling is inline
(presentation attributes), so the SVG renders the same without the site's CSS.

Props are derived from the keyframes and the exercise's equipment: a ball
(radius :data:`BALL_R` pixels) rests on the floor under the lower heel, or for a
face-down exercise is held between the ankles; a band runs from the working
foot (the one that moves most) to the hands when they are raised, otherwise to
an anchor behind the head (lying on the back) or beyond the feet (other positions).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from backfit.catalog.schema import Equipment, Exercise, Keyframe, Position

WIDTH, HEIGHT = 400, 300
FLOOR_Y = HEIGHT * 0.9
HEAD_R = HEIGHT * 0.045
BALL_R = 36.0
HOLD_S = 1.2
MOVE_S = 1.6

NEAR = [(11, 13), (13, 15), (15, 19), (23, 25), (25, 27), (27, 29), (29, 31), (27, 31)]
FAR = [(12, 14), (14, 16), (16, 20), (24, 26), (26, 28), (28, 30), (30, 32), (28, 32)]
TORSO = [(11, 12), (11, 23), (12, 24), (23, 24)]

INK = "#1f2a37"
FAR_INK = "#9aa5b1"
TORSO_INK = "#334155"
STYLE = {
    "far": f'stroke="{FAR_INK}" stroke-width="7"',
    "torso": f'stroke="{TORSO_INK}" stroke-width="9"',
    "near": f'stroke="{INK}" stroke-width="7"',
}
CAPS = 'stroke-linecap="round" stroke-linejoin="round"'

Point = tuple[float, float]
Getter = Callable[[Keyframe], Point]


def _px(frame: Keyframe, index: int) -> Point:
    x, y = frame.points[index]
    return x * WIDTH, y * HEIGHT


def landmark(index: int) -> Getter:
    return lambda frame: _px(frame, index)


def midpoint(a: int, b: int) -> Getter:
    def get(frame: Keyframe) -> Point:
        (ax, ay), (bx, by) = _px(frame, a), _px(frame, b)
        return (ax + bx) / 2, (ay + by) / 2

    return get


def _round(p: Point) -> Point:
    return round(p[0], 1), round(p[1], 1)


def _values(frames: Sequence[Keyframe], get: Getter, axis: int) -> str:
    """Animation values for one coordinate: each keyframe held, then moved on, back to the first."""
    out = []
    for frame in [*frames, frames[0]]:
        v = _round(get(frame))[axis]
        out.extend([f"{v}", f"{v}"])
    return ";".join(out[:-1])


def _timing(count: int) -> tuple[str, float]:
    """keyTimes for ``count`` keyframes (hold, move, hold, move, ..., back to the first)."""
    total = count * (HOLD_S + MOVE_S)
    times = [0.0]
    t = 0.0
    for _ in range(count):
        t += HOLD_S
        times.append(t / total)
        t += MOVE_S
        times.append(t / total)
    times = times[:-1]
    times[-1] = 1.0
    return ";".join(f"{v:.4f}" for v in times), total


class _Drawing:
    """SVG elements whose coordinates follow the keyframes."""

    def __init__(self, frames: Sequence[Keyframe]) -> None:
        self.frames = frames
        self.key_times, self.total = _timing(len(frames))

    def _animate(self, attribute: str, get: Getter, axis: int) -> str:
        if len(self.frames) < 2:
            return ""
        return (
            f'<animate attributeName="{attribute}" values="{_values(self.frames, get, axis)}" '
            f'keyTimes="{self.key_times}" dur="{self.total:.1f}s" repeatCount="indefinite"/>'
        )

    def line(self, a: Getter, b: Getter, attrs: str) -> str:
        (x1, y1), (x2, y2) = _round(a(self.frames[0])), _round(b(self.frames[0]))
        moves = "".join(
            self._animate(name, get, axis)
            for name, get, axis in (("x1", a, 0), ("y1", a, 1), ("x2", b, 0), ("y2", b, 1))
        )
        return f'<line {attrs} x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}">{moves}</line>'

    def circle(self, centre: Getter, r: float, attrs: str) -> str:
        cx, cy = _round(centre(self.frames[0]))
        moves = self._animate("cx", centre, 0) + self._animate("cy", centre, 1)
        return f'<circle {attrs} cx="{cx}" cy="{cy}" r="{r:.1f}">{moves}</circle>'


def _ball_centre(exercise: Exercise) -> Getter:
    if exercise.position is Position.prone:
        return midpoint(27, 28)

    def under_heel(frame: Keyframe) -> Point:
        hx, hy = max((_px(frame, 29), _px(frame, 30)), key=lambda p: p[1])
        cy = FLOOR_Y - BALL_R
        dy = hy - cy
        return hx + math.sqrt(max(BALL_R * BALL_R - dy * dy, 0.0)), cy

    return under_heel


def _band_ends(exercise: Exercise, frames: Sequence[Keyframe]) -> tuple[Getter, Getter]:
    def travel(index: int) -> float:
        xs = [_px(f, index) for f in frames]
        return max(math.dist(p, xs[0]) for p in xs)

    near = travel(27) >= travel(28)
    ankle, heel, toe = (27, 29, 31) if near else (28, 30, 32)
    first = frames[0]
    if exercise.position is Position.supine:
        foot = midpoint(heel, toe)
        if _px(first, 15)[1] < FLOOR_Y - HEIGHT * 0.1:
            return foot, landmark(15)
        anchor_x = max(min(_px(first, 7)[0], _px(first, 0)[0]) - HEAD_R - 12, 6.0)
    else:
        foot = landmark(ankle)
        anchor_x = min(_px(first, ankle)[0] + WIDTH * 0.15, WIDTH - 6.0)
    anchor = (anchor_x, FLOOR_Y - 4)
    return foot, lambda _frame: anchor


def figure_svg(exercise: Exercise, *, animate: bool = True, keyframe: int = -1) -> str:
    """An SVG element showing ``exercise``'s keyframes (empty string without keyframes).

    ``animate=False`` draws only the keyframe at index ``keyframe`` (the last by default)."""
    if not exercise.keyframes:
        return ""
    frames = list(exercise.keyframes) if animate else [exercise.keyframes[keyframe]]
    draw = _Drawing(frames)
    names = " then ".join(escape(f.name) for f in exercise.keyframes)
    floor = f"{FLOOR_Y:.0f}"
    body = [
        f'<svg class="figure" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{escape(exercise.name)}: {names}" xmlns="http://www.w3.org/2000/svg">',
        f'<line class="floor" x1="0" y1="{floor}" x2="{WIDTH}" y2="{floor}" stroke="#c3ccd6" stroke-width="2"/>',
    ]
    if Equipment.ball in exercise.equipment:
        body.append(draw.circle(_ball_centre(exercise), BALL_R, 'class="ball" fill="#f5d9a8" stroke="#c08a3e"'))
    body += [draw.line(landmark(a), landmark(b), f'class="limb far" {STYLE["far"]} {CAPS}') for a, b in FAR]
    body += [draw.line(landmark(a), landmark(b), f'class="limb torso" {STYLE["torso"]} {CAPS}') for a, b in TORSO]
    head, neck = midpoint(7, 8), midpoint(11, 12)
    body.append(draw.line(neck, head, f'class="limb neck" {STYLE["torso"]} {CAPS}'))
    body.append(draw.circle(head, HEAD_R, f'class="head" fill="{INK}" stroke="{INK}" stroke-width="2"'))
    body.append(draw.circle(landmark(0), 2.5, 'class="nose" fill="#ffffff"'))
    body += [draw.line(landmark(a), landmark(b), f'class="limb near" {STYLE["near"]} {CAPS}') for a, b in NEAR]
    if Equipment.band in exercise.equipment:
        foot, end = _band_ends(exercise, exercise.keyframes)
        body.append(draw.line(foot, end, f'class="band" stroke="#d9480f" stroke-width="3" {CAPS}'))
    body.append("</svg>")
    return "".join(body)
