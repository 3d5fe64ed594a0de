"""From screening to work: a draft application for a program, with its claim deadline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from formfill.cases.apply import AlreadyOpen, open_application
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
        # no form of ours asks for kinderopvangtoeslag (the toeslagen form has no box for it)
        assert made.application.form_id == "program:kinderopvangtoeslag"
        assert [(d.kind, d.due) for d in made.deadlines] == [("application", date(2025, 6, 30))]
        other = open_application(
            s, SYSTEM, client.id, catalog().get("kinderbijslag"), date(2025, 3, 2)
        )
        assert other.application.form_id == "program:kinderbijslag" and other.deadlines == ()
        due = deadlines.due(s, date(2025, 6, 20), timedelta(days=14), [client.id])
        assert [row.due for row, state in due] == [date(2025, 6, 30)]


def test_a_second_application_for_an_open_one_is_refused_in_the_core(store: Store) -> None:
    """The web, the CLI (`screen --apply`) and tracking all call open_application: one refusal."""
    with session_scope(store.sessions) as s:
        client = clients.create_client(s, SYSTEM)
        program = catalog().get("kinderopvangtoeslag")
        first = open_application(s, SYSTEM, client.id, program, date(2025, 3, 2))
        with pytest.raises(AlreadyOpen) as refused:
            open_application(s, SYSTEM, client.id, program, date(2025, 4, 1))
        assert refused.value.application_id == first.application.id
        assert refused.value.program == "kinderopvangtoeslag"
