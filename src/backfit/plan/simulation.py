"""A population simulation of the coaching rules (pure, deterministic).

Synthetic people (every experience x equipment x minutes x starting pain, each
with several behaviours) follow their programme session by session: they skip
exercises, leave per-side sets half done, end early, rate effort and pain during
and the next morning, sometimes report radiating symptoms and later confirm a
clinician's advice. Each session goes through the same functions the services
use (:func:`backfit.plan.generator.build_programme`, :func:`coaching.todays_items`,
:func:`coaching.coach_step`, :func:`coaching.lighter`), and every decision is
checked against the safety invariants. Used by the tests and ``make bench BENCH=safety``.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import statistics
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Equipment, Family, Kind
from backfit.plan.coaching import (
    ItemState,
    StepResult,
    WeekPlan,
    after_clinician_advice,
    coach_step,
    lighter,
    todays_items,
)
from backfit.plan.generator import build_programme
from backfit.plan.intake import Experience, Intake, RedFlag
from backfit.plan.model import ExerciseLog, Prescription, SetLog
from backfit.plan.progression import session_pain_zone
from backfit.plan.rules import DoseCaps, ProgrammeRules, ProgressionRules

EQUIPMENT = tuple(
    frozenset(combo)
    for n in range(4)
    for combo in itertools.combinations((Equipment.ball, Equipment.band, Equipment.block), n)
)
MINUTES = (10, 15, 20, 30, 45)
STARTING_PAIN = (0, 1, 2, 3, 4, 5, 6, 7)
FIRST_DAY = date(2026, 1, 5)


@dataclass(frozen=True)
class Person:
    """One synthetic person: intake answers and how they behave (``compliant``:
    every set done in full, effort 5/10, no pain, no skips, no repeats)."""

    number: int
    intake: Intake
    compliant: bool
    seed: int


def population(replicates: int = 11) -> list[Person]:
    """Every experience x equipment x minutes x starting pain, ``replicates`` times;
    the first replicate of each combination is fully compliant and pain-free."""
    people: list[Person] = []
    combos = itertools.product(Experience, EQUIPMENT, MINUTES, STARTING_PAIN)
    for experience, owned, minutes, pain in combos:
        intake = Intake(
            red_flags=dict.fromkeys(RedFlag, False),
            experience=experience,
            equipment=owned,
            sessions_per_week=3,
            minutes_per_session=minutes,
            pain_now=pain,
        )
        for r in range(replicates):
            n = len(people)
            people.append(Person(n, intake, compliant=r == 0, seed=n * 7919 + 17))
    return people


@dataclass
class Violations:
    """Counts of each invariant broken, with the first example of each."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, example: str) -> None:
        self.counts[name] += 1
        self.examples.setdefault(name, example)


INVARIANTS = (
    "session over the person's minutes",
    "dose increase after amber or red pain",
    "dose increase after an unfinished or skipped set",
    "dose increase after effort 9+",
    "dose increase after a same-day repeat",
    "step down adds seconds",
    "dose above its caps",
    "more than one change per exercise",
    "warm-up left the warm-ups",
    "session started while paused for radiating symptoms",
    "identical input gave different output",
)


@dataclass
class Outcome:
    """What one person's 60 sessions came to."""

    person: Person
    final: dict[str, ItemState]
    session_seconds: list[float]
    digest: str
    sessions_done: int
    all_stopped: int = 0  # times every exercise of a session had stopped (then: ask a clinician)


@dataclass(frozen=True)
class Context:
    catalog: Catalog
    programme_rules: ProgrammeRules
    rules: ProgressionRules
    caps: DoseCaps


def increased(before: Prescription, after: Prescription, catalog: Catalog) -> bool:
    """A harder exercise, or more sets, repetitions or hold of the same one."""
    if before.exercise_id != after.exercise_id:
        return catalog[after.exercise_id].ladder.step > catalog[before.exercise_id].ladder.step
    return (after.sets, after.reps or 0, after.hold_s or 0) != (before.sets, before.reps or 0, before.hold_s or 0) and (
        after.sets >= before.sets
        and (after.reps or 0) >= (before.reps or 0)
        and (after.hold_s or 0) >= (before.hold_s or 0)
    )


def _perform(
    p: Prescription, rng: random.Random, person: Person, pain_before: int, day: date, ending: bool
) -> tuple[ExerciseLog | None, bool]:
    """One exercise done (None: skipped) and whether the person ends the session after it."""
    if person.compliant:
        sets = tuple(SetLog(p.reps, p.hold_s, i, side) for i in range(p.sets) for side in p.sides)
        return ExerciseLog(day, p, sets, rpe=5, pain_during=0, pain_before=pain_before), False
    if ending or rng.random() < 0.06:
        return None, ending
    units = [(i, side) for i in range(p.sets) for side in p.sides]
    roll = rng.random()
    end_now = False
    if roll < 0.08:
        units = units[: rng.randrange(len(units))] if len(units) > 1 else units
        end_now = rng.random() < 0.5
    elif roll < 0.16 and p.per_side:
        units = [u for u in units if not (u[0] == p.sets - 1 and u[1] == "right")]
    done: list[SetLog] = []
    for i, side in units:
        short = rng.random() < 0.07
        reps = None if p.reps is None else (max(0, p.reps - rng.randint(1, 4)) if short else p.reps)
        hold = None if p.hold_s is None else (p.hold_s * 0.6 if short else float(p.hold_s))
        done.append(SetLog(reps, hold, i, side))
    rpe = min(10, max(1, round(rng.gauss(5.5, 1.6))))
    flare = 3 if rng.random() < 0.05 else 0
    pain = min(10, max(0, pain_before + rng.choice((-1, 0, 0, 0, 1)) + flare))
    radiating = rng.random() < 0.002
    log = ExerciseLog(
        day, p, tuple(done), rpe=rpe, pain_during=pain, pain_before=pain_before, radiating_symptoms=radiating
    )
    return log, end_now or radiating


def _check_step(
    result: StepResult,
    before: Mapping[str, ItemState],
    history: Mapping[str, Sequence[ExerciseLog]],
    answered: Sequence[str],
    planned: Sequence[str],
    warm_ups: frozenset[str],
    ctx: Context,
    found: Violations,
    where: str,
) -> None:
    keys = [c.key for c in result.changes]
    if len(keys) != len(set(keys)):
        found.add("more than one change per exercise", where)
    for change in result.changes:
        b, a = change.before.prescription, change.after.prescription
        if b.exercise_id == a.exercise_id:
            moved = sum(x != y for x, y in ((b.sets, a.sets), (b.reps, a.reps), (b.hold_s, a.hold_s)))
            if moved > 1:
                found.add("more than one change per exercise", f"{where} {change.key}: {b.summary()} -> {a.summary()}")
        if change.action in ("regress", "stop") and a.seconds() > b.seconds():
            found.add("step down adds seconds", f"{where} {change.key}: {b.summary()} -> {a.summary()}")
        if not increased(b, a, ctx.catalog):
            continue
        example = f"{where} {change.key}: {b.summary()} -> {a.summary()}"
        if change.key in planned and change.key not in answered:
            found.add("dose increase after an unfinished or skipped set", example)
            continue
        logs = history.get(change.key, ())
        if not logs:
            continue
        last = logs[-1]
        if session_pain_zone(last, ctx.rules)[0] != "green":
            found.add("dose increase after amber or red pain", example)
        if last.unfinished_sets():
            found.add("dose increase after an unfinished or skipped set", example)
        if last.rpe >= ctx.rules.effort.maximal_min_rpe:
            found.add("dose increase after effort 9+", example)
        if len(logs) >= 2 and logs[-2].day == last.day:
            found.add("dose increase after a same-day repeat", example)
    for key, item in result.items.items():
        p = item.prescription
        cap = ctx.caps.of(p.exercise_id)
        if p.sets > cap.sets or (p.reps or 0) > cap.reps or (p.hold_s or 0) > cap.hold_s:
            found.add("dose above its caps", f"{where} {key}: {p.summary()}")
        is_warm = ctx.catalog[p.exercise_id].kind is Kind.warm_up
        if is_warm != (key in warm_ups):
            found.add("warm-up left the warm-ups", f"{where} {key}: {p.exercise_id}")


def simulate_person(person: Person, ctx: Context, found: Violations, sessions: int = 60) -> Outcome:
    """Run one person's sessions through the coaching step; count broken invariants in ``found``."""
    rng = random.Random(person.seed)
    programme = build_programme(person.intake, ctx.catalog, ctx.programme_rules)
    owned = frozenset(person.intake.equipment)
    days: list[tuple[str, ...]] = []
    items: dict[str, ItemState] = {}
    warm_ups: set[str] = set()
    for week_day in programme.sessions:
        keys = []
        for planned in week_day.items:
            key = f"{planned.slot}/{planned.prescription.exercise_id}"
            keys.append(key)
            items.setdefault(key, ItemState(planned.prescription))
            if planned.slot == "warm-up":
                warm_ups.add(key)
        days.append(tuple(keys))
    week = WeekPlan(tuple(days), programme.minutes_budget * 60, ctx.programme_rules.transition_s)
    history: dict[str, list[ExerciseLog]] = {}
    digest = hashlib.sha256()
    paused = False
    stopped_all = 0
    seconds: list[float] = []
    day = FIRST_DAY
    done = 0
    attempt = 0
    while done < sessions and attempt < sessions * 3:
        attempt += 1
        where = f"person {person.number} session {done + 1}"
        if paused:
            if rng.random() < 0.5:
                paused = False  # the person confirms that a clinician has advised them
                items = after_clinician_advice(items, week)
                digest.update(b"cleared")
            day += timedelta(days=2)
            continue
        same_day = not person.compliant and done > 0 and rng.random() < 0.03
        if not same_day:
            day += timedelta(days=2 if day.weekday() < 4 else 3)
        baseline = 0 if person.compliant else person.intake.pain_now
        pain_before = 0 if person.compliant else min(10, max(0, baseline + rng.choice((-2, -1, 0, 0, 1, 2))))
        plan = todays_items(items, week, done % len(week.days), ctx.catalog)
        if not plan:
            paused, stopped_all = True, stopped_all + 1  # every exercise stopped: ask a clinician first
            continue
        if pain_before > ctx.rules.pain.amber_max:
            if rng.random() < 0.4:
                digest.update(b"rest")
                continue
            plan = [(k, lighter(p, ctx.catalog, owned, ctx.rules)) for k, p in plan]
        total = sum(p.seconds() + week.transition_s for _, p in plan)
        if total > week.budget_s:
            found.add("session over the person's minutes", f"{where}: {total / 60:.1f} of {week.budget_s / 60:.0f} min")
        seconds.append(total)
        done += 1
        answered: list[str] = []
        ending = False
        for key, p in plan:
            log, ending = _perform(p, rng, person, pain_before, day, ending)
            if log is not None:
                history.setdefault(key, []).append(log)
                answered.append(key)
        before = dict(items)
        result = coach_step(items, week, history, answered, ctx.catalog, owned, ctx.rules, ctx.caps)
        if not person.compliant and answered and rng.random() < 0.7:
            worse = 2 if rng.random() < 0.08 else rng.choice((-1, 0, 0, 1))
            morning = min(10, max(0, pain_before + worse))
            for key in answered:
                last = history[key][-1]
                history[key][-1] = ExerciseLog(
                    last.day, last.prescription, last.sets, last.rpe, last.pain_during,
                    last.pain_before, morning, last.radiating_symptoms,
                )  # fmt: skip
            result = coach_step(before, week, history, answered, ctx.catalog, owned, ctx.rules, ctx.caps)
        _check_step(result, before, history, answered, [k for k, _ in plan], frozenset(warm_ups), ctx, found, where)
        items = result.items
        if result.pause is not None:
            paused = True
        digest.update(repr(sorted((k, v) for k, v in items.items())).encode())
    return Outcome(person, items, seconds, digest.hexdigest(), done, stopped_all)


def ladder_top(family: Family, owned: frozenset[Equipment], catalog: Catalog) -> str:
    """The hardest non-warm-up step of a family the person has the equipment for."""
    usable = [e for e in catalog.ladder(family) if e.needs <= owned and e.kind is not Kind.warm_up]
    return usable[-1].id


@dataclass
class Report:
    people: int
    sessions: int
    violations: Violations
    pace: dict[str, tuple[int, int]]  # family: (compliant people at the top by the last session, compliant people)
    median_share_of_budget: float  # median session length / budget, over every session
    median_minutes_by_budget: dict[int, float]  # compliant people: budget -> median session minutes
    all_stopped: int  # people who at some point had every exercise of a session stopped (told to ask a clinician)


def run(
    people: Sequence[Person],
    ctx: Context,
    sessions: int = 60,
    *,
    repeat_every: int = 10,
) -> Report:
    """Simulate ``people``; every ``repeat_every``-th person runs twice to check determinism."""
    found = Violations()
    total = 0
    stuck = 0
    at_top: Counter[str] = Counter()
    compliant: Counter[str] = Counter()
    shares: list[float] = []
    by_budget: dict[int, list[float]] = {}
    for person in people:
        outcome = simulate_person(person, ctx, found, sessions)
        if repeat_every and person.number % repeat_every == 0:
            again = simulate_person(person, ctx, Violations(), sessions)
            if again.digest != outcome.digest:
                found.add("identical input gave different output", f"person {person.number}")
        total += outcome.sessions_done
        stuck += bool(outcome.all_stopped)
        budget = person.intake.minutes_per_session
        shares.extend(s / (budget * 60) for s in outcome.session_seconds)
        if person.compliant:
            by_budget.setdefault(budget, []).extend(s / 60 for s in outcome.session_seconds)
            owned = frozenset(person.intake.equipment)
            for item in outcome.final.values():
                family = ctx.catalog[item.prescription.exercise_id].ladder.family
                if ctx.catalog[item.prescription.exercise_id].kind is Kind.warm_up:
                    continue
                compliant[family.value] += 1
                if item.prescription.exercise_id == ladder_top(family, owned, ctx.catalog):
                    at_top[family.value] += 1
    pace = {f: (at_top[f], n) for f, n in sorted(compliant.items())}
    medians = {b: statistics.median(v) for b, v in sorted(by_budget.items())}
    return Report(len(people), total, found, pace, statistics.median(shares), medians, stuck)


def report_lines(report: Report) -> Iterator[str]:
    """The report as lines of text."""
    yield f"people {report.people}, sessions {report.sessions}"
    for name in INVARIANTS:
        count = report.violations.counts[name]
        example = f"  e.g. {report.violations.examples[name]}" if count else ""
        yield f"  {count:>6}  {name}{example}"
    yield "pace: compliant, pain-free people at the top of each ladder they can reach by the last session"
    for family, (top, n) in report.pace.items():
        yield f"  {family:<10} {top:>5} of {n:<5} ({100 * top / n:.0f}%)"
    yield f"people who at some point had every exercise of a session stopped (to ask a clinician): {report.all_stopped}"
    yield f"median session length, everyone: {100 * report.median_share_of_budget:.0f}% of the person's minutes"
    yield "median session length of the compliant, pain-free people, by their minutes:"
    for budget, minutes in report.median_minutes_by_budget.items():
        yield f"  {budget:>3} min budget: median {minutes:.1f} min"
