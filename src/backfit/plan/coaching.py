"""The coaching step after every session (pure): each exercise's decision, the
stopped exercises that come back, a pause after radiating symptoms, and the
whole week fitted again into the person's minutes, saying what changed and why.

The services run this step on the stored programme after each session and again
when the next-morning pain arrives; the population simulation
(:mod:`backfit.plan.simulation`) runs the very same step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Equipment, Kind, Position
from backfit.plan.model import ExerciseLog, Prescription
from backfit.plan.progression import Action, cut_volume, next_prescription, session_pain_zone, step_down
from backfit.plan.rules import DoseCaps, ProgressionRules, default_dose_caps, default_progression_rules

POSITION_ORDER = (Position.supine, Position.prone, Position.kneeling, Position.half_kneeling, Position.standing)
RADIATING_PAUSE = (
    "Pain spreading below the knee, numbness or tingling was reported: the programme is paused. "
    "Please ask a doctor or physiotherapist; it stays paused until their advice is recorded."
)
"""Shown and stored with the pause. Who records the advice (the person, or a clinic client's
clinician) is said where it is recorded: the words hold for both."""


EVERYTHING_STOPPED = (
    "every exercise of this session has stopped after red pain: please ask a doctor or physiotherapist. "
    "Once they have advised you, confirm it to start again at the easiest doses"
)


@dataclass(frozen=True)
class ItemState:
    """One programme item: its current prescription; ``stopped`` items are left
    out of sessions (``prescription`` is then the dose they come back at) and
    count the pain-free sessions since they stopped. ``max_step``: the ladder step a
    clinician holds the item at (automatic progression never climbs past it)."""

    prescription: Prescription
    stopped: bool = False
    pain_free_since_stop: int = 0
    max_step: int | None = None


@dataclass(frozen=True)
class WeekPlan:
    """The programme's shape: the item keys of each session of the week, and the
    minutes a session may take (``transition_s``: seconds to get into position, per item)."""

    days: tuple[tuple[str, ...], ...]
    budget_s: float
    transition_s: float

    def seconds(self, items: Mapping[str, ItemState], day: int) -> float:
        """Estimated seconds of one session of the week: its items not stopped."""
        return sum(
            items[k].prescription.seconds() + self.transition_s
            for k in self.days[day]
            if k in items and not items[k].stopped
        )

    def fits(self, items: Mapping[str, ItemState]) -> bool:
        return all(self.seconds(items, d) <= self.budget_s for d in range(len(self.days)))


@dataclass(frozen=True)
class Change:
    """What the step did to one item, with the reasons (one per item and step)."""

    key: str
    action: Action
    before: ItemState
    after: ItemState
    change: str | None
    reasons: tuple[str, ...]


AWAITING_APPROVAL = "Your physiotherapist approves each step up: this one waits for them, the dose stays until then."


@dataclass(frozen=True)
class StepResult:
    """``proposals``: the steps up held for a clinician's approval (not in ``items``)."""

    items: dict[str, ItemState]
    changes: tuple[Change, ...]
    pause: str | None = None
    proposals: tuple[Change, ...] = ()


def pain_free(logs: Sequence[ExerciseLog], rules: ProgressionRules) -> bool:
    """A session counts as pain-free when something was done and every exercise's
    pain (during, and the next morning where known) was green, without radiating symptoms."""
    return bool(logs) and all(
        not log.radiating_symptoms and session_pain_zone(log, rules)[0] == "green" for log in logs
    )


def coach_step(
    items: Mapping[str, ItemState],
    week: WeekPlan,
    history: Mapping[str, Sequence[ExerciseLog]],
    answered: Sequence[str],
    catalog: Catalog,
    owned: frozenset[Equipment],
    rules: ProgressionRules | None = None,
    caps: DoseCaps | None = None,
    *,
    approve_progressions: bool = False,
) -> StepResult:
    """Apply the session just done to the programme.

    ``history``: each item's logs, oldest first, ending with this session's;
    ``answered``: the items done and answered in this session (a skipped item has
    no log: it is no response and keeps its dose). Radiating symptoms pause the
    programme (no dose changes). Then the week is fitted again into the minutes.
    ``approve_progressions`` (a clinician's choice): a step up becomes a proposal and the
    item keeps its dose; regressions and stops apply at once (safety never waits)."""
    rules = rules or default_progression_rules()
    caps = caps or default_dose_caps()
    state = dict(items)
    done_now = [history[k][-1] for k in answered if history.get(k)]
    changes: dict[str, Change] = {}
    proposals: list[Change] = []
    if any(log.radiating_symptoms for log in done_now):
        return StepResult(state, (), RADIATING_PAUSE)
    clean = pain_free(done_now, rules)
    for key in sorted(state):
        before = state[key]
        if before.stopped:
            changes_of = _stopped_step(key, before, state, week, clean, rules)
            if changes_of is not None:
                state[key] = changes_of.after
                if changes_of.action == "resume":
                    changes[key] = changes_of
            continue
        if key not in answered or not history.get(key):
            continue

        def fits(p: Prescription, key: str = key) -> bool:
            return week.fits({**state, key: replace(state[key], prescription=p)})

        decision = next_prescription(
            before.prescription, history[key], catalog, owned, rules, caps=caps, fits=fits, ceiling=before.max_step
        )
        after = ItemState(decision.prescription, stopped=decision.action == "stop", max_step=before.max_step)
        if approve_progressions and decision.action == "progress":
            proposals.append(Change(key, "progress", before, after, decision.change, decision.reasons))
            changes[key] = Change(key, "keep", before, before, None, (*decision.reasons, AWAITING_APPROVAL))
            continue
        state[key] = after
        changes[key] = Change(key, decision.action, before, after, decision.change, decision.reasons)
    for key, change in refit(state, week, rules, changes).items():
        state[key] = change.after
        changes[key] = change
    return StepResult(state, tuple(changes[k] for k in sorted(changes)), proposals=tuple(proposals))


def _stopped_step(
    key: str, before: ItemState, state: Mapping[str, ItemState], week: WeekPlan, clean: bool, rules: ProgressionRules
) -> Change | None:
    needed = rules.regress.pain_free_sessions_to_return
    count = before.pain_free_since_stop + 1 if clean else 0
    if count >= needed:
        back = ItemState(before.prescription, max_step=before.max_step)
        if week.fits({**state, key: back}):
            why = (
                f"{needed} pain-free sessions since it stopped: offered again at its easiest "
                f"({before.prescription.summary()}). Stop if the pain comes back."
            )
            return Change(key, "resume", before, back, "offered again", (why,))
    return Change(key, "keep", before, replace(before, pain_free_since_stop=count), None, ())


def refit(
    items: Mapping[str, ItemState],
    week: WeekPlan,
    rules: ProgressionRules,
    changes: Mapping[str, Change] | None = None,
) -> dict[str, Change]:
    """Less volume (a set, else repetitions, else hold time) of the longest item of
    each session over the minutes, until every session fits; items changed this
    step are cut last. Returns each item's change (merged with this step's)."""
    changes = dict(changes or {})
    state = dict(items)
    out: dict[str, Change] = {}
    for day in range(len(week.days)):
        while week.seconds(state, day) > week.budget_s:
            live = [k for k in week.days[day] if k in state and not state[k].stopped]
            cuttable = [k for k in live if cut_volume(state[k].prescription, rules) is not None]
            if not cuttable:
                break
            key = max(cuttable, key=lambda k: (k not in changes and k not in out, state[k].prescription.seconds(), k))
            cut = cut_volume(state[key].prescription, rules)
            assert cut is not None
            earlier = out.get(key) or changes.get(key)
            first = earlier.before if earlier is not None else state[key]
            after = replace(state[key], prescription=cut[0])
            minutes = week.budget_s / 60
            why = f"Cut to fit your {minutes:.0f} minutes a session ({cut[1]})."
            reasons = (*earlier.reasons, why) if earlier is not None else (why,)
            action: Action = earlier.action if earlier is not None and earlier.action != "keep" else "regress"
            out[key] = Change(key, action, first, after, cut[1] if earlier is None else earlier.change, reasons)
            state[key] = after
    return out


def todays_items(
    items: Mapping[str, ItemState], week: WeekPlan, day: int, catalog: Catalog
) -> list[tuple[str, Prescription]]:
    """The items of one session of the week to do now, in order; stopped items left out."""
    live = [k for k in week.days[day] if k in items and not items[k].stopped]
    order = session_order(live, {k: items[k].prescription.exercise_id for k in live}, catalog)
    return [(k, items[k].prescription) for k in order]


def session_order(keys: Sequence[str], exercise_of: Mapping[str, str], catalog: Catalog) -> list[str]:
    """Keys in the order to do them: activation first (the drawing-in before any
    other), then warm-ups, then by position (supine, prone, kneeling, standing);
    the given order breaks ties."""

    def rank(item: tuple[int, str]) -> tuple[int, int, int, int]:
        index, key = item
        ex = catalog[exercise_of[key]]
        kind = 0 if ex.kind is Kind.activation else 1 if ex.kind is Kind.warm_up else 2
        return kind, ex.ladder.step if kind == 0 else 0, POSITION_ORDER.index(ex.position), index

    return [key for _, key in sorted(enumerate(keys), key=rank)]


def lighter(p: Prescription, catalog: Catalog, owned: frozenset[Equipment], rules: ProgressionRules) -> Prescription:
    """A lighter dose for a day with more pain: one set, and the easier step of the
    ladder when it is no more work (warm-ups and the ladder's foot keep their exercise)."""
    light = p.with_changes(sets=1)
    down = step_down(light, catalog, owned, rules)
    if down is not None and down[0].exercise_id != p.exercise_id:
        return down[0]
    return light


def everything_stopped(items: Mapping[str, ItemState], week: WeekPlan) -> bool:
    """Whether some session of the week has nothing left to do (every item stopped)."""
    return any(not any(k in items and not items[k].stopped for k in day) for day in week.days)


def after_clinician_advice(items: Mapping[str, ItemState], week: WeekPlan) -> dict[str, ItemState]:
    """Once a clinician has advised the person: when a session has nothing left, every
    stopped item comes back at the dose it stopped at (its easiest); else nothing changes."""
    if not everything_stopped(items, week):
        return dict(items)
    return {k: replace(v, stopped=False, pain_free_since_stop=0) for k, v in items.items()}
