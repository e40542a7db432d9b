"""Faults seen by the camera read as one line per cue: the worst value against the bound, and how often."""

from __future__ import annotations

import pytest

from backfit.services.faults import FaultSeen, stored_faults, summarise


def seen(value: float, *, text: str = "Keep your pelvis level.", op: str = "<=", bound: float = 5.0) -> FaultSeen:
    quantity = "knee_width_ratio" if text.startswith("Knees") else "pelvic_obliquity_deg"
    return FaultSeen(text, quantity, value, op, bound, 1.0)


@pytest.mark.parametrize(
    ("faults", "lines"),
    [
        pytest.param([], [], id="none"),
        pytest.param([seen(7.24)], ["Keep your pelvis level: 7.2° (bound ≤ 5.0°)"], id="one"),
        pytest.param(
            [seen(6.0), seen(9.5), seen(5.5)], ["Keep your pelvis level: 9.5° (bound ≤ 5.0°), seen 3 times"], id="worst"
        ),
        pytest.param(
            [seen(0.9, text="Knees apart.", op=">=", bound=1.2), seen(0.7, text="Knees apart.", op=">=", bound=1.2)],
            ["Knees apart: 0.70 (bound ≥ 1.20), seen 2 times"],
            id="lower-bound-ratio",
        ),
        pytest.param(
            [seen(6.0), seen(0.8, text="Knees apart.", op=">=", bound=1.2), seen(8.0)],
            ["Keep your pelvis level: 8.0° (bound ≤ 5.0°), seen 2 times", "Knees apart: 0.80 (bound ≥ 1.20)"],
            id="cues-in-order-seen",
        ),
    ],
)
def test_faults_are_summarised_per_cue(faults: list[FaultSeen], lines: list[str]) -> None:
    assert [s.describe() for s in summarise(faults)] == lines


def test_stored_faults_round_trip() -> None:
    faults = [seen(7.0), seen(0.8, text="Knees apart.", op=">=", bound=1.2)]
    assert stored_faults([f.to_json() for f in faults]) == faults
    assert stored_faults(None) == []
