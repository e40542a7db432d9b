"""The clinician's client list: adherence, pain trend, PSFS change and the flags that need
attention, for every client the actor looks after at once (a few grouped queries, however
many clients; never one query per client), and the same numbers as a CSV.

One definition of each figure (the page and the CSV share :func:`client_rows`):
- adherence over N days: sessions finished (completed or ended early) that started in the N
  days before today or today, against sessions scheduled on those days (today's counts once a
  session is done today: until then it is not missed);
- pain trend: mean of every pain rating of the last 14 days (today included) against the 14
  before them; "better"/"worse" when it moved by 1 point or more (the smallest change
  reported as a change), else "steady";
- PSFS change: the mean of each activity's latest rating minus the mean of its first;
- flags (the window is the last 14 days, today included): red flags awaiting clearance, a
  red pain response (the coach's red: :func:`backfit.plan.progression.session_pain_zone`),
  a radiating-symptom pause, the last two scheduled sessions before today both missed,
  one camera fault seen in 3 or more camera sets, and new intake answers after the
  clinician's changes to the programme (answers rebuild it: an exercise the clinician added
  or swapped in is not kept; doses and holds carry over where the exercise stays).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import BindParameter, Executable, ScalarSelect, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from backfit.plan.model import ExerciseLog, Prescription
from backfit.plan.progression import session_pain_zone
from backfit.plan.rules import default_progression_rules
from backfit.services import policy
from backfit.services.exports import spreadsheet_text
from backfit.services.faults import stored_faults
from backfit.services.policy import Actor, Role
from backfit.services.prescribing import PROGRAMME_CHANGES
from backfit.store.models import (
    Account,
    CheckIn,
    ClinicianChange,
    ExerciseResult,
    IntakeRecord,
    PendingProgression,
    PerformedSession,
    ProgrammePause,
    PsfsRating,
    ScheduledSession,
    SetRecord,
)

RECENT_DAYS = 14
"""The window of the adherence figure, the pain trend's halves and the flags."""
LONG_DAYS = 28
"""The second adherence window (the CSV's 28 days)."""
PAIN_CHANGE = 1.0
"""Points of mean pain (0-10) that count as better or worse."""
REPEATED_FAULT_SETS = 3
"""Camera sets of the last 14 days with the same fault that make it a flag."""
MISSED_IN_A_ROW = 2
ANY_EXERCISE = Prescription("any", 1, 1, None, 0)
"""The pain zone reads only the pains of a log: the exercise does not matter to it."""


@dataclass(frozen=True)
class Adherence:
    done: int
    scheduled: int

    def words(self) -> str:
        if self.scheduled == 0:
            return f"{self.done} done, none scheduled"
        return f"{self.done} of {self.scheduled} ({round(100 * self.done / self.scheduled)}%)"


@dataclass(frozen=True)
class PainTrend:
    """Mean pain (0-10) of the last 14 days and of the 14 before (None: no rating)."""

    recent: float | None
    before: float | None

    @property
    def direction(self) -> str:
        if self.recent is None:
            return "no ratings"
        if self.before is None:
            return "new"
        change = self.recent - self.before
        return "better" if change <= -PAIN_CHANGE else "worse" if change >= PAIN_CHANGE else "steady"

    def words(self) -> str:
        if self.recent is None:
            return "no pain ratings in the last 14 days"
        if self.before is None:
            return f"mean {self.recent:.1f}/10 (nothing to compare with)"
        return f"{self.direction}: mean {self.before:.1f} -> {self.recent:.1f}/10"


@dataclass(frozen=True)
class Flag:
    kind: str  # red_flags, red_pain, radiating, missed, camera_fault, rebuilt
    words: str


@dataclass
class ClientRow:
    """One client of the list (``profile_id`` None: invited, no intake yet)."""

    account_id: int
    name: str
    email: str
    profile_id: int | None
    password_set: bool = True
    recent: Adherence = Adherence(0, 0)
    long: Adherence = Adherence(0, 0)
    last_session: date | None = None
    pain: PainTrend = PainTrend(None, None)
    psfs_change: float | None = None
    pending: int = 0
    flags: list[Flag] = field(default_factory=list)

    def psfs_words(self) -> str:
        if self.psfs_change is None:
            return "not rated twice yet"
        return f"{self.psfs_change:+.1f} points since the first rating"


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def require_client_list(actor: Actor) -> None:
    """Raise Forbidden unless ``actor`` has a client list (clinicians: their own clients)."""
    policy.require(actor, policy.Action.READ)
    if actor.role is not Role.CLINICIAN:
        raise policy.Forbidden("the client list is a clinician's page: sign in as a clinician")


def client_rows(session: Session, actor: Actor, *, today: date) -> list[ClientRow]:
    """Every client ``actor`` looks after with their figures and flags, flagged first (then by
    name). Raises Forbidden for an actor whose role reads no clinical data (admin)."""
    require_client_list(actor)
    accounts = session.scalars(policy.readable_clients(actor).order_by(Account.display_name, Account.id)).all()
    rows = {
        a.id: ClientRow(a.id, a.display_name, a.email, a.profile_id, password_set=a.password_hash is not None)
        for a in accounts
    }
    by_profile = {r.profile_id: r for r in rows.values() if r.profile_id is not None}
    if by_profile:
        session.flush()  # the figures are read past the ORM (below): what this session changed goes first
        ids = list(by_profile)
        _adherence(session, ids, by_profile, today)
        _pain(session, ids, by_profile, today)
        _psfs(session, ids, by_profile)
        _safety_flags(session, ids, by_profile)
        _red_pain(session, ids, by_profile, today)
        _camera_faults(session, ids, by_profile, today)
        _rebuilt(session, ids, by_profile, today)
        for profile_id, count in _rows(session, PENDING, ids=ids):
            by_profile[profile_id].pending = count
    return sorted(rows.values(), key=lambda r: (not r.flags, r.name.lower(), r.account_id))


# The list's statements are built once, with parameters (``ids``: the clients' profile ids), and
# run on the session's connection: a clinician's list is read often, and building and loading each
# statement through the ORM cost twice the time of the database's work for it.
IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)


def _rows(session: Session, statement: Executable, **params: object) -> list[tuple[Any, ...]]:
    return cast("list[tuple[Any, ...]]", session.connection().execute(statement, params).all())


SCHEDULED = select(ScheduledSession.profile_id, ScheduledSession.id, ScheduledSession.scheduled_on).where(
    ScheduledSession.profile_id.in_(IDS),
    ScheduledSession.scheduled_on >= bindparam("since"),
    ScheduledSession.scheduled_on <= bindparam("today"),
)
FINISHED = select(
    PerformedSession.profile_id, PerformedSession.scheduled_session_id, PerformedSession.started_at
).where(
    PerformedSession.profile_id.in_(IDS),
    PerformedSession.status != "in_progress",
    PerformedSession.started_at >= bindparam("since"),
)
LAST_FINISHED = (
    select(PerformedSession.profile_id, func.max(PerformedSession.started_at))
    .where(PerformedSession.profile_id.in_(IDS), PerformedSession.status != "in_progress")
    .group_by(PerformedSession.profile_id)
)


def _adherence(session: Session, ids: list[int], rows: dict[int, ClientRow], today: date) -> None:
    long_start = today - timedelta(days=LONG_DAYS)
    recent_start = today - timedelta(days=RECENT_DAYS)
    scheduled: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for profile_id, scheduled_id, day in _rows(session, SCHEDULED, ids=ids, since=long_start, today=today):
        scheduled[profile_id].append((scheduled_id, day))
    done_days: dict[int, list[date]] = defaultdict(list)
    linked: set[int] = set()
    recent_rows = _rows(session, FINISHED, ids=ids, since=_start_of(long_start))
    for profile_id, link, started in recent_rows:
        done_days[profile_id].append(started.date())
        if link is not None:
            linked.add(link)
    for profile_id, planned in scheduled.items():  # today's session is scheduled work once done, not before
        if today not in done_days.get(profile_id, []):
            scheduled[profile_id] = [(sid, day) for sid, day in planned if day < today]
    latest: dict[int, datetime] = {}
    for profile_id, _, started in recent_rows:
        if profile_id not in latest or started > latest[profile_id]:
            latest[profile_id] = started
    older = [p for p in ids if p not in latest]
    if older:  # no session in the window: look further back (one grouped query)
        for profile_id, last in _rows(session, LAST_FINISHED, ids=older):
            if last is not None:
                latest[profile_id] = last
    for profile_id, last in latest.items():
        rows[profile_id].last_session = last.date()
    for profile_id, row in rows.items():
        planned = scheduled.get(profile_id, [])
        done = done_days.get(profile_id, [])
        row.long = Adherence(len(done), len(planned))
        row.recent = Adherence(sum(d >= recent_start for d in done), sum(d >= recent_start for _, d in planned))
        last_two = sorted(planned, key=lambda p: p[1])[-MISSED_IN_A_ROW:]
        if len(last_two) == MISSED_IN_A_ROW and not any(sid in linked for sid, _ in last_two):
            days = " and ".join(f"{d:%a %d %b}" for _, d in last_two)
            row.flags.append(Flag("missed", f"missed the last {MISSED_IN_A_ROW} scheduled sessions ({days})"))


_RECENT_CHECKIN = CheckIn.recorded_at >= bindparam("recent_start")
PAIN_MEANS = (
    select(
        CheckIn.profile_id,
        func.avg(case((_RECENT_CHECKIN, CheckIn.pain))),
        func.avg(case((_RECENT_CHECKIN, None), else_=CheckIn.pain)),
    )
    .where(CheckIn.profile_id.in_(IDS), CheckIn.recorded_at >= bindparam("before_start"))
    .group_by(CheckIn.profile_id)
)


def _pain(session: Session, ids: list[int], rows: dict[int, ClientRow], today: date) -> None:
    recent_start = _start_of(today - timedelta(days=RECENT_DAYS - 1))
    before_start = recent_start - timedelta(days=RECENT_DAYS)
    for profile_id, recent_mean, before_mean in _rows(
        session, PAIN_MEANS, ids=ids, recent_start=recent_start, before_start=before_start
    ):
        rows[profile_id].pain = PainTrend(
            None if recent_mean is None else float(recent_mean), None if before_mean is None else float(before_mean)
        )


_PSFS_GROUP = (PsfsRating.profile_id, PsfsRating.activity)
_PSFS_RANKED = (
    select(
        PsfsRating.profile_id,
        PsfsRating.activity,
        PsfsRating.rating,
        func.row_number().over(partition_by=_PSFS_GROUP, order_by=(PsfsRating.rated_at, PsfsRating.id)).label("nth"),
        func.row_number()
        .over(partition_by=_PSFS_GROUP, order_by=(PsfsRating.rated_at.desc(), PsfsRating.id.desc()))
        .label("nth_last"),
    )
    .where(PsfsRating.profile_id.in_(IDS))
    .subquery()
)
PSFS_ENDS = select(
    _PSFS_RANKED.c.profile_id, _PSFS_RANKED.c.activity, _PSFS_RANKED.c.rating, _PSFS_RANKED.c.nth,
    _PSFS_RANKED.c.nth_last,
).where(or_(_PSFS_RANKED.c.nth == 1, _PSFS_RANKED.c.nth_last == 1))  # fmt: skip
"""Each activity's first and latest rating only (the database ranks them)."""


def _psfs(session: Session, ids: list[int], rows: dict[int, ClientRow]) -> None:
    """Each activity's first and latest rating (by time, then id), compared as means."""
    ends: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for profile_id, activity, rating, nth, nth_last in _rows(session, PSFS_ENDS, ids=ids):
        if nth == 1 and nth_last > 1:  # rated more than once: its first rating
            ends[profile_id][activity]["first"] = rating
        if nth_last == 1 and nth > 1:
            ends[profile_id][activity]["latest"] = rating
    for profile_id, activities in ends.items():
        rated_twice = [r for r in activities.values() if len(r) == 2]
        if rated_twice:
            first = sum(r["first"] for r in rated_twice) / len(rated_twice)
            latest = sum(r["latest"] for r in rated_twice) / len(rated_twice)
            rows[profile_id].psfs_change = latest - first


LATEST_INTAKES = select(IntakeRecord.profile_id, IntakeRecord.red_flags, IntakeRecord.clearance_confirmed).where(
    IntakeRecord.id.in_(
        select(func.max(IntakeRecord.id)).where(IntakeRecord.profile_id.in_(IDS)).group_by(IntakeRecord.profile_id)
    )
)
OPEN_PAUSES = (
    select(ProgrammePause.profile_id, func.min(ProgrammePause.paused_at))
    .where(ProgrammePause.profile_id.in_(IDS), ProgrammePause.cleared_at.is_(None))
    .group_by(ProgrammePause.profile_id)
)


def _safety_flags(session: Session, ids: list[int], rows: dict[int, ClientRow]) -> None:
    for profile_id, red_flags, confirmed in _rows(session, LATEST_INTAKES, ids=ids):
        if red_flags and not confirmed:
            words = ", ".join(str(f).replace("_", " ") for f in red_flags)
            rows[profile_id].flags.insert(0, Flag("red_flags", f"red flags awaiting your clearance: {words}"))
    for profile_id, paused_at in _rows(session, OPEN_PAUSES, ids=ids):
        rows[profile_id].flags.append(
            Flag("radiating", f"radiating symptoms: programme paused since {paused_at:%d %b}, awaiting your clearance")
        )


def _pain_at(moment: str) -> ScalarSelect[int]:
    """A session's latest check-in of ``moment`` (in a query over performed sessions)."""
    return (
        select(CheckIn.pain)
        .where(CheckIn.performed_session_id == PerformedSession.id, CheckIn.moment == moment)
        .order_by(CheckIn.id.desc())
        .limit(1)
        .scalar_subquery()
    )


_RECENT_SESSIONS = and_(PerformedSession.profile_id.in_(IDS), PerformedSession.started_at >= bindparam("since"))
SESSION_PAINS = (
    select(
        PerformedSession.profile_id,
        PerformedSession.started_at,
        func.max(ExerciseResult.pain_during),
        _pain_at("session_start"),
        _pain_at("next_morning"),
    )
    .join(PerformedSession, PerformedSession.id == ExerciseResult.performed_session_id)
    .where(_RECENT_SESSIONS, ExerciseResult.skipped.is_(False), ExerciseResult.pain_during.is_not(None))
    .group_by(PerformedSession.profile_id, PerformedSession.id, PerformedSession.started_at)
)
"""Each recent session's worst pain during an exercise, with its pain before and next morning."""


def _red_pain(session: Session, ids: list[int], rows: dict[int, ClientRow], today: date) -> None:
    """Red pain as the coach judges it: each answered exercise with the session's pain before
    and next morning (:func:`session_pain_zone`), over sessions of the last 14 days."""
    rules = default_progression_rules()
    since = _start_of(today - timedelta(days=RECENT_DAYS - 1))
    worst: dict[int, tuple[date, str]] = {}
    for profile_id, started, during, before, next_morning in _rows(session, SESSION_PAINS, ids=ids, since=since):
        log = ExerciseLog(  # the session's worst exercise: the zone grows with the pain during
            day=started.date(),
            prescription=ANY_EXERCISE,
            sets=(),
            rpe=0,
            pain_during=during or 0,
            pain_before=before,
            pain_next_morning=next_morning,
        )
        zone, why = session_pain_zone(log, rules)
        if zone == "red" and (profile_id not in worst or started.date() > worst[profile_id][0]):
            worst[profile_id] = (started.date(), why)
    for profile_id, (day, why) in worst.items():
        rows[profile_id].flags.append(Flag("red_pain", f"red pain response on {day:%a %d %b}: {why}"))


FAULTY_CAMERA_SETS = (
    select(PerformedSession.profile_id, SetRecord.faults)
    .join(PerformedSession, PerformedSession.id == SetRecord.performed_session_id)
    .where(
        _RECENT_SESSIONS,
        SetRecord.source == "camera",
        func.json_array_length(SetRecord.faults) > 0,  # sets with a fault (a clean set stores [])
    )
)


def _camera_faults(session: Session, ids: list[int], rows: dict[int, ClientRow], today: date) -> None:
    since = _start_of(today - timedelta(days=RECENT_DAYS - 1))
    sets_with: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for profile_id, faults in _rows(session, FAULTY_CAMERA_SETS, ids=ids, since=since):
        for text in {f.text for f in stored_faults(faults)}:
            sets_with[profile_id][text] += 1
    for profile_id, counts in sets_with.items():
        repeated = sorted((n, text) for text, n in counts.items() if n >= REPEATED_FAULT_SETS)
        if repeated:
            n, text = repeated[-1]
            rows[profile_id].flags.append(Flag("camera_fault", f"camera saw the same fault in {n} sets: {text}"))


ANSWERED_AFTER_CHANGES = (
    select(
        IntakeRecord.profile_id,
        func.max(IntakeRecord.created_at),
        select(func.max(ClinicianChange.made_at))
        .where(ClinicianChange.profile_id == IntakeRecord.profile_id, ClinicianChange.kind.in_(PROGRAMME_CHANGES))
        .scalar_subquery(),
    )
    .where(IntakeRecord.profile_id.in_(IDS), IntakeRecord.created_at >= bindparam("since"))
    .group_by(IntakeRecord.profile_id)
)


def _rebuilt(session: Session, ids: list[int], rows: dict[int, ClientRow], today: date) -> None:
    since = _start_of(today - timedelta(days=RECENT_DAYS - 1))
    for profile_id, answered, changed in _rows(session, ANSWERED_AFTER_CHANGES, ids=ids, since=since):
        if changed is not None and answered > changed:
            rows[profile_id].flags.append(
                Flag(
                    "rebuilt",
                    f"answered the intake again on {answered:%a %d %b}, after your changes: the programme was "
                    "rebuilt from the answers (exercises you added or swapped in are gone; doses and holds "
                    "stayed where the exercise did): check it",
                )
            )


PENDING = (
    select(PendingProgression.profile_id, func.count())
    .where(PendingProgression.profile_id.in_(IDS), PendingProgression.outcome.is_(None))
    .group_by(PendingProgression.profile_id)
)


CSV_COLUMNS = (
    "name",
    "email",
    "scheduled_14d",
    "done_14d",
    "scheduled_28d",
    "done_28d",
    "last_session",
    "pain_trend",
    "pain_mean_14d",
    "pain_mean_previous_14d",
    "psfs_change",
    "flags",
)


def adherence_csv(rows: Iterable[ClientRow]) -> str:
    """The client list as CSV (one row per client, :data:`CSV_COLUMNS`), the page's very numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                spreadsheet_text(r.name),
                spreadsheet_text(r.email),
                r.recent.scheduled,
                r.recent.done,
                r.long.scheduled,
                r.long.done,
                r.last_session.isoformat() if r.last_session else "",
                r.pain.direction,
                _number(r.pain.recent),
                _number(r.pain.before),
                _number(r.psfs_change),
                spreadsheet_text("; ".join(f.words for f in r.flags)),
            ]
        )
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def flag_kinds(row: ClientRow) -> Sequence[str]:
    return [f.kind for f in row.flags]
