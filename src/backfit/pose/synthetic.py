"""Synthetic landmark sequences from a kinematic stick figure, with known truth.

Product code, not only test material: ``backfit evaluate`` scores synthetic manifests with it, and the
tests and benchmarks build their cases from it.

A body is a sagittal chain per side (hip, thigh, shin) plus a trunk and head,
posed in world metres (X along the body / forward, Y up, Z to the body's
left) and projected orthographically as MediaPipe would report it: normalised
``(frames, 33, 4)`` with ``aspect`` = width / height. Each pattern function
returns a :class:`Sequence` with the truth the analyzers must recover.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from backfit.pose import landmarks as lm
from backfit.pose.landmarks import FloatArray

ASPECT = 4 / 3
THIGH, SHIN, TRUNK, HIP_HALF, SHOULDER_HALF = 0.45, 0.42, 0.5, 0.15, 0.19


@dataclass
class Sequence:
    times: FloatArray  # (frames,) seconds
    frames: FloatArray  # (frames, 33, 4)
    truth_signal: FloatArray  # (frames,) the exercise's signal without noise
    reps: int
    rep_windows: list[tuple[float, float]] = field(default_factory=list)


def profile(
    times: FloatArray, reps: int, up_s: float, hold_s: float, down_s: float, rest_s: float, lead_s: float = 1.0
) -> FloatArray:
    """Repetition profile 0 (rest) .. 1 (top) ``(frames,)``: cosine ramps, a hold at the top, rests between."""
    p = np.zeros_like(times)
    period = up_s + hold_s + down_s + rest_s
    for r in range(reps):
        t0 = lead_s + r * period
        u = (times - t0) / up_s
        p = np.where((u >= 0) & (u < 1), 0.5 - 0.5 * np.cos(np.pi * u), p)
        p = np.where((times >= t0 + up_s) & (times < t0 + up_s + hold_s), 1.0, p)
        d = (times - t0 - up_s - hold_s) / down_s
        p = np.where((d >= 0) & (d < 1), 0.5 + 0.5 * np.cos(np.pi * d), p)
    return p


def _settled(
    times: FloatArray, reps: int, up_s: float, hold_s: float, down_s: float, rest_s: float, after_s: float
) -> FloatArray:
    """0 .. 1: how far each repetition has settled, from ``after_s`` into its hold until its rest ends."""
    q = np.zeros_like(times)
    period = up_s + hold_s + down_s + rest_s
    for r in range(reps):
        begin = 1.0 + r * period + up_s + after_s
        inside = (times >= begin) & (times < 1.0 + (r + 1) * period)
        q = np.where(inside, np.clip((times - begin) / 0.3, 0.0, 1.0), q)
    return q


def _dir(deg: FloatArray | float) -> FloatArray:
    r = np.radians(deg)
    return np.stack(np.broadcast_arrays(np.cos(r), np.sin(r)), axis=-1)


@dataclass
class Pose3D:
    """World joints, each ``(frames, 3)``; ``face`` = unit vector the face points to ``(frames, 3)``."""

    joints: dict[int, FloatArray]
    face: FloatArray


def build(
    hip: FloatArray,
    trunk_deg: FloatArray,
    thigh_deg: tuple[FloatArray, FloatArray],
    shin_deg: tuple[FloatArray, FloatArray],
    face: FloatArray,
    hip_dy: FloatArray | float = 0.0,
    knee_splay: float = 0.0,
) -> Pose3D:
    """Pose from a hip midpoint ``(frames, 2)`` (X, Y), segment directions in degrees (0 = +X, 90 = up) per side
    (left, right), face direction ``(2,)`` in X, Y. ``hip_dy``: left hip higher by this much (pelvis tilt);
    ``knee_splay``: knees (and feet) this much wider than the hips on each side."""
    n = hip.shape[0]
    joints: dict[int, FloatArray] = {}
    shoulder_mid = hip + TRUNK * _dir(trunk_deg)
    for side, sgn in ((0, 1.0), (1, -1.0)):
        h2 = hip + np.stack([np.zeros(n), sgn * np.broadcast_to(hip_dy, (n,)) / 2], axis=1)
        k2 = h2 + THIGH * _dir(thigh_deg[side])
        a2 = k2 + SHIN * _dir(shin_deg[side])
        foot2 = a2 + 0.15 * _dir(np.asarray(shin_deg[side]) + 90.0)
        heel2 = a2 - 0.05 * _dir(np.asarray(shin_deg[side]) + 90.0)
        s2 = shoulder_mid
        z_leg = sgn * (HIP_HALF + knee_splay)
        idx = (lm.LEFT_HIP, lm.LEFT_KNEE, lm.LEFT_ANKLE, lm.LEFT_FOOT_INDEX, lm.LEFT_HEEL, lm.LEFT_SHOULDER)
        if side:
            idx = (lm.RIGHT_HIP, lm.RIGHT_KNEE, lm.RIGHT_ANKLE, lm.RIGHT_FOOT_INDEX, lm.RIGHT_HEEL, lm.RIGHT_SHOULDER)
        for j, p2, z in zip(
            idx,
            (h2, k2, a2, foot2, heel2, s2),
            (sgn * HIP_HALF, z_leg, z_leg, z_leg, z_leg, sgn * SHOULDER_HALF),
            strict=True,
        ):
            joints[j] = np.column_stack([p2, np.full(n, z)])
    head = np.column_stack([shoulder_mid + 0.25 * _dir(trunk_deg), np.zeros(n)])
    f3 = np.array([face[0], face[1], 0.0])
    joints[lm.NOSE] = head + 0.1 * f3
    for j in range(1, 11):
        sgn = 1.0 if j in (1, 2, 3, 7, 9) else -1.0
        base = head + (0.07 * f3 if j < 7 else 0.0 if j < 9 else 0.03 * f3)
        joints[j] = base + np.array([0, 0, sgn * (0.03 if j < 7 else 0.07)])
    for sh, el, wr, extra in ((11, 13, 15, (17, 19, 21)), (12, 14, 16, (18, 20, 22))):
        arm = joints[lm.LEFT_HIP if sh == 11 else lm.RIGHT_HIP] - joints[sh]
        arm = arm / np.linalg.norm(arm, axis=1, keepdims=True)
        joints[el] = joints[sh] + 0.28 * arm
        joints[wr] = joints[sh] + 0.55 * arm
        for e in extra:
            joints[e] = joints[wr] + 0.05 * arm
    return Pose3D(joints, np.broadcast_to(f3, (n, 3)))


def project(pose: Pose3D, view: str, lying: bool, aspect: float = ASPECT, scale: float = 0.42) -> FloatArray:
    """Normalised ``(frames, 33, 4)`` landmarks as a camera at the body's left side or at its end sees them."""
    n = pose.face.shape[0]
    out = np.zeros((n, lm.N_LANDMARKS, 4))
    for j, p in pose.joints.items():
        X, Y, Z = p[:, 0], p[:, 1], p[:, 2]
        if view == "side":
            x, y, z = X, -Y, -Z
        elif lying:
            x, y, z = Z, -Y + 0.3 * X, -X
        else:
            x, y, z = -Z, -Y, -X
        out[:, j, 0] = x * scale
        out[:, j, 1] = y * scale
        out[:, j, 2] = z * scale
        out[:, j, 3] = 0.99
    # centre the body in the image
    xs, ys = out[:, :, 0], out[:, :, 1]
    out[:, :, 0] = (xs - np.nanmean(xs) + aspect / 2) / aspect
    out[:, :, 1] = ys - np.nanmean(ys) + 0.5
    return out


@dataclass(frozen=True)
class Faults:
    pelvis_drop_deg: float = 0.0  # one hip lower at the top (end view shows it)
    knee_splay: float = 0.0  # metres wider than the hips on each side
    leg_diff_deg: float = 0.0  # prone: right thigh lifts this much less
    over_arch_deg: float = 0.0  # bridge: extra hip extension past the line at the top
    trunk_lift_deg: float = 0.0  # prone: trunk raised at the top; kneeling/standing: lean back


def bridge(
    reps: int = 3,
    hold_s: float = 2.0,
    view: str = "side",
    fps: float = 30.0,
    faults: Faults = Faults(),
    single_leg: bool = False,
    up_s: float = 1.0,
    down_s: float = 1.0,
    rest_s: float = 1.0,
    rest_deg: float = 120.0,
    top_deg: float = 178.0,
    ball: bool = False,
    settle_deg: float = 0.0,
    settle_after_s: float = 1.0,
    sag_deg: float = 0.0,
) -> Sequence:
    """Supine hip bridge (or single-leg bridge): hip extension ``rest_deg`` .. ``top_deg`` (+ over-arch).

    With ``settle_deg``, each hold settles that much lower ``settle_after_s`` after reaching the top (in
    0.3 s) and stays there until the lowering; the hold is still ``hold_s`` (the time in the top position).
    With ``sag_deg``, the hips sag that much in the middle third of each hold and come back up.
    """
    duration = 1.0 + reps * (up_s + hold_s + down_s + rest_s) + 0.5
    t = np.arange(0, duration, 1 / fps)
    p = profile(t, reps, up_s, hold_s, down_s, rest_s)
    top = top_deg + faults.over_arch_deg - settle_deg * _settled(t, reps, up_s, hold_s, down_s, rest_s, settle_after_s)
    if sag_deg:
        third = hold_s / 3
        top = top - sag_deg * profile(
            t, reps, 0.3, third - 0.6, 0.3, up_s + 2 * third + down_s + rest_s, 1.0 + up_s + third
        )
    ext = rest_deg + p * (top - rest_deg)
    trunk = 25.0 * p  # the shoulder-to-hip line continued past the hips: rises as the hips lift
    # hip at the origin; trunk direction from hip to shoulders points to -X and down as hips rise
    trunk_deg = 180.0 + 25.0 * p
    thigh = trunk + (180.0 - ext)  # rises toward the knee
    shin = thigh - 95.0
    lifted_thigh = thigh
    lifted_shin = thigh if single_leg else shin
    hip = np.column_stack([np.zeros_like(t), 0.1 + TRUNK * np.sin(np.radians(25.0 * p))])
    drop = 2 * HIP_HALF * np.tan(np.radians(faults.pelvis_drop_deg)) * p
    pose = build(
        hip,
        trunk_deg,
        (thigh, lifted_thigh),
        (shin, lifted_shin),
        np.array([0.0, 1.0]),
        hip_dy=drop,
        knee_splay=faults.knee_splay,
    )
    frames = project(pose, view, lying=True)
    return Sequence(t, frames, ext, reps)


def bridge_march(
    steps: int = 4,
    view: str = "end",
    fps: float = 30.0,
    lift_deg: float = 10.0,
    drop_deg: float = 0.0,
    drop_side: str | None = None,
    step_s: float = 1.5,
    gap_s: float = 1.0,
) -> Sequence:
    """Marching bridge: up into one bridge, ``steps`` alternating foot lifts at the top (left first), down.

    Each lift turns the whole leg about the hip by ``lift_deg`` (0.3 s ramps, over ``step_s``), so the foot
    rises; with ``drop_deg`` the pelvis drops that much toward the lifted foot (on ``drop_side`` only, if
    given). ``rep_windows`` holds each step's (start, end) in seconds; ``reps`` is 1 (one bridge).
    """
    hold_s = steps * (step_s + gap_s) + gap_s
    duration = 1.0 + 1.0 + hold_s + 1.0 + 1.5
    t = np.arange(0, duration, 1 / fps)
    p = profile(t, 1, 1.0, hold_s, 1.0, 1.0)
    ext = 120.0 + p * (178.0 - 120.0)
    trunk = 25.0 * p
    thigh = trunk + (180.0 - ext)
    shin = thigh - 95.0
    lifts: list[FloatArray] = [np.zeros_like(t), np.zeros_like(t)]
    drops = [np.zeros_like(t), np.zeros_like(t)]  # how far each side's hip sinks (m)
    windows = []
    for i in range(steps):
        t0 = 2.0 + gap_s + i * (step_s + gap_s)
        q = profile(t, 1, 0.3, step_s - 0.6, 0.3, 0.0, lead_s=t0)
        side = i % 2
        lifts[side] = lifts[side] + lift_deg * q
        if drop_deg and drop_side in (None, ("left", "right")[side]):
            half = HIP_HALF * np.tan(np.radians(drop_deg)) * q  # the pelvis tilts about its midpoint
            drops[side] = drops[side] + half
            drops[1 - side] = drops[1 - side] - half
        windows.append((t0, t0 + step_s))
    hip = np.column_stack([np.zeros_like(t), 0.1 + TRUNK * np.sin(np.radians(trunk))])
    pose = build(
        hip,
        180.0 + trunk,
        (thigh + lifts[0], thigh + lifts[1]),
        (shin + lifts[0], shin + lifts[1]),
        np.array([0.0, 1.0]),
    )
    legs = (
        (lm.LEFT_HIP, lm.LEFT_KNEE, lm.LEFT_ANKLE, lm.LEFT_HEEL, lm.LEFT_FOOT_INDEX),
        (lm.RIGHT_HIP, lm.RIGHT_KNEE, lm.RIGHT_ANKLE, lm.RIGHT_HEEL, lm.RIGHT_FOOT_INDEX),
    )
    for side in (0, 1):
        lifted = lifts[side] > 0
        for j in legs[side]:  # a hip sinks; a lifted leg hangs from it, a planted foot stays down
            if j == legs[side][0]:
                pose.joints[j][:, 1] -= drops[side]
            else:
                pose.joints[j][:, 1] -= np.where(lifted, drops[side], 0.0)
    return Sequence(t, project(pose, view, lying=True), ext, 1, windows)


def prone_lift(
    reps: int = 3,
    hold_s: float = 1.5,
    view: str = "side",
    fps: float = 30.0,
    faults: Faults = Faults(),
    single: bool = False,
    lift_deg: float = 12.0,
) -> Sequence:
    """Face-down thigh lift (both thighs, or the left only): thigh lift 0 .. ``lift_deg``."""
    duration = 1.0 + reps * (1.0 + hold_s + 1.0 + 1.0) + 0.5
    t = np.arange(0, duration, 1 / fps)
    p = profile(t, reps, 1.0, hold_s, 1.0, 1.0)
    left = lift_deg * p
    right = np.zeros_like(p) if single else (lift_deg - faults.leg_diff_deg) * p
    hip = np.column_stack([np.zeros_like(t), np.full_like(t, 0.1)])
    trunk_deg = 180.0 - faults.trunk_lift_deg * p  # shoulders toward -X, raised when arching
    drop = 2 * HIP_HALF * np.tan(np.radians(faults.pelvis_drop_deg)) * p
    pose = build(
        hip, trunk_deg, (left, right), (left, right), np.array([0.0, -1.0]), hip_dy=drop, knee_splay=faults.knee_splay
    )
    frames = project(pose, view, lying=True)
    return Sequence(t, frames, np.maximum(left, right), reps)


def kneeling_hold(
    holds: tuple[float, ...] = (10.0,),
    half: bool = False,
    view: str = "side",
    fps: float = 30.0,
    faults: Faults = Faults(),
    stand_between_s: float = 0.0,
    top_deg: float | None = None,
    line_back_deg: float = 0.0,
    rest_deg: float | None = None,
) -> Sequence:
    """Tall (or half) kneeling: hips pushed back (hip extension 140) then dropped under the shoulders
    (``top_deg``, default 180) and held. Half kneeling (the quad stretch): the kneeling side's hip goes
    from upright (``rest_deg``, default 178) to shifted forward past the line (``top_deg``, default 200).

    With ``stand_between_s``, the person stands up between holds (a position change). With
    ``line_back_deg``, the whole thigh-trunk line leans back from the knees at the top (hips behind the
    knees, trunk leaning back, the hip still straight)."""
    ramp = 1.5
    gap = max(stand_between_s, 2.0)
    segments = [(1.0 + sum(h + 2 * ramp + gap for h in holds[:i]), h) for i, h in enumerate(holds)]
    duration = segments[-1][0] + holds[-1] + 2 * ramp + 1.0
    t = np.arange(0, duration, 1 / fps)
    p = np.zeros_like(t)
    standing = np.zeros_like(t, dtype=bool)
    for i, (t0, h) in enumerate(segments):
        p = np.maximum(p, profile(t, 1, ramp, h, ramp, 0.0, lead_s=t0))
        if stand_between_s and i + 1 < len(segments):
            end = t0 + h + 2 * ramp
            standing |= (t >= end + 0.2) & (t < end + stand_between_s - 0.2)
    low = rest_deg if rest_deg is not None else 178.0 if half else 140.0
    high = top_deg if top_deg is not None else 200.0 if half else 180.0
    ext = low + (high - low) * p
    lean = faults.trunk_lift_deg * p + line_back_deg * p
    hip_lean = -(180.0 - ext)  # thigh from vertical (hips back), trunk kept vertical
    trunk_deg = 90.0 + lean
    thigh_back = -90.0 - hip_lean + line_back_deg * p  # hip to knee: down, knee forward when hips are back
    thigh = np.where(standing, -90.0, thigh_back)
    shin = np.where(standing, -90.0, 180.0)
    hip_y = np.where(standing, THIGH + SHIN + 0.05, 0.05 - THIGH * np.sin(np.radians(thigh_back)))
    hip = np.column_stack([np.zeros_like(t), hip_y])
    if half:
        front_thigh = np.where(standing, -90.0, 0.0)
        front_shin = np.full_like(t, -90.0)
        hip[:, 1] = np.where(standing, hip_y, np.maximum(hip_y, SHIN + 0.05))
        pose = build(hip, trunk_deg, (thigh, front_thigh), (shin, front_shin), np.array([1.0, 0.0]))
    else:
        pose = build(hip, trunk_deg, (thigh, thigh), (shin, shin), np.array([1.0, 0.0]))
    frames = project(pose, view, lying=False)
    truth = np.where(standing, np.nan, ext)
    return Sequence(t, frames, truth, len(holds))


def curl(
    reps: int = 5,
    kind: str = "ball",
    view: str = "side",
    fps: float = 30.0,
    hips_drop_deg: float = 0.0,
    thigh_lift_deg: float = 0.0,
    hold_s: float = 0.3,
    both: bool = False,
    trunk_up_deg: float = 0.0,
    trunk_lift_deg: float = 0.0,
    pelvis_drop_deg: float = 0.0,
) -> Sequence:
    """Knee curls: ``ball`` (supine, hips up, both knees 20..100), ``prone`` (band, left knee 5..100; with
    ``both``, both knees, as with a ball between the feet; ``trunk_up_deg``: propped on the forearms),
    ``standing`` (band, left knee 5..95). Faults: hips sag on the ball, thigh lifts off the floor /
    forward, the trunk lifts (prone) or leans forward (standing) by ``trunk_lift_deg``, one hip drops
    ``pelvis_drop_deg``."""
    duration = 1.0 + reps * (1.0 + hold_s + 1.0 + 0.6) + 0.5
    t = np.arange(0, duration, 1 / fps)
    p = profile(t, reps, 1.0, hold_s, 1.0, 0.6)
    zero = np.zeros_like(t)
    drop = 2 * HIP_HALF * np.tan(np.radians(pelvis_drop_deg)) * p
    if kind == "ball":
        flex = 20.0 + 80.0 * p
        trunk_a = 20.0 - hips_drop_deg * p
        trunk_deg = 180.0 + trunk_a
        ext = 175.0 - hips_drop_deg * p
        thigh = trunk_a + (180.0 - ext)
        shin = thigh - flex
        hip = np.column_stack([zero, 0.1 + TRUNK * np.sin(np.radians(trunk_a))])
        pose = build(hip, trunk_deg, (thigh, thigh), (shin, shin), np.array([0.0, 1.0]), hip_dy=drop)
        return Sequence(t, project(pose, view, lying=True), flex, reps)
    if kind == "prone":
        flex = 5.0 + 95.0 * p
        lift = thigh_lift_deg * p
        hip = np.column_stack([zero, np.full_like(t, 0.1)])
        trunk_deg = np.full_like(t, 180.0 - trunk_up_deg) - trunk_lift_deg * p
        other = (lift, lift + flex) if both else (zero, zero)
        pose = build(hip, trunk_deg, (lift, other[0]), (lift + flex, other[1]), np.array([0.0, -1.0]), hip_dy=drop)
        return Sequence(t, project(pose, view, lying=True), flex, reps)
    flex = 5.0 + 90.0 * p
    swing = thigh_lift_deg * p  # thigh swings forward (from vertical)
    thigh_l = -90.0 + swing
    hip = np.column_stack([zero, np.full_like(t, THIGH + SHIN + 0.05)])
    pose = build(
        hip,
        90.0 - trunk_lift_deg * p,
        (thigh_l, np.full_like(t, -90.0)),
        (thigh_l - flex, np.full_like(t, -90.0)),
        np.array([1.0, 0.0]),
        hip_dy=drop,
    )
    return Sequence(t, project(pose, view, lying=False), flex, reps)


def degrade(
    seq: Sequence,
    noise: float = 0.0,
    drop_fraction: float = 0.0,
    occlude: tuple[float, float] | None = None,
    swap: tuple[float, float] | None = None,
    seed: int = 0,
) -> Sequence:
    """Noise (normalised units, Gaussian sigma), dropped frames (all NaN, visibility 0), an occlusion window
    (knees and ankles low visibility) and a left/right label swap window (seconds)."""
    rng = np.random.default_rng(seed)
    f = seq.frames.copy()
    f[..., :2] += rng.normal(0, noise, f[..., :2].shape) if noise else 0.0
    if drop_fraction:
        drop = rng.random(f.shape[0]) < drop_fraction
        drop[0] = False
        f[drop, :, :3] = np.nan
        f[drop, :, 3] = 0.0
    if occlude:
        w = (seq.times >= occlude[0]) & (seq.times < occlude[1])
        f[np.ix_(w, np.array([lm.LEFT_KNEE, lm.LEFT_ANKLE]), np.array([3]))] = 0.05
    if swap:
        w = (seq.times >= swap[0]) & (seq.times < swap[1])
        f[w] = lm.swap_left_right(f[w])
    return Sequence(seq.times, f, seq.truth_signal, seq.reps, seq.rep_windows)


def press(
    reps: int = 5,
    single: bool = False,
    view: str = "side",
    fps: float = 30.0,
    hold_s: float = 0.5,
    straight_deg: float = 10.0,
) -> Sequence:
    """Supine band press: both legs (or the left only, the right foot flat on the floor) push from knees
    bent 100 deg, thighs raised, to nearly straight (knee flexion ``straight_deg``) and back."""
    duration = 1.0 + reps * (1.0 + hold_s + 1.0 + 1.0) + 0.5
    t = np.arange(0, duration, 1 / fps)
    p = profile(t, reps, 1.0, hold_s, 1.0, 1.0)
    zero = np.zeros_like(t)
    flex = 100.0 - p * (100.0 - straight_deg)
    thigh = 70.0 - 40.0 * p  # raised above the floor line, lower as the leg straightens
    shin = thigh - flex
    hip = np.column_stack([zero, np.full_like(t, 0.1)])
    other_thigh, other_shin = (np.full_like(t, 50.0), np.full_like(t, 50.0 - 100.0)) if single else (thigh, shin)
    pose = build(hip, np.full_like(t, 180.0), (thigh, other_thigh), (shin, other_shin), np.array([0.0, 1.0]))
    return Sequence(t, project(pose, view, lying=True), flex, reps)


def crop(seq: Sequence, start_s: float | None = None, end_s: float | None = None) -> Sequence:
    """The part of ``seq`` from ``start_s`` to ``end_s`` (a clip that begins or ends part-way); times kept."""
    keep = np.ones(len(seq.times), dtype=bool)
    if start_s is not None:
        keep &= seq.times >= start_s
    if end_s is not None:
        keep &= seq.times < end_s
    return Sequence(seq.times[keep], seq.frames[keep], seq.truth_signal[keep], seq.reps, seq.rep_windows)


def roll(seq: Sequence, deg: float, aspect: float = ASPECT) -> Sequence:
    """The camera rolled by ``deg`` (the image turned about its centre, clockwise with y down)."""
    f = seq.frames.copy()
    r = np.radians(deg)
    x = (f[..., 0] - 0.5) * aspect
    y = f[..., 1] - 0.5
    f[..., 0] = (np.cos(r) * x - np.sin(r) * y) / aspect + 0.5
    f[..., 1] = np.sin(r) * x + np.cos(r) * y + 0.5
    return Sequence(seq.times, f, seq.truth_signal, seq.reps, seq.rep_windows)


def corrupt(seq: Sequence, start_s: float, frames: int, shift: float = 0.15) -> Sequence:
    """``frames`` mis-detected frames from ``start_s``: the knees and ankles jump ``shift`` (normalised) up."""
    f = seq.frames.copy()
    first = int(np.searchsorted(seq.times, start_s))
    legs = [lm.LEFT_KNEE, lm.RIGHT_KNEE, lm.LEFT_ANKLE, lm.RIGHT_ANKLE]
    f[first : first + frames, legs, 1] -= shift
    return Sequence(seq.times, f, seq.truth_signal, seq.reps, seq.rep_windows)


def get_up(seq: Sequence, seconds: float = 1.0, fps: float = 30.0) -> Sequence:
    """``seconds`` of frames appended after the end: the person stands up (another position)."""
    t = seq.times[-1] + np.arange(1, int(seconds * fps) + 1) / fps
    n = len(t)
    hip = np.column_stack([np.zeros(n), np.full(n, THIGH + SHIN + 0.05)])
    down = np.full(n, -90.0)
    pose = build(hip, np.full(n, 90.0), (down, down), (down, down), np.array([1.0, 0.0]))
    standing = project(pose, "side", lying=False)
    return Sequence(
        np.concatenate([seq.times, t]),
        np.concatenate([seq.frames, standing]),
        np.concatenate([seq.truth_signal, np.full(n, np.nan)]),
        seq.reps,
        seq.rep_windows,
    )
