"""Alembic environment: the URL comes from Settings (passed in by formfill.store.migrate, or
Settings.from_env() when alembic is run by hand), never from alembic.ini."""

from __future__ import annotations

from alembic import context

from formfill.config import Settings
from formfill.store.db import make_engine
from formfill.store.models import Base

config = context.config
settings = config.attributes.get("settings") or Settings.from_env()


def run_migrations_offline() -> None:
    context.configure(
        url=settings.database_url,
        target_metadata=Base.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(settings)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
