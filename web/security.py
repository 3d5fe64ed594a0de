"""Security plumbing: the session-signing key, response headers (a strict CSP: no inline script
or style), and the request's database transaction."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from flask import Flask, Response, g, request
from sqlalchemy.exc import SQLAlchemyError

from formfill.config import Settings, private_dir
from formfill.errors import ConfigError
from formfill.store.audit import Actor

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def secret_key(settings: Settings) -> str:
    """FORMFILL_SECRET_KEY; in development a key generated once into <data_dir>/secret.key
    (mode 0600). Production without the variable stops and names it."""
    if settings.secret_key:
        if len(settings.secret_key) < 32:
            raise ConfigError("FORMFILL_SECRET_KEY", "must be at least 32 characters")
        return settings.secret_key
    if settings.environment == "production":
        raise ConfigError("FORMFILL_SECRET_KEY", "required in production (32+ random characters)")
    path = settings.secret_key_file
    if not path.exists():
        _create_key_file(path)
    return path.read_text(encoding="ascii").strip()


def _create_key_file(path: Path) -> None:
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_urlsafe(48))


def init(app: Flask) -> None:
    @app.after_request
    def headers(response: Response) -> Response:
        h = response.headers
        h["Content-Security-Policy"] = CSP
        h["X-Frame-Options"] = "DENY"
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "same-origin"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        h["Permissions-Policy"] = "geolocation=(), microphone=(), camera=(self)"
        if app.config.get("SESSION_COOKIE_SECURE"):
            h["Strict-Transport-Security"] = "max-age=31536000"
        if request.endpoint != "static":
            h.setdefault("Cache-Control", "no-store")
        return response

    @app.after_request
    def commit(response: Response) -> Response:
        session = g.pop("db", None)
        if session is not None:
            try:
                if response.status_code < 400:
                    session.commit()
                else:
                    session.rollback()
            finally:
                session.close()
        _write_denials()
        return response

    @app.teardown_request
    def close(_exc: BaseException | None) -> None:
        session = g.pop("db", None)
        if session is not None:
            session.rollback()
            session.close()
        _write_denials()


def note_denial(
    actor: Actor, object_type: str, object_id: object, client_id: int | None = None
) -> None:
    """A refused request for an object that exists, to be audited once the request ends: its
    transaction is rolled back (it answers 404 or 403), and the entry is written after it in
    one of its own, never while the request may hold the database's write lock."""
    g.setdefault("denials", []).append((actor, object_type, object_id, client_id))


def _write_denials() -> None:
    """The refusals of this request (web/access.py deny), each audited once the request's own
    transaction has ended."""
    from formfill.store import audit
    from web.services import services

    for actor, object_type, object_id, client_id in g.pop("denials", ()):
        try:
            audit.denied(services().sessions, actor, object_type, object_id, client_id)
        except SQLAlchemyError as e:  # the answer (404/403) stands; the operator is told
            log.error("audit of a refused request could not be written: %s", type(e).__name__)
