"""The dashboard: deadlines overdue and due within 14 days, batches running, applications
waiting for review."""

from __future__ import annotations

from dataclasses import dataclass
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
    if me().role in ("admin", "form_maintainer"):
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
    words = deadline_words(due)
    return render_template(
        "dashboard.html", due=due, batches=batches, review=review, labels=labels, today=today(),
        texts=words.texts, apps=words.apps, stops=words.stops,
    )  # fmt: skip


@dataclass(frozen=True)
class DeadlineWords:
    """What the page says beside each deadline (by deadline id; rows without one left out)."""

    texts: dict[int, str]  # its rule in the catalog's words (as the calendar and the app say)
    stops: dict[int, str]  # an overdue one's: what missing it stops
    apps: dict[int, str]  # by application id: its program's name, else its form's title


def deadline_words(due: list[tuple[DeadlineRow, str]]) -> DeadlineWords:
    """The words beside the dashboard's deadlines, from one look-up of their applications."""
    from web.views.calendar import _catalog

    ids = {r.application_id for r, _ in due if r.application_id is not None}
    if not ids:
        return DeadlineWords({}, {}, {})
    query = sa.select(Application.id, Application.program, Application.form_id)
    found = {
        aid: (pid, fid) for aid, pid, fid in db().execute(query.where(Application.id.in_(ids)))
    }
    apps = {aid: program_name(pid) if pid else form_title(fid) for aid, (pid, fid) in found.items()}
    catalog, lang = _catalog(), str(get_locale() or "en")
    texts: dict[int, str] = {}
    stops: dict[int, str] = {}
    for row, state in due:
        pid = found.get(row.application_id or 0, (None, ""))[0]
        if catalog is None or pid is None:
            continue
        if text := rule_text(catalog, pid, row, lang):
            texts[row.id] = text
        if state == "overdue" and (stop := rule_stops(catalog, pid, row, lang)):
            stops[row.id] = stop
    return DeadlineWords(texts, stops, apps)
