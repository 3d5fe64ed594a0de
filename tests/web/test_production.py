"""Production mode starts with its keys set: the session is signed with FORMFILL_SECRET_KEY, its
cookie is Secure, HSTS is sent, and X-Forwarded-* is believed only from FORMFILL_TRUSTED_PROXIES
proxies. Without the keys the app refuses to start, naming them."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

from formfill.config import Settings
from formfill.errors import ConfigError
from tests.web.conftest import PASSWORD, USERS, World

SECRET = "production-secret-" + "p" * 30


def _app(world: World, **changes: object) -> Flask:
    from web import create_app

    settings = replace(world.settings, **changes)  # type: ignore[arg-type]
    app = create_app(settings, TESTING=True)

    @app.route("/_probe")
    def probe() -> str:
        return f"{request.remote_addr} {request.scheme}"

    return app


def _production(world: World, **changes: object) -> Flask:
    return _app(world, environment="production", secret_key=SECRET, cookie_secure=True, **changes)


def test_production_refuses_to_start_without_its_keys(world: World) -> None:
    from web import create_app

    bare = replace(world.settings, environment="production", secret_key=None, artifact_key=None)
    with pytest.raises(ConfigError) as e:
        create_app(bare)
    assert "FORMFILL_SECRET_KEY" in str(e.value) and "FORMFILL_ARTIFACT_KEY" in str(e.value)


def test_production_signs_in_with_a_secure_cookie_signed_by_the_secret(world: World) -> None:
    app = _production(world)
    client = app.test_client()
    site = "https://formfill.example.org"
    page = client.get("/login", base_url=site).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert token is not None
    resp = client.post(
        "/login",
        data={"email": USERS["specialist"][0], "password": PASSWORD, "csrf_token": token[1]},
        base_url=site,
        headers={"Referer": f"{site}/login"},  # CSRF checks the referrer over HTTPS
    )
    assert resp.status_code == 302
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if "formfill_session" in c)
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
    # the cookie opens with the variable's key, and with no other
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    iface = SecureCookieSessionInterface()
    assert app.secret_key == SECRET
    assert "_user_id" in iface.get_signing_serializer(app).loads(value)  # type: ignore[union-attr]
    other = Flask("other")
    other.secret_key = "another-key-" + "o" * 30
    with pytest.raises(Exception, match="Signature"):
        iface.get_signing_serializer(other).loads(value)  # type: ignore[union-attr]


def test_development_sends_no_hsts_and_a_plain_cookie(world: World) -> None:
    resp = world.app.test_client().get("/login")
    assert "Strict-Transport-Security" not in resp.headers


@pytest.mark.parametrize("proxies", [0, 1])
def test_forwarded_headers_count_only_behind_trusted_proxies(world: World, proxies: int) -> None:
    app = _production(world, trusted_proxies=proxies)
    resp = app.test_client().get(
        "/_probe",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    if proxies:
        assert resp.get_data(as_text=True) == "203.0.113.9 https"
    else:  # a client cannot forge its address (the sign-in limits are per address)
        assert resp.get_data(as_text=True) == "10.0.0.7 http"


def test_from_env_production_with_both_keys_builds_the_app(world: World) -> None:
    """The probe's case: FORMFILL_ENV=production with the keys set must start."""
    from web import create_app

    settings = Settings.from_env(
        {
            "FORMFILL_ENV": "production",
            "FORMFILL_DATA_DIR": str(world.settings.data_dir),
            "FORMFILL_SECRET_KEY": SECRET,
            "FORMFILL_ARTIFACT_KEY": world.settings.artifact_key or "",
        }
    )
    app = create_app(settings)
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.secret_key == SECRET
