"""Pure: (form map, profile, date) -> the values for the fill engine and what is missing.

Values are what ``pdf_fill`` takes: str for a text field, True/False for a single checkbox,
the export value (str) for a radio group, checkbox group or choice. Every map field ends up in
exactly one of ``values``, ``missing``, ``blank`` or ``skipped``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple

from formfill.errors import TransformError, UnknownPathError
from formfill.expressions import evaluate_condition, render_template
from formfill.maps.transforms import apply_transforms, is_empty
from formfill.profile.expressions import (
    FILL_PATHS,
    FillContext,
    ProgramFact,
    Programs,
    expression_context,
    program_refs,
    unknown_programs,
)
from formfill.profile.model import Profile, resolve_path
from formfill.profile.money import Amount, amount_of, amounts_in

if TYPE_CHECKING:
    from formfill.maps.model import FieldSpec, FormMap, RowGroup

__all__ = [
    "Blank",
    "Continued",
    "Dropped",
    "FillContext",
    "Missing",
    "ProgramFact",
    "Programs",
    "Resolution",
    "Skipped",
    "resolve",
]

Value = str | bool


# --- resolution ------------------------------------------------------------------------------


class Missing(NamedTuple):
    """A field whose profile value is empty."""

    field: str
    path: str
    required: bool


class Blank(NamedTuple):
    """A field deliberately left empty, and why (no option for the value, condition false...).

    ``hand`` says when a person must write it by hand because the client has something the
    form cannot take as it is: ``currency`` (an amount in another currency than the form's),
    ``value`` (a value no transform or option can write, kept in ``held``), ``undecided``
    (the screening could not decide a box); "" for a field that is rightly empty."""

    field: str
    reason: str
    hand: str = ""
    held: str = ""


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


def _option_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


_DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*")


def _typographic(text: str) -> str:
    """A name as its letters say it, whatever its dashes and spaces: "Guovdageaidnu –
    Kautokeino" and "guovdageaidnu-kautokeino" are one name."""
    return " ".join(_DASHES.sub("-", text).split()).casefold()


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
    same = [v for k, v in spec.options.items() if _typographic(k) == _typographic(key)]
    if len(same) == 1:  # "Guovdageaidnu – Kautokeino" is the option "Guovdageaidnu-Kautokeino"
        return same[0]
    known = ", ".join(sorted(spec.options))
    why = f"no option for the value {key!r} (options: {known})"
    res.blank.append(Blank(spec.field, why, "value", key))
    return None


def _transformed(spec: FieldSpec, value: Any, locale: str, res: Resolution) -> tuple[bool, Any]:
    try:
        return True, apply_transforms(value, spec.transforms, locale)
    except TransformError as e:
        held = "" if is_empty(value) else str(_as_value(value))
        res.blank.append(Blank(spec.field, str(e), "value" if held else "", held))
        return False, None


def _wrong_currency(
    spec: FieldSpec, amounts: list[Amount], currency: str | None, res: Resolution
) -> bool:
    """True (and the field blank, to be written by hand) when an amount the field shows is not
    in the form's currency: formfill never converts, and a NOK figure printed under "euro" is a
    wrong value on a signed form."""
    for a in amounts:
        if currency is not None and a.currency == currency:
            continue
        if currency is None:
            why = f"{a.path} is an amount but the map does not say the form's currency"
        elif a.currency is None:
            why = f"the profile does not say the currency of {a.path}; the form asks for {currency}"
        else:
            why = (
                f"the amount is in {a.currency}, the form asks for {currency}: convert it and "
                "write it by hand"
            )
        res.blank.append(
            Blank(spec.field, why, "currency", f"{a.currency or '?'}>{currency or '?'}")
        )
        return True
    return False


def _resolve_field(
    spec: FieldSpec,
    profile: Profile,
    on: date,
    locale: str,
    context: Mapping[str, Any],
    res: Resolution,
    currency: str | None = None,
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
        amount = None if is_empty(raw) else amount_of(profile, path, on)
        if amount is not None and _wrong_currency(spec, [amount], currency, res):
            return
        ok, value = _transformed(spec, raw, locale, res)
        if not ok:
            return
        if is_empty(value):
            res.missing.append(Missing(spec.field, path, spec.required))
            return
    else:  # expr
        undecided = unknown_programs(spec.expr or "", context["programs"], False)
        if undecided:
            res.blank.append(Blank(spec.field, undecided, "undecided"))
            return
        if _wrong_currency(spec, amounts_in(profile, spec.expr or "", on), currency, res):
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


MAX_UNKNOWN = 4  # programs whose unknown screening is tried both ways (2**4 evaluations)


def _decided_anyway(specs: list[FieldSpec], context: Mapping[str, Any]) -> bool:
    """Whether the conditions give the same answer whichever way the unknown screenings would
    go ("applied for huurtoeslag, so not zorgtoeslag" does not wait for zorgtoeslag's
    screening): every unknown program tried eligible and not eligible."""
    programs = context["programs"]
    read = set().union(*(program_refs(s.when or "", condition=True) for s in specs))
    facts = {p: programs[p] if p in programs else Programs()[p] for p in read}
    unknown = sorted(p for p, fact in facts.items() if fact.status == "unknown")
    if not unknown or len(unknown) > MAX_UNKNOWN:
        return False
    outcomes = set()
    for bits in range(2 ** len(unknown)):
        trial = Programs(programs)
        for i, pid in enumerate(unknown):
            status = "eligible" if bits >> i & 1 else "not_eligible"
            trial[pid] = replace(facts[pid], status=status)
        values = {**context, "programs": trial}
        outcomes.add(tuple(evaluate_condition(s.when or "", values) for s in specs))
        if len(outcomes) > 1:
            return False
    return True


def _resolve_conditions(
    specs: list[FieldSpec], context: Mapping[str, Any], res: Resolution
) -> None:
    """One field set by ``when`` entries: a single one without state gives True/False;
    with states the first true condition sets its state, none true leaves the field unset."""
    name = specs[0].field
    undecided = "; ".join(
        u for s in specs if (u := unknown_programs(s.when or "", context["programs"], True))
    )
    if undecided and not _decided_anyway(specs, context):
        res.blank.append(Blank(name, f"left empty: {undecided}", "undecided"))
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
            _resolve_field(spec, profile, on, fmap.language, context, res, fmap.currency)
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
        _resolve_field(specs[0], profile, on, fmap.language, context, res, fmap.currency)
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
