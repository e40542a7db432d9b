"""`backfit session`: a guided session in the terminal, stored set by set, resumable."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import TypeVar

import typer
from pydantic import BaseModel, ConfigDict, Field
from rich.live import Live
from rich.prompt import Confirm, IntPrompt

from backfit.cli.app import ExitCode, app, console, fail
from backfit.cli.common import PROFILE_HELP, Services, services
from backfit.cli.keys import Keys
from backfit.cli.session_view import render
from backfit.services import files, profiles, sessions
from backfit.services.runtime import utc_now
from backfit.session.engine import Event, ExerciseAnswered, FinishedSet, SessionEngine, Snapshot, StepPhase
from backfit.store.models import ProgressionDecision


class ScriptAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rpe: int = Field(ge=0, le=10)
    pain: int = Field(ge=0, le=10)
    radiating: bool = False


class SessionScript(BaseModel):
    """Answers for a non-interactive session (tests, demos)."""

    model_config = ConfigDict(extra="forbid")
    pain_start: int = Field(default=0, ge=0, le=10)
    pain_end: int | None = Field(default=None, ge=0, le=10)
    answers: list[ScriptAnswer] = Field(default=[ScriptAnswer(rpe=5, pain=1)], min_length=1)
    skip: list[int] = Field(default=[], description="Exercise numbers (1-based) to skip.")
    end_after_sets: int | None = Field(default=None, ge=0, description="End the session early after this many sets.")


class Speaker:
    """Speaks cues with espeak-ng when asked to and installed."""

    def __init__(self, wanted: bool) -> None:
        self.program = shutil.which("espeak-ng") if wanted else None
        if wanted and self.program is None:
            console.print("[yellow]--speak: espeak-ng is not installed (not on PATH); going on without speech.[/]")
        self._last = ""

    def say(self, text: str) -> None:
        if self.program and text != self._last:
            self._last = text
            subprocess.Popen([self.program, text], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


M = TypeVar("M", bound=BaseModel)


def read_model(path: Path, model: type[M]) -> M:
    try:
        return files.read_model(path, model)
    except files.MissingFile as exc:
        fail(str(exc), ExitCode.not_found)
    except files.InputError as exc:
        fail(str(exc), ExitCode.invalid_input)


def _ask_int(question: str, low: int = 0, high: int = 10) -> int:
    while True:
        value = IntPrompt.ask(question, console=console)
        if low <= value <= high:
            return value
        console.print(f"Please answer {low}-{high}.")


def _print_decisions(decisions: list[ProgressionDecision]) -> None:
    if not decisions:
        return
    console.print("[bold]Next time:[/]")
    for d in decisions:
        what = d.change or "same dose"
        console.print(f"  {d.after['exercise_id']}: {d.action} ({what}). {' '.join(d.reasons)}")


class Driver:
    """Runs the engine against the real clock (scaled by ``speed``), from keys or a script."""

    def __init__(self, svc: Services, performed_id: int, script: SessionScript | None, speed: float, speak: bool):
        self.svc, self.performed_id, self.script, self.speed = svc, performed_id, script, speed
        self.speaker = Speaker(speak)
        self.sets_done = 0
        self.answers_given = 0
        self._origin = time.monotonic()
        self._wall = utc_now()

    def clock(self) -> float:
        return (time.monotonic() - self._origin) * self.speed

    def store(self, event: Event) -> None:
        with self.svc.db.unit_of_work() as session:
            sessions.record_event(session, self.performed_id, event, utc_now(), source="manual")
        if isinstance(event, FinishedSet):
            self.sets_done += 1
            if self.script is not None:
                what = f"{event.reps} reps" if event.reps is not None else f"{event.hold_s:g} s held"
                console.print(f"set stored: {event.exercise_id} set {event.key.set_index + 1} {event.key.side}: {what}")
        elif isinstance(event, ExerciseAnswered) and self.script is not None:
            console.print(f"answers stored: {event.exercise_id} skipped={event.skipped}")

    def answer(self, engine: SessionEngine, snap: Snapshot) -> None:
        assert snap.item is not None
        if self.script is not None:
            given = self.script.answers[min(self.answers_given, len(self.script.answers) - 1)]
            rpe, pain, radiating = given.rpe, given.pain, given.radiating
        else:
            console.print(f"[bold]{snap.item.name}[/] done.")
            rpe = _ask_int("Effort, 0 (rest) to 10 (maximal)")
            pain = _ask_int("Pain during it, 0 (none) to 10 (worst)")
            radiating = Confirm.ask("Any pain spreading below the knee, numbness or tingling?", console=console)
        self.answers_given += 1
        if radiating:
            console.print(
                "[bold red]Stop here: pain spreading below the knee, numbness or tingling needs a doctor's "
                "or physiotherapist's advice before you go on.[/]"
            )
        engine.answer(rpe, pain, radiating)

    def scripted_commands(self, engine: SessionEngine, snap: Snapshot) -> None:
        assert self.script is not None
        if self.script.end_after_sets is not None and self.sets_done >= self.script.end_after_sets:
            engine.end_early()
        elif snap.item is not None and snap.item.index + 1 in self.script.skip and snap.phase is not StepPhase.ask:
            engine.skip_exercise()

    def key_commands(self, engine: SessionEngine, key: str | None, snap: Snapshot) -> None:
        if key == " ":
            engine.resume() if snap.paused else engine.pause()
        elif key in ("\n", "\r"):
            engine.skip_rest() if snap.phase is StepPhase.rest else engine.finish_set()
        elif key == "s":
            engine.skip_exercise()
        elif key == "q":
            engine.end_early()

    def run(self, engine: SessionEngine) -> None:
        step = 0.05 if self.speed <= 50 else 0.002
        keys = Keys()
        total = len(engine.items)
        with keys.raw(), Live(console=console, auto_refresh=False, transient=True) as live:
            while engine.phase is not StepPhase.done:
                snap = engine.tick()
                if snap.phase is StepPhase.ask:
                    live.stop()
                    with keys.cooked():
                        self.answer(engine, snap)
                    live.start()
                    continue
                if self.script is not None:
                    self.scripted_commands(engine, snap)
                else:
                    self.key_commands(engine, keys.read(), snap)
                    live.update(render(engine.snapshot(), total), refresh=True)
                if snap.item is not None and snap.phase is StepPhase.work:
                    self.speaker.say(f"{snap.item.name}. {snap.item.cues[0] if snap.item.cues else ''}")
                time.sleep(step)


@app.command()
def session(
    profile: str = typer.Option(profiles.DEFAULT_PROFILE, "--profile", help=PROFILE_HELP),
    resume: bool = typer.Option(False, "--resume", help="Continue the unfinished session from its next set."),
    script: Path | None = typer.Option(None, "--script", help="Answers as JSON, for a non-interactive run."),
    speed: float = typer.Option(1.0, "--speed", min=0.1, help="Run the clock this many times faster (tests, demos)."),
    fast: bool = typer.Option(False, "--fast", help="Countdowns take no real time (same as --speed 1000)."),
    speak: bool = typer.Option(False, "--speak", help="Speak the cues with espeak-ng (if installed)."),
) -> None:
    """A guided session: cues, countdowns for holds and rests, effort and pain after each exercise."""
    plan = read_model(script, SessionScript) if script else None
    with services() as svc:
        with svc.db.unit_of_work() as db_session:
            open_one = sessions.open_session(db_session, profile)
        if open_one is not None and not resume:
            fail(
                f"there is an unfinished session from {open_one.started_at:%Y-%m-%d %H:%M}: "
                "continue it with `backfit session --resume`",
                ExitCode.usage,
            )
        if open_one is None and resume:
            fail("no unfinished session to resume", ExitCode.not_found)
        if open_one is None:
            pain_start = plan.pain_start if plan else _ask_int("Low-back pain now, 0 (none) to 10 (worst)")
            with svc.db.unit_of_work() as db_session:
                try:
                    open_one = sessions.start_session(
                        db_session, catalog=svc.catalog, pain_start=pain_start, now=utc_now(), name=profile
                    )
                except profiles.NoProgramme as exc:
                    fail(str(exc), ExitCode.blocked)
        with svc.db.unit_of_work() as db_session:
            done, answered = sessions.progress_so_far(db_session, open_one.id)
        if resume:
            console.print(f"Resuming the session of {open_one.started_at:%Y-%m-%d %H:%M}: {len(done)} set(s) done.")
        driver = Driver(svc, open_one.id, plan, 1000.0 if fast else speed, speak)
        items = sessions.engine_items(open_one, svc.catalog)
        lead_in = 0.0 if resume else 5.0
        engine = SessionEngine(items, driver.clock, driver.store, done=done, answered=answered, lead_in_s=lead_in)
        driver.run(engine)
        pain_end: int | None
        pain_end = plan.pain_end if plan is not None else _ask_int("Low-back pain now, at the end, 0 to 10")
        with svc.db.unit_of_work() as db_session:
            finished = sessions.finish_session(
                db_session, open_one.id, catalog=svc.catalog, pain_end=pain_end, now=utc_now()
            )
        console.print(f"Session {finished.status.replace('_', ' ')}: {driver.sets_done} set(s) stored in this run.")
        _print_decisions(finished.decisions)
        console.print("[dim]Tomorrow morning, rate your pain: `backfit checkin --morning N`.[/]")
