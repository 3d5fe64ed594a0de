"""The dashboard: deadlines overdue and due within 14 days, batches running, applications
waiting for review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import login_required

from formfill.store import deadlines
from formfill.store.models import Application, Batch, Client
from web.access import visible_batches, visible_ids
from web.auth import me
from web.services import db, today

bp = Blueprint("dashboard", __name__)
HORIZON = timedelta(days=14)


def names(client_ids: set[int]) -> dict[int, str]:
    if not client_ids:
        return {}
    rows = db().execute(sa.select(Client.id, Client.name).where(Client.id.in_(client_ids)))
    return {cid: name or f"client {cid}" for cid, name in rows}


@bp.route("/")
@login_required  # type: ignore[misc]
def index() -> Any:
    session = db()
    if me().role == "admin":
        return render_template("dashboard.html", due=[], batches=[], review=[], labels={})
    due = deadlines.due(session, today(), HORIZON, client_ids=visible_ids())
    batches = session.scalars(
        sa.select(Batch)
        .where(Batch.state != "done", Batch.id.in_(visible_batches()))
        .order_by(Batch.id.desc())
        .limit(20)
    ).all()
    review = session.scalars(
        sa.select(Application)
        .where(Application.status == "filled", Application.client_id.in_(visible_ids()))
        .order_by(Application.updated_at)
        .limit(50)
    ).all()
    labels = names({r.client_id for r, _ in due} | {a.client_id for a in review})
    return render_template(
        "dashboard.html", due=due, batches=batches, review=review, labels=labels, today=today()
    )
