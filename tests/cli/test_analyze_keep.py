"""`backfit analyze --keep` stores the file's landmark recording and events for a profile (no video),
as the live sets are stored; the web app replays it (slow: the real pose model on the real clip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backfit.services import recordings
from backfit.store.database import open_database
from tests import factories as f
from tests.cli.helpers import make_cli
from tests.material import CLIP, require

pytestmark = pytest.mark.slow


def test_analyze_keep_stores_the_recording_of_the_clip_for_the_profile(tmp_path: Path, db_url: str) -> None:
    require(CLIP)
    cli = make_cli(tmp_path, db_url)
    assert (
        cli.run("intake", "--answers", cli.write_json("a.json", f.intake_json()), "--profile", "alice").returncode == 0
    )
    done = cli.run("analyze", str(CLIP), "--exercise", "hip-bridge", "--keep", "--profile", "alice")
    assert done.returncode == 0, done.stderr
    assert "Kept its recording" in done.stdout
    refused = cli.run("analyze", str(CLIP), "--exercise", "hip-bridge", "--keep", "--profile", "nobody")
    assert refused.returncode != 0
    assert "no profile named 'nobody'" in refused.stderr
    db = open_database(db_url)
    try:
        with db.unit_of_work() as session:
            kept = recordings.replay(session, "alice", 1)
            with pytest.raises(recordings.NotFound):
                recordings.replay(session, "default", 1)  # another person's recording is not found
    finally:
        db.dispose()
    assert kept.origin == "video"
    assert kept.recording.offsets[0] == 0.0
    assert kept.recording.duration_s == pytest.approx(3.0, abs=0.05)  # the clip: 3 s
    # tests/data/manifest.json: one repetition with a 1.6 s hold (1.6 by frame inspection)
    assert [e["count"] for e in kept.events if e["type"] == "repetition"] == [1]
    [hold] = [e["seconds"] for e in kept.events if e["type"] == "hold"]
    assert hold == pytest.approx(1.6, abs=0.35)
