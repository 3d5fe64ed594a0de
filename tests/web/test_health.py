"""The health endpoint and the security headers every response carries."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import World

REPO = Path(__file__).resolve().parents[2]


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
