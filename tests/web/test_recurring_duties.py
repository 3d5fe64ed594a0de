"""Recurring duties: a dagpenger application submitted gets its meldekort every 14 days; a
specialist marks one done with a note of what was done and the next one appears 14 days on;
an overdue one on the dashboard says what missing it stops. Another specialist's deadline
cannot be marked."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from formfill.store import Actor, session_scope
from formfill.store import applications as store_apps
from formfill.store.models import DeadlineRow, Note
from tests.web.conftest import World, post

T = Actor.system("test")


def _dagpenger(world: World, submitted: date) -> int:
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        app = store_apps.create_application(s, T, world.mine, "nav-yrkesskade", program="dagpenger")
        for to in ("ready", "filled", "reviewed"):
            store_apps.advance(s, T, app.id, to, submitted)
        return app.id


def _open_meldekort(world: World, app_id: int) -> list[DeadlineRow]:
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        q = sa.select(DeadlineRow).where(
            DeadlineRow.application_id == app_id,
            DeadlineRow.kind == "progress_report",
            DeadlineRow.done.is_(False),
        )
        rows = list(s.scalars(q))
        s.expunge_all()
        return rows


def test_a_meldekort_marked_done_brings_the_next_with_its_note(world: World, as_user: Any) -> None:
    submitted = date.today() - timedelta(days=20)  # the first meldekort is 6 days overdue
    app_id = _dagpenger(world, submitted)
    c = as_user("specialist")
    body = {"to": "submitted", "channel": "post", "date": submitted.isoformat()}
    assert post(c, f"/applications/{app_id}/advance", body).status_code == 302
    (first,) = _open_meldekort(world, app_id)
    assert first.due == submitted + timedelta(days=14)

    dashboard = c.get("/").get_data(as_text=True)
    assert "If it stays missed: Dagpenger stop when more than 20 days pass" in dashboard
    page = c.get(f"/applications/{app_id}").get_data(as_text=True)
    assert f"/deadlines/{first.id}/done" in page

    other = as_user("specialist2")
    assert post(other, f"/deadlines/{first.id}/done", {"note": "x"}).status_code == 404

    resp = post(c, f"/deadlines/{first.id}/done", {"note": "Meldekort sent on nav.no"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(
        f"/applications/{app_id}#deadlines"
    )
    flashed = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Marked done: progress report. The next one is due" in flashed
    (nxt,) = _open_meldekort(world, app_id)
    assert nxt.due == first.due + timedelta(days=14)
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        notes = s.scalars(sa.select(Note.body).where(Note.application_id == app_id)).all()
    assert "Meldekort sent on nav.no" in notes
    again = post(c, f"/deadlines/{first.id}/done", {})
    assert "already marked done" in c.get(again.headers["Location"]).get_data(as_text=True)
