"""What the map editor shows of one form version: every field of the blank, numbered in form
order, with its boxes on the pages (as fractions of the page, so any image size fits), what the
blank says of it (type, tooltip, states, options, MaxLen) and what the map decides (mapped,
skipped or TODO, with the draft's label, confidence and reason).

The web draws this; it holds no web code, so a test reads the same figures the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from formfill.maps.check import blank_views
from formfill.maps.edit import Entry, entries, rows_of
from formfill.pdf.fields import document_parts, iter_fields
from formfill.pdf.inspect import open_pdf

__all__ = ["Box", "EditorField", "Sheet", "boxes_of", "sheet"]

# a box thinner than this fraction of the page is drawn this big, so it can be clicked
MIN_BOX = 0.012


@dataclass(frozen=True)
class Box:
    """A widget's place on its page, as fractions of the page from its top left corner."""

    page: int  # 1-based
    left: float
    top: float
    width: float
    height: float


@dataclass
class EditorField:
    number: int  # 1-based, form order: the number drawn in the box
    name: str
    kind: str
    tooltip: str = ""
    states: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)
    max_len: int | None = None
    read_only: bool = False
    boxes: list[Box] = field(default_factory=list)
    entry: Entry | None = None
    row: str = ""  # the list of the table the field is a row cell of

    @property
    def status(self) -> str:
        """mapped | skipped | todo"""
        if self.entry is None or not self.entry.active:
            return "todo"
        return "skipped" if self.entry.source == "skip" else "mapped"

    @property
    def label(self) -> str:
        return (self.entry.label if self.entry else "") or self.tooltip or self.name

    @property
    def pages(self) -> list[int]:
        return sorted({b.page for b in self.boxes})

    @property
    def target(self) -> str:
        """What the entry says the field holds (its path, condition, value or skip reason)."""
        if self.entry is None:
            return ""
        data: dict[str, Any] = self.entry.data
        for key in ("profile", "when", "expr", "value", "skip"):
            if key in data:
                return str(data[key])
        return self.entry.guess


@dataclass
class Sheet:
    kind: str
    pages: int
    fields: list[EditorField]
    ratios: list[float] = field(default_factory=list)  # each page's height / width

    def counts(self) -> dict[str, int]:
        out = {"mapped": 0, "skipped": 0, "todo": 0}
        for f in self.fields:
            out[f.status] += 1
        return out

    def by_name(self) -> dict[str, EditorField]:
        return {f.name: f for f in self.fields}

    def next_todo(self, after: str = "") -> EditorField | None:
        """The first field still to decide after ``after`` (wrapping round), or None."""
        names = [f.name for f in self.fields]
        start = names.index(after) + 1 if after in names else 0
        for f in self.fields[start:] + self.fields[:start]:
            if f.status == "todo":
                return f
        return None


def boxes_of(name: str, data: bytes) -> tuple[dict[str, list[Box]], list[float]]:
    reader = open_pdf(name, data)
    root, pages = document_parts(reader)
    frames = []
    for page in reader.pages:
        box = page.cropbox
        frames.append((float(box.left), float(box.bottom), float(box.width), float(box.height)))
    out: dict[str, list[Box]] = {}
    for f in iter_fields(root, pages):
        for w in f.widgets:
            if w.page is None or w.page >= len(frames):
                continue
            x0, y0, pw, ph = frames[w.page]
            a, b, c, d = (float(v) for v in w.rect)
            left, right = sorted((a, c))
            bottom, top = sorted((b, d))
            width = max((right - left) / pw, MIN_BOX)
            height = max((top - bottom) / ph, MIN_BOX)
            out.setdefault(f.name, []).append(
                Box(w.page + 1, (left - x0) / pw, (y0 + ph - top) / ph, width, height)
            )
    return out, [h / w if w else 1.0 for _x, _y, w, h in frames]


def sheet(kind: str, blank_name: str, blank: bytes, map_text: str) -> Sheet:
    """The editor's view of a version: the blank's fields (in form order) beside the map."""
    views, _fp = blank_views(kind, blank_name, blank)
    boxes, ratios = boxes_of(blank_name, blank) if kind == "pdf" else ({}, [])
    found = entries(map_text)
    in_rows = {n: r.list for r in rows_of(map_text) for row in r.fields for n in row}
    out = []
    for i, (name, view) in enumerate(views.items(), 1):
        v: Any = view
        out.append(
            EditorField(
                number=i,
                name=name,
                kind=str(getattr(v, "kind", "text")),
                tooltip=str(getattr(v, "tooltip", "") or ""),
                states=list(getattr(v, "states", []) or []),
                options=list(getattr(v, "options", []) or []),
                max_len=getattr(v, "max_len", None),
                read_only=bool(getattr(v, "read_only", False)),
                boxes=boxes.get(name, []),
                entry=found.get(name),
                row=in_rows.get(name, ""),
            )
        )
    return Sheet(kind, len(ratios), out, ratios)
