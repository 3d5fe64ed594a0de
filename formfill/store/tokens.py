"""Personal API tokens: made by their user (shown once), kept as their SHA-256, with a scope
(``read``: the API's GET requests; ``write``: every request the user may make) and an expiry;
revocable; each use is remembered (to the minute). A token acts as its user, with the user's
permissions and never more: a deactivated user's tokens stop working with the user."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from formfill.errors import NotFoundError
from formfill.store.audit import Actor, add_created, record
from formfill.store.models import TOKEN_SCOPES, ApiToken, User, utcnow

__all__ = [
    "MAX_DAYS",
    "PREFIX",
    "Verified",
    "create_token",
    "list_tokens",
    "revoke_token",
    "verify_token",
]

PREFIX = "ff_"  # says what the secret is when it turns up in a log or a paste
MAX_DAYS = 365
MAX_TOKENS = 20  # per user, live ones
_USE_GRAIN = timedelta(minutes=1)  # last use is written at most once a minute


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    session: Session, actor: Actor, user_id: int, name: str, scope: str, days: int
) -> tuple[ApiToken, str]:
    """A new token for ``user_id``: (its row, the secret). The secret is not kept: show it
    once. ValueError for a scope, name or lifetime out of bounds."""
    if scope not in TOKEN_SCOPES:
        raise ValueError(f"scope {scope!r}: one of {', '.join(TOKEN_SCOPES)}")
    name = " ".join(name.split())[:100]
    if not name:
        raise ValueError("a token needs a name (what it is for)")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a token lives 1 to {MAX_DAYS} days, not {days}")
    if len(list_tokens(session, user_id)) >= MAX_TOKENS:
        raise ValueError(f"at most {MAX_TOKENS} live tokens: revoke one first")
    secret = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user_id,
        name=name,
        token_hash=_digest(secret),
        scope=scope,
        expires_at=utcnow() + timedelta(days=days),
    )
    add_created(session, actor, row, "api_token")
    return row, secret


def list_tokens(session: Session, user_id: int, live_only: bool = True) -> list[ApiToken]:
    """The user's tokens, newest first; ``live_only``: not revoked and not expired."""
    q = sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    if live_only:
        q = q.where(ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow())
    return list(session.scalars(q))


def revoke_token(session: Session, actor: Actor, user_id: int, token_id: int) -> ApiToken:
    """Revoke one of ``user_id``'s tokens (NotFoundError for another user's, as if none)."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id:
        raise NotFoundError("token", token_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        record(session, actor, "update", "api_token", row.id, ["revoked_at"])
    return row


@dataclass(frozen=True)
class Verified:
    user: User
    token: ApiToken


def verify_token(session: Session, secret: str, now: datetime | None = None) -> Verified | None:
    """The live token ``secret`` is and its active user, or None (unknown, expired, revoked,
    or its user deactivated). Notes the use."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    now = now or utcnow()
    row = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= _USE_GRAIN:
        row.last_used_at = now
    return Verified(user, row)
