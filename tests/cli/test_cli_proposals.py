"""`formfill evidence proposals|accept|correct|reject`: the review page's decisions from the
command line, as a named user, with clear errors and exit codes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from formfill.artifacts import new_key
from formfill.cli.evidence import register
from formfill.config import Settings
from formfill.profile.provenance import Provenance
from formfill.profile.validation import load_profile
from formfill.store import Actor, migrate, open_store, session_scope
from formfill.store import users as store_users
from formfill.store.audit import entries
from formfill.store.clients import create_client, latest_version, save_profile
from formfill.store.models import EvidenceProposal, Note
from formfill.store.proposals import add_evidence, add_proposal

REPO = Path(__file__).resolve().parents[2]
TUVA = REPO / "personas" / "nb_single_parent.json"
AMOUNT = "income.sources[0].amount"  # 38450.00 in the persona
MARET = "household.members[1].given_name"  # "Máret Čiekčá" in the persona
FNR = "identifiers.no_fnr"  # 14038841239
MINE = "specialist@example.org"
OTHER = "specialist2@example.org"


@click.group()
def cli() -> None:
    """A stand-in for formfill's group."""


register(cli)


@dataclass
class Seeded:
    env: dict[str, str]
    client: int
    evidence: int
    ids: dict[str, int]  # proposal id by path
    users: dict[str, int]


@pytest.fixture
def seeded(tmp_path: Path) -> Seeded:
    """Tuva (on specialist's caseload), one read pay slip and three proposals: the amount
    read as 39872.00, the child's name with doubtful letters at 0.89, her fødselsnummer."""
    env = {
        "FORMFILL_HOME": str(REPO),
        "FORMFILL_DATA_DIR": str(tmp_path / "data"),
        "FORMFILL_DATABASE_URL": "",
        "FORMFILL_ARTIFACT_KEY": new_key(),
        "FORMFILL_ENV": "development",
    }
    settings = Settings.from_env(env)
    migrate.upgrade(settings)
    engine, sessions = open_store(settings)
    actor = Actor.system("test")
    with session_scope(sessions) as s:
        users = {
            email: store_users.create_user(s, actor, email, email[:11], "specialist", "pw", t).id
            for email, t in ((MINE, "a"), (OTHER, "b"))
        }
        client = create_client(s, actor, "REF-CLI")
        save_profile(s, actor, client.id, load_profile(TUVA), Provenance("typed"))
        store_users.assign(s, actor, users[MINE], client.id)
        ev = add_evidence(s, actor, client.id, "a" * 64, "lonnsslipp-mars.pdf", "application/pdf")
        ids = {
            path: add_proposal(s, actor, ev.id, path, value, 1, box, conf).id
            for path, value, box, conf in (
                (AMOUNT, "39872.00", (0.38, 0.355, 0.48, 0.375), 0.99),
                (MARET, "Måret Ciekéá", (0.38, 0.205, 0.52, 0.225), 0.89),
                (FNR, "14038841239", (0.38, 0.23, 0.52, 0.25), 0.99),
            )
        }
        seeded = Seeded(env, client.id, ev.id, ids, users)
    engine.dispose()
    return seeded


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def _profile(seeded: Seeded) -> tuple[dict[str, object], dict[str, object]]:
    """(profile data, provenance) of the client's latest version."""
    engine, sessions = open_store(Settings.from_env(seeded.env))
    with session_scope(sessions) as s:
        version = latest_version(s, seeded.client)
        assert version is not None
        out = (dict(version.data), dict(version.provenance))
    engine.dispose()
    return out


def test_proposals_lists_each_value_beside_the_profile(seeded: Seeded) -> None:
    """The list gives, per proposal, the path and whose value it is, the current and the
    proposed value, the file and page, the confidence, the doubt and the state; --state
    filters; the table shows the same."""
    r = run(seeded.env, "evidence", "proposals", str(seeded.client), "--json")
    assert r.exit_code == 0, r.output
    rows = {row["path"]: row for row in json.loads(r.output)}
    assert set(rows) == {AMOUNT, MARET, FNR}
    amount = rows[AMOUNT]
    assert (amount["current"], amount["proposed"], amount["replaces"]) == (
        "38450.00",
        "39872.00",
        True,
    )
    assert amount["source"] == {
        "evidence_id": seeded.evidence,
        "file": "lonnsslipp-mars.pdf",
        "page": 1,
        "box": [0.38, 0.355, 0.48, 0.375],
    }
    assert (amount["confidence"], amount["doubtful"], amount["state"]) == (0.99, False, "proposed")
    assert amount["label"].startswith("client (Tuva") and amount["label"].endswith("amount")
    maret = rows[MARET]
    assert maret["doubtful"] and maret["label"].startswith("household member 2 (child Máret")
    assert any("Máret vs Måret" in d for d in maret["doubts"])
    table = run(seeded.env, "evidence", "proposals", str(seeded.client))
    assert table.exit_code == 0
    line = next(x for x in table.output.splitlines() if x.startswith(str(seeded.ids[MARET])))
    assert "DOUBTFUL" in line and f"evidence {seeded.evidence} p1" in line and "0.89" in line
    assert "confidence 0.89, below 0.95" in table.output
    run(seeded.env, "evidence", "accept", str(seeded.ids[FNR]), "--by", MINE)
    r = run(seeded.env, "evidence", "proposals", str(seeded.client), "--state", "proposed",
            "--json")  # fmt: skip
    assert {row["path"] for row in json.loads(r.output)} == {AMOUNT, MARET}
    r = run(seeded.env, "evidence", "proposals", str(seeded.client), "--state", "accepted",
            "--json")  # fmt: skip
    (fnr,) = json.loads(r.output)
    assert (fnr["state"], fnr["final"], fnr["decided_by"]) == (
        "accepted",
        "14038841239",
        seeded.users[MINE],
    )


def test_accept_records_the_user_as_the_web_does(seeded: Seeded) -> None:
    """Accepting as a named user writes the value with evidence provenance naming that user
    and the proposal, and the audit log names the user; deciding it again is a conflict
    (exit 3) that changes nothing."""
    pid = seeded.ids[AMOUNT]
    r = run(seeded.env, "evidence", "accept", str(pid), "--by", MINE)
    assert r.exit_code == 0, r.output
    assert f"proposal {pid} accepted" in r.output and "(replaced 38450.00)" in r.output
    data, provenance = _profile(seeded)
    assert data["income"]["sources"][0]["amount"] == "39872.00"  # type: ignore[index]
    origin = provenance[AMOUNT]
    assert origin["source"] == "evidence"  # type: ignore[index]
    assert origin["user_id"] == seeded.users[MINE]  # type: ignore[index]
    assert origin["proposal_id"] == pid and origin["evidence_id"] == seeded.evidence  # type: ignore[index]
    engine, sessions = open_store(Settings.from_env(seeded.env))
    with session_scope(sessions) as s:
        (update,) = [e for e in entries(s, "proposal", pid) if e.action == "update"]
        assert (update.actor_id, update.actor_label) == (
            seeded.users[MINE],
            f"user:{seeded.users[MINE]}",
        )
    engine.dispose()
    again = run(seeded.env, "evidence", "reject", str(pid), "--by", MINE)
    assert again.exit_code == 3
    assert f"proposal {pid} is already accepted" in again.output and "Traceback" not in again.output
    assert _profile(seeded)[0] == data


def test_correct_writes_the_typed_value_and_refuses_one_the_profile_refuses(
    seeded: Seeded,
) -> None:
    """A correction the profile refuses exits 2 naming the field and the client, saving
    nothing; a good one is written, marked corrected; an empty one says to type it."""
    pid = seeded.ids[AMOUNT]
    bad = run(seeded.env, "evidence", "correct", str(pid), "38 5OO kr", "--by", MINE)
    assert bad.exit_code == 2
    assert f"client {seeded.client}" in bad.output
    assert "client (Tuva Sæther): amount: not an amount: 38 5OO kr" in bad.output
    assert "Traceback" not in bad.output
    rows = json.loads(run(seeded.env, "evidence", "proposals", str(seeded.client), "--json").output)
    assert {r["path"]: r["state"] for r in rows}[AMOUNT] == "proposed"
    empty = run(seeded.env, "evidence", "correct", str(pid), "  ", "--by", MINE)
    assert empty.exit_code == 2 and "type the corrected value" in empty.output
    good = run(seeded.env, "evidence", "correct", str(pid), "38500.00", "--by", MINE, "--json")
    assert good.exit_code == 0, good.output
    assert json.loads(good.output) == {
        "id": pid,
        "client_id": seeded.client,
        "path": AMOUNT,
        "state": "corrected",
        "value": "38500.00",
        "replaced": "38450.00",
    }
    data, provenance = _profile(seeded)
    assert data["income"]["sources"][0]["amount"] == "38500.00"  # type: ignore[index]
    assert provenance[AMOUNT]["corrected"] is True  # type: ignore[index]


def test_reject_keeps_the_profile_and_the_reason_as_a_note(seeded: Seeded) -> None:
    """Rejecting leaves the profile as it was; the reason is kept as a note on the client
    naming the proposal, never in the audit log."""
    before = _profile(seeded)[0]
    pid = seeded.ids[MARET]
    r = run(seeded.env, "evidence", "reject", str(pid), "--by", MINE, "--reason",
            "OCR misread the Sámi letters")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert _profile(seeded)[0] == before
    engine, sessions = open_store(Settings.from_env(seeded.env))
    with session_scope(sessions) as s:
        (note,) = s.query(Note).filter_by(client_id=seeded.client).all()
        assert note.author_id == seeded.users[MINE]
        assert f"Proposal {pid} ({MARET}" in note.body
        assert note.body.endswith("rejected: OCR misread the Sámi letters")
        assert s.get(EvidenceProposal, pid).status == "rejected"  # type: ignore[union-attr]
        assert all("Sámi" not in str(e.fields) for e in entries(s))
    engine.dispose()


def test_unknown_ids_users_and_other_caseloads_are_refused(seeded: Seeded) -> None:
    """An unknown proposal, client or user, a user who may not see the client and a stale
    --seen are clear one-line errors with a non-zero exit; nothing is decided."""
    pid = str(seeded.ids[AMOUNT])
    cases = [
        (("evidence", "accept", "999999", "--by", MINE), 2, "no proposal 999999"),
        (("evidence", "proposals", "999999"), 2, "no client 999999"),
        (("evidence", "accept", pid, "--by", "nobody@example.org"), 2, "no user"),
        (("evidence", "accept", pid, "--by", OTHER), 2, f"may not see client {seeded.client}"),
        (("evidence", "proposals", str(seeded.client), "--by", OTHER), 2, "may not see"),
        (("evidence", "accept", pid, "--by", MINE, "--seen", "38000.00"), 3,
         "it is now 38450.00"),
    ]  # fmt: skip
    for args, code, message in cases:
        r = run(seeded.env, *args)
        assert r.exit_code == code, (args, r.output)
        assert message in r.output and "Traceback" not in r.output, (args, r.output)
    missing_by = run(seeded.env, "evidence", "accept", pid)
    assert missing_by.exit_code == 2 and "--by" in missing_by.output
    rows = json.loads(run(seeded.env, "evidence", "proposals", str(seeded.client), "--json").output)
    assert {r["state"] for r in rows} == {"proposed"}
    ok = run(seeded.env, "evidence", "accept", pid, "--by", MINE, "--seen", "38450.00")
    assert ok.exit_code == 0, ok.output
