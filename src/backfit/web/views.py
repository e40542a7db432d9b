"""Turning service results into the API's read models (shared by pages and the API)."""

from __future__ import annotations

from collections.abc import Sequence

from backfit.catalog.loader import Catalog
from backfit.catalog.schema import Exercise
from backfit.plan.intake import Screening
from backfit.plan.rules import WEEKDAY_NAMES
from backfit.services.camera_setup import camera_setup
from backfit.services.faults import FaultSeen, stored_faults
from backfit.services.player import PlayerState
from backfit.services.programmes import ProgrammeDayRead
from backfit.store.models import ProgressionDecision, SetRecord
from backfit.web.illustration import figure_svg
from backfit.web.schemas import (
    CameraSetupRead,
    DecisionRead,
    FaultCreate,
    FaultRead,
    ScreeningRead,
    SessionItemRead,
    SessionRead,
    SetKeyRead,
    SetRead,
    StepRead,
)


def screening_read(screening: Screening) -> ScreeningRead:
    return ScreeningRead(
        blocked=screening.blocked, red_flags=[f.value for f in screening.flags], message=screening.message()
    )


def _key(key: object) -> SetKeyRead:
    return SetKeyRead(item_index=key.item_index, set_index=key.set_index, side=key.side)  # type: ignore[attr-defined]


def session_read(state: PlayerState, catalog: Catalog) -> SessionRead:
    items = []
    for item in state.items:
        exercise = catalog.get(item.exercise_id)
        p = item.prescription
        items.append(
            SessionItemRead(
                index=item.index,
                exercise_id=item.exercise_id,
                name=item.name,
                cues=list(item.cues),
                camera_cues=[c.text for c in exercise.camera_cues] if exercise else [],
                camera=exercise is not None and exercise.analysis is not None,
                sets=p.sets,
                reps=p.reps,
                hold_s=p.hold_s,
                rest_s=p.rest_s,
                per_side=p.per_side,
                up_s=p.up_s,
                pause_s=p.pause_s,
                down_s=p.down_s,
                rep_s=p.rep_seconds(),
                figure_svg=figure_svg(exercise) if exercise else "",
                camera_setup=camera_setup_read(exercise) if exercise else None,
            )
        )
    steps = [
        StepRead(
            kind=s.kind,
            item_index=s.item_index,
            seconds=s.seconds,
            label=s.label,
            set=_key(s.set_key) if s.set_key else None,
        )
        for s in state.steps
    ]
    done = sorted(state.done, key=lambda k: (k.item_index, k.set_index, k.side))
    return SessionRead(
        id=state.performed.id,
        status=state.performed.status,
        started_at=state.performed.started_at,
        items=items,
        done=[_key(k) for k in done],
        answered=sorted(state.answered),
        steps=steps,
        total_sets=state.total_sets,
    )


def camera_setup_read(exercise: Exercise) -> CameraSetupRead | None:
    setup = camera_setup(exercise)
    if setup is None:
        return None
    return CameraSetupRead(
        view=setup.view.value,
        view_words=setup.view_words,
        place=setup.place,
        checks=list(setup.checks),
        elsewhere=list(setup.elsewhere),
    )


def decisions_read(decisions: Sequence[ProgressionDecision]) -> list[DecisionRead]:
    return [
        DecisionRead(exercise_id=d.after["exercise_id"], action=d.action, change=d.change, reasons=list(d.reasons))
        for d in decisions
    ]


def fault_seen(fault: FaultCreate) -> FaultSeen:
    return FaultSeen(fault.text, fault.quantity.value, fault.value, fault.op, fault.bound, fault.t)


def set_read(row: SetRecord, created: bool) -> SetRead:
    """A stored set as the API returns it."""
    faults = None if row.faults is None else [FaultRead(**f.to_json()) for f in stored_faults(row.faults)]
    return SetRead(
        item_index=row.item_index,
        set_index=row.set_index,
        side=row.side,
        reps=row.reps,
        hold_s=row.hold_s,
        completed=row.completed,
        created=created,
        source=row.source,
        faults=faults,
    )


def same_days(days: Sequence[ProgrammeDayRead]) -> list[tuple[str, ProgrammeDayRead]]:
    """The programme's days with identical sessions shown once: ("Monday, Wednesday and Friday", day)."""
    groups: dict[str, list[ProgrammeDayRead]] = {}
    for day in days:
        key = day.model_dump_json(exclude={"weekday"})
        groups.setdefault(key, []).append(day)
    out = []
    for group in groups.values():
        names = [WEEKDAY_NAMES.get(d.weekday, d.weekday) for d in group]
        label = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        out.append((label, group[0]))
    return out
