"""Illustration keyframes: present for every exercise, well formed, and true to the exercise's movement.

Geometry is measured with :mod:`backfit.pose.geometry` on the keyframes as landmark
frames, in the 400 x 300 image's proportions, so a figure passes the same measures
the camera analysis applies to a person.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from backfit.catalog import CatalogError, Exercise, load_catalog, load_catalog_from
from backfit.catalog.loader import DATA_DIR
from backfit.pose import geometry
from backfit.pose import landmarks as lm
from backfit.web.illustration import FAR, NEAR, TORSO, figure_svg

CATALOG = load_catalog()
IDS = sorted(CATALOG)
WIDTH, HEIGHT = 400.0, 300.0
ASPECT = WIDTH / HEIGHT
SVG = "{http://www.w3.org/2000/svg}"

# Exercises whose movement a side-view stick figure barely shows, and why.
NEAR_STATIC = {
    # The belly draws in; the pelvis and everything else must not move. Only the fingertips sink a little.
    "abdominal-drawing-in": "the deep abdominals work without moving the pelvis",
}
SMALL_MOVES = {
    "supine-pelvic-tilt": "a small tilt of the pelvis",
    "hip-bridge-low": "lift only a little",
    "band-leg-press-pulses": "small pulses near straight",
}
SEGMENTS = {
    "trunk": (lm.LEFT_SHOULDER, lm.LEFT_HIP),
    "near thigh": (lm.LEFT_HIP, lm.LEFT_KNEE),
    "near shin": (lm.LEFT_KNEE, lm.LEFT_ANKLE),
    "far thigh": (lm.RIGHT_HIP, lm.RIGHT_KNEE),
    "far shin": (lm.RIGHT_KNEE, lm.RIGHT_ANKLE),
}


def frames_of(exercise: Exercise) -> np.ndarray:
    """The keyframes as ``(k, 33, 4)`` landmark frames (z = 0, full visibility)."""
    pts = np.array([kf.points for kf in exercise.keyframes], dtype=np.float64)
    out = np.zeros((*pts.shape[:2], 4))
    out[..., :2] = pts
    out[..., 3] = 1.0
    return out


def pixels(exercise: Exercise) -> np.ndarray:
    """``(k, 33, 2)`` keyframe points in pixels."""
    return np.array([kf.points for kf in exercise.keyframes]) * [WIDTH, HEIGHT]


def hip_ext(exercise: Exercise, side: int = 0) -> np.ndarray:
    return geometry.hip_extension_deg(frames_of(exercise), ASPECT)[:, side]


def knee_flex(exercise: Exercise, side: int = 0) -> np.ndarray:
    return geometry.knee_flexion_deg(frames_of(exercise), ASPECT)[:, side]


def by_name(exercise: Exercise, name: str) -> int:
    return [kf.name for kf in exercise.keyframes].index(name)


# --- form ----------------------------------------------------------------------------------------


def test_every_exercise_has_a_keyframes_file() -> None:
    files = sorted(p.stem for p in (DATA_DIR / "keyframes").glob("*.toml"))
    assert files == IDS


@pytest.mark.parametrize("exercise_id", IDS)
def test_keyframes_are_33_points_inside_the_frame(exercise_id: str) -> None:
    ex = CATALOG[exercise_id]
    assert len(ex.keyframes) >= 2
    assert len({kf.name for kf in ex.keyframes}) >= 2, "keyframes are named for their positions"
    pts = np.array([kf.points for kf in ex.keyframes])
    assert pts.shape[1:] == (33, 2)
    assert pts.min() >= 0.02
    assert pts.max() <= 0.98


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_movement_shows(exercise_id: str) -> None:
    px = pixels(CATALOG[exercise_id])
    moved = float(np.abs(px[1] - px[0]).max())
    if exercise_id in NEAR_STATIC:
        assert moved < 5
        hips = [lm.LEFT_HIP, lm.RIGHT_HIP]
        assert np.allclose(px[:, hips], px[0, hips], atol=0.5), "the pelvis stays still"
    elif exercise_id in SMALL_MOVES:
        assert 3 < moved < 30
    else:
        assert moved > 15


@pytest.mark.parametrize("exercise_id", IDS)
def test_segment_lengths_stay_the_same(exercise_id: str) -> None:
    px = pixels(CATALOG[exercise_id])
    for name, (a, b) in SEGMENTS.items():
        lengths = np.linalg.norm(px[:, a] - px[:, b], axis=-1)
        assert lengths.max() <= lengths.min() * 1.03, f"{name}: {lengths.round(1)}"


@pytest.mark.parametrize("exercise_id", IDS)
def test_figures_rest_on_the_floor(exercise_id: str) -> None:
    """Nothing sinks below the floor line (y = 0.9), and the body touches it."""
    pts = np.array([kf.points for kf in CATALOG[exercise_id].keyframes])
    assert pts[..., 1].max() <= 0.905
    assert (pts[..., 1].max(axis=1) >= 0.87).all()


# --- the movement of each exercise (ROUTINE.md) ----------------------------------------------------

BRIDGES = {
    # id: (minimum hip extension at the top, minimum rise from the start)
    "hip-bridge": (160, 40),
    "hip-bridge-hold": (160, 40),
    "hip-bridge-supported": (160, 40),
    "hip-bridge-single-leg": (160, 40),
    "hip-bridge-feet-on-ball": (160, 25),
    "hip-bridge-low": (135, 5),
}


@pytest.mark.parametrize(("exercise_id", "top", "rise"), [pytest.param(k, *v, id=k) for k, v in BRIDGES.items()])
def test_bridges_lift_to_a_straight_line(exercise_id: str, top: float, rise: float) -> None:
    ex = CATALOG[exercise_id]
    ext = hip_ext(ex)  # the near (stance) leg
    high = ext.max()
    assert high >= top
    assert high <= 195, "no arching past the shoulder-hip-knee line"
    assert high - ext[0] > rise
    assert ext[0] < 140, "the start is on the floor with the knees bent"


def test_low_bridge_stays_low() -> None:
    ext = hip_ext(CATALOG["hip-bridge-low"])
    assert ext.max() < 160


def test_single_leg_bridge_extends_the_far_leg_in_line_with_its_thigh() -> None:
    ex = CATALOG["hip-bridge-single-leg"]
    assert (knee_flex(ex, side=1) < 5).all()
    top = int(np.argmax(hip_ext(ex)))
    assert hip_ext(ex, side=1)[top] == pytest.approx(hip_ext(ex)[top], abs=5), "both thighs in line at the top"


def test_march_keeps_the_pelvis_up_and_lifts_one_foot_at_a_time() -> None:
    ex = CATALOG["hip-bridge-march"]
    px = pixels(ex)
    assert (hip_ext(ex) >= 160).any()
    assert np.ptp(px[:, lm.LEFT_HIP, 1]) < 1, "the pelvis does not drop"
    far = by_name(ex, "far foot lifted")
    lift = px[0, lm.RIGHT_HEEL, 1] - px[far, lm.RIGHT_HEEL, 1]
    assert 5 < lift < 40, "a few cm"
    assert px[far, lm.LEFT_HEEL, 1] == pytest.approx(px[0, lm.LEFT_HEEL, 1])


@pytest.mark.parametrize("exercise_id", ["ball-hamstring-curl", "ball-hamstring-curl-single-leg"])
def test_ball_curls_keep_the_hips_up_while_the_knees_bend(exercise_id: str) -> None:
    ex = CATALOG[exercise_id]
    assert (hip_ext(ex) >= 150).all()
    flex = knee_flex(ex)
    assert flex[0] < 10
    assert flex[-1] > 60


def test_single_leg_ball_curl_raises_the_other_leg() -> None:
    px = pixels(CATALOG["ball-hamstring-curl-single-leg"])
    assert (px[:, lm.RIGHT_ANKLE, 1] < px[:, lm.LEFT_ANKLE, 1] - 40).all()


@pytest.mark.parametrize(
    ("exercise_id", "side"),
    [("prone-double-thigh-lift", 0), ("prone-double-thigh-lift", 1), ("prone-single-thigh-lift", 0)],
)
def test_prone_lifts_raise_the_knees_above_the_hip_line(exercise_id: str, side: int) -> None:
    ex = CATALOG[exercise_id]
    lift = geometry.thigh_lift_deg(frames_of(ex), ASPECT)[:, side]
    assert lift[0] <= 0, "the start rests on the floor"
    assert lift[-1] > 5, "the knee is above the hip line"
    assert lift[-1] < 20, "a few cm, not a back arch"
    assert (knee_flex(ex, side) < 5).all(), "knees straight"


def test_single_thigh_lift_leaves_the_far_leg_down() -> None:
    lift = geometry.thigh_lift_deg(frames_of(CATALOG["prone-single-thigh-lift"]), ASPECT)
    assert (lift[:, 1] <= 0).all()


@pytest.mark.parametrize(
    ("exercise_id", "side", "bend"),
    [
        ("ball-prone-knee-bends", 0, 70),
        ("ball-prone-forearm-knee-bends", 0, 70),
        ("band-prone-hamstring-curl", 0, 110),
        ("band-standing-hamstring-curl", 0, 70),
        ("band-supine-knee-extension", 0, -60),
        ("band-double-leg-press", 0, -80),
    ],
)
def test_knee_bends(exercise_id: str, side: int, bend: float) -> None:
    flex = knee_flex(CATALOG[exercise_id], side)
    assert flex[-1] - flex[0] == pytest.approx(bend, abs=25)


@pytest.mark.parametrize("exercise_id", ["band-prone-hamstring-curl", "band-standing-hamstring-curl"])
def test_curls_keep_the_thigh_still(exercise_id: str) -> None:
    ex = CATALOG[exercise_id]
    px = pixels(ex)
    thigh = px[:, lm.LEFT_KNEE] - px[:, lm.LEFT_HIP]
    angles = np.degrees(np.arctan2(thigh[:, 1], thigh[:, 0]))
    assert np.ptp(angles) < 3
    assert np.ptp(px[:, lm.LEFT_HIP], axis=0).max() < 1, "the pelvis does not lift"


def test_standing_curl_thigh_is_vertical() -> None:
    thigh = geometry.thigh_from_vertical_deg(frames_of(CATALOG["band-standing-hamstring-curl"]), ASPECT)[:, 0]
    assert (thigh < 5).all()


def test_forearm_knee_bends_keep_the_trunk_straight_and_up() -> None:
    ex = CATALOG["ball-prone-forearm-knee-bends"]
    trunk = geometry.trunk_to_floor_deg(frames_of(ex), ASPECT)
    assert (trunk > 12).all(), "propped on the forearms"
    assert (hip_ext(ex) > 165).all(), "no kink at the low back"


def test_double_leg_press_goes_from_knees_to_chest_to_nearly_straight() -> None:
    ex = CATALOG["band-double-leg-press"]
    ext, flex = hip_ext(ex), knee_flex(ex)
    assert ext[0] < 90
    assert flex[0] > 90
    assert ext[-1] > 140
    assert flex[-1] < 20


def test_leg_press_pulses_stay_short_of_straight() -> None:
    flex = knee_flex(CATALOG["band-leg-press-pulses"])
    assert (flex > 10).all()
    assert np.ptp(flex) > 5


def test_supine_knee_extension_flexes_the_hip_to_a_right_angle() -> None:
    ex = CATALOG["band-supine-knee-extension"]
    assert hip_ext(ex) == pytest.approx(90, abs=15)
    assert knee_flex(ex)[-1] < 20
    assert knee_flex(ex, side=1) == pytest.approx(knee_flex(ex, side=1)[0]), "the other foot stays planted"


def test_pelvic_tilt_moves_the_pelvis_a_little_and_the_feet_not_at_all() -> None:
    px = pixels(CATALOG["supine-pelvic-tilt"])
    assert 2 < np.abs(px[1, lm.LEFT_HIP] - px[0, lm.LEFT_HIP]).max() < 10
    assert np.allclose(px[1, lm.LEFT_ANKLE], px[0, lm.LEFT_ANKLE])


def test_drawing_in_has_the_fingertips_at_the_front_hip_bones() -> None:
    px = pixels(CATALOG["abdominal-drawing-in"])
    for frame in px:
        assert np.linalg.norm(frame[lm.LEFT_HIP] - frame[19]) < 25


def test_tall_kneeling_drops_the_pelvis_under_the_shoulders() -> None:
    ex = CATALOG["tall-kneeling-pelvic-drop"]
    frames = frames_of(ex)
    ext = hip_ext(ex)
    lean = geometry.trunk_from_vertical_deg(frames, ASPECT)
    thigh = geometry.thigh_from_vertical_deg(frames, ASPECT)[:, 0]
    assert ext[-1] == pytest.approx(180, abs=10), "thigh and trunk in one line"
    assert abs(lean[-1]) <= 10, "trunk vertical, no backward lean"
    assert thigh[-1] <= 10
    assert ext[0] < 160, "the start: hips flexed"
    px = pixels(ex)
    assert px[0, lm.LEFT_HIP, 0] < px[0, lm.LEFT_KNEE, 0] - 10, "the start: pelvis behind the knees"


def test_half_kneeling_shifts_the_pelvis_forward_with_the_trunk_upright() -> None:
    ex = CATALOG["half-kneeling-quad-stretch"]
    frames = frames_of(ex)
    px = pixels(ex)
    assert (np.abs(geometry.trunk_from_vertical_deg(frames, ASPECT)) <= 10).all()
    assert px[-1, lm.LEFT_HIP, 0] > px[0, lm.LEFT_HIP, 0] + 10, "shifted forward"
    assert hip_ext(ex)[-1] > hip_ext(ex)[0] + 10, "the kneeling-side hip extends"
    assert np.allclose(px[:, lm.LEFT_KNEE], px[0, lm.LEFT_KNEE]), "the knee stays down"
    assert (px[:, lm.RIGHT_ANKLE, 0] > px[:, lm.LEFT_KNEE, 0] + 40).all(), "the other foot in front"


# --- the drawing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", IDS)
def test_figure_svg_is_an_animated_labelled_figure(exercise_id: str) -> None:
    ex = CATALOG[exercise_id]
    svg = figure_svg(ex)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("aria-label", "").startswith(ex.name)
    limbs = [el for el in root.iter(f"{SVG}line") if "limb" in (el.get("class") or "").split()]
    assert len(limbs) == len(NEAR) + len(FAR) + len(TORSO) + 1  # + the neck
    for line in limbs:
        assert line.get("stroke"), "styled without external CSS"
        assert line.get("stroke-width")
        animated = {a.get("attributeName") for a in line.iter(f"{SVG}animate")}
        assert animated == {"x1", "y1", "x2", "y2"}
    svg_without_ns = svg.replace("http://www.w3.org/2000/svg", "")
    assert "http" not in svg_without_ns


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_animation_has_one_value_per_key_time(exercise_id: str) -> None:
    """A browser drops an animation whose values and keyTimes differ in number (the figure freezes)."""
    animations = list(ET.fromstring(figure_svg(CATALOG[exercise_id])).iter(f"{SVG}animate"))
    assert animations
    for animation in animations:
        times = [float(t) for t in animation.get("keyTimes", "").split(";")]
        values = animation.get("values", "").split(";")
        assert len(values) == len(times), animation.attrib
        assert times[0] == 0.0
        assert times[-1] == 1.0
        assert times == sorted(times)


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_figure_fills_its_frame(exercise_id: str) -> None:
    """The view box is cropped to the figure: the body spans most of the frame's width or height."""
    ex = CATALOG[exercise_id]
    root = ET.fromstring(figure_svg(ex))
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    px = pixels(ex).reshape(-1, 2)
    span_x, span_y = np.ptp(px[:, 0]), np.ptp(px[:, 1])
    assert max(span_x / width, span_y / height) > 0.6


@pytest.mark.parametrize("exercise_id", ["hip-bridge", "prone-double-thigh-lift"])
def test_the_face_points_the_way_the_person_faces(exercise_id: str) -> None:
    """Face up, the nose is above the head's centre; face down, below it."""
    ex = CATALOG[exercise_id]
    root = ET.fromstring(figure_svg(ex))
    head = next(el for el in root.iter(f"{SVG}circle") if el.get("class") == "head")
    nose = next(el for el in root.iter(f"{SVG}polygon") if el.get("class") == "nose")
    tip_y = [float(p.split(",")[1]) for p in nose.get("points", "").split()][1]
    above = tip_y < float(head.get("cy", "nan"))
    assert above == (ex.position.value == "supine")


@pytest.mark.parametrize("exercise_id", ["ball-hamstring-curl", "band-double-leg-press", "hip-bridge"])
def test_props_follow_the_equipment(exercise_id: str) -> None:
    ex = CATALOG[exercise_id]
    root = ET.fromstring(figure_svg(ex))
    classes = [el.get("class") for el in root.iter()]
    assert ("ball" in classes) == ("ball" in {e.value for e in ex.equipment})
    assert ("band" in classes) == ("band" in {e.value for e in ex.equipment})


def test_static_figure_shows_one_keyframe() -> None:
    ex = CATALOG["hip-bridge"]
    root = ET.fromstring(figure_svg(ex, animate=False, keyframe=0))
    assert not list(root.iter(f"{SVG}animate"))
    assert ET.fromstring(figure_svg(ex, animate=False)) is not None


def test_figure_svg_is_empty_without_keyframes() -> None:
    assert figure_svg(CATALOG["hip-bridge"].model_copy(update={"keyframes": []})) == ""


def test_the_head_is_centred_between_the_ears() -> None:
    ex = CATALOG["hip-bridge"]
    head = next(el for el in ET.fromstring(figure_svg(ex)).iter(f"{SVG}circle") if el.get("class") == "head")
    ears = pixels(ex)[0, [lm.LEFT_EAR, lm.RIGHT_EAR]].mean(axis=0)
    assert float(head.get("cx", "nan")) == pytest.approx(ears[0], abs=0.1)
    assert float(head.get("cy", "nan")) == pytest.approx(ears[1], abs=0.1)


# --- the loader ------------------------------------------------------------------------------------


@pytest.fixture
def small_catalog(tmp_path: Path) -> Path:
    """Two linked exercises (the core ladder) with their keyframes, in a temporary catalog directory."""
    (tmp_path / "keyframes").mkdir()
    for name in ("abdominal-drawing-in", "supine-pelvic-tilt"):
        shutil.copy(DATA_DIR / f"{name}.toml", tmp_path / f"{name}.toml")
        shutil.copy(DATA_DIR / "keyframes" / f"{name}.toml", tmp_path / "keyframes" / f"{name}.toml")
    return tmp_path


def test_loader_merges_the_keyframes(small_catalog: Path) -> None:
    catalog = load_catalog_from(small_catalog)
    assert catalog["supine-pelvic-tilt"].keyframes == CATALOG["supine-pelvic-tilt"].keyframes


def test_loader_rejects_a_keyframe_with_the_wrong_number_of_points(small_catalog: Path) -> None:
    path = small_catalog / "keyframes" / "supine-pelvic-tilt.toml"
    path.write_text('[[keyframes]]\nname = "start"\npoints = [[0.5, 0.5], [0.5, 0.6]]\n', encoding="utf-8")
    with pytest.raises(
        CatalogError, match=r"keyframes/supine-pelvic-tilt\.toml: exercise 'supine-pelvic-tilt'.*points"
    ):
        load_catalog_from(small_catalog)


def test_loader_rejects_keyframes_without_an_exercise(small_catalog: Path) -> None:
    shutil.copy(DATA_DIR / "keyframes" / "hip-bridge.toml", small_catalog / "keyframes" / "hip-bridge.toml")
    with pytest.raises(CatalogError, match=r"keyframes/hip-bridge\.toml: no exercise with the id 'hip-bridge'"):
        load_catalog_from(small_catalog)


def test_loader_rejects_invalid_toml_in_a_keyframes_file(small_catalog: Path) -> None:
    (small_catalog / "keyframes" / "abdominal-drawing-in.toml").write_text("[[keyframes]\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"keyframes/abdominal-drawing-in\.toml: not valid TOML"):
        load_catalog_from(small_catalog)
