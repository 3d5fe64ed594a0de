"""Compare a mapped blank form with a new version of it; migrate the map.

Fields are matched by name first; the rest by label, position and type (a renamed field keeps
its caption and its place). Each pair is checked for changes of type, options, on-states, MaxLen
and place. The migrated map carries over every mapping that is sure to hold and leaves the rest,
with the reason, to a person.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from formfill.maps.model import FormMap
from formfill.pdf.inspect import FieldInfo, FormInventory, inspect_pdf
from formfill.pdf.labels import FieldLabel, label_fields

SURE = 0.85  # a rename at or above this score is carried over; below, a person decides
MAYBE = 0.65
MOVE_TOLERANCE = 2.0  # points


@dataclass
class FieldChange:
    old: FieldInfo | None
    new: FieldInfo | None
    kind: str  # same | renamed | added | removed
    score: float = 1.0
    changes: list[str] = dc_field(default_factory=list)  # type, options, states, maxlen, moved
    old_label: str = ""
    new_label: str = ""

    @property
    def name(self) -> str:
        return (self.new or self.old).name  # type: ignore[union-attr]

    def describe(self) -> str:
        lab = self.new_label or self.old_label
        if self.kind == "added":
            return f"added    {self.new.name!r} ({lab})"  # type: ignore[union-attr]
        if self.kind == "removed":
            return f"removed  {self.old.name!r} ({lab})"  # type: ignore[union-attr]
        head = (
            f"renamed  {self.old.name!r} -> {self.new.name!r} (match {self.score:.2f}, {lab})"  # type: ignore[union-attr]
            if self.kind == "renamed"
            else f"changed  {self.name!r} ({lab})"
        )
        return head + (": " + "; ".join(self.changes) if self.changes else "")


@dataclass
class FormDiff:
    old: FormInventory
    new: FormInventory
    fields: list[FieldChange]

    def of_kind(self, kind: str) -> list[FieldChange]:
        return [c for c in self.fields if c.kind == kind]

    @property
    def changed(self) -> list[FieldChange]:
        return [c for c in self.fields if c.kind in ("same", "renamed") and c.changes]

    def summary(self) -> str:
        return (
            f"{len(self.of_kind('same'))} kept, {len(self.of_kind('renamed'))} renamed, "
            f"{len(self.of_kind('added'))} added, {len(self.of_kind('removed'))} removed, "
            f"{len(self.changed)} changed"
        )


def _changes(a: FieldInfo, b: FieldInfo) -> list[str]:
    out = []
    if a.kind != b.kind:
        out.append(f"type {a.kind} -> {b.kind}")
    if sorted(a.states) != sorted(b.states):
        out.append(f"on-states {a.states} -> {b.states}")
    if [e for e, _ in a.options] != [e for e, _ in b.options]:
        out.append("options changed")
    if a.max_len != b.max_len:
        out.append(f"MaxLen {a.max_len} -> {b.max_len}")
    if a.pages != b.pages:
        out.append(f"page {a.pages} -> {b.pages}")
    elif a.rects and b.rects:
        ra, rb = a.rects[0], b.rects[0]
        if max(abs(x - y) for x, y in zip(ra, rb, strict=True)) > MOVE_TOLERANCE:
            out.append(f"moved {ra[0]:.0f},{ra[1]:.0f} -> {rb[0]:.0f},{rb[1]:.0f}")
    return out


def _label_texts(lab: FieldLabel | None) -> list[str]:
    return lab.texts() if lab is not None else []


def _similarity(a: FieldInfo, b: FieldInfo, la: FieldLabel | None, lb: FieldLabel | None) -> float:
    if a.kind != b.kind:
        return 0.0
    ta, tb = _label_texts(la), _label_texts(lb)
    label = max((fuzz.token_set_ratio(x, y) / 100 for x in ta for y in tb), default=0.0)
    place = 0.0
    if a.pages and b.pages and a.pages[0] == b.pages[0] and a.rects and b.rects:
        ra, rb = a.rects[0], b.rects[0]
        dist = ((ra[0] - rb[0]) ** 2 + (ra[1] - rb[1]) ** 2) ** 0.5
        place = max(0.0, 1.0 - dist / 150)
    same_states = 1.0 if sorted(a.states) == sorted(b.states) and a.options == b.options else 0.5
    return 0.55 * label + 0.35 * place + 0.10 * same_states


def diff_forms(old_path: Path, new_path: Path) -> FormDiff:
    old, new = inspect_pdf(old_path), inspect_pdf(new_path)
    lo, ln = label_fields(old_path, old.fields), label_fields(new_path, new.fields)
    by_new = new.by_name()
    out: list[FieldChange] = []
    rest_old: list[FieldInfo] = []
    for f in old.fields:
        g = by_new.pop(f.name, None)
        if g is None:
            rest_old.append(f)
        else:
            out.append(FieldChange(f, g, "same", 1.0, _changes(f, g), lo[f.name].best,
                                   ln[g.name].best))  # fmt: skip
    rest_new = list(by_new.values())
    pairs = sorted(
        ((_similarity(a, b, lo.get(a.name), ln.get(b.name)), a, b)
         for a in rest_old for b in rest_new),
        key=lambda t: -t[0],
    )  # fmt: skip
    used_old: set[str] = set()
    used_new: set[str] = set()
    for score, a, b in pairs:
        if score < MAYBE or a.name in used_old or b.name in used_new:
            continue
        used_old.add(a.name)
        used_new.add(b.name)
        out.append(FieldChange(a, b, "renamed", score, _changes(a, b), lo[a.name].best,
                               ln[b.name].best))  # fmt: skip
    out += [FieldChange(a, None, "removed", 0.0, [], lo[a.name].best) for a in rest_old
            if a.name not in used_old]  # fmt: skip
    out += [FieldChange(None, b, "added", 0.0, [], "", ln[b.name].best) for b in rest_new
            if b.name not in used_new]  # fmt: skip
    return FormDiff(old, new, out)


# --- migrating the map ---------------------------------------------------------------------------


def _q(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(_q(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_q(str(k))} = {_q(x)}" for k, x in v.items()) + " }"
    return json.dumps(v, ensure_ascii=False)


_POSITIONAL = re.compile(r"\bhousehold\.members\[\d*\]")


def _entry_ok(entry: dict[str, Any], change: FieldChange) -> str | None:
    """Why a mapping cannot be carried over to the new field, or None when it can."""
    said = " ".join(str(entry.get(k, "")) for k in ("profile", "expr", "when"))
    if _POSITIONAL.search(said):
        return (
            "reads household.members[i], the order the household was entered in: say who "
            "(household.partner, household.children[i], household.others[i], "
            "household.everyone[i])"
        )
    if change.kind == "renamed" and change.score < SURE:
        return f"renamed with an unsure match ({change.score:.2f}): check it is the same field"
    new = change.new
    assert new is not None
    states = set(new.states) | {e for e, _ in new.options}
    wanted = [entry["state"]] if "state" in entry else []
    wanted += list(entry.get("options", {}).values())
    missing = [w for w in wanted if w not in states]
    if missing and states:
        return f"states {missing} are no longer offered (now {sorted(states)})"
    # a change of what the field takes needs a person even when the map still loads:
    # a moved field carries over (the report still lists the move)
    meaning = [c for c in change.changes if not c.startswith(("moved", "page"))]
    if meaning:
        return "the field changed: " + "; ".join(meaning)
    return None


def migrate_map(fmap: FormMap, diff: FormDiff, new_source: str) -> tuple[str, list[str]]:
    """The migrated map as TOML text, and what needs a person (also written as TODO comments)."""
    raw = tomllib.loads(fmap.path.read_text(encoding="utf-8"))
    by_old = {c.old.name: c for c in diff.fields if c.old is not None}
    todo: list[str] = []
    header = {k: v for k, v in raw.items() if k not in ("fields", "rows")}
    header["source"] = new_source
    header["fingerprint"] = diff.new.fingerprint
    lines = [
        f"# Migrated by `formfill map diff` from {fmap.path.name}: {diff.summary()}.",
        "# Entries marked TODO need a person; the rest carried over unchanged.",
    ]
    lines += [f"{k} = {_q(v)}" for k, v in header.items()]
    carried: dict[str, str] = {}  # old field name -> new, for fields carried without a TODO
    for entry in raw.get("fields", []):
        change = by_old.get(entry.get("field", ""))
        if change is None or change.kind == "removed":
            todo.append(f"{entry.get('field')!r}: removed from the form; its mapping is dropped")
            lines += ["", f"# TODO removed from the new form: {entry.get('field')!r} (dropped)"]
            continue
        new_entry = dict(entry)
        new_entry["field"] = change.new.name  # type: ignore[union-attr]
        problem = _entry_ok(entry, change)
        body = [f"{k} = {_q(v)}" for k, v in new_entry.items()]
        if change.kind == "renamed":
            lines += ["", f"# renamed from {change.old.name!r} ({change.score:.2f})"]  # type: ignore[union-attr]
        else:
            lines.append("")
        if problem is None:
            carried[entry["field"]] = change.new.name  # type: ignore[union-attr]
            lines += ["[[fields]]", *body]
        else:
            todo.append(f"{change.name!r}: {problem}")
            lines += [f"# TODO {problem}", "# [[fields]]", *[f"# {b}" for b in body]]
    for group in raw.get("rows", []):
        lines += _migrate_rows(group, carried, todo)
    for change in diff.of_kind("added"):
        todo.append(f"{change.new.name!r}: new field ({change.new_label}): map it or skip it")  # type: ignore[union-attr]
        lines += [
            "",
            f"# TODO new field: {change.new_label}",
            "# [[fields]]",
            f"# field = {_q(change.new.name)}",  # type: ignore[union-attr]
        ]
    return "\n".join(lines) + "\n", todo


def _migrate_rows(group: dict[str, Any], carried: dict[str, str], todo: list[str]) -> list[str]:
    """A [[rows]] declaration on the new form: its fields renamed; the leading rows whose every
    field was carried, when later rows went away (the items beyond go on the addendum); a TODO
    when its first row, or a row between carried ones, did not carry."""
    rows = group.get("fields", [])
    body = [f"{k} = {_q(v)}" for k, v in group.items() if k != "fields"]
    name = group.get("list")
    whole = [all(f in carried for f in row) for row in rows]
    kept = whole.index(False) if False in whole else len(rows)
    if kept and not any(whole[kept:]) and all(f not in carried for r in rows[kept:] for f in r):
        renamed = [[carried[f] for f in row] for row in rows[:kept]]
        out = ["", "[[rows]]", *body, f"fields = {_q(renamed)}"]
        if kept < len(rows):
            gone = f"row {kept + 1}" if kept + 1 == len(rows) else f"rows {kept + 1}-{len(rows)}"
            why = (
                f"the table of {name} lost {gone}: rows 1-{kept} declared, the items beyond "
                "go on the addendum; check the table"
            )
            todo.append(why)
            out.insert(1, f"# TODO {why}")
        return out
    why = f"the rows of {name} are no longer all on the form: declare them again"
    todo.append(why)
    return ["", f"# TODO {why}", "# [[rows]]", *[f"# {b}" for b in body],
            f"# fields = {_q(rows)}"]  # fmt: skip
