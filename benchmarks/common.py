"""What several benchmarks need: a free loopback port, a person's intake answers, a camera set in progress."""

from __future__ import annotations

import socket
from datetime import datetime
from typing import Any

from backfit.catalog.loader import Catalog
from backfit.plan.intake import Intake, RedFlag
from backfit.plan.rules import default_programme_rules
from backfit.services import profiles, sessions
from backfit.store.database import Database


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def intake_answers(**changes: Any) -> dict[str, Any]:
    """Intake answers with no red flag (as the API takes them), with ``changes`` applied."""
    answers: dict[str, Any] = {
        "red_flags": {flag.value: False for flag in RedFlag},
        "experience": "new",
        "equipment": [],
        "sessions_per_week": 3,
        "minutes_per_session": 15,
        "pain_now": 1,
        "psfs": [{"activity": "putting on socks", "rating": 4}],
    }
    return {**answers, **changes}


def camera_set(db: Database, catalog: Catalog, now: datetime, exercise_id: str = "hip-bridge") -> tuple[int, int]:
    """A person onboarded in ``db`` with a session in progress: (session id, index of ``exercise_id``'s item)."""
    with db.unit_of_work() as session:
        intake = Intake.model_validate(intake_answers(experience="regular"))
        profiles.save_intake(session, intake, catalog=catalog, rules=default_programme_rules(), now=now)
        performed = sessions.start_session(
            session, catalog=catalog, now=now, pain_start=1, name=profiles.DEFAULT_PROFILE
        )
        item = next(i for i, it in enumerate(performed.plan) if it["prescription"]["exercise_id"] == exercise_id)
        return performed.id, item
