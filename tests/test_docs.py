"""The README is checked against the code: every command, every setting and
every exit code it promises exists, and nothing the code has is missing from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from backfit.cli import app
from backfit.cli.app import ExitCode
from backfit.cli.session import ScriptAnswer, SessionScript
from backfit.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    return sorted(name for name in typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_the_first_screen_has_the_two_commands_and_the_disclaimer() -> None:
    first_screen = "\n".join(README.splitlines()[:25])
    assert "make run" in first_screen
    assert "make test" in first_screen
    assert "Not medical advice" in first_screen


@pytest.mark.parametrize("command", commands())
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`backfit {command}" in README


def test_the_readme_names_no_command_that_does_not_exist() -> None:
    named = set(re.findall(r"`backfit ([a-z][a-z-]*)", README))
    assert named <= set(commands())


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(field: str) -> None:
    assert f"`BACKFIT_{field.upper()}`" in README


def test_the_readme_names_no_setting_that_does_not_exist() -> None:
    named = set(re.findall(r"`BACKFIT_([A-Z_]+)`", README))
    assert named <= {f.upper() for f in Settings.model_fields}


def test_every_exit_code_is_in_the_readme() -> None:
    table = re.findall(r"^\| (\d+)(?:-(\d+))? \|", README, flags=re.MULTILINE)
    documented: set[int] = set()
    for low, high in table:
        documented.update(range(int(low), int(high or low) + 1))
    assert {int(code) for code in ExitCode} <= documented


def test_the_session_keys_table_is_the_key_map() -> None:
    from backfit.session.keys import SESSION_KEYS

    rows = dict(re.findall(r"^\| (Enter|Space|[A-Z]) \| ([^|]+?) \|$", README, flags=re.MULTILINE))
    assert rows == {b.key_label: b.does for b in SESSION_KEYS}


@pytest.mark.parametrize(
    "field",
    [*(f"answers[].{f}" for f in sorted(ScriptAnswer.model_fields)), *sorted(SessionScript.model_fields)],
)
def test_every_field_of_the_session_script_is_in_the_readme(field: str) -> None:
    assert f"| `{field}` |" in README
