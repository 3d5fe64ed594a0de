"""Walk the AcroForm of a pypdf document: terminal fields, inherited attributes, widgets, pages.

Shared by formfill.pdf.inspect (on a reader) and formfill.pdf.fill (on a writer). One pass over
the field tree and one over the pages' /Annots, so the cost is linear in fields + widgets. Widgets
that only a page's /Annots reaches (not /AcroForm /Fields) are found too and marked ``orphan``.
How the file itself spells button names is formfill.pdf.names.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
)

# field flags (PDF 32000-1, 12.7.3.1, 12.7.4)
FF_READ_ONLY = 1
FF_REQUIRED = 1 << 1
FF_MULTILINE = 1 << 12
FF_PASSWORD = 1 << 13
FF_NO_TOGGLE_OFF = 1 << 14
FF_RADIO = 1 << 15
FF_PUSH = 1 << 16
FF_COMBO = 1 << 17
FF_FILE_SELECT = 1 << 20
FF_COMB = 1 << 24
# annotation flags
AF_HIDDEN = 1 << 1
AF_NO_VIEW = 1 << 5

INHERITABLE = ("/FT", "/Ff", "/DA", "/Q", "/MaxLen", "/Opt", "/V", "/DV", "/TU")


@dataclass
class Widget:
    obj: DictionaryObject
    page: int | None  # 0-based page index, None when no page's /Annots holds it
    ref: tuple[int, int] | None  # (idnum, generation) when indirect

    @property
    def rect(self) -> tuple[float, float, float, float]:
        r = self.obj.get("/Rect")
        if not isinstance(r, ArrayObject) or len(r) != 4:
            return (0.0, 0.0, 0.0, 0.0)
        x1, y1, x2, y2 = (float(v) for v in r)
        return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))

    @property
    def hidden(self) -> bool:
        flags = int(self.obj.get("/F", 0))
        x1, y1, x2, y2 = self.rect
        return bool(flags & (AF_HIDDEN | AF_NO_VIEW)) or (x2 - x1) <= 0 or (y2 - y1) <= 0

    def states(self) -> list[NameObject]:
        """The on-state names of this widget's normal appearance (everything but /Off)."""
        ap = self.obj.get("/AP")
        if ap is None:
            return []
        normal = ap.get_object().get("/N")
        if normal is None:
            return []
        normal = normal.get_object()
        if not isinstance(normal, DictionaryObject):
            return []
        return [k if isinstance(k, NameObject) else NameObject(k) for k in normal if k != "/Off"]


@dataclass
class Field:
    name: str
    obj: DictionaryObject  # the terminal field dictionary (may be the widget itself)
    attrs: dict[str, Any]  # inherited attributes resolved: /FT /Ff /DA /Q /MaxLen /Opt /V ...
    widgets: list[Widget] = field(default_factory=list)
    orphan: bool = False  # reached only through a page's /Annots

    @property
    def ft(self) -> str | None:
        v = self.attrs.get("/FT")
        return str(v) if v is not None else None

    @property
    def flags(self) -> int:
        return int(self.attrs.get("/Ff", 0))

    @property
    def kind(self) -> str:
        ft, ff = self.ft, self.flags
        if ft == "/Tx":
            return "text"
        if ft == "/Btn":
            if ff & FF_PUSH:
                return "push"
            return "radio" if ff & FF_RADIO else "checkbox"
        if ft == "/Ch":
            return "combo" if ff & FF_COMBO else "list"
        if ft == "/Sig":
            return "signature"
        return "unknown"

    def opt(self) -> list[tuple[str, str]]:
        """(export value, display text) of /Opt, in order."""
        raw = self.attrs.get("/Opt")
        if raw is None:
            return []
        out: list[tuple[str, str]] = []
        for item in raw.get_object():
            item = item.get_object()
            if isinstance(item, ArrayObject) and len(item) >= 2:
                out.append((str(item[0].get_object()), str(item[1].get_object())))
            else:
                out.append((str(item), str(item)))
        return out

    def on_states(self) -> list[NameObject]:
        seen: list[NameObject] = []
        for w in self.widgets:
            for s in w.states():
                if s not in seen:
                    seen.append(s)
        return seen

    def export_of(self, state: NameObject) -> str:
        """The export value a button state stands for: /Opt translated, slash dropped."""
        s = str(state)[1:]
        opts = self.opt()
        if opts and s.isdigit() and int(s) < len(opts):
            return opts[int(s)][0]
        return s

    @property
    def tooltip(self) -> str:
        tu = self.attrs.get("/TU")
        return str(tu) if tu is not None else ""


def as_dict(obj: object) -> DictionaryObject:
    """The dictionary an object or reference stands for; an empty one for anything else."""
    if isinstance(obj, PdfObject):
        obj = obj.get_object()
    return obj if isinstance(obj, DictionaryObject) else DictionaryObject()


def document_parts(doc: object) -> tuple[DictionaryObject, list[DictionaryObject]]:
    """(catalog, pages) of a PdfReader or PdfWriter."""
    trailer = getattr(doc, "trailer", None)
    if trailer is not None:
        root = as_dict(trailer["/Root"])
    else:
        root = as_dict(doc.root_object)  # type: ignore[attr-defined]
    pages = [as_dict(p) for p in doc.pages]  # type: ignore[attr-defined]
    return root, pages


def _ref(item: PdfObject) -> tuple[int, int] | None:
    if isinstance(item, IndirectObject):
        return (item.idnum, item.generation)
    ref = getattr(item, "indirect_reference", None)
    if isinstance(ref, IndirectObject):
        return (ref.idnum, ref.generation)
    return None


def _partial_name(obj: DictionaryObject) -> str | None:
    t = obj.get("/T")
    return None if t is None else str(t.get_object())


def _is_field_node(obj: DictionaryObject) -> bool:
    """A kid with a partial name is a field; one without is a widget of its parent."""
    return "/T" in obj


def iter_fields(root: DictionaryObject, pages: list[DictionaryObject]) -> Iterator[Field]:
    """Every terminal field of the document, with widgets and their pages, in tree order;
    orphan widgets (only in a page's /Annots) after them."""
    page_of: dict[tuple[int, int], int] = {}
    page_annots: list[list[tuple[PdfObject, DictionaryObject]]] = []
    for i, page in enumerate(pages):
        items: list[tuple[PdfObject, DictionaryObject]] = []
        annots = page.get("/Annots")
        if annots is not None:
            for a in annots.get_object():
                obj = a.get_object()
                if isinstance(obj, DictionaryObject) and obj.get("/Subtype") == "/Widget":
                    items.append((a, obj))
                    r = _ref(a)
                    if r is not None:
                        page_of[r] = i
        page_annots.append(items)

    seen: set[tuple[int, int]] = set()
    seen_ids: set[int] = set()
    out: list[Field] = []
    acro = root.get("/AcroForm")
    fields_arr = acro.get_object().get("/Fields") if acro is not None else None

    def visit(item: PdfObject, parent: str, inherited: dict[str, Any], depth: int) -> None:
        obj = item.get_object()
        if not isinstance(obj, DictionaryObject) or depth > 64:
            return
        r = _ref(item)
        if r is not None:
            if r in seen:
                return  # a cycle or a field listed twice
            seen.add(r)
        seen_ids.add(id(obj))
        part = _partial_name(obj)
        name = parent if part is None else (f"{parent}.{part}" if parent else part)
        attrs = dict(inherited)
        for key in INHERITABLE:
            if key in obj:
                attrs[key] = obj[key]
        kids = obj.get("/Kids")
        kid_items = list(kids.get_object()) if kids is not None else []
        field_kids = [k for k in kid_items if _is_field_node(k.get_object())]
        if field_kids:
            for k in field_kids:
                visit(k, name, attrs, depth + 1)
            widget_kids = [k for k in kid_items if not _is_field_node(k.get_object())]
            if not widget_kids:
                return
            kid_items = widget_kids
        f = Field(name=name, obj=obj, attrs=attrs)
        targets = kid_items or [item]
        for k in targets:
            kr = _ref(k)
            if kr is not None:
                seen.add(kr)
            wobj = k.get_object()
            seen_ids.add(id(wobj))
            f.widgets.append(Widget(wobj, page_of.get(kr) if kr else None, kr))
        out.append(f)

    if fields_arr is not None:
        for item in fields_arr.get_object():
            visit(item, "", {}, 0)

    # orphan widgets: reachable from a page only
    by_name = {f.name: f for f in out}
    for i, items in enumerate(page_annots):
        for a, obj in items:
            r = _ref(a)
            if (r is not None and r in seen) or id(obj) in seen_ids:
                continue
            seen_ids.add(id(obj))
            # climb /Parent to the terminal field and build the full name
            term = obj if "/T" in obj else obj.get("/Parent")
            if term is None:
                continue
            term = as_dict(term)
            chain: list[DictionaryObject] = []
            node: DictionaryObject | None = term
            while node is not None and len(chain) < 64:
                chain.append(node)
                p = node.get("/Parent")
                node = as_dict(p) if p is not None else None
            attrs = {}
            names = []
            for n in reversed(chain):
                for key in INHERITABLE:
                    if key in n:
                        attrs[key] = n[key]
                pn = _partial_name(n)
                if pn is not None:
                    names.append(pn)
            name = ".".join(names)
            if not name:
                continue
            if name in by_name:
                by_name[name].widgets.append(Widget(obj, i, r))
                continue
            f = Field(name=name, obj=term, attrs=attrs, orphan=True)
            f.widgets.append(Widget(obj, i, r))
            by_name[name] = f
            out.append(f)
    yield from out
