"""Loading form maps: ``form_maps/<agency>/<form-id>.toml`` read and validated strictly.

Loading collects every problem of a file (and, for :func:`load_maps`, of every file) into one
:class:`FormMapError`; nothing is skipped or logged away. The map format is described in
``form_maps/README.md``: the header, each ``[[fields]]`` entry with exactly one source, and the
``[[rows]]`` of tables that repeat a list. Expressions (``expr``, ``when``) are compiled and
checked at load with :func:`formfill.profile.expressions.expression_problems`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast

from formfill.errors import FormMapError, Problem, TransformError, UnknownPathError
from formfill.maps.model import SOURCES, FieldSpec, FormMap, RowGroup, SourceKind
from formfill.maps.transforms import Transform, parse_transform
from formfill.profile.expressions import FILL_PATHS, expression_problems
from formfill.profile.model import check_path, vocabulary
from formfill.suggest import close_matches, did_you_mean

__all__ = ["find_map", "load_map", "load_map_text", "load_maps"]

HEADER_KEYS = (
    "id", "agency", "title", "kind", "source", "fingerprint", "language", "currency", "fields",
    "rows",
)  # fmt: skip
# the currency a form in this language asks its amounts in, unless the map says (an English
# form may be American, British, Canadian...: it must say)
LANGUAGE_CURRENCY = {"nb": "NOK", "nn": "NOK", "nl": "EUR"}
ROW_KEYS = ("list", "fields", "section", "columns")
REQUIRED_HEADER = ("id", "agency", "title", "kind", "source", "language")
FIELD_KEYS = (
    *SOURCES,
    "field",
    "transform",
    "options",
    "state",
    "required",
    "label",
    "overwrite_read_only",
)
KINDS = ("pdf", "docx")
_FORM_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


def _suggest(word: str, choices: Iterable[str], cutoff: float = 60) -> list[str]:
    return close_matches(word, choices, cutoff=cutoff, loose=True)


def _unknown_keys(keys: Iterable[str], allowed: tuple[str, ...], where: str) -> list[Problem]:
    out = []
    for key in keys:
        if key not in allowed:
            hint = close_matches(key, allowed, limit=2)
            out.append(Problem(f"{where}{key}", f"unknown key{did_you_mean(hint)}"))
    return out


def _str_or_none(data: Mapping[str, Any], key: str, where: str, out: list[Problem]) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        out.append(Problem(where, f"must be a non-empty string, not {value!r}"))
        return None
    return value


def _field_where(raw: Any, index: int) -> str:
    name = raw.get("field") if isinstance(raw, dict) else None
    return f"fields[{name}]" if isinstance(name, str) and name else f"fields[{index}]"


def _load_field(raw: Any, index: int, language: str | None, out: list[Problem]) -> FieldSpec | None:
    if not isinstance(raw, dict):
        out.append(Problem(f"fields[{index}]", "must be a table ([[fields]])"))
        return None
    w = _field_where(raw, index)
    before = len(out)
    out.extend(_unknown_keys(raw, FIELD_KEYS, f"{w}."))
    name = _str_or_none(raw, "field", f"{w}.field", out)
    if "field" not in raw:
        out.append(Problem(f"{w}.field", "missing: the form field's full name"))

    present = [k for k in SOURCES if k in raw]
    if len(present) != 1:
        found = ", ".join(present) if present else "none"
        out.append(Problem(w, f"needs exactly one of {', '.join(SOURCES)} (found: {found})"))
    source: SourceKind | None = present[0] if len(present) == 1 else None

    profile = _str_or_none(raw, "profile", f"{w}.profile", out)
    if profile is not None:
        try:
            if profile not in FILL_PATHS:
                check_path(profile)
        except UnknownPathError as e:
            out.append(Problem(f"{w}.profile", str(e)))
    value = raw.get("value")
    if value is not None and not isinstance(value, (str, bool)):
        out.append(Problem(f"{w}.value", f"must be a string or true/false, not {value!r}"))
    expr = _str_or_none(raw, "expr", f"{w}.expr", out)
    when = _str_or_none(raw, "when", f"{w}.when", out)
    for key, text in (("expr", expr), ("when", when)):
        if text is not None:
            for msg in expression_problems(text, condition=key == "when"):
                out.append(Problem(f"{w}.{key}", msg))
    skip = _str_or_none(raw, "skip", f"{w}.skip", out)

    transforms: list[Transform] = []
    spec = raw.get("transform")
    if spec is not None:
        specs = [spec] if isinstance(spec, str) else spec
        if not isinstance(specs, list) or not specs:
            out.append(Problem(f"{w}.transform", "must be a string or a list of strings"))
            specs = []
        for s in specs:
            try:
                transforms.append(parse_transform(s, language))
            except TransformError as e:
                out.append(Problem(f"{w}.transform", str(e)))
        if source in ("when", "skip"):
            out.append(Problem(f"{w}.transform", f"has no effect with {source}"))

    options = raw.get("options")
    if options is not None:
        if not isinstance(options, dict) or not options:
            out.append(Problem(f"{w}.options", 'must be a table of value = "export value"'))
            options = None
        else:
            for k, v in options.items():
                if not isinstance(v, str):
                    out.append(Problem(f"{w}.options.{k}", f"must be a string, not {v!r}"))
            if source not in ("profile", "expr", None):
                out.append(Problem(f"{w}.options", f"has no effect with {source}"))
    state = _str_or_none(raw, "state", f"{w}.state", out)
    if "state" in raw and "when" not in raw:
        out.append(Problem(f"{w}.state", "state only goes with when"))
    required = raw.get("required", False)
    if not isinstance(required, bool):
        out.append(Problem(f"{w}.required", f"must be true or false, not {required!r}"))
    elif required and source == "skip":
        out.append(Problem(f"{w}.required", "a skipped field cannot be required"))
    label = raw.get("label", "")
    if not isinstance(label, str):
        out.append(Problem(f"{w}.label", f"must be a string, not {label!r}"))

    if len(out) > before or name is None or source is None:
        return None
    return FieldSpec(
        field=name,
        source=source,
        profile=profile,
        value=cast("str | bool | None", value),
        expr=expr,
        when=when,
        skip=skip,
        transforms=tuple(transforms),
        options=cast("dict[str, str] | None", options),
        state=state,
        required=bool(required),
        overwrite_read_only=raw.get("overwrite_read_only") is True,
        label=cast(str, label),
        index=index,
    )


def _check_duplicates(raw_fields: list[Any], out: list[Problem]) -> None:
    """One entry per form field, except a radio/checkbox group set by several ``when`` +
    ``state`` entries (one per state). Checked on the raw entries, so a duplicate is reported
    even when one of its entries has other problems."""
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for i, raw in enumerate(raw_fields):
        if isinstance(raw, dict) and isinstance(raw.get("field"), str):
            groups.setdefault(raw["field"], []).append((i, raw))
    for name, group in groups.items():
        if len(group) == 1:
            continue
        if all("when" in raw and "state" in raw for _i, raw in group):
            states = [str(raw["state"]) for _i, raw in group]
            if len(set(states)) == len(states):
                continue
            msg = "the same state is set by more than one when"
        else:
            msg = "duplicate field (more than one entry that is not when + state)"
        where = ", ".join(f"fields[{i}]" for i, _raw in group)
        out.append(Problem(f"fields[{name}]", f"{msg}: {where}"))


def _currency(data: dict[str, Any], language: str | None, out: list[Problem]) -> str | None:
    """The map's ``currency`` (ISO 4217, one Babel knows), else the language's own."""
    value = data.get("currency")
    if value is None:
        return LANGUAGE_CURRENCY.get(language or "")
    if not isinstance(value, str) or value.strip().upper() not in _known_currencies():
        out.append(Problem("currency", f"{value!r} is not a currency code (ISO 4217: EUR, NOK)"))
        return None
    return value.strip().upper()


@cache
def _known_currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def _build(data: dict[str, Any], path: Path, out: list[Problem]) -> FormMap | None:
    out.extend(_unknown_keys(data, HEADER_KEYS, ""))
    header: dict[str, str | None] = {}
    for key in REQUIRED_HEADER:
        if key not in data:
            out.append(Problem(key, "missing"))
            header[key] = None
        else:
            header[key] = _str_or_none(data, key, key, out)
    fingerprint = _str_or_none(data, "fingerprint", "fingerprint", out)
    if fingerprint is not None and not fingerprint.startswith("sha256:"):
        out.append(Problem("fingerprint", "must look like sha256:<hex>"))
    if header["id"] is not None and header["id"] != path.stem:
        out.append(Problem("id", f"{header['id']!r} differs from the file name {path.stem!r}"))
    if header["agency"] is not None and header["agency"] != path.parent.name:
        msg = f"{header['agency']!r} differs from the folder name {path.parent.name!r}"
        out.append(Problem("agency", msg))
    if header["kind"] is not None and header["kind"] not in KINDS:
        out.append(Problem("kind", f"{header['kind']!r} is not one of {', '.join(KINDS)}"))
    currency = _currency(data, header["language"], out)

    # no entries at all is a map of nothing yet (a draft whose every field is a TODO):
    # it loads, and `map check` lists each field as unmapped
    raw_fields = data.get("fields", [])
    specs: list[FieldSpec] = []
    if not isinstance(raw_fields, list):
        out.append(Problem("fields", "must be an array of tables ([[fields]])"))
    else:
        for i, raw in enumerate(raw_fields):
            spec = _load_field(raw, i, header["language"], out)
            if spec is not None:
                specs.append(spec)
        _check_duplicates(raw_fields, out)
    groups = _load_rows(data.get("rows", []), specs, out)
    if out:
        return None
    return FormMap(
        id=cast(str, header["id"]),
        agency=cast(str, header["agency"]),
        title=cast(str, header["title"]),
        kind=cast(Literal["pdf", "docx"], header["kind"]),
        source=cast(str, header["source"]),
        language=cast(str, header["language"]),
        currency=currency,
        fingerprint=fingerprint,
        fields=tuple(specs),
        path=path,
        rows=tuple(groups),
    )


def _item_refs(spec: FieldSpec) -> set[str]:
    """The list items a field reads: {'household.children[0]'} for its profile path or in its
    expression."""
    text = " ".join(t for t in (spec.profile, spec.expr, spec.when) if t)
    return set(re.findall(r"[a-z_][a-z0-9_.]*\[\d+\]", text))


def _column_key(spec: FieldSpec, item: str) -> tuple[Any, ...]:
    """What must be the same in every row of one column: the source with the item replaced."""

    def strip(t: str | None) -> str | None:
        return t.replace(item, "{item}") if t else t

    options = tuple(sorted(spec.options.items())) if spec.options else ()
    return (spec.source, strip(spec.profile), strip(spec.expr), strip(spec.when),
            tuple(t.spec for t in spec.transforms), options, spec.state)  # fmt: skip


def _load_rows(raw_rows: Any, specs: list[FieldSpec], out: list[Problem]) -> list[RowGroup]:
    """``[[rows]]``: each row's fields exist in [[fields]], read item k of the list in row k+1,
    and each column is filled the same way in every row."""
    if not isinstance(raw_rows, list):
        out.append(Problem("rows", "must be an array of tables ([[rows]])"))
        return []
    by_field: dict[str, list[FieldSpec]] = {}
    for spec in specs:
        by_field.setdefault(spec.field, []).append(spec)
    lists = {p.removesuffix("[]") for p, i in vocabulary().items() if i.type == "list[object]"}
    groups: list[RowGroup] = []
    for g, raw in enumerate(raw_rows):
        w = f"rows[{g}]"
        before = len(out)
        if not isinstance(raw, dict):
            out.append(Problem(w, "must be a table ([[rows]])"))
            continue
        out.extend(_unknown_keys(raw, ROW_KEYS, f"{w}."))
        name = raw.get("list")
        if not isinstance(name, str) or name not in lists:
            close = _suggest(str(name), lists, cutoff=70)
            out.append(Problem(f"{w}.list", f"{name!r} is not a list of the profile"
                               f"{did_you_mean(close)}"))  # fmt: skip
            continue
        rows = raw.get("fields")
        if (
            not isinstance(rows, list)
            or not rows
            or not all(isinstance(r, list) and r and all(isinstance(f, str) for f in r)
                       for r in rows)
        ):  # fmt: skip
            out.append(Problem(f"{w}.fields", "must be a list of rows, each a list of field names"))
            continue
        if len({len(r) for r in rows}) > 1:
            out.append(Problem(f"{w}.fields", "every row must have the same number of fields"))
        first: list[tuple[Any, ...]] = []
        for k, row in enumerate(rows):
            item = f"{name}[{k}]"
            for j, field in enumerate(row):
                where = f"{w}.fields[{k}][{j}]"
                found = by_field.get(field)
                if not found:
                    out.append(Problem(where, f"{field!r} is not a field of this map"))
                    continue
                spec = found[0]
                refs = set().union(*(_item_refs(s) for s in found))
                if refs != {item}:
                    got = ", ".join(sorted(refs)) or "no list item"
                    out.append(Problem(where, f"{field!r} must read {item} (row {k + 1}), "
                                       f"it reads {got}"))  # fmt: skip
                    continue
                key = _column_key(spec, item)
                if k == 0:
                    first.append(key)
                elif j < len(first) and key != first[j]:
                    why = "same path, transforms and options in every row"
                    out.append(
                        Problem(where, f"{field!r} is not filled like {rows[0][j]!r} ({why})")
                    )
        section = raw.get("section", "")
        columns = raw.get("columns", [])
        if not isinstance(section, str):
            out.append(Problem(f"{w}.section", "must be a string"))
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            out.append(Problem(f"{w}.columns", "must be a list of strings"))
        elif columns and len(columns) != len(rows[0]):
            out.append(Problem(f"{w}.columns", f"{len(columns)} headings for {len(rows[0])} "
                               "fields per row"))  # fmt: skip
        if len(out) == before:
            groups.append(RowGroup(name, tuple(tuple(r) for r in rows), section, tuple(columns)))
    taken = [g.list for g in groups]
    for name in sorted({n for n in taken if taken.count(n) > 1}):
        out.append(Problem("rows", f"{name} is declared by more than one [[rows]]"))
    return groups


def _load(path: Path, out: list[Problem], prefix: str = "") -> FormMap | None:
    def where(p: Problem) -> Problem:
        return Problem(f"{prefix}{p.where}" if p.where else prefix.rstrip(": "), p.message)

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        out.append(where(Problem("", f"cannot read: {e.strerror or e}")))
        return None
    except UnicodeDecodeError as e:
        out.append(where(Problem("", f"not UTF-8: {e.reason} at byte {e.start}")))
        return None
    return _parse(text, path, out, where)


def _parse(
    text: str, path: Path, out: list[Problem], where: Callable[[Problem], Problem]
) -> FormMap | None:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        out.append(where(Problem("", f"not valid TOML: {e}")))
        return None
    found: list[Problem] = []
    fmap = _build(data, path, found)
    out.extend(where(p) for p in found)
    return fmap


def load_map(path: Path) -> FormMap:
    """Load one map; FormMapError(source=path, problems=[...every problem...]) if it is wrong."""
    problems: list[Problem] = []
    fmap = _load(path, problems)
    if fmap is None or problems:
        raise FormMapError(str(path), problems)
    return fmap


def load_map_text(text: str, path: Path, version: int | None = None) -> FormMap:
    """Load a map from its TOML text (a version kept in the store) by the same strict rules as a
    file: ``path`` is where it would live (``<agency>/<id>.toml``), so the id must equal its
    stem and the agency its folder. ``version`` is the store's version number, kept on the map."""
    problems: list[Problem] = []
    fmap = _parse(text, path, problems, lambda p: p)
    if fmap is None or problems:
        raise FormMapError(str(path), problems)
    return replace(fmap, version=version) if version is not None else fmap


def load_maps(root: Path) -> list[FormMap]:
    """Load every ``<agency>/<id>.toml`` under ``root`` (the form_maps/ directory).

    One FormMapError for everything wrong in all files; each Problem's ``where`` starts with
    the file (relative to root). Ids must be unique across agencies."""
    problems: list[Problem] = []
    maps: list[FormMap] = []
    if not root.is_dir():
        raise FormMapError(str(root), [Problem("", "not a directory")])
    for path in sorted(root.rglob("*.toml")):
        rel = path.relative_to(root).as_posix()
        fmap = _load(path, problems, prefix=f"{rel}: ")
        if fmap is not None:
            maps.append(fmap)
    seen: dict[str, FormMap] = {}
    for fmap in maps:
        if fmap.id in seen:
            other = seen[fmap.id].path.relative_to(root).as_posix()
            rel = fmap.path.relative_to(root).as_posix()
            problems.append(Problem(f"{rel}: id", f"{fmap.id!r} is also the id of {other}"))
        seen[fmap.id] = fmap
    if problems:
        raise FormMapError(str(root), problems)
    return maps


def find_map(root: Path, form_id: str) -> FormMap:
    """The map with this id under ``root`` (form_maps/); FormMapError if none or not valid."""
    if not _FORM_ID.fullmatch(form_id):
        raise FormMapError(str(root), [Problem(form_id, "not a valid form id")])
    candidates = sorted(root.glob(f"*/{form_id}.toml"))
    if len(candidates) == 1:
        return load_map(candidates[0])
    if candidates:
        where = ", ".join(p.relative_to(root).as_posix() for p in candidates)
        raise FormMapError(str(root), [Problem(form_id, f"more than one map: {where}")])
    known = [p.stem for p in root.glob("*/*.toml")]
    hint = did_you_mean(_suggest(form_id, known, cutoff=70))
    raise FormMapError(str(root), [Problem(form_id, f"no such form map{hint}")])
