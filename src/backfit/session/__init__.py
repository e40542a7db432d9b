"""The guided-session engine: sets, repetitions, holds and rests, with the clock injected (pure)."""

from backfit.session.engine import (
    EngineItem,
    Event,
    ExerciseAnswered,
    FinishedSet,
    SessionEnded,
    SessionEngine,
    SetKey,
    Snapshot,
    StepPhase,
)

__all__ = [
    "EngineItem",
    "Event",
    "ExerciseAnswered",
    "FinishedSet",
    "SessionEnded",
    "SessionEngine",
    "SetKey",
    "Snapshot",
    "StepPhase",
]
