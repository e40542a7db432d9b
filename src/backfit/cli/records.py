"""`backfit checkin`, `history`, `progress`, `export` and `import`: thin wrappers over services."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path

import typer
from rich.prompt import IntPrompt

from backfit.catalog.schema import Exercise
from backfit.cli.app import ExitCode, app, console, fail, print_json
from backfit.cli.common import ON_HELP, PROFILE_HELP, clock_offset, services
from backfit.cli.tables import Column, records
from backfit.services import calendar, charts, checkins, exports, history, profiles
from backfit.services.runtime import programme_rules_for, utc_now
from backfit.services.wording import exercise_name
from backfit.store import ImportRejected, NotFound
from backfit.store.private import write_private


def _rating(value: int | None, what: str) -> int | None:
    if value is not None and not 0 <= value <= 10:
        fail(f"{what} is rated 0-10, not {value}", ExitCode.invalid_input)
    return value


@app.command()
def checkin(
    pain: int | None = typer.Option(None, "--pain", help="Low-back pain now, 0-10."),
    morning: int | None = typer.Option(None, "--morning", help="Pain this morning, after the last session, 0-10."),
    psfs: list[str] = typer.Option(
        [], "--psfs", help="A PSFS rating as 'activity=rating' (0-10); repeat for each activity."
    ),
    profile: str = typer.Option(profiles.DEFAULT_PROFILE, "--profile", help=PROFILE_HELP),
    on: str | None = typer.Option(None, "--on", help=ON_HELP),
) -> None:
    """Rate pain now or the morning after a session, and the PSFS when it is due (every two weeks).

    With no options, asks interactively."""
    interactive = pain is None and morning is None and not psfs
    _rating(pain, "pain")
    _rating(morning, "morning pain")
    ratings: dict[str, int] = {}
    for item in psfs:
        activity, _, value = item.rpartition("=")
        if not activity or not value.strip().isdigit():
            fail(f"--psfs {item!r}: write it as 'activity=rating'", ExitCode.invalid_input)
        ratings[activity.strip()] = int(value)
    now = utc_now() + clock_offset(on)
    with services() as svc, svc.db.unit_of_work() as session:
        try:
            if interactive:
                pain = IntPrompt.ask("Low-back pain now, 0 (none) to 10 (worst)", console=console)
                _rating(pain, "pain")
            if pain is not None:
                checkins.record_pain_now(session, pain=pain, now=now, name=profile)
                console.print(f"Pain {pain}/10 stored.")
            if morning is not None:
                revised = checkins.record_next_morning(
                    session, pain=morning, catalog=svc.catalog, now=now, name=profile
                )
                console.print(f"Morning pain {morning}/10 stored for the last session.")
                for d in revised:
                    named = exercise_name(svc.catalog, d.after["exercise_id"])
                    console.print(f"  Revised: {named}: {d.action}. {' '.join(d.reasons)}", highlight=False)
            due = checkins.psfs_due(session, now=now, name=profile)
            if interactive and due:
                for activity in checkins.psfs_activities(session, profile):
                    ratings[activity] = IntPrompt.ask(f"PSFS: '{activity}', 0 (unable) to 10 (as before)")
            if ratings:
                checkins.record_psfs(session, ratings, now=now, name=profile)
                console.print(f"PSFS stored: {', '.join(f'{a} {r}/10' for a, r in ratings.items())}.")
            elif due:
                names = "; ".join(checkins.psfs_activities(session, profile))
                console.print(f"The PSFS is due (every two weeks): rate it with --psfs 'activity=N' ({names}).")
        except ValueError as exc:
            fail(str(exc), ExitCode.invalid_input)
        except NotFound as exc:
            fail(str(exc), ExitCode.not_found)


@app.command("history")
def history_command(
    as_json: bool = typer.Option(False, "--json", help="Write JSON for scripts."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Only the newest N sessions."),
    profile: str = typer.Option(profiles.DEFAULT_PROFILE, "--profile", help=PROFILE_HELP),
) -> None:
    """Past sessions: sets done, pain before, after and the next morning, and what changed."""
    with services() as svc, svc.db.unit_of_work() as session:
        rows_found = history.history(session, profile, catalog=svc.catalog, limit=limit)
    if as_json:
        print_json([asdict(r) for r in rows_found])
        return
    if not rows_found:
        console.print("No sessions yet: start one with `backfit session`.")
        return
    columns = [
        Column("date"),
        Column("status", wrap=True, min_width=9),
        Column("sets"),
        Column("pain before/after/morning", wrap=True, min_width=7),
        Column("changes", wrap=True, min_width=20),
    ]
    rows = []
    for r in rows_found:
        pains = "/".join("-" if p is None else str(p) for p in (r.pain_start, r.pain_end, r.pain_next_morning))
        rows.append(
            [f"{r.started_at:%Y-%m-%d %H:%M}", r.status.replace("_", " "), f"{r.sets_done}/{r.sets_planned}", pains,
             "; ".join(r.decisions)]
        )  # fmt: skip
    console.print(records(console, columns, rows, title=f"History of {profile}"))


@app.command()
def progress(
    out: Path = typer.Option(..., "--out", help="Directory for the charts (PNG and SVG)."),
    profile: str = typer.Option(profiles.DEFAULT_PROFILE, "--profile", help=PROFILE_HELP),
) -> None:
    """Charts: pain over time with the two-point band, weekly volume, adherence, ladder steps."""
    with services() as svc, svc.db.unit_of_work() as session:
        series = history.progress_series(session, svc.catalog, now=utc_now(), name=profile)
    try:
        paths = charts.write_charts(series, out)
    except OSError as exc:
        fail(f"cannot write the charts to {out}: {exc.strerror}", ExitCode.invalid_input)
    for path in paths:
        console.print(str(path))


def handout_figure(exercise: Exercise) -> str:
    """The exercise's key pose (its last keyframe), still, for print."""
    from backfit.web.illustration import figure_svg  # the drawing lives with the web pages

    return figure_svg(exercise, animate=False)


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    ics = "ics"
    pdf = "pdf"
    fhir = "fhir"


ALL_HELP = "The whole database (every person), to move an installation; without it, only --profile's data."


@app.command()
def export(
    fmt: ExportFormat = typer.Option(
        ExportFormat.json,
        "--format",
        help="json: the person's complete backup; csv: sets; ics: calendar; pdf: a printable handout of the "
        "programme; fhir: the person as a FHIR R4 Bundle (JSON) for a clinic's records.",
    ),
    out: Path | None = typer.Option(None, "--out", help="Write here instead of standard output."),
    profile: str = typer.Option(profiles.DEFAULT_PROFILE, "--profile", help=PROFILE_HELP),
    everyone: bool = typer.Option(False, "--all", help=ALL_HELP + " Only with --format json."),
) -> None:
    """Export one person's complete JSON backup, their sets as CSV, upcoming sessions as iCalendar,
    the programme as a printable PDF handout (figures, doses in words, steps, cues, safety notes),
    or their record as FHIR R4. Only --profile's data is in it, unless --all (a whole-database backup)."""
    now = utc_now()
    if fmt is ExportFormat.pdf and out is None and sys.stdout.isatty():
        fail("a PDF is not for the terminal: write it to a file with --out handout.pdf", ExitCode.usage)
    if everyone and fmt is not ExportFormat.json:
        fail("--all is for the JSON backup only (--format json): the other formats are one person's", ExitCode.usage)
    with services() as svc, svc.db.unit_of_work() as session:
        if fmt is ExportFormat.json or fmt is ExportFormat.fhir:
            try:
                if everyone:
                    backup = exports.export_database_backup(session, now=now)
                elif fmt is ExportFormat.json:
                    backup = exports.export_person_backup(session, profile, now=now)
                else:
                    from backfit.services import fhir_export  # the FHIR models load only for a FHIR export

                    backup = fhir_export.person_bundle(session, profile, catalog=svc.catalog, now=now)
            except NotFound as exc:
                fail(str(exc), ExitCode.not_found)
            data = (json.dumps(backup, indent=1, ensure_ascii=False) + "\n").encode()
        elif fmt is ExportFormat.csv:
            try:
                data = exports.export_sets_csv(session, profile).encode()
            except NotFound as exc:
                fail(str(exc), ExitCode.not_found)
        elif fmt is ExportFormat.pdf:
            from backfit.services import handout  # fpdf2 and the fonts load only for a PDF

            rules = programme_rules_for(svc.settings, svc.catalog)
            try:
                data = handout.programme_handout(
                    session,
                    profile,
                    catalog=svc.catalog,
                    transition_s=rules.transition_s,
                    figure=handout_figure,
                    today=now.date(),
                )
            except profiles.NoProgramme as exc:
                fail(
                    f"no programme to print: {exc}", ExitCode.blocked if "clinician" in str(exc) else ExitCode.not_found
                )
            except NotFound as exc:
                fail(str(exc), ExitCode.not_found)
        else:
            rules = programme_rules_for(svc.settings, svc.catalog)
            try:
                data = calendar.export_calendar(
                    session, catalog=svc.catalog, transition_s=rules.transition_s, now=now, name=profile
                )
            except NotFound as exc:
                fail(str(exc), ExitCode.not_found)
    if out is None:
        sys.stdout.buffer.write(data)
        return
    try:
        write_private(out, data)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}", ExitCode.invalid_input)
    console.print(f"Wrote {out}")


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="A JSON backup written by `backfit export --format json`."),
    profile: str | None = typer.Option(
        None,
        "--profile",
        help="Import as this person (from a backup of several, the one of this name); default: the backup's person.",
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Replace this person's data with the backup's (nobody else's); with --all, everyone's."
    ),
    everyone: bool = typer.Option(False, "--all", help="Restore a whole-database backup (`export --all`) as it was."),
) -> None:
    """Import one person's JSON backup beside the people already here (their rows get new ids).
    A person already here is replaced only with --replace. A corrupt or foreign file is refused
    and nothing changes."""
    if everyone and profile is not None:
        fail("--all restores everyone as they were: leave out --profile", ExitCode.usage)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}", ExitCode.not_found)
    with services() as svc:
        try:
            data = exports.load_backup_text(raw)
            with svc.db.unit_of_work() as session:
                if everyone:
                    counts = exports.import_database_backup(session, data, replace=replace)
                    who = "the whole database"
                else:
                    who = profile or exports.person_in_backup(data)
                    counts = exports.import_person_backup(session, data, name=who, replace=replace)
        except ImportRejected as exc:
            fail(f"{file}: {exc} (nothing was changed)", ExitCode.invalid_input)
    console.print(
        f"Imported {who}: {sum(counts.values())} rows: " + ", ".join(f"{n} {t}" for t, n in counts.items() if n)
    )
