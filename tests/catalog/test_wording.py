"""Camera checks in words: every check of the packaged catalog reads as a sentence with its
number and unit, never as code."""

from __future__ import annotations

import re

import pytest

from backfit.catalog import load_catalog
from backfit.catalog.schema import Quantity
from backfit.catalog.wording import CHECK_WORDS, check_in_words

CATALOG = load_catalog()
CHECKS = [
    pytest.param(exercise, cue.camera, id=f"{exercise.id}-{cue.camera.quantity.value}-{cue.camera.op}")
    for exercise in CATALOG.values()
    for cue in exercise.cues
    if cue.camera is not None
]


def test_every_quantity_has_words_both_ways() -> None:
    assert set(CHECK_WORDS) == {(q, op) for q in Quantity for op in ("<=", ">=")}


@pytest.mark.parametrize(("exercise", "check"), CHECKS)
def test_each_check_reads_as_words(exercise: object, check: object) -> None:
    text = check_in_words(check, exercise)  # type: ignore[arg-type]
    assert text.startswith(("camera, side view: ", "camera, from your feet: ", "camera, from the front: "))
    for code in ("_deg", "_ratio", "<=", ">=", "view)"):
        assert code not in text
    bound = check.bound  # type: ignore[attr-defined]
    if check.quantity.value.endswith("_deg"):  # type: ignore[attr-defined]
        shown = {abs(bound), abs(bound - 180), abs(180 - bound)}
        assert any(f"{v:g}°" in text for v in shown), text
    else:
        assert re.search(rf"{bound:g} times|{bound:.0%}", text), text
