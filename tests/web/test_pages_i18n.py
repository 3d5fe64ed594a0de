"""Every page of the web, read in nb and nl, shows no stored code: no snake_case word in the
text a person reads (tags stripped; a code inside an attribute, such as a form id in a URL, is
not text). The world gets one of each thing first: a batch, an application with a deadline, an
evidence file, a note and a referral."""

from __future__ import annotations

import html
import io
import re

import pytest

from tests.web.conftest import World, post, run_jobs

SNAKE = re.compile(r"\b[a-zæøå]+(?:_[a-zæøå0-9]+)+\b")
# genuine tokens a reader may meet in text; none today
ALLOWED: frozenset[str] = frozenset()


def visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", page))


def codes_in(page: str) -> list[str]:
    return sorted({w for w in SNAKE.findall(visible_text(page)) if w not in ALLOWED})


def test_the_check_finds_a_code_in_text_but_not_in_an_attribute() -> None:
    page = '<a href="/forms/nav_barnetrygd" title="x_y">Barnetrygd</a><td>partly_approved</td>'
    assert codes_in(page) == ["partly_approved"]


@pytest.fixture(scope="module")
def pages(world: World) -> dict[str, tuple[str, str]]:
    """name -> (who reads it, path), with a thing of each kind in the store."""
    from formfill.profile.provenance import Provenance
    from formfill.profile.validation import load_profile
    from formfill.store import Actor, session_scope
    from formfill.store import users as store_users
    from formfill.store.clients import create_client, save_profile
    from tests.data.evidence.build import SAMPLES, render_pdf
    from tests.web.conftest import REPO, sign_in

    with session_scope(world.app.extensions["formfill"].sessions) as s:  # a client of its own
        actor = Actor.system("test")
        client = create_client(s, actor, "REF-I18N")
        save_profile(s, actor, client.id, load_profile(REPO / "personas/nb_single_parent.json"),
                     Provenance("typed"))  # fmt: skip
        store_users.assign(s, actor, world.users["specialist"], client.id)
        mine = client.id
    c = sign_in(world.app.test_client(), "specialist")
    launch = {"clients": [str(mine)], "forms": ["nav-barnetrygd"], "only_ready": "0"}
    resp = post(c, "/batches/launch", launch)
    assert resp.status_code == 302
    batch_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    sample = next(s for s in SAMPLES if s.id == "nl_pay_slip")
    files = {"files": [(io.BytesIO(render_pdf(sample)), "loonstrook-maart.pdf")]}
    resp = post(c, f"/clients/{mine}/evidence", files, content_type="multipart/form-data")
    assert resp.status_code == 302
    run_jobs(world)
    batch = c.get(f"/api/v1/batches/{batch_id}").get_json()
    item = batch["items"][0]
    resp = post(c, f"/batches/{batch_id}/items/{item['id']}/track", {"program": "barnetrygd"})
    assert resp.status_code == 302
    app_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    for step in ({"to": "reviewed"}, {"to": "submitted", "channel": "in_person"}):
        assert post(c, f"/applications/{app_id}/advance", step).status_code == 302
    decided = {"to": "decided", "decision": "partly_approved"}
    assert post(c, f"/applications/{app_id}/advance", decided).status_code == 302
    note = {"body": "Ring om bostøtte", "follow_up_on": "2026-12-24"}
    assert post(c, f"/clients/{mine}/notes", note).status_code == 302
    referral = {"service": "Gjeldsrådgivning", "organisation": "NAV Tromsø"}
    assert post(c, f"/clients/{mine}/referrals", referral).status_code == 302
    page = c.get(f"/clients/{mine}").get_data(as_text=True)
    evidence_id = int(re.findall(r"/evidence/(\d+)/status", page)[-1])
    return {
        "dashboard": ("specialist", "/"),
        "clients": ("specialist", "/clients"),
        "client": ("specialist", f"/clients/{mine}"),
        "client form": ("specialist", f"/clients/{mine}/edit"),
        "new client": ("specialist", "/clients/new"),
        "evidence review": ("specialist", f"/evidence/{evidence_id}"),
        "batches": ("specialist", "/batches"),
        "new batch": ("specialist", "/batches/new"),
        "readiness": ("specialist", f"/batches/new?plan=1&clients={mine}&forms=nav-barnetrygd"),
        "batch": ("specialist", f"/batches/{batch_id}"),
        "batch preview": ("specialist", f"/batches/{batch_id}/items/{item['id']}/preview"),
        "forms": ("specialist", "/forms"),
        "form": ("specialist", "/forms/nav-barnetrygd"),
        "applications": ("specialist", "/applications"),
        "application": ("specialist", f"/applications/{app_id}"),
        "calendar": ("specialist", "/calendar"),
        "admin dashboard": ("admin", "/"),
        "admin users": ("admin", "/admin/users"),
        "admin calendar": ("admin", "/calendar"),
        "audit log": ("supervisor", "/audit"),
        "admin audit log": ("admin", "/audit"),
    }


@pytest.mark.parametrize("lang", ["nb", "nl"])
def test_no_page_shows_a_code(world: World, pages: dict[str, tuple[str, str]], lang: str) -> None:
    from tests.web.conftest import sign_in

    clients = {
        who: sign_in(world.app.test_client(), who) for who in ("specialist", "supervisor", "admin")
    }
    shown = {}
    for name, (who, path) in pages.items():
        resp = clients[who].get(path, headers={"Accept-Language": lang})
        assert resp.status_code == 200, (name, path, resp.status_code)
        page = resp.get_data(as_text=True)
        assert f'<html lang="{lang}"' in page, name
        if found := codes_in(page):
            shown[name] = found
    assert not shown, f"codes shown as text in {lang}: {shown}"


def test_the_pages_hold_what_the_check_is_about(
    world: World, pages: dict[str, tuple[str, str]]
) -> None:
    """The pages do carry the coded things (in en the names are English words)."""
    from tests.web.conftest import sign_in

    c = sign_in(world.app.test_client(), "specialist")
    app = c.get(pages["application"][1], headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "gedeeltelijk toegekend" in app and "Persoonlijk afgegeven" in app
    client = c.get(pages["client"][1], headers={"Accept-Language": "nb"}).get_data(as_text=True)
    text = re.sub(r"\s+", " ", visible_text(client))
    assert "Husstandsmedlem 2: Fødselsdato 18. sep. 2022" in text  # a profile key, named; nb date
    income = re.findall(r"(\d[\d .,]*) (?:NOK|EUR) / ", text)  # the income summary's amounts
    assert income and all(re.fullmatch(r"\d{1,3}(?: \d{3})*,\d{2}", a) for a in income), income
    assert "Person: Sivilstand Skilt" in text and "Nåværende adresse: Land Norge" in text
    assert "Kontakt: Trenger tolk Nei" in text


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("nb", "Denne siden finnes ikke"),
        ("nl", "Deze pagina bestaat niet"),
        ("en", "does not exist"),
    ],
)
def test_a_missing_page_speaks_the_readers_language(world: World, lang: str, said: str) -> None:
    from tests.web.conftest import sign_in

    c = sign_in(world.app.test_client(), "specialist")
    resp = c.get("/no/such/page", headers={"Accept-Language": lang})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 404 and said in page
    assert "requested URL was not found" not in page  # werkzeug's English


def test_switching_the_language_on_the_readiness_page_keeps_the_choice(
    world: World, pages: dict[str, tuple[str, str]]
) -> None:
    """The readiness page's language switch comes back to the same readiness, not to an empty
    chooser: its way back carries the chosen clients and forms."""
    from tests.web.conftest import sign_in

    c = sign_in(world.app.test_client(), "specialist")
    client_id = int(pages["client"][1].rsplit("/", 1)[1])
    body = {"clients": [str(client_id)], "forms": ["nav-barnetrygd"]}
    page = post(c, "/batches/new", body).get_data(as_text=True)
    back = html.unescape(re.search(r'name="next" value="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    assert "plan=1" in back and f"clients={client_id}" in back and "forms=nav-barnetrygd" in back
    again = c.get(back, headers={"Accept-Language": "nb"}).get_data(as_text=True)
    assert "Klar før start" in again
    assert f'name="clients" value="{client_id}"' in again and 'value="nav-barnetrygd"' in again


def test_names_not_ids_on_the_dashboard_client_and_history(
    world: World, pages: dict[str, tuple[str, str]]
) -> None:
    """The dashboard's deadline links name the program, the client page has no "#13", and an
    application opened from the screening says so in the reader's language."""
    from tests.web.conftest import sign_in

    c = sign_in(world.app.test_client(), "specialist")
    text = visible_text(c.get("/", headers={"Accept-Language": "nb"}).get_data(as_text=True))
    assert not re.search(r"#\d+", text), re.findall(r".{20}#\d+.{20}", text)
    client = c.get(pages["client"][1]).get_data(as_text=True)
    assert not re.search(r"<small>#\d+", client)
    # two applications on one form are told apart by their programs, on the list and the client
    listed = visible_text(
        c.get("/applications", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    )
    assert "Barnetrygd (ordinær)" in listed and not re.search(r"(?m)^\s*\d+\s*$", listed)
    assert "Barnetrygd (ordinær)" in visible_text(
        c.get(pages["client"][1], headers={"Accept-Language": "nb"}).get_data(as_text=True)
    )


# -- the core's problems, worded in the reader's language ----------------------------------------

BAD_SAVE = {
    "person.given_name": "Bjørn",
    "person.family_name": "Løvås",
    "person.birth_date": "1980-02-14",
    "person.marital_status": "single",
    "identifiers.no_fnr": "14028012346",  # one digit off: the check digit fails
    "household.members[0].relation": "child",
    "household.members[0].given_name": "Sunniva",
    "household.members[0].birth_date": "2012-04-01",
    "household.members[1].relation": "child",
    "household.members[1].given_name": "Eirik",
    "household.members[1].birth_date": "2014-08-09",
    "household.members[2].relation": "child",
    "household.members[2].given_name": "Biret",
    "household.members[2].family_name": "Somby",
    "household.members[2].birth_date": "2016-06-01",
    "household.members[2].identifiers.no_fnr": "30051553168",
}
SAID = {
    "nb": (
        "Klient (Bjørn Løvås): Fødselsnummer (Norge): ugyldig kontrollsiffer",
        "Husstandsmedlem 3 (Biret Somby): Fødselsnummer (Norge): ugyldig kontrollsiffer",
    ),
    "nl": (
        "Cliënt (Bjørn Løvås): Fødselsnummer (Noorwegen): ongeldig controlecijfer",
        "Gezinslid 3 (Biret Somby): Fødselsnummer (Noorwegen): ongeldig controlecijfer",
    ),
}


@pytest.mark.parametrize("lang", ["nb", "nl"])
def test_a_failed_save_says_the_core_problem_in_the_reader_language(
    world: World, lang: str
) -> None:
    """A bad check digit on the client and on the third household member reads, in nb and nl,
    with whose value it is (the name, members counted from one), the field's label and the
    reason from the catalog: no English reason, no zero-based ``household.members[2]``."""
    from tests.web.conftest import sign_in

    c = sign_in(world.app.test_client(), "specialist")
    resp = post(c, "/clients/new", BAD_SAVE, headers={"Accept-Language": lang})
    assert resp.status_code == 400
    text = re.sub(r"\s+", " ", visible_text(resp.get_data(as_text=True)))
    for said in SAID[lang]:
        assert said in text, (lang, said)
    assert "invalid check digit" not in text and "household.members[" not in text
    assert "client (" not in text


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("nb", "Født 1. jan. 1970, før klienten (14. feb. 1980)"),
        ("nl", "Geboren op 1 jan 1970, vóór de cliënt (14 feb 1980)"),
    ],
)
def test_a_warning_is_worded_in_the_reader_language(world: World, lang: str, said: str) -> None:
    """A plausibility warning (a child born before the client) is saved with a 'check before
    signing' note in the UI language, dates as the locale writes them, naming the child."""
    from tests.web.conftest import sign_in

    c = sign_in(world.app.test_client(), "specialist")
    form = {k: v for k, v in BAD_SAVE.items() if "no_fnr" not in k}
    form["household.members[2].birth_date"] = "1970-01-01"
    headers = {"Accept-Language": lang}
    resp = post(c, "/clients/new", form, headers=headers)
    assert resp.status_code == 302
    page = c.get(resp.headers["Location"], headers=headers).get_data(as_text=True)
    text = re.sub(r"\s+", " ", visible_text(page))
    member = {"nb": "Husstandsmedlem 3 (Biret Somby)", "nl": "Gezinslid 3 (Biret Somby)"}[lang]
    assert f"{member}: " in text
    assert said.lower() in text.lower(), text[:3000]
    assert "before the client" not in text


# -- screening explanations ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def screened(world: World) -> dict[str, int]:
    """Two clients of the specialist's, from the Norwegian and the Dutch persona."""
    from formfill.profile.provenance import Provenance
    from formfill.profile.validation import load_profile
    from formfill.store import Actor, session_scope
    from formfill.store import users as store_users
    from formfill.store.clients import create_client, save_profile
    from tests.web.conftest import REPO

    out = {}
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        actor = Actor.system("test")
        for persona in ("nb_single_parent", "nl_couple_irregular"):
            client = create_client(s, actor, f"REF-{persona}")
            profile = load_profile(REPO / f"personas/{persona}.json")
            save_profile(s, actor, client.id, profile, Provenance("typed"))
            store_users.assign(s, actor, world.users["specialist"], client.id)
            out[persona] = client.id
    return out


SCREENING_SAYS = {
    "nb": {
        "nb_single_parent": [
            "Du bor i Norge (profilen sier Norge).",
            "Du er ugift, separert, skilt eller enke/enkemann (profilen: skilt).",
            "Du bor i Nederland (profilen sier Norge).",
            # zorgtoeslag's 2026 limit, in the locale's digits
            "Uten partner: årsinntekt høyst EUR 40 857 (profilen: ikke oppgitt)",
        ],
        "nl_couple_irregular": ["høyst EUR 932,93 i måneden", "(profilen: ansatt)"],
    },
    "nl": {
        "nb_single_parent": [
            "U woont in Noorwegen (het profiel zegt Noorwegen).",
            "U woont in Nederland (het profiel zegt Noorwegen).",
            "hoogstens EUR 40.857 (profiel: niet opgegeven)",
        ],
        "nl_couple_irregular": ["hoogstens EUR 932,93 per maand", "(profiel: in loondienst)"],
    },
}


@pytest.mark.parametrize("lang", ["nb", "nl"])
def test_screening_explanations_in_the_reader_language(
    world: World, screened: dict[str, int], lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screening panel words each criterion in the UI language: the catalog's text with
    countries by name (not "NO"), a profile choice by its label (not "divorced"), amounts as
    the locale writes them; no English explanation and no "?". (Until December 2026 it also
    saw zorgtoeslag's missing 2026 limit named by its 2025 figure; the catalog now has that
    limit, so that wording is no longer on this page.)"""
    from datetime import date

    import web.views.clients as views
    from tests.web.conftest import sign_in

    monkeypatch.setattr(views, "today", lambda: date(2026, 12, 1))
    c = sign_in(world.app.test_client(), "specialist")
    for persona, said in SCREENING_SAYS[lang].items():
        page = c.get(f"/clients/{screened[persona]}", headers={"Accept-Language": lang})
        html_text = page.get_data(as_text=True)
        panel = html_text.split('id="screening"', 1)[1].split("</section>", 1)[0]
        text = re.sub(r"\s+", " ", visible_text(panel).replace("\xa0", " "))
        for words in said:
            assert words in text, (lang, persona, words, text[:4000])
        for english in ("the profile says", "no 2026 figure", "yearly income", " NO)", " NL)"):
            assert english not in text, (lang, persona, english)
        assert "?" not in text


@pytest.mark.parametrize(
    ("lang", "names"),
    [("nb", ("norsk bokmål", "nordsamisk", "nederlandsk")),
     ("nl", ("Noors - Bokmål", "Noord-Samisch", "Nederlands"))],
)  # fmt: skip
def test_the_language_is_picked_by_name_and_saved_as_its_code(
    world: World, lang: str, names: tuple[str, ...]
) -> None:
    """Preferred language is a list of language names in the UI language (Babel), not a box
    that shows "nb"; the chosen option saves the code, and the edit form shows it chosen."""
    from formfill.store import session_scope
    from formfill.store.clients import latest_version
    from tests.web.conftest import sign_in

    c = sign_in(world.app.test_client(), "specialist")
    headers = {"Accept-Language": lang}
    page = c.get("/clients/new", headers=headers).get_data(as_text=True)
    picker = page.split('name="contact.preferred_language"', 1)[1].split("</select>", 1)[0]
    for name in names:
        assert f">{name}</option>" in picker, (lang, name)
    assert '<option value="se"' in picker and '<input name="contact.preferred_language"' not in page
    form = {"person.given_name": "Áilu", "person.family_name": "Valle",
            "contact.preferred_language": "se"}  # fmt: skip
    resp = post(c, "/clients/new", form, headers=headers)
    assert resp.status_code == 302
    client_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    with session_scope(world.app.extensions["formfill"].sessions) as s:
        version = latest_version(s, client_id)
        assert version is not None and version.data["contact"]["preferred_language"] == "se"
    page = c.get(f"/clients/{client_id}/edit", headers=headers).get_data(as_text=True)
    picker = page.split('name="contact.preferred_language"', 1)[1].split("</select>", 1)[0]
    assert re.search(r'<option value="se"\s+selected>', picker)
    assert "nordsamisk" in picker if lang == "nb" else "Noord-Samisch" in picker


def test_the_client_page_names_the_preferred_language(
    world: World, screened: dict[str, int]
) -> None:
    """The client page shows the stored language code by its name in the UI language."""
    from tests.web.conftest import sign_in

    c = sign_in(world.app.test_client(), "specialist")
    page = c.get(f"/clients/{screened['nb_single_parent']}", headers={"Accept-Language": "nl"})
    text = re.sub(r"\s+", " ", visible_text(page.get_data(as_text=True)))
    assert "Voorkeurstaal Noors - Bokmål" in text, text[:3000]
