"""The program catalog's data model: programs, their dated parameters, typed criteria, evidence
items and deadline rules, as loaded from ``programs/<country>/<id>.toml`` by
:mod:`formfill.programs.catalog` (which re-exports everything here)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from formfill.errors import Problem, ProgramError
from formfill.lifecycle import DeadlineRule
from formfill.suggest import close_matches, did_you_mean
from formfill.text import Text as Text  # re-exported: the catalog's texts

LANGUAGES = ("en", "nb", "nl")
CRITERION_KINDS: Mapping[str, tuple[str, ...]] = {
    "age": ("min", "below"),
    "children": ("min", "below", "unit", "count", "living_with_client", "min_custody_share"),
    "income": ("measure", "max", "min", "scope", "currency"),
    "residence": ("country",),
    "one_of": ("path", "values", "negate"),
    "expr": ("test", "needs"),
    # limits shown in the explanation; with ``path`` (and ``currency_path``) the profile's
    # amount is compared with them, else the agency assesses it (unknown)
    "assessment": ("max", "min", "currency", "path", "currency_path"),
}


def suggest(word: str, choices: Any) -> str:
    """A did-you-mean hint (empty when nothing is close)."""
    return did_you_mean(close_matches(word, choices, limit=2))


@dataclass(frozen=True)
class Source:
    """Where a rule or figure comes from, and the date of the rule (or of the page read)."""

    id: str
    url: str
    title: str
    date: date
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class ParamValue:
    """One value of a parameter, in force from ``start`` until the next value's start."""

    start: date
    value: Any
    source: str
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class Parameter:
    name: str
    unit: str
    values: tuple[ParamValue, ...]  # sorted by start
    description: str = ""

    def on(self, day: date) -> ParamValue | None:
        """The value in force on ``day``; None before the first one."""
        i = bisect_right([v.start for v in self.values], day)
        return self.values[i - 1] if i else None


@dataclass(frozen=True)
class Criterion:
    """A typed condition over the profile; ``spec`` holds the kind's own keys."""

    id: str
    kind: str
    spec: Mapping[str, Any]
    explain: Text
    source: str
    when: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Condition:
    """A condition formfill cannot check: text for the specialist."""

    text: Text
    source: str


@dataclass(frozen=True)
class EvidenceItem:
    id: str
    doc_type: str
    label: Text
    source: str
    when: str | None = None
    max_age_months: int | None = None


@dataclass(frozen=True)
class RuleInfo:
    """A lifecycle deadline rule (``tracking.DeadlineRule``) with its text and source;
    ``stops``: what missing it stops (a periodic report: "dagpenger stop after more than 20
    days without a meldekort"), said beside an overdue one."""

    rule: DeadlineRule
    text: Text
    source: str
    verified: bool = True
    note: str = ""
    stops: Text = field(default_factory=dict)


@dataclass(frozen=True)
class ApplyBy:
    """When a claim must be in, counted from the start (or year) of the entitlement."""

    rule: str
    text: Text
    source: str
    months: int = 0
    month: int = 0
    day: int = 0
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class Backdating:
    """How far back a claim is paid: ``months`` (a number or a parameter, taken on the date the
    claim is received) before the month of receipt; payment starts the month after the right
    begins (``month_after``) or in that month (``same_month``)."""

    months: int | str
    starts: str
    text: Text
    source: str
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class ReportChanges:
    """The duty to report changes; ``weeks`` None when the law sets no fixed period."""

    weeks: int | None
    text: Text
    source: str
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class PeriodRule:
    """Which days a benefit covers and when it is paid, per child (``per = "child"``: each
    member with relation child) from their birth date.

    The covered time runs in whole ``unit``s (month, quarter). It starts with the unit
    ``start`` names, counted from the day the child reaches ``from_age_months`` (0: birth):
    ``after`` the unit after the one holding that day; ``from`` the first unit starting on or
    after that day (a child born on a quarter's first day is covered that quarter). It ends
    (``until_age_months``; None: no end) with ``end``: ``before`` the last unit before the
    one holding that day (barnetrygd: the month before the 18th birthday); ``through`` the
    unit holding it; ``through_unless_first_day`` the unit holding it, or the one before
    when the day is that unit's first (kinderbijslag). A person born 29 February reaches an
    age on 1 March in other years, as :func:`formfill.profile.paths.age_on` counts.

    Payments: ``pay_at`` ``in_unit`` (on ``pay_day`` of each covered month, of a quarter's
    last month), ``after_unit`` (``pay_days`` days plus ``pay_months`` months after each
    covered unit's last day) or ``before_unit`` (``pay_days`` days plus ``pay_months``
    months before its first day: paid ahead)."""

    per: str  # child | household
    unit: str  # month | quarter
    start: str  # after | from
    from_age_months: int
    end: str  # before | through | through_unless_first_day
    until_age_months: int | None
    pay_at: str  # in_unit | after_unit | before_unit
    pay_day: int
    pay_days: int
    pay_months: int
    text: Text
    source: str
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class Program:
    id: str
    country: str
    agency: str
    name: Text
    summary: Text
    links: tuple[str, ...]
    forms: tuple[str, ...]
    reviewed: date
    sources: Mapping[str, Source]
    parameters: Mapping[str, Parameter]
    criteria: tuple[Criterion, ...]
    conditions: tuple[Condition, ...]
    evidence: tuple[EvidenceItem, ...]
    deadlines: tuple[RuleInfo, ...]
    apply_by: ApplyBy | None
    backdating: Backdating | None
    report_changes: ReportChanges | None
    path: Path
    note: str = ""
    periods: PeriodRule | None = None

    def params_on(self, day: date) -> dict[str, Any]:
        """Every parameter's value in force on ``day`` (absent before its first value)."""
        out: dict[str, Any] = {}
        for name, param in self.parameters.items():
            v = param.on(day)
            if v is not None:
                out[name] = v.value
        return out

    @property
    def rules(self) -> list[DeadlineRule]:
        """The lifecycle deadline rules, for ``applications.advance(rules=...)``."""
        return [r.rule for r in self.deadlines]


@dataclass(frozen=True)
class Catalog:
    programs: tuple[Program, ...]
    doc_types: Mapping[str, Text] = field(default_factory=dict)

    def get(self, program_id: str) -> Program:
        for p in self.programs:
            if p.id == program_id:
                return p
        hint = suggest(program_id, [p.id for p in self.programs])
        raise ProgramError("catalog", [Problem(program_id, f"no such program{hint}")])

    def for_country(self, country: str | None) -> list[Program]:
        return [p for p in self.programs if country is None or p.country == country.upper()]
