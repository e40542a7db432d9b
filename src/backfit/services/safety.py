"""The safety words every printed or exported programme carries (docs/routine.md, "Safety")."""

from __future__ import annotations

DISCLAIMER = (
    "backfit supports your exercise; it does not diagnose. It is not medical advice: "
    "see a clinician about pain that is severe, spreading or not settling."
)

PAIN_RULES: tuple[str, ...] = (
    "Rate pain 0-10 during and after each exercise. 0-2 is fine: go on.",
    "3-5 is acceptable if it settles by the next morning; do not make the exercise harder while it is there.",
    "Above 5, or 2 points worse the next morning: stop that exercise and go back to an easier step.",
    "Pain spreading into the leg below the knee, numbness or tingling: stop the session, and do no further "
    "session until a doctor or physiotherapist has advised you.",
    "Pain above 5 before a session: do a lighter session (fewer sets, the easier steps) or rest.",
)
"""The pain rules in a person's words, in the order the routine gives them."""

RED_FLAGS_INTRO = (
    "See a doctor before exercising, and stop the programme, if any of these is true (new or getting worse):"
)
