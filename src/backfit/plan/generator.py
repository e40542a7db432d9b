"""The programme generator: a pure, deterministic function from intake to a week.

Interprets ``data/programme.toml``: for each slot, choose a family the person
has the equipment for, start its ladder where the intake implies, prescribe the
exercise's default dosage, and fit the session into the minutes budget.
"""

from __future__ import annotations

from dataclasses import dataclass

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Equipment, Exercise, Family, Kind
from backfit.plan.coaching import session_order
from backfit.plan.intake import Experience, Intake, Screening, screen
from backfit.plan.model import PlannedExercise, Prescription, Programme, SessionPlan
from backfit.plan.rules import (
    WEEKDAY_NAMES,
    PainRules,
    ProgrammeRules,
    Slot,
    default_progression_rules,
    default_purposes,
    pain_zone,
)

START_LOWER = "start lower"


class RedFlagBlocked(Exception):
    """A red flag stops the programme until a clinician's clearance is confirmed."""

    def __init__(self, screening: Screening) -> None:
        super().__init__(screening.message())
        self.screening = screening


class BudgetTooSmall(ValueError):
    """Even the shortest session does not fit the minutes the person has."""


@dataclass(frozen=True)
class Choice:
    slot: Slot
    exercise: Exercise
    reason: str


def entry_exercise(
    family: Family,
    intake: Intake,
    catalog: Catalog,
    rules: ProgrammeRules,
    pain: PainRules,
) -> tuple[Exercise, str] | None:
    """Where the family's ladder starts for this person, with the reason; None
    when the person lacks the equipment for every step at or below the entry."""
    owned = frozenset(intake.equipment)
    start = catalog[rules.entry[family][intake.experience]]
    reason = (
        f"{intake.experience.value} to this kind of exercise: "
        f"start at step {start.ladder.step} of the {family.value} ladder"
    )
    zone = pain_zone(intake.pain_now, pain)
    steps_down = rules.pain_steps_down.amber if zone == "amber" else rules.pain_steps_down.red if zone == "red" else 0
    for _ in range(steps_down):
        easier = catalog.easier(start.id)
        if easier is None or easier.kind is Kind.warm_up:
            break
        start = easier
        reason = (
            f"pain {intake.pain_now}/10 now ({zone} zone): {START_LOWER}, at step {start.ladder.step} "
            f"of the {family.value} ladder"
        )
    current: Exercise | None = start
    while current is not None and not current.needs <= owned:
        current = catalog.easier(current.id)
        if current is not None:
            reason += f"; {current.name} instead, as it needs no equipment you lack"
    return (current, reason) if current is not None else None


def _warm_up_of(family: Family, intake: Intake, catalog: Catalog) -> Exercise | None:
    owned = frozenset(intake.equipment)
    for ex in catalog.ladder(family):
        if ex.kind is Kind.warm_up and ex.needs <= owned:
            return ex
    return None


def choose_exercises(
    intake: Intake, catalog: Catalog, rules: ProgrammeRules, session_index: int
) -> tuple[list[Choice], list[str]]:
    """One exercise per slot (where the equipment allows), with reasons; and
    notes on slots that could not be filled."""
    pain = default_progression_rules().pain
    choices: list[Choice] = []
    notes: list[str] = []
    used: set[str] = set()
    for slot in rules.slots:
        candidates: list[tuple[Exercise, str]] = []
        for family in slot.families:
            if slot.warm_up:
                ex = _warm_up_of(family, intake, catalog)
                if ex is not None:
                    candidates.append((ex, f"you have a {', '.join(e.value for e in ex.needs)}"))
                continue
            found = entry_exercise(family, intake, catalog, rules, pain)
            if found is not None and found[0].needs <= frozenset(intake.equipment):
                candidates.append(found)
        candidates = [c for c in candidates if c[0].id not in used]
        if not candidates:
            if slot.families and not slot.optional:
                notes.append(f"No exercise for '{slot.name}' with the equipment you have.")
            elif slot.optional:
                notes.append(f"No {slot.name} exercise: it needs a {' or '.join(f.value for f in slot.families)}.")
            continue
        pick = session_index % len(candidates) if slot.rotate else 0
        exercise, why = candidates[pick]
        if slot.rotate and len(candidates) > 1:
            why += f"; alternates with {candidates[(pick + 1) % len(candidates)][0].name} from session to session"
        used.add(exercise.id)
        choices.append(Choice(slot, exercise, f"{exercise.name}: to {default_purposes().of(exercise)} ({why})."))
    return choices, notes


def _initial_prescription(exercise: Exercise, intake: Intake, rules: ProgrammeRules) -> tuple[Prescription, str]:
    p = Prescription.default_for(exercise)
    if intake.experience is Experience.new and p.sets > rules.new_person.max_sets:
        return p.with_changes(
            sets=rules.new_person.max_sets
        ), f" New to exercise: {rules.new_person.max_sets} set to start."
    return p, ""


def fit_to_budget(
    planned: list[PlannedExercise], choices: list[Choice], budget_s: float, rules: ProgrammeRules
) -> tuple[list[PlannedExercise], list[str]]:
    """Drop optional slots (last first), then cut sets of the longest item, until
    the session fits ``budget_s``. Raises :class:`BudgetTooSmall`."""
    notes: list[str] = []
    keep = list(range(len(planned)))
    for index in reversed([i for i, c in enumerate(choices) if c.slot.optional]):
        if sum(planned[i].seconds for i in keep) <= budget_s:
            break
        keep.remove(index)
        notes.append(f"Left out {choices[index].exercise.name} to fit {budget_s / 60:.0f} minutes.")
    items = [planned[i] for i in keep]

    def total() -> float:
        return sum(item.seconds for item in items)

    while total() > budget_s:
        cuttable = [i for i, item in enumerate(items) if item.prescription.sets > rules.min_sets]
        if not cuttable:
            need = total() / 60
            raise BudgetTooSmall(
                f"the shortest session takes {need:.0f} minutes; allow at least {need + 0.5:.0f} minutes a session"
            )
        longest = max(cuttable, key=lambda i: items[i].seconds)
        item = items[longest]
        p = item.prescription.with_changes(sets=item.prescription.sets - 1)
        items[longest] = PlannedExercise(
            item.slot, p, item.reason + f" Cut to {p.sets} set(s) to fit your time.", p.seconds() + rules.transition_s
        )
    return items, notes


def build_session(intake: Intake, catalog: Catalog, rules: ProgrammeRules, index: int, weekday: str) -> SessionPlan:
    choices, notes = choose_exercises(intake, catalog, rules, index)
    planned = []
    for choice in choices:
        p, extra = _initial_prescription(choice.exercise, intake, rules)
        planned.append(PlannedExercise(choice.slot.name, p, choice.reason + extra, p.seconds() + rules.transition_s))
    items, fit_notes = fit_to_budget(planned, choices, intake.minutes_per_session * 60, rules)
    by_key = {f"{i.slot}/{i.prescription.exercise_id}": i for i in items}
    order = session_order(list(by_key), {k: i.prescription.exercise_id for k, i in by_key.items()}, catalog)
    return SessionPlan(weekday=weekday, items=tuple(by_key[k] for k in order), notes=tuple(notes + fit_notes))


def build_programme(intake: Intake, catalog: Catalog, rules: ProgrammeRules) -> Programme:
    """The weekly programme for ``intake``.

    Raises :class:`RedFlagBlocked` when a red flag is not cleared, and
    :class:`BudgetTooSmall` when the minutes cannot hold a session."""
    screening = screen(intake)
    if screening.blocked:
        raise RedFlagBlocked(screening)
    days = rules.weekdays[intake.sessions_per_week]
    sessions = tuple(build_session(intake, catalog, rules, i, day) for i, day in enumerate(days))
    started = [choose_exercises(intake, catalog, rules, i)[0] for i in range(len(days))]
    names = [WEEKDAY_NAMES[d] for d in days]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    count = f"{intake.sessions_per_week} session{'s' if intake.sessions_per_week > 1 else ''}"
    reasons = [
        f"{count} a week, on {listed}"
        + (", with a rest day between sessions." if intake.sessions_per_week <= 3 else "."),
        f"Each session fits your {intake.minutes_per_session} minutes.",
    ]
    owned = sorted(e.value for e in intake.equipment if e is not Equipment.none)
    reasons.append(f"Equipment used: {', '.join(owned) if owned else 'none (floor exercises only)'}.")
    if screening.flags:
        reasons.append("Red flags were answered yes and a clinician's clearance was confirmed.")
    lower = sorted({c.exercise.ladder.family.value for s in started for c in s if START_LOWER in c.reason})
    if lower:
        listed_lower = lower[0] if len(lower) == 1 else f"{', '.join(lower[:-1])} and {lower[-1]}"
        reasons.append(f"Your pain is {intake.pain_now}/10 now, so the {listed_lower} ladder(s) start lower.")
    return Programme(sessions=sessions, reasons=tuple(reasons), minutes_budget=intake.minutes_per_session)
