"""Progress charts as PNG and SVG files, drawn with matplotlib's Agg backend."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backfit.services.history import ProgressSeries

CHANGE_THAT_MATTERS = 2  # points on a 0-10 scale (pain, PSFS)
MOMENT_STYLE = {
    "session_start": ("before session", "o", "tab:blue"),
    "session_end": ("after session", "s", "tab:orange"),
    "next_morning": ("next morning", "^", "tab:red"),
    "now": ("check-in", "x", "tab:gray"),
}


def _figure() -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 4.5), dpi=100, layout="constrained")
    return figure, figure.add_subplot()


def _save(figure: Any, out: Path, stem: str) -> list[Path]:
    paths = [out / f"{stem}.png", out / f"{stem}.svg"]
    for path in paths:
        figure.savefig(path, metadata={"Date": None} if path.suffix == ".svg" else None)
    return paths


def draw_pain(series: ProgressSeries) -> Any:
    figure, ax = _figure()
    if series.baseline is not None:
        low, high = series.baseline - CHANGE_THAT_MATTERS, series.baseline + CHANGE_THAT_MATTERS
        ax.axhspan(max(0, low), min(10, high), color="tab:green", alpha=0.12, label="within 2 points of the start")
        ax.axhline(series.baseline, color="tab:green", linewidth=0.8)
    for moment, (label, marker, color) in MOMENT_STYLE.items():
        points = [(t, p) for t, m, p in series.pain if m == moment]
        if points:
            marks = marker if len(points) <= 400 else None  # markers only while they stay readable
            ax.plot([t for t, _ in points], [p for _, p in points], marker=marks, linestyle="-", linewidth=0.6,
                    markersize=3, color=color, label=label)  # fmt: skip
    ax.set_ylim(-0.5, 10.5)
    ax.set_ylabel("pain (0-10)")
    ax.set_title("Pain over time (a change of 2 points or more is one that matters)")
    if series.pain:
        ax.legend(loc="upper right", fontsize="small")
    return figure


def draw_volume(series: ProgressSeries) -> Any:
    """Stacked weekly repetitions per family, as one filled step band per family
    (a polygon each, so ten years of weeks draw as fast as one)."""
    figure, ax = _figure()
    weeks = list(series.volume)
    families = sorted({f for v in series.volume.values() for f in v})
    bottom = [0] * len(weeks)
    for family in families:
        top = [b + series.volume[w].get(family, 0) for b, w in zip(bottom, weeks, strict=True)]
        ax.fill_between(weeks, bottom, top, step="post", label=family, linewidth=0)
        bottom = top
    ax.set_ylabel("repetitions a week (a hold counts as one)")
    ax.set_title("Weekly volume per exercise family")
    if families:
        ax.legend(fontsize="small", loc="upper left")
    return figure


def draw_adherence(series: ProgressSeries) -> Any:
    figure, ax = _figure()
    weeks = list(series.adherence)
    scheduled = [s for _, s in series.adherence.values()]
    done = [d for d, _ in series.adherence.values()]
    ax.fill_between(weeks, 0, scheduled, step="post", color="lightgray", label="scheduled", linewidth=0)
    ax.fill_between(weeks, 0, done, step="post", color="tab:green", alpha=0.7, label="done", linewidth=0)
    ax.set_ylabel("sessions a week")
    total_done, planned = sum(done), sum(scheduled)
    ax.set_title(f"Adherence: {total_done} of {planned} scheduled sessions done" if planned else "Adherence")
    ax.legend(fontsize="small", loc="upper left")
    return figure


def draw_ladder(series: ProgressSeries) -> Any:
    figure, ax = _figure()
    for family, points in sorted(series.ladder.items()):
        ax.step([t for t, _ in points], [s for _, s in points], where="post", marker="o", markersize=3, label=family)
    ax.set_ylabel("ladder step (1 = easiest)")
    ax.set_title("Ladder step of each exercise family")
    if series.ladder:
        ax.legend(fontsize="small")
    return figure


DRAW: dict[str, Callable[[ProgressSeries], Any]] = {
    "pain": draw_pain,
    "volume": draw_volume,
    "adherence": draw_adherence,
    "ladder": draw_ladder,
}
"""Each chart by name: a function from the series to a matplotlib figure."""


def svg(name: str, series: ProgressSeries) -> bytes:
    """One chart (a key of :data:`DRAW`) as SVG bytes."""
    buffer = io.BytesIO()
    DRAW[name](series).savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def write_charts(series: ProgressSeries, out: Path) -> list[Path]:
    """Write pain, volume, adherence and ladder charts (PNG and SVG) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    return [path for name, draw in DRAW.items() for path in _save(draw(series), out, name)]
