"""Accounts for clinic mode: add, list, disable; one-time links (invitations and password
resets); sign-in with a rate limit; server-side sign-in sessions (revocable).

Passwords are hashed with Argon2 (pwdlib's recommended hasher). Tokens (sign-in cookies,
links) are 256-bit random strings from :mod:`secrets`; the database holds only their SHA-256,
so a copy of the database signs nobody in. Who may call what: :mod:`backfit.services.policy`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from pwdlib import PasswordHash
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from backfit.services.policy import (
    ACCOUNT_ROLES,
    Actor,
    Forbidden,
    Role,
    require_account_manager,
    require_link_issuer,
)
from backfit.store.database import UnitOfWork
from backfit.store.errors import NotFound
from backfit.store.models import Account, OneTimeLink, Profile, SignInAttempt, SignInSession

SESSION_LIFETIME = timedelta(days=14)
"""A sign-in lasts this long without use (each use extends it), and never longer than this
after it was made: the cookie's own lifetime, which the server holds to as well (a copied
token is refused once the browser would have dropped it)."""
LINK_LIFETIME = {"invite": timedelta(days=7), "reset": timedelta(hours=24)}
RATE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 30
MIN_PASSWORD = 10
MAX_PASSWORD = 256
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
TOUCH_EVERY = timedelta(minutes=5)
"""How stale ``last_seen_at`` may get before a request writes it again (fewer writes)."""


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why in words."""


@dataclass(frozen=True)
class Link:
    """A one-time link just issued: the token is shown once (it is not stored)."""

    account: Account
    purpose: str
    token: str
    expires_at: datetime

    @property
    def path(self) -> str:
        return f"/{'invite' if self.purpose == 'invite' else 'reset'}/{self.token}"


@cache
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


@cache
def _dummy_hash() -> str:
    """Verified against when no account matches, so a wrong email costs as long as a wrong password."""
    return _hasher().hash(secrets.token_urlsafe(16))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def normal_email(email: str) -> str:
    cleaned = email.strip().lower()
    if not EMAIL.match(cleaned) or len(cleaned) > 254:
        raise AccountError(f"{email.strip()[:80]!r} is not an email address (like name@example.org)")
    return cleaned


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"choose a password of at least {MIN_PASSWORD} characters (a few words make a good one)")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"a password may have at most {MAX_PASSWORD} characters")


def account_by_email(session: Session, email: str) -> Account | None:
    return session.scalars(select(Account).where(Account.email == normal_email(email))).one_or_none()


def require_account(session: Session, email: str) -> Account:
    account = account_by_email(session, email)
    if account is None:
        raise NotFound(f"no account with the email {normal_email(email)}")
    return account


def add_account(
    session: Session,
    actor: Actor,
    *,
    email: str,
    role: Role,
    now: datetime,
    display_name: str = "",
    password: str | None = None,
    clinician_email: str | None = None,
    profile_name: str | None = None,
) -> Account:
    """A new account. Admins add any role; a clinician adds clients of their own (see
    :func:`invite_client`). A client gets a profile of their own, or takes over the existing
    ``profile_name`` (a single-person database becoming a clinic's: nothing is moved)."""
    if role not in ACCOUNT_ROLES:
        raise AccountError(f"an account is an admin, a clinician or a client, not {role}")
    if actor.role is Role.CLINICIAN:
        if role is not Role.CLIENT:
            raise Forbidden("a clinician adds clients only; an admin adds clinicians and admins")
        if clinician_email is not None or profile_name is not None:
            raise Forbidden("a clinician's new client is their own and starts with a new profile")
    else:
        require_account_manager(actor)
    address = normal_email(email)
    if account_by_email(session, address) is not None:
        raise AccountError(f"there is already an account with the email {address}")
    if password is not None:
        check_password(password)
    name = display_name.strip() or address.split("@")[0]
    if len(name) > 120:
        raise AccountError("a name may have at most 120 characters")
    account = Account(
        email=address,
        display_name=name,
        role=role.value,
        password_hash=None if password is None else _hasher().hash(password),
        created_at=now,
        disabled_at=None,
    )
    if role is Role.CLIENT:
        account.clinician_id = _clinician_for(session, actor, clinician_email)
        account.profile_id = _client_profile(session, profile_name, now).id
    elif clinician_email is not None or profile_name is not None:
        raise AccountError("only a client has a clinician and a profile")
    session.add(account)
    session.flush()
    return account


def _clinician_for(session: Session, actor: Actor, clinician_email: str | None) -> int | None:
    if actor.role is Role.CLINICIAN:
        return actor.account_id
    if clinician_email is None:
        return None
    clinician = require_account(session, clinician_email)
    if clinician.role != Role.CLINICIAN.value:
        raise AccountError(f"{clinician.email} is not a clinician")
    return clinician.id


def _client_profile(session: Session, profile_name: str | None, now: datetime) -> Profile:
    if profile_name is None:
        profile = Profile(name=f"client-{secrets.token_hex(6)}", created_at=now)
        session.add(profile)
        session.flush()
        return profile
    existing = session.scalars(select(Profile).where(Profile.name == profile_name)).one_or_none()
    if existing is None:
        raise NotFound(f"no profile named {profile_name!r} in this database")
    if session.scalar(select(Account.id).where(Account.profile_id == existing.id)) is not None:
        raise AccountError(f"the profile {profile_name!r} already belongs to an account")
    return existing


def managed_account(session: Session, actor: Actor, account_id: int) -> Account:
    """The account ``account_id`` for an actor who manages accounts."""
    require_account_manager(actor)
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound("there is no such account")
    return account


def list_accounts(session: Session, actor: Actor) -> list[Account]:
    require_account_manager(actor)
    return list(session.scalars(select(Account).order_by(Account.role, Account.email)))


def set_disabled(session: Session, actor: Actor, email: str, *, disabled: bool, now: datetime) -> Account:
    """Disable (and sign out everywhere) or enable an account."""
    require_account_manager(actor)
    account = require_account(session, email)
    if disabled and account.id == actor.account_id:
        raise AccountError("you cannot disable your own account: ask another admin")
    account.disabled_at = now if disabled else None
    if disabled:
        revoke_sessions(session, account.id, now)
    return account


def revoke_sessions(session: Session, account_id: int, now: datetime) -> None:
    session.execute(
        update(SignInSession)
        .where(SignInSession.account_id == account_id, SignInSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def issue_link(session: Session, actor: Actor, email: str, *, purpose: str, now: datetime) -> Link:
    """A one-time invitation or password-reset link for ``email``: admins for anyone, a
    clinician for their own clients. Earlier unused links of the same purpose stop working."""
    if purpose not in LINK_LIFETIME:
        raise AccountError("a link is an invitation or a password reset")
    account = require_account(session, email)
    require_link_issuer(actor, account)
    if account.disabled_at is not None:
        raise AccountError(f"{account.email} is disabled: enable it first")
    session.execute(
        update(OneTimeLink)
        .where(OneTimeLink.account_id == account.id, OneTimeLink.purpose == purpose, OneTimeLink.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    expires = now + LINK_LIFETIME[purpose]
    session.add(
        OneTimeLink(
            token_hash=token_hash(token),
            account_id=account.id,
            purpose=purpose,
            created_by_id=actor.account_id,
            created_at=now,
            expires_at=expires,
            used_at=None,
        )
    )
    session.flush()
    return Link(account, purpose, token, expires)


def new_password_link(session: Session, actor: Actor, account: Account, *, now: datetime) -> Link:
    """A password-reset link for ``account``, or a new invitation when it never set a password."""
    purpose = "reset" if account.password_hash else "invite"
    return issue_link(session, actor, account.email, purpose=purpose, now=now)


def client_password_link(session: Session, actor: Actor, profile_id: int, *, now: datetime) -> Link:
    """A clinician's password-reset link (or new invitation) for their client of ``profile_id``."""
    account = session.scalars(
        select(Account).where(Account.profile_id == profile_id, Account.role == Role.CLIENT.value)
    ).one_or_none()
    if account is None:
        raise NotFound("no client of yours has this page")
    return new_password_link(session, actor, account, now=now)


def invite_client(session: Session, actor: Actor, *, email: str, display_name: str, now: datetime) -> Link:
    """A clinician's new client and the invitation link to give them."""
    if actor.role is not Role.CLINICIAN:
        raise Forbidden("clinicians invite their clients (an admin adds accounts with `backfit users add`)")
    account = add_account(session, actor, email=email, role=Role.CLIENT, display_name=display_name, now=now)
    return issue_link(session, actor, account.email, purpose="invite", now=now)


def link_account(session: Session, token: str, *, now: datetime) -> tuple[OneTimeLink, Account]:
    """The pending link of ``token`` and its account (NotFound in words otherwise)."""
    link = pending_link(session, token, now=now)
    account = session.get(Account, link.account_id)
    if account is None:
        raise NotFound("this link is not valid")
    return link, account


USED_LINK = "this link has been used or has expired: ask your clinician for a new one"


def pending_link(session: Session, token: str, *, now: datetime) -> OneTimeLink:
    """The unused, unexpired link of ``token`` (NotFound in words otherwise)."""
    link = session.scalars(select(OneTimeLink).where(OneTimeLink.token_hash == token_hash(token))).one_or_none()
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise NotFound(USED_LINK)
    return link


def redeem_link(session: Session, token: str, *, password: str, now: datetime) -> Account:
    """Set the password of the link's account (an invitation or a reset), once. A reset
    signs the account out everywhere."""
    link = pending_link(session, token, now=now)
    check_password(password)
    account = session.get(Account, link.account_id)
    if account is None or account.disabled_at is not None:
        raise NotFound("this account is disabled: ask your clinic")
    hashed = _hasher().hash(password)
    # marked used only if still unused, in one statement: of the same link sent twice at once, one wins
    claimed = session.execute(
        update(OneTimeLink).where(OneTimeLink.id == link.id, OneTimeLink.used_at.is_(None)).values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound(USED_LINK)
    account.password_hash = hashed
    revoke_sessions(session, account.id, now)
    return account


def _recent_failures(session: Session, column: InstrumentedAttribute[str], value: str, now: datetime) -> int:
    query = select(func.count(SignInAttempt.id)).where(
        column == value,
        SignInAttempt.succeeded.is_(False),
        SignInAttempt.at > now - RATE_WINDOW,
    )
    return int(session.scalar(query) or 0)


@dataclass(frozen=True)
class SignInOutcome:
    """A sign-in try's answer: the new session's token, or why not (in words). Not an
    exception: the caller commits the try either way, so failures count for the rate limit."""

    token: str | None = None
    refusal: str = ""


WRONG = "wrong email or password"
TOO_MANY = (
    f"too many wrong passwords: wait {int(RATE_WINDOW.total_seconds() // 60)} minutes, "
    "or ask your clinic for a password reset link"
)


def sign_in(unit_of_work: UnitOfWork, *, email: str, password: str, address: str, now: datetime) -> SignInOutcome:
    """Check an email and password; a new sign-in session's token when right. Too many
    failures for this email or from this address in 15 minutes refuse every try until they
    age out (counted in the database: every worker process sees the same count).

    Three transactions: the try is stored first, as a failure, and committed; only then are
    the failures counted (this one included) and the password checked; then the try is marked
    right and the session made. Tries sent at once thus count each other: however many arrive
    together, at most :data:`MAX_FAILURES_PER_EMAIL` of them have their password checked."""
    try:
        cleaned = normal_email(email)
    except AccountError:
        return SignInOutcome(refusal=WRONG)
    with unit_of_work() as session:
        attempt = SignInAttempt(email=cleaned, address=address[:64], succeeded=False, at=now)
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    with unit_of_work() as session:
        too_many = (
            _recent_failures(session, SignInAttempt.email, cleaned, now) > MAX_FAILURES_PER_EMAIL
            or _recent_failures(session, SignInAttempt.address, address[:64], now) > MAX_FAILURES_PER_ADDRESS
        )
        if too_many:  # a refused try checks no password: it is no failure of its own
            session.execute(delete(SignInAttempt).where(SignInAttempt.id == attempt_id))
            return SignInOutcome(refusal=TOO_MANY)
        account = session.scalars(select(Account).where(Account.email == cleaned)).one_or_none()
        has_password = account is not None and account.password_hash is not None
        stored = account.password_hash if account is not None and account.password_hash else _dummy_hash()
        account_id = None if account is None else account.id
        disabled = account is not None and account.disabled_at is not None
    matches = _hasher().verify(password[:MAX_PASSWORD], stored)  # as slow for an unknown email
    if not matches or not has_password or account_id is None:
        return SignInOutcome(refusal=WRONG)
    if disabled:
        return SignInOutcome(refusal="this account is disabled: ask your clinic")
    token = secrets.token_urlsafe(32)
    with unit_of_work() as session:
        session.execute(update(SignInAttempt).where(SignInAttempt.id == attempt_id).values(succeeded=True))
        session.add(
            SignInSession(
                token_hash=token_hash(token),
                account_id=account_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + SESSION_LIFETIME,
                revoked_at=None,
            )
        )
    return SignInOutcome(token=token)


def actor_of_token(session: Session, token: str, *, now: datetime) -> Actor | None:
    """The signed-in actor of a cookie's token, or None (unknown, revoked, expired, disabled)."""
    if not token or len(token) > 128:
        return None
    row = session.execute(
        select(SignInSession, Account)
        .join(Account, Account.id == SignInSession.account_id)
        .where(SignInSession.token_hash == token_hash(token))
    ).one_or_none()
    if row is None:
        return None
    signed, account = row
    ended = signed.revoked_at is not None or signed.expires_at <= now or signed.created_at + SESSION_LIFETIME <= now
    if ended or account.disabled_at is not None:
        return None
    if now - signed.last_seen_at > TOUCH_EVERY:
        signed.last_seen_at = now
        signed.expires_at = min(now + SESSION_LIFETIME, signed.created_at + SESSION_LIFETIME)
    return Actor.of(account)


def sign_out(session: Session, token: str, *, now: datetime) -> None:
    session.execute(
        update(SignInSession)
        .where(SignInSession.token_hash == token_hash(token), SignInSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def has_accounts(session: Session) -> bool:
    return session.scalar(select(Account.id).limit(1)) is not None
