"""The safety words every printed or exported programme carries (docs/routine.md, "Safety")."""

from __future__ import annotations

from backfit.plan.intake import RedFlag

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

RED_FLAG_SIGNS: dict[RedFlag, str] = {
    RedFlag.bladder_bowel: "You lose control of your bladder or bowel.",
    RedFlag.saddle_numbness: "You feel numb around the groin, buttocks or inner thighs (the 'saddle' area).",
    RedFlag.progressive_leg_weakness: "Weakness or numbness in one or both legs is getting worse.",
    RedFlag.cancer_history: "You have had cancer and the back pain is new or different.",
    RedFlag.unexplained_weight_loss: "You lose weight without trying.",
    RedFlag.fever_unwell: "You have a fever or feel generally unwell.",
    RedFlag.recent_fall_or_injury: "You have had a significant fall or injury.",
    RedFlag.night_or_rest_pain: "You have severe pain at night or at rest that does not change with movement.",
}
"""Every red flag as a sign to watch for (the intake asks them as questions)."""
