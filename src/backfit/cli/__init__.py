"""The ``backfit`` command line. Each command group lives in its own module and
registers itself on :data:`app`; Rich output lives in this package only."""

from __future__ import annotations

import os
import sys

from backfit.cli import analyze as _analyze  # noqa: F401  (each module registers its commands)
from backfit.cli import catalog as _catalog  # noqa: F401
from backfit.cli import evaluate as _evaluate  # noqa: F401
from backfit.cli import plan as _plan  # noqa: F401
from backfit.cli import records as _records  # noqa: F401  (checkin, history, progress, export, import)
from backfit.cli import session as _session  # noqa: F401
from backfit.cli import settings as _settings  # noqa: F401
from backfit.cli import users as _users  # noqa: F401
from backfit.cli import web as _web  # noqa: F401
from backfit.cli.app import app, err_console


def main() -> None:
    """Run the CLI; an unexpected error is one line (``BACKFIT_DEBUG=1`` shows the traceback)."""
    try:
        app(standalone_mode=True)
    except Exception as exc:  # the last line of defence: never a traceback for a user
        if os.environ.get("BACKFIT_DEBUG"):
            raise
        err_console.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc} (BACKFIT_DEBUG=1 shows details)")
        sys.exit(1)


__all__ = ["app", "main"]
