"""Right person, right box: every shipped form fills the same for every order in which a
household was entered, no one sits in a row of another relation, no one is dropped, and a box
that claims an entitlement follows the catalog's screening."""

from __future__ import annotations

import io
import itertools
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from formfill.config import Settings
from formfill.fill import FormCatalogue, fill_form, resolve_for
from formfill.profile.model import Profile
from formfill.profile.validation import parse_profile
from tests.conftest import run_flatten_text
from tests.golden_values import read_back

REPO = Path(__file__).resolve().parents[2]
SETTINGS = Settings.from_env({"FORMFILL_HOME": str(REPO)})
ON = date(2026, 11, 23)

PARTNER = {"relation": "partner", "given_name": "Per", "family_name": "Hætta",
           "birth_date": "1985-02-01", "identifiers": {"no_fnr": "01028512345"}}  # fmt: skip
CHILDREN = [
    {"relation": "child", "given_name": n, "family_name": "Somby", "birth_date": b}
    for n, b in (("Ánne", "2014-05-02"), ("Biret", "2017-09-30"), ("Máhtte", "2020-01-15"))
]
FOURTH = {"relation": "child", "given_name": "Čiekčá", "family_name": "Somby",
          "birth_date": "2022-07-07"}  # fmt: skip
GRANDMA = {"relation": "parent", "given_name": "Elle", "family_name": "Sára",
           "birth_date": "1950-03-03"}  # fmt: skip


def client(members: list[dict[str, Any]], status: str = "cohabiting") -> Profile:
    from stdnum.no import fodselsnummer

    for m in members:  # test numbers that pass the check digits for each birth date
        if "identifiers" in m:
            born = date.fromisoformat(m["birth_date"])
            m["identifiers"] = {"no_fnr": _fnr(born, fodselsnummer)}
    data = {
        "person": {"given_name": "Márjá", "family_name": "Somby", "birth_date": "1988-03-14",
                   "marital_status": status},
        "identifiers": {"no_fnr": "14038812468"},
        "contact": {"preferred_language": "nb"},
        "address": {"current": {"street": "Ájastealli", "house_number": "3", "postal_code": "9520",
                                "city": "Guovdageaidnu", "municipality": "Guovdageaidnu",
                                "country": "NO"}},
        "household": {"members": members},
    }  # fmt: skip
    return parse_profile(data, today=ON)


def _fnr(born: date, fodselsnummer: Any) -> str:
    for ind in range(100, 500):
        base = born.strftime("%d%m%y") + f"{ind:03d}"
        c1 = fodselsnummer.calc_check_digit1(base)
        c2 = fodselsnummer.calc_check_digit2(base + c1) if len(c1) == 1 else "10"
        if len(c1) == 1 and len(c2) == 1:
            return base + c1 + c2
    raise AssertionError("no number")


@pytest.fixture(scope="module")
def forms() -> FormCatalogue:
    return FormCatalogue(SETTINGS)


def _outputs(forms: FormCatalogue, profile: Profile) -> dict[str, Any]:
    """What each shipped form holds for the client: PDF fields read back from the document,
    the text of its addendum pages; Word values as resolved."""
    out: dict[str, Any] = {}
    for form_id in forms.map_ids():
        filled = fill_form(forms, form_id, profile, on=ON, allow_missing=True)
        if filled.suffix == ".pdf":
            pages = PdfReader(io.BytesIO(filled.data)).pages
            blank_pages = len(forms.blank(forms.map(form_id)).reader.pages)
            extra = " ".join(p.extract_text() or "" for p in pages[blank_pages:])
            out[form_id] = (read_back(filled.data), extra, tuple(filled.report.addendum))
        else:
            assert filled.resolution is not None
            out[form_id] = dict(filled.resolution.values)
    return out


def test_every_form_fills_the_same_for_every_order_of_the_household(forms: FormCatalogue) -> None:
    """A partner and three children, entered in each of the 24 possible orders: every shipped
    form comes out with exactly the same values."""
    people = [PARTNER, *CHILDREN]
    first = None
    for order in itertools.permutations(range(len(people))):
        got = _outputs(forms, client([dict(people[i]) for i in order]))
        if first is None:
            first = got
        assert got == first, f"order {order} fills differently"


def test_larger_household_in_random_orders_fills_the_same(forms: FormCatalogue) -> None:
    """Four children, a partner and a grandmother (720 orders; 12 drawn with a fixed seed),
    including what continues on the addendum."""
    people = [PARTNER, *CHILDREN, FOURTH, GRANDMA]
    orders = list(itertools.permutations(range(len(people))))
    first = _outputs(forms, client([dict(p) for p in people]))
    for order in random.Random(12).sample(orders, 12):
        assert _outputs(forms, client([dict(people[i]) for i in order])) == first, order


def test_no_one_in_a_row_of_another_relation(forms: FormCatalogue) -> None:
    """The partner entered first is not child 1 of the child-benefit form; children are oldest
    first; the household list gives each member their own relation."""
    values = _outputs(forms, client([dict(PARTNER), *map(dict, reversed(CHILDREN))]))
    barnetrygd, _extra, _add = values["nav-barnetrygd"]
    assert [barnetrygd[f"Barn{i}_fornavn"] for i in (1, 2, 3)] == ["Ánne", "Biret", "Máhtte"]
    assert "Per" not in {barnetrygd[f"Barn{i}_fornavn"] for i in (1, 2, 3)}
    housing, _extra, _add = values["housing-assistance"]
    rows = [
        (housing[f"Member{i} First Name"], housing[f"Member{i} Relationship"]) for i in (1, 2, 3)
    ]
    assert rows == [("Per", "PARTNER"), ("Ánne", "CHILD"), ("Biret", "CHILD")]


def test_fourth_child_continues_on_the_addendum(forms: FormCatalogue) -> None:
    """A fourth child is not dropped: the addendum names the form, the client, the section and
    the row, lists the child with the same columns, and a viewer shows it."""
    profile = client([dict(FOURTH), *map(dict, CHILDREN)], status="single")
    filled = fill_form(forms, "nav-barnetrygd", profile, on=ON, allow_missing=True)
    assert filled.report.ok, filled.report.to_dict()
    assert filled.report.addendum == ["Barn: row 4 continued on the addendum"]
    text = run_flatten_text(filled.data)
    page = text.split("Vedlegg til skjemaet", 1)[1]
    for expected in ("Søknad om barnetrygd", "Márjá Somby", "14038812468", "23. november 2026",
                     "Fortsettelse av Barn, rad 4", "Čiekčá", "Fødselsnummer"):  # fmt: skip
        assert expected in page, expected
    assert "Ánne" not in page  # the three on the form are not repeated
    # the household form has room for 3 of 4 children: the 4th is on its addendum too
    housing = fill_form(forms, "housing-assistance", profile, on=ON, allow_missing=True)
    assert "Čiekčá" in run_flatten_text(housing.data).split("Addendum to the form", 1)[1]


def test_a_missing_addendum_value_fails_verification(
    forms: FormCatalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verification reads the addendum back: an addendum that lost a child's name fails."""
    import formfill.pdf.addendum as addendum

    real = addendum.render_pdf

    def lossy(add: addendum.Addendum, *args: Any) -> bytes:
        tables = [addendum.ContinuedTable(t.section, t.columns, t.first_row,
                                          tuple(tuple("?" for _c in r) for r in t.rows))
                  for t in add.tables]  # fmt: skip
        shown = addendum.Addendum(add.title, add.language, add.client_name, add.client_id,
                                  add.on, tables)  # fmt: skip
        return real(shown, *args)

    monkeypatch.setattr("formfill.fill.form.render_pdf", lossy)
    profile = client([dict(FOURTH), *map(dict, CHILDREN)], status="single")
    filled = fill_form(forms, "nav-barnetrygd", profile, on=ON, allow_missing=True)
    assert not filled.report.ok
    failed = [o.value for o in filled.report.outcomes if o.field == "addendum"]
    assert "Čiekčá" in failed


@pytest.mark.parametrize(
    ("status", "members", "ticked"),
    [
        ("single", [dict(PARTNER), *map(dict, CHILDREN)], False),  # samboer at home
        ("single", list(map(dict, CHILDREN)), True),  # alone with the children
        ("married", [{**PARTNER, "relation": "spouse"}, *map(dict, CHILDREN)], False),
    ],
)
def test_utvidet_barnetrygd_follows_the_screening(
    forms: FormCatalogue, status: str, members: list[dict[str, Any]], ticked: bool
) -> None:
    """'Jeg bor alene med barnet' is ticked exactly when the catalog's screening says the
    client is eligible for utvidet barnetrygd."""
    from formfill.programs.screening import screen

    profile = client(members, status=status)
    result = screen(profile, forms.catalog(), ON, programs=["utvidet-barnetrygd"]).results[0]
    assert (result.status == "eligible") is ticked
    filled = fill_form(forms, "nav-barnetrygd", profile, on=ON, allow_missing=True)
    assert read_back(filled.data)["Utvidet_barnetrygd"] == ("Ja" if ticked else "Off")


def test_unknown_screening_leaves_the_box_unticked_and_says_why(forms: FormCatalogue) -> None:
    """Without a marital status the catalog cannot decide utvidet barnetrygd: the box stays
    empty and the report names the program and what is missing."""
    profile = client(list(map(dict, CHILDREN)), status="single")
    profile.person.marital_status = None
    res = resolve_for(forms, forms.map("nav-barnetrygd"), profile, ON)
    assert "Utvidet_barnetrygd" not in res.values
    (why,) = [b.reason for b in res.blank if b.field == "Utvidet_barnetrygd"]
    assert "utvidet-barnetrygd is unknown" in why and "person.marital_status" in why


def test_toeslagpartner_follows_who_lives_with_the_client(forms: FormCatalogue) -> None:
    """Toeslagpartner is Ja when a partner lives with the client, whatever was entered first,
    and Nee when nobody does."""
    with_partner = fill_form(forms, "toeslag-aanvraag", client([*map(dict, CHILDREN),
                             dict(PARTNER)], "single"), on=ON, allow_missing=True)  # fmt: skip
    alone = fill_form(forms, "toeslag-aanvraag", client(list(map(dict, CHILDREN)), "single"),
                      on=ON, allow_missing=True)  # fmt: skip
    assert read_back(with_partner.data)["Toeslagpartner"] == "Ja"
    assert read_back(with_partner.data)["Leefsituatie"] == "Samenwonend (met toeslagpartner)"
    assert read_back(alone.data)["Toeslagpartner"] == "Nee"
    assert read_back(alone.data)["Leefsituatie"] == "Alleenstaand"


def test_text_too_long_for_its_box_goes_on_the_addendum(forms: FormCatalogue) -> None:
    """A street line that cannot fit even at the smallest font size: the box says 'Se
    vedlegg', the whole text is on the addendum and the report says so."""
    profile = client(list(map(dict, CHILDREN)), status="single")
    assert profile.address.current is not None
    long_street = "Ájastealli " + "ja " * 60 + "Čuoldeallit"
    profile.address.current.street = long_street
    filled = fill_form(forms, "nav-barnetrygd", profile, on=ON, allow_missing=True)
    assert filled.report.ok, filled.report.to_dict()
    assert read_back(filled.data)["Adresse"] == "Se vedlegg"
    (outcome,) = [o for o in filled.report.outcomes if o.field == "Adresse"]
    assert "the text is on the addendum" in outcome.reason
    assert any("text continued on the addendum" in a for a in filled.report.addendum)
    page = run_flatten_text(filled.data).split("Vedlegg til skjemaet", 1)[1]
    assert "Tekst som ikke fikk plass i feltet" in page
    assert "".join(page.split()).find("".join(long_street.split())) >= 0
