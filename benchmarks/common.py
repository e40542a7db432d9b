"""What several benchmarks need: a free loopback port and a person's intake answers."""

from __future__ import annotations

import socket
from typing import Any

from backfit.plan.intake import RedFlag


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
