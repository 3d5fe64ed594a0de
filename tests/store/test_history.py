"""Profile history with provenance, evidence proposals, the append-only audit log, batches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from formfill.errors import ConflictError, ProfileError, StoreError
from formfill.profile.provenance import Provenance
from formfill.profile.validation import load_profile, parse_profile
from formfill.store import audit, batches, clients, proposals, session_scope, users
from formfill.store.models import AuditEntry, ProfileVersion, User
from tests.store.conftest import SYSTEM, Store

CLIENT = Path(__file__).resolve().parents[2] / "personas" / "nb_single_parent.json"


def _client_with_profile(store: Store) -> tuple[int, int]:
    with session_scope(store.sessions) as s:
        u = users.create_user(s, SYSTEM, "spec@example.org", "Spec", "specialist", "pw")
        actor = audit.Actor.of(u)
        c = clients.create_client(s, actor)
        clients.save_profile(
            s,
            actor,
            c.id,
            load_profile(CLIENT),
            Provenance("imported", user_id=u.id, imported_from="intake.json"),
        )
        return c.id, u.id


def test_unchanged_values_keep_their_provenance(store: Store) -> None:
    """v2 changes one value by hand: it is 'typed'; every other value stays 'imported'."""
    client_id, user_id = _client_with_profile(store)
    actor = audit.Actor(user_id, f"user:{user_id}")
    with session_scope(store.sessions) as s:
        profile, v1 = clients.load_profile(s, actor, client_id)
        data = profile.model_dump(mode="json", exclude_none=True)
        data["contact"]["phone_mobile"] = "+47 900 00 001"
        v2 = clients.save_profile(
            s, actor, client_id, parse_profile(data), Provenance("typed", user_id=user_id)
        )
        assert (v1.version, v2.version) == (1, 2)
        assert v2.provenance["contact.phone_mobile"]["source"] == "typed"
        assert v2.provenance["person.given_name"]["source"] == "imported"
        assert v2.provenance["person.given_name"]["imported_from"] == "intake.json"
        assert v2.provenance["person.given_name"]["at"] == v1.provenance["person.given_name"]["at"]
        history = clients.profile_history(s, actor, client_id)
        assert [h.version for h in history] == [1, 2]


def test_accepted_proposal_carries_the_evidence(store: Store) -> None:
    """Accepting a proposal writes a version whose value names evidence, proposal, page, box;
    a corrected one says so; a rejected one writes nothing; a bad value is refused."""
    client_id, user_id = _client_with_profile(store)
    actor = audit.Actor(user_id, f"user:{user_id}")
    with session_scope(store.sessions) as s:
        ev = proposals.add_evidence(s, actor, client_id, "a" * 64, "slip.pdf", "application/pdf")
        p1 = proposals.add_proposal(
            s,
            actor,
            ev.id,
            "employment.employer",
            "Acme AS",
            page=1,
            box=(10, 20, 110, 32),
            confidence=0.93,
        )
        p2 = proposals.add_proposal(s, actor, ev.id, "contact.email", "kari@exmple.org")
        p3 = proposals.add_proposal(s, actor, ev.id, "person.birth_date", "not a date")
        p4 = proposals.add_proposal(s, actor, ev.id, "bank.bic", "XXXX")
        v = proposals.decide(s, actor, p1.id, "accepted")
        assert v is not None
        prov = v.provenance["employment.employer"]
        assert prov["source"] == "evidence"
        assert (prov["evidence_id"], prov["proposal_id"], prov["page"]) == (ev.id, p1.id, 1)
        assert prov["box"] == [10.0, 20.0, 110.0, 32.0]
        v2 = proposals.decide(s, actor, p2.id, "corrected", "kari@example.org")
        assert v2 is not None and v2.data["contact"]["email"] == "kari@example.org"
        assert v2.provenance["contact.email"]["corrected"] is True
        assert v2.provenance["employment.employer"] == prov
        assert (v.note, v2.note) == (
            f"accepted from evidence {ev.id}",
            f"corrected from evidence {ev.id}",
        )
        # the same value again, from evidence: a version for its provenance, noted as a
        # confirmation (nothing changed), never as a correction
        p5 = proposals.add_proposal(s, actor, ev.id, "contact.email", "kari@example.org", 1)
        v3 = proposals.decide(s, actor, p5.id, "corrected", "kari@example.org")
        assert (
            v3 is not None and v3.data == v2.data and v3.note == f"confirmed from evidence {ev.id}"
        )
        assert v3.provenance["contact.email"]["proposal_id"] == p5.id
        assert proposals.decide(s, actor, p4.id, "rejected") is None
        with pytest.raises(ConflictError):
            proposals.decide(s, actor, p4.id, "accepted")
        with pytest.raises(ProfileError):
            proposals.decide(s, actor, p3.id, "accepted")


def test_audit_log_is_append_only_and_holds_no_values(store: Store) -> None:
    """Reads and changes are logged by type and id; the ORM and the database both refuse to
    change or delete an entry (or a profile version); no profile value appears in the log."""
    client_id, user_id = _client_with_profile(store)
    actor = audit.Actor(user_id, f"user:{user_id}")
    with session_scope(store.sessions) as s:
        clients.load_profile(s, actor, client_id)
    with session_scope(store.sessions) as s:
        log = audit.entries(s)
        assert ("read", "profile", str(client_id)) in [
            (e.action, e.object_type, e.object_id) for e in log
        ]
        dump = json.dumps([[e.actor_label, e.object_type, e.object_id, e.fields] for e in log])
        for secret in ("Kari", "Nordmann", "0150"):
            assert secret not in dump
    for table, model in (("audit_log", AuditEntry), ("profile_versions", ProfileVersion)):
        with pytest.raises(ConflictError, match="append-only"), session_scope(store.sessions) as s:
            row = s.scalars(sa.select(model).limit(1)).one()
            s.delete(row)
        with pytest.raises(StoreError), session_scope(store.sessions) as s:
            s.execute(sa.text(f"UPDATE {table} SET id = id"))
        with pytest.raises(StoreError), session_scope(store.sessions) as s:
            s.execute(sa.text(f"DELETE FROM {table}"))
    with (
        pytest.raises(ValueError, match="values never go here"),
        session_scope(store.sessions) as s,
    ):
        audit.record(s, actor, "update", "profile", client_id, ["Kari Nordmann"])


def test_batch_items_move_and_the_batch_follows(store: Store) -> None:
    """queued -> running -> done|failed; a done item is never redone; the batch is done when
    no item is open; the JSON has the documented keys."""
    client_id, _ = _client_with_profile(store)
    with session_scope(store.sessions) as s:
        b = batches.create_batch(s, SYSTEM, [(client_id, "a"), (client_id, "b"), (client_id, "a")])
        ids = [i.id for i in b.items]
        assert len(ids) == 2 and b.state == "queued"
    with session_scope(store.sessions) as s:
        assert batches.start_item(s, ids[0], "job-1") is not None
        batches.finish_item(s, ids[0], "f" * 64, {"ok": True})
        assert batches.start_item(s, ids[0]) is None  # done: skip
        batches.finish_item(s, ids[0], "f" * 64)  # idempotent
        with pytest.raises(ConflictError):
            batches.finish_item(s, ids[0], "e" * 64)
        batches.start_item(s, ids[1])
        assert batches.get_batch(s, b.id).state == "running"
        batches.fail_item(s, ids[1], "person.birth_date: required value missing")
    with session_scope(store.sessions) as s:
        view = batches.batch_dict(batches.get_batch(s, b.id))
        assert view["state"] == "done"
        assert [(i["status"], i["attempts"]) for i in view["items"]] == [("done", 1), ("failed", 1)]
        assert view["items"][1]["error"].startswith("person.birth_date")
        batches.requeue_item(s, ids[1])
        assert batches.get_batch(s, b.id).state == "running"


def test_batches_visible_to_their_maker_and_the_makers_supervisor_only(store: Store) -> None:
    """The one visibility rule every shell asks: own batches; a supervisor sees the team's."""
    with session_scope(store.sessions) as s:
        a = users.create_user(s, SYSTEM, "a@example.org", "A", "specialist", "pw", team="north")
        b = users.create_user(s, SYSTEM, "b@example.org", "B", "specialist", "pw", team="south")
        boss = users.create_user(s, SYSTEM, "n@example.org", "N", "supervisor", "pw", team="north")
        admin = users.create_user(s, SYSTEM, "x@example.org", "X", "admin", "pw")
        c = clients.create_client(s, audit.Actor.of(a))
        mine = batches.create_batch(s, audit.Actor.of(a), [(c.id, "nav-barnetrygd")]).id
        theirs = batches.create_batch(s, audit.Actor.of(b), [(c.id, "nav-barnetrygd")]).id

        def seen(user: User) -> set[int]:
            return set(s.scalars(batches.visible_batch_ids(user)).all())

        assert seen(a) == {mine}
        assert seen(b) == {theirs}
        assert seen(boss) == {mine}
        assert seen(admin) == set()


def test_a_new_income_source_is_accepted_with_its_sibling_proposals(store: Store) -> None:
    """A pay slip for a client with no income yet: accepting the amount alone cannot make a
    valid income source (kind and period are required), and each of the three was refused for
    lacking the others (walk 4's blocker). Accepting one takes the same document's undecided
    proposals for that source with it; a rejected one stays rejected; a proposal for a source
    the client already has is accepted alone."""
    client_id, user_id = _client_with_profile(store)
    actor = audit.Actor(user_id, f"user:{user_id}")
    with session_scope(store.sessions) as s:
        data = clients.latest_version(s, client_id).data  # type: ignore[union-attr]
        index = len(data.get("income", {}).get("sources", []))
        ev = proposals.add_evidence(s, actor, client_id, "b" * 64, "slip.pdf", "application/pdf")
        base = f"income.sources[{index}]"
        amount = proposals.add_proposal(s, actor, ev.id, f"{base}.amount", "42500.00")
        kind = proposals.add_proposal(s, actor, ev.id, f"{base}.kind", "salary")
        period = proposals.add_proposal(s, actor, ev.id, f"{base}.period", "month")
        payer = proposals.add_proposal(s, actor, ev.id, f"{base}.payer", "Kari Nordmann AS")
        proposals.decide(s, actor, payer.id, "rejected")
        proposals.decide(s, actor, amount.id, "corrected", "41000")
        source = clients.latest_version(s, client_id).data["income"]["sources"][index]  # type: ignore[union-attr]
        assert source["amount"] in ("41000", "41000.00", 41000) or str(source["amount"]) == "41000"
        assert source["kind"] == "salary" and source["period"] == "month"
        assert "payer" not in source or source["payer"] in (None, "")
        assert (kind.status, period.status, payer.status) == ("accepted", "accepted", "rejected")
        later = proposals.add_proposal(s, actor, ev.id, f"{base}.currency", "EUR")
        proposals.decide(s, actor, later.id, "accepted")
        assert later.status == "accepted"
