"""Editing a map's text one field (or one table) at a time, as the web's map editor does.

A map is TOML text kept in the store; a draft from ``map new`` holds, per field, a comment with
the page and label, one with the suggestion's confidence and reason, and the entry itself,
active (``[[fields]]``) or commented out and marked TODO (``# [[fields]]``). The editor changes
one entry and leaves every other line as it was, so a person's comments and the draft's
reasons survive each save and a diff of two saves shows only what was decided.

:func:`entries` reads the text's entries (active and TODO) with their comments;
:func:`set_field` replaces one field's entry (or adds it); :func:`set_rows` declares a table.
Both return new text; the caller loads it with the strict loader before keeping it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Literal

from formfill.errors import FormMapError, Problem
from formfill.maps.draft.render import clean, toml_string

__all__ = [
    "EDIT_SOURCES",
    "EditSource",
    "Entry",
    "FieldEdit",
    "Rows",
    "entries",
    "rows_of",
    "set_field",
    "set_fields",
    "set_header",
    "set_rows",
]

EditSource = Literal["profile", "value", "expr", "when", "skip", "todo"]
EDIT_SOURCES: tuple[EditSource, ...] = ("profile", "value", "expr", "when", "skip", "todo")

_ACTIVE = re.compile(r"^\s*\[\[fields\]\]\s*(#.*)?$")
_COMMENTED = re.compile(r"^#\s*\[\[fields\]\]\s*$")
_ROWS = re.compile(r"^\s*\[\[rows\]\]\s*(#.*)?$")
_HEADER = re.compile(r"^\s*\[")
_CONFIDENCE = re.compile(r"^#\s*confidence ([0-9.]+):\s*(.*)$")
_WHERE = re.compile(r"^#\s*p[0-9,\-]+ \w+:\s*(.*)$")
_GUESS = re.compile(r"^#\s*TODO unmapped(?: \(best guess (.*) at [0-9.]+\))?")


@dataclass
class Entry:
    """One field's entry in the text: ``active`` (a ``[[fields]]`` table) or a TODO (commented
    out), with what its comments say (the label on the page, the draft's confidence and why)."""

    field: str
    active: bool
    data: dict[str, Any]  # the entry's keys (of the commented-out body for a TODO)
    start: int  # first line of the block (its comments), 0-based
    head: int  # the [[fields]] line
    end: int  # one past the block's last line
    label: str = ""
    confidence: float | None = None
    why: str = ""
    guess: str = ""

    @property
    def source(self) -> str:
        if not self.active:
            return "todo"
        for key in ("profile", "value", "expr", "when", "skip"):
            if key in self.data:
                return key
        return "todo"


@dataclass
class FieldEdit:
    """What a person decided for one field."""

    field: str
    source: EditSource
    profile: str = ""
    value: str | bool = ""
    expr: str = ""
    when: str = ""
    skip: str = ""
    state: str = ""
    transforms: Sequence[str] = ()
    options: Mapping[str, str] = dc_field(default_factory=dict)
    required: bool = False
    label: str = ""
    # write a field the form marks read-only (one that a box elsewhere unlocks)
    overwrite_read_only: bool = False

    def problems(self) -> list[Problem]:
        """What is missing for the chosen source (before the strict loader sees it)."""
        w = f"fields[{self.field}]"
        need = {
            "profile": self.profile,
            "expr": self.expr,
            "when": self.when,
            "skip": self.skip,
        }
        if self.source in need and not str(need[self.source]).strip():
            what = {"skip": "a reason to leave it"}.get(self.source, f"a {self.source}")
            return [Problem(w, f"{self.source} needs {what}")]
        if self.source == "value" and self.value == "":
            return [Problem(w, "value needs the text (or true/false) to write")]
        return []

    def body(self) -> list[str]:
        lines = [f"field = {toml_string(self.field)}"]
        if self.label:
            lines.append(f"label = {toml_string(clean(self.label))}")
        if self.source == "profile":
            lines.append(f"profile = {toml_string(self.profile.strip())}")
        elif self.source == "value":
            shown = str(self.value).lower() if isinstance(self.value, bool) else None
            lines.append(f"value = {shown or toml_string(str(self.value))}")
        elif self.source == "expr":
            lines.append(f"expr = {toml_string(self.expr.strip())}")
        elif self.source == "when":
            lines.append(f"when = {toml_string(self.when.strip())}")
        elif self.source == "skip":
            lines.append(f"skip = {toml_string(clean(self.skip))}")
        if self.source in ("profile", "value", "expr") and self.transforms:
            ts = [t.strip() for t in self.transforms if t.strip()]
            if len(ts) == 1:
                lines.append(f"transform = {toml_string(ts[0])}")
            elif ts:
                lines.append(f"transform = [{', '.join(toml_string(t) for t in ts)}]")
        if self.options and self.source in ("profile", "expr"):
            opts = ", ".join(
                f"{toml_string(k)} = {toml_string(v)}" for k, v in self.options.items()
            )
            lines.append(f"options = {{ {opts} }}")
        if self.state and self.source in ("when", "value"):
            lines.append(f"state = {toml_string(self.state)}")
        if self.required and self.source != "skip":
            lines.append("required = true")
        if self.overwrite_read_only and self.source != "skip":
            lines.append("overwrite_read_only = true")
        return lines


def _load(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise FormMapError(where, [Problem("", f"not valid TOML: {e}")]) from None


def _comments_before(lines: list[str], head: int, floor: int) -> int:
    """The first line of the comment block right above ``head`` (no blank line between)."""
    start = head
    while start - 1 >= floor and lines[start - 1].lstrip().startswith("#"):
        if _COMMENTED.match(lines[start - 1]):
            break
        start -= 1
    return start


def _body_end(lines: list[str], head: int, commented: bool) -> int:
    end = head + 1
    while end < len(lines):
        line = lines[end]
        if not line.strip():
            break
        if commented:
            if not line.startswith("#") or _COMMENTED.match(line) or line.startswith("# TODO"):
                break
            if not re.match(r"^#\s*[A-Za-z_\"]", line) or _WHERE.match(line):
                break
        elif _HEADER.match(line) or line.startswith("#"):
            break
        end += 1
    return end


def _describe(entry: Entry, lines: list[str]) -> Entry:
    for line in lines[entry.start : entry.head]:
        if m := _WHERE.match(line):
            entry.label = m.group(1).strip()
        elif m := _CONFIDENCE.match(line):
            entry.confidence, entry.why = float(m.group(1)), m.group(2).strip()
        elif m := _GUESS.match(line):
            entry.guess = (m.group(1) or "").strip()
    entry.label = entry.label or str(entry.data.get("label") or "")
    return entry


def entries(text: str) -> dict[str, Entry]:
    """Every field entry of the map text, active and TODO, by field name (an active entry wins
    over a TODO for the same field)."""
    data = _load(text, "map")
    active = [f for f in data.get("fields", []) if isinstance(f, dict)]
    lines = text.split("\n")
    out: dict[str, Entry] = {}
    n_active, floor = 0, 0
    for i, line in enumerate(lines):
        if _ACTIVE.match(line):
            raw = active[n_active] if n_active < len(active) else {}
            n_active += 1
            end = _body_end(lines, i, commented=False)
            name = raw.get("field")
            if isinstance(name, str):
                e = Entry(name, True, raw, _comments_before(lines, i, floor), i, end)
                out[name] = _describe(e, lines)
            floor = end
        elif _COMMENTED.match(line):
            end = _body_end(lines, i, commented=True)
            body = "\n".join(re.sub(r"^#\s?", "", x) for x in lines[i + 1 : end])
            try:
                raw = tomllib.loads(body)
            except tomllib.TOMLDecodeError:
                floor = end
                continue
            name = raw.get("field")
            if isinstance(name, str) and name not in out:
                e = Entry(name, False, raw, _comments_before(lines, i, floor), i, end)
                out[name] = _describe(e, lines)
            floor = end
    return out


def _block(edit: FieldEdit) -> list[str]:
    body = edit.body()
    if edit.source == "todo":
        block = ["# TODO unmapped: map it or skip it, then uncomment", "# [[fields]]"]
        return block + [f"# {b}" for b in body]
    return ["[[fields]]", *body]


def set_fields(text: str, edits: Sequence[FieldEdit]) -> str:
    """The map text with every edit's field decided, in one pass over the text: each entry
    replaced (the page and confidence comments kept, the TODO line gone) or, for a field the
    text does not mention, added at the end; ``todo`` puts an entry back as a commented-out
    TODO. FormMapError (nothing changed) when an edit lacks what its source needs."""
    problems = [p for e in edits for p in e.problems()]
    if problems:
        raise FormMapError(", ".join(dict.fromkeys(e.field for e in edits)), problems)
    last = {e.field: e for e in edits}  # a field edited twice: the later edit holds
    found = entries(text)
    lines = text.split("\n")
    replaced = sorted((found[f] for f in last if f in found), key=lambda e: -e.start)
    for old in replaced:
        keep = [x for x in lines[old.start : old.head] if not x.startswith("# TODO")]
        lines[old.start : old.end] = [*keep, *_block(last[old.field])]
    added = [e for f, e in last.items() if f not in found]
    if not added:
        return "\n".join(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    for e in added:
        lines += ["", *_block(e)]
    return "\n".join(lines) + "\n"


def set_field(text: str, edit: FieldEdit) -> str:
    """The map text with ``edit``'s field decided (:func:`set_fields` of one edit)."""
    return set_fields(text, [edit])


@dataclass(frozen=True)
class Rows:
    """A declared table: the list it repeats and the fields of each row, in column order."""

    list: str
    fields: tuple[tuple[str, ...], ...]
    section: str = ""
    columns: tuple[str, ...] = ()


def rows_of(text: str) -> list[Rows]:
    """The tables the text declares."""
    out = []
    for r in _load(text, "map").get("rows", []):
        if isinstance(r, dict) and isinstance(r.get("list"), str):
            fields = tuple(tuple(str(x) for x in row) for row in r.get("fields", []))
            columns = tuple(str(c) for c in r.get("columns", []))
            out.append(Rows(r["list"], fields, str(r.get("section", "")), columns))
    return out


def _rows_blocks(lines: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, list) of each ``[[rows]]`` block."""
    out = []
    for i, line in enumerate(lines):
        if not _ROWS.match(line):
            continue
        end, depth = i + 1, 0
        while end < len(lines):
            s = lines[end].strip()
            if depth == 0 and (not s or _HEADER.match(lines[end])):
                break
            depth += s.count("[") - s.count("]") if not s.startswith("#") else 0
            end += 1
        body = "\n".join(lines[i + 1 : end])
        try:
            name = str(tomllib.loads(body).get("list", ""))
        except tomllib.TOMLDecodeError:
            name = ""
        out.append((i, end, name))
    return out


def set_rows(text: str, rows: Rows | None, *, remove: str = "") -> str:
    """The map text with the table of ``rows.list`` declared as ``rows`` (replacing the one it
    had, and the draft's TODO that it was not declared), or, with ``rows=None``, the table of
    ``remove`` taken out."""
    name = rows.list if rows is not None else remove
    lines = text.split("\n")
    for start, end, listed in reversed(_rows_blocks(lines)):
        if listed == name:
            del lines[start:end]
    todo = f"# TODO the rows of {name} are not declared"
    lines = [x for x in lines if not x.startswith(todo)]
    if rows is None:
        return "\n".join(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    block = ["", "[[rows]]", f"list = {toml_string(rows.list)}"]
    if rows.section:
        block.append(f"section = {toml_string(clean(rows.section))}")
    if rows.columns:
        block.append(f"columns = [{', '.join(toml_string(clean(c)) for c in rows.columns)}]")
    block.append("fields = [")
    block += [f"  [{', '.join(toml_string(n) for n in row)}]," for row in rows.fields]
    block.append("]")
    return "\n".join([*lines, *block]) + "\n"


_TOP_KEY = re.compile(r"^(#\s*TODO\s+)?([a-z_]+)\s*=")


def set_header(text: str, key: str, value: str) -> str:
    """The text with the top-level ``key`` (before the first table) set to the string
    ``value``: its line replaced (a TODO line for it too), else added after ``language``."""
    lines = text.splitlines()
    first_table = next((i for i, line in enumerate(lines) if _HEADER.match(line)), len(lines))
    new = f"{key} = {toml_string(value)}"
    for i in range(first_table):
        m = _TOP_KEY.match(lines[i])
        if m and m.group(2) == key:
            lines[i] = new
            return "\n".join(lines) + "\n"
    at = next(
        (i + 1 for i in range(first_table) if (m := _TOP_KEY.match(lines[i]))
         and not m.group(1) and m.group(2) == "language"),
        first_table,
    )  # fmt: skip
    lines.insert(at, new)
    return "\n".join(lines) + "\n"
