"""artifacts: sha256-addressed, encrypted at rest, atomic, idempotent, tamper-evident."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from formfill import artifacts
from formfill.config import Settings
from formfill.errors import ArtifactCorruptError, ArtifactNotFoundError, ConfigError


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"FORMFILL_DATA_DIR": str(tmp_path), **env})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return _settings(tmp_path, FORMFILL_ARTIFACT_KEY=artifacts.new_key())


def _file(settings: Settings, aid: str) -> Path:
    return settings.data_dir / "artifacts" / aid[:2] / aid[2:]


def test_round_trip_and_encrypted_at_rest(settings: Settings) -> None:
    """The id is the sha256 of the content; the file on disk does not contain the content."""
    data = b"%PDF-1.7 Kari Nordmann 01010112345" * 10
    aid = artifacts.save(settings, data, "output")
    assert aid == hashlib.sha256(data).hexdigest()
    assert artifacts.read(settings, aid) == data
    assert b"Nordmann" not in _file(settings, aid).read_bytes()
    assert artifacts.info(settings, aid).kind == "output"
    assert artifacts.exists(settings, aid) and not artifacts.exists(settings, "0" * 64)
    out = artifacts.export(settings, aid, settings.data_dir / "out" / "x.pdf")
    assert out.read_bytes() == data


def test_idempotent_no_rewrite(settings: Settings) -> None:
    """Saving the same content again returns the same id and leaves the file untouched."""
    aid = artifacts.save(settings, b"same", "upload")
    path = _file(settings, aid)
    before = (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes())
    assert artifacts.save(settings, b"same", "receipt") == aid
    assert (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes()) == before


def test_tampering_is_detected(settings: Settings, tmp_path: Path) -> None:
    """A flipped bit, a file moved to another id, or another key: ArtifactCorruptError."""
    a = artifacts.save(settings, b"alpha", "upload")
    b = artifacts.save(settings, b"bravo", "upload")
    path = _file(settings, a)
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))
    with pytest.raises(ArtifactCorruptError):
        artifacts.read(settings, a)
    path.write_bytes(_file(settings, b).read_bytes())  # b's file under a's name
    with pytest.raises(ArtifactCorruptError):
        artifacts.read(settings, a)
    other = _settings(tmp_path, FORMFILL_ARTIFACT_KEY=artifacts.new_key())
    with pytest.raises(ArtifactCorruptError, match="another key"):
        artifacts.read(other, b)
    path.write_bytes(b"junk")
    with pytest.raises(ArtifactCorruptError, match="header"):
        artifacts.read(settings, a)
    with pytest.raises(ArtifactNotFoundError):
        artifacts.read(settings, "../../etc/passwd")
    with pytest.raises(ArtifactNotFoundError):
        artifacts.read(settings, "1" * 64)


def test_atomic_write_leaves_nothing_on_failure(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the rename fails (a crash mid-write), no artifact and no temporary file remain."""

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        artifacts.save(settings, b"never", "output")
    monkeypatch.undo()
    aid = hashlib.sha256(b"never").hexdigest()
    assert not artifacts.exists(settings, aid)
    assert list(_file(settings, aid).parent.iterdir()) == []
    assert artifacts.save(settings, b"never", "output") == aid  # and a retry works


def test_keys(tmp_path: Path) -> None:
    """Development makes a 0600 key file once; production without a key names the variable;
    a malformed key is refused."""
    dev = _settings(tmp_path)
    aid = artifacts.save(dev, b"x", "upload")
    key_file = tmp_path / "artifact.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert artifacts.read(_settings(tmp_path), aid) == b"x"  # same key next process
    with pytest.raises(ConfigError, match="FORMFILL_ARTIFACT_KEY"):
        artifacts.save(_settings(tmp_path, FORMFILL_ENV="production"), b"y", "upload")
    with pytest.raises(ConfigError, match="FORMFILL_ARTIFACT_KEY"):
        artifacts.save(_settings(tmp_path, FORMFILL_ARTIFACT_KEY="short"), b"y", "upload")
    with pytest.raises(ConfigError, match="FORMFILL_ENV"):
        _settings(tmp_path, FORMFILL_ENV="staging")
    with pytest.raises(ValueError, match="kind"):
        artifacts.save(dev, b"z", "Bad Kind")
