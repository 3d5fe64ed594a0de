"""Pure: (form map, profile, date) -> the values for the fill engine and what is missing.

Values are what ``pdf_fill`` takes: str for a text field, True/False for a single checkbox,
the export value (str) for a radio group, checkbox group or choice. Every map field ends up in
exactly one of ``values``, ``missing``, ``blank`` or ``skipped``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, Undefined, nodes
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.environment import TemplateExpression
from jinja2.meta import find_undeclared_variables
from jinja2.sandbox import ImmutableSandboxedEnvironment

from formfill.errors import ExpressionError, TransformError, UnknownPathError
from formfill.maps.transforms import apply_transforms, is_empty
from formfill.profile.model import Profile, check_path, resolve_path, vocabulary
from formfill.suggest import close_matches, did_you_mean

if TYPE_CHECKING:  # form_map imports this module at run time (for the sandbox)
    from formfill.maps.model import FieldSpec, FormMap, RowGroup

__all__ = [
    "Blank",
    "Continued",
    "Dropped",
    "FillContext",
    "Missing",
    "ProgramFact",
    "Resolution",
    "Skipped",
    "compile_condition",
    "compile_template",
    "evaluate_condition",
    "expression_context",
    "expression_names",
    "expression_paths",
    "expression_problems",
    "program_refs",
    "render_template",
    "resolve",
]

Value = str | bool
# paths a map may name besides the profile's: facts of the fill itself
FILL_PATHS = frozenset({"fill.date"})

# What a sandboxed expression may raise besides Jinja's own errors (SecurityError,
# UndefinedError, ...): Python errors of the operations it runs, e.g. 1/0 or "a" < 1.
_RUNTIME_ERRORS = (
    JinjaTemplateError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    AttributeError,
)


# --- the sandbox: expressions of a map ----------------------------------------------------------


def _finalize(value: Any) -> Any:
    return "" if value is None else value


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with absent data read as None the way ``resolve_path`` does: an attribute
    of None (an optional section or address that is not there) is None and an index past the
    end of a list is None, while a name or attribute that does not exist stays an error."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if obj is None:
            return None
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if obj is None:
            return None
        value = super().getitem(obj, argument)
        if isinstance(value, Undefined) and isinstance(obj, (list, tuple)):
            if isinstance(argument, int) and not isinstance(argument, bool):
                return None
        return value


# Immutable: an expression cannot call list.append & co. on the profile's objects either.
# autoescape off: the output is plain text for a PDF field, not HTML.
_ENV = _Sandbox(autoescape=False, undefined=StrictUndefined, finalize=_finalize)


def expression_names() -> frozenset[str]:
    """Top-level names an expression may use: the profile's sections, ``fill``, and in a form
    map ``programs`` (the client's screening: ``programs['utvidet-barnetrygd'].eligible``)."""
    return frozenset(Profile.model_fields) | {"fill", "programs"}


@lru_cache(maxsize=2048)
def compile_template(source: str) -> Template:
    """Compile an ``expr`` template once per distinct source; ExpressionError if it cannot."""
    try:
        return _ENV.from_string(source)
    except TemplateSyntaxError as e:
        raise ExpressionError(source, f"line {e.lineno}: {e.message}") from e


@lru_cache(maxsize=2048)
def compile_condition(source: str) -> TemplateExpression:
    """Compile a ``when`` expression once per distinct source; ExpressionError if it cannot."""
    try:
        return _ENV.compile_expression(source, undefined_to_none=False)
    except TemplateSyntaxError as e:
        raise ExpressionError(source, e.message or "syntax error") from e


def _parse_ast(source: str, condition: bool) -> nodes.Template:
    return _ENV.parse("{{ (" + source + ") }}" if condition else source)


def _chains(tree: nodes.Node) -> Iterator[tuple[str, list[str], bool]]:
    """(root name, path parts, called) for each maximal attribute/item chain on a plain name."""
    inner: set[int] = set()
    called: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Call)):
        target = cast(Any, node).node
        if isinstance(node, nodes.Call):
            called.add(id(target))
        else:
            inner.add(id(target))
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if id(node) in inner:
            continue
        parts: list[str] = []
        cur: nodes.Node = node
        while isinstance(cur, (nodes.Getattr, nodes.Getitem)):
            if isinstance(cur, nodes.Getattr):
                parts.insert(0, "." + cur.attr)
            elif isinstance(cur.arg, nodes.Const) and isinstance(cur.arg.value, str):
                parts.insert(0, "." + cur.arg.value)
            else:
                parts.insert(0, "[]")
            cur = cur.node
        if isinstance(cur, nodes.Name):
            yield cur.name, parts, id(node) in called


@lru_cache(maxsize=1)
def _vocabulary_patterns() -> frozenset[str]:
    return frozenset(re.sub(r"\[\d*\]", "[]", p) for p in vocabulary())


def _check_chain(root: str, parts: list[str], called: bool) -> str | None:
    """A message when an attribute chain in an expression leaves the profile vocabulary."""
    if root == "programs":
        if len(parts) < 2 or parts[1] not in PROGRAM_ATTRIBUTES:
            return (
                "programs must be read as programs['<program id>'] followed by one of "
                + ", ".join(PROGRAM_ATTRIBUTES)
            )
        return None
    if root == "fill":
        if parts and parts[0] != ".date":
            return f"fill{parts[0]}: fill has only .date"
        return None
    if called:  # a method on an object (household.children_under(...)) or a value (.upper())
        parts = parts[:-1]
    patterns = _vocabulary_patterns()
    path = root
    for part in parts:
        path += part
        if path in patterns:
            return None  # reached a value: its own attributes (.year, .upper) are fine
        if not any(p.startswith(path + ".") or p.startswith(path + "[") for p in patterns):
            try:
                check_path(path)
            except UnknownPathError as e:
                return str(e)
            return None
    return None


def expression_problems(source: str, *, condition: bool) -> list[str]:
    """Everything wrong with an ``expr`` (or, with ``condition``, a ``when``) that can be seen
    without a profile: syntax, unknown names, paths outside the profile vocabulary, private
    attributes. Empty when it is fine; compiles (and caches) the expression."""
    try:
        if condition:
            compile_condition(source)
        else:
            compile_template(source)
        tree = _parse_ast(source, condition)
    except ExpressionError as e:
        return [str(e)]
    except TemplateSyntaxError as e:
        return [f"expression {source!r}: {e.message}"]
    out: list[str] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        attr: Any = None
        if isinstance(node, nodes.Getattr):
            attr = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            attr = node.arg.value
        if isinstance(attr, str) and attr.startswith("_"):
            out.append(f"private attribute {attr!r} is not allowed in {source!r}")
    names = expression_names()
    for name in sorted(find_undeclared_variables(tree) - names):
        hint = did_you_mean(close_matches(name, sorted(names), cutoff=60, loose=True))
        out.append(f"unknown name {name!r}{hint} in {source!r}")
    for root, parts, called in _chains(tree):
        if root in names:
            msg = _check_chain(root, parts, called)
            if msg:
                out.append(msg)
    return out


def expression_paths(source: str, *, condition: bool = True) -> frozenset[str]:
    """The profile paths an expression reads, list indices as ``[]``: {'person.marital_status',
    'household.children_under'} for ``person.marital_status == 'single' and
    household.children_under(16, fill.date) > 0``."""
    try:
        tree = _parse_ast(source, condition)
    except TemplateSyntaxError:
        return frozenset()
    sections = frozenset(Profile.model_fields)
    return frozenset(
        root + "".join(parts).replace(".[]", "[]")
        for root, parts, _called in _chains(tree)
        if root in sections
    )


def program_refs(source: str, *, condition: bool = True) -> frozenset[str]:
    """The program ids an expression reads: {'utvidet-barnetrygd'} for
    ``programs['utvidet-barnetrygd'].eligible``."""
    try:
        tree = _parse_ast(source, condition)
    except TemplateSyntaxError:
        return frozenset()
    return frozenset(
        node.arg.value
        for node in tree.find_all(nodes.Getitem)
        if isinstance(node.node, nodes.Name)
        and node.node.name == "programs"
        and isinstance(node.arg, nodes.Const)
        and isinstance(node.arg.value, str)
    )


# --- what a map may ask of the client's screening ---------------------------------------------

PROGRAM_ATTRIBUTES = (".eligible", ".not_eligible", ".status")


@dataclass(frozen=True)
class ProgramFact:
    """One program's screening result as a map's expression sees it. A box that claims an
    entitlement refers to this instead of re-stating the program's criteria; an ``unknown``
    result leaves the box empty and the report says why."""

    id: str
    status: str  # eligible | not_eligible | unknown
    reason: str = ""  # for unknown: what is missing

    @property
    def eligible(self) -> bool:
        return self.status == "eligible"

    @property
    def not_eligible(self) -> bool:
        return self.status == "not_eligible"


class _Programs(dict[str, ProgramFact]):
    """id -> ProgramFact; a program that was not screened is unknown."""

    def __missing__(self, key: str) -> ProgramFact:
        return ProgramFact(key, "unknown", "the client was not screened for it")


def _unknown_programs(source: str, programs: Mapping[str, ProgramFact], condition: bool) -> str:
    """Why an expression cannot be decided: the programs it reads whose result is unknown."""
    reasons = []
    for pid in sorted(program_refs(source, condition=condition)):
        fact = programs[pid] if pid in programs else _Programs()[pid]
        if fact.status == "unknown":
            reasons.append(f"screening of {pid} is unknown ({fact.reason or 'no reason given'})")
    return "; ".join(reasons)


# --- resolution ------------------------------------------------------------------------------


class Missing(NamedTuple):
    """A field whose profile value is empty."""

    field: str
    path: str
    required: bool


class Blank(NamedTuple):
    """A field deliberately left empty, and why (no option for the value, condition false...)."""

    field: str
    reason: str


class Skipped(NamedTuple):
    """A field the map never fills (``skip``), and why."""

    field: str
    reason: str


class Dropped(NamedTuple):
    """A list item the form has no row for and the map declares no [[rows]] to continue."""

    item: str  # household.children[3]
    reason: str


@dataclass(frozen=True)
class Continued:
    """The items of one ``[[rows]]`` list beyond the form's last row: they go on the addendum
    with the same columns (``cells[i][j]`` is item ``start + i``, column ``j``)."""

    group: RowGroup
    start: int  # the first list index on the addendum (= the form's number of rows)
    cells: tuple[tuple[str, ...], ...]
    who: tuple[str, ...]  # per item: 'household.children[3]'


@dataclass(frozen=True)
class FillContext:
    """The ``fill`` object expressions see."""

    date: date


@dataclass
class Resolution:
    form_id: str
    values: dict[str, Value] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)
    blank: list[Blank] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    continued: list[Continued] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)

    @property
    def missing_required(self) -> list[Missing]:
        """The missing values the form cannot be sent without."""
        return [m for m in self.missing if m.required]


def expression_context(
    profile: Profile, on: date, programs: Mapping[str, ProgramFact] | None = None
) -> dict[str, Any]:
    """The names an expression sees: each profile section as the profile's own object,
    ``fill`` (with ``.date``) and ``programs`` (the client's screening, by program id)."""
    context: dict[str, Any] = {name: getattr(profile, name) for name in type(profile).model_fields}
    context["fill"] = FillContext(date=on)
    context["programs"] = _Programs(programs or {})
    return context


def render_template(source: str, context: Mapping[str, Any]) -> str:
    """Render an ``expr`` in the sandbox; ExpressionError for anything it refuses or fails on
    (unknown name, private attribute, a failing operation)."""
    template = compile_template(source)
    try:
        return template.render(context)
    except _RUNTIME_ERRORS as e:
        raise ExpressionError(source, f"{type(e).__name__}: {e}") from e


def evaluate_condition(source: str, context: Mapping[str, Any]) -> bool:
    """Evaluate a ``when`` expression in the sandbox to a bool; ExpressionError if it fails."""
    expression = compile_condition(source)
    try:
        return bool(expression(**context))
    except _RUNTIME_ERRORS as e:
        raise ExpressionError(source, f"{type(e).__name__}: {e}") from e


def _option_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def _as_value(value: Any) -> Value:
    if isinstance(value, (str, bool)):
        return value
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_as_value(v)) for v in value if not is_empty(v))
    return str(value)


def _options(spec: FieldSpec, value: Any, res: Resolution) -> Value | None:
    if not spec.options:
        return _as_value(value)
    key = _option_key(value)
    if key in spec.options:
        return spec.options[key]
    known = ", ".join(sorted(spec.options))
    res.blank.append(Blank(spec.field, f"no option for the value {key!r} (options: {known})"))
    return None


def _transformed(spec: FieldSpec, value: Any, locale: str, res: Resolution) -> tuple[bool, Any]:
    try:
        return True, apply_transforms(value, spec.transforms, locale)
    except TransformError as e:
        res.blank.append(Blank(spec.field, str(e)))
        return False, None


def _resolve_field(
    spec: FieldSpec,
    profile: Profile,
    on: date,
    locale: str,
    context: Mapping[str, Any],
    res: Resolution,
) -> None:
    if spec.source == "skip":
        res.skipped.append(Skipped(spec.field, spec.skip or ""))
        return
    if spec.source == "value":
        ok, value = _transformed(spec, spec.value, locale, res)
        if ok:
            res.values[spec.field] = _as_value(value)
        return
    if spec.source == "profile":
        path = spec.profile or ""
        raw = on if path in FILL_PATHS else resolve_path(profile, path, on)
        ok, value = _transformed(spec, raw, locale, res)
        if not ok:
            return
        if is_empty(value):
            res.missing.append(Missing(spec.field, path, spec.required))
            return
    else:  # expr
        undecided = _unknown_programs(spec.expr or "", context["programs"], False)
        if undecided:
            res.blank.append(Blank(spec.field, undecided))
            return
        ok, value = _transformed(spec, render_template(spec.expr or "", context), locale, res)
        if not ok:
            return
        if is_empty(value):
            res.blank.append(Blank(spec.field, f"the expression gave no text: {spec.expr}"))
            return
    result = _options(spec, value, res)
    if result is not None:
        res.values[spec.field] = result


def _resolve_conditions(
    specs: list[FieldSpec], context: Mapping[str, Any], res: Resolution
) -> None:
    """One field set by ``when`` entries: a single one without state gives True/False;
    with states the first true condition sets its state, none true leaves the field unset."""
    name = specs[0].field
    undecided = "; ".join(
        u for s in specs if (u := _unknown_programs(s.when or "", context["programs"], True))
    )
    if undecided:
        res.blank.append(Blank(name, f"left empty: {undecided}"))
        return
    if len(specs) == 1 and specs[0].state is None:
        res.values[name] = evaluate_condition(specs[0].when or "", context)
        return
    for spec in specs:
        if evaluate_condition(spec.when or "", context):
            res.values[name] = spec.state or True
            return
    conditions = "; ".join(s.when or "" for s in specs)
    res.blank.append(Blank(name, f"no condition is true: {conditions}"))


def resolve(
    fmap: FormMap,
    profile: Profile,
    on: date,
    programs: Mapping[str, ProgramFact] | None = None,
) -> Resolution:
    """The values of every map field for this profile on the date ``on``; ``programs`` is the
    client's screening for the programs the map's expressions read (absent: unknown).

    A transform that cannot take the profile's value leaves the field blank with the reason;
    a broken expression raises ExpressionError (a map bug, not a data gap). List items beyond
    the form's rows are ``continued`` (declared [[rows]]) or ``dropped`` (none declared)."""
    res = Resolution(form_id=fmap.id)
    context = expression_context(profile, on, programs)
    conditions: dict[str, list[FieldSpec]] = {}
    for spec in fmap.fields:
        if spec.source == "when":
            conditions.setdefault(spec.field, []).append(spec)
    done: set[str] = set()
    for spec in fmap.fields:
        if spec.source != "when":
            _resolve_field(spec, profile, on, fmap.language, context, res)
        elif spec.field not in done:
            done.add(spec.field)
            _resolve_conditions(conditions[spec.field], context, res)
    _continue_rows(fmap, profile, on, context, res)
    return res


_ITEM = re.compile(r"([a-z_][a-z0-9_.]*)\[(\d+)\]")


def _with_item(spec: FieldSpec, old: str, new: str) -> FieldSpec:
    """The spec of row 1's field, reading item ``new`` instead of ``old``."""

    def swap(text: str | None) -> str | None:
        return text.replace(old, new) if text else text

    return replace(spec, profile=swap(spec.profile), expr=swap(spec.expr), when=swap(spec.when))


def _cell(specs: list[FieldSpec], profile: Profile, on: date, fmap: FormMap,
          context: Mapping[str, Any]) -> str:  # fmt: skip
    """One addendum cell: the column's field resolved for another item, as text."""
    res = Resolution(form_id=fmap.id)
    if specs[0].source == "when":
        _resolve_conditions(specs, context, res)
    else:
        _resolve_field(specs[0], profile, on, fmap.language, context, res)
    value = res.values.get(specs[0].field)
    if isinstance(value, bool):
        return str(apply_transforms(value, ["yesno"], fmap.language))
    return "" if value is None else str(value)


def _continue_rows(
    fmap: FormMap, profile: Profile, on: date, context: Mapping[str, Any], res: Resolution
) -> None:
    by_field: dict[str, list[FieldSpec]] = {}
    for spec in fmap.fields:
        by_field.setdefault(spec.field, []).append(spec)
    declared = {g.list for g in fmap.rows}
    for group in fmap.rows:
        items = resolve_path(profile, group.list, on) or []
        if len(items) <= group.capacity:
            continue
        first = f"{group.list}[0]"
        cells, who = [], []
        for index in range(group.capacity, len(items)):
            item = f"{group.list}[{index}]"
            row = []
            for name in group.fields[0]:
                specs = [_with_item(s, first, item) for s in by_field[name]]
                row.append(_cell(specs, profile, on, fmap, context))
            cells.append(tuple(row))
            who.append(item)
        res.continued.append(Continued(group, group.capacity, tuple(cells), tuple(who)))
    # lists read by position without a [[rows]] declaration: say who is not on the form
    highest: dict[str, int] = {}
    for spec in fmap.fields:
        for text in (spec.profile, spec.expr, spec.when):
            for m in _ITEM.finditer(text or ""):
                highest[m.group(1)] = max(highest.get(m.group(1), -1), int(m.group(2)))
    for name, top in sorted(highest.items()):
        if name in declared:
            continue
        try:
            items = resolve_path(profile, name, on)
        except UnknownPathError:
            continue
        for index in range(top + 1, len(items) if isinstance(items, list) else 0):
            res.dropped.append(Dropped(f"{name}[{index}]", f"the form has room for {top + 1} "
                                       f"of {name} and the map declares no [[rows]] to continue "
                                       "them on an addendum"))  # fmt: skip
