"""Personal API tokens (issue 18 item 5): made on the account page and shown once, hashed at
rest, a scope (read: GET only; write: everything the user may do), an expiry, revocable; the API
accepts them as Bearer tokens without a cookie or a CSRF token, with the user's permissions;
the web's pages never accept them; the OpenAPI document says so."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from formfill.store import session_scope
from formfill.store.audit import entries
from formfill.store.models import ApiToken, User, utcnow
from tests.web.conftest import World, post


def _make(c: Any, name: str, scope: str, days: str = "30") -> str:
    resp = post(c, "/account/tokens", {"name": name, "scope": scope, "days": days})
    assert resp.status_code == 201, resp.get_data(as_text=True)[:500]
    m = re.search(r'<code class="secret">(ff_[A-Za-z0-9_-]+)</code>', resp.get_data(as_text=True))
    assert m
    return m.group(1)


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_is_shown_once_and_kept_only_as_its_hash(world: World, as_user: Any) -> None:
    c = as_user("specialist")
    secret = _make(c, "Nightly export", "read")
    listing = c.get("/account/tokens").get_data(as_text=True)
    assert "Nightly export" in listing and secret not in listing  # never shown again
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        row = s.scalar(sa.select(ApiToken).where(ApiToken.name == "Nightly export"))
        assert row is not None and row.user_id == world.users["specialist"]
        assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        stored = " ".join(str(v) for v in vars(row).values())
        assert secret not in stored
        assert [e.action for e in entries(s, "api_token", row.id)] == ["create"]


def test_a_read_token_reads_with_the_users_permissions_and_changes_nothing(
    world: World,
) -> None:
    c = world.app.test_client()
    from tests.web.conftest import sign_in

    secret = _make(sign_in(world.app.test_client(), "specialist"), "reader", "read")
    listed = c.get("/api/v1/clients", headers=_bearer(secret))
    assert listed.status_code == 200
    ids = [i["id"] for i in listed.get_json()["items"]]
    assert world.mine in ids and world.theirs not in ids  # the specialist's caseload only
    assert c.get(f"/api/v1/clients/{world.theirs}", headers=_bearer(secret)).status_code == 404
    assert "Set-Cookie" not in listed.headers  # no session is made for a token
    body = {"profile": {"person": {"given_name": "Tok", "family_name": "En"}}}
    refused = c.post("/api/v1/clients", json=body, headers=_bearer(secret))
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "insufficient_scope"
    assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]


def test_a_write_token_changes_without_a_csrf_token(world: World) -> None:
    from tests.web.conftest import sign_in

    secret = _make(sign_in(world.app.test_client(), "specialist"), "writer", "write")
    c = world.app.test_client()  # no cookie at all
    body = {"profile": {"person": {"given_name": "Token", "family_name": "Written"}}}
    made = c.post("/api/v1/clients", json=body, headers=_bearer(secret))
    assert made.status_code == 201, made.get_json()
    # without the token, the same call is refused (no session, no CSRF token)
    assert c.post("/api/v1/clients", json=body).status_code in (400, 401)


def test_unknown_expired_revoked_and_deactivated_tokens_are_401(world: World, as_user: Any) -> None:
    c = world.app.test_client()
    assert c.get("/api/v1/clients", headers=_bearer("ff_nonsense")).status_code == 401
    web = as_user("specialist")
    old = _make(web, "old", "read")
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        row = s.scalar(sa.select(ApiToken).where(ApiToken.name == "old"))
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
    resp = c.get("/api/v1/clients", headers=_bearer(old))
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "invalid_token"
    live = _make(web, "to revoke", "read")
    assert c.get("/api/v1/clients", headers=_bearer(live)).status_code == 200
    page = web.get("/account/tokens").get_data(as_text=True)
    token_id = re.findall(r"/account/tokens/(\d+)/revoke", page)[0]
    assert post(web, f"/account/tokens/{token_id}/revoke").status_code == 302
    assert c.get("/api/v1/clients", headers=_bearer(live)).status_code == 401
    # another user cannot revoke it: as if it did not exist
    other = _make(as_user("specialist2"), "theirs", "read")
    theirs = re.findall(r"/account/tokens/(\d+)/revoke", as_user("specialist2").get(
        "/account/tokens").get_data(as_text=True))[0]  # fmt: skip
    assert post(web, f"/account/tokens/{theirs}/revoke").status_code == 404
    assert c.get("/api/v1/clients", headers=_bearer(other)).status_code == 200
    # a deactivated user's tokens stop with the user
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        user = s.get(User, world.users["specialist2"])
        assert user is not None
        user.active = False
    try:
        assert c.get("/api/v1/clients", headers=_bearer(other)).status_code == 401
    finally:
        with session_scope(world.app.extensions["formfill"].sessions) as s:
            user = s.get(User, world.users["specialist2"])
            assert user is not None
            user.active = True


def test_the_web_pages_never_take_a_token(world: World, as_user: Any) -> None:
    secret = _make(as_user("specialist"), "not for pages", "write")
    c = world.app.test_client()
    resp = c.get(f"/clients/{world.mine}", headers=_bearer(secret))
    assert resp.status_code == 401
    assert "for the API (/api/v1) only" in html.unescape(resp.get_data(as_text=True))


def test_a_bad_token_request_says_what_is_wanted(world: World, as_user: Any) -> None:
    c = as_user("specialist")
    for bad in ({"name": "", "scope": "read", "days": "30"},
                {"name": "x", "scope": "admin", "days": "30"},
                {"name": "x", "scope": "read", "days": "400"}):  # fmt: skip
        resp = post(c, "/account/tokens", bad)
        assert resp.status_code == 400
        assert "a life of 1 to 365 days" in html.unescape(resp.get_data(as_text=True))
    nb = post(
        c, "/account/tokens", {"name": "", "scope": "read"}, headers={"Accept-Language": "nb"}
    )
    assert "Gi nøkkelen et navn" in html.unescape(nb.get_data(as_text=True))


def test_the_openapi_document_names_both_ways_in(world: World) -> None:
    doc = world.app.test_client().get("/api/v1/openapi.json").get_json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token (ff_...), scope read or write",
    }
    assert schemes["cookieAuth"]["in"] == "cookie"
    assert {"bearerAuth": []} in doc["security"]
    create = doc["paths"]["/api/v1/clients"]["post"]
    assert "403" in create["responses"]
    csrf = next(p for p in create["parameters"] if p["name"] == "X-CSRFToken")
    assert csrf["required"] is False
