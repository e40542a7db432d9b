"""Use cases of a player that keeps time itself (the web player): the state of a
session, and storing each finished set and answer at once, idempotently, so a
retried or resumed request never loses or doubles a set."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backfit.catalog.loader import Catalog
from backfit.plan.model import Side
from backfit.services import recordings
from backfit.services.faults import FaultSeen, SetSource
from backfit.services.sessions import engine_items, progress_so_far, record_event
from backfit.session.engine import EngineItem, ExerciseAnswered, FinishedSet, SetKey, units_of
from backfit.session.steps import Step, remaining_steps
from backfit.store.errors import NotFound
from backfit.store.models import PerformedSession, SetRecord


class Rejected(ValueError):
    """A request that does not fit the session (wrong item, set or state)."""


@dataclass(frozen=True)
class PlayerState:
    performed: PerformedSession
    items: list[EngineItem]
    done: set[SetKey]
    answered: set[int]
    steps: list[Step]

    @property
    def total_sets(self) -> int:
        """Planned sets, a per-side set counted once (as history and the summary count them)."""
        return sum(item.prescription.sets for item in self.items)


def require_session(session: Session, performed_id: int) -> PerformedSession:
    performed = session.get(PerformedSession, performed_id)
    if performed is None:
        raise NotFound(f"there is no session {performed_id}")
    return performed


def player_state(session: Session, performed_id: int, catalog: Catalog) -> PlayerState:
    performed = require_session(session, performed_id)
    items = engine_items(performed, catalog)
    done, answered = progress_so_far(session, performed_id)
    steps = remaining_steps(items, done, answered) if performed.status == "in_progress" else []
    return PlayerState(performed, items, done, answered, steps)


def _open_item(state: PlayerState, item_index: int) -> EngineItem:
    if state.performed.status != "in_progress":
        raise Rejected(f"session {state.performed.id} is already {state.performed.status.replace('_', ' ')}")
    if not 0 <= item_index < len(state.items):
        raise Rejected(f"item_index {item_index} is not an exercise of this session (0-{len(state.items) - 1})")
    return state.items[item_index]


def record_set(
    session: Session,
    performed_id: int,
    catalog: Catalog,
    *,
    item_index: int,
    set_index: int,
    side: Side,
    reps: int | None,
    hold_s: float | None,
    now: datetime,
    source: SetSource | None = None,
    faults: Sequence[FaultSeen] | None = None,
    stream: str | None = None,
) -> tuple[SetRecord, bool]:
    """Store one finished set (with how it was counted and, for a camera set, the faults seen
    and the landmark recording of its live ``stream``); returns the stored set and whether it
    is new (a repeat of a stored set is accepted and changes nothing: the first one stays)."""
    state = player_state(session, performed_id, catalog)
    item = _open_item(state, item_index)
    key = SetKey(item_index, set_index, side)
    if key not in units_of(item):
        sides = "left/right" if item.prescription.per_side else "both"
        raise Rejected(
            f"set {set_index} ({side}) is not part of {item.name}: sets 0-{item.prescription.sets - 1}, side {sides}"
        )
    if faults and source != "camera":
        raise Rejected("faults are seen by the camera: send them with source 'camera'")
    created = key not in state.done
    if created:
        if item_index in state.answered:
            raise Rejected(f"{item.name} is already answered: its sets are closed")
        finished = FinishedSet(key, item.exercise_id, reps, hold_s, item.prescription.side_done(reps, hold_s))
        record_event(session, performed_id, finished, now, source=source, faults=faults)
    stored = session.scalars(
        select(SetRecord).where(
            SetRecord.performed_session_id == performed_id,
            SetRecord.item_index == item_index,
            SetRecord.set_index == set_index,
            SetRecord.side == side,
        )
    ).one()
    if created and stream is not None and source == "camera":
        recordings.attach_live(session, stored, stream, catalog)
    return stored, created


def record_answer(
    session: Session,
    performed_id: int,
    catalog: Catalog,
    *,
    item_index: int,
    rpe: int | None,
    pain_during: int | None,
    radiating_symptoms: bool,
    skipped: bool,
    now: datetime,
) -> bool:
    """Store the effort and pain after an exercise; False when it was already answered."""
    state = player_state(session, performed_id, catalog)
    item = _open_item(state, item_index)
    if item_index in state.answered:
        return False
    if not skipped and (rpe is None or pain_during is None):
        raise Rejected("rpe and pain_during are needed unless the exercise was skipped")
    record_event(
        session,
        performed_id,
        ExerciseAnswered(item_index, item.exercise_id, rpe, pain_during, radiating_symptoms, skipped),
        now,
    )
    return True
