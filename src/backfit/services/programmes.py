"""The programme as people and scripts read it: the same shape for the web
page, the API and ``backfit plan --json``, whether stored or previewed."""

from __future__ import annotations

from pydantic import BaseModel, Field

from backfit.catalog.loader import Catalog
from backfit.plan.model import Prescription, Programme
from backfit.services.profiles import ProgrammeView


class PlannedItemRead(BaseModel):
    slot: str
    exercise_id: str
    name: str
    dose: str
    dose_words: str = Field(description="The dose as a sentence, for people.")
    sets: int
    reps: int | None
    hold_s: int | None
    rest_s: int
    per_side: bool
    minutes: float
    reason: str
    stopped: bool


class ProgrammeDayRead(BaseModel):
    weekday: str
    minutes: float
    items: list[PlannedItemRead]
    notes: list[str]


class ProgrammeRead(BaseModel):
    reasons: list[str]
    minutes_budget: int
    days: list[ProgrammeDayRead]


def item_read(
    p: Prescription, catalog: Catalog, *, slot: str, reason: str, seconds: float, stopped: bool = False
) -> PlannedItemRead:
    return PlannedItemRead(
        slot=slot,
        exercise_id=p.exercise_id,
        name=catalog[p.exercise_id].name,
        dose=p.summary(),
        dose_words=p.in_words(),
        sets=p.sets,
        reps=p.reps,
        hold_s=p.hold_s,
        rest_s=p.rest_s,
        per_side=p.per_side,
        minutes=round(seconds / 60, 1),
        reason=reason,
        stopped=stopped,
    )


def day_read(weekday: str, items: list[PlannedItemRead], notes: list[str]) -> ProgrammeDayRead:
    return ProgrammeDayRead(weekday=weekday, minutes=round(sum(i.minutes for i in items), 1), items=items, notes=notes)


def programme_read(view: ProgrammeView, catalog: Catalog, transition_s: float = 0.0) -> ProgrammeRead:
    """The stored programme with each item's current prescription; item minutes
    include ``transition_s`` to get into position."""
    days = []
    for day in view.programme.days:
        items = [
            item_read(
                view.prescriptions[item["key"]],
                catalog,
                slot=item["slot"],
                reason=item["reason"],
                seconds=view.prescriptions[item["key"]].seconds() + transition_s,
                stopped=item["key"] in view.stopped,
            )
            for item in day["items"]
            if item["key"] in view.prescriptions
        ]
        days.append(day_read(day["weekday"], items, list(day.get("notes", []))))
    return ProgrammeRead(reasons=view.programme.reasons, minutes_budget=view.programme.minutes_budget, days=days)


def preview_read(programme: Programme, catalog: Catalog) -> ProgrammeRead:
    """A programme built from answers and not stored."""
    days = [
        day_read(
            s.weekday,
            [item_read(i.prescription, catalog, slot=i.slot, reason=i.reason, seconds=i.seconds) for i in s.items],
            list(s.notes),
        )
        for s in programme.sessions
    ]
    return ProgrammeRead(reasons=list(programme.reasons), minutes_budget=programme.minutes_budget, days=days)
