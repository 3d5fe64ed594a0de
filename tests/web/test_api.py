"""The JSON API and its OpenAPI description."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.web.conftest import World

REPO = Path(__file__).resolve().parents[2]


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


# -- proposals read from evidence: list, accept, correct, reject --------------------------------


def _seed(world: World, reference: str) -> tuple[int, int, dict[str, int]]:
    from tests.web.test_evidence import seed_review

    return seed_review(world, reference)


AMOUNT = "income.sources[0].amount"  # 38450.00 in the persona, read as 39872.00
MARET = "household.members[1].given_name"  # doubtful letters at 0.89
FNR = "identifiers.no_fnr"


def _json_post(c: Any, url: str, body: Any = None, token: bool = True) -> Any:
    headers = {"X-CSRFToken": c.get("/api/v1/csrf").get_json()["csrf_token"]} if token else {}
    if body is None:
        return c.post(url, headers=headers)
    return c.post(url, json=body, headers=headers)


def _error(resp: Any, status: int, code: str) -> dict[str, Any]:
    """The API's one error shape, with this status and code."""
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    error = resp.get_json()["error"]
    assert (error["status"], error["code"]) == (status, code)
    assert error["message"] and "Traceback" not in resp.get_data(as_text=True)
    return dict(error)


def test_proposals_list_with_the_webs_access(world: World, as_user: Any) -> None:
    """A client's proposals come with the current value, the value read, the source, the
    confidence, the doubt and the state; ``state`` filters; another specialist's client and an
    admin get 404, nobody signed in 401, an unknown state 400."""
    client_id, ev_id, ids = _seed(world, "REF-API-LIST")
    c = as_user("specialist")
    resp = c.get(f"/api/v1/clients/{client_id}/proposals")
    assert resp.status_code == 200
    items = {i["path"]: i for i in resp.get_json()["items"]}
    assert set(items) == {AMOUNT, MARET, FNR}
    amount = items[AMOUNT]
    assert (amount["current"], amount["proposed"], amount["state"]) == (
        "38450.00",
        "39872.00",
        "proposed",
    )
    assert amount["source"]["evidence_id"] == ev_id and amount["source"]["page"] == 1
    assert amount["source"]["file"] == "lonnsslipp-mars.pdf"
    assert amount["confidence"] == 0.99 and not amount["doubtful"]
    maret = items[MARET]
    assert maret["doubtful"] and maret["label"].startswith("household member 2 (")
    assert _json_post(c, f"/api/v1/proposals/{ids[FNR]}/accept").status_code == 200
    pending = c.get(f"/api/v1/clients/{client_id}/proposals?state=proposed").get_json()
    assert {i["path"] for i in pending["items"]} == {AMOUNT, MARET}
    both = c.get(f"/api/v1/clients/{client_id}/proposals?state=accepted,proposed").get_json()
    assert len(both["items"]) == 3
    _error(c.get(f"/api/v1/clients/{client_id}/proposals?state=approved"), 400, "bad_request")
    _error(as_user("specialist2").get(f"/api/v1/clients/{client_id}/proposals"), 404, "not_found")
    _error(as_user("admin").get(f"/api/v1/clients/{client_id}/proposals"), 404, "not_found")
    assert as_user("supervisor").get(f"/api/v1/clients/{client_id}/proposals").status_code == 200
    _error(world.app.test_client().get(f"/api/v1/clients/{client_id}/proposals"), 401,
           "unauthorized")  # fmt: skip


def test_accept_through_the_api_as_the_web_does(world: World, as_user: Any) -> None:
    """Accepting writes the value with the signed-in user and the proposal as its provenance;
    without the CSRF header it is refused; deciding it again is 409 in the error shape;
    another specialist's proposal is 404 and stays pending."""
    client_id, ev_id, ids = _seed(world, "REF-API-ACCEPT")
    c = as_user("specialist")
    other = _json_post(as_user("specialist2"), f"/api/v1/proposals/{ids[AMOUNT]}/accept")
    _error(other, 404, "not_found")
    _error(_json_post(c, f"/api/v1/proposals/{ids[AMOUNT]}/accept", token=False), 400, "csrf")
    _error(_json_post(c, "/api/v1/proposals/999999/accept"), 404, "not_found")
    resp = _json_post(c, f"/api/v1/proposals/{ids[AMOUNT]}/accept", {"seen": "38450.00"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json() == {
        "id": ids[AMOUNT],
        "client": client_id,
        "path": AMOUNT,
        "state": "accepted",
        "value": "39872.00",
        "replaced": "38450.00",
    }
    data = c.get(f"/api/v1/clients/{client_id}").get_json()
    assert data["profile"]["income"]["sources"][0]["amount"] == "39872.00"
    origin = data["provenance"][AMOUNT]
    assert (origin["source"], origin["user_id"], origin["proposal_id"], origin["evidence_id"]) == (
        "evidence",
        world.users["specialist"],
        ids[AMOUNT],
        ev_id,
    )
    again = _error(_json_post(c, f"/api/v1/proposals/{ids[AMOUNT]}/reject"), 409, "conflict")
    assert "already accepted" in again["message"]


def test_correct_and_reject_through_the_api(world: World, as_user: Any) -> None:
    """A correction the profile refuses is 400 naming the client and the field, and saves
    nothing; a missing value is 400; a good one is written; a profile changed since ``seen``
    is 409; a rejection keeps the profile and its reason as a note."""
    client_id, _, ids = _seed(world, "REF-API-CORRECT")
    c = as_user("specialist")
    url = f"/api/v1/proposals/{ids[AMOUNT]}/correct"
    bad = _error(_json_post(c, url, {"value": "38 5OO kr"}), 400, "invalid")
    assert f"of client {client_id}" in bad["message"]
    assert any(d.startswith("client (Tuva Sæther): amount: not an amount") for d in bad["details"])
    _error(_json_post(c, url, {}), 400, "bad_request")
    _error(_json_post(c, url, {"value": ["38500"]}), 400, "bad_request")
    stale = _error(_json_post(c, url, {"value": "38500.00", "seen": "37000.00"}), 409,
                   "conflict")  # fmt: skip
    assert "it is now 38450.00" in stale["message"]
    listed = c.get(f"/api/v1/clients/{client_id}/proposals?state=proposed").get_json()["items"]
    assert len(listed) == 3  # nothing was decided
    ok = _json_post(c, url, {"value": "38500.00", "seen": "38450.00"})
    assert ok.status_code == 200 and ok.get_json()["state"] == "corrected"
    data = c.get(f"/api/v1/clients/{client_id}").get_json()
    assert data["profile"]["income"]["sources"][0]["amount"] == "38500.00"
    assert data["provenance"][AMOUNT]["corrected"] is True
    before = data["profile"]
    resp = _json_post(c, f"/api/v1/proposals/{ids[MARET]}/reject", {"reason": "misread"})
    assert resp.status_code == 200 and resp.get_json()["state"] == "rejected"
    assert c.get(f"/api/v1/clients/{client_id}").get_json()["profile"] == before
    from formfill.store import session_scope
    from formfill.store.models import Note

    with session_scope(world.app.extensions["formfill"].sessions) as s:
        (note,) = s.query(Note).filter_by(client_id=client_id).all()
        assert note.body.endswith("rejected: misread") and f"Proposal {ids[MARET]}" in note.body
        assert note.author_id == world.users["specialist"]


def test_openapi_documents_every_route_and_status(world: World) -> None:
    """Every /api/v1 route and method is in the OpenAPI document; the proposal endpoints
    list each status they answer (200, 400, 401, 404 and, for decisions, 409)."""
    import re

    doc = world.app.test_client().get("/api/v1/openapi.json").get_json()
    for rule in world.app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = re.sub(r"<(?:int:)?[a-z_]+>", "{id}", rule.rule)
        assert path in doc["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in doc["paths"][path], (path, method)
    listing = doc["paths"]["/api/v1/clients/{id}/proposals"]["get"]["responses"]
    assert set(listing) == {"200", "400", "401", "404"}
    for action in ("accept", "correct", "reject"):
        op = doc["paths"][f"/api/v1/proposals/{{id}}/{action}"]["post"]
        assert set(op["responses"]) == {"200", "400", "401", "403", "404", "409"}
        assert any(p["name"] == "X-CSRFToken" for p in op["parameters"])
    for name in ("Proposal", "Decision", "Error"):
        assert name in doc["components"]["schemas"]
