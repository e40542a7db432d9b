"""``backfit users``: the clinic's accounts, for whoever runs the server (add, list, disable,
enable, reset). Whoever can run commands on the server with its database settings is its
admin: these commands act as the server's owner (services/policy.py)."""

from __future__ import annotations

import getpass
import sys

import typer

from backfit.cli.app import ExitCode, app, console, fail, print_json
from backfit.cli.common import services
from backfit.cli.tables import Column, records
from backfit.services import accounts
from backfit.services.policy import ACCOUNT_ROLES, Actor, Role
from backfit.services.runtime import utc_now
from backfit.store import NotFound

users = typer.Typer(
    help="Clinic accounts: add admins, clinicians and clients; list, disable, enable; issue reset links.",
    no_args_is_help=True,
)
app.add_typer(users, name="users")

ROLE_HELP = f"The account's role: {', '.join(r.value for r in ACCOUNT_ROLES)}."


def link_line(link: accounts.Link, base_url: str) -> str:
    what = "Invitation" if link.purpose == "invite" else "Password reset"
    return (
        f"{what} link for {link.account.email} (works once, until {link.expires_at:%Y-%m-%d %H:%M} UTC):\n"
        f"  {base_url.rstrip('/')}{link.path}"
    )


BASE_HELP = "The address people open the server at, to print whole links (e.g. https://backfit.example.org)."


@users.command("add")
def add(
    email: str = typer.Argument(..., help="The person's email address (their sign-in name)."),
    role: str = typer.Option(..., "--role", help=ROLE_HELP),
    name: str = typer.Option("", "--name", help="The name shown to others (default: the email's first part)."),
    clinician: str | None = typer.Option(None, "--clinician", help="A client's clinician, by email."),
    profile: str | None = typer.Option(
        None,
        "--profile",
        help="A client only: take over this existing profile with its history (a single-person database "
        "becoming a clinic's: nothing is moved or lost).",
    ),
    password: bool = typer.Option(
        False, "--password", help="Ask for a password now (else print an invitation link to give them)."
    ),
    base_url: str = typer.Option("http://127.0.0.1:8765", "--base-url", help=BASE_HELP),
) -> None:
    """Add an account; prints a one-time invitation link unless --password."""
    if role not in {r.value for r in ACCOUNT_ROLES}:
        fail(f"--role must be one of {', '.join(r.value for r in ACCOUNT_ROLES)}, not {role!r}", ExitCode.usage)
    secret = ask_password() if password else None
    with services() as svc, svc.db.unit_of_work() as session:
        try:
            account = accounts.add_account(
                session,
                Actor.owner(),
                email=email,
                role=Role(role),
                display_name=name,
                password=secret,
                clinician_email=clinician,
                profile_name=profile,
                now=utc_now(),
            )
            link = None
            if secret is None:
                link = accounts.issue_link(session, Actor.owner(), account.email, purpose="invite", now=utc_now())
        except accounts.AccountError as exc:
            fail(str(exc), ExitCode.invalid_input)
        except NotFound as exc:
            fail(str(exc), ExitCode.not_found)
        console.print(f"Added the {account.role} {account.display_name} <{account.email}>.", highlight=False)
        if link is not None:
            console.print(link_line(link, base_url), highlight=False, soft_wrap=True)


def ask_password() -> str:
    """A new password typed twice (or one line on stdin when it is not a terminal)."""
    if not sys.stdin.isatty():
        secret = sys.stdin.readline().rstrip("\n")
    else:
        secret = getpass.getpass("New password: ")
        if getpass.getpass("The same again: ") != secret:
            fail("the two passwords are not the same", ExitCode.invalid_input)
    try:
        accounts.check_password(secret)
    except accounts.AccountError as exc:
        fail(str(exc), ExitCode.invalid_input)
    return secret


@users.command("list")
def list_users(as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts.")) -> None:
    """Every account: email, name, role, clinician and state."""
    with services() as svc, svc.db.unit_of_work() as session:
        rows = accounts.list_accounts(session, Actor.owner())
        by_id = {a.id: a.email for a in rows}
        listed = [
            {
                "email": a.email,
                "name": a.display_name,
                "role": a.role,
                "clinician": by_id.get(a.clinician_id or 0),
                "state": "disabled" if a.disabled_at else ("active" if a.password_hash else "invited"),
            }
            for a in rows
        ]
    if as_json:
        print_json(listed)
        return
    if not listed:
        console.print("No accounts yet: this is a single-person install (add the first with `backfit users add`).")
        return
    columns = [Column("Email"), Column("Name"), Column("Role"), Column("Clinician"), Column("State")]
    table = [
        [str(r["email"]), str(r["name"]), str(r["role"]), str(r["clinician"] or "–"), str(r["state"])] for r in listed
    ]
    console.print(records(console, columns, table))


def _set_disabled(email: str, disabled: bool) -> None:
    with services() as svc, svc.db.unit_of_work() as session:
        try:
            account = accounts.set_disabled(session, Actor.owner(), email, disabled=disabled, now=utc_now())
        except accounts.AccountError as exc:
            fail(str(exc), ExitCode.invalid_input)
        except NotFound as exc:
            fail(str(exc), ExitCode.not_found)
        state = "disabled (and signed out everywhere)" if disabled else "enabled"
        console.print(f"{account.email} is {state}.", highlight=False)


@users.command("disable")
def disable(email: str = typer.Argument(..., help="The account's email.")) -> None:
    """Disable an account: it cannot sign in, and every signed-in browser of it is signed out."""
    _set_disabled(email, True)


@users.command("enable")
def enable(email: str = typer.Argument(..., help="The account's email.")) -> None:
    """Enable a disabled account again."""
    _set_disabled(email, False)


@users.command("reset")
def reset(
    email: str = typer.Argument(..., help="The account's email."),
    base_url: str = typer.Option("http://127.0.0.1:8765", "--base-url", help=BASE_HELP),
) -> None:
    """Print a one-time password-reset link (an invitation again if no password was ever set)."""
    with services() as svc, svc.db.unit_of_work() as session:
        try:
            account = accounts.require_account(session, email)
            purpose = "reset" if account.password_hash else "invite"
            link = accounts.issue_link(session, Actor.owner(), account.email, purpose=purpose, now=utc_now())
        except accounts.AccountError as exc:
            fail(str(exc), ExitCode.invalid_input)
        except NotFound as exc:
            fail(str(exc), ExitCode.not_found)
        console.print(link_line(link, base_url), highlight=False, soft_wrap=True)
