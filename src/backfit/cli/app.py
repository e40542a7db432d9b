"""The Typer application and what every command shares: output, errors, exit codes."""

from __future__ import annotations

import json
import sys
from enum import IntEnum
from typing import Any, NoReturn

import typer
from pydantic import BaseModel
from rich.console import Console

from backfit import __version__
from backfit.services.safety import DISCLAIMER

app = typer.Typer(
    name="backfit",
    help=f"A coach for a hamstrings-and-low-back routine. {DISCLAIMER}",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

console = Console()
err_console = Console(stderr=True)


class ExitCode(IntEnum):
    """Distinct exit codes so scripts can tell failures apart."""

    ok = 0
    usage = 2  # Typer/Click's own code for bad options
    not_found = 3  # unknown exercise id, missing file
    invalid_input = 4  # a file or value that fails validation
    blocked = 5  # a red flag blocks the programme
    not_a_video = 10
    truncated_video = 11
    no_person = 12
    partly_in_frame = 13
    wrong_exercise = 14
    not_analyzable = 15
    pose_model_unavailable = 16
    database_unavailable = 20  # the database URL cannot be reached or opened
    data_dir_read_only = 21
    schema_too_new = 22  # the database was written by a newer backfit


def fail(message: str, code: ExitCode) -> NoReturn:
    """Print a one-line error to stderr and exit with ``code``."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(int(code))


def to_jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def print_json(value: Any) -> None:
    """Write ``value`` as JSON to stdout (plain, for scripts)."""
    sys.stdout.write(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False, default=str) + "\n")


@app.command()
def version() -> None:
    """Print backfit's version."""
    console.print(f"backfit {__version__}")


@app.command()
def start() -> None:
    """Say what backfit is and how to begin (what `make run` shows)."""
    console.print(f"[bold]backfit[/]: a coach for a hamstrings-and-low-back routine.\n[yellow]{DISCLAIMER}[/]")
    console.print(
        "The easiest way in is the web coach: run [bold]backfit web[/] and open the address it prints "
        "in your browser (it runs on this computer only; nothing is sent anywhere).\n"
        "In the terminal: begin with [bold]backfit intake[/] (the questions and the red-flag screen), then "
        "[bold]backfit plan[/] for your programme and [bold]backfit session[/] to do one. "
        "[bold]backfit exercises[/] lists the routine; [bold]backfit --help[/] lists every command.",
        highlight=False,
    )
