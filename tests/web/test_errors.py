"""Errors are pages or JSON with a proper status, never tracebacks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.web.conftest import World

REPO = Path(__file__).resolve().parents[2]


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
