"""The web front end: a thin Flask shell over formfill (parse input, one formfill call, format).

``create_app(settings)`` builds the app; nothing happens at import time. Settings come from
``Settings.from_env()`` once per process (the caller's), the store is opened once per app.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request

from formfill.config import Settings, private_dir

__all__ = ["create_app"]

MAX_UPLOAD_BYTES = 25 * 1024 * 1024  # one request: several scans or phone photos


class _Request(Request):
    """Closes the temporary files of a multipart upload even when parsing it stopped half-way
    (an upload over MAX_CONTENT_LENGTH is refused with 413 after Werkzeug spooled part of it
    to a temporary file that nothing else would close)."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> Any:
        stream = super()._get_file_stream(
            total_content_length, content_type, filename, content_length
        )
        self.__dict__.setdefault("_spooled", []).append(stream)
        return stream

    def close(self) -> None:
        super().close()
        for stream in self.__dict__.pop("_spooled", []):
            stream.close()


def create_app(settings: Settings | None = None, **config: Any) -> Flask:
    """The Flask app for ``settings`` (Settings.from_env() when None); ``config`` overrides
    Flask settings (tests: TESTING, WTF_CSRF_ENABLED, ...)."""
    from web import auth, errors, i18n, labels, screening_text, security
    from web.services import Services
    from web.views import register_views

    settings = settings or Settings.from_env()
    settings.require_production_ready()  # production: both keys and Secure cookies, or stop
    private_dir(settings.data_dir, tighten=True)  # 0700 whatever made it first
    app = Flask(__name__)
    app.request_class = _Request
    app.config.update(
        SECRET_KEY=security.secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="formfill_session",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        WTF_CSRF_SSL_STRICT=settings.cookie_secure,
        JSON_SORT_KEYS=False,
    )
    app.config.update(config)
    if settings.trusted_proxies:
        # X-Forwarded-For/-Proto/-Host are believed only from that many proxies in front
        # (FORMFILL_TRUSTED_PROXIES); without it a client could forge its address and the
        # sign-in limits per address would mean nothing
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n
        )
    app.extensions["formfill"] = Services(settings)
    security.init(app)
    auth.init(app)
    i18n.init(app, settings)
    labels.init(app)
    screening_text.init(app)
    errors.init(app)
    register_views(app)
    return app
