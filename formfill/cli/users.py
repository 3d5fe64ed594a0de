"""``formfill user add | list | disable | enable | password``: the accounts of the web, from the
machine that runs it. A production store starts with no user (no demo data): `user add` makes
the first admin. Passwords come from a hidden prompt or ``--password-stdin``, never an argument
(arguments are visible to every user of the machine in the process list)."""

from __future__ import annotations

import json
import sys

import click

from formfill.cli.common import _friendly
from formfill.config import Settings

MIN_PASSWORD = 12
ROLE_CHOICES = ("specialist", "supervisor", "admin", "form_maintainer")


@click.group("user")
def user_group() -> None:
    """Web accounts: add, list, disable, enable, set a password."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(f"at least {MIN_PASSWORD} characters", param_hint="password")
    return password


def _sessions(settings: Settings):  # type: ignore[no-untyped-def]
    from formfill.store import open_store

    return open_store(settings)


@user_group.command("add")
@click.argument("email")
@click.option("--name", required=True, help="The name shown in history and on letters.")
@click.option("--role", type=click.Choice(ROLE_CHOICES), required=True)
@click.option("--team", default=None, help="The team whose clients a specialist sees.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_friendly
def add_cmd(email: str, name: str, role: str, team: str | None, password_stdin: bool) -> None:
    """Add a user who signs in with EMAIL."""
    from formfill.store import Actor, session_scope
    from formfill.store.users import create_user

    password = _password(password_stdin)
    settings = Settings.from_env()
    engine, sessions = _sessions(settings)
    try:
        with session_scope(sessions) as session:
            user = create_user(
                session, Actor.system("cli"), email, name.strip(), role, password, team
            )
            click.echo(f"user {user.id} added: {user.email} ({user.role})")
    finally:
        engine.dispose()


@user_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_friendly
def list_cmd(as_json: bool) -> None:
    """Every user: id, email, name, role, team, active."""
    from formfill.store import session_scope
    from formfill.store.users import list_users

    settings = Settings.from_env()
    engine, sessions = _sessions(settings)
    try:
        with session_scope(sessions) as session:
            rows = [
                {
                    "id": u.id,
                    "email": u.email,
                    "name": u.name,
                    "role": u.role,
                    "team": u.team,
                    "active": bool(u.active),
                }
                for u in list_users(session)
            ]
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        state = "" if r["active"] else "  (disabled)"
        click.echo(f"{r['id']:>4}  {r['email']:32} {r['role']:10} {r['team'] or '-':8}{state}")


def _by_email(session, email: str):  # type: ignore[no-untyped-def]
    from formfill.store.users import user_by_email

    return user_by_email(session, email)  # NotFoundError names the address


def _set_active(email: str, active: bool) -> None:
    from formfill.store import Actor, session_scope
    from formfill.store.users import set_active

    settings = Settings.from_env()
    engine, sessions = _sessions(settings)
    try:
        with session_scope(sessions) as session:
            user = _by_email(session, email)
            set_active(session, Actor.system("cli"), user.id, active)
            click.echo(f"user {user.email}: {'enabled' if active else 'disabled'}")
    finally:
        engine.dispose()


@user_group.command("disable")
@click.argument("email")
@_friendly
def disable_cmd(email: str) -> None:
    """Stop EMAIL signing in; their open sessions end now."""
    _set_active(email, False)


@user_group.command("enable")
@click.argument("email")
@_friendly
def enable_cmd(email: str) -> None:
    """Let a disabled EMAIL sign in again."""
    _set_active(email, True)


@user_group.command("password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_friendly
def password_cmd(email: str, password_stdin: bool) -> None:
    """Set EMAIL's password; their open sessions end now."""
    from formfill.store import Actor, session_scope
    from formfill.store.users import set_password

    password = _password(password_stdin)
    settings = Settings.from_env()
    engine, sessions = _sessions(settings)
    try:
        with session_scope(sessions) as session:
            user = _by_email(session, email)
            set_password(session, Actor.system("cli"), user.id, password)
            click.echo(f"user {user.email}: password set")
    finally:
        engine.dispose()


def register(cli: click.Group) -> None:
    cli.add_command(user_group)
