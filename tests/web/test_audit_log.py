"""The audit log you can read (issue 18 item 6): refusals are audited (who, what, when, never a
value), a supervisor's audit page filters by user, client, object, action and date and shows
only the team's trail, and `formfill audit export --since DATE` writes JSON lines."""

from __future__ import annotations

import html
import json
import os
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from formfill.store import Actor, session_scope
from formfill.store.audit import record
from formfill.store.models import AuditEntry, EvidenceFile
from tests.web.conftest import World, post


def _sessions(world: World) -> Any:
    return world.app.extensions["formfill"].sessions


def _last_id(world: World) -> int:
    with session_scope(_sessions(world)) as s:
        return s.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0


def _since(world: World, after: int) -> list[AuditEntry]:
    with session_scope(_sessions(world)) as s:
        rows = list(s.scalars(sa.select(AuditEntry).where(AuditEntry.id > after)))
        s.expunge_all()
        return rows


def _denials(world: World, after: int) -> list[AuditEntry]:
    return [r for r in _since(world, after) if r.action == "deny"]


def test_another_specialists_client_is_404_and_audited_without_values(
    world: World, as_user: Any
) -> None:
    c = as_user("specialist")
    before = _last_id(world)
    assert c.get(f"/clients/{world.theirs}").status_code == 404
    assert c.get(f"/api/v1/clients/{world.theirs}").status_code == 404
    assert post(c, f"/clients/{world.theirs}/notes", {"body": "Jan's debts"}).status_code == 404
    denied = _denials(world, before)
    assert len(denied) == 3
    for row in denied:
        assert row.actor_id == world.users["specialist"]
        assert (row.object_type, row.object_id, row.client_id) == (
            "client",
            str(world.theirs),
            world.theirs,
        )
        assert row.fields is None
    # the refused requests changed nothing: no note, no read of the profile
    assert [r for r in _since(world, before) if r.action != "deny"] == []


def test_a_client_that_does_not_exist_is_404_and_not_a_refusal(world: World, as_user: Any) -> None:
    c = as_user("specialist")
    before = _last_id(world)
    assert c.get("/clients/987654").status_code == 404
    assert _denials(world, before) == []


def test_another_specialists_evidence_is_audited_as_that_evidence(
    world: World, as_user: Any
) -> None:
    with session_scope(_sessions(world)) as s:
        row = EvidenceFile(
            client_id=world.theirs,
            filename="scan.png",
            media_type="image/png",
            artifact_id="0" * 64,
            status="failed",
        )
        s.add(row)
        s.flush()
        evidence_id = row.id
    before = _last_id(world)
    c = as_user("specialist")
    assert c.get(f"/evidence/{evidence_id}").status_code == 404
    (denied,) = _denials(world, before)
    assert (denied.object_type, denied.object_id, denied.client_id) == (
        "evidence",
        str(evidence_id),
        world.theirs,
    )
    # the owner reads it; that read is about the same client
    before = _last_id(world)
    assert as_user("specialist2").get(f"/evidence/{evidence_id}").status_code == 200
    reads = [r for r in _since(world, before) if r.object_type == "evidence"]
    assert reads and all(r.client_id == world.theirs for r in reads)


def test_a_page_of_another_role_is_403_and_audited(world: World, as_user: Any) -> None:
    before = _last_id(world)
    assert as_user("specialist").get("/audit").status_code == 403
    assert as_user("specialist").get("/admin/users").status_code == 403
    got = [(r.object_type, r.object_id, r.actor_id) for r in _denials(world, before)]
    who = world.users["specialist"]
    assert got == [("page", "audit.index", who), ("page", "admin.users", who)]


def _rows(page: str) -> int:
    return _body(page).count("<tr")


def _body(page: str) -> str:
    """The table's rows (the page's own text says 'read, changed ...' too)."""
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""


def test_a_supervisor_reads_the_teams_trail_only(world: World, as_user: Any) -> None:
    as_user("specialist").get(f"/clients/{world.mine}")  # team a reads its client
    as_user("specialist2").get(f"/clients/{world.theirs}")  # team b reads its client
    as_user("specialist2").get(f"/clients/{world.mine}")  # and is refused team a's
    sup = as_user("supervisor")
    page = sup.get(f"/audit?client={world.mine}").get_data(as_text=True)
    assert _rows(page) > 0 and "Specialist</td>" in page
    assert "Tuva" in page  # the team's client is named, linked to its page
    other = sup.get(f"/audit?client={world.theirs}").get_data(as_text=True)
    # team b's reads of its own client are not team a's business
    assert "Specialist2" not in other
    everything = sup.get("/audit").get_data(as_text=True)
    assert "Noëlle" not in everything
    # what specialist2 (team b) did shows only where it touched a client of team a (a refusal)
    theirs = [r for r in _body(everything).split("<tr")[1:] if "<td>Specialist2</td>" in r]
    assert theirs and all("<td>refused</td>" in r and "/clients/" in r for r in theirs)


def test_the_admin_reads_everything_but_no_client_name(world: World, as_user: Any) -> None:
    as_user("specialist2").get(f"/clients/{world.theirs}")
    page = as_user("admin").get(f"/audit?client={world.theirs}").get_data(as_text=True)
    assert "Specialist2</td>" in page and f"#{world.theirs}" in page
    assert "Noëlle" not in page


def test_the_filters_combine(world: World, as_user: Any) -> None:
    sup = as_user("supervisor")
    me = world.users["specialist"]
    as_user("specialist").get(f"/clients/{world.mine}")
    page = sup.get(f"/audit?user={me}&action=read&object=profile").get_data(as_text=True)
    assert _rows(page) > 0
    rows = _body(page)
    assert "Profile" in rows and "changed" not in rows and "Supervisor</td>" not in rows
    assert rows.count("<td>read</td>") == _rows(page)
    today = date.today().isoformat()
    assert _rows(sup.get(f"/audit?user={me}&from={today}&to={today}").get_data(as_text=True)) > 0
    past = (date.today() - timedelta(days=400)).isoformat()
    empty = sup.get(f"/audit?user={me}&to={past}").get_data(as_text=True)
    assert "No entry matches the filter." in empty


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("from=4.12.2026", "From: give a date as YYYY-MM-DD."),
        ("client=Kari", "Client: give the client's number"),
        ("from=2026-12-04&to=2026-12-01", "the last day comes on or after the first"),
        ("action=shred", "Action: choose one from the list."),
    ],
)
def test_a_bad_filter_is_400_naming_it(world: World, as_user: Any, query: str, says: str) -> None:
    resp = as_user("supervisor").get(f"/audit?{query}")
    assert resp.status_code == 400
    assert says in html.unescape(resp.get_data(as_text=True))


def test_the_audit_page_speaks_nb_and_nl(world: World, as_user: Any) -> None:
    sup = as_user("supervisor")
    nb = sup.get("/audit", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    nl = sup.get("/audit", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Revisjonslogg" in nb and "Auditlogboek" in nl


def test_older_entries_page_on(world: World, as_user: Any) -> None:
    with session_scope(_sessions(world)) as s:
        for _i in range(105):
            record(s, Actor(world.users["specialist"], "user:test"), "read", "profile", world.mine)
    page = as_user("supervisor").get("/audit").get_data(as_text=True)
    assert _rows(page) == 100 and "Older entries" in page


def test_cli_exports_json_lines_from_a_day(world: World, tmp_path: Path, monkeypatch: Any) -> None:
    from formfill.cli.main import cli

    with session_scope(_sessions(world)) as s:
        old = AuditEntry(
            at=datetime.now(UTC) - timedelta(days=3),
            actor_id=None,
            actor_label="test",
            action="read",
            object_type="profile",
            object_id=str(world.mine),
            client_id=world.mine,
        )
        s.add(old)
        s.flush()
        old_id = old.id
    monkeypatch.setenv("FORMFILL_DATA_DIR", str(world.settings.data_dir))
    monkeypatch.setenv("FORMFILL_ARTIFACT_KEY", world.settings.artifact_key or "")
    out = tmp_path / "audit.jsonl"
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    result = CliRunner().invoke(cli, ["audit", "export", "--since", yesterday, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines and all(
        set(x) >= {"at", "actor", "action", "object_type", "client_id"} for x in lines
    )
    ids = [x["id"] for x in lines]
    assert old_id not in ids and ids == sorted(ids)
    assert all(x["at"][:10] >= yesterday for x in lines)
    # no value of a client: the export names ids and fields only
    text = out.read_text(encoding="utf-8")
    assert "Tuva" not in text and "Noëlle" not in text
    # the export is in the log itself
    with session_scope(_sessions(world)) as s:
        last = s.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert (last.action, last.object_type) == ("export", "audit_log")
    bad = CliRunner().invoke(cli, ["audit", "export", "--since", "yesterday"])
    assert bad.exit_code == 2 and "since" in bad.output.lower()


def test_a_refused_batch_packet_or_zip_is_audited_for_each_of_its_clients(
    world: World, as_user: Any
) -> None:
    """Walk 8: another team's requests for a client's batch, preview, packet PDF and ZIP
    were refused but not in the audit (a batch has no one client), so the client's supervisor
    never saw them. Each refusal now names what was asked and the batch's clients."""
    from tests.web.conftest import run_jobs

    c = as_user("specialist")
    launch = {"clients": [str(world.mine)], "forms": ["nav-barnetrygd"], "only_ready": "0"}
    resp = post(c, "/batches/launch", launch)
    assert resp.status_code == 302
    batch_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    run_jobs(world)
    item = c.get(f"/api/v1/batches/{batch_id}").get_json()["items"][0]["id"]
    before = _last_id(world)
    other = as_user("specialist2")
    asked = {
        f"/batches/{batch_id}": "batch",
        f"/batches/{batch_id}.zip": "batch_zip",
        f"/batches/{batch_id}/clients/{world.mine}/packet.pdf": "packet",
        f"/batches/{batch_id}/items/{item}/preview": "output",
        f"/api/v1/batches/{batch_id}": "batch",
    }
    for url in asked:
        assert other.get(url).status_code == 404, url
    got = [(r.object_type, r.object_id, r.client_id) for r in _denials(world, before)]
    assert got == [(kind, str(batch_id), world.mine) for kind in asked.values()]
    page = as_user("supervisor").get("/audit?action=deny").get_data(as_text=True)
    assert "Packet" in _body(page) and "Batch download (ZIP)" in _body(page)
