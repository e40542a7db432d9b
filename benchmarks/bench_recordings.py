"""Size and cost of camera-set recordings: bytes a minute, and the time to store a live set's
chunks, to rebuild its coach after a reconnect and to replay it.

A one-minute live set (a synthetic side-view bridge at 30 frames/s, 1,800 frames) is fed to a
:class:`LiveCoach` and stored through :class:`LiveStore` in one-second chunks in a throwaway
SQLite database, as the WebSocket does; then it is rebuilt from the store (what a reconnect to
another worker does) and joined into the set's recording (what saving the set does).

Run: ``make bench BENCH=recordings`` (a few seconds; prints, asserts nothing).
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from backfit.catalog import load_catalog
from backfit.pose.synthetic import bridge
from backfit.services import player, profiles, recording_codec, recordings
from backfit.services.live import LiveCoach, LiveStreams
from backfit.services.live_store import LiveStore
from backfit.store import open_database
from benchmarks.common import camera_set

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FPS = 30


def main() -> None:
    catalog = load_catalog()
    exercise = catalog.get_or_raise("hip-bridge")
    seq = bridge(reps=12, hold_s=2.0, rest_s=0.6)  # about a minute
    frames = list(seq.frames)
    times = (seq.times + 500.0).tolist()
    minutes = (times[-1] - times[0]) / 60
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'backfit.db'}")
        performed_id, item = camera_set(db, catalog, NOW)
        clock = [0.0]
        store = LiveStore(db.unit_of_work, lambda: NOW, clock=lambda: clock[0])
        key = (performed_id, item, "bench")
        coach, _ = store.open(LiveStreams(), key, lambda: LiveCoach(exercise, 4 / 3))
        saves = []
        for i, (t, frame) in enumerate(zip(times, frames, strict=True)):
            coach.last_seq = i
            coach.feed(t, frame)
            clock[0] = t
            start = time.perf_counter()
            store.save(key, coach)
            saves.append(time.perf_counter() - start)
        store.save(key, coach, force=True)
        stored = [s for s in saves if s > 2e-5]
        start = time.perf_counter()
        rebuilt = store.rebuild(key, LiveCoach(exercise, 4 / 3))
        rebuild_ms = (time.perf_counter() - start) * 1000
        assert rebuilt is not None
        with db.unit_of_work() as session:
            player.record_set(
                session, performed_id, catalog, item_index=item, set_index=0, side="both",
                reps=coach.state()["reps"], hold_s=2.0, now=NOW, source="camera", faults=[], stream="bench",
            )  # fmt: skip
            start = time.perf_counter()
            [link] = recordings.replayable_sets(session, profiles.DEFAULT_PROFILE, [performed_id])[performed_id]
            found = link.recording_id
            kept = recordings.replay(session, profiles.DEFAULT_PROFILE, found)
            replay_ms = (time.perf_counter() - start) * 1000
        db.dispose()
    size = kept.recording.frames * recording_codec.FRAME_BYTES
    print(f"recording: {kept.recording.frames} frames over {minutes * 60:.1f} s at {FPS} frames/s")
    print(f"stored: {size:,} bytes = {size / minutes:,.0f} bytes a minute ({recording_codec.FRAME_BYTES} a frame)")
    print(f"live chunks: {len(stored)} stores, median {sorted(stored)[len(stored) // 2] * 1000:.2f} ms, "
          f"worst {max(stored) * 1000:.2f} ms")  # fmt: skip
    print(f"rebuild after a reconnect (read + analyse {kept.recording.frames} frames): {rebuild_ms:.1f} ms")
    print(f"replay read: {replay_ms:.1f} ms; reps {rebuilt.state()['reps']} rebuilt, {coach.state()['reps']} live")
