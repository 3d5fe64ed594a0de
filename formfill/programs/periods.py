"""Benefit periods: which days a benefit covers for each child and when it is paid, from the
program's ``[periods]`` rule (:class:`formfill.programs.model.PeriodRule`) and the child's
birth date. One rule for the CLI, the web and the next-steps letter.

Units are calendar months or quarters. A child reaches an age of ``n`` months on the same day
``n`` months after birth; where that month has no such day (born the 31st, or 29 February),
on the first day of the month after, as :func:`formfill.profile.paths.age_on` counts years.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from formfill.lifecycle import add_months
from formfill.profile.model import Profile
from formfill.programs.model import PeriodRule, Program

__all__ = ["Period", "benefit_periods", "child_period", "reaches_age", "unit_end", "unit_start"]

MAX_PAYMENTS = 12  # the payments a period lists: the next ones from the screening day


@dataclass(frozen=True)
class Period:
    """The covered days of one child (``member``: the index into the profile's own
    ``household.members``; None for a benefit of the whole household), ``until`` None when the
    rule sets no end, and the expected payment dates still to come (at most 12)."""

    member: int | None
    start: date
    until: date | None
    payments: tuple[date, ...] = field(default=())
    name: str = ""  # the child's given name, for sentences

    def to_dict(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "from": self.start.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "payments": [d.isoformat() for d in self.payments],
        }


def reaches_age(birth: date, months: int) -> date:
    """The day a person born on ``birth`` is ``months`` months old (see the module)."""
    index = birth.year * 12 + (birth.month - 1) + months
    year, month = divmod(index, 12)
    if birth.day > calendar.monthrange(year, month + 1)[1]:  # no such day: the next month's 1st
        return add_months(date(year, month + 1, 1), 1)
    return date(year, month + 1, birth.day)


def unit_start(day: date, unit: str) -> date:
    """The first day of the month or quarter holding ``day``."""
    month = day.month if unit == "month" else 3 * ((day.month - 1) // 3) + 1
    return date(day.year, month, 1)


def unit_end(day: date, unit: str) -> date:
    """The last day of the month or quarter holding ``day``."""
    return add_months(unit_start(day, unit), 1 if unit == "month" else 3) - timedelta(days=1)


def _next_unit(day: date, unit: str) -> date:
    return unit_end(day, unit) + timedelta(days=1)


def _first_day(rule: PeriodRule, birth: date) -> date:
    event = reaches_age(birth, rule.from_age_months)
    if rule.start == "from" and unit_start(event, rule.unit) == event:
        return event
    return _next_unit(event, rule.unit)


def _last_day(rule: PeriodRule, birth: date) -> date | None:
    if rule.until_age_months is None:
        return None
    event = reaches_age(birth, rule.until_age_months)
    first = unit_start(event, rule.unit)
    if rule.end == "before" or (rule.end == "through_unless_first_day" and first == event):
        return first - timedelta(days=1)
    return unit_end(event, rule.unit)


def _payment(rule: PeriodRule, start: date) -> date:
    """When the unit starting on ``start`` is paid."""
    if rule.pay_at == "after_unit":
        return add_months(unit_end(start, rule.unit), rule.pay_months) + timedelta(rule.pay_days)
    if rule.pay_at == "before_unit":  # paid ahead: the Belastingdienst's toeslagen
        return add_months(start, -rule.pay_months) - timedelta(rule.pay_days)
    last_month = start if rule.unit == "month" else add_months(start, 2)
    return last_month.replace(day=rule.pay_day)


# how far back a unit may lie whose payment is still to come (paid after the unit, months on)
_LOOK_BACK_MONTHS = 6


def _payments(rule: PeriodRule, start: date, until: date | None, on: date) -> tuple[date, ...]:
    """The next payments from ``on`` (on or after it): a unit paid ahead is paid before it
    starts, so December's kindgebonden budget, paid on 30 November, is no longer to come on
    4 December (walk 8); a unit paid after it may lie before ``on`` and still be to come."""
    out: list[date] = []
    # start is a unit's first day, so the unit found is never before it
    unit = unit_start(max(start, add_months(on, -_LOOK_BACK_MONTHS)), rule.unit)
    while len(out) < MAX_PAYMENTS and (until is None or unit <= until):
        paid = _payment(rule, unit)
        if paid >= on:
            out.append(paid)
        unit = _next_unit(unit, rule.unit)
    return tuple(out)


def child_period(
    rule: PeriodRule, birth: date, on: date
) -> tuple[date, date | None, tuple[date, ...]]:
    """(first covered day, last covered day or None, the next payments from ``on``)."""
    start, until = _first_day(rule, birth), _last_day(rule, birth)
    return start, until, _payments(rule, start, until, on)


def benefit_periods(program: Program, profile: Profile, on: date) -> list[Period]:
    """The periods of the program's rule for this client: one per child with a birth date
    whose covered time has not ended before ``on``, in the order the members were entered;
    [] when the program has no rule."""
    rule = program.periods
    if rule is None:
        return []
    out = []
    for index, member in enumerate(profile.household.members):
        if member.relation != "child" or member.birth_date is None:
            continue
        start, until, payments = child_period(rule, member.birth_date, on)
        if until is not None and (until < on or until < start):
            continue
        out.append(Period(index, start, until, payments, member.given_name or ""))
    return out
