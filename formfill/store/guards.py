"""The ORM half of append-only: a flush that would update or delete a row of an append-only
table, or change a published form version (other than retiring it), raises ConflictError (the
migrations add database triggers for the other half)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from formfill.errors import ConflictError
from formfill.store.models import APPEND_ONLY_TABLES, FORM_VERSION_CONTENT, FormVersion


def _form_version_change(session: Session, v: FormVersion) -> str | None:
    """Why a change to a form version is refused, or None: a draft changes freely; a
    published version may only be retired, a retired one not at all, neither deleted."""
    state = inspect(v)
    history = state.attrs.status.history
    before = history.deleted[0] if history.deleted else v.status
    if before == "draft":
        return None
    label = f"form version {v.form_id}@{v.version} is {before}"
    if v in session.deleted:
        return f"{label}: a published version is never deleted (retire it)"
    if before == "retired" and session.is_modified(v, include_collections=False):
        return f"{label} and never changes"
    changed = [c for c in FORM_VERSION_CONTENT if state.attrs[c].history.has_changes()]
    if changed:
        return f"{label} and never changes ({', '.join(changed)}): make a new version"
    if history.has_changes() and not (before == "published" and v.status == "retired"):
        return f"{label}: it can only be retired"
    return None


def _refuse_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, FormVersion):
            why = _form_version_change(session, obj)
            if why:
                raise ConflictError(why)
            continue
        table = getattr(obj, "__tablename__", None)
        if table not in APPEND_ONLY_TABLES:
            continue
        if obj in session.deleted or session.is_modified(obj, include_collections=False):
            raise ConflictError(f"{table} is append-only: rows are never changed or deleted")


def install(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "before_flush", _refuse_changes)
