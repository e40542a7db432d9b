"""The exercise catalog: its data against docs/routine.md, its ladders, and the loader's error messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backfit.catalog import (
    Catalog,
    CatalogError,
    Equipment,
    Exercise,
    Family,
    Kind,
    Position,
    Quantity,
    View,
    load_catalog,
    load_catalog_from,
)
from backfit.catalog.schema import QUANTITY_VIEWS

REPO_ROOT = Path(__file__).resolve().parents[2]
ROUTINE_MD = REPO_ROOT / "docs" / "routine.md"

# Exercise ids are written in bold in ROUTINE.md: **hip-bridge-low**. Other bold text there is
# capitalised (**S**, **Red flags**) or starts with "[cam]", and every id has a hyphen.
ID_MARKER = re.compile(r"\*\*([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\*\*")


def _routine_text() -> str:
    return ROUTINE_MD.read_text(encoding="utf-8") if ROUTINE_MD.exists() else ""


def routine_ids() -> list[str]:
    return ID_MARKER.findall(_routine_text())


def routine_cam_markers() -> dict[str, int]:
    """How many [cam] markers ROUTINE.md gives each exercise (its text up to the next id or heading)."""
    text = _routine_text()
    markers = list(ID_MARKER.finditer(text))
    counts: dict[str, int] = {}
    for i, match in enumerate(markers):
        end = markers[i + 1].start() if i + 1 < len(markers) else len(text)
        entry = text[match.end() : end]
        heading = re.search(r"^#", entry, flags=re.MULTILINE)
        if heading:
            entry = entry[: heading.start()]
        counts[match.group(1)] = entry.count("[cam]")
    return counts


ROUTINE_IDS = routine_ids()
CAM_MARKERS = routine_cam_markers()

LADDERS: dict[Family, list[str]] = {
    Family.core: ["abdominal-drawing-in", "supine-pelvic-tilt"],
    Family.bridge: [
        "hip-bridge-supported",
        "hip-bridge-low",
        "hip-bridge",
        "hip-bridge-hold",
        "hip-bridge-march",
        "hip-bridge-single-leg",
        "hip-bridge-feet-on-ball",
    ],
    Family.kneeling: ["tall-kneeling-pelvic-drop", "half-kneeling-quad-stretch"],
    Family.prone: ["prone-single-thigh-lift", "prone-double-thigh-lift"],
    Family.ball: [
        "ball-prone-knee-bends",
        "ball-prone-forearm-knee-bends",
        "ball-hamstring-curl",
        "ball-hamstring-curl-single-leg",
    ],
    Family.band: [
        "band-supine-knee-extension",
        "band-double-leg-press",
        "band-leg-press-pulses",
        "band-prone-hamstring-curl",
        "band-standing-hamstring-curl",
    ],
}

# Exercises ROUTINE.md marks "our choice"; every other one is a seed (S) exercise.
OUR_CHOICE = {
    "supine-pelvic-tilt",
    "half-kneeling-quad-stretch",
    "prone-single-thigh-lift",
    "band-prone-hamstring-curl",
    "band-standing-hamstring-curl",
}

ONE_SIDE_AT_A_TIME = {
    "half-kneeling-quad-stretch",
    "prone-single-thigh-lift",
    "hip-bridge-single-leg",
    "ball-hamstring-curl-single-leg",
    "band-supine-knee-extension",
    "band-prone-hamstring-curl",
    "band-standing-hamstring-curl",
}

# Each [cam] cue of ROUTINE.md, as the camera check that must encode it:
# (exercise id, what the cue says, quantity, view, op, bound).
CAM_CUES = [
    ("hip-bridge", "pelvis level", Quantity.pelvic_obliquity_deg, View.end, "<=", 5),
    ("hip-bridge", "no low-back arch past the line", Quantity.hip_extension_deg, View.side, "<=", None),
    ("hip-bridge", "knees over feet", Quantity.knee_width_ratio, View.end, ">=", None),
    ("hip-bridge-march", "pelvis does not drop", Quantity.pelvic_obliquity_deg, View.end, "<=", 5),
    ("hip-bridge-single-leg", "pelvis level", Quantity.pelvic_obliquity_deg, View.end, "<=", 5),
    ("tall-kneeling-pelvic-drop", "hip extended", Quantity.hip_extension_deg, View.side, ">=", 165),
    ("tall-kneeling-pelvic-drop", "pelvis not behind knees", Quantity.thigh_from_vertical_deg, View.side, "<=", 10),
    ("tall-kneeling-pelvic-drop", "no backward lean", Quantity.trunk_from_vertical_deg, View.side, "<=", 10),
    ("half-kneeling-quad-stretch", "trunk upright", Quantity.trunk_from_vertical_deg, View.side, "<=", 10),
    ("prone-double-thigh-lift", "legs same height", Quantity.leg_height_diff_ratio, View.end, "<=", 0.15),
    ("prone-double-thigh-lift", "knees under hips", Quantity.knee_width_ratio, View.end, "<=", None),
    ("prone-double-thigh-lift", "trunk stays down", Quantity.trunk_to_floor_deg, View.side, "<=", 10),
    ("ball-prone-forearm-knee-bends", "low back does not kink", Quantity.trunk_to_floor_deg, View.side, "<=", None),
    ("ball-hamstring-curl", "hips stay up", Quantity.hip_extension_deg, View.side, ">=", 150),
    ("ball-hamstring-curl", "hips stay level", Quantity.pelvic_obliquity_deg, View.end, "<=", 5),
    ("band-prone-hamstring-curl", "thigh stays on the floor", Quantity.thigh_lift_deg, View.side, "<=", 5),
    ("band-standing-hamstring-curl", "thigh vertical", Quantity.thigh_from_vertical_deg, View.side, "<=", 10),
    ("band-standing-hamstring-curl", "trunk upright", Quantity.trunk_from_vertical_deg, View.side, ">=", -10),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def id_of(exercise: Exercise | None) -> str | None:
    return exercise.id if exercise is not None else None


def all_ids() -> list[str]:
    return [i for ids in LADDERS.values() for i in ids]


# --- the catalog against ROUTINE.md ---------------------------------------------------------------


def test_routine_md_names_22_exercises() -> None:
    assert ROUTINE_MD.exists(), f"ROUTINE.md not found at {ROUTINE_MD}"
    assert len(ROUTINE_IDS) == 22
    assert len(set(ROUTINE_IDS)) == 22


@pytest.mark.parametrize("exercise_id", ROUTINE_IDS)
def test_every_routine_exercise_is_in_the_catalog(catalog: Catalog, exercise_id: str) -> None:
    assert exercise_id in catalog


def test_catalog_has_nothing_beyond_the_routine(catalog: Catalog) -> None:
    assert set(catalog) == set(ROUTINE_IDS)


@pytest.mark.parametrize("exercise_id", all_ids())
def test_seed_flag_matches_the_routine(catalog: Catalog, exercise_id: str) -> None:
    assert catalog[exercise_id].seed is (exercise_id not in OUR_CHOICE)


@pytest.mark.parametrize("exercise_id", all_ids())
def test_source_says_seed_or_our_choice(catalog: Catalog, exercise_id: str) -> None:
    source = catalog[exercise_id].source
    if exercise_id in OUR_CHOICE:
        assert source.startswith("Our choice")
    else:
        assert "seed" in source


@pytest.mark.parametrize("exercise_id", all_ids())
def test_record_is_complete(catalog: Catalog, exercise_id: str) -> None:
    ex = catalog[exercise_id]
    assert ex.aliases
    assert len(ex.steps) >= 3
    assert len(ex.faults) >= 2
    assert ex.safety
    assert any("below the knee" in note for note in ex.safety)


# --- ladders ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", all_ids())
def test_ladder_links_resolve_and_are_mutual(catalog: Catalog, exercise_id: str) -> None:
    ex = catalog[exercise_id]
    if ex.ladder.harder is not None:
        assert catalog[ex.ladder.harder].ladder.easier == exercise_id
    if ex.ladder.easier is not None:
        assert catalog[ex.ladder.easier].ladder.harder == exercise_id


@pytest.mark.parametrize("family", list(LADDERS), ids=lambda f: f.value)
def test_each_family_is_one_chain_in_order(catalog: Catalog, family: Family) -> None:
    members = [ex for ex in catalog.values() if ex.ladder.family is family]
    (head,) = [ex for ex in members if ex.ladder.easier is None]
    chain = [head.id]
    current: Exercise | None = head
    while current is not None and current.ladder.harder is not None:
        assert len(chain) <= len(members), f"cycle in the {family.value} ladder"
        current = catalog[current.ladder.harder]
        chain.append(current.id)
    assert chain == LADDERS[family]
    assert [catalog[i].ladder.step for i in chain] == list(range(1, len(chain) + 1))
    assert [ex.id for ex in catalog.ladder(family)] == chain


@pytest.mark.parametrize("exercise_id", all_ids())
def test_no_cycle_walking_harder(catalog: Catalog, exercise_id: str) -> None:
    seen = {exercise_id}
    current = catalog.harder(exercise_id)
    while current is not None:
        assert current.id not in seen
        seen.add(current.id)
        current = catalog.harder(current.id)


# --- camera cues --------------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", all_ids())
def test_camera_cues_name_a_known_quantity_and_its_view(catalog: Catalog, exercise_id: str) -> None:
    for cue in catalog[exercise_id].camera_cues:
        check = cue.camera
        assert check is not None
        assert check.quantity in set(Quantity)
        assert check.view is QUANTITY_VIEWS[check.quantity], cue.text


@pytest.mark.parametrize(
    ("exercise_id", "what", "quantity", "view", "op", "bound"),
    [pytest.param(*case, id=f"{case[0]}: {case[1]}") for case in CAM_CUES],
)
def test_routine_cam_cue_has_a_camera_check(
    catalog: Catalog, exercise_id: str, what: str, quantity: Quantity, view: View, op: str, bound: float | None
) -> None:
    checks = [c.camera for c in catalog[exercise_id].camera_cues if c.camera is not None]
    matching = [c for c in checks if c.quantity is quantity and c.view is view and c.op == op]
    assert matching, f"{exercise_id}: no camera check for '{what}' ({quantity.value} {op}, {view.value} view)"
    if bound is not None:
        assert any(c.bound == pytest.approx(bound) for c in matching)


@pytest.mark.parametrize("exercise_id", sorted(i for i, n in CAM_MARKERS.items() if n))
def test_cam_cue_table_covers_routine_md(exercise_id: str) -> None:
    """Every [cam] marker of ROUTINE.md has at least one row in CAM_CUES above."""
    rows = [case for case in CAM_CUES if case[0] == exercise_id]
    assert len(rows) >= CAM_MARKERS[exercise_id]


def test_routine_md_has_cam_markers() -> None:
    assert sum(CAM_MARKERS.values()) >= 12


# --- dosage -------------------------------------------------------------------------------------------


def within(value: int | None, low: int, high: int) -> bool:
    return value is not None and low <= value <= high


@pytest.mark.parametrize("exercise_id", all_ids())
def test_dosage_follows_the_routine(catalog: Catalog, exercise_id: str) -> None:
    ex = catalog[exercise_id]
    d = ex.dosage
    assert d.per_side is (exercise_id in ONE_SIDE_AT_A_TIME)
    assert 1 <= d.sets <= 3
    if exercise_id == "abdominal-drawing-in":
        assert within(d.reps, 8, 10)
        assert within(d.hold_s, 5, 10)
    elif exercise_id == "tall-kneeling-pelvic-drop":
        assert within(d.hold_s, 30, 60)
    elif exercise_id == "half-kneeling-quad-stretch":
        assert d.hold_s == 30
    elif ex.kind is Kind.warm_up:
        assert within(d.reps, 10, 20)
    elif ex.kind is Kind.hold:
        assert within(d.hold_s, 10, 30)
    elif exercise_id == "band-leg-press-pulses":
        assert within(d.reps, 10, 20)
    else:
        assert d.sets <= 2
        assert within(d.reps, 8, 10)
        assert 2 <= d.tempo.pause_s <= 3


@pytest.mark.parametrize("exercise_id", all_ids())
def test_equipment(catalog: Catalog, exercise_id: str) -> None:
    family = catalog[exercise_id].ladder.family
    if family is Family.ball or exercise_id == "hip-bridge-feet-on-ball":
        expected = [Equipment.ball]
    elif family is Family.band:
        expected = [Equipment.band]
    else:
        expected = [Equipment.none]
    assert catalog[exercise_id].equipment == expected


# --- filter and ladder navigation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        pytest.param(
            {"equipment": Equipment.ball},
            [*LADDERS[Family.ball], "hip-bridge-feet-on-ball"],
            id="equipment=ball",
        ),
        pytest.param({"equipment": Equipment.band}, LADDERS[Family.band], id="equipment=band"),
        pytest.param({"equipment": Equipment.block}, [], id="equipment=block"),
        pytest.param({"position": Position.kneeling}, ["tall-kneeling-pelvic-drop"], id="position=kneeling"),
        pytest.param({"position": Position.standing}, ["band-standing-hamstring-curl"], id="position=standing"),
        pytest.param(
            {"position": Position.prone},
            [
                "ball-prone-knee-bends",
                "ball-prone-forearm-knee-bends",
                "band-prone-hamstring-curl",
                *LADDERS[Family.prone],
            ],
            id="position=prone",
        ),
        pytest.param(
            {"kind": Kind.warm_up}, ["ball-prone-knee-bends", "band-supine-knee-extension"], id="kind=warm-up"
        ),
        pytest.param({"kind": Kind.stretch}, ["half-kneeling-quad-stretch"], id="kind=stretch"),
        pytest.param(
            {"kind": Kind.hold},
            ["hip-bridge-supported", "hip-bridge-hold", "tall-kneeling-pelvic-drop"],
            id="kind=hold",
        ),
        pytest.param({"kind": Kind.activation}, LADDERS[Family.core], id="kind=activation"),
        pytest.param({"equipment": Equipment.none, "position": Position.prone}, LADDERS[Family.prone], id="none+prone"),
        pytest.param(
            {"equipment": Equipment.ball, "kind": Kind.strength, "position": Position.supine},
            ["ball-hamstring-curl", "ball-hamstring-curl-single-leg", "hip-bridge-feet-on-ball"],
            id="ball+strength+supine",
        ),
        pytest.param({"family": Family.kneeling}, LADDERS[Family.kneeling], id="family=kneeling"),
    ],
)
def test_filter(catalog: Catalog, criteria: dict[str, object], expected: list[str]) -> None:
    assert [ex.id for ex in catalog.filter(**criteria)] == expected  # type: ignore[arg-type]


NO_KIT: frozenset[Equipment] = frozenset()


@pytest.mark.parametrize(
    ("start", "owned", "expected"),
    [
        pytest.param("hip-bridge", None, "hip-bridge-hold", id="no-owned-filter"),
        pytest.param("hip-bridge-single-leg", None, "hip-bridge-feet-on-ball", id="top-step-any-kit"),
        pytest.param("hip-bridge-single-leg", frozenset({Equipment.ball}), "hip-bridge-feet-on-ball", id="has-ball"),
        pytest.param("hip-bridge-single-leg", NO_KIT, None, id="no-ball-no-harder-step"),
        pytest.param("hip-bridge-single-leg", frozenset({Equipment.band}), None, id="band-is-not-a-ball"),
        pytest.param("hip-bridge-feet-on-ball", None, None, id="top-of-ladder"),
        pytest.param("band-supine-knee-extension", NO_KIT, None, id="band-ladder-without-band"),
        pytest.param("band-supine-knee-extension", frozenset({Equipment.band}), "band-double-leg-press", id="band"),
        pytest.param("abdominal-drawing-in", NO_KIT, "supine-pelvic-tilt", id="needs-nothing"),
    ],
)
def test_harder_skips_steps_needing_equipment_not_owned(
    catalog: Catalog, start: str, owned: frozenset[Equipment] | None, expected: str | None
) -> None:
    assert id_of(catalog.harder(start, owned=owned)) == expected


def test_easier_walks_down(catalog: Catalog) -> None:
    easier = catalog.easier("hip-bridge-feet-on-ball", owned=NO_KIT)
    assert id_of(easier) == "hip-bridge-single-leg"
    assert catalog.easier("hip-bridge-supported") is None


def test_unknown_id_is_a_catalog_error(catalog: Catalog) -> None:
    with pytest.raises(CatalogError, match="unknown exercise id 'hip-brige'"):
        catalog.harder("hip-brige")


# --- loading small catalogs written to tmp_path -------------------------------------------------------


def record(
    exercise_id: str,
    *,
    step: int = 1,
    easier: str | None = None,
    harder: str | None = None,
    family: str = "core",
    equipment: str = '["none"]',
    extra: str = "",
    dosage: str = "sets = 2\nreps = 10\nrest_s = 60",
    cue: str = 'text = "Keep your pelvis level."',
) -> str:
    """A minimal valid exercise file; ``extra`` is added to the [exercise] table."""
    links = "".join(f'{k} = "{v}"\n' for k, v in (("easier", easier), ("harder", harder)) if v is not None)
    return f"""[exercise]
id = "{exercise_id}"
name = "Test exercise {exercise_id}"
position = "supine"
equipment = {equipment}
targets = ["hamstrings"]
kind = "strength"
steps = ["Lie down.", "Lift."]
source = "Written for a test of the loader."
{extra}
[[exercise.cues]]
{cue}

[exercise.dosage]
{dosage}

[exercise.ladder]
family = "{family}"
step = {step}
{links}"""


def camera_cue(quantity: str, view: str) -> str:
    return f'text = "Keep level."\ncamera = {{ quantity = "{quantity}", view = "{view}", op = "<=", bound = 5 }}'


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_small_valid_catalog_loads(tmp_path: Path) -> None:
    files = {"one.toml": record("one", harder="two"), "two.toml": record("two", step=2, easier="one")}
    cat = load_catalog_from(write(tmp_path, files))
    assert list(cat) == ["one", "two"]


BAD_CATALOGS = [
    pytest.param(
        {"one.toml": "[exercise\nid = 'one'\n"},
        ["one.toml", "not valid TOML", "line 1"],
        id="bad-toml",
    ),
    pytest.param(
        {"one.toml": record("one", extra='colour = "red"')},
        ["one.toml", "exercise 'one'", "field exercise.colour", "Extra inputs"],
        id="unknown-key",
    ),
    pytest.param(
        {"one.toml": record("one", dosage='sets = "two"\nreps = 10\nrest_s = 60')},
        ["one.toml", "exercise 'one'", "field exercise.dosage.sets", "integer"],
        id="wrong-type-in-dosage",
    ),
    pytest.param(
        {"one.toml": record("one", dosage="sets = 2\nrest_s = 60")},
        ["one.toml", "exercise 'one'", "field exercise.dosage", "reps, hold_s or both"],
        id="dosage-without-reps-or-hold",
    ),
    pytest.param(
        {"one.toml": record("one", cue=camera_cue("hip_tilt", "end"))},
        ["one.toml", "exercise 'one'", "field exercise.cues[0].camera.quantity"],
        id="unknown-quantity",
    ),
    pytest.param(
        {"one.toml": record("one", cue=camera_cue("pelvic_obliquity_deg", "side"))},
        ["one.toml", "exercise 'one'", "field exercise.cues[0].camera", "measured from the end view, not side"],
        id="camera-view-wrong-for-quantity",
    ),
    pytest.param(
        {"one.toml": record("one", equipment='["none", "ball"]')},
        ["one.toml", "exercise 'one'", "field exercise", "'none' cannot be combined"],
        id="none-with-equipment",
    ),
    pytest.param(
        {"one.toml": record("one", harder="ghost")},
        ["one.toml", "exercise 'one'", "field ladder.harder", "unknown id 'ghost'"],
        id="dangling-ladder-link",
    ),
    pytest.param(
        {"one.toml": record("one", harder="two"), "two.toml": record("two", step=2)},
        ["one.toml", "exercise 'one'", "field ladder.harder", "'two' does not link back", "easier = None"],
        id="non-mutual-link",
    ),
    pytest.param(
        {
            "one.toml": record("one", harder="two", family="core"),
            "two.toml": record("two", step=2, easier="one", family="prone"),
        },
        ["one.toml", "exercise 'one'", "field ladder.harder", "another family"],
        id="link-across-families",
    ),
    pytest.param(
        {
            "one.toml": record("one", step=1, easier="two", harder="two"),
            "two.toml": record("two", step=2, easier="one", harder="one"),
        },
        ["one.toml", "exercise 'one'", "field ladder", "cycle through 'one'"],
        id="cycle",
    ),
    pytest.param(
        {"one.toml": record("one", step=2, harder="two"), "two.toml": record("two", step=1, easier="one")},
        ["one.toml", "exercise 'one'", "field ladder.step", "not ordered with 'two'"],
        id="steps-descend",
    ),
    pytest.param(
        {"one.toml": record("one"), "two.toml": record("two", step=2)},
        ["two.toml", "exercise 'two'", "field ladder.easier", "family 'core' must be one ladder"],
        id="family-split-in-two-ladders",
    ),
    pytest.param(
        {"two.toml": record("one")},
        ["two.toml", "exercise 'one'", "field id", "must match the file name 'two'"],
        id="id-not-matching-file-name",
    ),
]


@pytest.mark.parametrize(("files", "expected"), BAD_CATALOGS)
def test_malformed_catalog_fails_with_a_message_naming_file_record_and_field(
    tmp_path: Path, files: dict[str, str], expected: list[str]
) -> None:
    with pytest.raises(CatalogError) as excinfo:
        load_catalog_from(write(tmp_path, files))
    message = str(excinfo.value)
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_empty_directory_fails(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no exercise files"):
        load_catalog_from(tmp_path)


def test_harder_skips_a_middle_step_needing_equipment(tmp_path: Path) -> None:
    files = {
        "one.toml": record("one", harder="two"),
        "two.toml": record("two", step=2, easier="one", harder="three", equipment='["ball"]'),
        "three.toml": record("three", step=3, easier="two"),
    }
    cat = load_catalog_from(write(tmp_path, files))
    assert [e.id for e in cat.ladder(Family.core)] == ["one", "two", "three"]
    skipped = cat.harder("one", owned=NO_KIT)
    assert id_of(skipped) == "three"
    kept = cat.harder("one", owned=frozenset({Equipment.ball}))
    assert id_of(kept) == "two"
    back = cat.easier("three", owned=NO_KIT)
    assert id_of(back) == "one"
