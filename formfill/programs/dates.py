"""Pure: a program's dates and proof for one client — evidence checklists, claim deadlines,
backdating, the duty to report changes, and the lifecycle deadlines (``tracking``'s rules).

Months follow explicit conventions: "within N months after the month X starts" ends on the last
day of month(X) + N; backdating goes back to the first day of month(received) - N; "1 September
of the following year" is inclusive (the date itself is the last day to apply).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from formfill.errors import ExpressionError, Problem, ProgramError
from formfill.expressions import evaluate_condition
from formfill.lifecycle import Deadline, add_months, compute_deadlines
from formfill.profile.expressions import expression_context
from formfill.profile.model import Profile
from formfill.programs.catalog import Program
from formfill.text import localised

__all__ = [
    "AcceptedEvidence",
    "ChecklistItem",
    "DateItem",
    "apply_by",
    "checklist",
    "key_dates",
    "lifecycle_deadlines",
    "payable_from",
    "report_change_by",
]


@dataclass(frozen=True)
class AcceptedEvidence:
    """A piece of evidence a specialist accepted: its document type and the date it bears."""

    doc_type: str
    dated: date


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    doc_type: str
    label: str
    done: bool
    max_age_months: int | None
    oldest_accepted: date | None  # evidence dated before this is too old (None: any age)
    source: str


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def checklist(
    program: Program,
    profile: Profile,
    on: date,
    accepted: list[AcceptedEvidence],
    language: str = "en",
) -> list[ChecklistItem]:
    """The proof the program needs for this client on ``on`` (items whose ``when`` is false
    are left out); an item is done when accepted evidence of its type is dated no later than
    ``on`` and, with a freshness rule, no earlier than ``on`` minus ``max_age_months``."""
    context: dict[str, Any] | None = None
    out: list[ChecklistItem] = []
    for item in program.evidence:
        if item.when is not None:
            context = context or expression_context(profile, on)
            try:
                if not evaluate_condition(item.when, context):
                    continue
            except ExpressionError as e:
                raise ProgramError(
                    program.id, [Problem(f"evidence[{item.id}].when", str(e))]
                ) from e
        oldest = add_months(on, -item.max_age_months) if item.max_age_months else None
        done = any(
            a.doc_type == item.doc_type and a.dated <= on and (oldest is None or a.dated >= oldest)
            for a in accepted
        )
        label = localised(item.label, language, item.doc_type)
        url = program.sources[item.source].url
        out.append(
            ChecklistItem(item.id, item.doc_type, label, done, item.max_age_months, oldest, url)
        )
    return out


def apply_by(program: Program, entitlement_start: date) -> date | None:
    """The last day to claim for a right that starts on ``entitlement_start`` (for yearly
    allowances: any day of the year applied for); None when the program has no such rule."""
    rule = program.apply_by
    if rule is None:
        return None
    if rule.rule == "months_after_start_month":
        return _month_end(add_months(entitlement_start.replace(day=1), rule.months))
    if rule.rule == "date_next_year":
        return date(entitlement_start.year + 1, rule.month, rule.day)
    return entitlement_start.replace(day=rule.day)  # day_of_start_month


def backdating_months(program: Program, received: date) -> int | None:
    """How many months back a claim received on ``received`` reaches (the rule in force on the
    day it is received); None without a backdating rule."""
    rule = program.backdating
    if rule is None:
        return None
    if isinstance(rule.months, int):
        return rule.months
    value = program.params_on(received).get(rule.months)
    if not isinstance(value, int):
        raise ProgramError(program.id, [Problem("backdating", f"no value of {rule.months}")])
    return value


def payable_from(program: Program, received: date, entitlement_start: date) -> date | None:
    """The first day a claim received on ``received`` is paid for: the start of the right
    (the month after it, or its month), but no earlier than the first day of the month
    ``backdating`` months before the month of receipt."""
    rule = program.backdating
    months = backdating_months(program, received)
    if rule is None or months is None:
        return None
    start = entitlement_start.replace(day=1)
    if rule.starts == "month_after":
        start = add_months(start, 1)
    floor = add_months(received.replace(day=1), -months)
    return max(start, floor)


def report_change_by(program: Program, changed_on: date) -> date | None:
    """The last day to report a change that happened on ``changed_on`` (None: no fixed period)."""
    rule = program.report_changes
    if rule is None or rule.weeks is None:
        return None
    return changed_on + timedelta(weeks=rule.weeks)


def lifecycle_deadlines(
    program: Program, reached: str, on: date, decision: str | None = None
) -> list[Deadline]:
    """Deadlines that start when an application for the program reaches ``reached`` on ``on``
    (``tracking.compute_deadlines`` over the program's rules)."""
    return compute_deadlines(program.rules, reached, on, decision=decision)


@dataclass(frozen=True)
class DateItem:
    """A date that matters, for a letter or a calendar."""

    kind: str  # apply_by | payable_from | report_change | a DeadlineKind
    due: date
    text: str
    source: str


def key_dates(
    program: Program,
    language: str,
    *,
    entitlement_start: date | None = None,
    received: date | None = None,
) -> list[DateItem]:
    """The claim deadline and first paid day that follow from the dates given, with texts."""
    out: list[DateItem] = []

    def text_of(rule: Any) -> str:
        return localised(rule.text, language)

    if entitlement_start is not None and program.apply_by is not None:
        due = apply_by(program, entitlement_start)
        if due is not None:
            url = program.sources[program.apply_by.source].url
            out.append(DateItem("apply_by", due, text_of(program.apply_by), url))
    if received is not None and entitlement_start is not None and program.backdating:
        first = payable_from(program, received, entitlement_start)
        months = backdating_months(program, received)
        if first is not None:
            text = text_of(program.backdating).replace("{months}", str(months))
            url = program.sources[program.backdating.source].url
            out.append(DateItem("payable_from", first, text, url))
    return sorted(out, key=lambda d: d.due)
