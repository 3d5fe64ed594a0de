"""HTML forms: the intake/edit form built from the profile schema (formfill.profile.model's
vocabulary), its parsing into profile JSON and the mapping of validation problems back to the
fields; and the registry of views that show their form again when its CSRF token expired."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from formfill.profile.model import vocabulary
from formfill.profile.paths import Step, format_path, parse_path
from formfill.profile.provenance import flatten

RERENDER: dict[str, Callable[..., Any]] = {}  # endpoint -> view that re-renders on a stale token


def rerender_on_csrf(endpoint: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        RERENDER[endpoint] = fn
        return fn

    return deco


@dataclass(frozen=True)
class Field:
    name: str  # the dotted path with indices: household.members[0].given_name
    label: str
    type: str  # str | date | Decimal | bool | int
    choices: tuple[str, ...]
    autocomplete: str | None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: tuple[tuple[Field, ...], ...]  # one row per list item; one row for a plain section
    repeat: bool


# sections of the form: (title, path prefix, is a list, fields left out)
SECTIONS: tuple[tuple[str, str, bool], ...] = (
    ("Person", "person.", False),
    ("Identifiers", "identifiers.", False),
    ("Contact", "contact.", False),
    ("Address", "address.current.", False),
    ("Household members", "household.members[].", True),
    ("Incomes", "income.sources[].", True),
    ("Bank", "bank.", False),
    ("Employment", "employment.", False),
)
SKIP = re.compile(
    r"(\[\]\.identifiers\.(other|us_ssn)|identifiers\.other|former_names|"
    r"residence_permit$)"
)


def _label(path: str) -> str:
    last = path.rsplit(".", 1)[-1].replace("_", " ")
    return last[:1].upper() + last[1:]


def _section_paths(prefix: str) -> list[tuple[str, Any]]:
    out = []
    for path, info in vocabulary().items():
        if info.derived or not path.startswith(prefix) or SKIP.search(path):
            continue
        rest = path[len(prefix) :]
        if info.type.startswith(("list", "object")):
            continue
        if "[" in rest and not rest.startswith("identifiers."):
            continue
        out.append((path, info))
    return out


def submitted_rows(form: Mapping[str, str]) -> dict[str, int]:
    """Per list (household.members, income.sources), how many rows a submission holds: rows
    added in the browser beyond the profile's own are parsed too, never dropped."""
    found: dict[str, int] = {}
    for name in form:
        try:
            steps = parse_path(name)
        except ValueError:
            continue
        at = next((i for i, s in enumerate(steps) if s.index is not None), None)
        if at is None or at == len(steps) - 1 or (index := steps[at].index or 0) >= 200:
            continue  # 200: a bound, so that a forged index cannot make a huge form
        head = format_path([*steps[:at], Step(steps[at].name)])
        found[head] = max(found.get(head, 0), index + 1)
    return found


def build_sections(data: Mapping[str, Any], rows: Mapping[str, int] | None = None) -> list[Section]:
    """The form's sections, with one row per existing list item (or per submitted row, when
    ``rows`` says more were sent) plus an empty one."""
    sections = []
    for title, prefix, repeat in SECTIONS:
        paths = _section_paths(prefix)
        if not repeat:
            row = tuple(
                Field(p, _label(p[len(prefix) :]), i.type, i.choices, i.autocomplete)
                for p, i in paths
            )
            sections.append(Section(prefix.rstrip("."), title, (row,), False))
            continue
        head = prefix[: -len("[].")]
        node: Any = data
        for part in head.split("."):
            node = (node or {}).get(part) if isinstance(node, dict) else None
        count = len(node) if isinstance(node, list) else 0
        count = max(count, (rows or {}).get(head, 0))
        items = []
        for n in range(count + 1):
            items.append(
                tuple(
                    Field(
                        p.replace("[]", f"[{n}]", 1),
                        _label(p[len(prefix) :]),
                        i.type,
                        i.choices,
                        i.autocomplete,
                    )
                    for p, i in paths
                )
            )
        sections.append(Section(head, title, tuple(items), True))
    return sections


def form_values(data: Mapping[str, Any]) -> dict[str, str]:
    """Field name -> value as shown in the form."""
    out: dict[str, str] = {}
    for path, value in flatten(data).items():
        if isinstance(value, bool):
            out[path] = "yes" if value else "no"
        elif value is not None and not isinstance(value, list):
            out[path] = str(value)
    return out


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    node: Any = data
    try:
        steps = parse_path(path)
    except ValueError:
        return
    for i, step in enumerate(steps):
        key, index = step.name, step.index
        last = i == len(steps) - 1
        if index is None:
            if last:
                node[key] = value
            else:
                node = node.setdefault(key, {})
            continue
        items = node.setdefault(key, {})  # index -> item, compacted later
        item = items.setdefault(index, {})
        if last:
            items[index] = value
        else:
            node = item


def parse_submission(
    form: Mapping[str, str], current: Mapping[str, Any], sections: list[Section]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Profile JSON from the submitted fields, keeping the current values of paths the form
    does not show; and the renaming of compacted list indices back to field names (a blank
    row is left out, so row 2 may become item 1)."""
    fields = [f for s in sections for row in s.rows for f in row]
    shown = {f.name for f in fields}
    data: dict[str, Any] = {}
    for f in fields:
        raw = (form.get(f.name) or "").strip()
        if f.type == "bool":
            if raw in ("yes", "no"):
                _put(data, f.name, raw == "yes")
            continue
        if raw:
            _put(data, f.name, raw)
    renames: dict[str, str] = {}
    for s in sections:
        if not s.repeat:
            continue
        head, _, leaf = s.key.rpartition(".")
        parent = data
        for part in head.split(".") if head else []:
            parent = parent.get(part, {})
        items = parent.get(leaf) if isinstance(parent, dict) else None
        if not isinstance(items, dict):
            continue
        kept: list[Any] = []
        for index in sorted(items):
            item = items[index]
            if isinstance(item, dict) and any(
                v not in (None, "", {}) and not isinstance(v, bool) for v in flatten(item).values()
            ):
                renames[f"{s.key}[{len(kept)}]"] = f"{s.key}[{index}]"
                kept.append(item)
        parent[leaf] = kept
    merged = _merge_hidden(current, data, shown)
    return merged, renames


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


def field_errors(
    problems: list[Any], renames: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Problems (formfill.errors.Problem) by field name; the rest for the top of the form."""
    by_field: dict[str, str] = {}
    rest: list[str] = []
    for p in problems:
        where = str(p.where)
        for new, old in renames.items():
            if where.startswith(new):
                where = old + where[len(new) :]
                break
        if where:
            # a profile problem says whose value it is ("household.members[2] (child Biret
            # Somby): fødselsnummer: ..."), so two members' errors never read the same
            subject = getattr(p, "subject", "")
            by_field[where] = str(p) if subject else f"{_label(where)}: {p.message}"
        else:
            rest.append(str(p))
    return by_field, rest
