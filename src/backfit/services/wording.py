"""Doses in words, for people: "1 x 5 x 10 s hold" reads "1 set of 5 holds of 10 seconds each"."""

from __future__ import annotations

from backfit.catalog.loader import Catalog
from backfit.plan.model import Prescription


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _seconds(value: float) -> str:
    whole = round(value)
    if whole >= 60 and whole % 60 == 0:
        return _plural(whole // 60, "minute")
    return _plural(whole, "second")


def dose_in_words(p: Prescription) -> str:
    """E.g. '2 sets of 10 repetitions on each side, resting 45 seconds between sets'."""
    if p.reps is not None and p.hold_s is not None:
        work = f"{_plural(p.reps, 'hold')} of {_seconds(p.hold_s)} each"
    elif p.reps is not None:
        work = _plural(p.reps, "repetition")
    else:
        work = f"one {_seconds(p.hold_s or 0).replace(' ', '-').rstrip('s')} hold"
    side = " on each side" if p.per_side else ""
    text = f"{_plural(p.sets, 'set')} of {work}{side}"
    if p.sets > 1:
        text += f", resting {_seconds(p.rest_s)} between sets"
    return text


def exercise_name(catalog: Catalog, exercise_id: str) -> str:
    """The exercise's name for people (its id when the catalog no longer has it)."""
    exercise = catalog.get(exercise_id)
    return exercise.name if exercise is not None else exercise_id
