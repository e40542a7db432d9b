"""Doses and decisions in a person's words."""

from __future__ import annotations

import pytest

from backfit.catalog import load_catalog
from backfit.plan.model import Prescription
from backfit.services.wording import decision_words

CATALOG = load_catalog()


def dose(**values: object) -> Prescription:
    base: dict[str, object] = {
        "exercise_id": "hip-bridge",
        "sets": 1,
        "reps": None,
        "hold_s": None,
        "rest_s": 30,
        "per_side": False,
    }
    return Prescription(**{**base, **values})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("prescription", "words"),
    [
        pytest.param(dose(reps=5, hold_s=10), "5 holds of 10 seconds.", id="one-set-of-holds"),
        pytest.param(dose(reps=10), "10 repetitions.", id="one-set-of-reps"),
        pytest.param(dose(hold_s=30, per_side=True), "Hold for 30 seconds on each side.", id="one-hold-a-side"),
        pytest.param(
            dose(sets=2, reps=8, per_side=True, rest_s=60),
            "8 repetitions on each side, in 2 sets with 60 seconds' rest between them.",
            id="sets-of-reps",
        ),
        pytest.param(
            dose(sets=3, hold_s=15, rest_s=45),
            "Hold for 15 seconds, 3 times, with 45 seconds' rest in between.",
            id="repeated-holds",
        ),
    ],
)
def test_dose_in_words(prescription: Prescription, words: str) -> None:
    assert prescription.in_words() == words


@pytest.mark.parametrize(
    ("exercise_id", "action", "change", "words"),
    [
        pytest.param(
            "hip-bridge", "regress", "reps 10 -> 8",
            "Hip bridge: a step back (8 repetitions instead of 10).", id="fewer-reps",
        ),
        pytest.param(
            "hip-bridge", "progress", "hold 5 s -> 7 s",
            "Hip bridge: one step up (holds of 7 seconds instead of 5).", id="longer-hold",
        ),
        pytest.param("hip-bridge", "keep", None, "Hip bridge: the same.", id="keep"),
        pytest.param(
            "hip-bridge-supported", "regress", "exercise hip-bridge -> hip-bridge-supported",
            "Hip bridge: a step back, to Supported hip bridge.", id="down-the-ladder",
        ),
    ],
)  # fmt: skip
def test_decisions_in_words(exercise_id: str, action: str, change: str | None, words: str) -> None:
    assert CATALOG["hip-bridge"].name == "Hip bridge"
    assert decision_words(exercise_id, action, change, CATALOG) == words
    assert "-" not in words.replace("in between", "")
