"""HTML forms: the intake/edit form built from the profile schema (formfill.profile.model's
vocabulary), its parsing into profile JSON and the mapping of validation problems back to the
fields; and the registry of views that show their form again when its CSRF token expired.

Rows of a list (household members, income sources, previous addresses) are numbered as the
browser sent them; ``normalize`` drops the rows marked for removal and the empty ones, keeps
every other row in the order typed and renumbers them 0, 1, 2, ..., so that the profile's list
indices, the core's problems and the re-shown form all speak of the same row."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from babel import Locale
from flask_babel import gettext as _

from formfill.profile.model import vocabulary
from formfill.profile.paths import parse_path
from formfill.profile.provenance import flatten
from formfill.profile.types import LANGUAGE_FIELDS, LANGUAGES
from web.form_input import (
    Unreadable,
    countries,
    country_name,
    parse_amount,
    parse_country,
    parse_local_date,
    show_amount,
)
from web.form_labels import ADD, ITEM, SECTIONS, choice_label, label
from web.problems import problem_text, subject

RERENDER: dict[str, Callable[..., Any]] = {}  # endpoint -> view that re-renders on a stale token
MAX_ROWS = 200  # a bound, so that a forged index cannot make a huge form
COUNTRY_FIELDS = {"country", "birth_country", "citizenship", "payer_country", "employer_country"}
SKIP = re.compile(
    r"(\.identifiers\.other|\[\]\.identifiers\.us_ssn|former_names"
    r"|^representative\.address\.(care_of|municipality|state|valid_from|valid_to)$)"
)


def rerender_on_csrf(endpoint: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        RERENDER[endpoint] = fn
        return fn

    return deco


@dataclass(frozen=True)
class Field:
    name: str  # the dotted path with indices: household.members[0].given_name
    label: str  # English; the template translates it
    kind: str  # text | choice | bool | date | decimal | int | country
    choices: tuple[tuple[str, str], ...]  # (code, English name)
    autocomplete: str | None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: tuple[tuple[Field, ...], ...]  # one row per list item; one row for a plain section
    repeat: bool
    filled: int = 0  # rows that hold an item; the rest are empty rows for new ones
    item: str = ""
    add: str = ""


def _kind(path: str, info: Any) -> str:
    if info.choices:
        return "choice"
    if path.rsplit(".", 1)[-1] in COUNTRY_FIELDS:
        return "country"
    if path.rsplit(".", 1)[-1] in LANGUAGE_FIELDS:
        return "language"
    return {"bool": "bool", "date": "date", "Decimal": "decimal", "int": "int"}.get(
        info.type, "text"
    )


@cache
def _section_fields(
    prefix: str,
) -> tuple[tuple[str, str, tuple[tuple[str, str], ...], str | None], ...]:
    """(generic path, kind, choices, autocomplete) of the fields a section shows."""
    out = []
    for path, info in vocabulary().items():
        if info.derived or not path.startswith(prefix) or SKIP.search(path):
            continue
        rest = path[len(prefix) :]
        if info.type.startswith(("list", "object")) or "[" in rest:
            continue
        if prefix == "person." and rest.startswith("residence_permit."):
            continue  # its own section
        choices = tuple((c, choice_label(c)) for c in info.choices)
        out.append((path, _kind(path, info), choices, info.autocomplete))
    return tuple(out)


@cache
def kinds() -> dict[str, str]:
    """Generic path (``household.members[].birth_date``) -> kind, for every field shown."""
    return {p: k for _key, _t, prefix, _r in SECTIONS for p, k, _c, _a in _section_fields(prefix)}


def generic(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


def list_keys() -> tuple[str, ...]:
    return tuple(key for key, _t, _p, repeat in SECTIONS if repeat)


def counts_of(data: Mapping[str, Any]) -> dict[str, int]:
    """How many items each list of a profile holds."""
    out = {}
    for key in list_keys():
        node: Any = data
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        out[key] = len(node) if isinstance(node, list) else 0
    return out


def build_sections(
    counts: Mapping[str, int], blanks: Mapping[str, int] | None = None
) -> list[Section]:
    """The form's sections: for a list, one row per item (``counts``) and then ``blanks``
    empty rows (one unless said otherwise) for new items."""
    sections = []
    for key, title, prefix, repeat in SECTIONS:
        fields = _section_fields(prefix)
        if not repeat:
            row = tuple(Field(p, label(p), k, c, a) for p, k, c, a in fields)
            sections.append(Section(key, title, (row,), False))
            continue
        filled = min(counts.get(key, 0), MAX_ROWS)
        total = min(filled + max(1, (blanks or {}).get(key, 1)), MAX_ROWS + 20)
        rows = tuple(
            tuple(Field(p.replace("[]", f"[{n}]", 1), label(p), k, c, a) for p, k, c, a in fields)
            for n in range(total)
        )
        sections.append(Section(key, title, rows, True, filled, ITEM[key], ADD[key]))
    return sections


def normalize(
    form: Mapping[str, str], removed: list[str], add: str | None
) -> tuple[dict[str, str], dict[str, int], dict[str, int]]:
    """The submission as the form shows it again: every typed value, with each list's rows
    renumbered in the order sent, less the rows marked ``removed`` and the empty ones; how many
    rows each list then holds; and how many empty rows to show (one more for ``add``)."""
    values = {k: v for k, v in form.items() if k not in ("csrf_token", "remove", "add")}
    counts: dict[str, int] = {}
    blanks: dict[str, int] = {}
    for key in list_keys():
        pattern = re.compile(rf"{re.escape(key)}\[(\d+)\](\..+)$")
        rows: dict[int, dict[str, str]] = {}
        for name in list(values):
            if (m := pattern.match(name)) is None:
                continue
            value = values.pop(name)
            if int(m.group(1)) < MAX_ROWS:
                rows.setdefault(int(m.group(1)), {})[m.group(2)] = value
        gone = {int(m.group(1)) for r in removed if (m := pattern.match(r + ".x"))}
        empty = 0
        kept = 0
        for index in sorted(rows):
            if index in gone:
                continue
            if not any(v.strip() for v in rows[index].values()):
                empty += 1
                continue
            for rest, value in rows[index].items():
                values[f"{key}[{kept}]{rest}"] = value
            kept += 1
        counts[key] = kept
        blanks[key] = min(empty + 1, 20) if add == key else 1
    return values, counts, blanks


def languages(lang: str, current: str = "") -> list[tuple[str, str]]:
    """(code, name in the UI language) of the profile's languages, by name; a stored code not
    in the list is kept as an option, so that editing never drops it."""
    names = Locale.parse(lang).languages
    codes = [*LANGUAGES, *([current] if current and current not in LANGUAGES else [])]
    return sorted(((c, str(names.get(c, c))) for c in codes), key=lambda cn: cn[1].casefold())


def form_values(data: Mapping[str, Any], lang: str) -> dict[str, str]:
    """Field name -> value as shown in the form, in the UI language."""
    out: dict[str, str] = {}
    for path, value in flatten(data).items():
        kind = kinds().get(generic(path), "text")
        if isinstance(value, bool):
            out[path] = "yes" if value else "no"
        elif value is None or isinstance(value, list):
            continue
        elif kind in ("decimal", "int"):
            out[path] = show_amount(value, lang)
        elif kind == "country":
            out[path] = country_name(value, lang)
        else:
            out[path] = str(value)
    return out


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    node: Any = data
    try:
        steps = parse_path(path)
    except ValueError:
        return
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        if step.index is None:
            if last:
                node[step.name] = value
            else:
                node = node.setdefault(step.name, {})
            continue
        items = node.setdefault(step.name, [])
        while len(items) <= step.index:
            items.append({})
        if last:
            items[step.index] = value
        else:
            node = items[step.index]


def _example(name: str) -> Decimal | None:
    """The vocabulary's example of the field ``name`` when it is a number (37.5 hours a week)."""
    info = vocabulary().get(generic(name))
    example = info.example if info is not None else None
    return Decimal(str(example)) if isinstance(example, (int, float, Decimal)) else None


def _read(kind: str, raw: str, lang: str, name: str = "") -> Any:
    if kind == "decimal":
        return str(parse_amount(raw, lang, example=_example(name)))
    if kind == "int":
        return parse_amount(raw, lang, whole=True, example=_example(name))
    if kind == "date":
        return parse_local_date(raw, lang).isoformat()
    if kind == "country":
        return parse_country(raw)
    return raw


def where_words(name: str, data: Mapping[str, Any]) -> str:
    """Whose value a field holds and which field it is, for a message, in the reader's
    language: "Household member 2 (Ánne): Date of birth", "Client (Ola Testmann): Income
    source 2: Amount"."""
    return subject(name, data)


def parse_values(
    values: Mapping[str, str], current: Mapping[str, Any], sections: list[Section], lang: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """Profile JSON from the (normalized) values, keeping the current values of paths the form
    does not show; and the fields whose value cannot be read, each with a message naming whose
    value it is and the format wanted."""
    fields = [f for s in sections for row in s.rows for f in row]
    typed: dict[str, Any] = {}
    for f in fields:
        if (raw := (values.get(f.name) or "").strip()) and f.kind != "bool":
            _put(typed, f.name, raw)
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in fields:
        raw = (values.get(f.name) or "").strip()
        if f.kind == "bool":
            if raw in ("yes", "no"):
                _put(data, f.name, raw == "yes")
            continue
        if not raw:
            continue
        try:
            _put(data, f.name, _read(f.kind, raw, lang, f.name))
        except Unreadable as e:
            errors[f.name] = f"{where_words(f.name, typed)}: {e}"
    return _merge_hidden(current, data, {f.name for f in fields}), errors


def _merge_hidden(
    current: Mapping[str, Any], data: dict[str, Any], shown: set[str]
) -> dict[str, Any]:
    """Values of paths the form does not show (former names, postal address, benefits, ...)
    are kept from the current profile."""
    out = dict(data)
    for key, value in current.items():
        if key not in out:
            if not any(n.startswith(f"{key}.") or n.startswith(f"{key}[") for n in shown):
                out[key] = value
            continue
        if isinstance(value, dict) and isinstance(out[key], dict):
            out[key] = _merge_hidden(
                value, out[key], {n[len(key) + 1 :] for n in shown if n.startswith(f"{key}.")}
            )
    return out


def field_errors(problems: list[Any], data: Any) -> tuple[dict[str, str], list[str]]:
    """Problems (formfill.errors.Problem) by field name; the rest for the top of the form. Each
    says, in the reader's language, whose value it is and what is wrong ("Husstandsmedlem 3
    (Biret Somby): Fødselsnummer (Norge): ugyldig kontrollsiffer"), so two members' errors
    never read the same. ``data`` is what was parsed, for the names."""
    by_field: dict[str, str] = {}
    rest: list[str] = []
    for p in problems:
        text = problem_text(p, data)
        if p.where:
            by_field[p.where] = text
        else:
            rest.append(text)
    return by_field, rest


@dataclass(frozen=True)
class Correction:
    """How "correct to" asks for a value of a profile path: ``kind`` as the client form has it,
    ``options`` (code, name in the UI language) for a choice, a country or a language, and
    ``shown``, the proposed value as the reader types it (``38 500,00`` in nb)."""

    kind: str
    options: tuple[tuple[str, str], ...]
    shown: str


def correction(path: str, value: Any, lang: str) -> Correction:
    kind = kinds().get(generic(path), "text")
    info = vocabulary().get(generic(path))
    text = "" if value is None else str(value)
    if kind == "choice" and info is not None:
        options = tuple((c, choice_label(c)) for c in info.choices)
        return Correction(kind, options, text)
    if kind == "country":
        return Correction(kind, countries(lang), text.upper())
    if kind == "language":
        return Correction(kind, tuple(languages(lang, text)), text)
    if kind in ("decimal", "int") and text:
        return Correction(kind, (), show_amount(text, lang))
    return Correction(kind, (), text)


def read_correction(path: str, raw: str, lang: str) -> Any:
    """A corrected value as the profile stores it, read the way the client form reads the
    same field (an amount by the UI locale, a country by its name or code, a date in the
    locale's order or ISO). Raises :class:`web.form_input.Unreadable` saying the format."""
    kind = kinds().get(generic(path), "text")
    text = raw.strip()
    if kind == "choice":
        info = vocabulary().get(generic(path))
        if info is not None and info.choices and text not in info.choices:
            raise Unreadable(_("“%(value)s” is not one of the choices", value=raw))
        return text
    if kind == "language":
        return text
    return _read(kind, text, lang, path) if text else text
