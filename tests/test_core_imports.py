"""The core (catalog, plan, session, pose) imports no web framework, database,
pose model or video library: those belong to adapters, store, services and web."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CORE = ["backfit.catalog", "backfit.plan", "backfit.session", "backfit.pose"]
FORBIDDEN = ["fastapi", "starlette", "uvicorn", "jinja2", "sqlalchemy", "alembic", "psycopg", "mediapipe", "cv2", "av"]


@pytest.mark.parametrize("package", CORE)
def test_core_package_imports_no_edge_module(package: str) -> None:
    code = (
        "import importlib, json, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        f"print(json.dumps(sorted(m for m in {FORBIDDEN!r} if m in sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []


def test_the_check_can_fail() -> None:
    """The same probe sees an edge module when one is imported."""
    code = f"import json, sys, sqlalchemy; print(json.dumps([m for m in {FORBIDDEN!r} if m in sys.modules]))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == ["sqlalchemy"]
