"""``backfit intake`` and ``backfit plan``: the questionnaire, the red-flag
screen and the programme."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.panel import Panel

from backfit.catalog import CatalogError
from backfit.catalog.schema import Equipment
from backfit.cli.app import ExitCode, app, console, fail, print_json
from backfit.cli.common import PROFILE_HELP, services
from backfit.cli.tables import Column, as_blocks
from backfit.plan import BudgetTooSmall, Intake, RedFlagBlocked, build_programme, screen
from backfit.plan.intake import EXPERIENCE_QUESTION, RED_FLAG_QUESTIONS, Experience
from backfit.plan.rules import WEEKDAY_NAMES, ProgrammeRules
from backfit.services import profiles
from backfit.services.files import InputError, MissingFile, describe_validation_error, read_model
from backfit.services.programmes import preview_read, programme_read
from backfit.services.runtime import catalog_for, programme_rules_for, utc_now
from backfit.services.safety import DISCLAIMER
from backfit.services.schedule import (
    DEFAULT_REMINDER_MINUTES,
    DEFAULT_TIME,
    ScheduleChoice,
    ScheduleError,
    parse_choice,
    save_schedule,
    schedule_for,
)
from backfit.services.wording import exercise_name
from backfit.settings import get_settings

AnswersOption = Annotated[
    Path | None,
    typer.Option("--answers", help="A JSON file of intake answers (see README)."),
]
ProfileOption = Annotated[str, typer.Option("--profile", help=PROFILE_HELP)]
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


YES = frozenset({"y", "yes"})
NO = frozenset({"n", "no"})


def ask_yes_no(question: str) -> bool:
    """A yes or no with no default: Enter alone, or anything else, asks again."""
    while True:
        value = str(typer.prompt(f"{question} [y/n]", default="", show_default=False)).strip().lower()
        if value in YES or value in NO:
            return value in YES
        console.print("[red]Please answer y (yes) or n (no): this question needs an answer.[/]")


def _ask_equipment() -> list[str]:
    allowed = [e.value for e in Equipment]
    while True:
        raw = str(typer.prompt("Equipment you have, comma-separated (none, ball, band, block)", default="none"))
        items = [item.strip().lower() for item in raw.split(",") if item.strip()]
        bad = [item for item in items if item not in allowed]
        if not bad:
            return items
        console.print(f"[red]Unknown equipment: {', '.join(bad)}. Choose from {', '.join(allowed)}.[/]")


def _ask_valid(question: str, default: str, check: Callable[[str], ScheduleChoice]) -> ScheduleChoice:
    while True:
        raw = str(typer.prompt(question, default=default)).strip()
        try:
            return check(raw)
        except ScheduleError as exc:
            console.print(f"[red]{exc}[/]", highlight=False)


def ask_schedule(sessions: int, suggested: list[str]) -> ScheduleChoice:
    """Which days, what time and how early a reminder, each re-asked until valid."""
    console.print(
        f"[bold]When do you want to exercise?[/] Choose {sessions} day(s) (a rest day between sessions is best)."
    )

    def days(raw: str) -> ScheduleChoice:
        choice = parse_choice({"weekdays": raw})
        if len(choice.weekdays) != sessions:
            raise ScheduleError(f"choose {sessions} day(s), one for each session, not {len(choice.weekdays)}")
        return choice

    chosen = _ask_valid("Days, e.g. mon,wed,fri", ",".join(suggested), days)
    timed = _ask_valid(
        "Time of day, HH:MM (24-hour)",
        f"{DEFAULT_TIME:%H:%M}",
        lambda raw: parse_choice({"weekdays": chosen.weekdays, "time_of_day": raw}),
    )
    return _ask_valid(
        "Calendar reminder, minutes before (0 = none)",
        str(DEFAULT_REMINDER_MINUTES),
        lambda raw: parse_choice({**timed.model_dump(), "reminder_minutes": raw}),
    )


def ask_intake(rules: ProgrammeRules) -> tuple[dict[str, Any], ScheduleChoice]:
    """The questionnaire, asked at the terminal; returns raw answers and the chosen schedule."""
    console.print(Panel(DISCLAIMER, title="backfit intake", border_style="yellow"))
    console.print("[bold]First, some safety questions.[/] Answer each with y (yes) or n (no).")
    flags = {flag.value: ask_yes_no(question) for flag, question in RED_FLAG_QUESTIONS.items()}
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
    schedule = ask_schedule(answers["sessions_per_week"], rules.weekdays[answers["sessions_per_week"]])
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
    return answers, schedule


def read_answers(path: Path) -> Intake:
    try:
        return read_model(path, Intake)
    except MissingFile as exc:
        fail(str(exc), ExitCode.not_found)
    except InputError as exc:
        fail(str(exc), ExitCode.invalid_input)


@app.command()
def intake(answers: AnswersOption = None, profile: ProfileOption = profiles.DEFAULT_PROFILE) -> None:
    """Answer the intake questions and the red-flag screen; builds your programme.

    Interactive without --answers. The answers are stored; unless a red flag
    blocks it (exit code 5), the programme is built from them."""
    schedule: ScheduleChoice | None = None
    if answers is not None:
        result = read_answers(answers)
    else:
        try:
            settings = get_settings()
            rules = programme_rules_for(settings, catalog_for(settings))
        except (CatalogError, ValueError) as exc:
            fail(f"the programme rules are broken: {exc}", ExitCode.invalid_input)
        raw, schedule = ask_intake(rules)
        try:
            result = Intake.model_validate(raw)
        except ValidationError as exc:
            fail(f"answers: {describe_validation_error(exc)}", ExitCode.invalid_input)
    with services() as svc:
        rules = programme_rules_for(svc.settings, svc.catalog)
        try:
            with svc.db.unit_of_work() as session:
                now = utc_now()
                profiles.save_intake(session, result, catalog=svc.catalog, rules=rules, now=now, name=profile)
                if schedule is not None and not screen(result).blocked:
                    save_schedule(session, profile, schedule, now=now)
        except BudgetTooSmall as exc:
            fail(f"no programme: {exc}", ExitCode.invalid_input)
        except ScheduleError as exc:
            fail(f"schedule: {exc}", ExitCode.invalid_input)
    screening = screen(result)
    if screening.blocked:
        console.print(Panel(screening.message(), title="Please see a clinician first", border_style="red"))
        raise typer.Exit(int(ExitCode.blocked))
    console.print(screening.message())
    console.print(
        "Your programme is ready: [bold]backfit plan[/] shows it, [bold]backfit session[/] starts one, "
        "and [bold]backfit web[/] opens the same coach in your browser.",
        highlight=False,
    )


def _day_names(codes: list[str]) -> str:
    names = [WEEKDAY_NAMES.get(c, c) for c in codes]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def same_sessions(days: list[dict[str, Any]]) -> list[tuple[list[str], dict[str, Any]]]:
    """Days with the same exercises, doses and minutes, together: (weekday codes, the day)."""
    groups: dict[str, tuple[list[str], dict[str, Any]]] = {}
    for day in days:
        key = repr([(i["exercise_id"], i["dose"], i["stopped"]) for i in day["items"]] + [day["minutes"]])
        groups.setdefault(key, ([], day))[0].append(day["weekday"])
    return list(groups.values())


def print_programme(data: dict[str, Any], changes: list[str], schedule: str | None = None) -> None:
    console.print(Panel("\n".join(data["reasons"]), title="Your programme", border_style="green"))
    if schedule:
        console.print(f"[bold]When:[/] {schedule} ([bold]backfit settings[/] changes it)", highlight=False)
    columns = [Column("exercise"), Column("dose", wrap=True), Column("why", wrap=True)]
    for weekdays, day in same_sessions(data["days"]):
        rows = []
        for number, item in enumerate(day["items"], 1):
            name = f"{number}. {item['name']} [dim]({item['exercise_id']})[/]"
            if item["stopped"]:
                name += " [red]stopped: ask a clinician[/]"
            rows.append([name, item["dose_words"], item["reason"]])
        console.print()
        console.print(as_blocks(f"{_day_names(weekdays)}: about {day['minutes']:.0f} min", columns, rows))
        for note in day["notes"]:
            console.print(f"[dim]{note}[/]", highlight=False)
    if changes:
        console.print("\n[bold]What changed after your last session, and why[/]")
        for line in changes:
            console.print(f" - {line}", highlight=False)
    console.print(
        f"\n[yellow]{DISCLAIMER}[/] Stop an exercise that causes pain above 5/10 or pain spreading into a leg."
    )


@app.command()
def plan(
    answers: Annotated[
        Path | None,
        typer.Option("--answers", help="Preview the programme for an answers file (nothing is stored)."),
    ] = None,
    profile: ProfileOption = profiles.DEFAULT_PROFILE,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show your weekly programme with the reason for each choice, and what changed.

    Without --answers: the stored programme with its current doses and what changed
    after your last session, and why. With --answers: a preview, nothing stored."""
    preview = read_answers(answers) if answers is not None else None
    with services() as svc:
        rules = programme_rules_for(svc.settings, svc.catalog)
        changes: list[str] = []
        when: ScheduleChoice | None = None
        if preview is not None:
            try:
                data = preview_read(build_programme(preview, svc.catalog, rules), svc.catalog).model_dump(mode="json")
            except RedFlagBlocked as exc:
                fail(f"no programme: {exc}", ExitCode.blocked)
            except BudgetTooSmall as exc:
                fail(f"no programme: {exc}", ExitCode.invalid_input)
        else:
            with svc.db.unit_of_work() as session:
                try:
                    view = profiles.current_programme(session, profile)
                except profiles.NoProgramme as exc:
                    code = ExitCode.blocked if "clinician" in str(exc) else ExitCode.not_found
                    fail(f"no programme: {exc}", code)
                except profiles.NotFound:
                    fail("no intake answers yet: run `backfit intake` first", ExitCode.not_found)
                data = programme_read(view, svc.catalog, rules.transition_s).model_dump(mode="json")
                when = schedule_for(session, profile).choice
                changes = [
                    f"{exercise_name(svc.catalog, d.after['exercise_id'])}: {d.action}"
                    + (f" ({d.change})" if d.change else "")
                    + f". {' '.join(d.reasons)}"
                    for d in profiles.latest_decisions(session, profile)
                ]
    schedule = None if when is None else {**when.model_dump(mode="json"), "time_of_day": when.time_text}
    if json:
        print_json({**data, "changes": changes, "schedule": schedule})
    else:
        print_programme(data, changes, when.describe() if when else None)
