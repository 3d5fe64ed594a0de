"""Benefit periods per child, from the catalog's own rules: boundary days of months and
quarters, 29 February and the 18th birthday, for each rule kind (barnetrygd: month after
birth to the month before 18; kinderbijslag: quarters with the first-day exceptions;
kindgebonden budget: month after birth through the month of the 18th birthday, paid ahead;
kontantstøtte: an age window in months)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from formfill.profile.model import Profile
from formfill.profile.validation import parse_profile
from formfill.programs.catalog import load_catalog
from formfill.programs.periods import benefit_periods, child_period, reaches_age

REPO = Path(__file__).resolve().parents[2]
CATALOG = load_catalog(REPO / "programs")


def rule(program: str):  # type: ignore[no-untyped-def]
    found = CATALOG.get(program).periods
    assert found is not None, program
    return found


D = date.fromisoformat


@pytest.mark.parametrize(
    ("birth", "months", "day"),
    [
        ("2026-01-15", 12, "2027-01-15"),
        ("2024-02-29", 12, "2025-03-01"),  # no 29 February: the day after, as age_on counts
        ("2024-02-29", 48, "2028-02-29"),
        ("2025-01-31", 1, "2025-03-01"),  # no 31 February
        ("2008-02-29", 216, "2026-03-01"),
    ],
)
def test_the_day_an_age_in_months_is_reached(birth: str, months: int, day: str) -> None:
    assert reaches_age(D(birth), months) == D(day)


@pytest.mark.parametrize(
    ("birth", "first", "last"),
    [
        ("2026-01-01", "2026-02-01", "2043-12-31"),  # born on a month's first day: still next month
        ("2026-01-31", "2026-02-01", "2043-12-31"),
        ("2025-12-31", "2026-01-01", "2043-11-30"),
        ("2024-02-29", "2024-03-01", "2042-02-28"),  # 18 on 1 March 2042: the month before
        ("2008-02-29", "2008-03-01", "2026-02-28"),
        ("2008-05-01", "2008-06-01", "2026-04-30"),  # 18 on a month's first day: still before
    ],
)
def test_barnetrygd_from_the_month_after_birth_to_the_month_before_18(
    birth: str, first: str, last: str
) -> None:
    start, until, _pay = child_period(rule("barnetrygd"), D(birth), D(first))
    assert (start, until) == (D(first), D(last))


@pytest.mark.parametrize(
    ("birth", "first", "last"),
    [
        ("2026-04-01", "2026-04-01", "2044-03-31"),  # a quarter's first day: that quarter
        ("2026-04-02", "2026-07-01", "2044-06-30"),
        ("2026-03-31", "2026-04-01", "2044-03-31"),  # 18 on a quarter's last day: through it
        ("2026-01-01", "2026-01-01", "2043-12-31"),
        ("2026-12-31", "2027-01-01", "2044-12-31"),
        ("2024-02-29", "2024-04-01", "2042-03-31"),  # 18 on 1 March 2042: inside Q1
        ("2008-10-01", "2008-10-01", "2026-09-30"),  # 18 on a quarter's first day: before it
    ],
)
def test_kinderbijslag_by_quarters_with_the_first_day_exceptions(
    birth: str, first: str, last: str
) -> None:
    start, until, _pay = child_period(rule("kinderbijslag"), D(birth), D(first))
    assert (start, until) == (D(first), D(last))


def test_kinderbijslag_is_paid_in_the_first_week_after_each_quarter() -> None:
    """Sem, born 15 December 2026: covered from 1 January 2027, first paid in April 2027."""
    start, _until, pay = child_period(rule("kinderbijslag"), D("2026-12-15"), D("2026-12-20"))
    assert start == D("2027-01-01")
    assert pay[:3] == (D("2027-04-07"), D("2027-07-07"), D("2027-10-07"))
    assert len(pay) == 12


@pytest.mark.parametrize(
    ("birth", "first", "last", "paid"),
    [
        ("2026-04-12", "2026-05-01", "2044-04-30", "2026-04-30"),  # SVB's own example
        ("2026-04-01", "2026-05-01", "2044-04-30", "2026-04-30"),
        ("2024-02-29", "2024-03-01", "2042-03-31", "2024-02-29"),  # paid the day before March
        ("2026-12-31", "2027-01-01", "2044-12-31", "2026-12-31"),
    ],
)
def test_kindgebonden_budget_through_the_month_of_the_18th_birthday_paid_ahead(
    birth: str, first: str, last: str, paid: str
) -> None:
    start, until, pay = child_period(rule("kindgebonden-budget"), D(birth), D(birth))
    assert (start, until, pay[0]) == (D(first), D(last), D(paid))


@pytest.mark.parametrize(
    ("birth", "first", "last"),
    [
        ("2025-01-15", "2026-02-01", "2026-08-31"),  # seven months
        ("2025-01-01", "2026-02-01", "2026-08-31"),  # a first birthday on a month's first day
        ("2025-01-31", "2026-02-01", "2026-08-31"),
        ("2024-07-31", "2025-08-01", "2026-03-31"),  # 1 year 7 months: no 31 February
        ("2024-02-29", "2025-04-01", "2025-09-30"),  # first birthday on 1 March 2025
    ],
)
def test_kontantstotte_an_age_window_in_months(birth: str, first: str, last: str) -> None:
    start, until, pay = child_period(rule("kontantstotte"), D(birth), D(first))
    assert (start, until) == (D(first), D(last))
    assert pay[0] == D(first).replace(day=20) and pay[-1] <= D(last)


def test_payments_are_the_next_ones_from_the_day_and_never_past_the_end() -> None:
    """From a day inside the covered time the list starts with that unit's payment; it never
    goes past the last covered unit."""
    _s, _u, pay = child_period(rule("kontantstotte"), D("2025-01-15"), D("2026-05-10"))
    assert pay == tuple(D(f"2026-{m:02d}-20") for m in range(5, 9))
    late = replace(rule("barnetrygd"), until_age_months=2)
    _s, _u, pay = child_period(late, D("2026-01-10"), D("2025-01-01"))
    assert pay == (D("2026-02-20"),)


def _profile(*members: dict[str, object]) -> Profile:
    data = {"person": {"given_name": "Ánne", "family_name": "Somby", "birth_date": "1990-05-05"},
            "household": {"members": list(members)}}  # fmt: skip
    return parse_profile(data, today=D("2026-12-20"))


def test_one_period_per_child_in_the_order_entered_indexed_as_entered() -> None:
    """A partner entered first keeps index 0; children are indexed as entered, not by birth;
    a child whose covered time ended before the day has none."""
    profile = _profile(
        {"relation": "partner", "given_name": "Per", "birth_date": "1989-01-01"},
        {"relation": "child", "given_name": "Sem", "birth_date": "2026-12-15"},
        {"relation": "child", "given_name": "Máret", "birth_date": "2019-03-02"},
        {"relation": "child", "given_name": "Áile", "birth_date": "2000-01-01"},  # grown up
    )
    periods = benefit_periods(CATALOG.get("kinderbijslag"), profile, D("2026-12-20"))
    assert [(p.member, p.name) for p in periods] == [(1, "Sem"), (2, "Máret")]
    sem, maret = periods
    assert sem.to_dict() == {
        "member": 1, "from": "2027-01-01", "until": "2044-12-31",
        "payments": [p.isoformat() for p in sem.payments],
    }  # fmt: skip
    assert (maret.start, maret.until) == (D("2019-04-01"), D("2037-03-31"))
    assert maret.payments[0] == D("2027-01-07")  # the quarter the day is in, paid after it
    assert benefit_periods(CATALOG.get("zorgtoeslag"), profile, D("2026-12-20")) == []


def test_no_payment_listed_is_before_the_day() -> None:
    """Walk 8: on 4 December 2026 the screening said kindgebonden budget's next payment was
    'by 30 November 2026': December's, paid ahead, was counted from the month holding the day.
    A payment still to come for a unit already begun or past is kept (kinderbijslag pays a
    quarter in the week after it)."""
    _s, _u, pay = child_period(rule("kindgebonden-budget"), D("2020-06-01"), D("2026-12-04"))
    assert pay[0] == D("2026-12-31") and all(p >= D("2026-12-04") for p in pay)
    _s, _u, pay = child_period(rule("kinderbijslag"), D("2020-06-01"), D("2027-01-03"))
    assert pay[:2] == (D("2027-01-07"), D("2027-04-07"))  # the last quarter of 2026, then Q1
    _s, _u, pay = child_period(rule("kindgebonden-budget"), D("2020-06-01"), D("2026-11-30"))
    assert pay[0] == D("2026-11-30")  # paid on the day itself: still to come that day
