"""The criteria of a program: the profile paths each kind decides on, its compiled evaluator (a
closure over the typed spec: age, children, income, residence, one_of, expr, assessment) and
its plain-language explanation with the limits and the client's value filled in.

An evaluator returns the status, the profile paths that are missing, a reason and the facts its
explanation shows; it raises :class:`NoParam` when a parameter has no value on the date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from formfill.errors import ExpressionError
from formfill.expressions import compile_condition, evaluate_condition
from formfill.profile.expressions import expression_context, expression_paths
from formfill.profile.model import Profile, resolve_path
from formfill.profile.paths import age_on
from formfill.programs.catalog import Criterion, Parameter
from formfill.text import localised

__all__ = [
    "GAP",
    "CriterionStatus",
    "Evaluator",
    "Lacking",
    "NoParam",
    "compile_criterion",
    "criterion_paths",
    "explain",
    "lacking",
    "lacking_figure",
]

CriterionStatus = Literal["met", "failed", "unknown", "not_applicable"]
UNKNOWN = "unknown"  # a parameter value the catalog could not verify for a period


# the profile paths each kind of criterion reads (one_of and expr name theirs)
_KIND_PATHS: Mapping[str, frozenset[str]] = {
    "age": frozenset({"person.birth_date", "person.age"}),
    "children": frozenset({
        "household.children", "household.children_count", "household.children_under",
        "household.members", "household.members[].relation", "household.members[].birth_date",
        "household.members[].age", "household.children[].birth_date", "household.children[].age",
    }),
    "income": frozenset({"income"}),
    "residence": frozenset({"address.current.country"}),
}  # fmt: skip


def criterion_paths(criterion: Criterion) -> frozenset[str]:
    """The profile paths a criterion decides on (list indices as ``[]``): a form map whose
    ``when`` reads them re-states the criterion instead of asking the catalog."""
    spec = criterion.spec
    if criterion.kind == "one_of":
        return frozenset({str(spec["path"])})
    if criterion.kind == "expr":
        needs = {str(n) for n in spec.get("needs", ())}
        return expression_paths(str(spec["test"])) | needs
    return _KIND_PATHS.get(criterion.kind, frozenset())


# --- evaluation of one criterion ----------------------------------------------------------------

Facts = dict[str, Any]
Outcome = tuple[CriterionStatus, tuple[str, ...], str, Facts]
Evaluator = Callable[[Profile, date, Mapping[str, Any]], Outcome]


class NoParam(Exception):
    """A parameter has no value in force on the screening date."""


#: a parameter's value in ``params`` that stands for "no figure, go on without it": the
#: evaluator then still gives the client's value for the explanation (the status stays unknown)
GAP = object()


def _value(spec: Mapping[str, Any], key: str, params: Mapping[str, Any]) -> Any:
    raw = spec.get(key)
    if isinstance(raw, str):
        if params.get(raw) is GAP:
            return None
        if raw not in params or params[raw] == UNKNOWN:
            raise NoParam(raw)
        return params[raw]
    return raw


def _months(birth: date | None, on: date) -> int | None:
    if birth is None or on < birth:
        return None
    return (on.year - birth.year) * 12 + on.month - birth.month - (on.day < birth.day)


def _in_range(value: Any, low: Any, below: Any) -> bool:
    return (low is None or value >= low) and (below is None or value < below)


def _age(spec: Mapping[str, Any]) -> Evaluator:
    def ev(profile: Profile, on: date, params: Mapping[str, Any]) -> Outcome:
        low, below = _value(spec, "min", params), _value(spec, "below", params)
        facts: Facts = {"min": low, "below": below}
        age = profile.person.age(on)
        if age is None:
            return "unknown", ("person.birth_date",), "", facts
        facts["value"] = age
        return ("met" if _in_range(age, low, below) else "failed"), (), "", facts

    return ev


def _children(spec: Mapping[str, Any]) -> Evaluator:
    in_months = spec.get("unit", "years") == "months"
    living = spec.get("living_with_client", True)

    def ev(profile: Profile, on: date, params: Mapping[str, Any]) -> Outcome:
        low, below = _value(spec, "min", params), _value(spec, "below", params)
        count = _value(spec, "count", params) or 1
        share_min = _value(spec, "min_custody_share", params)
        facts: Facts = {"min": low, "below": below, "count": count, "share": share_min}
        facts["unit"] = "months" if in_months else "years"
        found, missing = 0, []
        for i, m in enumerate(profile.household.members):
            if m.relation != "child" or (living and not m.lives_with_client):
                continue
            age = _months(m.birth_date, on) if in_months else age_on(m.birth_date, on)
            gaps = [] if age is not None else [f"household.members[{i}].birth_date"]
            if share_min is not None and m.custody_share is None:
                gaps.append(f"household.members[{i}].custody_share")
            if age is not None and not _in_range(age, low, below):
                continue
            if share_min is not None and m.custody_share is not None:
                if m.custody_share < share_min:
                    continue
            if gaps:
                missing.extend(gaps)
            else:
                found += 1
        facts["value"] = found
        if found >= count:
            return "met", (), "", facts
        if missing:
            return "unknown", tuple(missing), "", facts
        return "failed", (), "", facts

    return ev


def _income(spec: Mapping[str, Any]) -> Evaluator:
    measure, currency = spec["measure"], spec["currency"]
    household = spec.get("scope", "client") == "household"

    def ev(profile: Profile, on: date, params: Mapping[str, Any]) -> Outcome:
        high, low = _value(spec, "max", params), _value(spec, "min", params)
        facts: Facts = {"max": high, "min": low, "currency": currency}
        active = [s for s in profile.income.sources if s.active_on(on)]
        if not active:
            return "unknown", ("income.sources",), "no income source recorded for the date", facts
        other = sorted({s.currency for s in active} - {currency})
        if other:
            reason = f"income in {', '.join(other)}; the limits are in {currency}"
            return "unknown", (), reason, facts
        value: Decimal | None = getattr(profile.income, measure)(on)
        if value is None:
            return "unknown", ("income.sources[].basis",), "net amounts cannot give gross", facts
        partners = profile.household.partners() if household else []
        # the partner's yearly gross income counts with the client's (joint income)
        share = {"yearly_gross": Decimal(1), "monthly_gross": Decimal(1) / 12}.get(measure)
        gaps: list[str] = []
        for i, member in partners:
            path = f"household.members[{i}].yearly_gross_income"
            if member.yearly_gross_income is None or share is None:
                gaps.append(path)
            elif (member.income_currency or currency) != currency:
                reason = (
                    f"the partner's income is in {member.income_currency}; "
                    f"the limits are in {currency}"
                )
                return "unknown", (), reason, facts
            else:
                value += member.yearly_gross_income * share
        facts["value"] = value.quantize(Decimal("0.01"))
        over = high is not None and value > Decimal(str(high))
        under = low is not None and value < Decimal(str(low))
        if gaps and not over:  # the client alone over the limit decides it without them
            facts["value"] = None  # the joint income is not known: no figure that reads as it
            return "unknown", tuple(gaps), "the partner's income is not in the profile", facts
        return ("failed" if over or under else "met"), (), "", facts

    return ev


def _residence(spec: Mapping[str, Any]) -> Evaluator:
    def ev(profile: Profile, on: date, params: Mapping[str, Any]) -> Outcome:
        facts: Facts = {"country": spec["country"]}
        current = profile.address.current
        if current is None:
            return "unknown", ("address.current.country",), "", facts
        facts["value"] = current.country
        return ("met" if current.country == spec["country"] else "failed"), (), "", facts

    return ev


def _getter(path: str) -> Callable[[Profile, date], Any]:
    """A fast reader for a plain dotted path (checked against the vocabulary at load): attribute
    by attribute, None through an absent section, a dated derived value called with ``on``.
    Paths with list indices go through ``resolve_path``."""
    if "[" in path:
        return lambda profile, on: resolve_path(profile, path, on)
    parts = path.split(".")

    def get(profile: Profile, on: date) -> Any:
        obj: Any = profile
        for part in parts:
            if obj is None:
                return None
            obj = getattr(obj, part)
        return obj(on) if callable(obj) else obj

    return get


def _one_of(spec: Mapping[str, Any]) -> Evaluator:
    path, values, negate = spec["path"], tuple(spec["values"]), bool(spec.get("negate"))
    read = _getter(path)

    def ev(profile: Profile, on: date, params: Mapping[str, Any]) -> Outcome:
        facts: Facts = {"values": ", ".join(values)}
        value = read(profile, on)
        if value is None:
            return "unknown", (path,), "", facts
        facts["value"] = value
        return ("met" if (value in values) != negate else "failed"), (), "", facts

    return ev


def _expand(profile: Profile, path: str, on: date) -> list[tuple[str, Any]]:
    """(concrete path, value) for a path whose ``[]`` stands for every index."""
    if "[]" not in path:
        return [(path, resolve_path(profile, path, on))]
    head, tail = path.split("[]", 1)
    items = resolve_path(profile, head, on) or []
    out: list[tuple[str, Any]] = []
    for i in range(len(items)):
        out.extend(_expand(profile, f"{head}[{i}]{tail}", on))
    return out


def _expr(spec: Mapping[str, Any]) -> Evaluator:
    test, needs = spec["test"], tuple(spec.get("needs", ()))
    compile_condition(test)

    def ev(profile: Profile, on: date, params: Mapping[str, Any]) -> Outcome:
        missing = tuple(p for need in needs for p, v in _expand(profile, need, on) if v is None)
        if missing:
            return "unknown", missing, "", {}
        try:
            ok = evaluate_condition(test, expression_context(profile, on))
        except ExpressionError as e:
            return "unknown", (), str(e), {}
        return ("met" if ok else "failed"), (), "", {}

    return ev


def _assessment(spec: Mapping[str, Any]) -> Evaluator:
    """A limit on an amount: with ``path``, the profile's amount there (in the currency at
    ``currency_path``) against ``max``/``min``; without, the agency assesses it (unknown)."""
    path, currency_path = spec.get("path"), spec.get("currency_path")
    read = _getter(path) if path else None
    read_currency = _getter(currency_path) if currency_path else None

    def ev(profile: Profile, on: date, params: Mapping[str, Any]) -> Outcome:
        high, low = _value(spec, "max", params), _value(spec, "min", params)
        facts: Facts = {"max": high, "min": low, "currency": spec.get("currency")}
        if read is None or path is None:
            return "unknown", (), "the agency assesses this; formfill cannot", facts
        value = read(profile, on)
        if value is None:
            return "unknown", (path,), "not in the profile", facts
        currency = read_currency(profile, on) if read_currency else spec.get("currency")
        if currency and currency != spec.get("currency"):
            return (
                "unknown",
                (),
                f"the amount is in {currency}; the limit in {spec['currency']}",
                facts,
            )
        amount = Decimal(str(value))
        facts["value"] = amount
        over = high is not None and amount > Decimal(str(high))
        under = low is not None and amount < Decimal(str(low))
        return ("failed" if over or under else "met"), (), "", facts

    return ev


_KINDS: Mapping[str, Callable[[Mapping[str, Any]], Evaluator]] = {
    "age": _age,
    "children": _children,
    "income": _income,
    "residence": _residence,
    "one_of": _one_of,
    "expr": _expr,
    "assessment": _assessment,
}


def compile_criterion(criterion: Criterion) -> Evaluator:
    """The evaluator of one criterion, built from its kind and spec (an ``expr`` test is
    compiled now, so a bad one fails here)."""
    return _KINDS[criterion.kind](criterion.spec)


_NOT_GIVEN = {"en": "not given", "nb": "ikke oppgitt", "nl": "niet opgegeven"}


class _Facts(dict[str, Any]):
    def __init__(self, values: Mapping[str, Any], gap: str) -> None:
        super().__init__(values)
        self.gap = gap

    def __missing__(self, key: str) -> str:
        return self.gap


def _show(value: Any, gap: str) -> Any:
    if value is None:
        return gap
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("1")), "f")
    return value


def explain(criterion: Criterion, facts: Mapping[str, Any], language: str) -> str:
    """The criterion's plain-language text with its limits and the client's value filled in."""
    text = localised(criterion.explain, language, criterion.id)
    gap = localised(_NOT_GIVEN, language)
    return text.format_map(_Facts({k: _show(v, gap) for k, v in facts.items()}, gap))


def _figure(value: Any, unit: str) -> str:
    """38520 with unit "EUR per year" -> "EUR 38 520"; 18 "years" -> "18 years"."""
    number = str(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = f"{value:,}".replace(",", " ")
    head = unit.split(" ", 1)[0] if unit else ""
    if len(head) == 3 and head.isalpha() and head.isupper():
        return f"{head} {number}"
    return f"{number} {unit}".strip()


@dataclass(frozen=True)
class Lacking:
    """A figure the catalog does not have for the screening day, for a shell to name in the
    reader's language: the parameter, the year asked, and the last known value before it
    (``last_year`` 0 when there is none)."""

    parameter: str
    year: int
    last_year: int = 0
    last_value: Any = None
    unit: str = ""


def lacking_figure(parameters: Mapping[str, Parameter], name: str, on: date) -> Lacking:
    """What the catalog lacks for ``name`` on ``on``, as data (see :func:`lacking`)."""
    param = parameters.get(name)
    known = [v for v in (param.values if param else ()) if v.start <= on and v.value != UNKNOWN]
    unit = param.unit if param else ""
    if not known:
        return Lacking(name, on.year, unit=unit)
    return Lacking(name, on.year, known[-1].start.year, known[-1].value, unit)


def lacking(parameters: Mapping[str, Parameter], name: str, on: date) -> str:
    """What the catalog lacks for a screening on ``on``, in English: "no 2026 figure for the
    income limit single; last known 2025: EUR 39 719" (never a "?" in place of a figure)."""
    param = parameters.get(name)
    what = param.description if param and param.description else name.replace("_", " ")
    text = f"no {on.year} figure for the {what}"
    known = [v for v in (param.values if param else ()) if v.start <= on and v.value != UNKNOWN]
    if known:
        last = known[-1]
        text += (
            f"; last known {last.start.year}: {_figure(last.value, param.unit if param else '')}"
        )
    return text
