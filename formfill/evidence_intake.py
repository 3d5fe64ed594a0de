"""Evidence from upload to proposals: check and store an upload, then read it (in a queue job)
into proposals a specialist accepts, corrects or rejects.

``upload`` runs in the web request: the type is decided by content (``evidence``), past a limit
is an ``EvidenceError``, the bytes are stored encrypted (``artifacts``) and the file is recorded
as ``queued``. ``read`` runs in a worker: OCR or the text layer, extraction, one proposal row per
value, ``done``; it is idempotent (a file already read is skipped). ``fail`` records a failure's
message for the page that shows the file's state.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session, sessionmaker

from formfill import artifacts
from formfill.config import Settings
from formfill.errors import NotFoundError
from formfill.evidence import Limits, evidence_from_bytes
from formfill.extract import extract_evidence
from formfill.extractors import DocType
from formfill.store import session_scope
from formfill.store.audit import Actor
from formfill.store.models import EvidenceFile
from formfill.store.proposals import add_evidence, add_proposal

__all__ = ["MEDIA_TYPES", "fail", "read", "upload"]

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tiff": "image/tiff",
}
WORKER = Actor.system("worker")


def upload(
    settings: Settings,
    session: Session,
    actor: Actor,
    client_id: int,
    filename: str,
    data: bytes,
    limits: Limits | None = None,
) -> EvidenceFile:
    """Check ``data`` (EvidenceError: wrong type, past a limit), store it and record it as
    queued for reading. The caller enqueues the reading job after the commit."""
    evidence = evidence_from_bytes(data, filename, limits)
    artifact_id = artifacts.save(settings, data, "evidence")
    row = add_evidence(
        session,
        actor,
        client_id,
        artifact_id,
        filename[:255],
        MEDIA_TYPES[evidence.kind],
        pages=evidence.page_count,
    )
    row.status = "queued"
    return row


def _get(session: Session, evidence_id: int) -> EvidenceFile:
    row = session.get(EvidenceFile, evidence_id)
    if row is None:
        raise NotFoundError("evidence", evidence_id)
    return row


def read(
    settings: Settings,
    sessions: sessionmaker[Session],
    doc_types: Sequence[DocType],
    evidence_id: int,
) -> int:
    """Read one stored file into proposals; returns how many were proposed (0 when it was
    read before). Raises FormfillError for a file that cannot be read: record it with fail."""
    with session_scope(sessions) as session:
        row = _get(session, evidence_id)
        if row.status == "done":
            return 0
        row.status, row.error = "running", None
        artifact_id, filename = row.artifact_id, row.filename
    data = artifacts.read(settings, artifact_id)
    result = extract_evidence(
        evidence_from_bytes(data, filename), doc_types, settings.ocr_languages
    )
    with session_scope(sessions) as session:
        row = _get(session, evidence_id)
        if row.status == "done":  # another job got there first (delivery is at least once)
            return 0
        for p in result.proposals:
            add_proposal(
                session,
                WORKER,
                evidence_id,
                p.path,
                p.value,
                page=p.page,
                box=p.box,
                confidence=p.confidence,
            )
        row.doc_type = result.doc_type
        row.status = "done"
        return len(result.proposals)


def fail(sessions: sessionmaker[Session], evidence_id: int, message: str) -> None:
    """Record that reading failed, with the message the specialist sees."""
    with session_scope(sessions) as session:
        row = _get(session, evidence_id)
        if row.status != "done":
            row.status, row.error = "failed", message[:2000]
