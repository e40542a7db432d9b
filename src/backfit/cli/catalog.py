"""``backfit exercises`` and ``backfit show``: the exercise catalog."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from backfit.catalog import CatalogError, Equipment, Exercise, Kind, Position, load_catalog
from backfit.catalog.schema import Family
from backfit.catalog.wording import check_in_words
from backfit.cli.app import ExitCode, app, console, fail, print_json
from backfit.cli.tables import Column, records
from backfit.plan.model import Prescription

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]


def exercise_summary(ex: Exercise) -> dict[str, object]:
    return {
        "id": ex.id,
        "name": ex.name,
        "position": ex.position.value,
        "equipment": [e.value for e in ex.equipment],
        "kind": ex.kind.value,
        "family": ex.ladder.family.value,
        "step": ex.ladder.step,
        "camera_checks": len(ex.camera_cues),
    }


def equipment_words(ex: Exercise) -> str:
    used = [e.value for e in ex.equipment if e is not Equipment.none]
    return " and ".join(used) if used else "no equipment"


def camera_words(ex: Exercise) -> str:
    count = len(ex.camera_cues)
    return f"{count} camera check{'s' if count != 1 else ''}" if count else "no camera check"


@app.command()
def exercises(
    equipment: Annotated[Equipment | None, typer.Option(help="Only exercises using this equipment.")] = None,
    position: Annotated[Position | None, typer.Option(help="Only exercises done in this position.")] = None,
    kind: Annotated[Kind | None, typer.Option(help="Only exercises of this kind.")] = None,
    family: Annotated[Family | None, typer.Option(help="Only this ladder.")] = None,
    json: JsonOption = False,
) -> None:
    """List the routine's exercises, in ladder order."""
    found = load_catalog().filter(equipment=equipment, position=position, kind=kind, family=family)
    if json:
        print_json([exercise_summary(ex) for ex in found])
        return
    columns = [
        Column("id"),
        Column("name", wrap=True, min_width=14),
        Column("ladder"),
        Column("details", wrap=True, min_width=14),
    ]
    rows = [
        [
            ex.id,
            ex.name,
            f"{ex.ladder.family.value} {ex.ladder.step}",
            f"{ex.position.value}, {ex.kind.value}, {equipment_words(ex)}; {camera_words(ex)}",
        ]
        for ex in found
    ]
    console.print(records(console, columns, rows, title=f"{len(found)} exercise(s), in ladder order"))
    console.print("[dim]`backfit show ID` shows one in full.[/]")


@app.command()
def show(
    exercise_id: Annotated[str, typer.Argument(metavar="EXERCISE_ID", help="An id from `backfit exercises`.")],
    json: JsonOption = False,
) -> None:
    """Show one exercise: steps, cues, dosage, ladder and safety notes."""
    catalog = load_catalog()
    try:
        ex = catalog.get_or_raise(exercise_id)
    except CatalogError as exc:
        fail(str(exc), ExitCode.not_found)
    if json:
        print_json(ex)
        return
    console.print(f"[bold]{ex.name}[/]  ({ex.id})", highlight=False)
    if ex.aliases:
        console.print(f"also called: {', '.join(ex.aliases)}", highlight=False)
    console.print(
        f"{ex.kind.value}; {ex.position.value}; {equipment_words(ex)}; works: {', '.join(ex.targets)}",
        highlight=False,
    )
    console.print("\n[bold]Steps[/]")
    console.print(bullets([(f"{n}.", step) for n, step in enumerate(ex.steps, 1)]))
    console.print("\n[bold]Cues[/]")
    console.print(
        bullets(
            [
                ("-", cue.text + (f"\n[cyan]{check_in_words(cue.camera, ex)}[/]" if cue.camera else ""))
                for cue in ex.cues
            ]
        )
    )
    if ex.faults:
        console.print("\n[bold]Common faults[/]")
        console.print(bullets([("-", f"{fault.text} [dim]Fix:[/] {fault.fix}") for fault in ex.faults]))
    console.print(f"\n[bold]Dose to start[/]: {Prescription.default_for(ex).in_words()}", highlight=False)
    ladder = catalog.ladder(ex.ladder.family)
    rungs = " -> ".join(f"[bold]{e.id}[/]" if e.id == ex.id else e.id for e in ladder)
    console.print(f"[bold]Ladder[/] ({ex.ladder.family.value}): {rungs}", highlight=False)
    if ex.safety:
        console.print("\n[bold yellow]Safety[/]")
        console.print(bullets([("-", note) for note in ex.safety]))
    console.print(f"\n[dim]{ex.source}[/]", highlight=False)


def bullets(items: list[tuple[str, str]]) -> Table:
    """Marked items whose wrapped lines stay indented under their text."""
    grid = Table.grid(padding=(0, 1), pad_edge=False)
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column()
    for marker, text in items:
        grid.add_row(marker, text)
    return grid
