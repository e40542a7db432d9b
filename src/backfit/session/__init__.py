"""The guided-session engine: sets, repetitions, holds and rests, with the clock injected (pure)."""

from backfit.session.engine import (
    EngineItem,
    Event,
    ExerciseAnswered,
    FinishedSet,
    Phase,
    SessionEnded,
    SessionEngine,
    SetKey,
    Snapshot,
)

__all__ = [
    "EngineItem",
    "Event",
    "ExerciseAnswered",
    "FinishedSet",
    "Phase",
    "SessionEnded",
    "SessionEngine",
    "SetKey",
    "Snapshot",
]
