"""Screening: a boundary test for every criterion of the catalog (just below, at and just above
each age, child-age and income limit, as PolicyEngine and OpenFisca test their rules), missing
values named, dated rule changes, the caseload batch and the diff after a catalog change."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import pytest

from formfill.lifecycle import add_months
from formfill.programs.catalog import Criterion, Program
from formfill.programs.screening import diff, screen, screen_caseload
from tests.program_fixtures import ON, catalog, profile

PARTNER = {"relation": "spouse", "given_name": "P", "birth_date": "1990-01-01"}


def _criteria(kind: str) -> list[tuple[Program, Criterion]]:
    return [(p, c) for p in catalog().programs for c in p.criteria if c.kind == kind]


def _limit(program: Program, criterion: Criterion, key: str) -> Any:
    raw = criterion.spec.get(key)
    return program.params_on(ON)[raw] if isinstance(raw, str) else raw


def _status(program: Program, criterion: Criterion, prof: Any, on: date = ON) -> str:
    result = screen(prof, catalog(), on, programs=[program.id]).results[0]
    return next(c for c in result.criteria if c.id == criterion.id).status


def _ids(pairs: list[tuple[Program, Criterion]]) -> list[str]:
    return [f"{p.id}.{c.id}" for p, c in pairs]


AGE = _criteria("age")


@pytest.mark.parametrize(("program", "criterion"), AGE, ids=_ids(AGE))
def test_age_boundaries(program: Program, criterion: Criterion) -> None:
    """The birthday that reaches a limit on the screening date counts; the day after does not."""
    for key, at_expected in (("min", "met"), ("below", "failed")):
        limit = _limit(program, criterion, key)
        if limit is None:
            continue
        at = ON.replace(year=ON.year - limit)  # turns `limit` on ON
        below, above = at + timedelta(days=1), at - timedelta(days=1)
        before = "failed" if key == "min" else "met"
        assert _status(program, criterion, profile(birth=below)) == before
        assert _status(program, criterion, profile(birth=at)) == at_expected
        assert _status(program, criterion, profile(birth=above)) == at_expected
    assert _status(program, criterion, profile(birth=None)) == "unknown"


CHILDREN = _criteria("children")


def _child(birth: date | None, **extra: Any) -> dict[str, Any]:
    data = {"relation": "child", "given_name": "C"} | extra
    return data | ({"birth_date": birth.isoformat()} if birth else {})


@pytest.mark.parametrize(("program", "criterion"), CHILDREN, ids=_ids(CHILDREN))
def test_children_boundaries(program: Program, criterion: Criterion) -> None:
    """A child reaching the lower limit on the date counts, one reaching the upper one does not,
    a day either side flips; a child without a birth date makes it unknown, one who does not
    live with the client does not count."""
    months = criterion.spec.get("unit") == "months"
    country = program.country

    def born(n: int) -> date:
        return add_months(ON, -n) if months else ON.replace(year=ON.year - n)

    def status(members: list[dict[str, Any]]) -> str:
        return _status(program, criterion, profile(country=country, members=members))

    low, below = _limit(program, criterion, "min"), _limit(program, criterion, "below")
    if low is not None:
        assert status([_child(born(low) + timedelta(days=1))]) == "failed"
        assert status([_child(born(low))]) == "met"
        assert status([_child(born(low) - timedelta(days=1))]) == "met"
    if below is not None:
        assert status([_child(born(below) + timedelta(days=1))]) == "met"
        assert status([_child(born(below))]) == "failed"
        assert status([_child(born(below) - timedelta(days=1))]) == "failed"
    inside = born(low if low is not None else 0) - timedelta(days=1)
    assert status([_child(inside, lives_with_client=False)]) == "failed"
    assert status([_child(None)]) == "unknown"
    assert status([]) == "failed"


INCOME = _criteria("income")


@pytest.mark.parametrize(("program", "criterion"), INCOME, ids=_ids(INCOME))
def test_income_boundaries(program: Program, criterion: Criterion) -> None:
    """Yearly income one below, at and one above the limit: met, met (the limit is inclusive),
    failed; for a household with a partner unknown unless the client alone is over it; income
    in another currency is unknown, not compared."""
    high = _limit(program, criterion, "max")
    cur = criterion.spec["currency"]
    partner = criterion.spec.get("scope") == "household"
    members = [PARTNER] if partner else []

    def status(amount: float, currency: str = cur, on: date = ON) -> str:
        src = {"kind": "salary", "amount": str(amount), "currency": currency, "period": "year"}
        return _status(program, criterion, profile(country=program.country, members=members,
                                                    income=[src]), on)  # fmt: skip

    if partner:
        assert status(high - 1) == "unknown"
        assert status(high) == "unknown"
    else:
        assert status(high - 1) == "met"
        assert status(high) == "met"
    assert status(high + 1) == "failed"
    assert status(high - 1, "USD") == "unknown"
    assert status(high - 1, on=date(2018, 6, 1)) == "unknown"  # before the first known limit
    no_income = profile(country=program.country, members=members)
    assert _status(program, criterion, no_income) == "unknown"


RESIDENCE = _criteria("residence")


@pytest.mark.parametrize(("program", "criterion"), RESIDENCE, ids=_ids(RESIDENCE))
def test_residence(program: Program, criterion: Criterion) -> None:
    """Living in the program's country is met, elsewhere failed, no address unknown."""
    other = "NL" if program.country == "NO" else "NO"
    assert _status(program, criterion, profile(country=program.country)) == "met"
    assert _status(program, criterion, profile(country=other)) == "failed"
    assert _status(program, criterion, profile(country=None)) == "unknown"


ONE_OF = _criteria("one_of")


@pytest.mark.parametrize(("program", "criterion"), ONE_OF, ids=_ids(ONE_OF))
def test_one_of(program: Program, criterion: Criterion) -> None:
    """A listed value is met, an unlisted one failed, an absent one unknown (path named)."""
    path, values = criterion.spec["path"], criterion.spec["values"]
    key = "employment" if path == "employment.status" else "marital"
    jobs = ["employed", "self_employed", "unemployed", "student", "retired", "disabled"]
    choices = jobs if key == "employment" else ["single", "married", "divorced", "separated"]
    outside = next(v for v in choices if v not in values)
    assert _status(program, criterion, profile(**{key: values[0]})) == "met"
    assert _status(program, criterion, profile(**{key: outside})) == "failed"
    result = screen(profile(), catalog(), ON, programs=[program.id]).results[0]
    crit = next(c for c in result.criteria if c.id == criterion.id)
    assert crit.status == "unknown" and crit.missing == (path,)


def test_expr_and_when_partner() -> None:
    """Utvidet barnetrygd: no partner at home is met, a spouse at home fails it; zorgtoeslag
    picks the single or the partner limit by the same fact (the other is not applicable)."""
    kid = _child(date(2015, 5, 30))
    alone = screen(profile(members=[kid]), catalog(), ON, programs=["utvidet-barnetrygd"])
    assert {c.id: c.status for c in alone.results[0].criteria}["no_partner_at_home"] == "met"
    both = screen(profile(members=[kid, PARTNER]), catalog(), ON, programs=["utvidet-barnetrygd"])
    assert {c.id: c.status for c in both.results[0].criteria}["no_partner_at_home"] == "failed"
    away = PARTNER | {"lives_with_client": False}
    apart = screen(profile(members=[away], country="NL"), catalog(), ON, programs=["zorgtoeslag"])
    statuses = {c.id: c.status for c in apart.results[0].criteria}
    assert statuses["income_partners"] == "not_applicable" and statuses["income_single"] != "n/a"


ASSESSMENT = _criteria("assessment")


@pytest.mark.parametrize(("program", "criterion"), ASSESSMENT, ids=_ids(ASSESSMENT))
def test_assessment_is_never_decided(program: Program, criterion: Criterion) -> None:
    """What only the agency can assess stays unknown (never eligible on formfill's word)."""
    members = [PARTNER] if criterion.when else []
    prof = profile(country=program.country, members=members, employment="employed")
    assert _status(program, criterion, prof) == "unknown"


def test_rule_change_on_its_date() -> None:
    """Kontantstøtte: a child of 21 months qualifies on 2024-07-31, not on 2024-08-01."""
    born = add_months(date(2024, 7, 31), -21)
    prof = profile(members=[_child(born)])
    c = catalog().get("kontantstotte")
    toddler = next(x for x in c.criteria if x.id == "toddler")
    assert _status(c, toddler, prof, date(2024, 7, 31)) == "met"
    assert _status(c, toddler, prof, date(2024, 8, 1)) == "failed"


def test_explanations_in_the_clients_language() -> None:
    """A Dutch-speaking client gets Dutch explanations and status; English is the fallback."""
    nl = screen(profile(country="NL", language="nl"), catalog(), ON, programs=["kinderbijslag"])
    assert nl.language == "nl"
    assert nl.results[0].criteria[0].explanation.startswith("U woont in Nederland")
    de = screen(profile(language="de"), catalog(), ON, programs=["barnetrygd"])
    assert de.language == "en" and de.results[0].name == "Child benefit (ordinary)"


def test_caseload_and_diff_after_a_catalog_change() -> None:
    """Re-screening after the child age limit changes reports exactly the client it affects."""
    teen = profile(members=[_child(date(2008, 1, 1))])  # 17 on ON
    small = profile(members=[_child(date(2020, 1, 1))])
    before = screen_caseload({"teen": teen, "small": small}, catalog(), ON)
    changed = dataclasses.replace(catalog())
    bt = changed.get("barnetrygd")
    param = bt.parameters["child_age_limit"]
    lower = dataclasses.replace(param, values=(dataclasses.replace(param.values[0], value=16),))
    programs = tuple(
        dataclasses.replace(p, parameters={**p.parameters, "child_age_limit": lower})
        if p.id == "barnetrygd" else p
        for p in changed.programs
    )  # fmt: skip
    after = screen_caseload(
        {"teen": teen, "small": small}, dataclasses.replace(changed, programs=programs), ON
    )
    changes = diff(before, after)
    assert [str(c) for c in changes] == ["teen: barnetrygd eligible -> not_eligible"]


def test_demo_clients_match_golden() -> None:
    """Every demo client screened on the golden date gives exactly the reviewed results
    (regenerate with `.venv/bin/python -m tests.golden_screening`, then review the diff)."""
    import json

    from tests.golden_screening import GOLDEN, screenings

    current = screenings()
    assert current, "no demo clients"
    files = {p.stem for p in GOLDEN.glob("*.json")}
    assert files == set(current)
    for name, data in current.items():
        golden = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
        assert data == golden, f"{name}: screening differs from tests/golden/screening/{name}.json"
    nb = {r["program"]: r["status"] for r in current["nb_single_parent"]["results"]}
    assert nb["barnetrygd"] == "eligible" and nb["utvidet-barnetrygd"] == "eligible"
    nl = {r["program"]: r for r in current["nl_couple_irregular"]["results"]}
    assert nl["zorgtoeslag"]["status"] == "unknown"
    assert nl["zorgtoeslag"]["missing"] == ["household.members[0].yearly_gross_income"]


def test_a_partners_yearly_income_counts_in_a_joint_income_test() -> None:
    """Walk 8: zorgtoeslag asked for the partner's income, which nobody could enter. A
    member's yearly gross income (in the home currency unless said) now counts with the
    client's; without it the test stays unknown and names the field; in another currency it
    is not added to euros."""
    from formfill.profile.validation import load_profile, parse_profile
    from tests.program_fixtures import REPO

    cat = catalog()
    data = load_profile(REPO / "personas/nl_couple_irregular.json").model_dump(
        mode="json", exclude_none=True
    )

    def zorg(partner_income: str | None, currency: str | None = None) -> Any:
        members = [dict(m) for m in data["household"]["members"]]
        partner = next(m for m in members if m["relation"] in ("spouse", "partner"))
        partner.pop("yearly_gross_income", None)
        partner.pop("income_currency", None)
        if partner_income is not None:
            partner["yearly_gross_income"] = partner_income
        if currency is not None:
            partner["income_currency"] = currency
        profile = parse_profile({**data, "household": {"members": members}}, source="t")
        result = screen(profile, cat, date(2026, 12, 4), programs={"zorgtoeslag"}).results[0]
        return next(c for c in result.criteria if c.id == "income_partners"), profile

    unknown, _p = zorg(None)
    assert unknown.status == "unknown"
    assert list(unknown.missing) == ["household.members[0].yearly_gross_income"]
    low, profile = zorg("1000")
    partner = profile.household.partner
    assert partner is not None and partner.income_currency == "EUR"  # the home currency
    high, _p = zorg("900000")
    assert (low.status, high.status) == ("met", "failed")
    other, _p = zorg("1000", "NOK")
    assert other.status == "unknown" and "NOK" in other.reason


def test_the_rent_is_in_the_profile_and_huurtoeslag_checks_it() -> None:
    """Walk 10: the web had no place for the rent, so huurtoeslag's rent limit could only be
    'assessed by the agency'. The profile's monthly rent (in the home currency unless said)
    is compared with the limit; without it the test names the field to fill."""
    from formfill.profile.validation import load_profile, parse_profile
    from tests.program_fixtures import REPO

    cat = catalog()
    data = load_profile(REPO / "personas/nl_couple_irregular.json").model_dump(
        mode="json", exclude_none=True
    )

    def rent(amount: str | None, currency: str | None = None) -> Any:
        housing = {k: v for k, v in (data.get("housing") or {}).items()
                   if k not in ("monthly_rent", "rent_currency")}  # fmt: skip
        if amount is not None:
            housing["monthly_rent"] = amount
        if currency is not None:
            housing["rent_currency"] = currency
        profile = parse_profile({**data, "housing": housing}, source="t")
        result = screen(profile, cat, date(2026, 12, 4), programs={"huurtoeslag"}).results[0]
        return next(c for c in result.criteria if c.id == "rent_under_limit"), profile

    unknown, _p = rent(None)
    assert unknown.status == "unknown" and list(unknown.missing) == ["housing.monthly_rent"]
    low, profile = rent("725.50")
    assert low.status == "met" and profile.housing.rent_currency == "EUR"
    high, _p = rent("1450")
    assert high.status == "failed"
    other, _p = rent("7000", "NOK")
    assert other.status == "unknown" and "NOK" in other.reason
