"""Deadlines outside the app: each user's calendar feed (iCalendar, read by any calendar
program from a secret address), one rule for the web and the CLI.

The address holds a random secret; the store keeps only its SHA-256, so the address is shown
once, when it is made, and a new one voids the old. The feed holds what a calendar on a phone
may show: the client's reference (never a name, a national id or an amount), the deadline's
kind and its date. It lists the deadlines of the clients the user may see (their caseload; a
supervisor's team), open ones from a year back to a year ahead.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from formfill.store.audit import Actor, record
from formfill.store.clients import visible_client_ids
from formfill.store.models import Client, DeadlineRow, User
from formfill.text import localised

__all__ = ["KIND_TEXT", "calendar_feed", "feed_user", "issue_feed", "revoke_feed"]

HORIZON = timedelta(days=366)
KIND_TEXT = {
    "application": {"en": "Application deadline", "nb": "Søknadsfrist", "nl": "Aanvraagtermijn"},
    "expected_decision": {
        "en": "Decision expected",
        "nb": "Vedtak ventet",
        "nl": "Besluit verwacht",
    },
    "progress_report": {"en": "Progress report", "nb": "Rapport", "nl": "Voortgangsrapport"},
    "renewal": {"en": "Renewal", "nb": "Fornyelse", "nl": "Verlenging"},
    "appeal": {"en": "Appeal deadline", "nb": "Klagefrist", "nl": "Bezwaartermijn"},
    "custom": {"en": "Deadline", "nb": "Frist", "nl": "Termijn"},
}
CLIENT = {"en": "Client", "nb": "Klient", "nl": "Cliënt"}


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_feed(session: Session, actor: Actor, user_id: int) -> str:
    """A new secret for the user's feed address (the old address stops working)."""
    user = session.get(User, user_id)
    if user is None:
        raise LookupError(f"user {user_id}")
    secret = secrets.token_urlsafe(32)
    user.feed_token_hash = _digest(secret)
    record(session, actor, "update", "user", user_id, ["feed"])
    return secret


def revoke_feed(session: Session, actor: Actor, user_id: int) -> None:
    user = session.get(User, user_id)
    if user is not None and user.feed_token_hash is not None:
        user.feed_token_hash = None
        record(session, actor, "update", "user", user_id, ["feed"])


def feed_user(session: Session, secret: str) -> User | None:
    """The active user whose feed address holds ``secret``, else None."""
    if not secret or len(secret) > 100:
        return None
    q = sa.select(User).where(User.feed_token_hash == _digest(secret), User.active.is_(True))
    return session.scalar(q)


def calendar_feed(session: Session, user: User, on: date, language: str = "en") -> bytes:
    """The user's open deadlines as an iCalendar document: one all-day event each."""
    q = (
        sa.select(DeadlineRow, Client.reference)
        .join(Client, Client.id == DeadlineRow.client_id)
        .where(
            DeadlineRow.done.is_(False),
            DeadlineRow.due >= on - HORIZON,
            DeadlineRow.due <= on + HORIZON,
            DeadlineRow.client_id.in_(visible_client_ids(user)),
        )
        .order_by(DeadlineRow.due, DeadlineRow.id)
    )
    cal = Calendar()
    cal.add("prodid", "-//formfill//deadlines//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "formfill")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for row, reference in session.execute(q):
        who = reference or f"{localised(CLIENT, language)} {row.client_id}"
        what = localised(KIND_TEXT.get(row.kind), language, row.kind)
        event = Event()
        event.add("uid", f"deadline-{row.id}@formfill")
        event.add("dtstamp", stamp)
        event.add("dtstart", row.due)
        event.add("dtend", row.due + timedelta(days=1))
        event.add("summary", f"{who}: {what}")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    record(session, Actor.of(user), "read", "calendar_feed", user.id)
    data: bytes = cal.to_ical()
    return data
