"""The real recordings and photos in tests/data/, and how a test asks for one.

Outside CI a missing file skips the test that needs it (a partial checkout); with ``CI=true`` it
fails, so real-material tests cannot silently stop running.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
CLIP = DATA / "clips" / "bridge_side_1rep_hold.mp4"
PHOTOS = DATA / "photos"


def require(path: Path) -> Path:
    """Return ``path``, or skip (fail under CI) when the real material is missing."""
    if not path.exists():
        message = f"real test material {path.relative_to(DATA.parent)} is missing"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path
