"""Store fixtures: every store test runs on SQLite, and on PostgreSQL too when
FORMFILL_TEST_POSTGRES_URL is set (scripts/ci_postgres.sh prints one; marker ``postgres``).

SQLite: the schema is migrated once into a template file (with the folder's forms imported as
published versions, as `db upgrade` does), copied for each test with the blanks' artifacts.
PostgreSQL: the schema is migrated once per session (from base), and each test starts from
emptied tables (no forms: a test that wants them imports them)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from formfill.artifacts import new_key
from formfill.config import Settings
from formfill.store import Actor, make_engine, make_sessions, migrate
from formfill.store.models import Base

PG_URL = os.environ.get("FORMFILL_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
KEY = new_key()


@dataclass
class Store:
    settings: Settings
    engine: sa.Engine
    sessions: sessionmaker[Session]
    backend: str

    def session(self) -> Session:
        return self.sessions()


def base_settings(data_dir: Path, url: str = "") -> Settings:
    return Settings(
        root=Path(__file__).resolve().parents[2],
        data_dir=data_dir,
        font_path=None,
        database_url=url,
        artifact_key=KEY,
    )


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("template")
    migrate.upgrade(base_settings(d))
    return d / "formfill.db"


@pytest.fixture(scope="session")
def pg_migrated() -> str:
    if not PG_URL:
        pytest.skip("FORMFILL_TEST_POSTGRES_URL is not set (scripts/ci_postgres.sh gives one)")
    s = base_settings(Path("/nonexistent"), PG_URL)
    engine = make_engine(s)
    with engine.begin() as conn:  # start from nothing, whatever an earlier run left
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    migrate.upgrade(s, import_forms=False)  # emptied before every test anyway
    return PG_URL


def empty_pg(engine: sa.Engine) -> None:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    """A migrated, empty store on ``backend`` with its own data dir (artifacts)."""
    if backend == "postgres":
        url = request.getfixturevalue("pg_migrated")
        settings = base_settings(tmp_path, url)
        engine = make_engine(settings)
        empty_pg(engine)
    else:
        template = request.getfixturevalue("sqlite_template")
        shutil.copy(template, tmp_path / "formfill.db")
        if (template.parent / "artifacts").is_dir():  # the imported forms' blanks
            shutil.copytree(template.parent / "artifacts", tmp_path / "artifacts")
        settings = base_settings(tmp_path)
        engine = make_engine(settings)
    yield Store(settings, engine, make_sessions(engine), backend)
    engine.dispose()


@pytest.fixture
def empty_settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings for an empty database (no tables) on ``backend``."""
    if backend == "postgres":
        url = request.getfixturevalue("pg_migrated")
        s = base_settings(tmp_path, url)
        migrate.downgrade(s, "base")
        request.addfinalizer(lambda: migrate.upgrade(s))
        return s
    return replace(base_settings(tmp_path))


SYSTEM = Actor.system("test")
