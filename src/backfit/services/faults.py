"""Form faults the camera saw during a set: how they are stored with the set, and
how they read in a summary, a history or a CSV row.

One fault is one episode of a camera check failing (:class:`backfit.pose.CheckFailed`):
the cue's ``text``, the ``quantity`` measured (units in its name), the worst
``value`` of the episode, the check's ``op`` and ``bound``, and ``t``, seconds
since the camera started watching the set. Stored as a JSON list on the set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

SetSource = Literal["camera", "manual"]
"""How a set's count was taken: watched by the camera, or counted (typed, or timed) by the person."""


@dataclass(frozen=True)
class FaultSeen:
    """One fault seen during a set (see the module docstring for the fields and units)."""

    text: str
    quantity: str
    value: float
    op: str
    bound: float
    t: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FaultSeen:
        return cls(
            text=str(data["text"]),
            quantity=str(data["quantity"]),
            value=float(data["value"]),
            op=str(data["op"]),
            bound=float(data["bound"]),
            t=float(data["t"]),
        )

    def excess(self) -> float:
        """How far ``value`` is past ``bound`` (positive: on the wrong side), in the quantity's units."""
        return self.value - self.bound if self.op == "<=" else self.bound - self.value


def measure_text(quantity: str, value: float) -> str:
    """A measured value with its unit: degrees as ``7.2°``, ratios as ``0.35``."""
    if quantity.endswith("_deg"):
        return f"{value:.1f}°"
    return f"{value:.2f}"


@dataclass(frozen=True)
class FaultSummary:
    """The faults of one cue, deduplicated: how often it was seen and its worst value."""

    worst: FaultSeen
    count: int

    def describe(self) -> str:
        """E.g. ``Keep your pelvis level: 7.2° (bound ≤ 5.0°), seen 3 times``."""
        w = self.worst
        op = {"<=": "≤", ">=": "≥"}.get(w.op, w.op)
        value, bound = measure_text(w.quantity, w.value), measure_text(w.quantity, w.bound)
        text = f"{w.text.rstrip('.')}: {value} (bound {op} {bound})"
        return text if self.count == 1 else f"{text}, seen {self.count} times"


def summarise(faults: Iterable[FaultSeen]) -> list[FaultSummary]:
    """One summary per cue, in the order the cues were first seen, each with its worst value."""
    worst: dict[str, FaultSeen] = {}
    counts: dict[str, int] = {}
    for fault in faults:
        key = fault.text
        counts[key] = counts.get(key, 0) + 1
        if key not in worst or fault.excess() > worst[key].excess():
            worst[key] = fault
    return [FaultSummary(worst[key], counts[key]) for key in worst]


def stored_faults(column: list[Any] | None) -> list[FaultSeen]:
    """The faults of a ``sets.faults`` column (None: the set was not watched by the camera)."""
    return [FaultSeen.from_json(item) for item in column or []]
