"""The daily deadline digest, sent to a real SMTP server (aiosmtpd on loopback): each
specialist gets their own clients' overdue and coming deadlines by reference, kind and date,
in their language, once a day however often the job runs; without FORMFILL_SMTP_URL nothing
is sent. And the job is scheduled on RQ's scheduler in a real (embedded) Redis, once a day."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from formfill.cases.digest import parse_smtp_url, send_digests
from formfill.errors import ConfigError
from formfill.lifecycle import Deadline, DeadlineKind
from formfill.store import clients, session_scope
from formfill.store import users as store_users
from formfill.store.deadlines import add_computed
from tests.store.conftest import SYSTEM, Store

ON = date(2026, 12, 3)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(msg)  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    inbox = Inbox()
    with socket.socket() as probe:  # a free port: the controller checks it by connecting
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{port}?from=formfill@example.org"
    finally:
        controller.stop()


def _world(store: Store) -> dict[str, int]:
    with session_scope(store.sessions) as s:
        kari = store_users.create_user(s, SYSTEM, "kari@example.org", "Kari Veileder",
                                       "specialist", "pw-long-enough-1", team="a")  # fmt: skip
        kari.locale = "nb"
        jan = store_users.create_user(s, SYSTEM, "jan@example.org", "Jan Consulent",
                                      "specialist", "pw-long-enough-2", team="b")  # fmt: skip
        idle = store_users.create_user(s, SYSTEM, "idle@example.org", "Idle", "specialist",
                                       "pw-long-enough-3", team="b")  # fmt: skip
        ids = {"kari": kari.id, "jan": jan.id, "idle": idle.id}
        for who, ref, days, kind in (
            ("kari", "REF-DIG-1", -2, DeadlineKind.APPEAL),  # overdue
            ("kari", "REF-DIG-2", 5, DeadlineKind.APPLICATION),  # within 7 days
            ("kari", "REF-DIG-3", 30, DeadlineKind.RENEWAL),  # later: not in today's digest
            ("jan", "REF-DIG-4", 1, DeadlineKind.EXPECTED_DECISION),
        ):
            c = clients.create_client(s, SYSTEM, ref)
            c.name = f"Name of {ref}"
            store_users.assign(s, SYSTEM, ids[who], c.id)
            add_computed(s, SYSTEM, c.id, None, Deadline(kind, ON + timedelta(days), "r", "t"))
        return ids


def test_each_specialist_gets_their_own_deadlines_once_a_day(
    store: Store, smtp: tuple[Inbox, str]
) -> None:
    inbox, url = smtp
    _world(store)
    assert send_digests(store.sessions, url, ON) == 2  # the idle specialist has nothing due
    by_to = {m["To"]: m for m in inbox.messages}
    assert set(by_to) == {"kari@example.org", "jan@example.org"}
    kari = by_to["kari@example.org"]
    assert kari["From"] == "formfill@example.org"
    assert kari["Subject"] == "formfill: 1 på overtid, 1 forfaller innen 7 dager"
    body = kari.get_content()
    assert "Hei Kari Veileder," in body
    assert "- 1. des. 2026: REF-DIG-1: Klagefrist" in body.split("Forfaller")[0]
    assert "- 8. des. 2026: REF-DIG-2: Søknadsfrist" in body
    assert "REF-DIG-3" not in body and "REF-DIG-4" not in body  # later; another's client
    assert "Name of" not in body  # no client's name travels by e-mail
    jan = by_to["jan@example.org"].get_content()
    assert "Hello Jan Consulent," in jan and "REF-DIG-4: Decision expected" in jan
    # the job delivered again the same day sends nothing more; the next day it sends again
    assert send_digests(store.sessions, url, ON) == 0 and len(inbox.messages) == 2
    assert send_digests(store.sessions, url, ON + timedelta(days=1)) == 2


def test_without_an_smtp_url_nothing_is_sent(store: Store, smtp: tuple[Inbox, str]) -> None:
    inbox, _url = smtp
    _world(store)
    assert send_digests(store.sessions, None, ON) == 0 and inbox.messages == []


def test_the_smtp_url_is_read_or_refused_by_name() -> None:
    t = parse_smtp_url("smtps://u%40x:p%3Aw@mail.example.org?from=ff@example.org")
    assert (t.host, t.port, t.tls, t.user, t.password, t.sender) == (
        "mail.example.org", 465, "ssl", "u@x", "p:w", "ff@example.org"
    )  # fmt: skip
    assert parse_smtp_url("smtp://m.example.org:587?starttls=1").tls == "starttls"
    with pytest.raises(ConfigError, match="FORMFILL_SMTP_URL"):
        parse_smtp_url("http://mail.example.org")


def test_the_digest_is_scheduled_once_for_the_next_morning(tmp_path: Path) -> None:
    """On RQ's scheduler, in a real embedded Redis, as a JSON job: asking twice (two workers
    starting) schedules one job, for 06:00 UTC the next morning."""
    from rq.registry import ScheduledJobRegistry

    from formfill.config import Settings
    from worker.queue import connect, get_queue, schedule_digest, stop_embedded

    settings = Settings.from_env({"FORMFILL_DATA_DIR": str(tmp_path / "data")})
    conn = connect(settings)
    try:
        now = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)
        first = schedule_digest(conn, now)
        assert first == "ff-digest-2026-12-04"
        assert schedule_digest(conn, now) is None
        registry = ScheduledJobRegistry(queue=get_queue(conn))
        assert registry.get_job_ids() == [first]
        at = registry.get_scheduled_time(first)
        assert at == datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
        early = schedule_digest(conn, datetime(2026, 12, 5, 5, 59, tzinfo=UTC))
        assert early == "ff-digest-2026-12-05"  # before 06:00: the same morning
    finally:
        conn.close()
        stop_embedded(settings)
