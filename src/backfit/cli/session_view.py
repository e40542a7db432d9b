"""Rich renderables for a guided session: what to do now, a big countdown, progress, what's next."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from backfit.session.engine import Snapshot, StepPhase
from backfit.session.keys import keys_help

KEYS_HELP = keys_help("cli")

DIGITS = {
    "0": ["███", "█ █", "█ █", "█ █", "███"],
    "1": [" █ ", "██ ", " █ ", " █ ", "███"],
    "2": ["███", "  █", "███", "█  ", "███"],
    "3": ["███", "  █", "███", "  █", "███"],
    "4": ["█ █", "█ █", "███", "  █", "  █"],
    "5": ["███", "█  ", "███", "  █", "███"],
    "6": ["███", "█  ", "███", "█ █", "███"],
    "7": ["███", "  █", "  █", "  █", "  █"],
    "8": ["███", "█ █", "███", "█ █", "███"],
    "9": ["███", "█ █", "███", "  █", "███"],
    ":": ["   ", " █ ", "   ", " █ ", "   "],
}


def big(text: str) -> str:
    """``text`` (digits and ':') in a five-line block font."""
    return "\n".join(" ".join(DIGITS[c][row] for c in text if c in DIGITS) for row in range(5))


def clock_text(seconds: float) -> str:
    whole = max(0, int(seconds + 0.999))
    return f"{whole // 60}:{whole % 60:02d}" if whole >= 60 else str(whole)


def describe_set(snap: Snapshot) -> str:
    if snap.item is None or snap.set_key is None:
        return ""
    side = "" if snap.set_key.side == "both" else f" ({snap.set_key.side} side)"
    sets = snap.item.prescription.sets
    return f"Set {snap.set_key.set_index + 1} of {sets}{side}: {snap.item.prescription.summary()}"


def render(snap: Snapshot, total_items: int) -> RenderableType:
    """One screen of the session."""
    parts: list[RenderableType] = []
    if snap.item is not None:
        title = f"Exercise {snap.item.index + 1} of {total_items}: {snap.item.name}"
        parts.append(Text(title, style="bold"))
        parts.append(Text(describe_set(snap)))
    if snap.phase is StepPhase.work:
        p = snap.item.prescription if snap.item else None
        if p is not None and p.reps is not None:
            label = f"Repetition {min(snap.reps_done + 1, p.reps)} of {p.reps}"
        else:
            label = "Hold"
        parts.append(Text(f"{label} - time left:", style="bold green"))
        parts.append(Text(big(clock_text(snap.remaining_s)), style="bold green"))
    elif snap.phase is StepPhase.rest:
        parts.append(Text("Rest - next set in:", style="bold cyan"))
        parts.append(Text(big(clock_text(snap.remaining_s)), style="bold cyan"))
    if snap.paused:
        parts.append(Text("PAUSED - press P to go on", style="bold yellow"))
    if snap.item is not None and snap.item.cues:
        cues = Table.grid(padding=(0, 1))
        for cue in snap.item.cues[:4]:
            cues.add_row("•", cue)
        parts.append(cues)
    parts.append(ProgressBar(total=1.0, completed=snap.progress, width=50))
    parts.append(Text(f"{snap.progress:.0%} of the session's sets done", style="dim"))
    if snap.next_item is not None:
        parts.append(Text(f"Next: {snap.next_item.name} ({snap.next_item.prescription.summary()})", style="dim"))
    parts.append(Text(KEYS_HELP, style="dim"))
    return Panel(Group(*parts), title="backfit session", border_style="green")
