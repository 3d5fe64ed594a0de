"""The deadline calendar: open deadlines of the clients the user may see (a specialist their
caseload, a supervisor their team's), overdue ones first, then by week for the next 8 weeks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import get_locale
from flask_login import login_required

from formfill.cases.checklists import rule_text
from formfill.cases.feeds import calendar_feed, feed_user, issue_feed, revoke_feed
from formfill.errors import FormfillError
from formfill.programs.catalog import Catalog
from formfill.store import deadlines
from formfill.store.models import Application, DeadlineRow
from formfill.text import localised
from web.access import visible_ids
from web.auth import me
from web.services import db, services, today
from web.views.dashboard import names

bp = Blueprint("calendar", __name__)
WEEKS = 8


@dataclass(frozen=True)
class Entry:
    row: DeadlineRow
    app: Application | None
    program: str  # the program's name in the user's language ("" without one)
    text: str  # the catalog's text of the rule it came from ("" if none)


@dataclass
class Week:
    start: date  # a Monday
    entries: list[Entry] = field(default_factory=list)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


def _catalog() -> Catalog | None:
    try:
        return services().catalog
    except FormfillError:
        return None


@bp.route("/calendar/<secret>.ics")
def feed(secret: str) -> Any:
    """The user's deadlines for a calendar program: no sign-in, the secret is the key; an
    unknown or revoked secret is a plain 404 (it says nothing about whose it was)."""
    user = feed_user(db(), secret)
    if user is None:
        abort(404)
    data = calendar_feed(db(), user, today(), user.locale or "en")
    return Response(
        data,
        mimetype="text/calendar",
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": 'inline; filename="formfill.ics"',
        },
    )


@bp.route("/calendar/feed", methods=["POST"])
@login_required  # type: ignore[misc]
def new_feed() -> Any:
    """A new feed address, shown once on the page (the store keeps only its hash); the
    previous address stops working."""
    secret = issue_feed(db(), me().actor, me().uid)
    address = url_for("calendar.feed", secret=secret, _external=True)
    return index(address)


@bp.route("/calendar/feed/stop", methods=["POST"])
@login_required  # type: ignore[misc]
def stop_feed() -> Any:
    revoke_feed(db(), me().actor, me().uid)
    return index(stopped=True)


@bp.route("/calendar")
@login_required  # type: ignore[misc]
def index(address: str | None = None, stopped: bool = False) -> Any:
    on = today()
    has_feed = me().row().feed_token_hash is not None
    first = on - timedelta(days=on.weekday())
    weeks = [Week(first + timedelta(weeks=i)) for i in range(WEEKS + 1)]
    horizon = on + timedelta(weeks=WEEKS)
    if me().role == "admin":
        return render_template(
            "calendar.html",
            overdue=[],
            weeks=[],
            labels={},
            today=on,
            horizon=horizon,
            address=None,
            has_feed=False,
            stopped=False,
        )
    session = db()
    due = deadlines.due(session, on, timedelta(weeks=WEEKS), client_ids=visible_ids())
    app_ids = {r.application_id for r, _ in due if r.application_id is not None}
    found = session.scalars(sa.select(Application).where(Application.id.in_(app_ids)))
    apps = {a.id: a for a in found} if app_ids else {}
    catalog = _catalog()
    lang = str(get_locale() or "en")
    program_names: dict[str, str] = {}
    if catalog is not None:
        program_names = {p.id: localised(p.name, lang, p.id) for p in catalog.programs}
    overdue: list[Entry] = []
    for row, state in sorted(due, key=lambda d: (d[0].due, d[0].id)):
        app = apps.get(row.application_id) if row.application_id is not None else None
        pid = app.program if app is not None else None
        entry = Entry(
            row,
            app,
            program_names.get(pid, pid) if pid else "",
            rule_text(catalog, pid, row, lang) if catalog is not None else "",
        )
        if state == "overdue":
            overdue.append(entry)
        else:
            weeks[(row.due - first).days // 7].entries.append(entry)
    return render_template(
        "calendar.html",
        overdue=overdue,
        weeks=weeks,
        labels=names(
            {e.row.client_id for w in weeks for e in w.entries} | {e.row.client_id for e in overdue}
        ),
        today=on,
        horizon=horizon,
        address=address,
        has_feed=has_feed,
        stopped=stopped,
    )
