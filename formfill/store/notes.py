"""Follow-up notes on clients (and applications) and referrals to other services."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from formfill.store.audit import Actor, add_created, record
from formfill.store.clients import get_client
from formfill.store.db import get_row
from formfill.store.models import REFERRAL_STATUSES, Note, Referral

__all__ = ["add_note", "add_referral", "notes_for", "referrals_for", "set_referral_status"]


def add_note(
    session: Session,
    actor: Actor,
    client_id: int,
    body: str,
    application_id: int | None = None,
    follow_up_on: date | None = None,
) -> Note:
    get_client(session, client_id)
    note = Note(
        client_id=client_id,
        application_id=application_id,
        body=body,
        follow_up_on=follow_up_on,
        author_id=actor.user_id,
    )
    return add_created(session, actor, note, "note")


def notes_for(session: Session, actor: Actor, client_id: int) -> list[Note]:
    record(session, actor, "read", "notes", client_id)
    q = sa.select(Note).where(Note.client_id == client_id).order_by(Note.id)
    return list(session.scalars(q))


def add_referral(
    session: Session,
    actor: Actor,
    client_id: int,
    service: str,
    referred_on: date,
    organisation: str | None = None,
    reason: str | None = None,
) -> Referral:
    get_client(session, client_id)
    ref = Referral(
        client_id=client_id,
        service=service,
        organisation=organisation,
        reason=reason,
        referred_on=referred_on,
        referred_by=actor.user_id,
    )
    return add_created(session, actor, ref, "referral")


def set_referral_status(session: Session, actor: Actor, referral_id: int, status: str) -> Referral:
    if status not in REFERRAL_STATUSES:
        raise ValueError(f"referral status {status!r}: one of {', '.join(REFERRAL_STATUSES)}")
    ref = get_row(session, Referral, referral_id, "referral")
    ref.status = status
    record(session, actor, "update", "referral", ref.id, ["status"], ref.client_id)
    return ref


def referrals_for(session: Session, actor: Actor, client_id: int) -> list[Referral]:
    record(session, actor, "read", "referrals", client_id)
    q = sa.select(Referral).where(Referral.client_id == client_id).order_by(Referral.id)
    return list(session.scalars(q))
