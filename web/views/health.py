"""GET /healthz: 200 when the database and Redis answer, else 503; JSON either way. And
GET /favicon.ico, which browsers and tools ask for at the root whatever a page links."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify
from redis.exceptions import RedisError

from formfill.errors import FormfillError
from web.services import services

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz() -> Any:
    s = services()
    checks: dict[str, str] = {}
    try:
        with s.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except (sa.exc.SQLAlchemyError, FormfillError) as e:
        checks["database"] = f"unreachable: {type(e).__name__}"
    try:
        s.redis().ping()
        checks["redis"] = "ok"
    except (RedisError, OSError, RuntimeError) as e:
        checks["redis"] = f"unreachable: {type(e).__name__}"
    ok = all(v == "ok" for v in checks.values())
    resp = jsonify({"status": "ok" if ok else "unavailable", "checks": checks})
    resp.status_code = 200 if ok else 503
    return resp


@bp.route("/favicon.ico")
def favicon() -> Any:
    """The icon at the address every browser tries first (pages link the SVG and this one)."""
    resp = current_app.send_static_file("favicon.ico")
    resp.cache_control.max_age = 7 * 24 * 3600
    return resp
