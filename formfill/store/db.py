"""Engine and sessions. One engine per process (per Settings); sessions are passed down.

SQLite gets foreign keys on, WAL journaling (readers do not block the one writer) and a busy
timeout so that several workers can share the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.orm import Session, sessionmaker

from formfill.config import PRIVATE_FILE, Settings, private_dir
from formfill.errors import ConfigError, ConflictError, NotFoundError, StoreError
from formfill.store import guards

__all__ = ["get_row", "make_engine", "make_sessions", "session_scope"]

T = TypeVar("T")
# ids are 64-bit signed integers in every table: a larger one names nothing (and PostgreSQL
# would answer an out-of-range error, not "not found")
MAX_ID = 2**63 - 1


def get_row(session: Session, model: type[T], key: int, kind: str) -> T:
    """The row of ``model`` with primary key ``key``, or NotFoundError naming ``kind``."""
    row = session.get(model, key) if 0 < key <= MAX_ID else None
    if row is None:
        raise NotFoundError(kind, key)
    return row


SQLITE_BUSY_MS = 10_000


def _private_sqlite_file(settings: Settings, path: Path) -> None:
    """The SQLite file exists with mode 0600 before SQLite opens it: SQLite gives its -wal and
    -shm journals the database file's mode, so they are private from the start too."""
    folder = path.parent
    private_dir(folder, tighten=folder.resolve() == settings.data_dir.resolve())
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        for f in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if f.exists() and f.stat().st_mode & 0o077 and f.stat().st_uid == os.getuid():
                f.chmod(PRIVATE_FILE)  # a database made before formfill did this


def make_engine(settings: Settings, **kwargs: Any) -> sa.Engine:
    """An engine for ``settings.database_url`` (creates the SQLite file's folder)."""
    try:
        url = sa.make_url(settings.database_url)
    except exc.ArgumentError as e:
        raise ConfigError("FORMFILL_DATABASE_URL", f"not a database URL: {e}") from None
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            _private_sqlite_file(settings, Path(url.database))
        engine = sa.create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.get_backend_name() == "postgresql" and url.get_driver_name() in ("", "psycopg2"):
        url = url.set(drivername="postgresql+psycopg")  # psycopg 3 is the driver we install
    try:
        return sa.create_engine(url, pool_pre_ping=True, **kwargs)
    except (exc.ArgumentError, exc.NoSuchModuleError) as e:
        raise ConfigError("FORMFILL_DATABASE_URL", str(e)) from None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


def make_sessions(engine: sa.Engine) -> sessionmaker[Session]:
    """A session factory whose sessions refuse to change append-only rows."""
    factory = sessionmaker(engine, expire_on_commit=False)
    guards.install(factory)
    return factory


@contextmanager
def session_scope(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session committed at the end of the block, rolled back on any error.

    Database errors become StoreError (ConflictError for integrity violations) with the
    driver's message; formfill's own errors pass through unchanged."""
    session = sessions()
    try:
        yield session
        session.commit()
    except exc.IntegrityError as e:
        session.rollback()
        raise ConflictError(f"the database refused the change: {e.orig}") from e
    except exc.DBAPIError as e:
        session.rollback()
        raise StoreError(f"database error: {e.orig}") from e
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
