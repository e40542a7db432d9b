"""Test data: a small exercise catalog and programme template (written as data
files, like the real ones), intakes, and realistic histories of sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from backfit.catalog.loader import DATA_DIR as CATALOG_DIR
from backfit.catalog.loader import Catalog, load_catalog, load_catalog_from
from backfit.plan.intake import Intake, RedFlag
from backfit.plan.rules import DATA_DIR as RULES_DIR
from backfit.plan.rules import ProgrammeRules, default_programme_rules, load_programme_rules
from backfit.services import accounts, checkins, profiles, sessions
from backfit.services.policy import Actor, Role
from backfit.session.engine import SessionEngine, StepPhase, units_of
from backfit.store import repositories as repo
from backfit.store.models import Base, Profile, SetRecord

PROGRAMME_FILE = RULES_DIR / "programme.toml"
START = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)  # a Monday


@dataclass(frozen=True)
class ExerciseSpec:
    id: str
    family: str
    step: int
    kind: str = "strength"
    position: str = "supine"
    sets: int = 2
    reps: int | None = 3
    hold_s: int | None = None
    rest_s: int = 4
    per_side: bool = False
    easier: str | None = None
    harder: str | None = None


EXERCISES = (
    ExerciseSpec(
        "abdominal-drawing-in", "core", 1, kind="activation", sets=1, reps=2, hold_s=2, harder="supine-pelvic-tilt"
    ),
    ExerciseSpec("supine-pelvic-tilt", "core", 2, kind="activation", sets=1, reps=3, easier="abdominal-drawing-in"),
    ExerciseSpec("hip-bridge-low", "bridge", 1, harder="hip-bridge"),
    ExerciseSpec("hip-bridge", "bridge", 2, easier="hip-bridge-low", harder="hip-bridge-hold"),
    ExerciseSpec("hip-bridge-hold", "bridge", 3, kind="hold", reps=None, hold_s=3, easier="hip-bridge"),
    ExerciseSpec(
        "half-kneeling-quad-stretch", "kneeling", 1, kind="stretch", position="half-kneeling",
        sets=1, reps=None, hold_s=3, per_side=True,
    ),
)  # fmt: skip


def exercise_toml(spec: ExerciseSpec) -> str:
    name = spec.id.replace("-", " ").capitalize()
    links = "".join(f'{k} = "{v}"\n' for k, v in (("easier", spec.easier), ("harder", spec.harder)) if v)
    dosage = f"sets = {spec.sets}\nrest_s = {spec.rest_s}\nper_side = {str(spec.per_side).lower()}\n"
    dosage += f"reps = {spec.reps}\n" if spec.reps else ""
    dosage += f"hold_s = {spec.hold_s}\n" if spec.hold_s else ""
    dosage += "tempo = { up_s = 1, pause_s = 1, down_s = 1 }\n"
    return f"""[exercise]
id = "{spec.id}"
name = "{name}"
position = "{spec.position}"
equipment = ["none"]
targets = ["hamstrings"]
kind = "{spec.kind}"
steps = ["Get into position.", "Do the movement."]
source = "A test exercise for backfit's own tests."

[[exercise.cues]]
text = "Keep breathing; keep the pelvis level."

[exercise.dosage]
{dosage}
[exercise.ladder]
family = "{spec.family}"
step = {spec.step}
{links}"""


PROGRAMME_TOML = """
transition_s = 10
min_sets = 1
[weekdays]
1 = ["wed"]
2 = ["mon", "thu"]
3 = ["mon", "wed", "fri"]
[entry.core]
new = "abdominal-drawing-in"
returning = "abdominal-drawing-in"
regular = "supine-pelvic-tilt"
[entry.bridge]
new = "hip-bridge-low"
returning = "hip-bridge-low"
regular = "hip-bridge"
[entry.kneeling]
new = "half-kneeling-quad-stretch"
returning = "half-kneeling-quad-stretch"
regular = "half-kneeling-quad-stretch"
[pain_steps_down]
amber = 1
red = 2
[new_person]
max_sets = 1
[[slots]]
name = "activation"
purpose = "switch on the deep abdominals"
families = ["core"]
[[slots]]
name = "bridge"
purpose = "strengthen the hamstrings"
families = ["bridge"]
[[slots]]
name = "kneeling"
purpose = "stretch the front of the thigh"
families = ["kneeling"]
"""


@dataclass(frozen=True)
class TestData:
    catalog_dir: Path
    programme_file: Path
    catalog: Catalog
    rules: ProgrammeRules


def write_test_data(directory: Path) -> TestData:
    catalog_dir = directory / "catalog"
    catalog_dir.mkdir(parents=True, exist_ok=True)
    for spec in EXERCISES:
        (catalog_dir / f"{spec.id}.toml").write_text(exercise_toml(spec), encoding="utf-8")
    programme_file = directory / "programme.toml"
    programme_file.write_text(PROGRAMME_TOML, encoding="utf-8")
    return TestData(catalog_dir, programme_file, load_catalog_from(catalog_dir), load_programme_rules(programme_file))


def packaged_data() -> TestData:
    """The packaged catalog and programme rules, in the shape the factories take."""
    return TestData(CATALOG_DIR, PROGRAMME_FILE, load_catalog(), default_programme_rules())


def intake(**changes: Any) -> Intake:
    answers: dict[str, Any] = {
        "red_flags": {flag.value: False for flag in RedFlag},
        "experience": "returning",
        "equipment": [],
        "sessions_per_week": 3,
        "minutes_per_session": 30,
        "pain_now": 2,
        "psfs": [{"activity": "bending to tie shoes", "rating": 4}, {"activity": "sitting for an hour", "rating": 6}],
    }
    answers.update(changes)
    return Intake.model_validate(answers)


def intake_json(**changes: Any) -> dict[str, Any]:
    return intake(**changes).model_dump(mode="json")


class FakeClock:
    """Seconds that move only when told."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def engine_units(engine: SessionEngine) -> list[Any]:
    return [u for item in engine.items for u in units_of(item)]


def run_session(
    session: Session,
    data: TestData,
    when: datetime,
    *,
    name: str = profiles.DEFAULT_PROFILE,
    rpe: int = 5,
    pain: int = 1,
    pain_start: int = 2,
    pain_end: int = 2,
    stop_after_sets: int | None = None,
    radiating: bool = False,
) -> int:
    """Do a whole session through the engine (as the CLI does), storing every event
    (``radiating``: the person reports pain spreading below the knee after the first exercise)."""
    performed = sessions.start_session(session, catalog=data.catalog, pain_start=pain_start, now=when, name=name)
    clock = FakeClock()

    def store(event: Any) -> None:
        sessions.record_event(session, performed.id, event, when + timedelta(seconds=clock.t))

    engine = SessionEngine(sessions.engine_items(performed, data.catalog), clock, store)
    while engine.phase is not StepPhase.done:
        snap = engine.tick()
        if snap.phase is StepPhase.ask:
            engine.answer(rpe, pain, radiating_symptoms=radiating)
            radiating = False
        elif stop_after_sets is not None and snap.progress * len(engine_units(engine)) >= stop_after_sets:
            engine.end_early()
        else:
            clock.t += 1
    sessions.finish_session(
        session, performed.id, catalog=data.catalog, pain_end=pain_end, now=when + timedelta(seconds=clock.t)
    )
    return performed.id


def realistic_history(session: Session, data: TestData, weeks: int = 6, name: str = "ana") -> None:
    """A profile with ``weeks`` of thrice-weekly sessions, check-ins, PSFS and one regression."""
    profiles.save_intake(session, intake(), catalog=data.catalog, rules=data.rules, now=START, name=name)
    for week in range(weeks):
        for day in (0, 2, 4):
            when = START + timedelta(weeks=week, days=day, hours=10)
            bad = week == 3 and day == 2
            run_session(session, data, when, name=name, pain=6 if bad else 1, rpe=8 if bad else 5)
            checkins.record_next_morning(
                session, pain=1 if not bad else 4, catalog=data.catalog, now=when + timedelta(hours=20), name=name
            )
        if week % 2 == 1:
            checkins.record_psfs(
                session,
                {"bending to tie shoes": 4 + week // 2, "sitting for an hour": 6 + week // 2},
                now=START + timedelta(weeks=week, days=5),
                name=name,
            )


PELVIS = "Keep your pelvis level from side to side."


def fault(value: float = 7.25, *, text: str = PELVIS, t: float = 3.5) -> dict[str, Any]:
    """A fault as the camera reports it and a set stores it (a pelvic-obliquity check, bound <= 5 degrees)."""
    return {"text": text, "quantity": "pelvic_obliquity_deg", "value": value, "op": "<=", "bound": 5.0, "t": t}


def watched_by_camera(session: Session, faults: list[dict[str, Any]], name: str = "ana") -> SetRecord:
    """Mark the first set of ``name``'s newest session as counted by the camera, which saw ``faults``."""
    profile = repo.require_profile(session, name)
    newest = repo.performed_sessions(session, profile.id, limit=1)[0]
    first = repo.sets_of(session, [newest.id])[0]
    first.source, first.faults = "camera", faults
    session.flush()
    return first


def renumbered(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """A backup's tables with each table's ids replaced by 1, 2, ... in their order and every
    foreign key changed to match: two copies of the same data under other ids compare equal."""
    new_ids: dict[str, dict[Any, int]] = {}
    out: dict[str, list[dict[str, Any]]] = {}
    for table in Base.metadata.sorted_tables:
        if table.name not in tables:
            continue
        rows = tables[table.name]
        new_ids[table.name] = {row["id"]: n for n, row in enumerate(rows, 1)}
        links = [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys]
        out[table.name] = [
            {
                **row,
                "id": new_ids[table.name][row["id"]],
                **{c: None if row[c] is None else new_ids[parent][row[c]] for c, parent in links},
            }
            for row in rows
        ]
    return out


def recorded(session: Session, stored_set: SetRecord, name: str = "ana", reps: int = 1) -> None:
    """Keep a landmark recording (a synthetic side-view bridge) with ``stored_set``, as a camera set has,
    and the first frames of a live set still running on the same session (stored in chunks)."""
    from backfit.pose.synthetic import bridge
    from backfit.services import recording_codec as codec
    from backfit.services import recordings

    exercise = load_catalog().get_or_raise("hip-bridge")
    seq = bridge(reps=reps, hold_s=1.0)
    recordings.save_video_recording(
        session, name, exercise, seq.times, seq.frames, 4 / 3, START, stored_set_id=stored_set.id
    )
    part = codec.from_arrays(seq.times[:30] + 100.0, seq.frames[:30])
    recordings.append_live(
        session,
        stored_set.performed_session_id,
        stored_set.item_index,
        "running",
        exercise_id=exercise.id,
        aspect=4 / 3,
        part=part,
        last_seq=29,
        finished=False,
        now=START,
    )


@dataclass(frozen=True)
class Clinic:
    """Two clinicians (``first`` with clients ``ana`` and ``ben``, ``second`` with ``cleo``),
    an admin, and each client's actor; the accounts are real (services.accounts)."""

    admin: Actor
    first: Actor
    second: Actor
    clients: dict[str, Actor]

    def profile_name(self, session: Session, client: str) -> str:
        profile = session.get(Profile, self.clients[client].profile_id)
        assert profile is not None
        return profile.name


def clinic(session: Session, now: datetime = START) -> Clinic:
    owner = Actor.owner()
    admin = accounts.add_account(session, owner, email="admin@clinic.test", role=Role.ADMIN, now=now)
    made = {}
    for email, name in (("first@clinic.test", "Dr First"), ("second@clinic.test", "Dr Second")):
        made[email] = Actor.of(
            accounts.add_account(session, owner, email=email, role=Role.CLINICIAN, display_name=name, now=now)
        )
    clients = {}
    for client, clinician in (
        ("ana", "first@clinic.test"),
        ("ben", "first@clinic.test"),
        ("cleo", "second@clinic.test"),
    ):
        account = accounts.add_account(
            session, made[clinician], email=f"{client}@clinic.test", role=Role.CLIENT, display_name=client, now=now
        )
        clients[client] = Actor.of(account)
    return Clinic(Actor.of(admin), made["first@clinic.test"], made["second@clinic.test"], clients)
