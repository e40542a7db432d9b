"""Hypothesis strategies and builders for the planner's inputs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from backfit.catalog import Equipment, load_catalog
from backfit.plan import ExerciseLog, Intake, Prescription, RedFlag, SetLog

NO_FLAGS = {flag.value: False for flag in RedFlag}


def intake(**changes: Any) -> Intake:
    """A valid intake with no red flags; ``changes`` override answers."""
    answers: dict[str, Any] = {
        "red_flags": dict(NO_FLAGS),
        "experience": "returning",
        "equipment": ["ball", "band"],
        "sessions_per_week": 3,
        "minutes_per_session": 25,
        "pain_now": 1,
        "psfs": [{"activity": "putting on socks", "rating": 4}],
    }
    answers.update(changes)
    return Intake.model_validate(answers)


equipment_sets = st.frozensets(st.sampled_from([Equipment.ball, Equipment.band, Equipment.block]))

intakes = st.builds(
    lambda experience, equipment, sessions, minutes, pain: intake(
        experience=experience,
        equipment=sorted(e.value for e in equipment),
        sessions_per_week=sessions,
        minutes_per_session=minutes,
        pain_now=pain,
    ),
    st.sampled_from(["new", "returning", "regular"]),
    equipment_sets,
    st.integers(1, 6),
    st.integers(10, 90),
    st.integers(0, 10),
)


@st.composite
def prescriptions(draw: st.DrawFn) -> Prescription:
    """A prescription of a random catalog exercise, around its default dose."""
    exercise = load_catalog()[draw(st.sampled_from(sorted(load_catalog())))]
    p = Prescription.default_for(exercise)
    sets = draw(st.integers(1, 3))
    reps = draw(st.integers(5, 15)) if p.reps is not None else None
    hold = draw(st.integers(5, 60)) if p.hold_s is not None else None
    return p.with_changes(sets=sets, reps=reps, hold_s=hold)


@st.composite
def logs_for(draw: st.DrawFn, p: Prescription, count: int | None = None) -> list[ExerciseLog]:
    """Logged sessions of prescription ``p``, oldest first."""
    n = count if count is not None else draw(st.integers(1, 4))
    day = date(2026, 1, 5)
    out = []
    for i in range(n):
        units = [(i, side) for i in range(p.sets) for side in p.sides]
        done = draw(st.integers(0, len(units)))
        sets = tuple(
            SetLog(
                reps=None if p.reps is None else draw(st.sampled_from([p.reps, max(0, p.reps - 3)])),
                hold_s=None if p.hold_s is None else float(draw(st.sampled_from([p.hold_s, p.hold_s / 2]))),
                set_index=index,
                side=side,
            )
            for index, side in units[:done]
        )
        before = draw(st.integers(0, 10))
        out.append(
            ExerciseLog(
                day=day + timedelta(days=2 * i),
                prescription=p,
                sets=sets,
                rpe=draw(st.integers(0, 10)),
                pain_during=draw(st.integers(0, 10)),
                pain_before=before,
                pain_next_morning=draw(st.none() | st.integers(0, 10)),
                radiating_symptoms=draw(st.sampled_from([False] * 9 + [True])),
            )
        )
    return out


def full_log(p: Prescription, day: date, *, rpe: int = 5, pain: int = 1, **changes: Any) -> ExerciseLog:
    """A session with every set done in full."""
    held = None if p.hold_s is None else float(p.hold_s)
    sets = tuple(SetLog(p.reps, held, index, side) for index in range(p.sets) for side in p.sides)
    return ExerciseLog(day=day, prescription=p, sets=sets, rpe=rpe, pain_during=pain, **changes)
