"""``backfit analyze``: count repetitions and holds and check form in a video file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer

from backfit.adapters.errors import (
    NoPersonError,
    NotAVideoError,
    PartlyInFrameError,
    PoseModelUnavailableError,
    TruncatedVideoError,
    VideoInputError,
)
from backfit.catalog import CatalogError, load_catalog
from backfit.catalog.schema import Exercise
from backfit.cli.app import ExitCode, app, console, err_console, fail, print_json
from backfit.cli.common import PROFILE_HELP, services
from backfit.cli.tables import Column, records
from backfit.pose import AnalysisReport, NotAnalyzableError
from backfit.services import profiles, recordings
from backfit.services.analysis import VideoAnalysis, WrongExerciseError, analyze_video, report_json
from backfit.services.runtime import utc_now

CODES: dict[type[Exception], ExitCode] = {
    NotAVideoError: ExitCode.not_a_video,
    TruncatedVideoError: ExitCode.truncated_video,
    NoPersonError: ExitCode.no_person,
    PartlyInFrameError: ExitCode.partly_in_frame,
    WrongExerciseError: ExitCode.wrong_exercise,
    NotAnalyzableError: ExitCode.not_analyzable,
    PoseModelUnavailableError: ExitCode.pose_model_unavailable,
}


def print_report(report: AnalysisReport) -> None:
    console.print(
        f"[bold]{report.exercise_id}[/]: {len(report.repetitions)} repetition(s), {len(report.holds)} hold(s) "
        f"({report.total_hold_s:.1f} s); {report.frames} frames over {report.duration_s:.1f} s, "
        f"{report.usable_fraction:.0%} usable",
        highlight=False,
    )
    if report.repetitions:
        columns = [
            Column("rep"),
            Column("start s"),
            Column("end s"),
            Column(f"peak {report.signal}", wrap=True, min_width=6),
            Column("measures at the peak", wrap=True),
        ]
        rows = [
            [
                str(r.index),
                f"{r.start:.2f}",
                f"{r.end:.2f}",
                f"{r.peak_value:.1f}",
                ", ".join(f"{k} {v:.1f}" for k, v in r.measures.items() if k != report.signal),
            ]
            for r in report.repetitions
        ]
        console.print(records(console, columns, rows))
    for h in report.holds:
        console.print(f"hold {h.start:.2f}-{h.end:.2f} s: {h.duration:.1f} s", highlight=False)
    for f in report.faults:
        console.print(
            f"[yellow]form[/] at {f.time:.2f} s: {f.text} ({f.quantity} {f.value:.1f}, wanted {f.op} {f.bound:g})",
            highlight=False,
        )
    for s in report.steps:
        flag = "  [yellow]pelvis dropped[/]" if s.pelvis_dropped else ""
        console.print(
            f"step {s.index} ({s.side} foot) {s.start:.2f}-{s.end:.2f} s: lift {s.lift_ratio:.2f} hip widths, "
            f"pelvic drop {s.pelvic_drop_deg:.1f} deg{flag}",
            highlight=False,
        )
    for a in report.advice:
        console.print(f"[cyan]camera[/]: {a.text}", highlight=False)
    for m in report.mismatches:
        console.print(
            f"[magenta]position[/] at {m.time:.2f} s: {m.seen}, expected {' or '.join(m.expected)}", highlight=False
        )


def write_plot(result: VideoAnalysis, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    report = result.report
    trace = report.trace
    assert trace is not None
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.plot(trace.times, trace.signal, label=report.signal)
    for r in report.repetitions:
        ax.axvspan(r.start, r.end, color="tab:green", alpha=0.15)
        ax.annotate(
            f"rep {r.index}", (r.peak_time, r.peak_value), textcoords="offset points", xytext=(0, 6), ha="center"
        )
    for h in report.holds:
        ax.hlines(np.nanmin(trace.signal), h.start, h.end, colors="tab:orange", linewidth=4, label="hold")
    for f in report.faults:
        ax.axvline(f.time, color="tab:red", linestyle="--", linewidth=1)
    ax.set_xlabel("time (s)")
    ax.set_ylabel(report.signal)
    ax.legend(loc="best")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def write_annotated(result: VideoAnalysis, out: Path) -> None:
    from backfit.adapters.annotate import annotate_frames
    from backfit.adapters.video import write_video

    write_video(out, annotate_frames(result), result.fps)


def keep_recording(result: VideoAnalysis, exercise: Exercise, profile: str, *, quiet: bool) -> None:
    """Store the analysed file's landmark recording and events for ``profile``."""
    with services() as svc, svc.db.unit_of_work() as session:
        row = recordings.save_video_recording(
            session, profile, exercise, result.times, result.landmarks, result.aspect, utc_now()
        )
        kept = (row.id, row.frames, len(row.times) + len(row.landmarks))
    if not quiet:
        console.print(
            f"Kept its recording ({kept[1]} frames, {kept[2]:,} bytes, no video): replay it at /recordings/{kept[0]}",
            highlight=False,
        )


@app.command()
def analyze(
    video: Path = typer.Argument(..., help="Video file (mp4, webm, mov, avi)."),
    exercise: str = typer.Option(..., "--exercise", "-e", help="Catalog id of the exercise in the video."),
    as_json: bool = typer.Option(False, "--json", help="Write the report as JSON."),
    annotated: Path | None = typer.Option(
        None, "--annotated", help="Write a copy of the video with skeleton, counter and cues."
    ),
    plot: Path | None = typer.Option(None, "--plot", help="Write a PNG plot of the signal with repetitions marked."),
    workers: int = typer.Option(
        1, "--workers", "-w", min=1, help="Processes running the pose model, each on a part of the video."
    ),
    keep: bool = typer.Option(
        False, "--keep", help="Store the set's landmark recording and events (no video) to replay it in the web app."
    ),
    profile: str = typer.Option(profiles.DEFAULT_PROFILE, "--profile", help=PROFILE_HELP),
) -> None:
    """Count repetitions and holds and check form in a video of one exercise."""
    try:
        record = load_catalog().get_or_raise(exercise)
    except CatalogError as exc:
        fail(str(exc), ExitCode.not_found)
    try:
        result = analyze_video(video, record, keep_images=annotated is not None, workers=workers)
    except (VideoInputError, NotAnalyzableError, PoseModelUnavailableError) as exc:
        fail(str(exc), CODES.get(type(exc), ExitCode.invalid_input))
    if as_json:
        print_json(report_json(result.report))
    else:
        print_report(result.report)
    if plot is not None:
        write_plot(result, plot)
    if annotated is not None:
        write_annotated(result, annotated)
    if keep:
        keep_recording(result, record, profile, quiet=as_json)
    if result.problem is not None:
        if not as_json:
            err_console.print("(partial result: only part of the video was usable)")
        fail(str(result.problem), CODES.get(type(result.problem), ExitCode.invalid_input))
