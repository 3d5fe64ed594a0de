"""The dashboard: deadlines overdue and due within 14 days, batches running, applications
waiting for review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_login import login_required

from formfill.cases.checklists import rule_stops, rule_text
from formfill.store import deadlines
from formfill.store.models import Application, Batch, Client, DeadlineRow
from web.access import visible_batches, visible_ids
from web.auth import me
from web.labels import form_title, program_name
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
        "dashboard.html", due=due, batches=batches, review=review, labels=labels, today=today(),
        texts=rule_texts([row for row, _ in due]), apps=app_names([row for row, _ in due]),
        stops=rule_texts([row for row, state in due if state == "overdue"], rule_stops),
    )  # fmt: skip


def app_names(rows: list[DeadlineRow]) -> dict[int, str]:
    """What each deadline's application is called: its program's name, else its form's
    title (a link reads "Barnetrygd", never "#7")."""
    ids = {r.application_id for r in rows if r.application_id is not None}
    if not ids:
        return {}
    query = sa.select(Application.id, Application.program, Application.form_id)
    found = db().execute(query.where(Application.id.in_(ids)))
    return {aid: program_name(pid) if pid else form_title(fid) for aid, pid, fid in found}


def rule_texts(rows: list[DeadlineRow], of: Any = None) -> dict[int, str]:
    """Each deadline's rule in the catalog's words, in the UI language (as the calendar and the
    application page show it); rows without one are left out (their stored label shows).
    ``of``: another reading of the rule (``rule_stops``: what missing it stops)."""
    from web.views.calendar import _catalog

    catalog = _catalog()
    app_ids = {r.application_id for r in rows if r.application_id is not None}
    if catalog is None or not app_ids:
        return {}
    query = sa.select(Application.id, Application.program).where(Application.id.in_(app_ids))
    programs: dict[int, str | None] = {aid: pid for aid, pid in db().execute(query)}
    lang = str(get_locale() or "en")
    read = of or rule_text
    texts = {r.id: read(catalog, programs.get(r.application_id or 0), r, lang) for r in rows}
    return {k: v for k, v in texts.items() if v}
