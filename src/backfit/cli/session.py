"""`backfit session`: a guided session in the terminal, stored set by set, resumable."""

from __future__ import annotations

import shutil
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, TypeVar

import typer
from pydantic import BaseModel, ConfigDict, Field
from rich.live import Live
from rich.prompt import Confirm, IntPrompt, Prompt

from backfit.catalog.loader import Catalog
from backfit.cli.app import ExitCode, app, console, fail
from backfit.cli.common import ON_HELP, PROFILE_HELP, Services, clock_offset, services
from backfit.cli.keys import Keys
from backfit.cli.session_view import render
from backfit.plan.rules import default_progression_rules
from backfit.services import coaching, files, profiles, sessions
from backfit.services.policy import Actor
from backfit.services.runtime import utc_now
from backfit.services.wording import decision_words
from backfit.session.engine import Event, ExerciseAnswered, FinishedSet, SessionEngine, Snapshot, StepPhase
from backfit.session.keys import action_for
from backfit.store.models import PerformedSession, ProgressionDecision


class ScriptAnswer(BaseModel):
    """The answers after one exercise."""

    model_config = ConfigDict(extra="forbid")
    rpe: int = Field(ge=0, le=10, description="Effort, 0 (rest) to 10 (maximal).")
    pain: int = Field(ge=0, le=10, description="Pain during the exercise, 0-10.")
    radiating: bool = Field(
        default=False, description="Pain spreading below the knee, numbness or tingling (pauses the programme)."
    )


class SessionScript(BaseModel):
    """Answers for a non-interactive session (tests, demos, a session done away from the app)."""

    model_config = ConfigDict(extra="forbid")
    pain_start: int = Field(default=0, ge=0, le=10, description="Low-back pain before the session, 0-10.")
    intensity: Literal["normal", "lighter", "rest"] | None = Field(
        default=None,
        description="With pain_start above 5: 'lighter' (one set, easier steps), 'normal', or 'rest' (no session).",
    )
    pain_end: int | None = Field(default=None, ge=0, le=10, description="Low-back pain at the end, 0-10.")
    answers: list[ScriptAnswer] = Field(
        default=[ScriptAnswer(rpe=5, pain=1)],
        min_length=1,
        description="The answers after each exercise, in order; the last one repeats for the rest.",
    )
    skip: list[int] = Field(default=[], description="Exercise numbers (1-based) to skip.")
    half_sides: list[int] = Field(
        default=[], description="Exercise numbers (1-based) left after the left side of their first per-side set."
    )
    end_after_sets: int | None = Field(
        default=None, ge=0, description="End the session early after this many stored sets (one per side)."
    )


class Speaker:
    """Speaks cues with espeak-ng when asked to and installed."""

    def __init__(self, wanted: bool) -> None:
        self.program = shutil.which("espeak-ng") if wanted else None
        if wanted and self.program is None:
            console.print("[yellow]--speak: espeak-ng is not installed (not on PATH); going on without speech.[/]")
        self._last = ""
        self.muted = False

    def say(self, text: str) -> None:
        if self.program and not self.muted and text != self._last:
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


def _print_decisions(decisions: list[ProgressionDecision], catalog: Catalog) -> None:
    if not decisions:
        return
    console.print("[bold]Next time:[/]")
    for d in decisions:
        said = decision_words(d.before["exercise_id"], d.action, d.change, catalog)
        console.print(f"  {said} {' '.join(d.reasons)}", highlight=False)


class Driver:
    """Runs the engine against the real clock (scaled by ``speed``), from keys or a script."""

    def __init__(
        self,
        svc: Services,
        performed_id: int,
        script: SessionScript | None,
        speed: float,
        speak: bool,
        offset: timedelta = timedelta(),
    ):
        self.svc, self.performed_id, self.script, self.speed = svc, performed_id, script, speed
        self.offset = offset
        self.speaker = Speaker(speak)
        self.sets_done = 0
        self.answers_given = 0
        self._origin = time.monotonic()
        self._wall = utc_now()

    def clock(self) -> float:
        return (time.monotonic() - self._origin) * self.speed

    def now(self) -> datetime:
        """The wall clock, moved to the day given with ``--on``."""
        return utc_now() + self.offset

    def store(self, event: Event) -> None:
        with self.svc.db.unit_of_work() as session:
            sessions.record_event(session, self.performed_id, event, self.now(), source="manual")
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
        elif (
            snap.item is not None and snap.item.index + 1 in self.script.skip and snap.phase is not StepPhase.ask
        ) or (
            snap.item is not None
            and snap.item.index + 1 in self.script.half_sides
            and snap.set_key is not None
            and snap.set_key.side == "right"
        ):
            engine.skip_exercise()

    def key_commands(self, engine: SessionEngine, key: str | None, snap: Snapshot) -> None:
        """Do what ``key`` means in the session key map (the web player's too)."""
        action = action_for(key, "cli") if key else None
        if action == "pause":
            engine.resume() if snap.paused else engine.pause()
        elif action == "done":
            engine.skip_rest() if snap.phase is StepPhase.rest else engine.finish_set()
        elif action == "skip_rest" and snap.phase is StepPhase.rest:
            engine.skip_rest()
        elif action == "skip_exercise":
            engine.skip_exercise()
        elif action == "end":
            engine.end_early()
        elif action == "mute":
            self.speaker.muted = not self.speaker.muted

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
    on: str | None = typer.Option(None, "--on", help=ON_HELP),
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
        offset = clock_offset(on)
        if open_one is None:
            pain_start = plan.pain_start if plan else _ask_int("Low-back pain now, 0 (none) to 10 (worst)")
            intensity = plan.intensity if plan else None
            if plan is None and pain_start > default_progression_rules().pain.amber_max:
                console.print(sessions.pain_before_question(pain_start))
                intensity = Prompt.ask(
                    "A lighter session, the normal one, or rest today?",
                    choices=["lighter", "normal", "rest"],
                    default="lighter",
                    console=console,
                )  # type: ignore[assignment]
            if intensity == "rest":
                console.print("Rest today, then. Rate your pain with `backfit checkin --pain N` when you like.")
                return
            with svc.db.unit_of_work() as db_session:
                try:
                    open_one = sessions.start_session(
                        db_session,
                        catalog=svc.catalog,
                        pain_start=pain_start,
                        now=utc_now() + offset,
                        name=profile,
                        intensity=intensity,
                    )
                except profiles.NoProgramme as exc:
                    fail(str(exc), ExitCode.blocked)
                except sessions.PainBeforeSession as exc:
                    fail(f"{exc} Say which in the script: \"intensity\": \"lighter\", \"normal\" or \"rest\".",
                         ExitCode.invalid_input)  # fmt: skip
        with svc.db.unit_of_work() as db_session:
            done, answered = sessions.progress_so_far(db_session, open_one.id)
        if resume:
            console.print(f"Resuming the session of {open_one.started_at:%Y-%m-%d %H:%M}: {len(done)} set(s) done.")
        driver = Driver(svc, open_one.id, plan, 1000.0 if fast else speed, speak, offset)
        items = sessions.engine_items(open_one, svc.catalog)
        lead_in = 0.0 if resume else 5.0
        engine = SessionEngine(items, driver.clock, driver.store, done=done, answered=answered, lead_in_s=lead_in)
        driver.run(engine)
        pain_end: int | None
        pain_end = plan.pain_end if plan is not None else _ask_int("Low-back pain now, at the end, 0 to 10")
        with svc.db.unit_of_work() as db_session:
            finished = sessions.finish_session(
                db_session, open_one.id, catalog=svc.catalog, pain_end=pain_end, now=driver.now()
            )
            performed = db_session.get(PerformedSession, open_one.id)
            assert performed is not None
            done_sets, planned_sets = sessions.set_counts(db_session, performed)
            paused = coaching.active_pause(db_session, performed.profile_id)
        console.print(
            f"Session {finished.status.replace('_', ' ')}: {done_sets} of {planned_sets} set(s) done in full "
            f"({driver.sets_done} stored in this run, one per side)."
        )
        if paused is not None:
            console.print(f"[bold red]{paused.reason}[/] Then run `backfit clinician-advised`.")
        _print_decisions(finished.decisions, svc.catalog)
        console.print("[dim]Tomorrow morning, rate your pain: `backfit checkin --morning N`.[/]")


@app.command("clinician-advised")
def clinician_advised(
    profile: str = typer.Option(profiles.DEFAULT_PROFILE, "--profile", help=PROFILE_HELP),
    yes: bool = typer.Option(False, "--yes", help="Confirm without the question (scripts)."),
) -> None:
    """Confirm that a doctor or physiotherapist has advised you (after radiating symptoms, or when every
    exercise of a session has stopped); the programme goes on."""
    with services() as svc, svc.db.unit_of_work() as db_session:
        try:
            pause = coaching.pause_of(db_session, profile)
        except profiles.NotFound as exc:
            fail(str(exc), ExitCode.not_found)
        if pause is not None:
            console.print(f"Paused since {pause.paused_at:%Y-%m-%d}: {pause.reason}")
        if not yes and not Confirm.ask("Has a doctor or physiotherapist advised you to go on?", console=console):
            fail("not confirmed: nothing changed", ExitCode.blocked)
        try:
            said = coaching.confirm_clinician_advice(db_session, Actor.owner(), now=utc_now(), name=profile)
        except profiles.NotFound as exc:
            console.print(f"Nothing to confirm: {exc}.")
            return
        console.print(f"{said} Follow their advice; stop if the symptoms come back.")
