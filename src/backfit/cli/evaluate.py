"""``backfit evaluate``: the accuracy table of the camera analysis on labelled clips."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from backfit.adapters.errors import PoseModelUnavailableError, VideoInputError
from backfit.catalog import CatalogError, load_catalog
from backfit.cli.app import ExitCode, app, console, fail, print_json
from backfit.pose import NotAnalyzableError
from backfit.services.evaluation import ClipScore, ManifestError, MissingFileError, Totals, evaluate


def _seconds(values: list[float] | None) -> str:
    return ", ".join(f"{v:.2f}" for v in values) if values else "-"


def _optional(value: float | None) -> str:
    return f"{value:.2f} s" if value is not None else "-"


def print_table(scores: list[ClipScore], total: Totals) -> None:
    table = Table("clip", "exercise", "source", "count", "truth", "holds s", "true holds s", "hold errors s")
    for s in scores:
        mark = "" if s.count == s.truth else " [yellow]x[/]"
        table.add_row(
            s.name,
            s.exercise,
            s.source,
            f"{s.count}{mark}",
            str(s.truth),
            _seconds(s.holds_s),
            _seconds(s.truth_holds_s),
            _seconds(s.hold_errors_s),
        )
    console.print(table)
    console.print(
        f"{total.clips} clip(s): exact count {total.exact_rate:.0%}, MAE {total.mae:.3f}, "
        f"off-by-one {total.obo:.0%}; {total.holds} hold(s): error p50 {_optional(total.hold_error_p50_s)}, "
        f"p95 {_optional(total.hold_error_p95_s)}",
        highlight=False,
    )


@app.command(name="evaluate")
def evaluate_command(
    manifest: Path = typer.Argument(..., help="Manifest JSON listing labelled clips (see the README)."),
    as_json: bool = typer.Option(False, "--json", help="Write the scores and totals as JSON."),
) -> None:
    """Score the camera analysis on labelled clips: counts, holds, exact rate, MAE, off-by-one."""
    if not manifest.is_file():
        fail(f"no manifest at {manifest}", ExitCode.not_found)
    try:
        scores, total = evaluate(manifest, load_catalog())
    except (CatalogError, MissingFileError) as exc:
        fail(str(exc), ExitCode.not_found)
    except PoseModelUnavailableError as exc:
        fail(str(exc), ExitCode.pose_model_unavailable)
    except (ManifestError, VideoInputError, NotAnalyzableError) as exc:
        fail(str(exc), ExitCode.invalid_input)
    if as_json:
        print_json({"clips": [asdict(s) | {"count_error": s.count_error} for s in scores], "totals": asdict(total)})
    else:
        print_table(scores, total)
