"""Progress charts as PNG and SVG files, drawn with matplotlib's Agg backend.

The SVG is styled with presentation attributes only (no ``style`` attributes or
elements), so a chart opened on its own renders the same under backfit's strict
Content-Security-Policy (``style-src 'self'``) as inside a page."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from backfit.services.history import ProgressSeries

CHANGE_THAT_MATTERS = 2  # points on a 0-10 scale (pain, PSFS)
MIN_SPAN = timedelta(days=14)  # the shortest time axis: week one shows days, not years
WEEK = timedelta(days=7)
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
    figure.savefig(paths[0])
    paths[1].write_bytes(_svg_bytes(figure))
    return paths


_STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>\s*\*\s*\{([^}]*)\}\s*</style>\s*")


def _declarations(css: str) -> str:
    """``a: b; c: d`` as SVG presentation attributes ``a="b" c="d"`` (the same names in SVG)."""
    pairs = [part.split(":", 1) for part in css.split(";") if ":" in part]
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)


def presentation_attributes(svg_text: str) -> str:
    """matplotlib's SVG with its inline CSS turned into presentation attributes: the
    ``* {...}`` style element onto the root ``<svg>`` (inherited), each ``style`` attribute in place."""
    root_style = _STYLE_ELEMENT.search(svg_text)
    svg_text = _STYLE_ELEMENT.sub("", svg_text)
    if root_style:
        svg_text = svg_text.replace("<svg ", f"<svg {_declarations(root_style.group(1))} ", 1)
    return _STYLE_ATTRIBUTE.sub(lambda m: _declarations(m.group(1)), svg_text)


def _svg_bytes(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return presentation_attributes(buffer.getvalue().decode("utf-8")).encode("utf-8")


def _time_axis(ax: Any, times: Sequence[date | datetime]) -> tuple[datetime, datetime]:
    """Dates on the x axis spanning ``times`` (at least :data:`MIN_SPAN`; not empty), labelled
    concisely; returns the axis's ends."""
    from matplotlib import dates

    start, end = min(times), max(times)
    low = datetime(start.year, start.month, start.day) - timedelta(days=1)
    high = max(datetime(end.year, end.month, end.day) + timedelta(days=2), low + MIN_SPAN)
    ax.set_xlim(low, high)
    locator = dates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    return low, high


def _nothing_yet(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize="large", color="dimgray")
    ax.set_xticks([])


def _weekly(weeks: Sequence[date], values: Sequence[float]) -> tuple[list[date], list[float]]:
    """Week starts and values, with the last week's end added so a step chart shows every week (even one)."""
    if not weeks:
        return [], []
    return [*weeks, weeks[-1] + WEEK], [*values, values[-1]]


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
    if series.pain:
        _time_axis(ax, [t for t, _, _ in series.pain])
    else:
        _nothing_yet(ax, "No pain ratings yet")
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
        x, low = _weekly(weeks, bottom)
        _, high = _weekly(weeks, top)
        ax.fill_between(x, low, high, step="post", label=family, linewidth=0)
        bottom = top
    ax.set_ylabel("repetitions a week (a hold counts as one)")
    if weeks:
        _time_axis(ax, [*weeks, weeks[-1] + WEEK])
        ax.set_ylim(bottom=0)
    else:
        _nothing_yet(ax, "No sets done yet")
    ax.set_title("Weekly volume per exercise family")
    if families:
        ax.legend(fontsize="small", loc="upper left")
    return figure


def draw_adherence(series: ProgressSeries) -> Any:
    figure, ax = _figure()
    weeks = list(series.adherence)
    scheduled = [s for _, s in series.adherence.values()]
    done = [d for d, _ in series.adherence.values()]
    x, planned_steps = _weekly(weeks, scheduled)
    _, done_steps = _weekly(weeks, done)
    ax.fill_between(x, 0, planned_steps, step="post", color="lightgray", label="scheduled", linewidth=0)
    ax.fill_between(x, 0, done_steps, step="post", color="tab:green", alpha=0.7, label="done", linewidth=0)
    ax.set_ylabel("sessions a week")
    if weeks:
        _time_axis(ax, x)
        ax.set_ylim(0, max([*planned_steps, *done_steps, 1]) + 0.5)
        ax.yaxis.get_major_locator().set_params(integer=True)
    else:
        _nothing_yet(ax, "No sessions scheduled before today yet")
    total_done, planned = sum(done), sum(scheduled)
    ax.set_title(f"Adherence: {total_done} of {planned} scheduled sessions done" if planned else "Adherence")
    ax.legend(fontsize="small", loc="upper left")
    return figure


def draw_ladder(series: ProgressSeries) -> Any:
    """One row per ladder: the exercise (step and name) it was on from each change until the next."""
    figure, ax = _figure()
    families = sorted(series.ladder)
    times = [t for points in series.ladder.values() for t, _ in points]
    if not families:
        _nothing_yet(ax, "No sessions rated yet")
        ax.set_yticks([])
        ax.set_title("Ladder step of each exercise family")
        return figure
    _, high = _time_axis(ax, times)
    for row, family in enumerate(families):
        points = series.ladder[family]
        names = series.step_names.get(family, {})
        ends = [t for t, _ in points[1:]] + [high]
        for (t, step), until in zip(points, ends, strict=True):
            ax.plot([t, until], [row, row], linewidth=6, solid_capstyle="butt", color=f"C{row % 10}")
            ax.plot([t], [row], marker="o", markersize=8, color=f"C{row % 10}")
            label = f"step {step}: {names[step]}" if step in names else f"step {step}"
            ax.annotate(label, (t, row), textcoords="offset points", xytext=(4, 9), fontsize="small")
    ax.set_yticks(range(len(families)), [f"{f} ladder" for f in families])
    ax.set_ylim(-0.6, len(families) - 0.2)
    ax.invert_yaxis()
    ax.set_title("Which step of each ladder you are on (step 1 = easiest)")
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
    return _svg_bytes(DRAW[name](series))


def write_charts(series: ProgressSeries, out: Path) -> list[Path]:
    """Write pain, volume, adherence and ladder charts (PNG and SVG) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    return [path for name, draw in DRAW.items() for path in _save(draw(series), out, name)]
