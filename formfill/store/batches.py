"""Batches and their items: the store side of the queue (the queue itself comes later).

Item statuses: queued -> running -> done | failed (a failed or abandoned running item may be
queued again). The batch state follows its items: queued until one starts, running until every
item is done or failed, then done. Every update is idempotent: a done item is never redone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from formfill.errors import ConflictError, NotFoundError
from formfill.store.audit import Actor, record
from formfill.store.db import get_row
from formfill.store.forms import current_version
from formfill.store.models import Batch, BatchItem, User, utcnow

__all__ = [
    "batch_dict",
    "create_batch",
    "fail_item",
    "finish_item",
    "get_batch",
    "get_item",
    "refresh_state",
    "requeue_item",
    "set_job_ids",
    "start_item",
]


_APPLICATION_LABEL = re.compile(r"application (\d+)")


def application_label(application_id: int) -> str:
    """The label of a batch launched from an application (a code, not for readers)."""
    return f"application {application_id}"


def application_of(label: str | None) -> int | None:
    """The application a batch was launched from, read from its label; None for others."""
    m = _APPLICATION_LABEL.fullmatch(label or "")
    return int(m.group(1)) if m else None


def visible_batch_ids(user: User) -> sa.Select[int]:
    """The ids of the batches ``user`` may see: their own; a supervisor's team's too (the web,
    the API and any other shell ask this, so they list the same batches)."""
    if user.role == "supervisor" and user.team:
        team = sa.select(User.id).where(User.team == user.team)
        return sa.select(Batch.id).where(Batch.created_by.in_(team))
    return sa.select(Batch.id).where(Batch.created_by == user.id)


def create_batch(
    session: Session,
    actor: Actor,
    items: Iterable[tuple[int, str]],
    label: str | None = None,
    options: dict[str, Any] | None = None,
) -> Batch:
    """A batch of (client id, form id) items, all queued (duplicates collapse to one). Each
    item records the form's current published version: the one it is planned and filled with,
    whatever is published while it waits (a Word template has none)."""
    batch = Batch(label=label, options=options or {}, created_by=actor.user_id)
    session.add(batch)
    session.flush()
    seen: set[tuple[int, str]] = set()
    versions: dict[str, int | None] = {}
    for client_id, form_id in items:
        if (client_id, form_id) in seen:
            continue
        seen.add((client_id, form_id))
        if form_id not in versions:
            current = current_version(session, form_id)
            versions[form_id] = current.id if current is not None else None
        session.add(
            BatchItem(
                batch_id=batch.id,
                client_id=client_id,
                form_id=form_id,
                form_version_id=versions[form_id],
            )
        )
    session.flush()
    record(session, actor, "create", "batch", batch.id)
    return batch


def get_batch(session: Session, batch_id: int) -> Batch:
    q = sa.select(Batch).options(selectinload(Batch.items)).where(Batch.id == batch_id)
    batch = session.scalar(q)
    if batch is None:
        raise NotFoundError("batch", batch_id)
    return batch


def get_item(session: Session, item_id: int, lock: bool = False) -> BatchItem:
    q = sa.select(BatchItem).where(BatchItem.id == item_id)
    if lock:
        q = q.with_for_update()  # PostgreSQL row lock; SQLite serialises writers anyway
    item = session.scalar(q)
    if item is None:
        raise NotFoundError("batch item", item_id)
    return item


def start_item(session: Session, item_id: int, job_id: str | None = None) -> BatchItem | None:
    """Mark an item running and count the attempt; None if it is already done (skip it)."""
    item = get_item(session, item_id, lock=True)
    if item.status == "done":
        return None
    item.status, item.job_id, item.error = "running", job_id, None
    item.attempts += 1
    item.started_at, item.finished_at = utcnow(), None
    batch = session.get(Batch, item.batch_id)
    if batch is not None and batch.state == "queued":
        batch.state, batch.started_at = "running", utcnow()
    return item


def finish_item(
    session: Session, item_id: int, output_artifact: str, report: dict[str, Any] | None = None
) -> BatchItem:
    """Record a verified output; a second finish of a done item must name the same output."""
    item = get_item(session, item_id, lock=True)
    if item.status == "done":
        if item.output_artifact != output_artifact:
            raise ConflictError(f"batch item {item_id} is done with another output")
        return item
    item.status, item.output_artifact, item.report, item.error = (
        "done",
        output_artifact,
        report,
        None,
    )
    item.finished_at = utcnow()
    refresh_state(session, item.batch_id)
    return item


def fail_item(session: Session, item_id: int, error: str) -> BatchItem:
    """Record a failure and its user-facing message (a done item stays done)."""
    item = get_item(session, item_id, lock=True)
    if item.status != "done":
        item.status, item.error, item.finished_at = "failed", error, utcnow()
        refresh_state(session, item.batch_id)
    return item


def requeue_item(session: Session, item_id: int) -> BatchItem:
    """Put a failed or abandoned running item back to queued (a done item stays done)."""
    item = get_item(session, item_id, lock=True)
    if item.status != "done":
        item.status, item.job_id, item.finished_at = "queued", None, None
        batch = session.get(Batch, item.batch_id)
        if batch is not None and batch.state == "done":
            batch.state, batch.finished_at = "running", None
    return item


def set_job_ids(session: Session, job_ids: dict[int, str]) -> None:
    """Remember which queue job carries each queued item (reconciliation looks for it)."""
    for item_id, job_id in job_ids.items():
        session.execute(
            sa.update(BatchItem)
            .where(BatchItem.id == item_id, BatchItem.status == "queued")
            .values(job_id=job_id)
        )


def refresh_state(session: Session, batch_id: int) -> str:
    """Recompute the batch state from its items (done when none is queued or running)."""
    session.flush()
    batch = get_row(session, Batch, batch_id, "batch")
    counts = dict(
        session.execute(
            sa.select(BatchItem.status, sa.func.count())
            .where(BatchItem.batch_id == batch_id)
            .group_by(BatchItem.status)
        ).all()
    )
    open_items = counts.get("queued", 0) + counts.get("running", 0)
    if open_items == 0 and counts:
        if batch.state != "done":
            batch.state, batch.finished_at = "done", utcnow()
    elif counts.get("running", 0) or counts.get("done", 0) or counts.get("failed", 0):
        batch.state = "running"
    return batch.state


def batch_dict(batch: Batch) -> dict[str, Any]:
    """The JSON shape of `formfill batch status` (``output`` is the artifact id here; the CLI
    replaces it with the path it exports to)."""
    counts: dict[str, int] = {}
    for item in batch.items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return {
        "id": batch.id,
        "state": batch.state,
        "label": batch.label,
        "counts": counts,
        "items": [
            {
                "id": i.id,
                "client": i.client_id,
                "form": i.form_id,
                "form_version": i.form_version_id,
                "status": i.status,
                "output": i.output_artifact,
                "error": i.error,
                "attempts": i.attempts,
                "application": i.application_id,
            }
            for i in batch.items
        ],
    }
