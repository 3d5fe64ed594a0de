"""Artifacts: uploads and generated documents, addressed by the sha256 of their content.

A file lives at ``<data_dir>/artifacts/ab/cdef…`` (the first two hex digits are a folder) and is
encrypted at rest with AES-256-GCM. Layout of a stored file::

    b"FFA1" | len(kind) (1 byte) | kind (ASCII) | nonce (12 bytes) | ciphertext + tag

The header (magic and kind) and the id are the GCM associated data, so a file renamed to another
id, a changed kind or a flipped bit fails to decrypt; after decryption the content's sha256 must
equal the id. Writes are atomic (a temporary file in the same folder, fsync, rename) and
idempotent: saving content that is already stored returns its id and writes nothing.

The key: ``Settings.artifact_key`` (FORMFILL_ARTIFACT_KEY, base64url of 32 bytes). Production
refuses to run without it; development generates one on first use and keeps it in
``<data_dir>/artifact.key`` with permissions 0600 (lose that file and the artifacts are lost).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from formfill.config import Settings, private_dir
from formfill.errors import ArtifactCorruptError, ArtifactNotFoundError, ConfigError

__all__ = [
    "ArtifactInfo",
    "artifact_key",
    "exists",
    "export",
    "info",
    "new_key",
    "read",
    "save",
]

MAGIC = b"FFA1"
NONCE_BYTES = 12
KEY_VARIABLE = "FORMFILL_ARTIFACT_KEY"
_ID = re.compile(r"[0-9a-f]{64}")
_KIND = re.compile(r"[a-z][a-z0-9_-]{0,31}")


@dataclass(frozen=True)
class ArtifactInfo:
    id: str
    kind: str
    stored_bytes: int  # size on disk (encrypted)


def new_key() -> str:
    """A fresh key in the form FORMFILL_ARTIFACT_KEY takes (base64url of 32 random bytes)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def _decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        key = b""
    if len(key) != 32:
        raise ConfigError(
            where,
            "must be 32 random bytes in base64url (44 characters); make one with "
            '`python -c "from formfill.artifacts import new_key; print(new_key())"`',
        )
    return key


def artifact_key(settings: Settings) -> bytes:
    """The AES-256 key: from the settings, else (development only) the data dir's key file."""
    if settings.artifact_key:
        return _decode_key(settings.artifact_key, KEY_VARIABLE)
    if settings.environment == "production":
        raise ConfigError(
            KEY_VARIABLE, "is not set; production needs the key that encrypts stored artifacts"
        )
    path = settings.artifact_key_file
    if not path.exists():
        _create_key_file(path)
    return _decode_key(path.read_text(encoding="ascii"), str(path))


def _create_key_file(path: Path) -> None:
    """Write a new key with mode 0600, atomically; a concurrent creator's key wins."""
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(new_key() + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # fails if another process created it first
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)


def _check_id(artifact_id: str) -> None:
    if not _ID.fullmatch(artifact_id):
        raise ArtifactNotFoundError(artifact_id, "not an artifact id (64 hex digits)")


def _path(settings: Settings, artifact_id: str) -> Path:
    return settings.artifacts_dir / artifact_id[:2] / artifact_id[2:]


def _header(kind: str) -> bytes:
    return MAGIC + bytes([len(kind)]) + kind.encode("ascii")


def save(settings: Settings, data: bytes, kind: str) -> str:
    """Store ``data`` encrypted; return its id (sha256 hex). Saving it again writes nothing.

    ``kind`` is a short label (``upload``, ``output``, ``receipt``, ``evidence``, ...) kept in
    the authenticated header; content already stored keeps the kind it was first saved with."""
    if not _KIND.fullmatch(kind):
        raise ValueError(f"artifact kind {kind!r}: lowercase letters, digits, _ or -, at most 32")
    artifact_id = hashlib.sha256(data).hexdigest()
    target = _path(settings, artifact_id)
    if target.exists():
        return artifact_id
    key = artifact_key(settings)
    header = _header(kind)
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, data, header + artifact_id.encode("ascii"))
    _write_atomic(target, header + nonce + sealed)
    return artifact_id


def _write_atomic(target: Path, blob: bytes) -> None:
    private_dir(target.parent)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a crash
    finally:
        os.close(dir_fd)


def _load(settings: Settings, artifact_id: str) -> tuple[str, bytes, bytes]:
    """(kind, header, rest) of a stored file."""
    _check_id(artifact_id)
    try:
        blob = _path(settings, artifact_id).read_bytes()
    except FileNotFoundError:
        raise ArtifactNotFoundError(artifact_id, "not stored") from None
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 1:
        raise ArtifactCorruptError(artifact_id, "not a formfill artifact (bad header)")
    n = blob[len(MAGIC)]
    end = len(MAGIC) + 1 + n
    try:
        kind = blob[len(MAGIC) + 1 : end].decode("ascii")
    except UnicodeDecodeError:
        raise ArtifactCorruptError(artifact_id, "bad header") from None
    if not _KIND.fullmatch(kind) or len(blob) < end + NONCE_BYTES + 16:
        raise ArtifactCorruptError(artifact_id, "bad header")
    return kind, blob[:end], blob[end:]


def read(settings: Settings, artifact_id: str) -> bytes:
    """The content of an artifact, decrypted and checked against its id.

    ArtifactNotFoundError if absent; ArtifactCorruptError if it was changed or damaged."""
    _kind, header, rest = _load(settings, artifact_id)
    nonce, sealed = rest[:NONCE_BYTES], rest[NONCE_BYTES:]
    try:
        data = AESGCM(artifact_key(settings)).decrypt(
            nonce, sealed, header + artifact_id.encode("ascii")
        )
    except InvalidTag:
        raise ArtifactCorruptError(
            artifact_id, "does not decrypt: changed on disk, or encrypted with another key"
        ) from None
    if hashlib.sha256(data).hexdigest() != artifact_id:
        raise ArtifactCorruptError(artifact_id, "content does not match its sha256")
    return data


def exists(settings: Settings, artifact_id: str) -> bool:
    """True when an artifact with this id is stored (without reading or verifying it)."""
    return bool(_ID.fullmatch(artifact_id)) and _path(settings, artifact_id).is_file()


def info(settings: Settings, artifact_id: str) -> ArtifactInfo:
    """Kind and stored size, from the header (not verified: use :func:`read` for that)."""
    kind, _header_bytes, _rest = _load(settings, artifact_id)
    size = _path(settings, artifact_id).stat().st_size
    return ArtifactInfo(artifact_id, kind, size)


def export(settings: Settings, artifact_id: str, target: Path) -> Path:
    """Write the verified, decrypted content to ``target`` atomically (for a download/ZIP)."""
    _write_atomic(target, read(settings, artifact_id))
    return target
