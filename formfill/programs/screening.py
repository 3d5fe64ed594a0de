"""Pure screening: (profile, catalog, date) -> every program as eligible, not eligible or unknown.

Each criterion is met, failed, unknown (with the profile paths that are missing) or not
applicable (its ``when`` is false), with its explanation in the client's language. A program is
``not_eligible`` when any criterion failed, ``unknown`` when none failed but one is unknown, and
``eligible`` when every criterion is met; conditions formfill cannot check are listed beside it.

Criteria are compiled once per catalog (closures over the typed spec; sandboxed expressions
through :mod:`formfill.maps.resolve`'s compile cache) and parameters are looked up once per date,
so a
caseload is screened without re-reading anything. :func:`diff` tells which clients' results
changed between two screenings (after a catalog change).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from formfill.errors import ExpressionError
from formfill.expressions import compile_condition, evaluate_condition
from formfill.profile.expressions import expression_context, expression_paths
from formfill.profile.model import Profile, resolve_path
from formfill.profile.paths import age_on
from formfill.programs.catalog import Catalog, Criterion, Program
from formfill.text import localised

__all__ = [
    "Change",
    "CriterionResult",
    "ProgramResult",
    "Screening",
    "client_language",
    "criterion_paths",
    "diff",
    "screen",
    "screen_caseload",
]

CriterionStatus = Literal["met", "failed", "unknown", "not_applicable"]
ProgramStatus = Literal["eligible", "not_eligible", "unknown"]
UNKNOWN = "unknown"  # a parameter value the catalog could not verify for a period

STATUS_WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {"met": "met", "failed": "not met", "unknown": "not known", "not_applicable": "n/a"},
    "nb": {"met": "oppfylt", "failed": "ikke oppfylt", "unknown": "ukjent", "not_applicable": "-"},
    "nl": {
        "met": "voldaan",
        "failed": "niet voldaan",
        "unknown": "onbekend",
        "not_applicable": "-",
    },
}


@dataclass(frozen=True)
class CriterionResult:
    id: str
    status: CriterionStatus
    explanation: str
    missing: tuple[str, ...] = ()
    reason: str = ""  # why it is unknown, beyond missing values
    source: str = ""  # the source's URL

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "explanation": self.explanation,
            "missing": list(self.missing),
            "reason": self.reason,
            "source": self.source,
        }


@dataclass(frozen=True)
class ProgramResult:
    program: str
    name: str
    status: ProgramStatus
    criteria: tuple[CriterionResult, ...]
    to_confirm: tuple[str, ...]  # conditions formfill cannot check, in the client's language

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m for c in self.criteria for m in c.missing))

    def to_dict(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "name": self.name,
            "status": self.status,
            "missing": list(self.missing),
            "criteria": [c.to_dict() for c in self.criteria],
            "to_confirm": list(self.to_confirm),
        }


@dataclass(frozen=True)
class Screening:
    on: date
    language: str
    results: tuple[ProgramResult, ...]

    def get(self, program_id: str) -> ProgramResult | None:
        return next((r for r in self.results if r.program == program_id), None)

    def statuses(self) -> dict[str, str]:
        return {r.program: r.status for r in self.results}

    def to_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "language": self.language,
            "results": [r.to_dict() for r in self.results],
        }


def client_language(profile: Profile) -> str:
    """nb for Norwegian (nb, nn, no), nl for Dutch, otherwise en."""
    lang = profile.contact.preferred_language
    if lang in ("nb", "nn", "no"):
        return "nb"
    return "nl" if lang == "nl" else "en"


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


class _NoParam(Exception):
    """A parameter has no value in force on the screening date."""


def _value(spec: Mapping[str, Any], key: str, params: Mapping[str, Any]) -> Any:
    raw = spec.get(key)
    if isinstance(raw, str):
        if raw not in params or params[raw] == UNKNOWN:
            raise _NoParam(raw)
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
        facts["value"] = value
        over = high is not None and value > Decimal(str(high))
        under = low is not None and value < Decimal(str(low))
        partners = [i for i, _m in profile.household.partners()]
        if household and partners and not over:
            gaps = tuple(f"income of household.members[{i}] (partner)" for i in partners)
            return "unknown", gaps, "the partner's income is not in the profile", facts
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
    def ev(profile: Profile, on: date, params: Mapping[str, Any]) -> Outcome:
        facts = {k: _value(spec, k, params) for k in ("max", "min")}
        facts["currency"] = spec.get("currency")
        return "unknown", (), "the agency assesses this; formfill cannot", facts

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


class _Facts(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def _show(value: Any) -> Any:
    if value is None:
        return "?"
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("1")), "f")
    return value


def explain(criterion: Criterion, facts: Mapping[str, Any], language: str) -> str:
    """The criterion's plain-language text with its limits and the client's value filled in."""
    text = localised(criterion.explain, language, criterion.id)
    return text.format_map(_Facts({k: _show(v) for k, v in facts.items()}))


# --- programs and catalogs ----------------------------------------------------------------------


@dataclass
class _Compiled:
    program: Program
    evaluators: list[tuple[Criterion, Evaluator]]
    params: dict[date, dict[str, Any]] = field(default_factory=dict)

    def params_on(self, on: date) -> dict[str, Any]:
        if on not in self.params:
            self.params[on] = self.program.params_on(on)
        return self.params[on]


_CACHE: dict[int, tuple[Catalog, list[_Compiled]]] = {}


def _compiled(catalog: Catalog) -> list[_Compiled]:
    """Each program's evaluators, built once per catalog object (kept alive by the cache)."""
    hit = _CACHE.get(id(catalog))
    if hit is not None and hit[0] is catalog:
        return hit[1]
    built = [
        _Compiled(p, [(c, _KINDS[c.kind](c.spec)) for c in p.criteria]) for p in catalog.programs
    ]
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[id(catalog)] = (catalog, built)
    return built


def _condition(source: str, profile: Profile, on: date, context: dict[str, Any]) -> bool:
    """A ``when`` for this client, evaluated once per screening (programs share them)."""
    key = "when:" + source
    if key not in context:
        if "sections" not in context:
            context["sections"] = expression_context(profile, on)
        context[key] = evaluate_condition(source, context["sections"])
    return bool(context[key])


def _screen_program(
    comp: _Compiled, profile: Profile, on: date, language: str, context: dict[str, Any]
) -> ProgramResult:
    program = comp.program
    params = comp.params_on(on)
    results: list[CriterionResult] = []
    for criterion, evaluator in comp.evaluators:
        url = program.sources[criterion.source].url
        if criterion.when is not None:
            try:
                applies = _condition(criterion.when, profile, on, context)
            except ExpressionError as e:
                results.append(CriterionResult(criterion.id, "unknown", "", (), str(e), url))
                continue
            if not applies:
                text = explain(criterion, {}, language)
                results.append(CriterionResult(criterion.id, "not_applicable", text, (), "", url))
                continue
        try:
            status, missing, reason, facts = evaluator(profile, on, params)
        except _NoParam as e:
            status, missing, facts = "unknown", (), {}
            reason = f"the catalog has no known value of {e.args[0]} on {on.isoformat()}"
        text = explain(criterion, facts, language)
        results.append(CriterionResult(criterion.id, status, text, missing, reason, url))
    statuses = {r.status for r in results}
    overall: ProgramStatus = (
        "not_eligible"
        if "failed" in statuses
        else "unknown"
        if "unknown" in statuses
        else "eligible"
    )
    confirm = tuple(localised(c.text, language) for c in program.conditions)
    name = localised(program.name, language, program.id)
    return ProgramResult(program.id, name, overall, tuple(results), confirm)


def screen(
    profile: Profile,
    catalog: Catalog,
    on: date,
    *,
    language: str | None = None,
    programs: Iterable[str] | None = None,
) -> Screening:
    """Every program of the catalog (or those named) for this client on ``on``."""
    lang = language or client_language(profile)
    wanted = set(programs) if programs is not None else None
    context: dict[str, Any] = {}  # the sandbox context and `when` results, built once if needed
    results = tuple(
        _screen_program(comp, profile, on, lang, context)
        for comp in _compiled(catalog)
        if wanted is None or comp.program.id in wanted
    )
    return Screening(on, lang, results)


def screen_caseload(
    profiles: Mapping[str, Profile], catalog: Catalog, on: date
) -> dict[str, Screening]:
    """Screen every client (id -> profile): the batch job."""
    return {cid: screen(p, catalog, on) for cid, p in profiles.items()}


@dataclass(frozen=True)
class Change:
    client: str
    program: str
    before: str | None  # None: the program was not in the earlier screening
    after: str | None  # None: the program is no longer in the catalog

    def __str__(self) -> str:
        return f"{self.client}: {self.program} {self.before or '-'} -> {self.after or '-'}"


def diff(before: Mapping[str, Screening], after: Mapping[str, Screening]) -> list[Change]:
    """Which clients' results changed (re-screening after a catalog change), sorted."""
    out: list[Change] = []
    for client in sorted(set(before) | set(after)):
        old = before[client].statuses() if client in before else {}
        new = after[client].statuses() if client in after else {}
        for program in sorted(set(old) | set(new)):
            if old.get(program) != new.get(program):
                out.append(Change(client, program, old.get(program), new.get(program)))
    return out
