"""The audit log: who read, created, changed, deleted or exported which object, and when.

Entries name the object's type and id, the client the object belongs to (when it belongs to
one) and, for changes, the names of the changed fields; never a value (no names, identifiers or
amounts). A request for a client, or anything of a client, outside what the asker may see is
recorded as a ``deny`` in a transaction of its own (the request's own is rolled back).
The table is append-only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from formfill.store.models import AUDIT_ACTIONS, AuditEntry, User

__all__ = [
    "Actor",
    "AuditQuery",
    "as_json",
    "denied",
    "entries",
    "export_lines",
    "record",
    "search",
]

_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?)*")
_TYPE = re.compile(r"[a-z][a-z_]{0,49}")
# object types whose id is the client's own id: their entries are about that client
CLIENT_KEYED = frozenset({"client", "profile", "profile_history", "notes", "referrals"})


@dataclass(frozen=True)
class Actor:
    """Who does something: a user (``user_id``) or a process (``label`` such as cli, worker)."""

    user_id: int | None
    label: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, f"user:{user.id}")

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(None, label)


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    fields: Iterable[str] | None = None,
    client_id: int | None = None,
) -> AuditEntry:
    """Append one entry (flushed with the session's other changes, in the same transaction).
    ``client_id``: the client the object belongs to; for the client-keyed object types (client,
    profile, notes ...) it is the object's id."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"audit action {action!r}: one of {', '.join(AUDIT_ACTIONS)}")
    if not _TYPE.fullmatch(object_type):
        raise ValueError(f"audit object type {object_type!r}: a lower-case table-like name")
    names = sorted(set(fields)) if fields is not None else None
    for name in names or ():
        if not _FIELD.fullmatch(name):
            raise ValueError(f"audit field {name!r} is not a field name (values never go here)")
    entry = AuditEntry(
        actor_id=actor.user_id,
        actor_label=actor.label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        fields=names,
        client_id=_client_of(object_type, object_id, client_id),
    )
    session.add(entry)
    return entry


def _client_of(object_type: str, object_id: object, client_id: int | None) -> int | None:
    if client_id is not None:
        return int(client_id)
    if object_type in CLIENT_KEYED and str(object_id).isdigit():
        return int(str(object_id))
    return None


def denied(
    sessions: sessionmaker[Session],
    actor: Actor,
    object_type: str,
    object_id: object,
    client_id: int | None = None,
) -> None:
    """Record that ``actor`` asked for an object they may not see, committed at once in a
    session of its own: the request that was refused rolls its own transaction back."""
    with sessions() as session:
        record(session, actor, "deny", object_type, object_id, client_id=client_id)
        session.commit()


def entries(
    session: Session,
    object_type: str | None = None,
    object_id: object | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """The latest entries, newest first, optionally for one object type or object."""
    object_ref = None if object_id is None else str(object_id)
    return search(session, AuditQuery(object_type=object_type, object_id=object_ref), limit)


@dataclass(frozen=True)
class AuditQuery:
    """What an auditor asks of the log: every part optional, all of them together."""

    actor_id: int | None = None
    client_id: int | None = None
    object_type: str | None = None
    object_id: str | None = None
    action: str | None = None
    since: datetime | None = None  # from this moment on (inclusive)
    until: datetime | None = None  # before this moment
    # only entries by these users or about these clients (a supervisor's team); None: all
    actors_in: sa.Select[Any] | None = None
    clients_in: sa.Select[Any] | None = None


def search(
    session: Session, query: AuditQuery, limit: int = 200, before_id: int | None = None
) -> list[AuditEntry]:
    """Entries matching ``query``, newest first; ``before_id`` pages on to older ones."""
    q = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    if query.actor_id is not None:
        q = q.where(AuditEntry.actor_id == query.actor_id)
    if query.client_id is not None:
        q = q.where(AuditEntry.client_id == query.client_id)
    if query.object_type:
        q = q.where(AuditEntry.object_type == query.object_type)
    if query.object_id:
        q = q.where(AuditEntry.object_id == query.object_id)
    if query.action:
        q = q.where(AuditEntry.action == query.action)
    if query.since is not None:
        q = q.where(AuditEntry.at >= query.since)
    if query.until is not None:
        q = q.where(AuditEntry.at < query.until)
    scope = []
    if query.actors_in is not None:
        scope.append(AuditEntry.actor_id.in_(query.actors_in))
    if query.clients_in is not None:
        scope.append(AuditEntry.client_id.in_(query.clients_in))
    if scope:
        q = q.where(sa.or_(*scope))
    if before_id is not None:
        q = q.where(AuditEntry.id < before_id)
    return list(session.scalars(q.limit(limit)))


def as_json(entry: AuditEntry) -> dict[str, Any]:
    """One entry as the export writes it (a JSON object; ids and names of fields, no value)."""
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "client_id": entry.client_id,
        "fields": entry.fields,
    }


def export_lines(session: Session, since: datetime, batch: int = 1000) -> Iterator[str]:
    """Every entry from ``since`` on, oldest first, as JSON lines (read in batches, so a long
    log is never held whole)."""
    last = 0
    while True:
        rows = list(
            session.scalars(
                sa.select(AuditEntry)
                .where(AuditEntry.at >= since, AuditEntry.id > last)
                .order_by(AuditEntry.id)
                .limit(batch)
            )
        )
        for row in rows:
            yield json.dumps(as_json(row), ensure_ascii=False)
        if len(rows) < batch:
            return
        last = rows[-1].id


_Row = TypeVar("_Row")


def add_created(session: Session, actor: Actor, row: _Row, object_type: str) -> _Row:
    """Add a new row, flush it for its id, and record its creation in the audit log."""
    session.add(row)
    session.flush()
    record(
        session,
        actor,
        "create",
        object_type,
        row.id,  # type: ignore[attr-defined]
        client_id=getattr(row, "client_id", None),
    )
    return row
