"""Tests of formfill.profile.model: the canonical client profile, its paths and its docs."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from stdnum import iban
from stdnum.no import fodselsnummer

from formfill.errors import ProfileError, UnknownPathError
from formfill.profile import docs as profile_docs
from formfill.profile.household import Household, HouseholdMember
from formfill.profile.model import Profile, check_path, json_schema, resolve_path, vocabulary
from formfill.profile.sections import Address, Income, IncomeSource, Person
from formfill.profile.validation import load_profile, parse_profile

CLIENTS = Path(__file__).parents[1] / "data" / "clients"  # invalid profiles
PERSONAS = Path(__file__).parents[2] / "personas"
DEMOS = ["nb_single_parent", "nl_couple_irregular", "en_pensioner_guardian"]
ON = date(2026, 11, 23)


def demo(name: str) -> Profile:
    return load_profile(PERSONAS / f"{name}.json")


def problems_of(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ProfileError) as info:
        parse_profile(data)
    return {p.where: p.message for p in info.value.problems}


def minimal(**sections: Any) -> dict[str, Any]:
    return {"person": {"given_name": "Test", "family_name": "Person"}, **sections}


def wrong_last_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def make_fnr(day: int, month: int, year: int, individual: int) -> str:
    """A fødselsnummer built with stdnum's own check-digit helpers (day + 40 for a D-number)."""
    for ind in range(individual, individual + 50):
        base = f"{day:02d}{month:02d}{year % 100:02d}{ind:03d}"
        c1 = fodselsnummer.calc_check_digit1(base)
        c2 = fodselsnummer.calc_check_digit2(base + c1) if len(c1) == 1 else "10"
        if len(c2) == 1:
            return base + c1 + c2
    raise AssertionError("no number found")


# -- loading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DEMOS)
def test_demo_clients_load(name: str) -> None:
    """Each synthetic demo client loads and validates, with its identifiers stored compact."""
    profile = demo(name)
    national_id = resolve_path(profile, "identifiers.national_id", ON)
    assert national_id is not None and national_id.isdigit()


def test_demo_clients_have_what_they_promise() -> None:
    """The demo clients hold the cases they are meant to exercise."""
    nb = demo("nb_single_parent")
    assert nb.household.children_under(6, ON) == 1 and nb.household.children_count == 2
    assert any("Č" in (m.given_name or "") for m in nb.household.members)
    assert nb.bank.no_account == "12345600009" and nb.contact.interpreter_needed is False
    nl = demo("nl_couple_irregular")
    assert {s.period for s in nl.income.sources} == {"week", "fortnight", "year"}
    assert nl.address.current is not None and nl.address.current.postal_code == "3581 XK"
    assert nl.bank.iban == "NL13TEST0123456789"
    en = demo("en_pensioner_guardian")
    assert en.representative is not None and en.representative.role == "guardian"
    assert en.identifiers.us_ssn == "123456789" and en.person.age(ON) == 83


def test_invalid_fnr_file_names_path_and_reason() -> None:
    """The invalid_fnr demo is rejected: the file, the path and 'invalid check digit'."""
    with pytest.raises(ProfileError) as info:
        load_profile(CLIENTS / "invalid_fnr.json")
    assert info.value.source.endswith("invalid_fnr.json")
    assert "client (Tuva Sæther): fødselsnummer: invalid check digit" in str(info.value)
    assert [p.where for p in info.value.problems] == ["identifiers.no_fnr"]


def test_bad_json_names_file_and_line(tmp_path: Path) -> None:
    """Bad JSON is a ProfileError naming the file and the line."""
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "person": {\n    "given_name": "A",\n  }\n}\n', encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(bad)
    assert str(bad) in str(info.value) and "line 4" in str(info.value)


# -- identifiers --------------------------------------------------------------------------------

DNR = make_fnr(14 + 40, 3, 1988, 123)
IDENTIFIER_CASES = [
    ("identifiers", "no_fnr", make_fnr(14, 3, 1988, 123)),
    ("identifiers", "no_dnr", DNR),
    ("identifiers", "nl_bsn", "999990019"),
    ("bank", "iban", "NL13TEST0123456789"),
    ("bank", "no_account", "98765400007"),
    ("income", "payer_org_number", "987654325"),
]


@pytest.mark.parametrize(("section", "key", "valid"), IDENTIFIER_CASES)
def test_identifier_wrong_check_digit(section: str, key: str, valid: str) -> None:
    """Each identifier kind accepts a valid number and rejects a wrong check digit, naming
    the dotted path."""

    def data(number: str) -> dict[str, Any]:
        if section == "income":
            source = {"kind": "salary", "amount": 1, "period": "month", key: number}
            return minimal(income={"sources": [source]})
        return minimal(**{section: {key: number}})

    assert parse_profile(data(valid))
    where = "income.sources[0].payer_org_number" if section == "income" else f"{section}.{key}"
    assert problems_of(data(wrong_last_digit(valid))) == {where: "invalid check digit"}


def test_dnumber_is_validated_by_stdnum() -> None:
    """stdnum's fodselsnummer accepts a D-number (day + 40); no_fnr refuses one and says where."""
    assert fodselsnummer.is_valid(DNR)
    assert "D-number" in problems_of(minimal(identifiers={"no_fnr": DNR}))["identifiers.no_fnr"]


def test_bsn_ssn_bic_rejections_and_compact_storage() -> None:
    """BSN fails the 11-test, a never-issued SSN and a malformed BIC are rejected; valid
    identifiers are stored compact."""
    found = problems_of(
        minimal(
            identifiers={"nl_bsn": "999990018", "us_ssn": "000-12-3456"},
            bank={"bic": "XX"},
        )
    )
    assert found["identifiers.nl_bsn"] == "invalid check digit"
    assert "never issued" in found["identifiers.us_ssn"]
    assert "BIC" in found["bank.bic"]
    ok = parse_profile(minimal(identifiers={"us_ssn": "123-45-6789"}, bank={"bic": "testnokk"}))
    assert ok.identifiers.us_ssn == "123456789" and ok.bank.bic == "TESTNOKK"
    assert iban.is_valid("NO1898765400007")


def test_member_identifier_path_in_message() -> None:
    """A household member's bad number is reported as household.members[1].identifiers.no_fnr."""
    members = [
        {"relation": "child"},
        {"relation": "child", "identifiers": {"no_fnr": "30051553168"}},
    ]
    found = problems_of(minimal(household={"members": members}))
    assert found == {"household.members[1].identifiers.no_fnr": "invalid check digit"}


def test_fnr_must_agree_with_birth_date() -> None:
    """A valid fødselsnummer whose date differs from the birth date is a problem."""
    data = minimal(identifiers={"no_fnr": make_fnr(14, 3, 1988, 123)})
    data["person"]["birth_date"] = "1988-03-15"
    assert "1988-03-14" in problems_of(data)["identifiers.no_fnr"]


def test_many_problems_reported_at_once() -> None:
    """Every problem is reported in one ProfileError, each under its own path."""
    data = minimal(
        identifiers={"nl_bsn": "999990018"},
        address={"current": {"postal_code": "150", "country": "NO"}},
        income={"sources": [{"kind": "salary", "amount": -1, "period": "day"}]},
    )
    data["person"]["birth_date"] = "2024-13-01"
    found = problems_of(data)
    assert found["person.birth_date"] == "not a date: 2024-13-01"
    assert found["identifiers.nl_bsn"] == "invalid check digit"
    assert "postal code" in found["address.current.postal_code"]
    assert "out of range" in found["income.sources[0].amount"]
    assert "'day' is not one of" in found["income.sources[0].period"]
    assert len(found) == 5


def test_unknown_key_rejected_with_its_name() -> None:
    """An unknown key is an error naming the key, with a did-you-mean when one is close."""
    data = minimal(foo=1)
    data["person"]["famly_name"] = "X"
    found = problems_of(data)
    assert found["foo"] == "unknown key 'foo'"
    assert found["person.famly_name"] == "unknown key 'famly_name' (did you mean 'family_name'?)"


def test_postal_codes_by_country() -> None:
    """Postal codes are checked and normalised per country (NO, NL, US)."""
    assert Address(country="NL", postal_code="1012ab").postal_code == "1012 AB"
    assert Address(country="US", postal_code="627011234").postal_code == "62701-1234"
    found = problems_of(minimal(address={"previous": [{"country": "NL", "postal_code": "1234"}]}))
    assert "Dutch postcode" in found["address.previous[0].postal_code"]


# -- paths --------------------------------------------------------------------------------------


def test_resolve_plain_indexed_and_derived_paths() -> None:
    """resolve_path returns stored values, list items and derived values."""
    nb = demo("nb_single_parent")
    assert resolve_path(nb, "person.given_name", ON) == "Tuva"
    assert resolve_path(nb, "household.members[1].given_name", ON) == "Máret Čiekčá"
    assert resolve_path(nb, "household.members[1].birth_date", ON) == date(2022, 9, 18)
    assert resolve_path(nb, "person.full_name", ON) == "Tuva Ødegård Sæther"
    assert resolve_path(nb, "person.full_name_family_first", ON) == "Sæther, Tuva Ødegård"
    assert resolve_path(nb, "person.initials", ON) == "T.Ø."
    assert resolve_path(nb, "person.age", ON) == 38
    assert resolve_path(nb, "household.members[0].age", ON) == 11
    assert resolve_path(nb, "household.size", ON) == 3
    assert resolve_path(nb, "address.previous[0].street_line", ON) == "Åsveien 4"
    assert resolve_path(nb, "income.sources[1].monthly_amount", ON) == Decimal("3532.00")


def test_resolve_absent_values_are_none() -> None:
    """An index out of range, a missing optional section or value resolves to None."""
    nb = demo("nb_single_parent")
    assert resolve_path(nb, "household.members[5].birth_date", ON) is None
    assert resolve_path(nb, "representative.full_name", ON) is None
    assert resolve_path(nb, "address.postal.street_line", ON) is None
    assert resolve_path(nb, "person.residence_permit.number", ON) is None


def test_unknown_path_did_you_mean() -> None:
    """An unknown path raises UnknownPathError with close suggestions, keeping the index."""
    with pytest.raises(UnknownPathError) as info:
        check_path("household.members[2].birthdate")
    assert "household.members[2].birth_date" in info.value.suggestions
    with pytest.raises(UnknownPathError) as info:
        resolve_path(demo("nb_single_parent"), "person.givenname", ON)
    assert info.value.suggestions[0] == "person.given_name"
    assert "did you mean" in str(info.value)
    check_path("household.members[3].birth_date")  # indices are normalised
    check_path("household.members[].birth_date")


# -- derived values -----------------------------------------------------------------------------


def test_age_on_birthday_boundary() -> None:
    """Age counts completed years: one day before the birthday, on it, and for 29 February."""
    person = Person(given_name="A", family_name="B", birth_date=date(1988, 3, 14))
    assert person.age(date(2026, 3, 13)) == 37
    assert person.age(date(2026, 3, 14)) == 38
    assert person.age(date(1980, 1, 1)) is None
    leap = Person(given_name="A", family_name="B", birth_date=date(2000, 2, 29))
    assert leap.age(date(2026, 2, 28)) == 25 and leap.age(date(2026, 3, 1)) == 26


def test_children_under() -> None:
    """children_under(n, on) counts children younger than n on the date, not other members."""
    household = Household(
        members=[
            HouseholdMember(relation="child", birth_date=date(2020, 6, 1)),
            HouseholdMember(relation="child", birth_date=date(2015, 1, 1)),
            HouseholdMember(relation="child"),
            HouseholdMember(relation="spouse", birth_date=date(2022, 1, 1)),
        ]
    )
    assert household.children_under(6, date(2026, 5, 31)) == 1
    assert household.children_under(6, date(2026, 6, 1)) == 0
    assert household.children_under(18, date(2026, 6, 1)) == 2
    assert household.children_count == 3 and len(household.children) == 3


@pytest.mark.parametrize(
    ("period", "amount", "monthly"),
    [
        ("week", "100", "433.33"),  # 100 * 52 / 12
        ("fortnight", "100", "216.67"),  # 100 * 26 / 12
        ("month", "100", "100.00"),
        ("year", "1000", "83.33"),  # 1000 / 12
    ],
)
def test_monthly_income_per_period(period: str, amount: str, monthly: str) -> None:
    """Each period converts to a monthly amount with the documented factor, rounded to cents."""
    source = IncomeSource(kind="salary", amount=Decimal(amount), period=period)  # type: ignore[arg-type]
    income = Income(sources=[source])
    assert income.monthly_gross(ON) == Decimal(monthly)
    assert income.monthly_net(ON) is None  # no net figure to report


def test_monthly_income_irregular_mix() -> None:
    """The Dutch demo sums weekly, fortnightly and yearly income into one monthly figure,
    and yearly_gross is the exact yearly sum."""
    nl = demo("nl_couple_irregular")
    # 612.40 * 52/12 + 185 * 26/12 + 1250/12 = 3158.733...
    assert resolve_path(nl, "income.monthly_gross", ON) == Decimal("3158.73")
    assert resolve_path(nl, "income.yearly_gross", ON) == Decimal("37904.80")


def test_income_counts_sources_active_on_date() -> None:
    """Sources not yet started or already ended on the date are left out; none -> None."""
    income = Income(
        sources=[
            IncomeSource(kind="salary", amount=Decimal(1000), period="month"),
            IncomeSource(
                kind="benefit", amount=Decimal(500), period="month", until=date(2026, 1, 31)
            ),
        ]
    )
    assert income.monthly_gross(date(2026, 1, 31)) == Decimal("1500.00")
    assert income.monthly_gross(date(2026, 2, 1)) == Decimal("1000.00")
    assert Income().monthly_gross(ON) is None


@pytest.mark.parametrize(
    ("fields", "street", "postal"),
    [
        (
            {"street": "Storgata", "house_number": "5", "house_letter": "B",
             "postal_code": "0150", "city": "Oslo", "country": "NO"},
            "Storgata 5 B", "0150 OSLO",
        ),
        (
            {"street": "Kerkstraat", "house_number": "12", "addition": "A",
             "postal_code": "1012AB", "city": "Amsterdam", "country": "NL"},
            "Kerkstraat 12-A", "1012 AB Amsterdam",
        ),
        (
            {"street": "Main St", "house_number": "123", "addition": "Apt 4",
             "postal_code": "62701", "city": "Springfield", "state": "IL", "country": "US"},
            "123 Main St Apt 4", "Springfield, IL 62701",
        ),
    ],
)  # fmt: skip
def test_address_lines_per_country(fields: dict[str, str], street: str, postal: str) -> None:
    """street_line and postal_line follow each country's format (NO, NL, US)."""
    address = Address(**fields)  # type: ignore[arg-type]
    assert address.street_line == street
    assert address.postal_line == postal


def test_names_and_initials() -> None:
    """Full name in local order, family-first, and initials keeping the Dutch IJ together."""
    person = Person(given_name="IJsbrand René", family_name="Kuijpers")
    assert person.full_name == "IJsbrand René Kuijpers"
    assert person.full_name_family_first == "Kuijpers, IJsbrand René"
    assert person.initials == "IJ.R."


# -- vocabulary, schema, docs -------------------------------------------------------------------


def test_vocabulary_describes_every_path() -> None:
    """Every path has a description and an example; derived paths are flagged; autocomplete
    tokens are present where they exist."""
    vocab = vocabulary()
    for path, info in vocab.items():
        assert info.path == path
        assert info.description, path
        assert info.example is not None, path
    for path in ["person.full_name", "person.age", "identifiers.national_id",
                 "household.children_count", "household.size", "income.monthly_gross",
                 "income.monthly_net", "income.yearly_gross", "representative.full_name",
                 "address.current.street_line", "address.previous[].postal_line"]:  # fmt: skip
        assert vocab[path].derived, path
    assert vocab["person.given_name"].autocomplete == "given-name"
    assert vocab["person.birth_date"].type == "date"
    assert vocab["income.sources[].amount"].type == "Decimal"
    assert "married" in vocab["person.marital_status"].choices


def test_vocabulary_follows_the_models() -> None:
    """The vocabulary is generated from the models: every model field appears as a path."""
    vocab = vocabulary()
    for name in Person.model_fields:
        assert f"person.{name}" in vocab
    for name in Address.model_fields:
        assert f"address.current.{name}" in vocab
        assert f"representative.address.{name}" in vocab


def test_examples_are_valid_values() -> None:
    """The documented identifier examples pass their own checks."""
    vocab = vocabulary()
    ids = {k: vocab[f"identifiers.{k}"].example for k in ("no_fnr", "no_dnr", "nl_bsn", "us_ssn")}
    bank = {k: vocab[f"bank.{k}"].example for k in ("iban", "bic", "no_account")}
    person = {"given_name": "A", "family_name": "B", "birth_date": "1988-03-14"}
    assert parse_profile({"person": person, "identifiers": ids, "bank": bank})


def test_json_schema_has_every_section() -> None:
    """json_schema() is a JSON Schema object with a property per section and the
    autocomplete hints."""
    schema = json_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    sections = ["person", "identifiers", "contact", "address", "household", "income", "bank",
                "employment", "benefits", "representative"]  # fmt: skip
    assert set(sections) <= set(schema["properties"])
    assert schema["required"] == ["person"]
    text = json.dumps(schema)
    assert '"autocomplete": "given-name"' in text
    person = schema["$defs"]["Person"]
    assert person["additionalProperties"] is False
    assert person["properties"]["given_name"]["description"]


def test_profile_docs_writes_both_files(tmp_path: Path) -> None:
    """profile_docs.main writes the Markdown reference and the JSON Schema."""
    assert profile_docs.main([str(tmp_path)]) == 0
    reference = (tmp_path / "profile-reference.md").read_text(encoding="utf-8")
    assert "## household" in reference and "`person.given_name`" in reference
    assert "| `income.monthly_gross` | Decimal (derived) |" in reference
    schema = json.loads((tmp_path / "profile.schema.json").read_text(encoding="utf-8"))
    assert "person" in schema["properties"]


def test_parse_does_not_mutate_input() -> None:
    """parse_profile leaves the caller's mapping untouched."""
    data = json.loads((PERSONAS / "nb_single_parent.json").read_text(encoding="utf-8"))
    before = copy.deepcopy(data)
    parse_profile(data)
    assert data == before


@pytest.mark.parametrize("name", DEMOS)
def test_dump_and_parse_round_trip(name: str) -> None:
    """A profile dumped to JSON (compact identifiers, ISO dates) parses back to the same profile."""
    profile = demo(name)
    assert parse_profile(profile.model_dump(mode="json", exclude_none=True)) == profile


def test_one_path_grammar_parses_and_formats() -> None:
    """parse_path and format_path are inverses; a bad step is a ValueError naming it; the
    web form and provenance parse with the same grammar."""
    from formfill.profile.paths import Step, format_path, parse_path
    from formfill.profile.provenance import set_path

    path = "household.members[2].identifiers.no_fnr"
    steps = parse_path(path)
    assert steps[1] == Step("members", 2) and format_path(steps) == path
    with pytest.raises(ValueError, match="'members\\[x\\]' is not a path step"):
        parse_path("household.members[x].given_name")
    with pytest.raises(ValueError, match="is not a path step"):
        set_path({}, "household.members[x].given_name", "A")
    assert set_path({}, "household.members[0].given_name", "Ánne") == {
        "household": {"members": [{"given_name": "Ánne"}]}
    }


@pytest.mark.parametrize(
    ("phone", "ok"),
    [("(617) 555-0142", True), ("+1 617-555-0142", True), ("912 34 567", True),
     ("call me", False), ("(", False), ("12", False)],
)  # fmt: skip
def test_a_phone_number_as_people_write_it(phone: str, ok: bool) -> None:
    """A US number in its local form "(617) 555-0142" is a phone number (a walk had it refused)."""
    from pydantic import TypeAdapter, ValidationError

    from formfill.profile.types import Phone

    adapter = TypeAdapter(Phone)
    if ok:
        assert adapter.validate_python(phone) == phone
    else:
        with pytest.raises(ValidationError):
            adapter.validate_python(phone)


def test_a_client_abroad_gets_the_home_country_not_norways_defaults() -> None:
    """Walk 8: a Dutch client's employer was 'Norway' by default and a payer's amount NOK;
    a KvK number was then checked as a Norwegian organisation number. Unsaid countries and
    currencies follow the client's home address; what was said is kept; Norway is unchanged."""
    from formfill.profile.validation import parse_profile

    base = {
        "person": {"given_name": "Noëlle", "family_name": "van der Berg"},
        "address": {"current": {"street": "Oudegracht", "house_number": "231",
                                "postal_code": "3511 NK", "city": "Utrecht", "country": "NL"}},
        "employment": {"status": "employed", "employer": "Zorggroep Utrecht B.V.",
                       "employer_org_number": "12345678"},
        "income": {"sources": [{"kind": "salary", "amount": "2612.40", "period": "month"},
                               {"kind": "benefit", "amount": "100", "period": "month",
                                "payer_country": "DE", "currency": "EUR"}]},
    }  # fmt: skip
    p = parse_profile(base, source="test")
    assert p.employment.employer_country == "NL"
    assert (p.income.sources[0].payer_country, p.income.sources[0].currency) == ("NL", "EUR")
    assert (p.income.sources[1].payer_country, p.income.sources[1].currency) == ("DE", "EUR")
    home = {**base["address"]["current"], "country": "NO", "postal_code": "9008", "city": "Tromsø"}
    norway = {**base, "address": {"current": home}}
    with pytest.raises(ProfileError, match="organisation number"):
        parse_profile(norway, source="test")  # 8 digits is no Norwegian organisation number
    said = {**base, "employment": {**base["employment"], "employer_country": "BE"}}
    assert parse_profile(said, source="test").employment.employer_country == "BE"


def test_no_employers_country_without_an_employer() -> None:
    """Walk 9: a retired client with no employer showed 'Employer's country: Norway', a
    default nobody entered. The employer's country is the home country's only where there is
    an employer (Norway when no home is known)."""
    from formfill.profile.validation import parse_profile

    person = {"given_name": "Ingrid", "family_name": "Åsheim"}
    retired = parse_profile({"person": person, "employment": {"status": "retired"}}, source="t")
    assert retired.employment.employer_country is None
    working = parse_profile(
        {"person": person, "employment": {"status": "employed", "employer": "Bergen kommune"}},
        source="t",
    )
    assert working.employment.employer_country == "NO"
