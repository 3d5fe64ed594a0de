"""The batches blueprint: a batch, its ZIP and packet, tracking an item and submitting it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from tests.web.conftest import World, post, run_jobs

REPO = Path(__file__).resolve().parents[2]


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
