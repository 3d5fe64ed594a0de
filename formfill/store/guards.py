"""The ORM half of append-only: a flush that would update or delete a row of an append-only
table raises ConflictError (the migrations add database triggers for the other half)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from formfill.errors import ConflictError
from formfill.store.models import APPEND_ONLY_TABLES


def _refuse_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table not in APPEND_ONLY_TABLES:
            continue
        if obj in session.deleted or session.is_modified(obj, include_collections=False):
            raise ConflictError(f"{table} is append-only: rows are never changed or deleted")


def install(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "before_flush", _refuse_changes)
