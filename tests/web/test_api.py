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
