"""The web shell through Flask's test client: sign-in and sessions, permissions on every kind
of route, forms with inline errors, uploads, batches, applications, the API and errors."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import PASSWORD, World, csrf_token, run_jobs, sign_in

REPO = Path(__file__).resolve().parents[2]


def post(client: Any, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    body = dict(data or {})
    body["csrf_token"] = csrf_token(client)
    return client.post(url, data=body, **kw)


def test_healthz_answers_json(world: World) -> None:
    """/healthz is 200 with the database and Redis reachable, JSON, no sign-in needed."""
    resp = world.app.test_client().get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_security_headers_and_cookie(world: World) -> None:
    """Every response has a strict CSP (no inline script), no framing, nosniff; the session
    cookie is HTTP-only."""
    c = world.app.test_client()
    resp = c.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    cookie = resp.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "<script>" not in resp.get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    """Pages redirect to the sign-in page; the API answers 401 in the JSON error shape."""
    c = world.app.test_client()
    assert c.get("/clients").status_code == 302
    resp = c.get("/api/v1/clients")
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"


def test_wrong_password_then_rate_limited(world: World) -> None:
    """Wrong passwords are refused; after five failures for one e-mail, sign-in waits even
    with the right password."""
    c = world.app.test_client()
    for _ in range(5):
        resp = c.post(
            "/login",
            data={
                "email": "supervisor@example.org",
                "password": "nope",
                "csrf_token": csrf_token(c),
            },
        )
        assert resp.status_code == 401
    resp = c.post(
        "/login",
        data={"email": "supervisor@example.org", "password": PASSWORD, "csrf_token": csrf_token(c)},
    )
    assert resp.status_code == 429
    world.app.extensions["formfill"].redis().delete(
        *world.app.extensions["formfill"].redis().keys("formfill:signin:*")
    )


def test_sign_in_needs_csrf(world: World) -> None:
    """A sign-in without its CSRF token is refused with a message, not a traceback."""
    c = world.app.test_client()
    resp = c.post("/login", data={"email": "specialist@example.org", "password": PASSWORD})
    assert resp.status_code == 400
    assert "expired" in resp.get_data(as_text=True)


def test_specialist_sees_only_own_caseload(world: World, as_user: Any) -> None:
    """A specialist's list holds their client only; another's client is 404 on every route."""
    c = as_user("specialist")
    page = c.get("/clients").get_data(as_text=True)
    assert "Tuva" in page and "Noëlle" not in page
    assert c.get(f"/clients/{world.mine}").status_code == 200
    for url in (
        f"/clients/{world.theirs}",
        f"/clients/{world.theirs}/edit",
        f"/api/v1/clients/{world.theirs}",
    ):
        assert c.get(url).status_code == 404, url
    assert c.get(f"/api/v1/clients/{world.theirs}").get_json()["error"]["code"] == "not_found"
    resp = post(c, f"/clients/{world.theirs}/notes", {"body": "x"})
    assert resp.status_code == 404
    resp = post(c, f"/clients/{world.theirs}/evidence", content_type="multipart/form-data")
    assert resp.status_code == 404


def test_supervisor_sees_team_admin_sees_no_clients(world: World, as_user: Any) -> None:
    """A supervisor sees their team's clients, not another team's; an admin no client data,
    and a specialist no admin page."""
    sup = as_user("supervisor")
    assert sup.get(f"/clients/{world.mine}").status_code == 200
    assert sup.get(f"/clients/{world.theirs}").status_code == 404
    admin = as_user("admin")
    assert admin.get(f"/clients/{world.mine}").status_code == 404
    assert admin.get("/admin/users").status_code == 200
    assert as_user("specialist").get("/admin/users").status_code == 403


def test_client_page_shows_provenance_and_screening_and_audits(world: World, as_user: Any) -> None:
    """The client page shows each value with where it came from, the screening panel, and
    records the read in the audit log."""
    from formfill.store import audit, session_scope

    c = as_user("specialist")
    page = c.get(f"/clients/{world.mine}").get_data(as_text=True)
    assert "person.given_name" in page and "typed" in page
    assert 'id="screening"' in page
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        reads = audit.entries(s, "profile", world.mine)
        assert any(e.action == "read" and e.actor_id == world.users["specialist"] for e in reads)


def test_intake_validates_inline_and_creates(world: World, as_user: Any) -> None:
    """A bad check digit is shown next to its field (named), with the entries kept; a valid
    intake creates the client on the user's caseload."""
    c = as_user("specialist")
    assert c.get("/clients/new").status_code == 200
    bad = {
        "person.given_name": "Ola",
        "person.family_name": "Testmann",
        "identifiers.no_fnr": "14038812469",
        "person.birth_date": "1988-03-14",
    }
    resp = post(c, "/clients/new", bad)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "No fnr" in page and 'value="Testmann"' in page
    good = dict(
        bad,
        **{
            "identifiers.no_fnr": "14038812468",
            "household.members[0].relation": "child",
            "household.members[0].given_name": "Lise",
        },
    )
    resp = post(c, "/clients/new", good)
    assert resp.status_code == 302
    new_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    page = c.get(f"/clients/{new_id}").get_data(as_text=True)
    assert "Testmann" in page and "Lise" in page
    assert c.get("/clients?q=testmann").get_data(as_text=True).count("Testmann") >= 1
    assert as_user("specialist2").get(f"/clients/{new_id}").status_code == 404


def test_stale_csrf_keeps_entries(world: World, as_user: Any) -> None:
    """A stale CSRF token on the profile form shows the form again with the entries and a
    message; nothing is saved and nothing is lost."""
    c = as_user("specialist")
    resp = c.post(
        f"/clients/{world.mine}/edit",
        data={
            "person.given_name": "Karianne",
            "person.family_name": "Nordmann",
            "csrf_token": "stale",
        },
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "expired" in page and 'value="Karianne"' in page


def test_logout_voids_the_old_cookie(world: World) -> None:
    """After sign-out, a copy of the old session cookie no longer signs anyone in."""
    c = sign_in(world.app.test_client(), "specialist2")
    cookie = c.get_cookie("formfill_session")
    assert cookie is not None
    assert post(c, "/logout").status_code == 302
    thief = world.app.test_client()
    thief.set_cookie("formfill_session", cookie.value)
    assert thief.get("/clients").status_code == 302


def test_password_change(world: World) -> None:
    """A password change keeps this session, ends the others, and the new password works."""
    a = sign_in(world.app.test_client(), "supervisor")
    b = sign_in(world.app.test_client(), "supervisor")
    new = "another long passphrase 42"
    resp = post(a, "/account/password", {"current": PASSWORD, "new": new, "confirm": new})
    assert resp.status_code == 302
    assert a.get("/clients").status_code == 200
    assert b.get("/clients").status_code == 302
    resp = post(a, "/account/password", {"current": new, "new": PASSWORD, "confirm": PASSWORD})
    assert resp.status_code == 302


def test_upload_wrong_type_and_too_large(world: World, as_user: Any) -> None:
    """A file that is not a PDF or image (by content) is refused with its name; an upload past
    the request limit is 413 with a page message."""
    c = as_user("specialist")
    resp = post(
        c,
        f"/clients/{world.mine}/evidence",
        {"files": (io.BytesIO(b"MZ not a scan"), "scan.pdf")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 400
    assert "scan.pdf" in resp.get_data(as_text=True)
    # a small limit for this request: a body over 500 KB makes Werkzeug's test client spool
    # it to a temporary file that it never closes (a ResourceWarning in the test, not the app)
    limit = world.app.config["MAX_CONTENT_LENGTH"]
    world.app.config["MAX_CONTENT_LENGTH"] = 100_000
    try:
        big = io.BytesIO(b"%PDF-" + b"0" * 100_010)
        resp = post(
            c,
            f"/clients/{world.mine}/evidence",
            {"files": (big, "big.pdf")},
            content_type="multipart/form-data",
        )
    finally:
        world.app.config["MAX_CONTENT_LENGTH"] = limit
    assert resp.status_code == 413
    assert "larger than" in resp.get_data(as_text=True)


@pytest.mark.ocr
# werkzeug's test client spools a large request body to a temporary file it leaves to the GC
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_upload_read_accept(world: World, as_user: Any) -> None:
    """A scanned pay slip is queued, read by a worker into proposals with boxes, and
    accepting one writes a profile version whose value comes from the evidence."""
    from tests.data.evidence.build import SAMPLES, variant_bytes

    sample = next(s for s in SAMPLES if s.id == "nb_pay_slip")
    name, data = variant_bytes(sample, "clean")
    c = as_user("specialist")
    resp = post(
        c,
        f"/clients/{world.mine}/evidence",
        {"files": [(io.BytesIO(data), name)]},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    page = c.get(f"/clients/{world.mine}").get_data(as_text=True)
    ev_id = int(re.findall(r"/evidence/(\d+)/status", page)[-1])
    assert c.get(f"/evidence/{ev_id}/status").get_json()["status"] == "queued"
    run_jobs(world)
    state = c.get(f"/evidence/{ev_id}/status").get_json()
    assert state["status"] == "done" and state["proposals"]["proposed"] > 0
    review = c.get(f"/evidence/{ev_id}").get_data(as_text=True)
    assert "<rect" in review
    assert c.get(f"/evidence/{ev_id}/page/1.png").data.startswith(b"\x89PNG")
    pid = int(re.findall(r'id="p(\d+)"', review)[0])
    resp = post(c, f"/proposals/{pid}", {"action": "accept"})
    assert resp.status_code == 302
    data = c.get(f"/api/v1/clients/{world.mine}").get_json()
    assert any(p.get("source") == "evidence" for p in data["provenance"].values())
    assert as_user("specialist2").get(f"/evidence/{ev_id}").status_code == 404


def test_batch_zip_packet_track_and_submit(world: World, as_user: Any) -> None:
    """Plan shows readiness, launch queues the items, a worker fills them; the ZIP, a packet
    and a page preview download; the output is tracked as an application and submitted."""
    c = as_user("specialist")
    assert c.get("/batches/new").status_code == 200
    resp = post(
        c,
        "/batches/new",
        {"clients": [str(world.mine), str(world.theirs)], "forms": ["nav-barnetrygd"]},
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Readiness" in page
    assert "REF-JAN" not in page and "Noëlle" not in page  # another's client is dropped
    resp = post(
        c,
        "/batches/launch",
        {"clients": [str(world.mine)], "forms": ["nav-barnetrygd"], "only_ready": "0"},
    )
    assert resp.status_code == 302
    batch_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    run_jobs(world)
    status = c.get(f"/api/v1/batches/{batch_id}").get_json()
    assert status["state"] == "done", status
    item = status["items"][0]
    assert item["status"] == "done", item
    assert c.get(f"/batches/{batch_id}.zip").data.startswith(b"PK")
    assert c.get(f"/batches/{batch_id}/clients/{world.mine}/packet.pdf").data.startswith(b"%PDF")
    png = c.get(f"/batches/{batch_id}/items/{item['id']}/page/1.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    assert as_user("specialist2").get(f"/batches/{batch_id}").status_code == 404
    resp = post(c, f"/batches/{batch_id}/items/{item['id']}/track")
    assert resp.status_code == 302
    app_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    assert as_user("specialist2").get(f"/applications/{app_id}").status_code == 404
    resp = post(c, f"/applications/{app_id}/advance", {"to": "submitted"})
    assert resp.status_code == 400 and "channel" in resp.get_data(as_text=True)
    resp = post(c, f"/applications/{app_id}/advance", {"to": "reviewed"})
    assert resp.status_code == 302
    receipt_pdf = (REPO / "sample_forms" / "nav" / "nav-yrkesskade.pdf").read_bytes()
    resp = post(
        c,
        f"/applications/{app_id}/advance",
        {
            "to": "submitted",
            "channel": "portal",
            "reference": "NAV-123",
            "receipt": (io.BytesIO(receipt_pdf), "receipt.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    data = c.get(f"/api/v1/applications/{app_id}").get_json()
    assert data["status"] == "submitted" and data["submission"]["reference"] == "NAV-123"
    assert [e["to"] for e in data["events"]][-1] == "submitted"
    listing = c.get("/applications?status=submitted").get_data(as_text=True)
    assert f"/applications/{app_id}" in listing


def test_forms_catalogue_and_preview(world: World, as_user: Any) -> None:
    """The catalogue lists maps with coverage; a blank renders as PNG; readiness per client."""
    c = as_user("specialist")
    page = c.get("/forms").get_data(as_text=True)
    assert "nav-barnetrygd" in page
    assert c.get("/forms/nav-barnetrygd/preview.png").data.startswith(b"\x89PNG")
    assert f'href="/clients/{world.mine}"' in c.get("/forms/nav-barnetrygd").get_data(as_text=True)
    assert c.get("/forms/no-such-form").status_code == 404


def test_api_and_openapi(world: World, as_user: Any) -> None:
    """The API lists what the user may see; unsafe calls need the CSRF header; the OpenAPI
    document names every path."""
    c = as_user("specialist")
    items = c.get("/api/v1/clients").get_json()["items"]
    assert world.mine in [i["id"] for i in items] and world.theirs not in [i["id"] for i in items]
    assert c.post("/api/v1/clients", json={"profile": {}}).status_code == 400
    token = c.get("/api/v1/csrf").get_json()["csrf_token"]
    resp = c.post(
        "/api/v1/clients",
        json={"profile": {"person": {"given_name": "A"}}},
        headers={"X-CSRFToken": token},
    )
    assert resp.status_code == 400 and resp.get_json()["error"]["details"]
    resp = c.post(
        "/api/v1/clients",
        json={"profile": {"person": {"given_name": "Api", "family_name": "Person"}}},
        headers={"X-CSRFToken": token},
    )
    assert resp.status_code == 201
    doc = c.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and "/api/v1/batches/{id}" in doc["paths"]
    assert c.delete("/api/v1/clients").get_json()["error"]["status"] == 405


def test_errors_are_pages_or_json_never_tracebacks(world: World, as_user: Any) -> None:
    """404 is a page for a browser and JSON for an API client; an unexpected error is a plain
    500 page without a traceback."""
    c = as_user("specialist")
    resp = c.get("/no/such/page", headers={"Accept": "text/html"})
    assert resp.status_code == 404 and "<html" in resp.get_data(as_text=True)
    resp = c.get("/no/such/page", headers={"Accept": "application/json"})
    assert resp.get_json()["error"]["status"] == 404

    def boom() -> None:
        raise RuntimeError("secret detail")

    world.app.view_functions["dashboard.index"], saved = (
        boom,
        world.app.view_functions["dashboard.index"],
    )
    try:
        world.app.config["PROPAGATE_EXCEPTIONS"] = False
        world.app.testing = False
        resp = c.get("/")
    finally:
        world.app.view_functions["dashboard.index"] = saved
        world.app.testing = True
    body = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert "secret detail" not in body and "Traceback" not in body


def test_interface_language_per_user(world: World, as_user: Any) -> None:
    """A user who picks bokmål or Dutch gets the interface in it."""
    c = as_user("specialist2")
    assert post(c, "/account/locale", {"locale": "nb", "next": "/clients"}).status_code == 302
    assert "Klienter" in c.get("/clients").get_data(as_text=True)
    post(c, "/account/locale", {"locale": "nl"})
    assert "Cliënten" in c.get("/clients").get_data(as_text=True)
    post(c, "/account/locale", {"locale": "en"})


def test_dashboard_notes_referrals(world: World, as_user: Any) -> None:
    """The dashboard renders for each role; notes and referrals are added to a client."""
    for who in ("specialist", "supervisor", "admin"):
        assert as_user(who).get("/").status_code == 200
    c = as_user("specialist")
    assert post(c, f"/clients/{world.mine}/notes", {"body": "Ring NAV"}).status_code == 302
    assert (
        post(c, f"/clients/{world.mine}/referrals", {"service": "Gjeldsrådgivning"}).status_code
        == 302
    )
    page = c.get(f"/clients/{world.mine}").get_data(as_text=True)
    assert "Ring NAV" in page and "Gjeldsrådgivning" in page
    assert c.get("/batches").status_code == 200
    assert c.get("/applications?due_within=14").status_code == 200


def _upload_text_pdf(world: World, c: Any, sample_id: str = "nl_pay_slip") -> int:
    """Upload one of our pay slips as a PDF with a text layer (read without OCR): its id."""
    from tests.data.evidence.build import SAMPLES, render_pdf

    sample = next(s for s in SAMPLES if s.id == sample_id)
    resp = post(
        c,
        f"/clients/{world.mine}/evidence",
        {"files": [(io.BytesIO(render_pdf(sample)), f"{sample_id}.pdf")]},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    page = c.get(f"/clients/{world.mine}").get_data(as_text=True)
    return int(re.findall(r"/evidence/(\d+)/status", page)[-1])


def _evidence_row(world: World, evidence_id: int) -> tuple[str, str | None, int]:
    from formfill.store import session_scope
    from formfill.store.models import EvidenceFile

    with session_scope(world.app.extensions["formfill"].sessions) as s:
        row = s.get(EvidenceFile, evidence_id)
        assert row is not None
        return row.status, row.job_id, row.attempts


def test_evidence_read_the_queue_lost_is_queued_again(world: World, as_user: Any) -> None:
    """A file whose reading job Redis lost (a restart without its data, a killed worker) is
    found by the workers' reconciliation, queued again under a new job and read; one whose
    reading stopped its worker three times is failed with the reason instead."""
    from rq.job import Job
    from rq.serializers import JSONSerializer

    from formfill.store import session_scope
    from formfill.store.models import EvidenceFile
    from worker.queue import connect, reconcile

    c = as_user("specialist")
    lost_id = _upload_text_pdf(world, c)
    crashing_id = _upload_text_pdf(world, c, "nb_pay_slip")
    conn = connect(world.settings)
    status, job_id, _ = _evidence_row(world, lost_id)
    assert status == "queued" and job_id
    Job.fetch(job_id, connection=conn, serializer=JSONSerializer).delete()  # Redis lost it
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        crashing = s.get(EvidenceFile, crashing_id)
        assert crashing is not None and crashing.job_id
        Job.fetch(crashing.job_id, connection=conn, serializer=JSONSerializer).delete()
        crashing.status, crashing.attempts = "running", 3  # its worker died reading it
    reconcile(world.settings, conn)
    status, new_job, _ = _evidence_row(world, lost_id)
    assert status == "queued" and new_job and new_job != job_id
    run_jobs(world)
    status, _, attempts = _evidence_row(world, lost_id)
    assert (status, attempts) == ("done", 1)
    state = c.get(f"/evidence/{crashing_id}/status").get_json()
    assert state["status"] == "failed" and "stopped while reading" in state["error"]


def test_a_failed_read_is_read_again_on_request(world: World, as_user: Any) -> None:
    """A file whose reading failed (the queue was down) offers 'Read again'; it is queued,
    read, and the request is in the audit trail. A file not failed cannot be re-queued (409)."""
    from formfill.cases import intake as evidence_intake
    from formfill.store import session_scope
    from formfill.store.audit import entries

    c = as_user("specialist")
    ev_id = _upload_text_pdf(world, c)
    sessions = world.app.extensions["formfill"].sessions
    evidence_intake.fail(sessions, ev_id, "the queue is unreachable: test")
    review = c.get(f"/evidence/{ev_id}").get_data(as_text=True)
    assert f"/evidence/{ev_id}/retry" in review and "the queue is unreachable" in review
    resp = post(c, f"/evidence/{ev_id}/retry")
    assert resp.status_code == 302
    assert c.get(f"/evidence/{ev_id}/status").get_json()["status"] == "queued"
    run_jobs(world)
    state = c.get(f"/evidence/{ev_id}/status").get_json()
    assert state["status"] == "done" and state["proposals"]["proposed"] > 0
    with session_scope(sessions) as s:
        assert any(e.action == "update" for e in entries(s, "evidence", ev_id))
    again = post(c, f"/evidence/{ev_id}/retry")
    assert again.status_code == 409 and "Traceback" not in again.get_data(as_text=True)
    assert post(as_user("specialist2"), f"/evidence/{ev_id}/retry").status_code == 404


def test_household_by_relation_and_warnings_where_the_profile_is_edited(
    world: World, as_user: Any
) -> None:
    """Two children with a bad fødselsnummer each get their own message naming the child; a
    single client with a samboer at home is saved with a 'check before signing' warning, and
    the client page lists the household as forms see it (partner, then children oldest
    first), whatever the order of entry."""
    c = as_user("specialist")
    base = {
        "person.given_name": "Márjá",
        "person.family_name": "Somby",
        "person.birth_date": "1988-03-14",
        "person.marital_status": "single",
        "household.members[0].relation": "child",
        "household.members[0].given_name": "Máhtte",
        "household.members[0].birth_date": "2020-01-15",
        "household.members[1].relation": "partner",
        "household.members[1].given_name": "Per",
        "household.members[2].relation": "child",
        "household.members[2].given_name": "Ánne",
        "household.members[2].birth_date": "2014-05-02",
    }
    bad = dict(base, **{"household.members[0].identifiers.no_fnr": "30051553168",
                        "household.members[2].identifiers.no_fnr": "30051553168"})  # fmt: skip
    page = post(c, "/clients/new", bad).get_data(as_text=True)
    assert "household.members[0] (child Máhtte): fødselsnummer: invalid check digit" in page
    assert "household.members[2] (child Ánne): fødselsnummer: invalid check digit" in page
    resp = post(c, "/clients/new", base)
    assert resp.status_code == 302
    page = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Check before signing" in page and "lives with the client" in page
    household = page.split('id="household"', 1)[1].split("</section>", 1)[0]
    assert household.index("Per") < household.index("Ánne") < household.index("Máhtte")
