"""The keys of a guided session, one map for the terminal and the web player.

Each binding names an action of the session (what the player and the CLI do
with it), the key as the browser's ``KeyboardEvent.key`` spells it (letters in
lower case; the terminal reads the same characters, Enter as a newline), a label
for the help line, and where it works: some actions exist only on the web page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Action = Literal["rep", "done", "pause", "skip_rest", "skip_exercise", "end", "mute", "camera"]
Surface = Literal["cli", "web"]


@dataclass(frozen=True)
class KeyBinding:
    action: Action
    key: str
    key_label: str
    does: str
    surfaces: tuple[Surface, ...] = ("cli", "web")


SESSION_KEYS: tuple[KeyBinding, ...] = (
    KeyBinding("rep", " ", "Space", "count a repetition", ("web",)),
    KeyBinding("done", "Enter", "Enter", "set done (in a rest: skip the rest)"),
    KeyBinding("pause", "p", "P", "pause / resume"),
    KeyBinding("skip_rest", "s", "S", "skip the rest"),
    KeyBinding("skip_exercise", "x", "X", "skip this exercise"),
    KeyBinding("end", "q", "Q", "end the session early"),
    KeyBinding("mute", "m", "M", "mute / unmute spoken cues"),
    KeyBinding("camera", "c", "C", "camera on / off", ("web",)),
)
"""Every key of a session, in the order the help shows them."""

TERMINAL_KEYS = {"\n": "Enter", "\r": "Enter"}
"""Characters a terminal sends for keys the browser names."""


def action_for(key: str, surface: Surface) -> Action | None:
    """The action of a key pressed (a browser key name or a terminal character), if any."""
    name = TERMINAL_KEYS.get(key, key)
    name = name if len(name) > 1 else name.lower()
    for binding in SESSION_KEYS:
        if binding.key == name and surface in binding.surfaces:
            return binding.action
    return None


def keys_help(surface: Surface) -> str:
    """One line: '[Enter] set done ...   [P] pause / resume ...'."""
    return "   ".join(f"[{b.key_label}] {b.does}" for b in SESSION_KEYS if surface in b.surfaces)


def keys_json(surface: Surface) -> list[dict[str, Any]]:
    """The bindings of ``surface`` as JSON objects (for the web page)."""
    return [asdict(b) for b in SESSION_KEYS if surface in b.surfaces]
