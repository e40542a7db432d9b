"""Pose analysis: landmark arrays in, exercise events out. Pure numpy: no model, video or web imports."""

from backfit.pose.analyzer import Analyzer, NotAnalyzableError, RepMachine, analyze_sequence
from backfit.pose.events import (
    AnalysisReport,
    CheckFailed,
    Event,
    Hold,
    PositionMismatch,
    Repetition,
    Step,
    Trace,
    ViewAdvice,
)

__all__ = [
    "AnalysisReport",
    "Analyzer",
    "CheckFailed",
    "Event",
    "Hold",
    "NotAnalyzableError",
    "PositionMismatch",
    "RepMachine",
    "Repetition",
    "Step",
    "Trace",
    "ViewAdvice",
    "analyze_sequence",
]
