"""Burn widget appearances into the page content and remove the form (flatten).

Each widget's normal appearance (the one its /AS selects, for buttons) is drawn as a form XObject
at its rectangle, using the algorithm of PDF 32000-1 12.5.5: the appearance's /BBox transformed by
its /Matrix is mapped onto /Rect. Page /Rotate needs nothing extra: the widget rectangle and the
page content live in the same unrotated user space. Hidden widgets are dropped, not drawn.
"""

from __future__ import annotations

from collections.abc import Callable

from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from formfill.pdf.fields import AF_HIDDEN, AF_NO_VIEW, as_dict

AddIndirect = Callable[[PdfObject], IndirectObject]


def _matrix(stream: StreamObject) -> tuple[float, ...]:
    m = stream.get("/Matrix")
    if m is None:
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    vals = tuple(float(v) for v in m.get_object())
    return vals if len(vals) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def placement(stream: StreamObject, rect: tuple[float, float, float, float]) -> tuple[float, ...]:
    """The cm matrix that puts the appearance's transformed BBox onto the rectangle."""
    bbox = [float(v) for v in stream.get("/BBox", [0, 0, 0, 0])]
    a, b, c, d, e, f = _matrix(stream)
    corners = [(bbox[0], bbox[1]), (bbox[2], bbox[1]), (bbox[0], bbox[3]), (bbox[2], bbox[3])]
    xs = [a * x + c * y + e for x, y in corners]
    ys = [b * x + d * y + f for x, y in corners]
    bx0, bx1, by0, by1 = min(xs), max(xs), min(ys), max(ys)
    rx0, ry0, rx1, ry1 = rect
    sx = (rx1 - rx0) / (bx1 - bx0) if bx1 > bx0 else 1.0
    sy = (ry1 - ry0) / (by1 - by0) if by1 > by0 else 1.0
    return (sx, 0.0, 0.0, sy, rx0 - sx * bx0, ry0 - sy * by0)


def _appearance(widget: DictionaryObject) -> StreamObject | None:
    ap = widget.get("/AP")
    if ap is None:
        return None
    n = ap.get_object().get("/N")
    if n is None:
        return None
    n = n.get_object()
    if isinstance(n, StreamObject):
        return n
    if isinstance(n, DictionaryObject):
        state = widget.get("/AS")
        if state is None or state not in n:
            return None
        s = n[state].get_object()
        return s if isinstance(s, StreamObject) else None
    return None


def _resources(page: DictionaryObject) -> DictionaryObject:
    node: DictionaryObject | None = page
    while node is not None:
        if "/Resources" in node:
            res = as_dict(node["/Resources"])
            if node is not page:
                res = DictionaryObject(res)  # do not alter resources shared through the tree
                page[NameObject("/Resources")] = res
            return res
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    res = DictionaryObject()
    page[NameObject("/Resources")] = res
    return res


def _fmt(v: float) -> str:
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


def flatten(writer: object, pages: list[DictionaryObject], add: AddIndirect) -> int:
    """Flatten every widget of every page; remove /AcroForm. Returns how many were burned."""
    burned = 0
    for pno, page in enumerate(pages):
        annots_ref = page.get("/Annots")
        if annots_ref is None:
            continue
        annots = annots_ref.get_object()
        keep = ArrayObject()
        draws: list[str] = []
        xobjects: dict[str, PdfObject] = {}
        for item in annots:
            a = item.get_object()
            if not isinstance(a, DictionaryObject) or a.get("/Subtype") != "/Widget":
                keep.append(item)
                continue
            if int(a.get("/F", 0)) & (AF_HIDDEN | AF_NO_VIEW):
                continue
            stream = _appearance(a)
            rect = a.get("/Rect")
            if stream is None or rect is None:
                continue
            r = [float(v) for v in rect]
            box = (min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3]))
            m = placement(stream, box)
            name = f"FFw{pno}_{burned}"
            if "/Type" not in stream:
                stream[NameObject("/Type")] = NameObject("/XObject")
            if "/Subtype" not in stream:
                stream[NameObject("/Subtype")] = NameObject("/Form")
            ref = stream.indirect_reference
            xobjects[name] = ref if ref is not None else add(stream)
            draws.append(f"q {' '.join(_fmt(v) for v in m)} cm /{name} Do Q")
            burned += 1
        if draws:
            res = _resources(page)
            xo = res.get("/XObject")
            xo_dict = DictionaryObject() if xo is None else xo.get_object()
            if xo is not None and isinstance(xo, IndirectObject):
                xo_dict = DictionaryObject(xo_dict)
            for k, v in xobjects.items():
                xo_dict[NameObject("/" + k)] = v
            res[NameObject("/XObject")] = xo_dict
            before = DecodedStreamObject()
            before.set_data(b"q\n")
            after = DecodedStreamObject()
            after.set_data(("\nQ\n" + "\n".join(draws) + "\n").encode())
            contents = page.get("/Contents")
            parts = ArrayObject([add(before)])
            if contents is not None:
                c = contents.get_object()
                if isinstance(c, ArrayObject):
                    parts.extend(c)
                else:
                    parts.append(contents)
            parts.append(add(after))
            page[NameObject("/Contents")] = parts
        if len(keep):
            page[NameObject("/Annots")] = keep
        else:
            del page["/Annots"]
    root = getattr(writer, "root_object", None)
    if isinstance(root, DictionaryObject) and "/AcroForm" in root:
        del root["/AcroForm"]
    return burned
