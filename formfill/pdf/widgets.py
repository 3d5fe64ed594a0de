"""Drawing a widget's appearance stream: its box and rotation, the /MK background and border,
a text or combo value (single line, multi-line, comb), a list box's options, and the on/off
appearances of a button that has none."""

from __future__ import annotations

from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    PdfObject,
)

from formfill.pdf.appearance import (
    Box,
    Layout,
    layout_list,
    layout_text,
    literal,
    parse_da,
)
from formfill.pdf.fields import FF_COMB, FF_MULTILINE, Field, Widget
from formfill.pdf.resources import ZADB_RES, Doc, add_indirect


def _box(w: Widget) -> tuple[Box, ArrayObject | None]:
    x1, y1, x2, y2 = w.rect
    width, height = x2 - x1, y2 - y1
    mk = w.obj.get("/MK")
    rot = int(mk.get_object().get("/R", 0)) % 360 if mk is not None else 0
    matrix = None
    if rot in (90, 270):
        width, height = height, width
        matrix = ArrayObject(
            [NumberObject(v) for v in ((0, 1, -1, 0, 0, 0) if rot == 90 else (0, -1, 1, 0, 0, 0))]
        )
    elif rot == 180:
        matrix = ArrayObject([NumberObject(v) for v in (-1, 0, 0, -1, 0, 0)])
    border = 1.0
    bs = w.obj.get("/BS")
    if bs is not None and "/W" in bs.get_object():
        border = float(bs.get_object()["/W"])
    elif "/Border" in w.obj:
        b = w.obj["/Border"].get_object()
        if isinstance(b, ArrayObject) and len(b) >= 3:
            border = float(b[2])
    if mk is None or "/BC" not in mk.get_object():
        border = min(border, 1.0)
    return Box(width=width, height=height, border=border), matrix


def _color_op(arr: PdfObject, stroke: bool) -> str | None:
    obj = arr.get_object()
    if not isinstance(obj, ArrayObject):
        return None
    vals = [float(v) for v in obj]
    op = {1: "G", 3: "RG", 4: "K"}.get(len(vals))
    if op is None:
        return None
    return " ".join(f"{v:g}" for v in vals) + " " + (op if stroke else op.lower())


def _decoration(w: Widget, box: Box) -> bytes:
    """Background and border from /MK, drawn under the text as viewers do."""
    mk = w.obj.get("/MK")
    if mk is None:
        return b""
    mk = mk.get_object()
    out = []
    if "/BG" in mk:
        op = _color_op(mk["/BG"], stroke=False)
        if op:
            out.append(f"q {op} 0 0 {box.width:g} {box.height:g} re f Q")
    if "/BC" in mk and box.border > 0:
        op = _color_op(mk["/BC"], stroke=True)
        if op:
            b = box.border
            out.append(
                f"q {op} {b:g} w {b / 2:g} {b / 2:g} {box.width - b:g} {box.height - b:g} re S Q"
            )
    return ("\n".join(out) + "\n").encode() if out else b""


def _set_appearance(
    doc: Doc,
    w: Widget,
    content: bytes,
    box: Box,
    matrix: ArrayObject | None,
    fonts: dict[str, PdfObject],
) -> None:
    stream = DecodedStreamObject()
    stream.set_data(_decoration(w, box) + content)
    stream[NameObject("/Type")] = NameObject("/XObject")
    stream[NameObject("/Subtype")] = NameObject("/Form")
    stream[NameObject("/BBox")] = ArrayObject(
        [FloatObject(0), FloatObject(0), FloatObject(box.width), FloatObject(box.height)]
    )
    if matrix is not None:
        stream[NameObject("/Matrix")] = matrix
    stream[NameObject("/Resources")] = doc.resources(fonts)
    w.obj[NameObject("/AP")] = DictionaryObject(
        {NameObject("/N"): add_indirect(doc.writer, stream)}
    )


def draw_text(doc: Doc, f: Field, text: str) -> bool:
    """Draw every visible widget of a text or combo field; True if the text overflowed."""
    da = parse_da(str(f.attrs.get("/DA", "/Helv 0 Tf 0 g")))
    res, fobj, font = doc.pick_font(da, text)
    ff = f.flags
    maxlen = f.attrs.get("/MaxLen")
    comb = int(maxlen) if (ff & FF_COMB and maxlen is not None and f.kind == "text") else None
    quadding = int(f.attrs.get("/Q", 0))
    overflow = False
    for w in f.widgets:
        if w.hidden:
            continue
        wq = int(w.obj.get("/Q", quadding))
        box, matrix = _box(w)
        lay: Layout = layout_text(
            text,
            font,
            res,
            da,
            box,
            quadding=wq,
            multiline=bool(ff & FF_MULTILINE) and f.kind == "text",
            comb=comb,
        )
        overflow = overflow or lay.overflow
        _set_appearance(doc, w, lay.content, box, matrix, {res: fobj})
    return overflow


def draw_list(doc: Doc, f: Field, index: int) -> None:
    opts = f.opt()
    displays = [d for _, d in opts]
    da = parse_da(str(f.attrs.get("/DA", "/Helv 0 Tf 0 g")))
    res, fobj, font = doc.pick_font(da, "".join(displays))
    for w in f.widgets:
        if w.hidden:
            continue
        box, matrix = _box(w)
        lay = layout_list(displays, {index}, font, res, da, box)
        _set_appearance(doc, w, lay.content, box, matrix, {res: fobj})


def button_ap(doc: Doc, w: Widget, state: str, radio: bool) -> NameObject:
    """Give a widget without appearances an on-state and /Off appearance (ZapfDingbats)."""
    box, matrix = _box(w)
    mk = w.obj.get("/MK")
    ca = str(mk.get_object().get("/CA", "")) if mk is not None else ""
    glyph = ca[:1] if ca else ("l" if radio else "4")
    size = min(box.width, box.height) * 0.8
    on = (
        f"q 0 g BT /{ZADB_RES} {size:g} Tf {(box.width - size * 0.75) / 2:g} "
        f"{(box.height - size * 0.7) / 2:g} Td ".encode()
        + literal(glyph.encode("latin-1", "replace"))
        + b" Tj ET Q\n"
    )
    name = NameObject("/" + state)
    streams = {}
    for st, content in ((name, on), (NameObject("/Off"), b"")):
        s = DecodedStreamObject()
        s.set_data(_decoration(w, box) + content)
        s[NameObject("/Type")] = NameObject("/XObject")
        s[NameObject("/Subtype")] = NameObject("/Form")
        s[NameObject("/BBox")] = ArrayObject(
            [FloatObject(v) for v in (0, 0, box.width, box.height)]
        )
        if matrix is not None:
            s[NameObject("/Matrix")] = matrix
        s[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/" + ZADB_RES): doc.zapf()})}
        )
        streams[st] = add_indirect(doc.writer, s)
    w.obj[NameObject("/AP")] = DictionaryObject(
        {NameObject("/N"): DictionaryObject({k: v for k, v in streams.items()})}
    )
    return name
