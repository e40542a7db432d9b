"""The rest of a session as a flat list of steps, for players that keep time
themselves (the web player): work, rest and ask steps in order, from what is
already stored. Uses the engine's units and rest rules, so both players agree."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from backfit.plan.model import SIDE_SWITCH_S
from backfit.session.engine import LEAD_IN_S, TRANSITION_S, EngineItem, SetKey, units_of

StepKind = Literal["work", "rest", "ask"]


@dataclass(frozen=True)
class Step:
    """One thing to do. ``seconds``: the countdown (work: the estimated set time)."""

    kind: StepKind
    item_index: int
    seconds: float
    set_key: SetKey | None = None
    label: str = ""


def remaining_steps(items: Sequence[EngineItem], done: Collection[SetKey], answered: Collection[int]) -> list[Step]:
    """Steps still to do: for each unanswered exercise its pending sets with the
    rests before them, then the effort-and-pain questions."""
    steps: list[Step] = []
    for item in items:
        if item.index in answered:
            continue
        units = units_of(item)
        previous: SetKey | None = None
        for unit in units:
            if unit in done:
                previous = unit
                continue
            if previous is None:
                rest, label = (TRANSITION_S if steps else LEAD_IN_S), f"Get ready: {item.name}"
            elif previous.set_index == unit.set_index:
                rest, label = SIDE_SWITCH_S, "Switch sides"
            else:
                rest, label = float(item.prescription.rest_s), "Rest"
            steps.append(Step("rest", item.index, rest, unit, label))
            side = "" if unit.side == "both" else f", {unit.side} side"
            sets = item.prescription.sets
            steps.append(
                Step(
                    "work",
                    item.index,
                    item.prescription.side_seconds(),
                    unit,
                    f"Set {unit.set_index + 1} of {sets}{side}",
                )
            )
            previous = unit
        steps.append(Step("ask", item.index, 0.0, None, f"How was {item.name}?"))
    return steps
