"""From screening to work: a draft application for a program, with its claim deadline."""

from __future__ import annotations

from datetime import date, timedelta

from formfill.cases.apply import open_application
from formfill.store import clients, deadlines, session_scope
from tests.program_fixtures import catalog
from tests.store.conftest import SYSTEM, Store


def test_open_application_with_claim_deadline(store: Store) -> None:
    with session_scope(store.sessions) as s:
        client = clients.create_client(s, SYSTEM)
        made = open_application(
            s, SYSTEM, client.id, catalog().get("kinderopvangtoeslag"), date(2025, 3, 2)
        )
        assert made.application.program == "kinderopvangtoeslag"
        assert made.application.form_id == "toeslag-aanvraag"
        assert [(d.kind, d.due) for d in made.deadlines] == [("application", date(2025, 6, 30))]
        other = open_application(
            s, SYSTEM, client.id, catalog().get("kinderbijslag"), date(2025, 3, 2)
        )
        assert other.application.form_id == "program:kinderbijslag" and other.deadlines == ()
        due = deadlines.due(s, date(2025, 6, 20), timedelta(days=14), [client.id])
        assert [row.due for row, state in due] == [date(2025, 6, 30)]
