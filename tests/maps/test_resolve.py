"""Tests of formfill.maps.resolve: a map and a profile give the engine's values, and what is
missing,
blank or skipped; expressions run in the sandbox."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from formfill.errors import ExpressionError, FormMapError
from formfill.expressions import (
    compile_condition,
    compile_template,
    evaluate_condition,
    render_template,
)
from formfill.maps.loader import load_map
from formfill.maps.model import FormMap
from formfill.maps.resolve import Blank, Missing, Skipped, resolve
from formfill.profile.expressions import expression_context
from formfill.profile.model import Profile
from formfill.profile.validation import parse_profile

ON = date(2025, 6, 1)

PROFILE: dict[str, Any] = {
    "person": {
        "given_name": "Kari",
        "middle_name": "Ånes",
        "family_name": "Nordmann",
        "birth_date": "1988-03-14",
        "marital_status": "married",
        "sex": "female",
    },
    "contact": {"phone_mobile": "+47 41234567", "interpreter_needed": False},
    "household": {
        "members": [
            {"relation": "child", "given_name": "Ola", "birth_date": "2021-06-02"},
            {"relation": "child", "given_name": "Per", "birth_date": "2012-01-20"},
            {"relation": "spouse", "given_name": "Nils", "birth_date": "1985-05-05"},
        ]
    },
    "income": {
        "sources": [{"kind": "salary", "amount": "32500.5", "basis": "gross", "period": "month"}]
    },
}

MAP = """\
id = "nav-test"
agency = "nav"
title = "Test"
kind = "pdf"
source = "sample_forms/nav/nav-test.pdf"
language = "nb"

[[fields]]
field = "Fornavn"
profile = "person.given_name"
required = true

[[fields]]
field = "Etternavn"
profile = "person.family_name"
transform = "upper"

[[fields]]
field = "Fodselsdato"
profile = "person.birth_date"
transform = "date_locale"

[[fields]]
field = "Fnr"
profile = "identifiers.no_fnr"
required = true

[[fields]]
field = "Epost"
profile = "contact.email"

[[fields]]
field = "Telefon"
profile = "contact.phone_mobile"
transform = "phone:nb"

[[fields]]
field = "Sivilstand"
profile = "person.marital_status"
options = { married = "Gift", single = "Ugift" }

[[fields]]
field = "Kjonn"
profile = "person.sex"
options = { male = "Mann" }

[[fields]]
field = "Tolk"
profile = "contact.interpreter_needed"
options = { true = "Ja", false = "Nei" }

[[fields]]
field = "Inntekt"
profile = "income.monthly_gross"
transform = "money:nb"

[[fields]]
field = "Barn1"
profile = "household.members[0].given_name"

[[fields]]
field = "Barn5"
profile = "household.members[4].given_name"
transform = "default:-"

[[fields]]
field = "Navn"
expr = "{{ person.full_name }} ({{ person.age(fill.date) }})"

[[fields]]
field = "Fullmektig"
expr = "{{ representative.full_name }}"

[[fields]]
field = "Barn_under_6"
when = "household.children_under(6, fill.date) > 0"

[[fields]]
field = "Barn_under_3"
when = "household.children_under(3, fill.date) > 0"

[[fields]]
field = "Sivil_radio"
when = "person.marital_status == 'single'"
state = "Ugift"

[[fields]]
field = "Sivil_radio"
when = "person.marital_status == 'married'"
state = "Gift"

[[fields]]
field = "Enslig"
when = "person.marital_status == 'single'"
state = "Ja"

[[fields]]
field = "Etat"
value = "NAV"

[[fields]]
field = "Samtykke"
value = true

[[fields]]
field = "Underskrift"
skip = "signature"
"""


@pytest.fixture
def fmap(tmp_path: Path) -> FormMap:
    path = tmp_path / "form_maps" / "nav" / "nav-test.toml"
    path.parent.mkdir(parents=True)
    path.write_text(MAP, encoding="utf-8")
    return load_map(path)


@pytest.fixture
def profile() -> Profile:
    return parse_profile(PROFILE)


def test_values_for_the_engine(fmap: FormMap, profile: Profile) -> None:
    """Profile values go through transforms and options; expressions render; conditions give
    True/False or their state; literals pass as they are."""
    res = resolve(fmap, profile, ON)
    assert res.form_id == "nav-test"
    assert res.values == {
        "Fornavn": "Kari",
        "Etternavn": "NORDMANN",
        "Fodselsdato": "14.03.1988",
        "Telefon": "412 34 567",
        "Sivilstand": "Gift",
        "Tolk": "Nei",
        "Inntekt": "32 500,50",
        "Barn1": "Ola",
        "Barn5": "-",
        "Navn": "Kari Ånes Nordmann (37)",
        "Barn_under_6": True,
        "Barn_under_3": False,
        "Sivil_radio": "Gift",
        "Etat": "NAV",
        "Samtykke": True,
    }


def test_missing_blank_skipped(fmap: FormMap, profile: Profile) -> None:
    """Empty profile values are missing (with required), a value without an option, an empty
    expression and a false condition with a state are blank, skip is skipped; every field is
    accounted for exactly once."""
    res = resolve(fmap, profile, ON)
    assert res.missing == [
        Missing("Fnr", "identifiers.no_fnr", True),
        Missing("Epost", "contact.email", False),
    ]
    assert res.missing_required == [("Fnr", "identifiers.no_fnr", True)]
    blank = {b.field: b.reason for b in res.blank}
    assert set(blank) == {"Kjonn", "Fullmektig", "Enslig"}
    assert "'female'" in blank["Kjonn"]
    assert "no condition is true" in blank["Enslig"]
    assert res.skipped == [Skipped("Underskrift", "signature")]
    accounted = [*res.values, *(m.field for m in res.missing), *blank, "Underskrift"]
    assert sorted(accounted) == sorted(fmap.field_names())


def test_fill_date_drives_derived_values(fmap: FormMap, profile: Profile) -> None:
    """The same profile on a later date: no child under 6 any more, and an older client."""
    res = resolve(fmap, profile, date(2028, 1, 1))
    assert res.values["Barn_under_6"] is False
    assert res.values["Navn"] == "Kari Ånes Nordmann (39)"


def test_transform_failure_is_blank_with_reason(tmp_path: Path, profile: Profile) -> None:
    """A value a transform cannot take leaves the field blank, naming the transform."""
    body = MAP.split("[[fields]]")[0] + (
        '[[fields]]\nfield = "T"\nprofile = "contact.phone_mobile"\ntransform = "phone:nl"\n'
    )
    path = tmp_path / "form_maps" / "nav" / "nav-test.toml"
    path.parent.mkdir(parents=True)
    path.write_text(body, encoding="utf-8")
    res = resolve(load_map(path), profile, ON)
    assert res.values == {}
    assert res.blank[0] == Blank("T", res.blank[0].reason, "value", "+47 41234567")
    assert "phone:nl" in res.blank[0].reason


def _one_field_map(tmp_path: Path, header: str, body: str) -> FormMap:
    text = MAP.split("[[fields]]")[0].replace('language = "nb"\n', header) + body
    path = tmp_path / "form_maps" / "nav" / "nav-test.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return load_map(path)


AMOUNT = '[[fields]]\nfield = "Inntekt"\nprofile = "income.monthly_gross"\ntransform = "money0"\n'
SOURCE_AMOUNT = '[[fields]]\nfield = "Beløp"\nprofile = "income.sources[0].amount"\n'
EXPR_AMOUNT = '[[fields]]\nfield = "Sum"\nexpr = "{{ income.yearly_gross }} per year"\n'


@pytest.mark.parametrize("body", [AMOUNT, SOURCE_AMOUNT, EXPR_AMOUNT])
def test_amount_in_another_currency_is_left_for_a_person(
    tmp_path: Path, profile: Profile, body: str
) -> None:
    """A NOK income on a form that asks for euros is never written (not as euros, not as a
    bare figure): the field is blank, marked for writing by hand, with both currencies."""
    nl = _one_field_map(tmp_path, 'language = "nl"\n', body)
    assert nl.currency == "EUR"
    res = resolve(nl, profile, ON)
    assert res.values == {}
    (blank,) = res.blank
    assert blank.hand == "currency"
    assert blank.held == "NOK>EUR"
    assert "NOK" in blank.reason and "EUR" in blank.reason
    # the same field on a form in kroner is written
    nb = _one_field_map(tmp_path, 'language = "nb"\n', body)
    assert nb.currency == "NOK" and resolve(nb, profile, ON).values != {}


def test_form_currency_comes_from_the_map_before_its_language(
    tmp_path: Path, profile: Profile
) -> None:
    """An English form says its currency; one that does not writes no amount at all."""
    usd = _one_field_map(tmp_path, 'language = "en"\ncurrency = "usd"\n', AMOUNT)
    assert usd.currency == "USD"
    assert resolve(usd, profile, ON).blank[0].held == "NOK>USD"
    dollars = profile.model_copy(deep=True)
    dollars.income.sources[0].currency = "USD"
    assert resolve(usd, dollars, ON).values["Inntekt"] == "32,501"
    unsaid = _one_field_map(tmp_path, 'language = "en"\n', AMOUNT)
    assert unsaid.currency is None
    (blank,) = resolve(unsaid, dollars, ON).blank
    assert blank.hand == "currency" and "does not say the form's currency" in blank.reason


def test_mixed_currencies_leave_the_sum_blank(tmp_path: Path, profile: Profile) -> None:
    """Two incomes in two currencies have no sum in either: the field says so, it is not 0."""
    mixed = profile.model_copy(deep=True)
    extra = mixed.income.sources[0].model_copy(update={"currency": "EUR"})
    mixed.income.sources.append(extra)
    res = resolve(_one_field_map(tmp_path, 'language = "nl"\n', SOURCE_AMOUNT), mixed, ON)
    assert res.blank[0].held == "NOK>EUR"  # the first source is still in kroner
    res = resolve(_one_field_map(tmp_path, 'language = "nl"\n', AMOUNT), mixed, ON)
    assert res.values == {} and res.blank == []  # no sum at all: missing, not wrong
    assert [m.path for m in res.missing] == ["income.monthly_gross"]


def test_unknown_currency_code_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FormMapError, match="currency"):
        _one_field_map(tmp_path, 'language = "en"\ncurrency = "DOLLARS"\n', AMOUNT)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ person.__class__.__init__.__globals__ }}",
        "{{ household.members.append(1) }}",
        "{{ nobody }}",
        "{{ person.given_nme }}",
        "{{ 1 / 0 }}",
        "{{ person.given_name > 3 }}",
    ],
)
def test_sandbox_refuses_with_expression_error(source: str, profile: Profile) -> None:
    """Escapes, mutation, unknown names and failing operations are ExpressionError, never a
    crash or a leak."""
    with pytest.raises(ExpressionError) as e:
        render_template(source, expression_context(profile, ON))
    assert e.value.expression == source


def test_condition_sandbox_and_syntax(profile: Profile) -> None:
    """Conditions are sandboxed too; a syntax error is an ExpressionError at compile time."""
    context = expression_context(profile, ON)
    with pytest.raises(ExpressionError):
        evaluate_condition("().__class__.__bases__[0].__subclasses__()", context)
    with pytest.raises(ExpressionError):
        evaluate_condition("person.given_name ==", context)
    assert evaluate_condition("household.children_under(6, fill.date) > 0", context) is True
    assert evaluate_condition("person.marital_status in ['married', 'cohabiting']", context)


def test_absent_data_reads_as_empty(profile: Profile) -> None:
    """An optional section or a list index past the end reads as None (empty text), like
    resolve_path, instead of failing."""
    context = expression_context(profile, ON)
    assert render_template("{{ representative.full_name }}", context) == ""
    assert render_template("{{ address.current.street_line }}", context) == ""
    assert render_template("[{{ household.members[9].given_name }}]", context) == "[]"
    assert evaluate_condition("representative.role == 'guardian'", context) is False


def test_expressions_compile_once() -> None:
    """Compiling the same expression twice returns the cached object."""
    assert compile_template("{{ person.given_name }}") is compile_template(
        "{{ person.given_name }}"
    )
    assert compile_condition("fill.date.year > 2000") is compile_condition("fill.date.year > 2000")


def test_no_html_escaping(profile: Profile) -> None:
    """Plain text for a PDF: & and < are not turned into HTML entities."""
    context = expression_context(profile, ON)
    assert render_template("{{ 'A & B <c>' }}", context) == "A & B <c>"


def test_fill_date_is_a_profile_path_in_maps(tmp_path: Path) -> None:
    """`profile = "fill.date"` loads and resolves to the fill date, transformed like any date."""
    import datetime as _dt

    path = tmp_path / "form_maps" / "demo" / "datemap.toml"
    path.parent.mkdir(parents=True)
    path.write_text(
        'id = "datemap"\nagency = "demo"\ntitle = "t"\nkind = "pdf"\nsource = "x.pdf"\n'
        'language = "nb"\n[[fields]]\nfield = "Dato"\nprofile = "fill.date"\n'
        'transform = "date:%d.%m.%Y"\n'
    )
    from formfill.maps.loader import load_map
    from formfill.maps.resolve import resolve
    from formfill.profile.validation import parse_profile

    fmap = load_map(path)
    prof = parse_profile({"person": {"given_name": "Kari", "family_name": "Nordmann"}})
    res = resolve(fmap, prof, _dt.date(2026, 3, 9))
    assert res.values["Dato"] == "09.03.2026"


@pytest.mark.parametrize(
    ("when", "wrong"),
    [
        ("person.marital_status == 'Single'", "'Single' (did you mean single"),
        ("person.marital_status in ['single', 'Maried']", "'Maried' (did you mean married"),
        ("household.members[0].relation != 'kid'", "'kid'"),
    ],
)
def test_a_condition_comparing_a_code_with_a_text_it_never_holds_is_refused(
    tmp_path: Path, when: str, wrong: str
) -> None:
    """A box that could never be ticked (the profile stores 'single', the form's label says
    'Single') is a map bug: the loader refuses it, naming the codes the path holds."""
    body = f'[[fields]]\nfield = "Enslig"\nwhen = "{when}"\n'
    with pytest.raises(FormMapError) as e:
        _one_field_map(tmp_path, 'language = "nb"\n', body)
    assert wrong in str(e.value) and "it holds one of" in str(e.value)
    fine = when.replace("'Single'", "'single'").replace("'Maried'", "'married'")
    fine = fine.replace("'kid'", "'child'")
    assert _one_field_map(tmp_path, 'language = "nb"\n', body.replace(when, fine)).fields


def test_an_option_is_found_whatever_its_dashes_and_case(tmp_path: Path, profile: Profile) -> None:
    """The profile says "Guovdageaidnu – Kautokeino" (an en dash with spaces), the dropdown's
    option is "Guovdageaidnu-Kautokeino": one municipality, so it is chosen; a name that only
    looks alike ("Guovdageaidnu Kautokeino" has no dash) is still no option."""
    body = (
        '[[fields]]\nfield = "kommune"\nprofile = "address.current.municipality"\n'
        'options = { "Guovdageaidnu-Kautokeino" = "Guovdageaidnu", Oslo = "Oslo" }\n'
    )
    fmap = _one_field_map(tmp_path, 'language = "nb"\n', body)
    for written, chosen in (("Guovdageaidnu – Kautokeino", "Guovdageaidnu"),
                            ("guovdageaidnu-kautokeino", "Guovdageaidnu"),
                            ("Guovdageaidnu Kautokeino", None)):  # fmt: skip
        data = profile.model_dump(mode="json")
        data["address"] = {"current": {"street": "Bákkegeaidnu 1", "postal_code": "9520",
                                       "city": "Guovdageaidnu", "municipality": written,
                                       "country": "NO"}}  # fmt: skip
        res = resolve(fmap, parse_profile(data, source="t"), ON)
        assert res.values.get("kommune") == chosen, written
        if chosen is None:
            assert res.blank[0].hand == "value" and res.blank[0].held == written


def test_a_broken_condition_says_what_is_wrong_in_a_maintainers_words() -> None:
    from formfill.profile.expressions import expression_problems

    (msg,) = expression_problems("person.marital_status == 'single' and", condition=True)
    assert "ends too early" in msg and "operator with nothing after it" in msg
    (msg,) = expression_problems("person.marital_status == 'single", condition=True)
    assert "quote left open" in msg
