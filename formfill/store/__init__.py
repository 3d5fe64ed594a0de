"""The store: the only database code in formfill (SQLAlchemy 2, Alembic migrations).

Open it once per process with :func:`open_store`; pass sessions down::

    engine, sessions = open_store(settings)          # checks the schema is at head
    with session_scope(sessions) as session:
        app = applications.advance(session, actor, app_id, "submitted", today, submission=...)

Query functions live in small noun modules (users, clients, proposals, applications,
deadlines, notes, batches, forms, audit); each takes the session first and an :class:`Actor` for
anything it records in the audit log.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from formfill.config import Settings
from formfill.store.audit import Actor
from formfill.store.db import get_row, make_engine, make_sessions, session_scope
from formfill.store.migrate import require_current

__all__ = ["Actor", "get_row", "make_engine", "make_sessions", "open_store", "session_scope"]


def open_store(settings: Settings, check: bool = True) -> tuple[sa.Engine, sessionmaker[Session]]:
    """The engine and session factory for ``settings``; StoreNotReadyError if ``check`` and
    the schema is not at the head revision."""
    engine = make_engine(settings)
    if check:
        try:
            require_current(engine)
        except BaseException:
            engine.dispose()
            raise
    return engine, make_sessions(engine)
