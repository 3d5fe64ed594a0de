"""The dotted-path vocabulary of the client profile: walking the models, resolving paths, and the
pure helpers behind the derived values (ages, monthly income, address lines).

Nothing here imports ``formfill.profile.model``: the models register their derived values with
:func:`derived`, and ``formfill.profile.model`` passes its root model to :func:`build_vocabulary`
and
:func:`value_at`. Use the public wrappers in ``formfill.profile.model``.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from formfill.errors import UnknownPathError
from formfill.suggest import close_matches, did_you_mean

F = TypeVar("F", bound=Callable[..., Any])

#: Periods per year; an amount per period is converted to a month as amount * n / 12, so the
#: monthly factors are week 52/12, fortnight 26/12, month 1, year 1/12.
PERIODS_PER_YEAR: dict[str, int] = {"week": 52, "fortnight": 26, "month": 12, "year": 1}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class PathInfo:
    """One path of the vocabulary. ``type`` is str | date | Decimal | bool | int | list[str] |
    object | list[object]; enums have type str and their values in ``choices``."""

    path: str
    type: str
    description: str
    example: Any
    autocomplete: str | None = None
    derived: bool = False  # computed from other values: read-only
    choices: tuple[str, ...] = ()
    label: str = ""  # a short human name ("fødselsnummer"); empty: see :func:`label_of`


ModelClass = type[BaseModel]  # named here: DerivedInfo's field "type" hides the builtin


@dataclass(frozen=True)
class DerivedInfo:
    """What :func:`derived` attaches to a model property or method."""

    type: str
    description: str
    example: Any
    autocomplete: str | None
    takes_date: bool
    # an object or list of objects whose own paths are walked under this one
    model: ModelClass | None = None


def derived(
    type_: str,
    description: str,
    example: Any,
    *,
    autocomplete: str | None = None,
    takes_date: bool = False,
    model: type[BaseModel] | None = None,
) -> Callable[[F], F]:
    """Register a model property (or a method taking the reference date ``on`` when
    ``takes_date``) as a derived vocabulary path named after the function. With ``model``
    (type ``object`` or ``list[object]``) the paths of that model are in the vocabulary under
    it, read-only (``household.partner.given_name``, ``household.children[].birth_date``)."""

    def mark(func: F) -> F:
        func.__derived__ = DerivedInfo(  # type: ignore[attr-defined]
            type_, description, example, autocomplete, takes_date, model
        )
        return func

    return mark


def derived_members(cls: type) -> dict[str, DerivedInfo]:
    """The derived values a model class registered, by attribute name, in definition order."""
    found: dict[str, DerivedInfo] = {}
    for klass in reversed(cls.__mro__):
        for name, attr in vars(klass).items():
            func = attr.fget if isinstance(attr, property) else attr
            info = getattr(func, "__derived__", None)
            if isinstance(info, DerivedInfo):
                found[name] = info
    return found


# -- walking the models ---------------------------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``| None`` from an annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _type_name(annotation: Any) -> tuple[str, tuple[str, ...]]:
    ann = _unwrap(annotation)
    if typing.get_origin(ann) is Literal:
        return "str", tuple(str(a) for a in typing.get_args(ann))
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "object", ()
    if typing.get_origin(ann) is list:
        inner, _ = _type_name(typing.get_args(ann)[0])
        return f"list[{inner}]", ()
    if isinstance(ann, type):
        return ann.__name__, ()
    return str(ann), ()


def _item_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, directly or as list items."""
    ann = _unwrap(annotation)
    if typing.get_origin(ann) is list:
        ann = _unwrap(typing.get_args(ann)[0])
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    return None


def _walk(
    model: type[BaseModel], prefix: str, out: dict[str, PathInfo], read_only: bool = False
) -> None:
    """Add every path of ``model`` under ``prefix``; ``read_only`` marks them derived (paths
    under a derived object such as ``household.partner``)."""
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        type_name, choices = _type_name(field.annotation)
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        auto = extra.get("autocomplete")
        examples = field.examples or [None]
        if prefix:  # the sections themselves are containers, not paths
            out[path] = PathInfo(
                path,
                type_name,
                field.description or "",
                examples[0],
                auto if isinstance(auto, str) else None,
                read_only,
                choices,
                field.title or "",
            )
        sub = _item_model(field.annotation)
        is_list = type_name.startswith("list[")
        if sub is not None:
            _walk(sub, f"{path}[]." if is_list else f"{path}.", out, read_only)
        elif is_list:
            out[f"{path}[]"] = PathInfo(
                f"{path}[]",
                type_name[5:-1],
                f"One item of {path}.",
                examples[0][0] if isinstance(examples[0], list) and examples[0] else None,
                derived=read_only,
            )
    for name, info in derived_members(model).items():
        path = f"{prefix}{name}"
        out[path] = PathInfo(
            path, info.type, info.description, info.example, info.autocomplete, True
        )
        if info.model is not None:
            is_list = info.type.startswith("list[")
            _walk(info.model, f"{path}[]." if is_list else f"{path}.", out, True)


def build_vocabulary(root: type[BaseModel]) -> dict[str, PathInfo]:
    """Every path of ``root`` (fields and registered derived values), ``[]`` marking list items."""
    out: dict[str, PathInfo] = {}
    _walk(root, "", out)
    return out


# -- paths ---------------------------------------------------------------------------------------

_INDEX = re.compile(r"\[(\d*)\]")
_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?")


@dataclass(frozen=True)
class Step:
    """One step of a dotted path: a name, and a list index when the name holds a list."""

    name: str
    index: int | None = None

    def __str__(self) -> str:
        return self.name if self.index is None else f"{self.name}[{self.index}]"


def parse_path(path: str) -> tuple[Step, ...]:
    """``household.members[2].birth_date`` -> its steps; ValueError naming the bad step. The
    one grammar of profile paths: the profile, provenance and the web form all parse with it."""
    steps = []
    for part in path.strip().split("."):
        m = _STEP.fullmatch(part)
        if m is None:
            raise ValueError(f"{path!r}: {part!r} is not a path step")
        steps.append(Step(m.group(1), None if m.group(2) is None else int(m.group(2))))
    return tuple(steps)


def format_path(steps: Iterable[Step]) -> str:
    """The dotted path of ``steps`` (the inverse of :func:`parse_path`)."""
    return ".".join(str(s) for s in steps)


def normalise(path: str) -> str:
    """``household.members[3].birth_date`` -> ``household.members[].birth_date``."""
    return _INDEX.sub("[]", path.strip())


def suggest(path: str, vocab: Iterable[str], limit: int = 3) -> list[str]:
    """Close matches for an unknown path, with the caller's list indices put back."""
    pattern = normalise(path)
    indices = [m.group(1) or "0" for m in _INDEX.finditer(path)]
    matches = close_matches(pattern, vocab, limit=limit)
    return [_put_indices(match, indices) for match in matches]


def _put_indices(pattern: str, indices: list[str]) -> str:
    idx = iter(indices)
    return re.sub(r"\[\]", lambda _m: f"[{next(idx, '0')}]", pattern)


def label_of(path: str, vocab: dict[str, PathInfo]) -> str:
    """The short human name of a path's last part: its ``title`` ("fødselsnummer") or the
    name in words ("birth date")."""
    info = vocab.get(normalise(path))
    if info is not None and info.label:
        return info.label
    last = normalise(path).rsplit(".", 1)[-1].removesuffix("[]")
    return last.replace("_", " ")


def check(path: str, vocab: dict[str, PathInfo]) -> PathInfo:
    """The PathInfo of ``path`` (indices normalised), or UnknownPathError with suggestions."""
    info = vocab.get(normalise(path))
    if info is None:
        raise UnknownPathError(path, suggest(path, vocab))
    return info


def value_at(root: BaseModel, path: str, on: date, vocab: dict[str, PathInfo]) -> Any:
    """The value at ``path`` under ``root``; None when something on the way is absent."""
    check(path, vocab)
    try:
        steps = parse_path(path)
    except ValueError:  # "[]" without an index: a pattern, not a value
        raise UnknownPathError(path, [_INDEX.sub("[0]", path)]) from None
    obj: Any = root
    for step in steps:
        if obj is None:
            return None
        info = derived_members(type(obj)).get(step.name)
        if info is not None and info.takes_date:
            obj = getattr(obj, step.name)(on)
        else:
            obj = getattr(obj, step.name)
        if step.index is not None:
            if obj is None or step.index >= len(obj):
                return None
            obj = obj[step.index]
    return obj


# -- validation errors as dotted paths ------------------------------------------------------------


def dotted(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a dotted path: household.members[1].birth_date."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _unknown_key(loc: tuple[int | str, ...], vocab: Iterable[str]) -> str:
    parent = normalise(dotted(loc[:-1]))
    key = str(loc[-1])
    siblings = [
        p[len(parent) + 1 :] if parent else p.split(".")[0]
        for p in vocab
        if p.startswith(f"{parent}.") or not parent
    ]
    names = sorted({s for s in siblings if s and "." not in s and "[" not in s})
    close = close_matches(key, names, cutoff=60, limit=1)
    return f"unknown key {key!r}" + did_you_mean(close, quote=True)


_CODES = (  # pydantic's error types -> ours, by prefix (the rest keep their own type)
    ("missing", "required"),
    ("extra_forbidden", "unknown_key"),
    ("date_", "not_date"),
    ("decimal_", "not_amount"),
    ("float_", "not_amount"),
    ("int_", "not_whole_number"),
    ("bool_", "not_yes_or_no"),
    ("literal_error", "not_a_choice"),
    ("string_type", "not_text"),
    ("model_type", "not_an_object"),
    ("model_attributes_type", "not_an_object"),
    ("dict_type", "not_an_object"),
    ("list_type", "not_a_list"),
    ("greater_than_equal", "out_of_range"),
    ("less_than_equal", "out_of_range"),
)


def problem_code(err: Any) -> tuple[str, dict[str, Any]]:
    """A stable code and its parameters for one pydantic error (an ``ErrorDetails`` dict),
    for a shell that words it in the reader's language: ``("check_digit", {})``,
    ``("not_date", {"value": "31.02.2020"})``. A validator's own type (``check_digit``,
    ``postal_code_no``, ...) is kept as it is."""
    kind: str = err["type"]
    code = next((ours for theirs, ours in _CODES if kind.startswith(theirs)), kind)
    args: dict[str, Any] = {}
    value = err.get("input")
    if isinstance(value, str | int | float | Decimal | date) and not isinstance(value, bool):
        args["value"] = value
    if code == "unknown_key":
        args["key"] = str(tuple(err["loc"])[-1])
    ctx = err.get("ctx") or {}
    if code == "out_of_range":
        args["limit"] = ctx.get("ge", ctx.get("le"))
    return code, args


def problem_message(err: Any, vocab: Iterable[str]) -> str:
    """A plain-words reason for one pydantic error (an ``ErrorDetails`` dict)."""
    kind: str = err["type"]
    value = err.get("input")
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return _unknown_key(tuple(err["loc"]), vocab)
    if kind.startswith("date_"):
        return f"not a date: {value}"
    if kind.startswith("decimal_") or kind in ("float_parsing", "float_type"):
        return f"not an amount: {value}"
    if kind.startswith("int_"):
        return f"not a whole number: {value}"
    if kind.startswith("bool_"):
        return f"not true or false: {value}"
    if kind == "literal_error":
        return f"{value!r} is not one of {err['ctx']['expected']}"
    if kind == "string_type":
        return f"must be text (in quotes), got {value!r}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be an object"
    if kind == "list_type":
        return "must be a list"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"out of range: {value} ({err['msg'].removeprefix('Input should be ')})"
    return str(err["msg"]).removeprefix("Value error, ")


# -- helpers behind derived values ---------------------------------------------------------------


def initials(*names: str | None) -> str:
    """ "K.Å." for Kari Åse; hyphenated names give one initial per part; the Dutch digraph IJ
    stays together ("IJsbrand" -> "IJ.")."""
    parts = re.split(r"[\s-]+", " ".join(n for n in names if n))
    return "".join(("IJ" if p[:2].upper() == "IJ" else p[0].upper()) + "." for p in parts if p)


def age_on(birth: date | None, on: date) -> int | None:
    """Completed years on ``on`` (a person born 29 Feb turns a year older on 1 Mar);
    None when the birth date is unknown or after ``on``."""
    if birth is None or on < birth:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def monthly(amount: Decimal, period: str) -> Decimal:
    """An amount per ``period`` as an exact (unrounded) monthly amount."""
    return amount * PERIODS_PER_YEAR[period] / 12


def yearly(amount: Decimal, period: str) -> Decimal:
    """An amount per ``period`` as an exact yearly amount."""
    return amount * PERIODS_PER_YEAR[period]


def cents(amount: Decimal) -> Decimal:
    """Round to cents, half up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _join(*parts: str | None, sep: str = " ") -> str:
    return sep.join(p for p in parts if p)


def street_line(
    country: str, street: str | None, number: str | None, letter: str | None, addition: str | None
) -> str | None:
    """The street line in the country's usual form: NO "Storgata 5 B", NL "Kerkstraat 12-A"
    (letter attached, toevoeging after a hyphen), US "123 Main St Apt 4"."""
    if not street:
        return None
    if country == "NL":
        house = _join(number, letter, sep="")
        house = _join(house, addition, sep="-") if house else (addition or "")
        return _join(street, house)
    if country == "US":
        return _join(_join(number, letter, sep=""), street, addition)
    return _join(street, number, letter, addition)


def postal_line(
    country: str, postal_code: str | None, city: str | None, state: str | None
) -> str | None:
    """The postal line: NO "0150 OSLO", NL "1012 AB Amsterdam", US "Springfield, IL 62701"."""
    if not postal_code and not city:
        return None
    if country == "US":
        return _join(_join(city, state, sep=", "), postal_code)
    if country == "NO":
        return _join(postal_code, city.upper() if city else None)
    return _join(postal_code, city)
