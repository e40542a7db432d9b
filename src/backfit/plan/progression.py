"""Progression rules: a pure function from (current prescription, logged
sessions) to the next prescription, with its reasons.

Interprets ``data/progression.toml`` and ``data/caps.toml``: the pain traffic
light, effort (RPE), completion, the sessions-in-a-row rule (on different days),
one change at a time within the exercise's caps, and regression after red pain
(the exercise stops, to come back one step easier), unfinished sets or maximal
effort. A step down never gives more work than the dose it replaces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Equipment, Kind
from backfit.plan.model import ExerciseLog, Prescription
from backfit.plan.rules import (
    DoseCaps,
    Operation,
    PainZone,
    ProgressionRules,
    default_dose_caps,
    default_progression_rules,
    pain_zone,
)

Action = Literal["progress", "keep", "regress", "stop", "resume"]
ZONE_ORDER: dict[PainZone, int] = {"green": 0, "amber": 1, "red": 2}
Fits = Callable[[Prescription], bool]
"""Whether a prescription keeps every session it is in within the person's minutes."""


def _always(_: Prescription) -> bool:
    return True


@dataclass(frozen=True)
class Decision:
    """The next prescription and why. ``change`` names what changed, if anything.

    ``stop``: the exercise is left out; ``prescription`` is the dose it comes
    back at (see :mod:`backfit.plan.coaching`)."""

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
        worse_by = rules.pain.worse_next_morning_by
        if log.pain_before is not None and log.pain_next_morning - log.pain_before >= worse_by:
            zone, why = "red", f"pain worse the next morning ({log.pain_before} -> {log.pain_next_morning}/10)"
    return zone, why


def more_work(candidate: Prescription, current: Prescription) -> bool:
    """Whether ``candidate`` asks more than ``current``: more sets, more repetitions
    (where both count them) or more seconds in all."""
    if candidate.sets > current.sets:
        return True
    if candidate.reps is not None and current.reps is not None and candidate.reps > current.reps:
        return True
    return candidate.seconds() > current.seconds()


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


def easier_dose(current: Prescription, easier: Prescription, rules: ProgressionRules) -> Prescription | None:
    """The easier exercise at a dose no bigger than ``current``: its own dose with
    each part no larger than the current one, then less volume until it is not
    more work; None when even its smallest dose is more work."""
    p = easier
    if p.sets > current.sets:
        p = p.with_changes(sets=current.sets)
    if p.reps is not None and current.reps is not None and p.reps > current.reps:
        p = p.with_changes(reps=max(rules.regress.min_reps, current.reps))
    if p.hold_s is not None and current.hold_s is not None and p.hold_s > current.hold_s:
        p = p.with_changes(hold_s=current.hold_s)
    while more_work(p, current):
        cut = cut_volume(p, rules)
        if cut is None:
            return None
        p = cut[0]
    return p


def step_down(
    p: Prescription, catalog: Catalog, owned: frozenset[Equipment], rules: ProgressionRules
) -> tuple[Prescription, str] | None:
    """One step easier: the ladder's easier exercise at a dose that is not more
    work, else less volume of this one; None at the easiest step and smallest dose."""
    easier = catalog.easier(p.exercise_id, owned)
    if easier is not None and easier.kind is not Kind.warm_up:
        dose = easier_dose(p, Prescription.default_for(easier), rules)
        if dose is not None:
            return dose, f"exercise {p.exercise_id} -> {easier.id} ({dose.summary()})"
    return cut_volume(p, rules)


def _cut(p: Prescription, catalog: Catalog, owned: frozenset[Equipment], rules: ProgressionRules, why: str) -> Decision:
    cut = cut_volume(p, rules) or step_down(p, catalog, owned, rules)
    if cut is not None:
        return Decision("regress", cut[0], (f"{why}: less next time ({cut[1]}).",), cut[1])
    return Decision("keep", p, (f"{why}: already the easiest step at the smallest dose; keep it gentle.",))


def _red(p: Prescription, catalog: Catalog, owned: frozenset[Equipment], rules: ProgressionRules, why: str) -> Decision:
    """Red pain: one step easier (never more work); at the easiest step and smallest
    dose the exercise stops, to be offered again after pain-free sessions."""
    easier = step_down(p, catalog, owned, rules)
    if easier is not None:
        return Decision("regress", easier[0], (f"{why}: one step easier next time ({easier[1]}).",), easier[1])
    n = rules.regress.pain_free_sessions_to_return
    return Decision(
        "stop",
        p,
        (
            f"{why}: already the easiest step at the smallest dose, so this exercise stops for now; "
            f"it is offered again after {n} pain-free sessions. If the pain stays, ask a doctor or physiotherapist.",
        ),
    )


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
    p: Prescription,
    catalog: Catalog,
    owned: frozenset[Equipment],
    rules: ProgressionRules,
    caps: DoseCaps | None = None,
    fits: Fits = _always,
    ceiling: int | None = None,
) -> tuple[Prescription, str] | None:
    """The first change of the progression order that stays within the caps and
    ``fits``; None when there is none (the top of what fits). Warm-ups never
    climb into the strength exercises; no climb past ladder step ``ceiling`` (a clinician's hold)."""
    cap = (caps or default_dose_caps()).of(p.exercise_id)
    exercise = catalog[p.exercise_id]
    for step in rules.progress.steps:
        candidate: tuple[Prescription, str] | None = None
        if step.operation is Operation.reps and p.reps is not None and p.reps < cap.reps:
            n = min(cap.reps, p.reps + step.by)
            candidate = p.with_changes(reps=n), f"reps {p.reps} -> {n}"
        elif step.operation is Operation.sets and p.sets < cap.sets:
            n = min(cap.sets, p.sets + step.by)
            candidate = p.with_changes(sets=n), f"sets {p.sets} -> {n}"
        elif step.operation is Operation.hold and p.hold_s is not None and p.hold_s < cap.hold_s:
            n = min(cap.hold_s, p.hold_s + step.by)
            candidate = p.with_changes(hold_s=n), f"hold {p.hold_s} s -> {n} s"
        elif step.operation is Operation.ladder and exercise.kind is not Kind.warm_up:
            harder = catalog.harder(p.exercise_id, owned)
            if (
                harder is not None
                and harder.kind is not Kind.warm_up
                and (ceiling is None or harder.ladder.step <= ceiling)
            ):
                start = Prescription.default_for(harder)
                while not fits(start) and start.sets > 1:
                    start = start.with_changes(sets=start.sets - 1)
                candidate = start, f"exercise {p.exercise_id} -> {harder.id} ({start.summary()})"
        if candidate is not None and fits(candidate[0]):
            return candidate
    return None


def _streak(mine: Sequence[ExerciseLog], current: Prescription, rules: ProgressionRules) -> tuple[int, str | None]:
    """Sessions in a row (on different days) at ``current`` that count toward progress."""
    days: list[object] = []
    for log in reversed(mine):
        if log.prescription != current:
            return len(days), "the dose changed since"
        blocker = _qualifies(log, rules)
        if blocker is not None:
            return len(days), blocker
        if log.day not in days:
            days.append(log.day)
        if len(days) == rules.progress.sessions_in_a_row:
            break
    return len(days), None


def next_prescription(
    current: Prescription,
    logs: Sequence[ExerciseLog],
    catalog: Catalog,
    owned: frozenset[Equipment],
    rules: ProgressionRules | None = None,
    *,
    caps: DoseCaps | None = None,
    fits: Fits = _always,
    ceiling: int | None = None,
) -> Decision:
    """Decide the next prescription of ``current``'s exercise from ``logs``
    (oldest first, the last of this exercise the session just done). Logs of
    other ladders are ignored; those of other steps of this ladder break a
    streak. A skipped exercise has no log: it is no response. ``ceiling``: the ladder
    step a clinician holds the exercise at (the dose still grows within it)."""
    rules = rules or default_progression_rules()
    family = catalog[current.exercise_id].ladder.family
    mine = [log for log in logs if (e := catalog.get(log.exercise_id)) is not None and e.ladder.family is family]
    while mine and mine[-1].exercise_id != current.exercise_id:
        mine.pop()
    if not mine:
        return Decision("keep", current, ("No session of this exercise logged yet.",))
    last = mine[-1]
    if last.radiating_symptoms:
        return Decision(
            "keep",
            current,
            (
                "Pain spreading below the knee, numbness or tingling: the programme pauses until you "
                "confirm that a doctor or physiotherapist has advised you; the dose stays as it was.",
            ),
        )
    zone, why = session_pain_zone(last, rules)
    if zone == "red":
        return _red(current, catalog, owned, rules, f"Red pain response ({why})")
    if last.unfinished_sets():
        return _cut(current, catalog, owned, rules, f"{last.unfinished_sets()} set(s) not finished")
    if last.rpe >= rules.effort.maximal_min_rpe:
        return _cut(current, catalog, owned, rules, f"Effort near maximal ({last.rpe}/10)")
    green = rules.pain.green_max
    if zone == "amber":
        return Decision(
            "keep",
            current,
            (
                f"Amber pain ({why}): the dose stays. backfit does not progress while pain during or after "
                f"exercise is above {green}/10; if your usual pain is around this level, a clinician may set "
                "you a personal threshold.",
            ),
        )
    if len(mine) >= 2 and mine[-2].day == last.day:
        return Decision("keep", current, ("A second session of this exercise on one day counts once: the dose stays.",))
    needed = rules.progress.sessions_in_a_row
    streak, blocker = _streak(mine, current, rules)
    if streak < needed:
        because = f" (before that: {blocker})" if blocker and streak else f" (last: {blocker})" if blocker else ""
        return Decision(
            "keep",
            current,
            (
                f"{streak} of {needed} sessions in a row, on different days, with all sets done, effort "
                f"{rules.effort.progress_max_rpe}/10 or less and pain 0-{green}{because}: keep the same dose.",
            ),
        )
    step = progress_one_step(current, catalog, owned, rules, caps, fits, ceiling)
    if step is None:
        if progress_one_step(current, catalog, owned, rules, caps, ceiling=ceiling) is not None:
            why = "the next step up would not fit your minutes a session"
        elif ceiling is not None and progress_one_step(current, catalog, owned, rules, caps) is not None:
            why = f"your physiotherapist holds this exercise at step {ceiling} of its ladder"
        else:
            why = "top of the ladder at its fullest dose"
        return Decision("keep", current, (f"Ready to progress, but {why}: keep going as you are.",))
    return Decision(
        "progress",
        step[0],
        (f"{needed} sessions in a row with all sets done, moderate effort and green pain: one step up ({step[1]}).",),
        step[1],
    )
