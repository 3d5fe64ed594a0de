"""Pure screening: (profile, catalog, date) -> every program as eligible, not eligible or unknown.

Each criterion is met, failed, unknown (with the profile paths that are missing) or not
applicable (its ``when`` is false), with its explanation in the client's language. A program is
``not_eligible`` when any criterion failed, ``unknown`` when none failed but one is unknown, and
``eligible`` when every criterion is met; conditions formfill cannot check are listed beside it.

Criteria are compiled once per catalog (:mod:`formfill.programs.criteria`: closures over the
typed spec; sandboxed expressions through :mod:`formfill.expressions`' compile cache) and
parameters are looked up once per date, so a caseload is screened without re-reading anything.
:func:`diff` tells which clients' results changed between two screenings (after a catalog
change).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from formfill.errors import ExpressionError
from formfill.expressions import evaluate_condition
from formfill.profile.expressions import expression_context
from formfill.profile.model import Profile
from formfill.programs.catalog import Catalog, Criterion, Program
from formfill.programs.criteria import (
    GAP,
    UNKNOWN,
    CriterionStatus,
    Evaluator,
    Lacking,
    NoParam,
    compile_criterion,
    explain,
    lacking,
    lacking_figure,
)
from formfill.programs.periods import Period, benefit_periods
from formfill.text import localised

__all__ = [
    "Change",
    "CriterionResult",
    "ProgramResult",
    "Screening",
    "client_language",
    "diff",
    "screen",
    "screen_caseload",
]

ProgramStatus = Literal["eligible", "not_eligible", "unknown"]

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
    # what a shell needs to word the explanation itself (in the reader's language, figures
    # and countries by locale): the values filled into the catalog's text (limits, the
    # client's value; None where not known) and the figures the catalog lacks on the day
    facts: Mapping[str, Any] = field(default_factory=dict, compare=False)
    lacking: tuple[Lacking, ...] = ()

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
    country: str = ""  # ISO 3166 code of the program's country ("NO", "NL")
    periods: tuple[Period, ...] = ()  # per child, where the program has a [periods] rule

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m for c in self.criteria for m in c.missing))

    def to_dict(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "name": self.name,
            "country": self.country,
            "status": self.status,
            "missing": list(self.missing),
            "criteria": [c.to_dict() for c in self.criteria],
            "to_confirm": list(self.to_confirm),
            "periods": [p.to_dict() for p in self.periods],
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
        _Compiled(p, [(c, compile_criterion(c)) for c in p.criteria]) for p in catalog.programs
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


def _limit(value: Any, program: Program, params: Mapping[str, Any]) -> Any:
    """A criterion's spec value as a figure: a parameter's value on the day (None if unknown)."""
    if isinstance(value, str) and value in program.parameters:
        found = params.get(value)
        return None if found == UNKNOWN else found
    return value


def _facts_without(
    evaluator: Evaluator, profile: Profile, on: date, params: Mapping[str, Any], name: str
) -> tuple[dict[str, Any], list[str]]:
    """The facts of a criterion whose parameter ``name`` (and maybe others) has no figure on
    the day: evaluated again with those parameters left out, so the explanation can still show
    the client's value; and the parameters that were left out."""
    absent = [name]
    while True:
        try:
            _status, _missing, _reason, facts = evaluator(
                profile, on, {**params, **dict.fromkeys(absent, GAP)}
            )
        except NoParam as e:
            if e.args[0] in absent:
                return {}, absent
            absent.append(e.args[0])
            continue
        return dict(facts), absent


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
            if not applies:  # the limits still read as figures: the client's value is not asked
                known = {k: _limit(v, program, params) for k, v in criterion.spec.items()}
                text = explain(criterion, known, language)
                gaps = tuple(
                    lacking_figure(program.parameters, v, on)
                    for k, v in criterion.spec.items()
                    if isinstance(v, str) and v in program.parameters and known[k] is None
                )
                results.append(CriterionResult(criterion.id, "not_applicable", text, (), "",
                                               url, known, gaps))  # fmt: skip
                continue
        try:
            status, missing, reason, facts = evaluator(profile, on, params)
        except NoParam as e:
            name = e.args[0]
            facts, absent = _facts_without(evaluator, profile, on, params, name)
            reason = f"the catalog has no known value of {name} on {on.isoformat()}"
            text = lacking(program.parameters, name, on)
            gaps = tuple(lacking_figure(program.parameters, n, on) for n in absent)
            results.append(CriterionResult(criterion.id, "unknown", text, (), reason, url,
                                           facts, gaps))  # fmt: skip
            continue
        text = explain(criterion, facts, language)
        results.append(CriterionResult(criterion.id, status, text, missing, reason, url, facts))
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
    # not for a program the client is not eligible for: a period there would read as a promise
    periods = tuple(benefit_periods(program, profile, on)) if overall != "not_eligible" else ()
    return ProgramResult(
        program.id, name, overall, tuple(results), confirm, program.country, periods
    )


def screen(
    profile: Profile,
    catalog: Catalog,
    on: date,
    *,
    language: str | None = None,
    programs: Iterable[str] | None = None,
) -> Screening:
    """Every program of the catalog (or those named) for this client on ``on``; the programs of
    the client's own country (the current address) first, then the others, each in catalog
    order."""
    lang = language or client_language(profile)
    wanted = set(programs) if programs is not None else None
    context: dict[str, Any] = {}  # the sandbox context and `when` results, built once if needed
    results = tuple(
        _screen_program(comp, profile, on, lang, context)
        for comp in _compiled(catalog)
        if wanted is None or comp.program.id in wanted
    )
    current = profile.address.current
    home = (current.country or "").upper() if current is not None else ""
    results = tuple(sorted(results, key=lambda r: r.country != home)) if home else results
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
