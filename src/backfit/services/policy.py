"""Who may do what: the one place that decides. Routes and CLI commands establish the
:class:`Actor` (who is asking); services ask this module before they read or change anything.

Roles:
- ``owner``: the one person of a single-person install (loopback, no sign-in); all of its
  data is theirs, and they confirm a clinician's advice themselves.
- ``client``: a signed-in person coached by a clinic; only their own data; a red flag or
  radiating symptoms wait for their clinician's clearance.
- ``clinician``: their own clients' data (read, prescribe, notes, clearance) and their
  invitation and password-reset links, nobody else's.
- ``admin``: manages accounts (add, disable, reset links); reads no clinical data.

A person another actor may not reach is *not found* (the answer does not tell whether
someone exists), an action the actor's role never allows is *forbidden*.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backfit.store.errors import NotFound
from backfit.store.models import Account, PerformedSession, Profile

OWNER_PROFILE = "default"
"""The profile of a single-person install (the web coach's and the CLI's default)."""


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    CLINICIAN = "clinician"
    CLIENT = "client"


ACCOUNT_ROLES = (Role.ADMIN, Role.CLINICIAN, Role.CLIENT)
"""The roles an account can have (``owner`` is no account: it is the laptop's one person)."""


class Action(StrEnum):
    """What an actor does to a person's data."""

    READ = "read"  # history, charts, programme, recordings, exports
    TRAIN = "train"  # do sessions, check in, answer the intake, change own settings
    PRESCRIBE = "prescribe"  # change the programme, hold a step, approve progressions
    NOTE = "note"  # write and read clinical notes
    CLEAR = "clear"  # record that a clinician has advised after a red flag or radiating symptoms
    DELETE = "delete"  # delete or replace the person's data


class Forbidden(Exception):
    """The actor's role never allows this; the message says so in words."""


@dataclass(frozen=True)
class Actor:
    """Who is asking. ``account_id`` is None for the single-person owner; ``profile_id`` is
    the person's own profile (a client's is made with their account), None for the owner
    (whose profile is ``default``), admins and clinicians."""

    role: Role
    account_id: int | None = None
    profile_id: int | None = None
    display_name: str = ""

    @classmethod
    def owner(cls) -> Actor:
        return cls(Role.OWNER, display_name="you")

    @classmethod
    def of(cls, account: Account) -> Actor:
        return cls(Role(account.role), account.id, account.profile_id, account.display_name)

    @property
    def signed_in(self) -> bool:
        return self.account_id is not None


ALLOWED: dict[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.CLIENT: frozenset({Action.READ, Action.TRAIN, Action.DELETE}),
    Role.CLINICIAN: frozenset({Action.READ, Action.PRESCRIBE, Action.NOTE, Action.CLEAR}),
    Role.ADMIN: frozenset(),
}
"""What each role may do to a person it may reach (which people it reaches: :func:`readable_profiles`)."""


def readable_profiles(actor: Actor) -> Select[Profile]:
    """The profiles ``actor`` may reach, as a statement to refine (the easy query is the scoped one)."""
    query = select(Profile)
    if actor.role is Role.OWNER:
        return query
    if actor.role is Role.CLINICIAN:
        return query.join(Account, Account.profile_id == Profile.id).where(Account.clinician_id == actor.account_id)
    if actor.role is Role.CLIENT and actor.profile_id is not None:
        return query.where(Profile.id == actor.profile_id)
    return query.where(Profile.id.is_(None))  # admins, and clients before their intake: nobody


def readable_clients(actor: Actor) -> Select[Account]:
    """The client accounts ``actor`` looks after (a clinician's list), an admin's view of all."""
    query = select(Account).where(Account.role == Role.CLIENT.value)
    if actor.role is Role.CLINICIAN:
        return query.where(Account.clinician_id == actor.account_id)
    if actor.role is Role.ADMIN:
        return query
    return query.where(Account.id.is_(None))


def require(actor: Actor, action: Action) -> None:
    """Raise :class:`Forbidden` unless ``actor``'s role allows ``action`` at all."""
    if action not in ALLOWED[actor.role]:
        raise Forbidden(forbidden_words(actor, action))


def forbidden_words(actor: Actor, action: Action) -> str:
    if actor.role is Role.ADMIN:
        return "an admin manages accounts and does not see clinical data: sign in as the person's clinician"
    if action is Action.CLEAR and actor.role is not Role.CLINICIAN:
        return "your clinician records that they have advised you: ask them to clear the pause"
    if actor.role is Role.CLIENT:
        return "only your clinician can change this"
    if actor.role is Role.CLINICIAN and action in {Action.TRAIN, Action.DELETE}:
        return "this is the client's own step: they do it signed in as themselves"
    return f"a {actor.role.value} may not {action.value} this"


def person(session: Session, actor: Actor, action: Action, profile_id: int) -> Profile:
    """The profile ``profile_id`` if ``actor`` may do ``action`` to it; else NotFound (a person
    the actor may not reach) or Forbidden (an action the role never allows)."""
    require(actor, action)
    found = session.scalars(readable_profiles(actor).where(Profile.id == profile_id)).one_or_none()
    if found is None:
        raise NotFound("no such person among the people you look after")
    return found


def performed_session(session: Session, actor: Actor, action: Action, performed_id: int) -> PerformedSession:
    """The performed session ``performed_id`` if it is of a person ``actor`` may do ``action``
    to (a client's own sessions; a clinician reads their clients'); else NotFound / Forbidden."""
    require(actor, action)
    reachable = readable_profiles(actor).with_only_columns(Profile.id)
    found = session.scalars(
        select(PerformedSession).where(PerformedSession.id == performed_id, PerformedSession.profile_id.in_(reachable))
    ).one_or_none()
    if found is None:
        raise NotFound(f"there is no session {performed_id} of yours")
    return found


def own_profile_name(session: Session, actor: Actor, action: Action = Action.READ) -> str:
    """The profile name the actor's own pages act on: the owner's ``default`` and a client's
    own. Clinicians and admins have no own coaching data (NotFound / Forbidden in words)."""
    require(actor, action)
    if actor.role is Role.OWNER:
        return OWNER_PROFILE
    if actor.role is not Role.CLIENT:
        raise Forbidden("clinicians and admins have no programme of their own: open a client from the client list")
    name = (
        None if actor.profile_id is None else session.scalar(select(Profile.name).where(Profile.id == actor.profile_id))
    )
    if name is None:
        raise NotFound("your profile is gone: ask your clinician")
    return name


def may_manage_accounts(actor: Actor) -> bool:
    """Admins, and the owner: the single person on their own computer (the CLI on a server is
    run by whoever runs the server), who adds the first admin to turn a laptop into a clinic."""
    return actor.role in {Role.ADMIN, Role.OWNER}


def require_account_manager(actor: Actor) -> None:
    if not may_manage_accounts(actor):
        raise Forbidden("only an admin manages accounts")


def require_link_issuer(actor: Actor, account: Account) -> None:
    """Raise unless ``actor`` may issue a one-time link (invitation or password reset) for
    ``account``: an admin (or the owner) for anyone, a clinician for their own clients only
    (NotFound for anyone else: the answer does not tell whether the account exists)."""
    if actor.role is Role.CLINICIAN:
        if account.role != Role.CLIENT.value or account.clinician_id != actor.account_id:
            raise NotFound(f"no client of yours has the email {account.email}")
        return
    require_account_manager(actor)


def may_invite(actor: Actor) -> bool:
    """Clinicians invite their own clients; admins add any account."""
    return actor.role in {Role.CLINICIAN, Role.ADMIN}


def clears_own_pause(actor: Actor) -> bool:
    """Whether the person confirms a clinician's advice (after red flags or radiating symptoms)
    themselves (single person) or their clinician records it (clinic client)."""
    return actor.role is Role.OWNER


def require_self_clearance(actor: Actor) -> None:
    if not clears_own_pause(actor):
        raise Forbidden(forbidden_words(actor, Action.CLEAR))


def may_use_whole_database(actor: Actor) -> bool:
    return actor.role is Role.OWNER
