"""``backfit exercises`` and ``backfit show``: the exercise catalog."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from backfit.catalog import CatalogError, Equipment, Exercise, Kind, Position, load_catalog
from backfit.catalog.schema import Family
from backfit.cli.app import ExitCode, app, console, fail, print_json
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
    table = Table(title=f"{len(found)} exercise(s)")
    table.add_column("id", no_wrap=True)
    for column in ("name", "ladder", "position", "equipment", "kind", "camera"):
        table.add_column(column)
    for ex in found:
        table.add_row(
            ex.id,
            ex.name,
            f"{ex.ladder.family.value} {ex.ladder.step}",
            ex.position.value,
            ", ".join(e.value for e in ex.equipment),
            ex.kind.value,
            str(len(ex.camera_cues)) if ex.camera_cues else "-",
        )
    console.print(table)


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
        console.print(f"also called: {', '.join(ex.aliases)}")
    console.print(
        f"{ex.kind.value}; {ex.position.value}; equipment: {', '.join(e.value for e in ex.equipment)}; "
        f"targets: {', '.join(ex.targets)}"
    )
    console.print("\n[bold]Steps[/]")
    for number, step in enumerate(ex.steps, 1):
        console.print(f" {number}. {step}", highlight=False)
    console.print("\n[bold]Cues[/]  ([cyan]camera[/] = checked through the camera)")
    for cue in ex.cues:
        check = f"  [cyan]camera: {cue.camera.describe()}[/]" if cue.camera else ""
        console.print(f" - {cue.text}{check}", highlight=False)
    if ex.faults:
        console.print("\n[bold]Common faults[/]")
        for fault in ex.faults:
            console.print(f" - {fault.text} [dim]Fix:[/] {fault.fix}", highlight=False)
    console.print(f"\n[bold]Dosage[/]  {Prescription.default_for(ex).summary()}", highlight=False)
    ladder = catalog.ladder(ex.ladder.family)
    rungs = " -> ".join(f"[bold]{e.id}[/]" if e.id == ex.id else e.id for e in ladder)
    console.print(f"[bold]Ladder[/] ({ex.ladder.family.value})  {rungs}", highlight=False)
    if ex.safety:
        console.print("\n[bold yellow]Safety[/]")
        for note in ex.safety:
            console.print(f" - {note}", highlight=False)
    console.print(f"\n[dim]{ex.source}[/]", highlight=False)
