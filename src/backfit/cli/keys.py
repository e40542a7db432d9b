"""Single key presses from the terminal without Enter (POSIX terminals only)."""

from __future__ import annotations

import os
import select
import sys
import termios
import tty
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Keys:
    """Non-blocking key reads while active; a no-op when stdin is not a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stdin.isatty()
        self._saved: list[Any] | None = None

    def read(self) -> str | None:
        if not self.enabled or self._saved is None:
            return None
        ready, _, _ = select.select([sys.stdin], [], [], 0)
        return os.read(sys.stdin.fileno(), 1).decode(errors="ignore") if ready else None

    @contextmanager
    def raw(self) -> Iterator[Keys]:
        if not self.enabled:
            yield self
            return
        fd = sys.stdin.fileno()
        self._saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
        try:
            yield self
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    @contextmanager
    def cooked(self) -> Iterator[None]:
        """Normal line input (with echo) for a prompt; keys pressed before it are dropped."""
        if not self.enabled or self._saved is None:
            yield
            return
        fd = sys.stdin.fileno()
        termios.tcflush(fd, termios.TCIFLUSH)
        termios.tcsetattr(fd, termios.TCSADRAIN, self._saved)
        try:
            yield
        finally:
            tty.setcbreak(fd)
