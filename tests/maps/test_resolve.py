"""Tests of formfill.maps.resolve: a map and a profile give the engine's values, and what is
missing,
blank or skipped; expressions run in the sandbox."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from formfill.errors import ExpressionError
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
    blank = dict(res.blank)
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
    assert res.blank[0] == Blank("T", res.blank[0].reason)
    assert "phone:nl" in res.blank[0].reason


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
