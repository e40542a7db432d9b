"""What the programme's decisions mean, in a person's words (web pages, summaries and history)."""

from __future__ import annotations

import re

from backfit.catalog.loader import Catalog

ACTION_WORDS = {
    "progress": "one step up",
    "keep": "the same",
    "regress": "a step back",
    "stop": "stopped until the pain settles",
}
"""A progression decision's action (plan.progression.Decision.action) in words."""

_COUNT = re.compile(r"(sets|reps) (\d+) -> (\d+)")
_HOLD = re.compile(r"hold (\d+) s -> (\d+) s")
_EXERCISE = re.compile(r"exercise (\S+) -> (\S+)")


def exercise_name(catalog: Catalog, exercise_id: str) -> str:
    """The exercise's name (its id only when the catalog no longer has it)."""
    exercise = catalog.get(exercise_id)
    return exercise.name if exercise is not None else exercise_id


def change_words(change: str | None, catalog: Catalog) -> str:
    """A decision's ``change`` ("reps 10 -> 8", "hold 5 s -> 7 s", "exercise a -> b") as words."""
    if not change:
        return ""
    if m := _COUNT.fullmatch(change):
        what = ("set" if m[1] == "sets" else "repetition") + ("" if m[3] == "1" else "s")
        return f"{m[3]} {what} instead of {m[2]}"
    if m := _HOLD.fullmatch(change):
        return f"holds of {m[2]} seconds instead of {m[1]}"
    if m := _EXERCISE.fullmatch(change):
        return f"{exercise_name(catalog, m[2])} instead of {exercise_name(catalog, m[1])}"
    return change


def decision_words(exercise_id: str, action: str, change: str | None, catalog: Catalog) -> str:
    """One decision as a sentence: "Supported hip bridge: a step back (8 repetitions instead of 10)."."""
    what = ACTION_WORDS.get(action, action)
    moved = _EXERCISE.fullmatch(change or "")
    if moved:  # named by the exercise it replaces, whichever id the caller has
        return f"{exercise_name(catalog, moved[1])}: {what}, to {exercise_name(catalog, moved[2])}."
    detail = change_words(change, catalog)
    return f"{exercise_name(catalog, exercise_id)}: {what}{f' ({detail})' if detail else ''}."
