"""Author the exercise figures' keyframes and write ``catalog/data/keyframes/<id>.toml``.

Each pose is described by a few joint positions and angles in the pixel space
of a 400 x 300 side-view image (floor at y = 270, y down); this script derives
the rest of MediaPipe Pose's 33 landmarks (face, hands, feet) from them and
writes them normalised to 0..1. The camera sees the person's left side: left
landmarks are the near ones, and left and right coincide unless the legs (or
arms) differ. Deterministic: running it twice writes the same bytes.

Usage: ``python scripts/make_keyframes.py [--check]`` (``--check``: exit 1 if a
written file would change, for CI).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

WIDTH, HEIGHT = 400.0, 300.0
FLOOR = 270.0
TRUNK, THIGH, SHIN, UPPER_ARM, FOREARM = 95.0, 70.0, 65.0, 45.0, 40.0
NECK = 24.0  # shoulder to the centre of the head
LYING = 257.0  # height of the shoulder and hip joints of a person lying on the floor
ANKLE_FLAT = 264.0  # ankle height with the foot flat on the floor
BALL_R = 36.0  # exercise ball radius (the illustration assumes the same)
MARGIN = 0.02

DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "backfit" / "catalog" / "data"

Vec = tuple[float, float]


def add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1])


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1])


def mul(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k)


def norm(a: Vec) -> float:
    return math.hypot(a[0], a[1])


def unit(a: Vec) -> Vec:
    n = norm(a)
    return (a[0] / n, a[1] / n)


def direction(angle_deg: float) -> Vec:
    """Unit vector at ``angle_deg`` counter-clockwise from +x as seen on screen (y points down)."""
    a = math.radians(angle_deg)
    return (math.cos(a), -math.sin(a))


def polar(origin: Vec, length: float, angle_deg: float) -> Vec:
    return add(origin, mul(direction(angle_deg), length))


def heading(a: Vec, b: Vec) -> float:
    """Screen angle of the vector a -> b in degrees (counter-clockwise from +x)."""
    return math.degrees(math.atan2(-(b[1] - a[1]), b[0] - a[0]))


def rotate(v: Vec, angle_deg: float) -> Vec:
    """``v`` turned counter-clockwise on screen by ``angle_deg``."""
    return direction(heading((0.0, 0.0), v) + angle_deg)


def ik(root: Vec, end: Vec, l1: float, l2: float, bend: int) -> Vec:
    """The middle joint of a two-link chain from ``root`` to ``end``.

    ``bend`` = +1 puts the joint to the left of root -> end as seen on screen
    (counter-clockwise side), -1 to the right. Out of reach: the chain points straight at ``end``.
    """
    d = norm(sub(end, root))
    base = heading(root, end)
    if d >= l1 + l2:
        return polar(root, l1, base)
    cos_a = (l1 * l1 + d * d - l2 * l2) / (2 * l1 * d)
    a = math.degrees(math.acos(max(-1.0, min(1.0, cos_a))))
    return polar(root, l1, base + bend * a)


def angle_at(a: Vec, b: Vec, c: Vec) -> float:
    """Unsigned angle ABC in degrees."""
    u, v = sub(a, b), sub(c, b)
    return math.degrees(math.acos(max(-1.0, min(1.0, (u[0] * v[0] + u[1] * v[1]) / (norm(u) * norm(v))))))


def supine_hip_angle(shoulder: Vec, hip: Vec, knee: Vec) -> float:
    """Shoulder-hip-knee angle of a person lying face up (head left); above 180 = extended past the line."""
    t, k = sub(hip, shoulder), sub(knee, hip)
    theta = angle_at(shoulder, hip, knee)
    return theta if t[0] * k[1] - t[1] * k[0] <= 0 else 360 - theta


def solve(f: Callable[[float], float], target: float, lo: float, hi: float) -> float:
    """``x`` in [lo, hi] with ``f(x) = target`` for an increasing ``f`` (bisection)."""
    for _ in range(60):
        mid = (lo + hi) / 2
        if f(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@dataclass(frozen=True)
class Leg:
    hip: Vec
    knee: Vec
    ankle: Vec
    foot: float | None = None  # screen angle of heel -> toes; None: square to the shin


@dataclass(frozen=True)
class Arm:
    elbow: Vec
    wrist: Vec


@dataclass(frozen=True)
class Pose:
    """The main joints of one pose; ``face`` = +1 when the figure is seen in its own left-handed
    sense (upright facing right, or supine head-left), -1 mirrored (prone head-left)."""

    shoulder: Vec
    head: Vec  # centre of the head
    head_up: float  # screen angle from the chin to the crown
    near_arm: Arm
    far_arm: Arm
    near_leg: Leg
    far_leg: Leg
    face: int = 1


def _face(p: Pose) -> list[Vec]:
    up = direction(p.head_up)
    front = rotate(up, -90 * p.face)
    c = p.head

    def at(f: float, u: float) -> Vec:
        return add(c, add(mul(front, f), mul(up, u)))

    eyes = [at(9, 4), at(7, 4.5), at(5, 4)]
    # 0 nose, 1-3 left eye inner/eye/outer, 4-6 right eye, 7-8 ears, 9-10 mouth
    return [at(12, 0), *eyes, *eyes, c, c, at(9, -5), at(9, -5)]


def _hand(arm: Arm) -> list[Vec]:
    """Pinky, index and thumb tips from the forearm's direction."""
    u = unit(sub(arm.wrist, arm.elbow))
    return [add(arm.wrist, mul(rotate(u, 15), 8)), add(arm.wrist, mul(u, 10)), add(arm.wrist, mul(rotate(u, -30), 7))]


def _foot(leg: Leg, face: int) -> tuple[Vec, Vec]:
    """Heel and toe tip; the sole is on the side away from the shin's front."""
    shin = unit(sub(leg.ankle, leg.knee))
    d = direction(leg.foot) if leg.foot is not None else rotate(shin, 90 * face)
    sole = rotate(d, -90 * face)
    return add(leg.ankle, add(mul(sole, 6), mul(d, -4))), add(leg.ankle, add(mul(sole, 4), mul(d, 18)))


def landmarks(p: Pose) -> list[Vec]:
    """The 33 landmarks (pixels) of a pose."""
    pts: list[Vec] = _face(p)
    pts += [p.shoulder, p.shoulder, p.near_arm.elbow, p.far_arm.elbow, p.near_arm.wrist, p.far_arm.wrist]
    near_hand, far_hand = _hand(p.near_arm), _hand(p.far_arm)
    for i in range(3):
        pts += [near_hand[i], far_hand[i]]
    near_heel, near_toe = _foot(p.near_leg, p.face)
    far_heel, far_toe = _foot(p.far_leg, p.face)
    pts += [p.near_leg.hip, p.far_leg.hip, p.near_leg.knee, p.far_leg.knee, p.near_leg.ankle, p.far_leg.ankle]
    pts += [near_heel, far_heel, near_toe, far_toe]
    assert len(pts) == 33
    return pts


# --- building blocks -------------------------------------------------------------------------


def leg_fk(hip: Vec, thigh_angle: float, knee_flexion: float, face: int, foot: float | None = None) -> Leg:
    """A leg from the thigh's screen angle and the knee flexion (0 = straight)."""
    knee = polar(hip, THIGH, thigh_angle)
    return Leg(hip, knee, polar(knee, SHIN, thigh_angle - face * knee_flexion), foot)


def leg_to(hip: Vec, ankle: Vec, bend: int, foot: float | None = None) -> Leg:
    return Leg(hip, ik(hip, ankle, THIGH, SHIN, bend), ankle, foot)


def supine(
    sx: float,
    near: Leg,
    far: Leg | None = None,
    near_arm: Arm | None = None,
    far_arm: Arm | None = None,
) -> Pose:
    """Lying on the back, head to the left, shoulders at ``x = sx``; arms by the sides unless given."""
    shoulder = (sx, LYING)
    by_side = Arm((sx + UPPER_ARM - 1, LYING + 5), (sx + UPPER_ARM + FOREARM - 2, LYING + 7))
    return Pose(
        shoulder=shoulder,
        head=(sx - NECK - 2, FLOOR - 14),
        head_up=180,
        near_arm=near_arm or by_side,
        far_arm=far_arm or near_arm or by_side,
        near_leg=near,
        far_leg=far or near,
    )


def hip_on_arc(sx: float, trunk_angle: float) -> Vec:
    """The hip of a supine person whose shoulders stay down and whose trunk rises at ``trunk_angle``."""
    return polar((sx, LYING), TRUNK, trunk_angle)


def planted(sx: float, trunk_angle: float, ankle: Vec) -> Leg:
    """A leg with the foot flat on the floor at ``ankle`` and the hip lifted to ``trunk_angle``."""
    return leg_to(hip_on_arc(sx, trunk_angle), ankle, +1, foot=0)


def bridge_top_angle(sx: float, ankle: Vec, hip_angle: float = 178) -> float:
    """The trunk angle at which shoulder-hip-knee reaches ``hip_angle``."""

    def hip_angle_at(a: float) -> float:
        leg = planted(sx, a, ankle)
        return supine_hip_angle((sx, LYING), leg.hip, leg.knee)

    return solve(hip_angle_at, hip_angle, 0.0, 45.0)


def flat_foot_ankle(sx: float, thigh_angle: float) -> Vec:
    """Where a flat foot goes for a supine start with the thigh at ``thigh_angle``."""
    knee = polar(hip_on_arc(sx, 0), THIGH, thigh_angle)
    dy = ANKLE_FLAT - knee[1]
    return (knee[0] + math.sqrt(SHIN * SHIN - dy * dy), ANKLE_FLAT)


def prone(
    sx: float,
    near: Leg,
    far: Leg | None = None,
    on_forearms: bool = False,
) -> Pose:
    """Lying face down, head to the left: forehead on the stacked hands, or propped on the forearms."""
    if on_forearms:
        hip = near.hip
        elbow = (sx, FLOOR - 6)
        shoulder = (sx, FLOOR - 6 - UPPER_ARM)
        arm = Arm(elbow, (sx - FOREARM, FLOOR - 6))
        up = heading(hip, shoulder)
        head = polar(shoulder, NECK, up + 8)
        return Pose(shoulder, head, up + 15, arm, arm, near, far or near, face=-1)
    shoulder = (sx, LYING - 1)
    arm = Arm((sx - 36, FLOOR - 7), (sx - 14, FLOOR - 9))
    return Pose(shoulder, (sx - NECK - 4, FLOOR - 27), 180, arm, arm, near, far or near, face=-1)


def prone_leg(hip: Vec, lift: float = 0.0, knee_flexion: float = 0.0, foot: float | None = None) -> Leg:
    """A leg of a person lying face down: the thigh ``lift`` degrees off the floor line."""
    thigh = -3.0 + lift
    leg = leg_fk(hip, thigh, knee_flexion, face=-1)
    if foot is None:
        foot = heading(leg.knee, leg.ankle) - 25
    return replace(leg, foot=foot)


def upright(hip: Vec, trunk_lean: float, near: Leg, far: Leg | None = None, arms: Arm | None = None) -> Pose:
    """Kneeling or standing, facing right; ``trunk_lean`` degrees forward of vertical."""
    shoulder = polar(hip, TRUNK, 90 - trunk_lean)
    head = polar(shoulder, NECK - 4, 90 - trunk_lean * 0.8)
    if arms is None:
        elbow = polar(shoulder, UPPER_ARM, -90 - 4)
        arms = Arm(elbow, polar(elbow, FOREARM, -90 + 12))
    return Pose(shoulder, head, 90 - trunk_lean * 0.8, arms, arms, near, far or near)


def kneeling_leg(knee: Vec, hip: Vec) -> Leg:
    """Knee on the floor, shin flat behind it, top of the foot on the floor."""
    return Leg(hip, knee, (knee[0] - SHIN, knee[1] + 1), foot=190)


# --- the exercises ---------------------------------------------------------------------------

Frames = list[tuple[str, Pose]]


def bridge_family() -> dict[str, Frames]:
    sx = 110.0
    ankle = flat_foot_ankle(sx, 52)
    start = supine(sx, planted(sx, 0, ankle))
    top_a = bridge_top_angle(sx, ankle)
    top = supine(sx, planted(sx, top_a, ankle))
    low = supine(sx, planted(sx, 8, ankle))
    resting_a = bridge_top_angle(sx, ankle, 158)
    rest_leg = planted(sx, resting_a, ankle)
    sacrum = add(rest_leg.hip, (-8, 9))
    hands = Arm(ik((sx, LYING), sacrum, UPPER_ARM, FOREARM, -1), sacrum)
    resting = supine(sx, rest_leg, near_arm=hands)

    # March: the far hip flexes ~20 degrees, the knee keeps its angle, the foot leaves the floor.
    top_leg = planted(sx, top_a, ankle)
    thigh = heading(top_leg.hip, top_leg.knee)
    flex = 180 - angle_at(top_leg.hip, top_leg.knee, top_leg.ankle)
    lifted = leg_fk(top_leg.hip, thigh + 22, flex + 5, face=1, foot=8)
    march_far = supine(sx, top_leg, far=lifted)
    march_near = supine(sx, lifted, far=top_leg)

    # Single leg: the far leg straight, its thigh kept parallel to the near thigh.
    sl_start_leg = planted(sx, 0, ankle)
    sl_start_far = leg_fk(sl_start_leg.hip, heading(sl_start_leg.hip, sl_start_leg.knee), 0, 1)
    sl_top_leg = planted(sx, top_a, ankle)
    sl_top_far = leg_fk(sl_top_leg.hip, heading(sl_top_leg.hip, sl_top_leg.knee), 0, 1)

    # Heels on the ball: the heel rests on top of a ball on the floor.
    bx = 102.0
    ball_heel = FLOOR - 2 * BALL_R
    ball_ankle = (bx + TRUNK + 100, ball_heel - 5)

    def on_ball(trunk_angle: float) -> Leg:
        return leg_to(hip_on_arc(bx, trunk_angle), ball_ankle, +1, foot=75)

    def ball_hip_angle(a: float) -> float:
        leg = on_ball(a)
        return supine_hip_angle((bx, LYING), leg.hip, leg.knee)

    ball_top = solve(ball_hip_angle, 177, 0, 45)
    return {
        "hip-bridge": [("start", start), ("top", top)],
        "hip-bridge-low": [("start", start), ("low lift", low)],
        "hip-bridge-supported": [("start", start), ("lift", top), ("resting on the hands", resting)],
        "hip-bridge-hold": [("start", start), ("top (hold)", top)],
        "hip-bridge-march": [
            ("top", top),
            ("far foot lifted", march_far),
            ("top again", top),
            ("near foot lifted", march_near),
        ],
        "hip-bridge-single-leg": [
            ("start", supine(sx, sl_start_leg, far=sl_start_far)),
            ("top", supine(sx, sl_top_leg, far=sl_top_far)),
        ],
        "hip-bridge-feet-on-ball": [
            ("start", supine(bx, on_ball(0))),
            ("top", supine(bx, on_ball(ball_top))),
        ],
    }


def core_family() -> dict[str, Frames]:
    sx = 110.0
    ankle = flat_foot_ankle(sx, 52)
    leg = planted(sx, 0, ankle)
    hip_bone = add(leg.hip, (-12, -12))

    def hands(press: float) -> Arm:
        tip = add(hip_bone, (0, press))
        return Arm((sx + UPPER_ARM - 3, FLOOR - 7), add(tip, (-9, 4)))

    # Posterior tilt: the back of the pelvis drops, the tail lifts a little; the feet stay.
    tilted = leg_to(add(leg.hip, (-2, -5)), ankle, +1, foot=0)
    return {
        "abdominal-drawing-in": [
            ("breathe in", supine(sx, leg, near_arm=hands(0))),
            ("draw the belly in", supine(sx, leg, near_arm=hands(2))),
        ],
        "supine-pelvic-tilt": [("start", supine(sx, leg)), ("pelvis tilted", supine(sx, tilted))],
    }


def ball_supine_family() -> dict[str, Frames]:
    sx = 80.0
    heel_y = FLOOR - 2 * BALL_R

    def straight_body(far_raise: float | None = None) -> Pose:
        # Shoulders down, a straight line to the heels on top of the ball.
        a = solve(lambda t: -polar(polar(hip_on_arc(sx, t), THIGH + SHIN, t), 7, -90)[1], -heel_y, 0, 40)
        hip = hip_on_arc(sx, a)
        near = leg_fk(hip, a, 0, 1)
        far = near if far_raise is None else leg_fk(hip, a + far_raise, 0, 1)
        return supine(sx, near, far=far)

    def curled(far_raise: float | None = None) -> Pose:
        a = 26.0
        hip = hip_on_arc(sx, a)
        near = leg_fk(hip, a + 10, 95, 1)
        far = near if far_raise is None else leg_fk(hip, a + far_raise, 0, 1)
        return supine(sx, near, far=far)

    return {
        "ball-hamstring-curl": [("legs straight", straight_body()), ("knees curled", curled())],
        "ball-hamstring-curl-single-leg": [
            ("legs straight", straight_body(45)),
            ("knee curled", curled(50)),
        ],
    }


def band_supine_family() -> dict[str, Frames]:
    sx = 90.0
    ankle = flat_foot_ankle(sx, 52)
    rest = planted(sx, 0, ankle)
    hip = rest.hip
    bent = leg_fk(hip, 92, 90, 1)
    straight = leg_fk(hip, 95, 10, 1)

    def holding(leg: Leg) -> Arm:
        wrist = (sx + 52, leg.knee[1] + 25)
        return Arm(ik((sx, LYING), wrist, UPPER_ARM, FOREARM, -1), wrist)

    sx2 = 72.0
    hip2 = hip_on_arc(sx2, 0)
    chest = leg_fk(hip2, 122, 112, 1)
    pressed = leg_fk(hip2, 26, 8, 1)
    pulse_low = leg_fk(hip2, 36, 32, 1)
    pulse_high = leg_fk(hip2, 31, 20, 1)
    return {
        "band-supine-knee-extension": [
            ("knee bent", supine(sx, bent, far=rest, near_arm=holding(bent))),
            ("knee nearly straight", supine(sx, straight, far=rest, near_arm=holding(straight))),
        ],
        "band-double-leg-press": [("knees to chest", supine(sx2, chest)), ("legs pushed out", supine(sx2, pressed))],
        "band-leg-press-pulses": [("pressed", supine(sx2, pulse_low)), ("pulse", supine(sx2, pulse_high))],
    }


def prone_family() -> dict[str, Frames]:
    sx = 100.0
    hip = (sx + TRUNK, LYING)
    down = prone_leg(hip)
    lifted = prone_leg(hip, lift=11)
    on_ball_straight = leg_fk(hip, -3, 0, -1)
    # Ball between the feet: the straight-knee shins rest tilted up on it (ankles at the ball's centre).
    knee = on_ball_straight.knee
    ball_ankle_y = FLOOR - BALL_R
    shin_up = math.degrees(math.asin((knee[1] - ball_ankle_y) / SHIN))
    ball_straight = prone_leg(hip, knee_flexion=shin_up + 3, foot=0)
    ball_bent = prone_leg(hip, knee_flexion=92, foot=80)

    fx = 95.0
    fhip = (fx + math.sqrt(TRUNK**2 - (LYING - (FLOOR - 6 - UPPER_ARM)) ** 2), LYING)
    f_straight = prone_leg(fhip, knee_flexion=shin_up + 3, foot=0)
    f_bent = prone_leg(fhip, knee_flexion=90, foot=80)
    curl = prone_leg(hip, knee_flexion=128, foot=100)
    return {
        "prone-double-thigh-lift": [("start", prone(sx, down)), ("thighs lifted", prone(sx, lifted))],
        "prone-single-thigh-lift": [("start", prone(sx, down)), ("near thigh lifted", prone(sx, lifted, far=down))],
        "ball-prone-knee-bends": [
            ("knees straight", prone(sx, ball_straight)),
            ("knees bent", prone(sx, ball_bent)),
        ],
        "ball-prone-forearm-knee-bends": [
            ("knees straight", prone(fx, f_straight, on_forearms=True)),
            ("knees bent", prone(fx, f_bent, on_forearms=True)),
        ],
        "band-prone-hamstring-curl": [("start", prone(sx, down)), ("heel curled", prone(sx, curl, far=down))],
    }


def upright_family() -> dict[str, Frames]:
    knee = (200.0, FLOOR - 8)

    def tall(thigh_back: float, lean: float) -> Pose:
        hip = polar(knee, THIGH, 90 + thigh_back)
        return upright(hip, lean, kneeling_leg(knee, hip))

    hk_knee = (150.0, FLOOR - 8)
    front_ankle = (hk_knee[0] + 82, ANKLE_FLAT)

    def half(forward: float) -> Pose:
        hip = polar(hk_knee, THIGH, 90 - forward)
        return upright(hip, 0, kneeling_leg(hk_knee, hip), far=leg_to(hip, front_ankle, +1, foot=0))

    ankle = (200.0, FLOOR - 6)
    hip = (ankle[0], ankle[1] - SHIN - THIGH)
    stand = Leg(hip, (ankle[0] + 1, ankle[1] - SHIN), ankle, foot=0)
    curl = leg_fk(hip, -90, 95, 1, foot=-115)
    arms = Arm(
        polar(polar(hip, TRUNK, 90), UPPER_ARM, -80), polar(polar(polar(hip, TRUNK, 90), UPPER_ARM, -80), 38, -10)
    )
    return {
        "tall-kneeling-pelvic-drop": [("pelvis back", tall(22, 22)), ("pelvis dropped", tall(0, 0))],
        "half-kneeling-quad-stretch": [("upright", half(0)), ("pelvis dropped forward", half(22))],
        "band-standing-hamstring-curl": [
            ("standing", upright(hip, 0, stand, arms=arms)),
            ("heel curled", upright(hip, 0, curl, far=stand, arms=arms)),
        ],
    }


def all_exercises() -> dict[str, Frames]:
    out: dict[str, Frames] = {}
    for family in (
        bridge_family,
        core_family,
        ball_supine_family,
        band_supine_family,
        prone_family,
        upright_family,
    ):
        out.update(family())
    return dict(sorted(out.items()))


# --- output ----------------------------------------------------------------------------------


def normalised(pose: Pose) -> list[Vec]:
    pts = [(round(x / WIDTH, 4), round(y / HEIGHT, 4)) for x, y in landmarks(pose)]
    for i, (x, y) in enumerate(pts):
        if not (MARGIN <= x <= 1 - MARGIN and MARGIN <= y <= 1 - MARGIN):
            raise ValueError(f"landmark {i} at ({x}, {y}) is outside the frame")
    return pts


def render(exercise_id: str, frames: Frames) -> str:
    lines = [
        f"# Illustration keyframes of '{exercise_id}': 33 landmarks (MediaPipe Pose layout) as [x, y] in 0..1,",
        "# image coordinates (y down), side view of the left side. Generated by scripts/make_keyframes.py:",
        "# edit the script, not this file.",
    ]
    for name, pose in frames:
        try:
            pts = normalised(pose)
        except ValueError as exc:
            raise ValueError(f"{exercise_id} / {name}: {exc}") from None
        body = ",\n".join(f"  [{x:.4f}, {y:.4f}]" for x, y in pts)
        lines += ["", "[[keyframes]]", f'name = "{name}"', f"points = [\n{body},\n]"]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    exercises = all_exercises()
    ids = sorted(p.stem for p in DATA_DIR.glob("*.toml"))
    if sorted(exercises) != ids:
        missing, extra = sorted(set(ids) - set(exercises)), sorted(set(exercises) - set(ids))
        raise SystemExit(f"exercises without figures: {missing}; figures without exercises: {extra}")
    out_dir = DATA_DIR / "keyframes"
    out_dir.mkdir(exist_ok=True)
    stale = []
    for exercise_id, frames in exercises.items():
        path = out_dir / f"{exercise_id}.toml"
        text = render(exercise_id, frames)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.name)
        if not check:
            path.write_text(text, encoding="utf-8")
    verb = "stale" if check else "written"
    sys.stdout.write(f"{len(exercises)} exercises, {len(stale)} file(s) {verb}: {', '.join(stale) or '-'}\n")
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
