"""The evidence blueprint: uploads, reading through the queue, review and acceptance."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import World, post, run_jobs

REPO = Path(__file__).resolve().parents[2]


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
