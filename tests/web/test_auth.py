"""Sign-in, sessions, CSRF, sign-out, password change and the interface language per user."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.web.conftest import PASSWORD, World, csrf_token, post, sign_in

REPO = Path(__file__).resolve().parents[2]


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


def test_interface_language_per_user(world: World, as_user: Any) -> None:
    """A user who picks bokmål or Dutch gets the interface in it."""
    c = as_user("specialist2")
    assert post(c, "/account/locale", {"locale": "nb", "next": "/clients"}).status_code == 302
    assert "Klienter" in c.get("/clients").get_data(as_text=True)
    post(c, "/account/locale", {"locale": "nl"})
    assert "Cliënten" in c.get("/clients").get_data(as_text=True)
    post(c, "/account/locale", {"locale": "en"})


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("/clients", "/clients"),
        ("/clients/1?tab=evidence", "/clients/1?tab=evidence"),
        ("////evil.example/path", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/%09/evil.example", "/%09/evil.example"),  # an encoded tab stays a local path
        ("/\t/evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_is_only_a_local_path(world: World, target: str, lands: str) -> None:
    c = world.app.test_client()
    resp = c.post(
        "/login",
        query_string={"next": target},
        data={"email": "specialist@example.org", "password": PASSWORD, "csrf_token": csrf_token(c)},
    )
    assert resp.status_code == 302
    location = urlsplit(resp.headers["Location"])
    assert location.netloc in ("", "localhost")  # never another host
    assert (location.path + (f"?{location.query}" if location.query else "")) == lands
