"""Deadlines and checklists of the catalog: a boundary test for every deadline rule (just before,
on and just after each date), backdating across the 2024-10-01 change, and evidence freshness."""

from __future__ import annotations

from datetime import date

import pytest

from formfill.lifecycle import DeadlineKind, next_occurrence
from formfill.programs.dates import (
    AcceptedEvidence,
    apply_by,
    checklist,
    lifecycle_deadlines,
    payable_from,
    report_change_by,
)
from tests.program_fixtures import catalog, profile


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (date(2014, 3, 1), date(2014, 6, 30)),  # first day of the month
        (date(2014, 3, 2), date(2014, 6, 30)),  # SZW's example: opvang vanaf 2 maart -> 30 juni
        (date(2014, 3, 31), date(2014, 6, 30)),  # last day of the month
        (date(2014, 4, 1), date(2014, 7, 31)),  # the next month moves the deadline a month
        (date(2023, 11, 15), date(2024, 2, 29)),  # across a year into a leap February
    ],
)
def test_kinderopvangtoeslag_within_3_months_after_the_start_month(start: date, due: date) -> None:
    assert apply_by(catalog().get("kinderopvangtoeslag"), start) == due


@pytest.mark.parametrize("program", ["zorgtoeslag", "huurtoeslag", "kindgebonden-budget"])
def test_toeslagen_apply_by_1_september_next_year(program: str) -> None:
    """Every day of 2024 is claimable until 2025-09-01 inclusive; 2025 until 2026-09-01."""
    p = catalog().get(program)
    assert apply_by(p, date(2024, 1, 1)) == date(2025, 9, 1)
    assert apply_by(p, date(2024, 12, 31)) == date(2025, 9, 1)
    assert apply_by(p, date(2025, 1, 1)) == date(2026, 9, 1)


def test_bostotte_apply_by_the_25th() -> None:
    p = catalog().get("bostotte")
    assert apply_by(p, date(2025, 2, 1)) == date(2025, 2, 25)
    assert apply_by(p, date(2025, 2, 28)) == date(2025, 2, 25)  # too late for February
    assert apply_by(catalog().get("barnetrygd"), date(2025, 2, 1)) is None


@pytest.mark.parametrize(
    ("received", "first_paid"),
    [
        (date(2024, 9, 30), date(2021, 9, 1)),  # the last day of the 3-year rule
        (date(2024, 10, 1), date(2024, 7, 1)),  # the first day of the 3-month rule
        (date(2024, 10, 31), date(2024, 7, 1)),
        (date(2024, 11, 1), date(2024, 8, 1)),
    ],
)
def test_barnetrygd_backdating_across_2024_10_01(received: date, first_paid: date) -> None:
    """Claims received up to 2024-09-30 go back 3 years, from 2024-10-01 3 months, counted from
    the first day of the month of receipt; a right that began long ago is capped there."""
    assert payable_from(catalog().get("barnetrygd"), received, date(2015, 5, 30)) == first_paid


def test_barnetrygd_paid_from_the_month_after_the_right() -> None:
    p = catalog().get("barnetrygd")
    assert payable_from(p, date(2025, 6, 2), date(2025, 5, 31)) == date(2025, 6, 1)
    assert payable_from(p, date(2025, 6, 2), date(2025, 6, 1)) == date(2025, 7, 1)


def test_kinderopvangtoeslag_late_claim() -> None:
    """The published example: opvang from 20 January 2014, claim on 15 June 2014 -> right from
    1 March 2014; a claim on 30 April is paid from the start month."""
    p = catalog().get("kinderopvangtoeslag")
    assert payable_from(p, date(2014, 6, 15), date(2014, 1, 20)) == date(2014, 3, 1)
    assert payable_from(p, date(2014, 4, 30), date(2014, 1, 20)) == date(2014, 1, 1)


@pytest.mark.parametrize(
    "program", ["zorgtoeslag", "huurtoeslag", "kindgebonden-budget", "kinderopvangtoeslag"]
)
def test_report_changes_within_4_weeks(program: str) -> None:
    assert report_change_by(catalog().get(program), date(2025, 1, 31)) == date(2025, 2, 28)


def test_no_fixed_reporting_period_is_none() -> None:
    assert report_change_by(catalog().get("barnetrygd"), date(2025, 1, 31)) is None


APPEALS = {
    "barnetrygd": 6, "utvidet-barnetrygd": 6, "arbeidsavklaringspenger": 6, "dagpenger": 6,
    "kontantstotte": 3, "bostotte": 3, "zorgtoeslag": 6, "huurtoeslag": 6,
    "kindgebonden-budget": 6, "kinderopvangtoeslag": 6, "kinderbijslag": 6,
}  # fmt: skip


@pytest.mark.parametrize(("program", "weeks"), sorted(APPEALS.items()))
def test_appeal_windows(program: str, weeks: int) -> None:
    """Appeal: 6 weeks (folketrygdloven, barnetrygdloven, Awb) or 3 weeks (forvaltningsloven:
    kontantstøtte, bostøtte) after a denial or partial approval; none after an approval."""
    p = catalog().get(program)
    decided = date(2025, 1, 31)
    due = [d.due for d in lifecycle_deadlines(p, "decided", decided, "denied")
           if d.kind is DeadlineKind.APPEAL]  # fmt: skip
    assert due == [date.fromordinal(decided.toordinal() + 7 * weeks)]
    approved = lifecycle_deadlines(p, "decided", decided, "approved")
    assert not [d for d in approved if d.kind is DeadlineKind.APPEAL]


@pytest.mark.parametrize(("program", "after"), [("arbeidsavklaringspenger", "decided"),
                                                ("dagpenger", "submitted")])  # fmt: skip
def test_meldekort_every_14_days(program: str, after: str) -> None:
    p = catalog().get(program)
    first = next(d for d in lifecycle_deadlines(p, after, date(2025, 1, 31), "approved")
                 if d.kind is DeadlineKind.PROGRESS_REPORT)  # fmt: skip
    assert first.due == date(2025, 2, 14)
    rule = next(r.rule for r in p.deadlines if r.rule.every_days)
    nxt = next_occurrence(rule, first.due)
    assert nxt is not None and nxt.due == date(2025, 2, 28)


def test_expected_decision() -> None:
    p = catalog().get("zorgtoeslag")
    (d,) = lifecycle_deadlines(p, "submitted", date(2025, 1, 31))
    assert d.kind is DeadlineKind.EXPECTED_DECISION and d.due == date(2025, 3, 7)


def test_checklist_freshness_boundaries() -> None:
    """A pay slip must be at most 3 months old: dated 3 months before the date it is fine, a
    day older it is not, and evidence dated after the date does not count."""
    p = catalog().get("dagpenger")
    prof = profile()
    on = date(2025, 6, 2)

    def done(dated: date) -> bool:
        items = checklist(p, prof, on, [AcceptedEvidence("pay_slip", dated)])
        return next(i for i in items if i.doc_type == "pay_slip").done

    assert done(date(2025, 3, 2)) and done(on)
    assert not done(date(2025, 3, 1))
    assert not done(date(2025, 6, 3))
    items = checklist(p, prof, on, [AcceptedEvidence("termination_letter", date(2001, 1, 1))])
    assert next(i for i in items if i.doc_type == "termination_letter").done  # no age limit


def test_checklist_conditional_on_the_profile() -> None:
    """A shared-residence agreement is asked for only when a child's custody share is under
    100 %; a residence permit only for a non-citizen."""
    p = catalog().get("barnetrygd")
    child = {"relation": "child", "given_name": "C", "birth_date": "2015-01-01"}
    full = profile(members=[child | {"custody_share": 100}])
    shared = profile(members=[child | {"custody_share": 50}])
    on = date(2025, 6, 2)
    assert [i.doc_type for i in checklist(p, full, on, [])] == []
    assert [i.doc_type for i in checklist(p, shared, on, [], "nb")] == ["custody_agreement"]
    assert checklist(p, shared, on, [], "nb")[0].label.startswith("Skriftlig avtale")
