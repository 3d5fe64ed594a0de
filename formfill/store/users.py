"""Users (argon2id password hashes) and caseloads (which specialist works with which client)."""

from __future__ import annotations

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from formfill.errors import ConflictError, NotFoundError
from formfill.store.audit import Actor, add_created, record
from formfill.store.db import get_row
from formfill.store.models import ROLES, Caseload, Client, User

__all__ = [
    "assign",
    "authenticate",
    "caseload",
    "create_user",
    "end_sessions",
    "get_user",
    "hash_password",
    "list_users",
    "set_active",
    "set_locale",
    "set_password",
    "user_by_email",
]

LOCALES = ("en", "nb", "nl")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(
    session: Session,
    actor: Actor,
    email: str,
    name: str,
    role: str,
    password: str,
    team: str | None = None,
) -> User:
    """A new user; ConflictError if the email is taken, ValueError for an unknown role."""
    if role not in ROLES:
        raise ValueError(f"role {role!r}: one of {', '.join(ROLES)}")
    email = email.strip().lower()
    if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise ConflictError(f"a user with email {email} exists")
    user = User(email=email, name=name, role=role, team=team, password_hash=hash_password(password))
    return add_created(session, actor, user, "user")


def get_user(session: Session, user_id: int) -> User:
    user = get_row(session, User, user_id, "user")
    return user


def user_by_email(session: Session, email: str) -> User:
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFoundError("user", email)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, else None (rehashes outdated hashes)."""
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        _hasher.hash(password)  # spend the same time whether or not the user exists
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def assign(session: Session, actor: Actor, user_id: int, client_id: int) -> None:
    """Put a client on a user's caseload (nothing happens if already there)."""
    get_user(session, user_id)
    get_row(session, Client, client_id, "client")
    if session.get(Caseload, (user_id, client_id)) is None:
        session.add(Caseload(user_id=user_id, client_id=client_id))
        record(session, actor, "create", "caseload", f"{user_id}:{client_id}")


def caseload(session: Session, user_id: int) -> list[Client]:
    q = (
        sa.select(Client)
        .join(Caseload, Caseload.client_id == Client.id)
        .where(Caseload.user_id == user_id, Client.archived.is_(False))
        .order_by(Client.id)
    )
    return list(session.scalars(q))


def set_password(session: Session, actor: Actor, user_id: int, password: str) -> User:
    """A new password; every session of the user ends (sessions carry the session version)."""
    user = get_user(session, user_id)
    user.password_hash = hash_password(password)
    user.session_version += 1
    record(session, actor, "update", "user", user.id, ["password_hash", "session_version"])
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """Void every session issued to the user so far (sign-out, everywhere)."""
    user = get_user(session, user_id)
    user.session_version += 1


def set_locale(session: Session, actor: Actor, user_id: int, locale: str) -> User:
    if locale not in LOCALES:
        raise ValueError(f"locale {locale!r}: one of {', '.join(LOCALES)}")
    user = get_user(session, user_id)
    user.locale = locale
    record(session, actor, "update", "user", user.id, ["locale"])
    return user


def set_active(session: Session, actor: Actor, user_id: int, active: bool) -> User:
    user = get_user(session, user_id)
    user.active = active
    user.session_version += 1
    record(session, actor, "update", "user", user.id, ["active"])
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(sa.select(User).order_by(User.email)))
