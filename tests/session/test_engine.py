"""The session engine: a pure state machine driven by a fake clock."""

from __future__ import annotations

import pytest

from backfit.plan.model import Prescription
from backfit.session.engine import (
    EngineItem,
    Event,
    ExerciseAnswered,
    FinishedSet,
    SessionEnded,
    SessionEngine,
    SetKey,
    StepPhase,
)
from tests.factories import FakeClock

REPS = Prescription("hip-bridge", sets=2, reps=3, hold_s=None, rest_s=10, up_s=1, pause_s=1, down_s=1)
HOLD = Prescription("hip-bridge-hold", sets=1, reps=None, hold_s=20, rest_s=5)
SIDES = Prescription("half-kneeling-quad-stretch", sets=1, reps=None, hold_s=5, rest_s=5, per_side=True)
ITEMS = [
    EngineItem(0, "hip-bridge", "Hip bridge", ("Keep the pelvis level.",), REPS),
    EngineItem(1, "hip-bridge-hold", "Hip bridge hold", (), HOLD),
    EngineItem(2, "half-kneeling-quad-stretch", "Quad stretch", (), SIDES),
]


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def sets(self) -> list[FinishedSet]:
        return [e for e in self.events if isinstance(e, FinishedSet)]


def make(**kwargs: object) -> tuple[SessionEngine, FakeClock, Recorder]:
    clock, recorder = FakeClock(), Recorder()
    return SessionEngine(ITEMS, clock, recorder, lead_in_s=5, transition_s=15, **kwargs), clock, recorder  # type: ignore[arg-type]


def advance(engine: SessionEngine, clock: FakeClock, seconds: float) -> None:
    clock.t += seconds
    engine.tick()


def run_to_end(engine: SessionEngine, clock: FakeClock) -> None:
    for _ in range(10_000):
        if engine.phase is StepPhase.done:
            return
        if engine.phase is StepPhase.ask:
            engine.answer(4, 1)
        else:
            advance(engine, clock, 1)
    raise AssertionError("the session never ended")


def test_full_session_emits_every_set_and_answer_in_order() -> None:
    engine, clock, rec = make()
    run_to_end(engine, clock)
    keys = [s.key for s in rec.sets()]
    assert keys == [
        SetKey(0, 0),
        SetKey(0, 1),
        SetKey(1, 0),
        SetKey(2, 0, "left"),
        SetKey(2, 0, "right"),
    ]
    assert all(s.completed for s in rec.sets())
    assert [s.reps for s in rec.sets()[:2]] == [3, 3]
    assert rec.sets()[2].hold_s == 20
    answers = [e for e in rec.events if isinstance(e, ExerciseAnswered)]
    assert [(a.item_index, a.rpe, a.pain_during) for a in answers] == [(0, 4, 1), (1, 4, 1), (2, 4, 1)]
    assert rec.events[-1] == SessionEnded(ended_early=False)


def test_timing_lead_in_work_rest_and_a_big_time_jump() -> None:
    engine, clock, rec = make()
    assert engine.tick().phase is StepPhase.rest
    advance(engine, clock, 5)
    snap = engine.snapshot()
    assert snap.phase is StepPhase.work
    assert snap.remaining_s == pytest.approx(9)
    advance(engine, clock, 4)
    assert engine.snapshot().reps_done == 1
    advance(engine, clock, 100)  # the clock jumped: both sets end, then the questions
    assert len(rec.sets()) == 2
    assert engine.phase is StepPhase.ask


def test_pause_freezes_the_countdown() -> None:
    engine, clock, _ = make()
    advance(engine, clock, 6)
    engine.pause()
    advance(engine, clock, 500)
    snap = engine.snapshot()
    assert snap.paused
    assert snap.phase is StepPhase.work
    assert snap.remaining_s == pytest.approx(8)
    engine.resume()
    advance(engine, clock, 2)
    assert engine.snapshot().remaining_s == pytest.approx(6)


def test_finishing_a_set_early_records_what_was_done() -> None:
    engine, clock, rec = make()
    advance(engine, clock, 5 + 4)  # lead-in, then one rep of three
    engine.finish_set()
    assert rec.sets()[0].reps == 1
    assert not rec.sets()[0].completed
    assert engine.snapshot().phase is StepPhase.rest


def test_skip_untouched_exercise_and_end_early_asks_for_the_started_one() -> None:
    engine, clock, rec = make()
    engine.skip_exercise()  # the bridge, before any set
    assert rec.events[0] == ExerciseAnswered(0, "hip-bridge", None, None, False, skipped=True)
    advance(engine, clock, 15 + 20)  # transition, then the hold
    assert engine.phase is StepPhase.ask
    engine.answer(5, 2)
    advance(engine, clock, 15 + 5)  # left side held
    engine.end_early()
    assert engine.phase is StepPhase.ask
    engine.answer(3, 0)
    assert engine.phase is StepPhase.done
    assert rec.events[-1] == SessionEnded(ended_early=True)
    assert [s.key for s in rec.sets()] == [SetKey(1, 0), SetKey(2, 0, "left")]


def test_radiating_symptoms_end_the_session() -> None:
    engine, clock, rec = make()
    advance(engine, clock, 5 + 9 + 10 + 9)
    engine.answer(5, 4, radiating_symptoms=True)
    assert engine.phase is StepPhase.done
    assert rec.events[-1] == SessionEnded(ended_early=True)


@pytest.mark.parametrize(
    ("done", "answered", "first_phase", "first_key"),
    [
        pytest.param(set(), set(), StepPhase.rest, SetKey(0, 0), id="nothing-done"),
        pytest.param({SetKey(0, 0)}, set(), StepPhase.work, SetKey(0, 1), id="mid-exercise"),
        pytest.param({SetKey(0, 0), SetKey(0, 1)}, set(), StepPhase.ask, None, id="sets-done-not-answered"),
        pytest.param({SetKey(0, 0), SetKey(0, 1)}, {0}, StepPhase.work, SetKey(1, 0), id="next-exercise"),
        pytest.param(
            {SetKey(0, 0), SetKey(0, 1), SetKey(1, 0)}, {0, 1}, StepPhase.work, SetKey(2, 0, "left"), id="sides"
        ),
    ],
)
def test_resume_continues_at_the_first_unfinished_set(
    done: set[SetKey], answered: set[int], first_phase: StepPhase, first_key: SetKey | None
) -> None:
    engine, clock, rec = make(done=done, answered=answered)
    if first_phase is StepPhase.work:
        advance(engine, clock, 5)  # the lead-in
    snap = engine.snapshot()
    assert snap.phase is first_phase
    assert snap.set_key == first_key
    run_to_end(engine, clock)
    emitted = {s.key for s in rec.sets()}
    assert emitted.isdisjoint(done)
    assert len(emitted) + len(done) == 5


def test_answers_are_validated() -> None:
    engine, clock, _ = make()
    with pytest.raises(RuntimeError):
        engine.answer(3, 3)
    advance(engine, clock, 100)
    with pytest.raises(ValueError, match="0-10"):
        engine.answer(11, 3)
