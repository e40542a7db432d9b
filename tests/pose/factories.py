"""Catalog records for the analyzer tests (the same shapes as the packaged TOML files)."""

from __future__ import annotations

from typing import Any

from backfit.catalog.schema import Exercise


def exercise(
    ex_id: str, position: str, analysis: dict[str, Any], checks: list[tuple[str, str, str, float, str]]
) -> Exercise:
    """An exercise with ``analysis`` and camera cues given as (quantity, view, op, bound, phase)."""
    cues = [
        {"text": f"check {q} {op} {b}", "camera": {"quantity": q, "view": v, "op": op, "bound": b, "phase": ph}}
        for q, v, op, b, ph in checks
    ]
    return Exercise.model_validate(
        {
            "id": ex_id,
            "name": ex_id.replace("-", " "),
            "position": position,
            "equipment": ["none"],
            "targets": ["hamstrings"],
            "kind": "strength",
            "steps": ["one step", "another step"],
            "cues": cues or [{"text": "breathe out as you lift"}],
            "dosage": {"sets": 1, "reps": 5, "rest_s": 30},
            "ladder": {"family": "bridge", "step": 1},
            "source": "synthetic test record",
            "analysis": analysis,
        }
    )


BRIDGE_CHECKS = [
    ("pelvic_obliquity_deg", "end", "<=", 5.0, "active"),
    ("hip_extension_deg", "side", "<=", 195.0, "top"),
    ("knee_width_ratio", "end", ">=", 0.8, "active"),
]
BRIDGE = exercise(
    "hip-bridge",
    "supine",
    {"pattern": "bridge", "signal": "hip_extension_deg", "start": 140, "peak": 160, "positions": ["supine"]},
    BRIDGE_CHECKS,
)
SINGLE_LEG_BRIDGE = exercise(
    "hip-bridge-single-leg",
    "supine",
    {
        "pattern": "bridge",
        "signal": "hip_extension_deg",
        "start": 140,
        "peak": 160,
        "single_leg": True,
        "positions": ["supine"],
    },
    [("pelvic_obliquity_deg", "end", "<=", 5.0, "active")],
)
PRONE_DOUBLE = exercise(
    "prone-double-thigh-lift",
    "prone",
    {
        "pattern": "prone-lift",
        "signal": "thigh_lift_deg",
        "start": 3,
        "peak": 6,
        "hold_band": 3,
        "hold_min_s": 0.5,
        "positions": ["prone"],
    },
    [
        ("leg_height_diff_ratio", "end", "<=", 0.1, "top"),
        ("knee_width_ratio", "end", "<=", 1.4, "active"),
        ("trunk_to_floor_deg", "side", "<=", 12.0, "active"),
    ],
)
PRONE_SINGLE = exercise(
    "prone-single-thigh-lift",
    "prone",
    {
        "pattern": "prone-lift",
        "signal": "thigh_lift_deg",
        "start": 3,
        "peak": 6,
        "hold_band": 3,
        "hold_min_s": 0.5,
        "single_leg": True,
        "positions": ["prone"],
    },
    [("trunk_to_floor_deg", "side", "<=", 12.0, "active")],
)
TALL_KNEELING = exercise(
    "tall-kneeling-pelvic-drop",
    "kneeling",
    {
        "pattern": "kneeling-hold",
        "signal": "hip_extension_deg",
        "start": 160,
        "peak": 170,
        "hold_band": 30,
        "hold_min_s": 2,
        "positions": ["kneeling"],
    },
    [("trunk_from_vertical_deg", "side", "<=", 10.0, "top")],
)
HALF_KNEELING = exercise(
    "half-kneeling-quad-stretch",
    "half-kneeling",
    {
        "pattern": "kneeling-hold",
        "signal": "hip_extension_deg",
        "start": 160,
        "peak": 170,
        "hold_band": 30,
        "hold_min_s": 2,
        "single_leg": True,
        "positions": ["half-kneeling"],
    },
    [("trunk_from_vertical_deg", "side", "<=", 10.0, "top")],
)
BALL_CURL = exercise(
    "ball-hamstring-curl",
    "supine",
    {
        "pattern": "curl",
        "signal": "knee_flexion_deg",
        "start": 45,
        "peak": 75,
        "hold_band": 10,
        "hold_min_s": 5,
        "positions": ["supine"],
    },
    [("hip_extension_deg", "side", ">=", 150.0, "active"), ("pelvic_obliquity_deg", "end", "<=", 5.0, "active")],
)
BAND_PRONE_CURL = exercise(
    "band-prone-hamstring-curl",
    "prone",
    {
        "pattern": "curl",
        "signal": "knee_flexion_deg",
        "start": 40,
        "peak": 70,
        "hold_min_s": 5,
        "single_leg": True,
        "positions": ["prone"],
    },
    [("thigh_lift_deg", "side", "<=", 10.0, "active")],
)
BAND_STANDING_CURL = exercise(
    "band-standing-hamstring-curl",
    "standing",
    {
        "pattern": "curl",
        "signal": "knee_flexion_deg",
        "start": 40,
        "peak": 70,
        "hold_min_s": 5,
        "single_leg": True,
        "positions": ["standing"],
    },
    [
        ("thigh_from_vertical_deg", "side", "<=", 15.0, "active"),
        ("trunk_from_vertical_deg", "side", "<=", 10.0, "always"),
    ],
)
