"""Users, caseloads, constraints and timestamps on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from formfill.errors import ConflictError, NotFoundError
from formfill.store import clients, notes, session_scope, users
from formfill.store.models import Application, User
from tests.store.conftest import SYSTEM, Store


def test_users_hash_and_authenticate(store: Store) -> None:
    """Passwords are argon2id hashes; email is case-insensitive; a duplicate is refused."""
    with session_scope(store.sessions) as s:
        u = users.create_user(
            s,
            SYSTEM,
            "Specialist@Example.org",
            "Sam Spec",
            "specialist",
            "correct horse",
            team="north",
        )
        assert u.password_hash.startswith("$argon2id$")
        assert "correct horse" not in u.password_hash
    with session_scope(store.sessions) as s:
        assert users.authenticate(s, "specialist@example.org", "correct horse") is not None
        assert users.authenticate(s, "specialist@example.org", "wrong") is None
        assert users.authenticate(s, "nobody@example.org", "x") is None
    with pytest.raises(ConflictError), session_scope(store.sessions) as s:
        users.create_user(s, SYSTEM, "specialist@example.org", "Again", "admin", "x")
    with pytest.raises(ValueError, match="role"), session_scope(store.sessions) as s:
        users.create_user(s, SYSTEM, "x@example.org", "X", "janitor", "x")


def test_caseload(store: Store) -> None:
    """A client on a specialist's caseload is listed once however often assigned."""
    with session_scope(store.sessions) as s:
        u = users.create_user(s, SYSTEM, "a@example.org", "A", "specialist", "pw")
        c1, c2 = clients.create_client(s, SYSTEM), clients.create_client(s, SYSTEM)
        users.assign(s, SYSTEM, u.id, c1.id)
        users.assign(s, SYSTEM, u.id, c1.id)
        assert [c.id for c in users.caseload(s, u.id)] == [c1.id]
        with pytest.raises(NotFoundError):
            users.assign(s, SYSTEM, u.id, c2.id + 100)


def test_check_constraints_hold_in_the_database(store: Store) -> None:
    """A status outside the lifecycle is refused by the database itself (ConflictError)."""
    with session_scope(store.sessions) as s:
        c = clients.create_client(s, SYSTEM)
    with pytest.raises(ConflictError), session_scope(store.sessions) as s:
        s.add(Application(client_id=c.id, form_id="f", status="lost"))
    with pytest.raises(ConflictError), session_scope(store.sessions) as s:
        s.add(Application(client_id=c.id, form_id="f", status="draft", decision="approved"))


def test_timestamps_are_aware_utc(store: Store) -> None:
    """Timestamps come back timezone-aware in UTC on every database."""
    with session_scope(store.sessions) as s:
        u = users.create_user(s, SYSTEM, "t@example.org", "T", "admin", "pw")
    with session_scope(store.sessions) as s:
        back = s.get(User, u.id)
        assert back is not None and back.created_at.tzinfo is not None
        assert abs((back.created_at - datetime.now(UTC)).total_seconds()) < 60


def test_notes_and_referrals(store: Store) -> None:
    """Follow-up notes and referrals belong to a client and are listed in order."""
    with session_scope(store.sessions) as s:
        c = clients.create_client(s, SYSTEM)
        notes.add_note(
            s,
            SYSTEM,
            c.id,
            "ask for the pay slip",
            follow_up_on=datetime(2026, 2, 1, tzinfo=UTC).date(),
        )
        r = notes.add_referral(
            s, SYSTEM, c.id, "debt counselling", datetime.now(UTC).date(), organisation="Kommune"
        )
        notes.set_referral_status(s, SYSTEM, r.id, "accepted")
        assert [n.body for n in notes.notes_for(s, SYSTEM, c.id)] == ["ask for the pay slip"]
        assert [x.status for x in notes.referrals_for(s, SYSTEM, c.id)] == ["accepted"]
        assert s.scalar(sa.select(sa.func.count()).select_from(User)) == 0
