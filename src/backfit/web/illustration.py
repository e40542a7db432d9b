"""Animated exercise figures drawn from the catalog's keyframes.

Keyframes use the pose model's 33-landmark layout (``x``, ``y`` in 0..1, image
coordinates, y down) in a 400 x 300 pixel side view, so the same drawing can
put a person's pose beside the target pose. The figure moves between the
keyframes with SVG's own animation (no script): every animated attribute has
one value per key time (hold, move, hold, move, ... back to the first pose).

What makes a figure readable, all done in the drawing (the keyframes stay the
anatomically plausible landmark data the camera analysis is tested on):

- the picture is cropped to the figure (the ``viewBox`` fits every pose and
  prop, in a 2:1 frame for lying positions and 4:3 for the others), so it fills its box;
- a mat on the floor line shows where the floor is;
- the head has a nose and an eye on the side the face points to, so face up and
  face down look different;
- a movement too small to see is enlarged around the first pose (at most
  :data:`MAX_GAIN` times, up to :data:`MIN_MOVE_PX`);
- the key cue is marked: an arrow from where the joint that moves most starts to
  where it ends, with the first and last poses' names.

Styling is inline (presentation attributes), so the SVG renders the same
without the site's CSS and under a strict Content-Security-Policy. Props come
from the keyframes and the exercise's equipment: a ball (radius :data:`BALL_R`
pixels) rests on the floor under the lower heel, or for a face-down exercise is
held between the ankles; a band runs from the working foot (the one that moves
most) to the hands when they are raised, otherwise to an anchor behind the head
(lying on the back) or beyond the feet (other positions).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from backfit.catalog.schema import Equipment, Exercise, Keyframe, Position

WIDTH, HEIGHT = 400, 300
LYING_ASPECT, UPRIGHT_ASPECT = 2.0, 4 / 3
FLOOR_Y = HEIGHT * 0.9
MAT_H = 7.0
HEAD_R = HEIGHT * 0.045
BALL_R = 36.0
HOLD_S = 0.6
MOVE_S = 1.6
PAD = 14.0
MIN_MOVE_PX = 12.0
MAX_GAIN = 2.5

NEAR = [(11, 13), (13, 15), (15, 19), (23, 25), (25, 27), (27, 29), (29, 31), (27, 31)]
FAR = [(12, 14), (14, 16), (16, 20), (24, 26), (26, 28), (28, 30), (30, 32), (28, 32)]
TORSO = [(11, 12), (11, 23), (12, 24), (23, 24)]
# Joints whose travel marks the movement (shoulders, hips, knees, ankles, heels).
MOVERS = (11, 12, 23, 24, 25, 26, 27, 28, 29, 30)

INK = "#1f2a37"
FAR_INK = "#8b96a3"
TORSO_INK = "#334155"
CUE_INK = "#0b5cad"
MAT_FILL = "#dbe4ee"
CAPS = 'stroke-linecap="round" stroke-linejoin="round"'

Point = tuple[float, float]
Pose = list[Point]
Getter = Callable[[Pose], Point]


def landmark(index: int) -> Getter:
    return lambda pose: pose[index]


def midpoint(a: int, b: int) -> Getter:
    def get(pose: Pose) -> Point:
        (ax, ay), (bx, by) = pose[a], pose[b]
        return (ax + bx) / 2, (ay + by) / 2

    return get


def _round(p: Point) -> Point:
    return round(p[0], 1), round(p[1], 1)


def poses(frames: Sequence[Keyframe]) -> list[Pose]:
    """The keyframes in pixels, a movement too small to see enlarged around the first pose."""
    raw = [[(x * WIDTH, y * HEIGHT) for x, y in frame.points] for frame in frames]
    moved = max(
        (math.dist(p, q) for pose in raw[1:] for p, q in zip(pose, raw[0], strict=True)),
        default=0.0,
    )
    if moved <= 0 or moved >= MIN_MOVE_PX:
        return raw
    gain = min(MAX_GAIN, MIN_MOVE_PX / moved)
    first = raw[0]
    return [
        [
            (fx + gain * (x - fx), min(fy + gain * (y - fy), FLOOR_Y))
            for (x, y), (fx, fy) in zip(pose, first, strict=True)
        ]
        for pose in raw
    ]


def key_times(count: int) -> tuple[list[float], float]:
    """Key times (0..1) for ``count`` poses: hold each, move to the next, and back to the first.

    Returns ``2 * count + 1`` times (one per animation value, see :func:`_values`) and the
    cycle's length in seconds."""
    total = count * (HOLD_S + MOVE_S)
    times = [0.0]
    t = 0.0
    for _ in range(count):
        t += HOLD_S
        times.append(t / total)
        t += MOVE_S
        times.append(t / total)
    times[-1] = 1.0
    return times, total


def _values(series: Sequence[float]) -> str:
    """Animation values for one coordinate: each pose twice (held), then the first again."""
    out: list[str] = []
    for v in series:
        out.extend([f"{v}", f"{v}"])
    out.append(f"{series[0]}")
    return ";".join(out)


class _Drawing:
    """SVG elements whose coordinates follow the poses."""

    def __init__(self, frames: Sequence[Pose]) -> None:
        self.frames = frames
        times, self.total = key_times(len(frames))
        self.key_times = ";".join(f"{v:.4f}" for v in times)

    def _animate(self, attribute: str, series: Sequence[str], values: str) -> str:
        if len(set(series)) < 2:
            return ""
        return (
            f'<animate attributeName="{attribute}" values="{values}" '
            f'keyTimes="{self.key_times}" dur="{self.total:.1f}s" repeatCount="indefinite"/>'
        )

    def _coordinate(self, attribute: str, get: Getter, axis: int) -> str:
        series = [_round(get(pose))[axis] for pose in self.frames]
        if len(self.frames) < 2:
            return ""
        return (
            f'<animate attributeName="{attribute}" values="{_values(series)}" '
            f'keyTimes="{self.key_times}" dur="{self.total:.1f}s" repeatCount="indefinite"/>'
        )

    def line(self, a: Getter, b: Getter, attrs: str) -> str:
        (x1, y1), (x2, y2) = _round(a(self.frames[0])), _round(b(self.frames[0]))
        moves = "".join(
            self._coordinate(name, get, axis)
            for name, get, axis in (("x1", a, 0), ("y1", a, 1), ("x2", b, 0), ("y2", b, 1))
        )
        return f'<line {attrs} x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}">{moves}</line>'

    def circle(self, centre: Getter, r: float, attrs: str) -> str:
        cx, cy = _round(centre(self.frames[0]))
        moves = self._coordinate("cx", centre, 0) + self._coordinate("cy", centre, 1)
        return f'<circle {attrs} cx="{cx}" cy="{cy}" r="{r:.1f}">{moves}</circle>'

    def polygon(self, corners: Callable[[Pose], Sequence[Point]], attrs: str) -> str:
        def text(pose: Pose) -> str:
            return " ".join(f"{x:.1f},{y:.1f}" for x, y in corners(pose))

        series = [text(pose) for pose in self.frames]
        values = ";".join([v for s in series for v in (s, s)] + [series[0]])
        return f'<polygon {attrs} points="{series[0]}">{self._animate("points", series, values)}</polygon>'


def _face(pose: Pose) -> tuple[Point, Point, Point]:
    """The head's centre, the unit vector the face points to (towards the nose) and the crown's direction."""
    (cx, cy), (nx, ny) = midpoint(7, 8)(pose), pose[0]
    (sx, sy) = midpoint(11, 12)(pose)
    fx, fy = nx - cx, ny - cy
    n = math.hypot(fx, fy) or 1.0
    ux, uy = fx / n, fy / n
    upx, upy = cx - sx, cy - sy
    m = math.hypot(upx, upy) or 1.0
    return (cx, cy), (ux, uy), (upx / m, upy / m)


def _nose(pose: Pose) -> list[Point]:
    (cx, cy), (ux, uy), _ = _face(pose)

    def at(turn_deg: float, r: float) -> Point:
        a = math.radians(turn_deg)
        dx, dy = ux * math.cos(a) - uy * math.sin(a), ux * math.sin(a) + uy * math.cos(a)
        return cx + dx * r, cy + dy * r

    return [at(-32, HEAD_R * 0.9), at(0, HEAD_R + 6), at(32, HEAD_R * 0.9)]


def _eye(pose: Pose) -> Point:
    (cx, cy), (ux, uy), (vx, vy) = _face(pose)
    return cx + ux * HEAD_R * 0.45 + vx * HEAD_R * 0.3, cy + uy * HEAD_R * 0.45 + vy * HEAD_R * 0.3


def _ball_centre(exercise: Exercise) -> Getter:
    if exercise.position is Position.prone:
        return midpoint(27, 28)

    def under_heel(pose: Pose) -> Point:
        hx, hy = max((pose[29], pose[30]), key=lambda p: p[1])
        cy = FLOOR_Y - BALL_R
        dy = hy - cy
        return hx + math.sqrt(max(BALL_R * BALL_R - dy * dy, 0.0)), cy

    return under_heel


def _band_ends(exercise: Exercise, frames: Sequence[Pose]) -> tuple[Getter, Getter]:
    def travel(index: int) -> float:
        return max(math.dist(f[index], frames[0][index]) for f in frames)

    near = travel(27) >= travel(28)
    ankle, heel, toe = (27, 29, 31) if near else (28, 30, 32)
    first = frames[0]
    if exercise.position is Position.supine:
        foot = midpoint(heel, toe)
        if first[15][1] < FLOOR_Y - HEIGHT * 0.1:
            return foot, landmark(15)
        anchor_x = min(first[7][0], first[0][0]) - HEAD_R - 12
    else:
        foot = landmark(ankle)
        anchor_x = first[ankle][0] + WIDTH * 0.15
    anchor = (anchor_x, FLOOR_Y - 4)
    return foot, lambda _pose: anchor


def _key_move(frames: Sequence[Pose]) -> tuple[Point, Point] | None:
    """Where the joint that moves most starts and where it is farthest from the start."""
    best: tuple[float, Point, Point] | None = None
    for index in MOVERS:
        start = frames[0][index]
        for pose in frames[1:]:
            d = math.dist(pose[index], start)
            if best is None or d > best[0]:
                best = (d, start, pose[index])
    if best is None or best[0] < 1.0:
        return None
    return best[1], best[2]


def _arrow(start: Point, end: Point) -> str:
    """A cue arrow beside the path ``start`` -> ``end`` (offset so it does not cover the limb)."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    n = math.hypot(dx, dy)
    ux, uy = dx / n, dy / n
    px, py = -uy, ux  # perpendicular, pointing right of the direction of travel
    if py > 0:  # prefer the side above the body
        px, py = -px, -py
    length = max(n, 24.0)
    off = 16.0
    sx, sy = start[0] + px * off, start[1] + py * off
    ex, ey = sx + ux * length, sy + uy * length
    head = [
        (ex + ux * 6, ey + uy * 6),
        (ex - ux * 6 + px * 7, ey - uy * 6 + py * 7),
        (ex - ux * 6 - px * 7, ey - uy * 6 - py * 7),
    ]
    corners = " ".join(f"{x:.1f},{y:.1f}" for x, y in head)
    return (
        f'<g class="cue-arrow"><line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex - ux * 4:.1f}" y2="{ey - uy * 4:.1f}" '
        f'stroke="{CUE_INK}" stroke-width="4" stroke-dasharray="7 5" {CAPS}/>'
        f'<polygon points="{corners}" fill="{CUE_INK}"/></g>'
    )


def aspect(exercise: Exercise) -> float:
    """Width over height of the figure's frame: wide for lying positions, 4:3 for the others."""
    return LYING_ASPECT if exercise.position in (Position.supine, Position.prone) else UPRIGHT_ASPECT


def _bounds(frames: Sequence[Pose], extra: Sequence[Point], ratio: float) -> tuple[float, float, float, float]:
    """The view box (x, y, width, height) around every pose and ``extra`` point, floor at the bottom."""
    xs = [p[0] for pose in frames for p in pose] + [p[0] for p in extra]
    ys = [p[1] for pose in frames for p in pose] + [p[1] for p in extra]
    left, right = min(xs) - PAD - HEAD_R, max(xs) + PAD + HEAD_R
    top, bottom = min(ys) - PAD - HEAD_R, FLOOR_Y + MAT_H + 4
    width, height = right - left, bottom - top
    if width / height < ratio:
        grow = height * ratio - width
        left, width = left - grow / 2, height * ratio
    else:
        grow = width / ratio - height
        top, height = top - grow, width / ratio
    return left, top, width, height


def figure_svg(exercise: Exercise, *, animate: bool = True, keyframe: int = -1) -> str:
    """An SVG element showing ``exercise``'s keyframes (empty string without keyframes).

    ``animate=False`` draws only the keyframe at index ``keyframe`` (the last by default)."""
    if not exercise.keyframes:
        return ""
    every = poses(exercise.keyframes)
    frames = every if animate else [every[keyframe]]
    draw = _Drawing(frames)
    names = " then ".join(escape(f.name) for f in exercise.keyframes)
    has_ball = Equipment.ball in exercise.equipment
    has_band = Equipment.band in exercise.equipment
    extra: list[Point] = []
    if has_ball:
        centre = _ball_centre(exercise)
        extra += [
            (x + dx, y + dy)
            for pose in frames
            for x, y in [centre(pose)]
            for dx, dy in ((-BALL_R, -BALL_R), (BALL_R, BALL_R))
        ]
    if has_band:
        foot, end = _band_ends(exercise, every)
        extra += [end(pose) for pose in frames]
    ratio = aspect(exercise)
    x0, y0, w, h = _bounds(frames, extra, ratio)
    scale = w / WIDTH  # pixels of the keyframe space per drawn pixel at full width
    limb_w, torso_w = 8 * scale**0.5, 10 * scale**0.5
    body = [
        f'<svg class="figure" viewBox="{x0:.1f} {y0:.1f} {w:.1f} {h:.1f}" width="{WIDTH}" height="{WIDTH / ratio:.0f}" '
        f'role="img" aria-label="{escape(exercise.name)}: {names}" xmlns="http://www.w3.org/2000/svg">',
        f'<rect class="mat" x="{x0 + 4:.1f}" y="{FLOOR_Y:.1f}" width="{w - 8:.1f}" height="{MAT_H:.1f}" rx="3" '
        f'fill="{MAT_FILL}"/>',
        f'<line class="floor" x1="{x0:.1f}" y1="{FLOOR_Y:.1f}" x2="{x0 + w:.1f}" y2="{FLOOR_Y:.1f}" '
        f'stroke="#7b8794" stroke-width="2"/>',
    ]
    if animate:
        key = _key_move(every)
        if key:
            body.append(_arrow(*key))
    if has_ball:
        body.append(
            draw.circle(_ball_centre(exercise), BALL_R, 'class="ball" fill="#f5d9a8" stroke="#c08a3e" stroke-width="2"')
        )
    far = f'stroke="{FAR_INK}" stroke-width="{limb_w:.1f}" {CAPS}'
    near = f'stroke="{INK}" stroke-width="{limb_w:.1f}" {CAPS}'
    torso = f'stroke="{TORSO_INK}" stroke-width="{torso_w:.1f}" {CAPS}'
    body += [draw.line(landmark(a), landmark(b), f'class="limb far" {far}') for a, b in FAR]
    body += [draw.line(landmark(a), landmark(b), f'class="limb torso" {torso}') for a, b in TORSO]
    head, neck = midpoint(7, 8), midpoint(11, 12)
    body.append(draw.line(neck, head, f'class="limb neck" {torso}'))
    body.append(draw.polygon(_nose, f'class="nose" fill="{INK}"'))
    body.append(draw.circle(head, HEAD_R, f'class="head" fill="{INK}" stroke="{INK}" stroke-width="2"'))
    body.append(draw.circle(_eye, 2.6, 'class="eye" fill="#ffffff"'))
    body += [draw.line(landmark(a), landmark(b), f'class="limb near" {near}') for a, b in NEAR]
    if has_band:
        body.append(draw.line(foot, end, f'class="band" stroke="#d9480f" stroke-width="3" {CAPS}'))
    body.append("</svg>")
    return "".join(body)
