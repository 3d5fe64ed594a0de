"""The deadlines feed: a secret address a calendar program subscribes to, parsed here by the
icalendar library as a calendar would read it. It holds the client's reference, the deadline's
kind and its date, never a name or a national id; a new address voids the old one, and a
stopped feed answers 404 like one that never existed."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from icalendar import Calendar

from tests.web.conftest import World, post


def _seed(world: World, reference: str = "REF-FEED-7") -> tuple[int, date]:
    from formfill.lifecycle import Deadline, DeadlineKind
    from formfill.profile.provenance import Provenance
    from formfill.profile.validation import load_profile
    from formfill.store import Actor, session_scope
    from formfill.store import users as store_users
    from formfill.store.clients import create_client, save_profile
    from formfill.store.deadlines import add_computed
    from tests.web.conftest import REPO

    due = date.today() + timedelta(days=10)
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        actor = Actor.system("test")
        client = create_client(s, actor, reference)
        profile = load_profile(REPO / "personas" / "nb_single_parent.json")
        save_profile(s, actor, client.id, profile, Provenance("typed"))
        store_users.assign(s, actor, world.users["specialist"], client.id)
        add_computed(s, actor, client.id, None, Deadline(DeadlineKind.APPEAL, due, "r", "t"))
        return client.id, due


def _address(page: str) -> str:
    m = re.search(r'class="feed-address" value="([^"]+)"', page)
    assert m, "no feed address on the page"
    return m.group(1).replace("http://localhost", "")


def test_the_feed_lists_reference_kind_and_date_and_nothing_personal(
    world: World, as_user: Any
) -> None:
    _client, due = _seed(world)
    c = as_user("specialist")
    first = _address(post(c, "/calendar/feed").get_data(as_text=True))
    anonymous = world.app.test_client()  # a calendar program has no session
    resp = anonymous.get(first)
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    cal = Calendar.from_ical(resp.data)
    events = [e for e in cal.walk("VEVENT")]
    mine = [e for e in events if "REF-FEED-7" in str(e.get("summary"))]
    assert len(mine) == 1
    assert str(mine[0].get("summary")) == "REF-FEED-7: Appeal deadline"
    assert mine[0].decoded("dtstart") == due
    text = resp.get_data(as_text=True)
    assert "Tuva" not in text and "Sæther" not in text  # the persona's name
    assert not re.search(r"\b\d{11}\b", text)  # no fødselsnummer
    # a new address voids the old one; stopping voids every address
    second = _address(post(c, "/calendar/feed").get_data(as_text=True))
    assert second != first
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    page = post(c, "/calendar/feed/stop").get_data(as_text=True)
    assert "no longer works" in page
    assert anonymous.get(second).status_code == 404
    assert anonymous.get("/calendar/not-a-secret.ics").status_code == 404


def test_the_feed_holds_only_the_users_own_clients(world: World, as_user: Any) -> None:
    _seed(world, "REF-FEED-8")  # on specialist's caseload, not specialist2's
    c = as_user("specialist2")
    address = _address(post(c, "/calendar/feed").get_data(as_text=True))
    resp = world.app.test_client().get(address)
    assert resp.status_code == 200 and "REF-FEED-8" not in resp.get_data(as_text=True)
