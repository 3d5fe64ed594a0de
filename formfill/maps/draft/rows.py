"""Tables of repeated rows in a draft: the ``[[rows]]`` a drafted map declares.

The numbered rows a draft maps (child 1, child 2; a dependents table; 'Member2 First Name')
read one list item each: row k reads ``list[k]``. A list read in two rows or more, from its
first item on, is declared once, so the items beyond the last row go on the addendum instead
of being left off (form_maps/README.md, "Rows: nothing is dropped"). Only what every row fills
the same way is a column; a row after a gap is not declared, and its fields are left to a
person, since the addendum would list its item a second time.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from formfill.maps.draft.passes import reading_order
from formfill.maps.draft.suggest import Suggestion
from formfill.profile.model import vocabulary

_ITEM_REF = re.compile(r"([a-z_][a-z0-9_.]*)\[(\d+)\]")


@dataclass(frozen=True)
class DraftRows:
    list: str  # household.children, household.everyone, ...
    fields: tuple[tuple[str, ...], ...]  # per row, its fields in column order
    columns: tuple[str, ...]  # the headings, from the first row's labels
    section: str = ""  # the form's word for the rows' people, when a label said it


@lru_cache(maxsize=1)
def _lists() -> frozenset[str]:
    """Lists of the profile a table can repeat (never the entry-order household.members)."""
    return frozenset(
        p.removesuffix("[]")
        for p, info in vocabulary().items()
        if info.type == "list[object]" and p != "household.members"
    )


def _item(s: Suggestion) -> tuple[str, int] | None:
    """The one list item a mapped field reads ('household.children', 1), if it reads one."""
    refs = {(name, int(k)) for name, k in _ITEM_REF.findall(s.target) if name in _lists()}
    return refs.pop() if len(refs) == 1 else None


def _key(s: Suggestion, item: str) -> tuple[object, ...]:
    """What must be the same in each row of a column (form_map._column_key's terms)."""
    target = s.target.replace(item, "{item}")
    return (s.kind, target, tuple(s.transforms), tuple(sorted(s.options.items())), s.state)


def _heading(s: Suggestion) -> str:
    """The column's name: the words its first cell's label matched ('Social security number'),
    not the whole caption, which in a table runs into the headings beside it."""
    said = (s.said or s.label.best or s.field.name).strip(" :")
    return said[:1].upper() + said[1:]


def find_rows(sugs: list[Suggestion]) -> tuple[list[DraftRows], list[Suggestion]]:
    """The tables of the draft, and the mapped fields of rows that cannot be declared with
    them (after a gap: their item would be on the form and on the addendum)."""
    cells: dict[str, dict[int, list[Suggestion]]] = {}
    for s in sorted((s for s in sugs if s.mapped), key=reading_order):
        found = _item(s)
        if found is not None:
            cells.setdefault(found[0], {}).setdefault(found[1], []).append(s)
    tables: list[DraftRows] = []
    orphans: list[Suggestion] = []
    for name, by_row in cells.items():
        n = 0
        while n in by_row:
            n += 1
        if n < 2:
            continue
        keyed = [{_key(s, f"{name}[{k}]"): s for s in by_row[k]} for k in range(n)]
        counts = [Counter(_key(s, f"{name}[{k}]") for s in by_row[k]) for k in range(n)]
        columns = [key for key in keyed[0] if all(c.get(key) == 1 for c in counts)]
        if not columns:
            continue
        first = [keyed[0][key] for key in columns]
        # the form's word for whose rows these are ('Barn', 'Dependents'): the section
        word = next((s.qualifier for s in first if s.qualifier), "")
        tables.append(
            DraftRows(
                name,
                tuple(tuple(keyed[k][key].field.name for key in columns) for k in range(n)),
                tuple(_heading(s) for s in first),
                word[:1].upper() + word[1:],
            )
        )
        orphans += [s for k, row in sorted(by_row.items()) if k >= n for s in row]
    return tables, orphans
