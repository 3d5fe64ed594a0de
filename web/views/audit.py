"""The audit log, read: who read, changed, downloaded or was refused what, and when. Supervisors
read their team's trail (entries by the team's users or about the team's clients); admins read
all of it. Entries hold ids and names of fields, never a value."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from formfill.store import audit
from formfill.store.db import MAX_ID
from formfill.store.models import AUDIT_ACTIONS, AuditEntry, Client, User
from web.access import visible_ids
from web.auth import me, roles
from web.services import db
from web.views.dashboard import names as client_names

bp = Blueprint("audit", __name__)

PAGE = 100


def _team_users() -> sa.Select[Any]:
    """The users whose entries a supervisor reads: their team's and their own."""
    row = me().row()
    if row.team:
        return sa.select(User.id).where(sa.or_(User.team == row.team, User.id == row.id))
    return sa.select(User.id).where(User.id == row.id)


def _number(name: str) -> tuple[int | None, str | None]:
    text = (request.args.get(name) or "").strip().lstrip("#")
    if not text:
        return None, None
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        return None, text
    return int(text), None


def _day(name: str) -> tuple[date | None, str | None]:
    text = (request.args.get(name) or "").strip()
    if not text:
        return None, None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, text


def _older(before_id: int) -> str:
    """This page's filter, with the entries older than ``before_id``."""
    values: dict[str, Any] = {**request.args.to_dict(), "before": str(before_id)}
    return url_for("audit.index", **values)


@bp.route("/audit")
@roles("supervisor", "admin")
def index() -> Any:
    errors: list[str] = []
    actor_id, bad = _number("user")
    if bad is not None:
        errors.append(_("User: choose one from the list."))
    client_id, bad = _number("client")
    if bad is not None:
        errors.append(_("Client: give the client's number, such as 12."))
    since, bad = _day("from")
    if bad is not None:
        errors.append(_("From: give a date as YYYY-MM-DD."))
    until, bad = _day("to")
    if bad is not None:
        errors.append(_("To: give a date as YYYY-MM-DD."))
    if since and until and until < since:
        errors.append(_("To: the last day comes on or after the first."))
    action = request.args.get("action") or None
    if action is not None and action not in AUDIT_ACTIONS:
        errors.append(_("Action: choose one from the list."))
        action = None
    object_type = (request.args.get("object") or "").strip() or None
    before, _bad = _number("before")
    supervisor = me().role == "supervisor"
    query = audit.AuditQuery(
        actor_id=actor_id,
        client_id=client_id,
        object_type=object_type,
        action=action,
        since=datetime.combine(since, time(), UTC) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(), UTC) if until else None,
        actors_in=_team_users() if supervisor else None,
        clients_in=visible_ids() if supervisor else None,
    )
    rows = [] if errors else audit.search(db(), query, limit=PAGE + 1, before_id=before)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    users_q = sa.select(User).order_by(User.name)
    if supervisor:
        users_q = users_q.where(User.id.in_(_team_users()))
    users = list(db().scalars(users_q))
    actors = {r.actor_id for r in rows if r.actor_id is not None}
    found = db().execute(sa.select(User.id, User.name).where(User.id.in_(sorted(actors))))
    names = {uid: name for uid, name in found}
    # a client's name only where the reader may see the client (an admin sees none)
    asked = {r.client_id for r in rows if r.client_id is not None}
    visible = (
        set(
            db().scalars(
                sa.select(Client.id).where(Client.id.in_(asked), Client.id.in_(visible_ids()))
            )
        )
        if supervisor and asked
        else set()
    )
    clients = client_names(visible)
    types = sorted(db().scalars(sa.select(AuditEntry.object_type).distinct()))
    status = 400 if errors else 200
    return render_template(
        "audit.html",
        rows=rows,
        more=more,
        older=_older(rows[-1].id) if rows and more else None,
        users=users,
        names=names,
        clients=clients,
        actions=AUDIT_ACTIONS,
        types=types,
        errors=errors,
        args=request.args,
    ), status
