"""A live set's frames stored while it runs, so that a reconnect to any worker process continues it.

:class:`LiveStore` writes each stream's new frames about once a second (:data:`SAVE_EVERY_S`)
and, for a stream this process does not hold (or holds behind what is stored), rebuilds the
coach by running the stored frames through the same analysis. Practice streams (session 0)
are never stored. Calls touch the database: run them off the event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from backfit.services import recordings
from backfit.services.live import LiveCoach, LiveStreams, StreamKey
from backfit.store.database import UnitOfWork
from backfit.store.errors import DatabaseBusy, DatabaseUnavailable

SAVE_EVERY_S = 1.0
"""Seconds between two stores of a running stream's new frames."""
PRACTICE_SESSION = 0
"""The session id of practice streams (real sessions start at 1): nothing of them is stored."""


class LiveStore:
    """Stores and rebuilds live streams through ``unit_of_work`` (one transaction per call)."""

    def __init__(
        self,
        unit_of_work: UnitOfWork,
        now: Callable[[], datetime],
        every_s: float = SAVE_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.unit_of_work = unit_of_work
        self.now = now
        self.every_s = every_s
        self.clock = clock
        self._saved_at: dict[StreamKey, float] = {}

    @staticmethod
    def keeps(key: StreamKey) -> bool:
        return key[0] != PRACTICE_SESSION

    def open(self, streams: LiveStreams, key: StreamKey, make: Callable[[], LiveCoach]) -> tuple[LiveCoach, bool]:
        """The coach of ``key`` and whether it resumes a set: the one this process holds if nothing newer
        is stored, else the one rebuilt from the stored frames, else a new one from ``make``."""
        if not self.keeps(key):
            return streams.get(key, make)
        held = streams.peek(key)
        stored = self.stored_seq(key)
        if held is not None and held.stored_seq >= stored:
            return streams.get(key, make)
        rebuilt = self.rebuild(key, make()) if stored >= 0 or held is not None else None
        if rebuilt is not None:
            streams.put(key, rebuilt)
            return rebuilt, True

        def durable() -> LiveCoach:
            coach = make()
            coach.durable = True
            return coach

        return streams.get(key, durable)

    def stored_seq(self, key: StreamKey) -> int:
        with self.unit_of_work() as session:
            return recordings.stored_seq(session, key[0], key[1], key[2])

    def rebuild(self, key: StreamKey, fresh: LiveCoach) -> LiveCoach | None:
        """The coach of ``key`` rebuilt from its stored frames (``fresh`` gives the exercise), or None."""
        with self.unit_of_work() as session:
            stored = recordings.load_live(session, key[0], key[1], key[2])
        if stored is None:
            return None
        return LiveCoach.rebuilt(fresh.exercise, stored.aspect, stored.recording, stored.last_seq, stored.finished)

    def due(self, key: StreamKey, coach: LiveCoach, force: bool = False) -> bool:
        """Whether :meth:`save` would store anything now (no database: cheap enough for every frame)."""
        if not force and self.clock() - self._saved_at.get(key, -float("inf")) < self.every_s:
            return False
        return bool(coach.pending) or (force and coach.finished)

    def save(self, key: StreamKey, coach: LiveCoach, force: bool = False) -> None:
        """Store the coach's new frames when :attr:`every_s` has passed since the last store (or ``force``)."""
        now = self.clock()
        if not self.due(key, coach, force):
            return
        part = coach.take_pending()
        last_seq = coach.last_seq
        try:
            with self.unit_of_work() as session:
                recordings.append_live(
                    session,
                    key[0],
                    key[1],
                    key[2],
                    exercise_id=coach.exercise.id,
                    aspect=coach.aspect,
                    part=part,
                    last_seq=last_seq,
                    finished=coach.finished,
                    now=self.now(),
                )
        except (SQLAlchemyError, DatabaseBusy, DatabaseUnavailable):
            if part is not None:
                coach.pending.insert(0, part)  # the coaching goes on; the next store tries again
            return
        coach.stored_seq = last_seq
        self._saved_at[key] = now

    def forget(self, key: StreamKey) -> None:
        self._saved_at.pop(key, None)
