"""The session engine is core: it imports no database, web, mediapipe or cv2."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("sqlalchemy", "alembic", "psycopg", "fastapi", "starlette", "mediapipe", "cv2", "matplotlib", "rich")


def test_engine_imports_nothing_from_the_edges() -> None:
    code = (
        "import sys, backfit.session, backfit.session.engine; "
        f"print(','.join(sorted(m for m in {FORBIDDEN!r} if m in sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
