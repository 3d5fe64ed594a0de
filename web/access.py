"""Who may see what: a specialist their caseload, a supervisor their team's, an admin no client
data. A client (or anything of a client) outside that is answered 404, as if it did not exist;
when it does exist, the refusal is in the audit log (``deny``: who asked for what, no value)."""

from __future__ import annotations

import sqlalchemy as sa

from formfill.errors import NotFoundError
from formfill.store.batches import visible_batch_ids
from formfill.store.clients import visible_client_ids
from formfill.store.db import MAX_ID
from formfill.store.models import Batch, Client
from web.auth import me
from web.security import note_denial
from web.services import db


def visible_ids() -> sa.Select[int]:
    return visible_client_ids(me().row())


def deny(object_type: str, object_id: object, client_id: int | None = None) -> None:
    """Audit the signed-in user's refused request for an object that exists."""
    note_denial(me().actor, object_type, object_id, client_id)


def client_or_404(client_id: int, asked: tuple[str, object] | None = None) -> Client:
    """The client, when the user may see it; else NotFoundError. ``asked``: the object of the
    client that was asked for (``("evidence", 7)``), named in the audit of a refusal."""
    if not 0 < client_id <= MAX_ID:
        raise NotFoundError("client", client_id)
    allowed = db().scalar(
        sa.select(Client).where(Client.id == client_id, Client.id.in_(visible_ids()))
    )
    if allowed is None:
        if db().get(Client, client_id) is not None:
            object_type, object_id = asked or ("client", client_id)
            deny(object_type, object_id, client_id)
        raise NotFoundError("client", client_id)
    return allowed


def can_see_client(client_id: int) -> bool:
    return db().scalar(sa.select(sa.literal(1)).where(sa.literal(client_id).in_(visible_ids())))


def recent_batches(limit: int) -> list[Batch]:
    """The newest batches the user may see (the page and the API list the same ones)."""
    q = sa.select(Batch).where(Batch.id.in_(visible_batches())).order_by(Batch.id.desc())
    return list(db().scalars(q.limit(limit)).all())


def visible_batches() -> sa.Select[int]:
    return visible_batch_ids(me().row())


def batch_or_404(batch_id: int) -> Batch:
    from formfill.store.batches import get_batch

    if not 0 < batch_id <= MAX_ID:
        raise NotFoundError("batch", batch_id)
    if (
        db().scalar(
            sa.select(Batch.id).where(Batch.id == batch_id, Batch.id.in_(visible_batches()))
        )
        is None
    ):
        if db().get(Batch, batch_id) is not None:
            _deny_batch(batch_id)
        raise NotFoundError("batch", batch_id)
    return get_batch(db(), batch_id)


# what a refused request for a batch asked for, by the page (the audit says "packet", not
# "batch", for a packet PDF: it holds a client's whole filled file)
_BATCH_ASKED = {
    "batches.download_zip": "batch_zip",
    "batches.packet": "packet",
    "batches.item_page": "output",
    "batches.item_preview": "output",
    "batches.track": "batch_item",
}
MAX_DENIED_CLIENTS = 50  # a refusal names at most this many of the batch's clients


def _deny_batch(batch_id: int) -> None:
    """A refusal of a batch, once per client it holds: each client's trail, and their
    supervisor's audit page, shows that someone asked for their filled documents."""
    from flask import request

    from formfill.store.models import BatchItem

    asked = _BATCH_ASKED.get(request.endpoint or "", "batch")
    client_ids = (
        db()
        .scalars(
            sa.select(BatchItem.client_id)
            .where(BatchItem.batch_id == batch_id)
            .distinct()
            .order_by(BatchItem.client_id)
            .limit(MAX_DENIED_CLIENTS)
        )
        .all()
    )
    if not client_ids:
        deny(asked, batch_id)
    for client_id in client_ids:
        deny(asked, batch_id, client_id)
