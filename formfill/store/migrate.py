"""Alembic, driven from code: ``formfill db upgrade`` is :func:`upgrade` (no alembic.ini; the
URL comes from Settings)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from formfill.config import Settings
from formfill.errors import StoreError, StoreNotReadyError
from formfill.store.audit import Actor

if TYPE_CHECKING:
    from formfill.store.forms import FolderImport

__all__ = ["alembic_config", "current", "downgrade", "head", "require_current", "upgrade"]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(settings: Settings) -> Config:
    """An Alembic Config for our migrations; env.py reads the URL from ``attributes``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["settings"] = settings
    return config


@contextmanager
def reaching(url: str) -> Iterator[None]:
    """Turn "cannot connect" and other driver errors into StoreError naming the database
    (password hidden)."""
    try:
        yield
    except sa.exc.DBAPIError as e:
        where = sa.make_url(url).render_as_string(hide_password=True)
        raise StoreError(f"database {where}: {e.orig}") from e


def upgrade(
    settings: Settings, revision: str = "head", import_forms: bool = True
) -> FolderImport | None:
    """Migrate to ``revision``; at head, import the folder's forms as published versions
    (idempotent: :func:`formfill.store.forms.import_folder`) and say what was imported."""
    with reaching(settings.database_url):
        command.upgrade(alembic_config(settings), revision)
    if revision != "head" or not import_forms:
        return None
    from formfill.store.db import make_engine, make_sessions, session_scope
    from formfill.store.forms import import_folder

    engine = make_engine(settings)
    try:
        with reaching(settings.database_url), session_scope(make_sessions(engine)) as session:
            return import_folder(settings, session, Actor.system("db-upgrade"))
    finally:
        engine.dispose()


def downgrade(settings: Settings, revision: str = "base") -> None:
    with reaching(settings.database_url):
        command.downgrade(alembic_config(settings), revision)


def head() -> str:
    script = ScriptDirectory.from_config(alembic_config(Settings.from_env({})))
    rev = script.get_current_head()
    assert rev is not None  # we ship at least one migration
    return rev


def current(engine: sa.Engine) -> str | None:
    with reaching(engine.url.render_as_string(hide_password=False)), engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def require_current(engine: sa.Engine) -> None:
    """StoreNotReadyError unless the database is at the head revision."""
    now, want = current(engine), head()
    if now != want:
        raise StoreNotReadyError(now, want)
