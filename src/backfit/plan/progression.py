"""Progression rules: a pure function from (current prescription, logged
sessions) to the next prescription, with its reasons.

Interprets ``data/progression.toml``: the pain traffic light, effort (RPE),
completion, the sessions-in-a-row rule, one change at a time, and regression
after red pain, unfinished sets or maximal effort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Equipment
from backfit.plan.model import ExerciseLog, Prescription
from backfit.plan.rules import (
    Operation,
    PainZone,
    ProgressionRules,
    default_progression_rules,
    pain_zone,
)

Action = Literal["progress", "keep", "regress", "stop"]
ZONE_ORDER: dict[PainZone, int] = {"green": 0, "amber": 1, "red": 2}


@dataclass(frozen=True)
class Decision:
    """The next prescription and why. ``change`` names what changed, if anything."""

    action: Action
    prescription: Prescription
    reasons: tuple[str, ...]
    change: str | None = None


def session_pain_zone(log: ExerciseLog, rules: ProgressionRules) -> tuple[PainZone, str]:
    """The worst traffic light of a logged exercise, with the reason."""
    zone = pain_zone(log.pain_during, rules.pain)
    why = f"pain {log.pain_during}/10 during the exercise"
    if log.pain_next_morning is not None:
        morning = pain_zone(log.pain_next_morning, rules.pain)
        if ZONE_ORDER[morning] > ZONE_ORDER[zone]:
            zone, why = morning, f"pain {log.pain_next_morning}/10 the next morning"
        if log.pain_before is not None and log.pain_next_morning > log.pain_before + rules.pain.worse_next_morning_by:
            zone, why = "red", f"pain worse the next morning ({log.pain_before} -> {log.pain_next_morning}/10)"
    return zone, why


def cut_volume(p: Prescription, rules: ProgressionRules) -> tuple[Prescription, str] | None:
    """One step less volume: a set, else repetitions, else hold time."""
    r = rules.regress
    if p.sets > 1:
        n = max(1, p.sets - r.sets_by)
        return p.with_changes(sets=n), f"sets {p.sets} -> {n}"
    if p.reps is not None and p.reps > r.min_reps:
        n = max(r.min_reps, p.reps - r.reps_by)
        return p.with_changes(reps=n), f"reps {p.reps} -> {n}"
    if p.hold_s is not None and p.hold_s > r.min_hold_s:
        n = max(r.min_hold_s, p.hold_s - r.hold_by)
        return p.with_changes(hold_s=n), f"hold {p.hold_s} s -> {n} s"
    return None


def _step_down(
    p: Prescription, catalog: Catalog, owned: frozenset[Equipment], rules: ProgressionRules, why: str
) -> Decision:
    easier = catalog.easier(p.exercise_id, owned)
    if easier is not None:
        return Decision(
            "regress",
            Prescription.default_for(easier),
            (f"{why}: step down the ladder to {easier.name}.",),
            f"exercise {p.exercise_id} -> {easier.id}",
        )
    cut = cut_volume(p, rules)
    if cut is not None:
        return Decision("regress", cut[0], (f"{why}: at the foot of the ladder, so less volume ({cut[1]}).",), cut[1])
    return Decision(
        "stop",
        p,
        (f"{why}: already the easiest step at the smallest dose; leave this exercise out until the pain settles.",),
    )


def _cut(p: Prescription, catalog: Catalog, owned: frozenset[Equipment], rules: ProgressionRules, why: str) -> Decision:
    cut = cut_volume(p, rules)
    if cut is not None:
        return Decision("regress", cut[0], (f"{why}: less volume next time ({cut[1]}).",), cut[1])
    return _step_down(p, catalog, owned, rules, why)


def _qualifies(log: ExerciseLog, rules: ProgressionRules) -> str | None:
    """Why this session does not count toward progress (None: it counts)."""
    zone, why = session_pain_zone(log, rules)
    if zone != "green":
        return f"{why} ({zone})"
    if log.unfinished_sets():
        return f"{log.unfinished_sets()} set(s) not finished"
    if log.rpe > rules.effort.progress_max_rpe:
        return f"effort {log.rpe}/10 (progress needs {rules.effort.progress_max_rpe} or less)"
    return None


def progress_one_step(
    p: Prescription, catalog: Catalog, owned: frozenset[Equipment], rules: ProgressionRules
) -> tuple[Prescription, str] | None:
    """The first applicable change of the progression order, or None at the top."""
    kind = catalog[p.exercise_id].kind
    for step in rules.progress.steps:
        limit = step.limit(kind)
        if step.operation is Operation.reps and p.reps is not None and limit and p.reps < limit:
            n = min(limit, p.reps + step.by)
            return p.with_changes(reps=n), f"reps {p.reps} -> {n}"
        if step.operation is Operation.sets and limit and p.sets < limit:
            return p.with_changes(sets=p.sets + step.by), f"sets {p.sets} -> {min(limit, p.sets + step.by)}"
        if step.operation is Operation.hold and p.hold_s is not None and limit and p.hold_s < limit:
            n = min(limit, p.hold_s + step.by)
            return p.with_changes(hold_s=n), f"hold {p.hold_s} s -> {n} s"
        if step.operation is Operation.ladder:
            harder = catalog.harder(p.exercise_id, owned)
            if harder is not None:
                return Prescription.default_for(harder), f"exercise {p.exercise_id} -> {harder.id}"
    return None


def next_prescription(
    current: Prescription,
    logs: Sequence[ExerciseLog],
    catalog: Catalog,
    owned: frozenset[Equipment],
    rules: ProgressionRules | None = None,
) -> Decision:
    """Decide the next prescription of ``current``'s exercise from ``logs``
    (oldest first; logs of other exercises are ignored)."""
    rules = rules or default_progression_rules()
    mine = [log for log in logs if log.exercise_id == current.exercise_id]
    if not mine:
        return Decision("keep", current, ("No session of this exercise logged yet.",))
    last = mine[-1]
    if last.radiating_symptoms:
        return Decision(
            "stop",
            current,
            (
                "Pain spreading below the knee, numbness or tingling: stop this exercise and "
                "ask a doctor or physiotherapist before going on.",
            ),
        )
    zone, why = session_pain_zone(last, rules)
    if zone == "red":
        return _step_down(current, catalog, owned, rules, f"Red pain response ({why})")
    if last.unfinished_sets():
        return _cut(current, catalog, owned, rules, f"{last.unfinished_sets()} set(s) not finished")
    if last.rpe >= rules.effort.maximal_min_rpe:
        return _cut(current, catalog, owned, rules, f"Effort near maximal ({last.rpe}/10)")
    if zone == "amber":
        return Decision(
            "keep",
            current,
            (f"Amber pain ({why}): keep the same dose; progress waits until pain stays at 0-2.",),
        )
    needed = rules.progress.sessions_in_a_row
    streak = 0
    blocker = None
    for log in reversed(mine):
        if log.prescription != current:
            break
        blocker = _qualifies(log, rules)
        if blocker is not None:
            break
        streak += 1
        if streak == needed:
            break
    if streak < needed:
        because = f" (last: {blocker})" if blocker else ""
        return Decision(
            "keep",
            current,
            (
                f"{streak} of {needed} sessions in a row with all sets done, effort 6/10 or less and "
                f"pain 0-2{because}: keep the same dose.",
            ),
        )
    step = progress_one_step(current, catalog, owned, rules)
    if step is None:
        return Decision("keep", current, ("Top of the ladder with the fullest dose: keep going as you are.",))
    return Decision(
        "progress",
        step[0],
        (f"{needed} sessions in a row with all sets done, moderate effort and green pain: one step up ({step[1]}).",),
        step[1],
    )
