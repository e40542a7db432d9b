"""History summaries and the series behind the progress charts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backfit.services import charts, history
from backfit.store.database import Database
from tests import factories as f


@pytest.fixture
def lived(db: Database, test_data: f.TestData) -> Database:
    with db.unit_of_work() as session:
        f.realistic_history(session, test_data, weeks=4, name="ana")
    return db


def test_history_newest_first_with_pain_and_changes(lived: Database, test_data: f.TestData) -> None:
    with lived.unit_of_work() as session:
        rows = history.history(session, "ana", catalog=test_data.catalog)
    assert len(rows) == 12
    assert rows[0].started_at > rows[-1].started_at
    assert all(r.status == "completed" and r.sets_done == r.sets_planned for r in rows)
    assert (rows[-1].pain_start, rows[-1].pain_end, rows[-1].pain_next_morning) == (2, 2, 1)
    bad = next(r for r in rows if r.started_at == f.START + timedelta(weeks=3, days=2, hours=10))
    assert any(": a step back" in d for d in bad.decisions)  # a sentence naming the exercise, not an id
    assert not any(d.startswith(("regress", "stop")) for d in bad.decisions)
    with lived.unit_of_work() as session:
        assert len(history.history(session, "ana", catalog=test_data.catalog, limit=3)) == 3


def test_progress_series_and_charts(lived: Database, test_data: f.TestData, tmp_path: Path) -> None:
    now = f.START + timedelta(weeks=4)
    with lived.unit_of_work() as session:
        series = history.progress_series(session, test_data.catalog, now=now, name="ana")
    assert series.baseline == 2
    assert set(series.adherence.values()) == {(3, 3)}
    assert len(series.adherence) == 4
    first_week = series.volume[f.START.date()]
    # holds count one a side: one set in sessions 1-2, two sets after the progression
    assert first_week["bridge"] > 0
    assert first_week["kneeling"] == 2 + 2 + 4
    assert series.ladder["bridge"][0][1] == 1
    paths = charts.write_charts(series, tmp_path / "charts")
    assert sorted(p.name for p in paths) == sorted(
        f"{n}.{e}" for n in ("pain", "volume", "adherence", "ladder") for e in ("png", "svg")
    )
    assert all(p.stat().st_size > 1000 for p in paths)
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in paths[1].read_bytes()[:500]


@pytest.mark.parametrize("name", ["pain", "volume", "adherence", "ladder"])
def test_one_chart_as_svg_bytes(name: str, test_data: f.TestData) -> None:
    series = history.ProgressSeries(pain=[], volume={}, adherence={}, ladder={}, baseline=None)
    svg = charts.svg(name, series)
    assert svg.startswith(b"<?xml")
    assert b"<svg" in svg


@pytest.mark.parametrize("name", ["pain", "volume", "adherence", "ladder"])
def test_charts_have_no_inline_css(name: str, test_data: f.TestData) -> None:
    """Styles are presentation attributes: the chart opened on its own renders under the CSP."""
    series = history.ProgressSeries(pain=[], volume={}, adherence={}, ladder={}, baseline=None)
    svg = charts.svg(name, series).decode()
    assert "style=" not in svg
    assert "<style" not in svg
    assert 'fill="#ffffff"' in svg, "the white background is an attribute"


def week_one() -> history.ProgressSeries:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    return history.ProgressSeries(
        pain=[(start, "session_start", 2), (start + timedelta(minutes=25), "session_end", 2)],
        volume={start.date(): {"bridge": 10}},
        adherence={start.date(): (1, 1)},
        ladder={"bridge": [(start, 1)]},
        baseline=2,
        step_names={"bridge": {1: "Supported hip bridge"}},
    )


@pytest.mark.parametrize("name", ["pain", "volume", "adherence", "ladder"])
def test_week_one_axes_span_days_not_years(name: str) -> None:
    from matplotlib import dates

    ax = charts.DRAW[name](week_one()).axes[0]
    low, high = (dates.num2date(v) for v in ax.get_xlim())
    assert timedelta(days=7) <= high - low <= timedelta(days=31)
    assert low.year == high.year == 2026


def test_ladder_chart_names_the_steps() -> None:
    ax = charts.DRAW["ladder"](week_one()).axes[0]
    labels = [t.get_text() for t in ax.texts] + [t.get_text() for t in ax.get_yticklabels()]
    assert "step 1: Supported hip bridge" in labels
    assert "bridge ladder" in labels
