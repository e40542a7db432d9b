"""Run the real ``backfit`` command in a subprocess against a test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LAUNCH = (
    "import sys; import backfit.cli.session, backfit.cli.records; "
    "from backfit.cli import app; sys.exit(app(prog_name='backfit'))"
)


@dataclass
class Cli:
    """The ``backfit`` command with its environment (database; the packaged catalog and rules)."""

    env: dict[str, str]
    workdir: Path

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-c", LAUNCH, *args]

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(*args), env=self.env, cwd=self.workdir, capture_output=True, text=True, timeout=timeout
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.argv(*args), env=self.env, cwd=self.workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def write_json(self, name: str, value: Any) -> str:
        path = self.workdir / name
        path.write_text(json.dumps(value), encoding="utf-8")
        return str(path)


def make_cli(tmp_path: Path, database_url: str) -> Cli:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKFIT_")}
    env.update(
        {
            "BACKFIT_DATA_DIR": str(tmp_path / "data"),
            "BACKFIT_DATABASE_URL": database_url,
            "COLUMNS": "120",
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        }
    )
    return Cli(env, tmp_path)
