"""Applications through the lifecycle: events, submissions, deadlines from rules, refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from formfill.errors import InvalidTransitionError, TransitionDetailsError
from formfill.lifecycle import parse_rules
from formfill.store import applications as apps
from formfill.store import clients, deadlines, session_scope
from formfill.store.models import ApplicationEvent, DeadlineRow
from tests.store.conftest import SYSTEM, Store

RULES = parse_rules(
    [
        {"kind": "expected_decision", "after": "submitted", "weeks": 6},
        {
            "kind": "appeal",
            "after": "decided",
            "weeks": 6,
            "only_if": ["denied", "partly_approved"],
        },
        {
            "kind": "renewal",
            "after": "decided",
            "months": 12,
            "every_months": 12,
            "only_if": ["approved"],
        },
    ]
)
SUBMIT = apps.SubmissionDetails("portal", date(2026, 1, 31), "NAV-123", None)


def _new_app(store: Store) -> int:
    with session_scope(store.sessions) as s:
        c = clients.create_client(s, SYSTEM)
        return apps.create_application(s, SYSTEM, c.id, "nav-barnetrygd", program="barnetrygd").id


def _walk(store: Store, app_id: int, *steps: str) -> None:
    with session_scope(store.sessions) as s:
        for to in steps:
            sub = SUBMIT if to == "submitted" else None
            apps.advance(s, SYSTEM, app_id, to, date(2026, 1, 31), submission=sub, rules=RULES)


def test_full_life_records_every_event(store: Store) -> None:
    """draft -> ... -> closed: one event per step with from/to, who and a note."""
    app_id = _new_app(store)
    _walk(store, app_id, "ready", "filled", "reviewed", "submitted", "acknowledged")
    with session_scope(store.sessions) as s:
        apps.advance(
            s,
            SYSTEM,
            app_id,
            "decided",
            date(2026, 3, 1),
            decision="approved",
            note="letter of 1 March",
            rules=RULES,
        )
        apps.advance(s, SYSTEM, app_id, "closed", date(2026, 3, 2))
    with session_scope(store.sessions) as s:
        app = apps.get_application(s, app_id)
        assert (app.status, app.decision) == ("closed", "approved")
        events = list(s.scalars(sa.select(ApplicationEvent).order_by(ApplicationEvent.id)))
        assert [(e.from_status, e.to_status) for e in events] == [
            (None, "draft"),
            ("draft", "ready"),
            ("ready", "filled"),
            ("filled", "reviewed"),
            ("reviewed", "submitted"),
            ("submitted", "acknowledged"),
            ("acknowledged", "decided"),
            ("decided", "closed"),
        ]
        assert events[6].note == "letter of 1 March" and events[6].actor_label == "test"
        assert app.submission is not None
        assert (app.submission.channel, app.submission.reference) == ("portal", "NAV-123")


def test_refused_transition_writes_nothing(store: Store) -> None:
    """A move the lifecycle forbids raises InvalidTransitionError with what is allowed."""
    app_id = _new_app(store)
    with pytest.raises(InvalidTransitionError) as err, session_scope(store.sessions) as s:
        apps.advance(s, SYSTEM, app_id, "decided", date(2026, 1, 1), decision="approved")
    assert (err.value.from_status, err.value.to_status) == ("draft", "decided")
    assert err.value.allowed == ("ready", "withdrawn")
    with session_scope(store.sessions) as s:
        assert apps.get_application(s, app_id).status == "draft"
        assert s.scalar(sa.select(sa.func.count()).select_from(ApplicationEvent)) == 1


def test_final_states_and_withdrawal(store: Store) -> None:
    """Withdrawn is reachable from an open state, and nothing leaves it; open deadlines close."""
    app_id = _new_app(store)
    _walk(store, app_id, "ready", "filled", "reviewed", "submitted")
    _walk(store, app_id, "withdrawn")
    with session_scope(store.sessions) as s:
        assert all(d.done for d in apps.get_application(s, app_id).deadlines)
    with pytest.raises(InvalidTransitionError, match="it is final"):
        _walk(store, app_id, "draft")


def test_submission_needs_a_channel_and_decision_an_outcome(store: Store) -> None:
    """submitted without submission details, decided without a decision: refused."""
    app_id = _new_app(store)
    _walk(store, app_id, "ready", "filled", "reviewed")
    with pytest.raises(TransitionDetailsError, match="channel"), session_scope(store.sessions) as s:
        apps.advance(s, SYSTEM, app_id, "submitted", date(2026, 1, 1))
    _walk(store, app_id, "submitted")
    with (
        pytest.raises(TransitionDetailsError, match="decision"),
        session_scope(store.sessions) as s,
    ):
        apps.advance(s, SYSTEM, app_id, "decided", date(2026, 1, 1))


def test_deadlines_from_rules_and_due_listing(store: Store) -> None:
    """Submission on 31 Jan starts a 6-week decision deadline; a denial opens an appeal window,
    an approval a yearly renewal whose next occurrence follows when it is met."""
    app_id = _new_app(store)
    _walk(store, app_id, "ready", "filled", "reviewed", "submitted")
    with session_scope(store.sessions) as s:
        (row,) = apps.get_application(s, app_id).deadlines
        assert (row.kind, row.due, row.source) == ("expected_decision", date(2026, 3, 14), "rule")
        due = deadlines.due(s, date(2026, 3, 1), timedelta(days=14))
        assert [(r.id, state) for r, state in due] == [(row.id, "due")]
        assert deadlines.due(s, date(2026, 3, 20), timedelta(0))[0][1] == "overdue"
        assert deadlines.due(s, date(2026, 2, 1), timedelta(days=14)) == []
        apps.advance(
            s, SYSTEM, app_id, "decided", date(2026, 1, 31), decision="approved", rules=RULES
        )
        renewal = s.scalars(sa.select(DeadlineRow).where(DeadlineRow.kind == "renewal")).one()
        assert renewal.due == date(2027, 1, 31)
        nxt = deadlines.mark_done(s, SYSTEM, renewal.id, RULES)
        assert nxt is not None and nxt.due == date(2028, 1, 31)
        assert not s.scalars(sa.select(DeadlineRow).where(DeadlineRow.kind == "appeal")).all()
        manual = deadlines.add_manual(
            s, SYSTEM, row.client_id, "custom", date(2026, 2, 2), app_id, "call the caseworker"
        )
        assert manual.source == "manual"


def test_open_programs_are_what_the_client_is_applying_for(store: Store) -> None:
    """The programs of applications being prepared (a form's 'what do you apply for' boxes
    follow them); a withdrawn one is dropped, a sent one is applied for already (not asked
    again); another client's never count."""
    with session_scope(store.sessions) as s:
        c = clients.create_client(s, SYSTEM)
        other = clients.create_client(s, SYSTEM)
        zorg = apps.create_application(s, SYSTEM, c.id, "toeslag-aanvraag", program="zorgtoeslag")
        kgb = apps.create_application(
            s, SYSTEM, c.id, "toeslag-aanvraag", program="kindgebonden-budget"
        )
        apps.create_application(s, SYSTEM, c.id, "nav-barnetrygd")  # no program
        apps.create_application(s, SYSTEM, other.id, "toeslag-aanvraag", program="huurtoeslag")
        client_id, zorg_id, kgb_id, other_id = c.id, zorg.id, kgb.id, other.id
    with session_scope(store.sessions) as s:
        assert apps.open_programs(s, client_id) == {"zorgtoeslag", "kindgebonden-budget"}
        apps.advance(s, SYSTEM, kgb_id, "withdrawn", date(2026, 1, 31))
    with session_scope(store.sessions) as s:
        assert apps.open_programs(s, client_id) == {"zorgtoeslag"}
    _walk(store, zorg_id, "ready", "filled", "reviewed", "submitted")
    with session_scope(store.sessions) as s:
        assert apps.open_programs(s, client_id) == frozenset()  # sent: no longer being applied
        assert apps.sent_programs(s, client_id) == {"zorgtoeslag"}
        apps.advance(s, SYSTEM, zorg_id, "decided", date(2026, 2, 2), decision="approved")
    with session_scope(store.sessions) as s:
        assert apps.sent_programs(s, client_id) == {"zorgtoeslag"}  # decided: applied for
        assert apps.sent_programs(s, other_id) == frozenset()


def test_submitting_meets_the_application_deadline_and_deciding_the_expected_decision(
    store: Store,
) -> None:
    """Walk 8: after submit and decision the application deadline still asked to be done.
    Submitting marks the application's application deadline done (not its others); deciding
    marks the expected decision done; a custom deadline stays until someone marks it."""
    app_id = _new_app(store)
    with session_scope(store.sessions) as s:
        app = apps.get_application(s, app_id)
        deadlines.add_manual(s, SYSTEM, app.client_id, "application", date(2026, 3, 1), app_id)
        deadlines.add_manual(s, SYSTEM, app.client_id, "custom", date(2026, 3, 5), app_id)
    _walk(store, app_id, "ready", "filled", "reviewed", "submitted")

    def open_kinds() -> list[str]:
        with session_scope(store.sessions) as s:
            rows = s.scalars(
                sa.select(DeadlineRow).where(
                    DeadlineRow.application_id == app_id, DeadlineRow.done.is_(False)
                )
            )
            return sorted(r.kind for r in rows)

    assert open_kinds() == ["custom", "expected_decision"]
    with session_scope(store.sessions) as s:
        apps.advance(s, SYSTEM, app_id, "decided", date(2026, 2, 2), decision="approved",
                     rules=RULES)  # fmt: skip
    assert open_kinds() == ["custom", "renewal"]
