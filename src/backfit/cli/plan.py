"""``backfit intake`` and ``backfit plan``: the questionnaire, the red-flag
screen and the programme."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.table import Table

from backfit.catalog import load_catalog
from backfit.catalog.schema import Equipment
from backfit.cli.app import DISCLAIMER, ExitCode, app, console, fail, print_json
from backfit.plan import BudgetTooSmall, Intake, Programme, RedFlagBlocked, screen
from backfit.plan.intake import EXPERIENCE_QUESTION, RED_FLAG_QUESTIONS, Experience
from backfit.services.intake import (
    InputError,
    NotFound,
    load_saved_answers,
    parse_intake,
    programme_for,
    read_answers,
    save_answers,
)

AnswersOption = Annotated[
    Path | None,
    typer.Option("--answers", help="A JSON file of intake answers (see README); default: your saved answers."),
]
CLEARANCE_PHRASE = "cleared"


def _ask_int(question: str, low: int, high: int) -> int:
    while True:
        value: int = typer.prompt(f"{question} ({low}-{high})", type=int)
        if low <= value <= high:
            return value
        console.print(f"[red]Please answer a whole number from {low} to {high}.[/]")


def _ask_choice(question: str, choices: list[str]) -> str:
    while True:
        value = str(typer.prompt(question)).strip().lower()
        if value in choices:
            return value
        console.print(f"[red]Please answer one of: {', '.join(choices)}.[/]")


def _ask_equipment() -> list[str]:
    allowed = [e.value for e in Equipment]
    while True:
        raw = str(typer.prompt("Equipment you have, comma-separated (none, ball, band, block)", default="none"))
        items = [item.strip().lower() for item in raw.split(",") if item.strip()]
        bad = [item for item in items if item not in allowed]
        if not bad:
            return items
        console.print(f"[red]Unknown equipment: {', '.join(bad)}. Choose from {', '.join(allowed)}.[/]")


def ask_intake() -> dict[str, Any]:
    """The questionnaire, asked at the terminal; returns raw answers."""
    console.print(Panel(DISCLAIMER, title="backfit intake", border_style="yellow"))
    console.print("[bold]First, some safety questions.[/] Answer y or n.")
    flags = {flag.value: typer.confirm(question, default=False) for flag, question in RED_FLAG_QUESTIONS.items()}
    clearance = False
    if any(flags.values()):
        console.print(
            Panel(
                "You answered yes to a question that can point to a problem needing a clinician. "
                "Please see a doctor or physiotherapist before starting. If a clinician has already "
                f"examined you and cleared you to exercise, type '{CLEARANCE_PHRASE}' to go on.",
                border_style="red",
            )
        )
        clearance = str(typer.prompt("Clearance", default="")).strip().lower() == CLEARANCE_PHRASE
    answers: dict[str, Any] = {"red_flags": flags, "clearance_confirmed": clearance}
    answers["experience"] = _ask_choice(EXPERIENCE_QUESTION, [e.value for e in Experience])
    answers["equipment"] = _ask_equipment()
    answers["sessions_per_week"] = _ask_int("Sessions a week", 1, 6)
    answers["minutes_per_session"] = _ask_int("Minutes a session", 10, 90)
    answers["pain_now"] = _ask_int("Low-back pain now, 0 = none, 10 = worst imaginable", 0, 10)
    psfs: list[dict[str, Any]] = []
    console.print("Up to three activities you find hard because of your back (empty to finish).")
    while len(psfs) < 3:
        activity = str(typer.prompt(f"Activity {len(psfs) + 1}", default="")).strip()
        if not activity:
            break
        psfs.append({"activity": activity, "rating": _ask_int(f"How well can you do '{activity}' now", 0, 10)})
    answers["psfs"] = psfs
    return answers


def _load(answers: Path | None) -> Intake:
    try:
        return read_answers(answers) if answers is not None else load_saved_answers()
    except NotFound as exc:
        fail(str(exc), ExitCode.not_found)
    except InputError as exc:
        fail(str(exc), ExitCode.invalid_input)


@app.command()
def intake(
    answers: AnswersOption = None,
    out: Annotated[Path | None, typer.Option(help="Where to save the answers (default: your data folder).")] = None,
) -> None:
    """Answer the intake questions (interactive without --answers) and the red-flag screen."""
    try:
        result = _load(answers) if answers is not None else parse_intake(ask_intake(), "answers")
        saved = save_answers(result, out)
    except InputError as exc:
        fail(str(exc), ExitCode.invalid_input)
    screening = screen(result)
    console.print(f"Answers saved to {saved}.", highlight=False)
    if screening.blocked:
        console.print(Panel(screening.message(), title="Please see a clinician first", border_style="red"))
        raise typer.Exit(int(ExitCode.blocked))
    console.print(screening.message())
    console.print("Next: [bold]backfit plan[/] shows your programme.")


def programme_json(programme: Programme) -> dict[str, Any]:
    catalog = load_catalog()
    return {
        "minutes_budget": programme.minutes_budget,
        "reasons": list(programme.reasons),
        "sessions": [
            {
                "weekday": s.weekday,
                "estimated_minutes": round(s.minutes, 1),
                "notes": list(s.notes),
                "exercises": [
                    {
                        "slot": item.slot,
                        "exercise_id": item.prescription.exercise_id,
                        "name": catalog[item.prescription.exercise_id].name,
                        "sets": item.prescription.sets,
                        "reps": item.prescription.reps,
                        "hold_s": item.prescription.hold_s,
                        "rest_s": item.prescription.rest_s,
                        "per_side": item.prescription.per_side,
                        "estimated_minutes": round(item.seconds / 60, 1),
                        "reason": item.reason,
                    }
                    for item in s.items
                ],
            }
            for s in programme.sessions
        ],
    }


def print_programme(programme: Programme) -> None:
    catalog = load_catalog()
    console.print(Panel("\n".join(programme.reasons), title="Your programme", border_style="green"))
    for session in programme.sessions:
        table = Table(title=f"{session.weekday.title()}: about {session.minutes:.0f} min", show_lines=True)
        table.add_column("slot")
        table.add_column("exercise")
        table.add_column("dose")
        table.add_column("why")
        for item in session.items:
            p = item.prescription
            table.add_row(
                item.slot, f"{catalog[p.exercise_id].name}\n[dim]{p.exercise_id}[/]", p.summary(), item.reason
            )
        console.print(table)
        for note in session.notes:
            console.print(f"[dim]{note}[/]", highlight=False)
    console.print(f"[yellow]{DISCLAIMER}[/] Stop an exercise that causes pain above 5/10 or pain spreading into a leg.")


@app.command()
def plan(
    answers: AnswersOption = None, json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """Build and show the weekly programme, with the reason for each choice."""
    result = _load(answers)
    try:
        programme = programme_for(result)
    except RedFlagBlocked as exc:
        fail(f"no programme: {exc}", ExitCode.blocked)
    except BudgetTooSmall as exc:
        fail(f"no programme: {exc}", ExitCode.invalid_input)
    if json:
        print_json(programme_json(programme))
    else:
        print_programme(programme)
