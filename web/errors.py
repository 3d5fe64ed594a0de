"""Errors, in one place: formfill's error types and HTTP errors become a status code and either
an HTML page (with the message) or one JSON shape, by the request's Accept header (always JSON
under /api/). Never a traceback: anything unexpected is logged and answered with a 500 page."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from formfill.errors import (
    ArtifactError,
    ConfigError,
    ConflictError,
    EvidenceError,
    FormfillError,
    InvalidTransitionError,
    NotFoundError,
    ProblemsError,
    StoreNotReadyError,
    TransitionDateError,
    TransitionDetailsError,
    UnknownPathError,
    redact_logs,
)
from web.form_labels import N_

# (type, status, code); the first match wins, so subclasses come before their bases
ERROR_TYPES: tuple[tuple[type[BaseException], int, str], ...] = (
    (NotFoundError, 404, "not_found"),
    (StoreNotReadyError, 503, "store_not_ready"),
    (ConflictError, 409, "conflict"),
    (InvalidTransitionError, 409, "invalid_transition"),
    (TransitionDetailsError, 400, "details_missing"),
    (TransitionDateError, 400, "invalid_date"),
    (ArtifactError, 500, "artifact"),
    (ConfigError, 500, "config"),
    (UnknownPathError, 400, "unknown_path"),
    (ProblemsError, 400, "invalid"),
    (FormfillError, 400, "bad_input"),
)

TITLES = {
    400: N_("The request could not be used"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed here"),
    409: N_("Conflict"),
    413: N_("The upload is too large"),
    415: N_("Unsupported file type"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("Not available right now"),
}


# what the page says for HTTP errors werkzeug raises with its own English description
MESSAGES = {
    400: _l("The request could not be used. Go back and try again."),
    403: _l("You are not allowed to see this page."),
    404: _l("This page does not exist, or it is not one you may see. Check the address."),
    405: _l("This address cannot be used that way."),
    429: _l("Too many attempts. Wait a minute and try again."),
}


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def classify(exc: BaseException) -> tuple[int, str, str, list[str]]:
    """(status, code, message, details) of a formfill error."""
    for cls, status, code in ERROR_TYPES:
        if isinstance(exc, cls):
            details = [str(p) for p in getattr(exc, "problems", [])]
            if isinstance(exc, EvidenceError) and exc.limit == "bytes":
                status, code = 413, "too_large"
            if isinstance(exc, NotFoundError):  # never says whose or which: like a wrong URL
                return status, code, str(MESSAGES[404]), []
            message = str(exc).split("\n")[0]
            if status >= 500:
                message = _("The server could not complete this.")
            return status, code, message, details
    return 500, "internal", _("The server could not complete this."), []


def error_response(status: int, code: str, message: str, details: list[str] | None = None) -> Any:
    if wants_json():
        body = {"error": {"status": status, "code": code, "message": message}}
        if details:
            body["error"]["details"] = details
        resp: Response = jsonify(body)
        resp.status_code = status
        return resp
    title = _(TITLES.get(status, "Error"))
    return render_template(
        "error.html", status=status, title=title, message=message, details=details or []
    ), status


def init(app: Flask) -> None:
    redact_logs(app.logger, logging.getLogger("waitress"))

    @app.errorhandler(FormfillError)
    def formfill_error(exc: FormfillError) -> Any:
        status, code, message, details = classify(exc)
        if status >= 500:
            # the type, never the message: it can name a client's file or value
            app.logger.error("formfill error %s on %s", type(exc).__name__, request.path)
        return error_response(status, code, message, details)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Any:
        from web.forms import RERENDER

        view = RERENDER.get(request.endpoint or "")
        if view is not None and not wants_json():
            g.csrf_expired = True  # the view shows the form again, filled in, with a message
            return view(**(request.view_args or {}))
        return error_response(
            400,
            "csrf",
            _(
                "This form has expired or was sent from elsewhere. Go back, reload the page and "
                "send it again."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        if status == 413:
            limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            message = _(
                "The upload is larger than %(limit)s MB. Send fewer or smaller files.", limit=limit
            )
        elif exc.description and exc.description != type(exc).description:
            message = _(exc.description)  # one of ours, given to abort()
        else:
            message = str(MESSAGES.get(status) or _(TITLES.get(status, "Error")))
        return error_response(status, exc.name.lower().replace(" ", "_"), message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "internal", _("The server could not complete this."))
