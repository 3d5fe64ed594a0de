"""Evidence from upload to proposals: check and store an upload, then read it (in a queue job)
into proposals a specialist accepts, corrects or rejects.

``upload`` runs in the web request: the type is decided by content (``evidence``), past a limit
is an ``EvidenceError``, the bytes are stored encrypted (``artifacts``) and the file is recorded
as ``queued``. ``read`` runs in a worker: OCR or the text layer, extraction, one proposal row per
value, ``done``; it is idempotent (a file already read is skipped). ``fail`` records a failure's
message for the page that shows the file's state; ``retry`` puts a failed file back in the queue
(a person asked), ``lost_reads`` finds the reads the queue lost (the worker shell's
reconciliation queues them again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from formfill import artifacts
from formfill.cases.batch import MAX_CRASHES
from formfill.config import Settings
from formfill.errors import ConflictError
from formfill.evidence.extract import extract_evidence
from formfill.evidence.extractors import DocType
from formfill.evidence.files import Limits, evidence_from_bytes
from formfill.evidence.names import fit_names
from formfill.store import session_scope
from formfill.store.audit import Actor, record
from formfill.store.clients import latest_version
from formfill.store.db import get_row
from formfill.store.models import EvidenceFile
from formfill.store.proposals import add_evidence, add_proposal

__all__ = ["MEDIA_TYPES", "fail", "lost_reads", "read", "retry", "set_job", "upload"]

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
    row = get_row(session, EvidenceFile, evidence_id, "evidence")
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
        row.attempts += 1
        artifact_id, filename = row.artifact_id, row.filename
    data = artifacts.read(settings, artifact_id)
    result = extract_evidence(
        evidence_from_bytes(data, filename), doc_types, settings.ocr_languages
    )
    with session_scope(sessions) as session:
        row = _get(session, evidence_id)
        if row.status == "done":  # another job got there first (delivery is at least once)
            return 0
        latest = latest_version(session, row.client_id)
        proposals = fit_names(result.proposals, latest.data if latest is not None else {})
        for p in proposals:
            add_proposal(
                session,
                WORKER,
                evidence_id,
                p.path,
                p.value,
                page=p.page,
                box=p.box,
                confidence=p.confidence,
                basis=p.basis,
            )
        row.doc_type = result.doc_type
        row.status = "done"
        return len(proposals)


def fail(sessions: sessionmaker[Session], evidence_id: int, message: str) -> None:
    """Record that reading failed, with the message the specialist sees."""
    with session_scope(sessions) as session:
        row = _get(session, evidence_id)
        if row.status != "done":
            row.status, row.error = "failed", message[:2000]


def set_job(session: Session, evidence_id: int, job_id: str) -> None:
    """Remember which queue job reads this file (before it is enqueued, so a reconciliation
    running meanwhile does not enqueue it twice)."""
    _get(session, evidence_id).job_id = job_id


def retry(session: Session, actor: Actor, evidence_id: int) -> EvidenceFile:
    """Put a file whose reading failed back in the queue (ConflictError unless it failed). The
    caller records the new job (``set_job``) and enqueues it after the commit."""
    row = _get(session, evidence_id)
    if row.status != "failed":
        raise ConflictError(
            f"evidence {evidence_id} is {row.status}: only a failed read is tried again"
        )
    row.status, row.error, row.attempts, row.job_id = "queued", None, 0, None
    record(session, actor, "update", "evidence", evidence_id, ["status"], row.client_id)
    return row


def lost_reads(
    sessions: sessionmaker[Session], job_alive: Callable[[str | None], bool]
) -> list[int]:
    """Reads the queue lost: queued or running files whose job is gone (Redis lost it, or the
    worker reading it was killed). They are put back to queued and returned, to be enqueued
    again; a file whose reading stopped its worker ``MAX_CRASHES`` times is failed instead, so
    one damaged file cannot take the workers down again and again.

    ``job_alive(job_id)``: does the queue still hold that job, waiting or running on a live
    worker (the worker shell answers it from Redis)."""
    lost: list[int] = []
    with session_scope(sessions) as session:
        rows = session.scalars(
            sa.select(EvidenceFile).where(EvidenceFile.status.in_(("queued", "running")))
        ).all()
        for row in rows:
            if job_alive(row.job_id):
                continue
            if row.status == "running" and row.attempts >= MAX_CRASHES:
                row.status = "failed"
                row.error = (
                    f"the worker stopped while reading this file {row.attempts} times "
                    "(a damaged file?); not tried again"
                )
                continue
            row.status = "queued"
            lost.append(row.id)
    return lost
