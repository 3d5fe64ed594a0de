"""Migrations: an empty database goes to head and back to base; head matches the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from formfill.config import Settings
from formfill.errors import StoreNotReadyError
from formfill.store import make_engine, migrate, open_store
from formfill.store.models import APPEND_ONLY_TABLES, Base


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_empty_to_head_and_back(empty_settings: Settings) -> None:
    """Upgrade creates every table the models declare; downgrade to base removes them all."""
    engine = make_engine(empty_settings)
    try:
        assert _tables(engine) == set()
        assert migrate.current(engine) is None
        migrate.upgrade(empty_settings)
        assert migrate.current(engine) == migrate.head()
        assert _tables(engine) == set(Base.metadata.tables)
        migrate.downgrade(empty_settings, "base")
        assert _tables(engine) == set()
        assert migrate.current(engine) is None
        migrate.upgrade(empty_settings)  # and up again: downgrade left nothing behind
        assert _tables(engine) == set(Base.metadata.tables)
    finally:
        engine.dispose()


def test_head_matches_models(empty_settings: Settings) -> None:
    """Autogenerate finds nothing to do at head: the migrations and the models agree."""
    migrate.upgrade(empty_settings)
    engine = make_engine(empty_settings)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        engine.dispose()


def test_open_store_refuses_an_old_schema(empty_settings: Settings) -> None:
    """A database not at head is refused with a message that says to run db upgrade."""
    with pytest.raises(StoreNotReadyError, match="formfill db upgrade"):
        open_store(empty_settings)
    migrate.upgrade(empty_settings)
    engine, _sessions = open_store(empty_settings)
    engine.dispose()


def test_append_only_triggers_exist(empty_settings: Settings) -> None:
    """The migration installs the database half of append-only for each such table."""
    migrate.upgrade(empty_settings)
    engine = make_engine(empty_settings)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                q = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            else:
                q = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            names = " ".join(conn.execute(sa.text(q)).scalars())
        for table in APPEND_ONLY_TABLES:
            assert table in names
    finally:
        engine.dispose()


def test_the_audit_log_refuses_changes_after_every_migration(empty_settings: Settings) -> None:
    """Migration 0008 rebuilds audit_log on SQLite (a new check constraint), which drops a
    table's triggers: at head an UPDATE or DELETE of an entry is still refused by the database,
    and a 'deny' entry with its client is accepted."""
    migrate.upgrade(empty_settings)
    engine = make_engine(empty_settings)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO audit_log (at, actor_label, action, object_type, object_id,"
                    " client_id) VALUES (CURRENT_TIMESTAMP, 'test', 'deny', 'client', '7', 7)"
                )
            )
        for verb in ("UPDATE audit_log SET object_id = '8'", "DELETE FROM audit_log"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(sa.text(verb + " WHERE client_id = 7"))
        with engine.connect() as conn:
            assert (
                conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE client_id = 7")).scalar()
                == 1
            )
    finally:
        engine.dispose()
