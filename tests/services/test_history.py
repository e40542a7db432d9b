"""History summaries and the series behind the progress charts."""

from __future__ import annotations

from datetime import timedelta
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


def test_history_newest_first_with_pain_and_changes(lived: Database) -> None:
    with lived.unit_of_work() as session:
        rows = history.history(session, "ana")
    assert len(rows) == 12
    assert rows[0].started_at > rows[-1].started_at
    assert all(r.status == "completed" and r.sets_done == r.sets_planned for r in rows)
    assert (rows[-1].pain_start, rows[-1].pain_end, rows[-1].pain_next_morning) == (2, 2, 1)
    bad = next(r for r in rows if r.started_at == f.START + timedelta(weeks=3, days=2, hours=10))
    assert any(d.startswith("regress") for d in bad.decisions)
    with lived.unit_of_work() as session:
        assert len(history.history(session, "ana", limit=3)) == 3


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
