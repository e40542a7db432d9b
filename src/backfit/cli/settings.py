"""``backfit settings``: when you exercise (weekdays, time of day, calendar reminder)."""

from __future__ import annotations

import typer

from backfit.cli.app import ExitCode, app, console, fail, print_json
from backfit.cli.common import PROFILE_HELP, services
from backfit.services import profiles
from backfit.services.runtime import utc_now
from backfit.services.schedule import ScheduleError, parse_choice, save_schedule, schedule_for
from backfit.store import NotFound


@app.command()
def settings(
    weekdays: str | None = typer.Option(
        None, "--weekdays", help="The days you exercise, one per session of the week, e.g. mon,wed,fri."
    ),
    time_of_day: str | None = typer.Option(None, "--time", help="Time of day, HH:MM (24-hour, your local time)."),
    reminder: str | None = typer.Option(
        None, "--reminder", help="Calendar reminder, minutes before a session (0 = none)."
    ),
    profile: str = typer.Option(profiles.DEFAULT_PROFILE, "--profile", help=PROFILE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Show or change when you exercise: weekdays, time of day and the calendar reminder.

    With no option it shows them. Changing the days moves your upcoming sessions
    onto them (the calendar export, `backfit export --format ics`, follows)."""
    with services() as svc, svc.db.unit_of_work() as session:
        try:
            current = schedule_for(session, profile)
            if weekdays is not None or time_of_day is not None or reminder is not None:
                raw = current.choice.model_dump()
                for key, value in (
                    ("weekdays", weekdays),
                    ("time_of_day", time_of_day),
                    ("reminder_minutes", reminder),
                ):
                    if value is not None:
                        raw[key] = value
                choice = save_schedule(session, profile, parse_choice(raw), now=utc_now())
                changed = True
            else:
                choice, changed = current.choice, False
        except ScheduleError as exc:
            fail(str(exc), ExitCode.invalid_input)
        except NotFound as exc:
            fail(str(exc), ExitCode.not_found)
    if as_json:
        print_json({**choice.model_dump(mode="json"), "time_of_day": choice.time_text})
        return
    prefix = "Saved: you exercise on" if changed else "You exercise on"
    console.print(f"{prefix} {choice.describe()}.", highlight=False)
    if not changed:
        console.print(
            "[dim]Change it with e.g. `backfit settings --weekdays mon,wed,fri --time 07:30 --reminder 15`.[/]"
        )
