"""The data folder is this user's only from the start: folders 0700; the database, its
journals, keys, artifacts and the embedded Redis's files 0600 (a probe found them 0644/0755)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from formfill import artifacts
from formfill.artifacts import new_key
from formfill.config import Settings
from formfill.store import Actor, make_engine, migrate, open_store, session_scope
from formfill.store.clients import create_client


def _loose(root: Path) -> list[str]:
    """Every path under root (root included) that someone else could read."""
    out = []
    for p in [root, *root.rglob("*")]:
        if p.is_socket():
            continue  # the Redis socket: mode 0700 by --unixsocketperm, in a 0700 folder
        mode = stat.S_IMODE(p.lstat().st_mode)
        if mode & 0o077:
            out.append(f"{p.relative_to(root.parent)} {mode:04o}")
    return out


@pytest.mark.redis
def test_a_fresh_data_folder_is_private(tmp_path: Path) -> None:
    from worker.connection import embedded_url, stop_embedded

    data = tmp_path / "data"
    settings = Settings(root=Path.cwd(), data_dir=data, font_path=None)  # generated keys
    migrate.upgrade(settings)
    engine, sessions = open_store(settings)
    try:
        with session_scope(sessions) as s:
            create_client(s, Actor.system("test"), "REF-PRIVATE")
    finally:
        engine.dispose()
    artifacts.save(settings, "synthetic scan of Máret's pay slip".encode(), "upload")
    embedded_url(settings)
    try:
        from worker.connection import connect

        connect(settings).set("probe", "1")
    finally:
        stop_embedded(settings)
    assert (data / "formfill.db").exists() and (data / "artifact.key").exists()
    assert any((data / "redis").iterdir())
    assert _loose(data) == []


def test_an_existing_loose_database_and_data_folder_are_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    settings = Settings(root=Path.cwd(), data_dir=data, font_path=None, artifact_key=new_key())
    migrate.upgrade(settings)
    (data / "formfill.db").chmod(0o644)
    data.chmod(0o755)
    make_engine(settings).dispose()
    assert _loose(data) == []


def test_a_shared_parent_is_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    url = f"sqlite:///{shared / 'ff.db'}"
    settings = Settings(
        root=Path.cwd(), data_dir=tmp_path / "data", font_path=None, database_url=url
    )
    make_engine(settings).dispose()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755  # not ours to narrow
    assert stat.S_IMODE((shared / "ff.db").stat().st_mode) == 0o600
