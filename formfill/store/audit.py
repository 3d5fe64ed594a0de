"""The audit log: who read, created, changed, deleted or exported which object, and when.

Entries name the object's type and id and, for changes, the names of the changed fields; never
a value (no names, identifiers or amounts). The table is append-only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from formfill.store.models import AUDIT_ACTIONS, AuditEntry, User

__all__ = ["Actor", "entries", "record"]

_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?)*")
_TYPE = re.compile(r"[a-z][a-z_]{0,49}")


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
) -> AuditEntry:
    """Append one entry (flushed with the session's other changes, in the same transaction)."""
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
    )
    session.add(entry)
    return entry


def entries(
    session: Session,
    object_type: str | None = None,
    object_id: object | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """The latest entries, newest first, optionally for one object type or object."""
    q = sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if object_type is not None:
        q = q.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        q = q.where(AuditEntry.object_id == str(object_id))
    return list(session.scalars(q))


_Row = TypeVar("_Row")


def add_created(session: Session, actor: Actor, row: _Row, object_type: str) -> _Row:
    """Add a new row, flush it for its id, and record its creation in the audit log."""
    session.add(row)
    session.flush()
    record(session, actor, "create", object_type, row.id)  # type: ignore[attr-defined]
    return row
