"""Intake, red-flag screen, programme generator and progression rules (pure)."""

from backfit.plan.generator import BudgetTooSmall, RedFlagBlocked, build_programme
from backfit.plan.intake import Experience, Intake, RedFlag, Screening, screen
from backfit.plan.model import ExerciseLog, PlannedExercise, Prescription, Programme, SessionPlan, SetLog
from backfit.plan.progression import Decision, next_prescription
from backfit.plan.rules import default_programme_rules, default_progression_rules

__all__ = [
    "BudgetTooSmall",
    "Decision",
    "ExerciseLog",
    "Experience",
    "Intake",
    "PlannedExercise",
    "Prescription",
    "Programme",
    "RedFlag",
    "RedFlagBlocked",
    "Screening",
    "SessionPlan",
    "SetLog",
    "build_programme",
    "default_programme_rules",
    "default_progression_rules",
    "next_prescription",
    "screen",
]
