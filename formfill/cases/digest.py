"""The daily e-mail digest: each specialist's and supervisor's overdue deadlines and those due
in the next 7 days, in their interface language, sent over SMTP (``FORMFILL_SMTP_URL``;
nothing is sent without it). Like the calendar feed, a digest names a client by reference and
gives the deadline's kind and date: no name, national id or amount travels by e-mail.

Sent at most once per user and day: each sending is recorded in the audit log
(``export`` of ``digest`` ``<user>-<day>``), and a user already recorded for the day is
skipped, so a job delivered twice, on any host, sends once.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

import sqlalchemy as sa
from babel.dates import format_date
from sqlalchemy.orm import Session, sessionmaker

from formfill.cases.feeds import CLIENT, KIND_TEXT
from formfill.errors import ConfigError
from formfill.store import deadlines
from formfill.store.audit import Actor, record
from formfill.store.clients import visible_client_ids
from formfill.store.db import session_scope
from formfill.store.models import AuditEntry, Client, DeadlineRow, User
from formfill.text import date_locale, localised

__all__ = ["Digest", "SmtpTarget", "digests", "parse_smtp_url", "send_digests"]

WITHIN = timedelta(days=7)
SYSTEM = Actor.system("digest")
TEXTS = {
    "subject": {
        "en": "formfill: {overdue} overdue, {due} due within 7 days",
        "nb": "formfill: {overdue} på overtid, {due} forfaller innen 7 dager",
        "nl": "formfill: {overdue} verlopen, {due} binnen 7 dagen",
    },
    "overdue": {"en": "Overdue", "nb": "På overtid", "nl": "Verlopen"},
    "due": {"en": "Due within 7 days", "nb": "Forfaller innen 7 dager", "nl": "Binnen 7 dagen"},
    "hello": {"en": "Hello {name},", "nb": "Hei {name},", "nl": "Hallo {name},"},
    "end": {
        "en": "Open formfill to see the clients and their applications.",
        "nb": "Åpne formfill for å se klientene og søknadene deres.",
        "nl": "Open formfill om de cliënten en hun aanvragen te zien.",
    },
}


@dataclass(frozen=True)
class Digest:
    user_id: int
    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    tls: str  # none | starttls | ssl
    user: str | None
    password: str | None
    sender: str


def parse_smtp_url(url: str) -> SmtpTarget:
    """``smtp://[user:password@]host[:port][?from=ADDRESS&starttls=1]`` or ``smtps://...``
    (TLS from the start, port 465)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("FORMFILL_SMTP_URL", "must be smtp://host[:port] or smtps://host[:port]")
    query = parse_qs(parts.query)
    sender = (query.get("from") or [""])[0] or f"formfill@{parts.hostname}"
    ssl = parts.scheme == "smtps"
    tls = "ssl" if ssl else ("starttls" if (query.get("starttls") or ["0"])[0] == "1" else "none")
    return SmtpTarget(
        parts.hostname,
        parts.port or (465 if ssl else 25),
        tls,
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
        sender,
    )


def _day(d: date, lang: str) -> str:
    return format_date(d, "medium", locale=date_locale(lang))


def _sent(session: Session, user_id: int, on: date) -> bool:
    q = sa.select(AuditEntry.id).where(
        AuditEntry.object_type == "digest", AuditEntry.object_id == f"{user_id}-{on.isoformat()}"
    )
    return session.scalar(q.limit(1)) is not None


def _line(row: DeadlineRow, refs: dict[int, str | None], lang: str) -> str:
    who = refs.get(row.client_id) or f"{localised(CLIENT, lang)} {row.client_id}"
    what = localised(KIND_TEXT.get(row.kind), lang, row.kind)
    return f"- {_day(row.due, lang)}: {who}: {what}"


def digests(session: Session, on: date) -> list[Digest]:
    """The digest of every active specialist and supervisor with something overdue or due in
    the next 7 days, not yet sent today."""
    users = session.scalars(
        sa.select(User).where(User.active.is_(True), User.role.in_(("specialist", "supervisor")))
    )
    out = []
    for user in users:
        if _sent(session, user.id, on):
            continue
        rows = deadlines.due(session, on, WITHIN, client_ids=visible_client_ids(user))
        if not rows:
            continue
        lang = user.locale or "en"
        refs = dict(
            session.execute(
                sa.select(Client.id, Client.reference).where(
                    Client.id.in_({r.client_id for r, _ in rows})
                )
            ).all()
        )

        late = [_line(r, refs, lang) for r, state in rows if state == "overdue"]
        soon = [_line(r, refs, lang) for r, state in rows if state != "overdue"]
        subject = localised(TEXTS["subject"], lang).format(overdue=len(late), due=len(soon))
        body = [localised(TEXTS["hello"], lang).format(name=user.name), ""]
        for key, lines in (("overdue", late), ("due", soon)):
            if lines:
                body += [localised(TEXTS[key], lang), *lines, ""]
        body.append(localised(TEXTS["end"], lang))
        out.append(Digest(user.id, user.email, subject, "\n".join(body) + "\n"))
    return out


Sender = Callable[[SmtpTarget, EmailMessage], None]


def smtp_send(target: SmtpTarget, message: EmailMessage) -> None:
    cls = smtplib.SMTP_SSL if target.tls == "ssl" else smtplib.SMTP
    with cls(target.host, target.port, timeout=30) as smtp:
        if target.tls == "starttls":
            smtp.starttls()
        if target.user:
            smtp.login(target.user, target.password or "")
        smtp.send_message(message)


def send_digests(
    sessions: sessionmaker[Session], smtp_url: str | None, on: date, send: Sender = smtp_send
) -> int:
    """Send today's digests; how many were sent (0 without ``smtp_url``). Each user's is
    recorded as sent in the same transaction that finds it, one user at a time, so a failure
    leaves the others sent and itself to the next run."""
    if not smtp_url:
        return 0
    target = parse_smtp_url(smtp_url)
    with session_scope(sessions) as session:
        pending = digests(session, on)
    sent = 0
    for digest in pending:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = (
            target.sender,
            digest.to,
            digest.subject,
        )
        message.set_content(digest.body)
        with session_scope(sessions) as session:
            if _sent(session, digest.user_id, on):
                continue  # another worker got there first
            send(target, message)
            record(session, SYSTEM, "export", "digest", f"{digest.user_id}-{on.isoformat()}")
        sent += 1
    return sent
