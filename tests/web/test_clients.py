"""The clients blueprint: who sees which client, the client page, intake with inline errors,
the household."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from formfill.profile.provenance import Provenance
from tests.web.conftest import World, post

NB = {"Accept-Language": "nb"}
NL = {"Accept-Language": "nl"}

REPO = Path(__file__).resolve().parents[2]


def test_specialist_sees_only_own_caseload(world: World, as_user: Any) -> None:
    """A specialist's list holds their client only; another's client is 404 on every route."""
    c = as_user("specialist")
    page = c.get("/clients").get_data(as_text=True)
    assert "Tuva" in page and "Noëlle" not in page
    assert c.get(f"/clients/{world.mine}").status_code == 200
    for url in (
        f"/clients/{world.theirs}",
        f"/clients/{world.theirs}/edit",
        f"/api/v1/clients/{world.theirs}",
    ):
        assert c.get(url).status_code == 404, url
    assert c.get(f"/api/v1/clients/{world.theirs}").get_json()["error"]["code"] == "not_found"
    resp = post(c, f"/clients/{world.theirs}/notes", {"body": "x"})
    assert resp.status_code == 404
    resp = post(c, f"/clients/{world.theirs}/evidence", content_type="multipart/form-data")
    assert resp.status_code == 404


def test_supervisor_sees_team_admin_sees_no_clients(world: World, as_user: Any) -> None:
    """A supervisor sees their team's clients, not another team's; an admin no client data,
    and a specialist no admin page."""
    sup = as_user("supervisor")
    assert sup.get(f"/clients/{world.mine}").status_code == 200
    assert sup.get(f"/clients/{world.theirs}").status_code == 404
    admin = as_user("admin")
    assert admin.get(f"/clients/{world.mine}").status_code == 404
    assert admin.get("/admin/users").status_code == 200
    assert as_user("specialist").get("/admin/users").status_code == 403


def test_client_page_shows_provenance_and_screening_and_audits(world: World, as_user: Any) -> None:
    """The client page shows each value with where it came from, the screening panel, and
    records the read in the audit log."""
    from formfill.store import audit, session_scope

    c = as_user("specialist")
    page = c.get(f"/clients/{world.mine}").get_data(as_text=True)
    assert '<th scope="row">Person: Given name</th>' in page and "typed" in page
    assert 'id="screening"' in page
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        reads = audit.entries(s, "profile", world.mine)
        assert any(e.action == "read" and e.actor_id == world.users["specialist"] for e in reads)


def test_intake_validates_inline_and_creates(world: World, as_user: Any) -> None:
    """A bad check digit is shown next to its field (named), with the entries kept; a valid
    intake creates the client on the user's caseload."""
    c = as_user("specialist")
    assert c.get("/clients/new").status_code == 200
    bad = {
        "person.given_name": "Ola",
        "person.family_name": "Testmann",
        "identifiers.no_fnr": "14038812469",
        "person.birth_date": "1988-03-14",
    }
    resp = post(c, "/clients/new", bad)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Client (Ola Testmann): Fødselsnummer (Norway): invalid check digit" in page
    assert 'value="Testmann"' in page
    good = dict(
        bad,
        **{
            "identifiers.no_fnr": "14038812468",
            "household.members[0].relation": "child",
            "household.members[0].given_name": "Lise",
        },
    )
    resp = post(c, "/clients/new", good)
    assert resp.status_code == 302
    new_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    page = c.get(f"/clients/{new_id}").get_data(as_text=True)
    assert "Testmann" in page and "Lise" in page
    assert c.get("/clients?q=testmann").get_data(as_text=True).count("Testmann") >= 1
    assert as_user("specialist2").get(f"/clients/{new_id}").status_code == 404


def test_stale_csrf_keeps_entries(world: World, as_user: Any) -> None:
    """A stale CSRF token on the profile form shows the form again with the entries and a
    message; nothing is saved and nothing is lost."""
    c = as_user("specialist")
    resp = c.post(
        f"/clients/{world.mine}/edit",
        data={
            "person.given_name": "Karianne",
            "person.family_name": "Nordmann",
            "csrf_token": "stale",
        },
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "expired" in page and 'value="Karianne"' in page


def test_household_by_relation_and_warnings_where_the_profile_is_edited(
    world: World, as_user: Any
) -> None:
    """Two children with a bad fødselsnummer each get their own message naming the child; a
    single client with a samboer at home is saved with a 'check before signing' warning, and
    the client page lists the household as forms see it (partner, then children oldest
    first), whatever the order of entry."""
    c = as_user("specialist")
    base = {
        "person.given_name": "Márjá",
        "person.family_name": "Somby",
        "person.birth_date": "1988-03-14",
        "person.marital_status": "single",
        "household.members[0].relation": "child",
        "household.members[0].given_name": "Máhtte",
        "household.members[0].birth_date": "2020-01-15",
        "household.members[1].relation": "partner",
        "household.members[1].given_name": "Per",
        "household.members[2].relation": "child",
        "household.members[2].given_name": "Ánne",
        "household.members[2].birth_date": "2014-05-02",
    }
    bad = dict(base, **{"household.members[0].identifiers.no_fnr": "30051553168",
                        "household.members[2].identifiers.no_fnr": "30051553168"})  # fmt: skip
    page = post(c, "/clients/new", bad).get_data(as_text=True)
    assert "Household member 1 (Máhtte): Fødselsnummer (Norway): invalid check digit" in page
    assert "Household member 3 (Ánne): Fødselsnummer (Norway): invalid check digit" in page
    resp = post(c, "/clients/new", base)
    assert resp.status_code == 302
    page = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Check before signing" in page and "lives with the client" in page
    household = page.split('id="household"', 1)[1].split("</section>", 1)[0]
    assert household.index("Per") < household.index("Ánne") < household.index("Máhtte")


def _summaries(page: str) -> list[str]:
    """The screening's program lines as read: badge, name, country (tags dropped)."""
    rows = re.findall(r'<details class="program [a-z_]+"><summary>(.*?)</summary>', page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in rows]


def test_a_program_line_names_its_country_once(world: World, as_user: Any) -> None:
    """The catalog's nb name of a Dutch program already says Nederland: no second "Nederland"
    beside it. Where the name does not say it (en, or the program's own language), the
    country is shown beside the name."""
    c = as_user("specialist")
    nb = _summaries(c.get(f"/clients/{world.mine}", headers=NB).get_data(as_text=True))
    rent = next(r for r in nb if "huurtoeslag" in r)
    assert rent.endswith("Bostøtte til leie (huurtoeslag, Nederland)"), rent
    assert rent.count("Nederland") == 1
    assert "har rett Utvidet barnetrygd Norge" in nb, nb  # the name says no country
    en = _summaries(c.get(f"/clients/{world.mine}").get_data(as_text=True))
    assert any(r.endswith("Rent allowance Netherlands") for r in en), en
    nl = _summaries(c.get(f"/clients/{world.mine}", headers=NL).get_data(as_text=True))
    aap = next(r for r in nl if "AAP" in r)
    assert aap.count("Noorwegen") == 1, aap


def test_demo_data_says_so_without_a_source_path(world: World, as_user: Any) -> None:
    """A value the demo seed imported reads "demo data (synthetic)" in the reader's language;
    no file or code path is shown (older demo stores named the seed module)."""
    from formfill.profile.provenance import DEMO_SOURCE
    from formfill.profile.validation import load_profile
    from formfill.store import Actor, session_scope
    from formfill.store import users as store_users
    from formfill.store.clients import create_client, save_profile

    actor = Actor.system("test")
    ids = []
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        for source in (DEMO_SOURCE, "formfill/cases/demo_seed.py (synthetic)"):
            client = create_client(s, actor, f"REF-DEMO-{len(ids)}")
            profile = load_profile(REPO / "personas/nb_single_parent.json")
            save_profile(s, actor, client.id, profile, Provenance("imported", imported_from=source))
            store_users.assign(s, actor, world.users["specialist"], client.id)
            ids.append(client.id)
    c = as_user("specialist")
    for client_id in ids:
        for headers, words in (({}, "demo data (synthetic)"), (NB, "demodata (fiktive)"),
                               (NL, "demogegevens (fictief)")):  # fmt: skip
            page = c.get(f"/clients/{client_id}", headers=headers).get_data(as_text=True)
            assert words in page
            assert "demo_seed" not in page and ".py" not in page.split('id="profile"')[1]


def test_the_client_list_is_in_the_ui_languages_order(world: World, as_user: Any) -> None:
    """The list page sorts names as the reader's language does: in nb Øystein after Zara, in
    nl Øystein among the O's; Élodie with the E's in both."""
    from formfill.profile.validation import parse_profile
    from formfill.store import Actor, session_scope
    from formfill.store import users as store_users
    from formfill.store.clients import create_client, save_profile
    from tests.web.conftest import PASSWORD, sign_in

    actor = Actor.system("test")
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        user = store_users.create_user(
            s, actor, "sorting@example.org", "Sol Sorting", "specialist", PASSWORD, "team-s"
        )
        for given, family in (("Zara", "Ali"), ("Øystein", "Berg"), ("Élodie", "Martin"),
                              ("Ole", "Hansen"), ("Eva", "Smit")):  # fmt: skip
            client = create_client(s, actor)
            data = {"person": {"given_name": given, "family_name": family}}
            save_profile(s, actor, client.id, parse_profile(data), Provenance("typed"))
            store_users.assign(s, actor, user.id, client.id)
    from tests.web import conftest

    conftest.USERS["sorting"] = ("sorting@example.org", "specialist", "team-s")
    try:
        c = sign_in(world.app.test_client(), "sorting")
    finally:
        del conftest.USERS["sorting"]

    def names(headers: dict[str, str]) -> list[str]:
        page = c.get("/clients", headers=headers).get_data(as_text=True)
        return re.findall(r'<a href="/clients/\d+">([^<]+)</a>', page)

    assert names(NB) == ["Élodie Martin", "Eva Smit", "Ole Hansen", "Zara Ali", "Øystein Berg"]
    assert names(NL) == ["Élodie Martin", "Eva Smit", "Ole Hansen", "Øystein Berg", "Zara Ali"]
