"""Fill a PDF AcroForm with pypdf so the values hold in any viewer.

For every widget it touches it draws its own appearance stream (text, comb, multi-line, choice) and
clears NeedAppearances; buttons get /V as a name on the field and /AS on every widget. Letters the
form's font cannot encode are drawn with an embedded Unicode subset (pdf_font). Hybrid XFA forms
lose their XFA packet; XFA-only forms are refused. This is the only module that uses a private part
of pypdf (``PdfWriter._add_object``, to add an indirect object); tests/test_pdf_fill.py pins it.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)
from rapidfuzz import process as fuzz_process

from formfill.errors import FillError
from formfill.pdf import flatten as pdf_flatten
from formfill.pdf.appearance import (
    DA,
    Box,
    Layout,
    hexstring,
    layout_list,
    layout_text,
    literal,
    parse_da,
)
from formfill.pdf.fields import (
    FF_COMB,
    FF_MULTILINE,
    FF_READ_ONLY,
    Field,
    Widget,
    as_dict,
    document_parts,
    iter_fields,
)
from formfill.pdf.font import (
    STANDARD_14,
    SimpleFontMetrics,
    UnicodeFont,
    standard_name,
    winansi_fits,
)
from formfill.pdf.inspect import check_fillable, open_pdf, read_bytes
from formfill.pdf.names import RawName, RawObjects, button_bytes
from formfill.report import FieldOutcome, FillReport, Status

logging.getLogger("pypdf").setLevel(logging.ERROR)

Value = str | bool
FF_EDIT = 1 << 18
UNI_RES = "FFUni"
HELV_RES = "FFHelv"
ZADB_RES = "FFZaDb"


@dataclass(frozen=True)
class FillOptions:
    write_read_only: frozenset[str] = frozenset()  # read-only fields a map explicitly fills
    font_path: str | None = None  # the Unicode fallback font (default: DejaVu Sans)


class BlankForm:
    """A blank form parsed once; fill it many times (a batch of one form for many clients)."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.data = data
        self.reader: PdfReader = open_pdf(name, data)
        root, pages = document_parts(self.reader)
        acro = as_dict(root.get("/AcroForm"))
        if "/XFA" in acro or not acro.get("/Fields"):
            # only a form that may be XFA-only or fieldless pays for a walk here; every fill
            # walks its own copy anyway and checks again (a 700-field walk is ~15% of a fill)
            check_fillable(name, root, list(iter_fields(root, pages)))
        self._spellings: dict[str, dict[str, bytes]] | None = None

    def button_spellings(self) -> dict[str, dict[str, bytes]]:
        """Field name -> {pypdf's name: the blank's bytes} for every button name pypdf would
        write with other bytes than the blank has (/S#ED, not /S#C3#AD). Read once per blank,
        and only when a fill meets a non-ASCII button name."""
        if self._spellings is None:
            root, pages = document_parts(self.reader)
            raw = RawObjects(self.reader, self.data)
            self._spellings = {}
            for f in iter_fields(root, pages):
                if f.kind in ("checkbox", "radio") and _non_ascii_names(f):
                    found = button_bytes(raw, f).spellings()
                    if found:
                        self._spellings[f.name] = found
        return self._spellings

    @classmethod
    def from_path(cls, path: Path) -> BlankForm:
        return cls(str(path), read_bytes(path))


def add_indirect(writer: PdfWriter, obj: PdfObject) -> IndirectObject:
    """Add an object to the writer and return its reference (pypdf has no public API for it)."""
    ref = writer._add_object(obj)
    if not isinstance(ref, IndirectObject):  # pragma: no cover - pinned by a test
        raise FillError("pypdf", "PdfWriter._add_object no longer returns an IndirectObject")
    return ref


class _SimpleFont:
    def __init__(self, metrics: SimpleFontMetrics) -> None:
        self.metrics = metrics
        self._em: dict[str, float] = {}  # width at 1 pt: layout asks for the same text often

    def width(self, text: str, size: float) -> float:
        em = self._em.get(text)
        if em is None:
            em = self._em[text] = self.metrics.width(text, 1.0)
        return em * size

    def operand(self, text: str) -> bytes:
        return literal(text.encode("cp1252"))


class _UniFont:
    def __init__(self, font: UnicodeFont) -> None:
        self.font = font
        self._em: dict[str, float] = {}

    def width(self, text: str, size: float) -> float:
        em = self._em.get(text)
        if em is None:
            em = self._em[text] = self.font.width(text, 1.0)
        return em * size

    def operand(self, text: str) -> bytes:
        return hexstring(self.font.encode(text))


@dataclass
class _Doc:
    """Per-fill state: the writer, the form's fonts, and the fonts we add (created on demand)."""

    writer: PdfWriter
    acro: DictionaryObject
    options: FillOptions
    report: FillReport
    dr_fonts: DictionaryObject | None
    uni: UnicodeFont | None = None
    uni_ref: IndirectObject | None = None
    helv_ref: IndirectObject | None = None
    zadb_ref: IndirectObject | None = None
    metrics_cache: dict[str, SimpleFontMetrics] = field(default_factory=dict)
    # (resource name, font object, measuring font) per font choice: one object per document
    picked: dict[str, tuple[str, PdfObject, _SimpleFont | _UniFont]] = field(default_factory=dict)
    resources_cache: dict[tuple[tuple[str, int], ...], IndirectObject] = field(default_factory=dict)

    def resources(self, fonts: dict[str, PdfObject]) -> IndirectObject:
        """One shared /Resources dictionary per font set: 700 appearances, one object."""
        key = tuple(sorted((k, id(v)) for k, v in fonts.items()))
        if key not in self.resources_cache:
            font_dict = DictionaryObject({NameObject("/" + k): v for k, v in fonts.items()})
            self.resources_cache[key] = add_indirect(
                self.writer, DictionaryObject({NameObject("/Font"): font_dict})
            )
        return self.resources_cache[key]

    def helvetica(self) -> IndirectObject:
        if self.helv_ref is None:
            self.helv_ref = add_indirect(
                self.writer, _standard_font("Helvetica", "WinAnsiEncoding")
            )
        return self.helv_ref

    def zapf(self) -> IndirectObject:
        if self.zadb_ref is None:
            self.zadb_ref = add_indirect(self.writer, _standard_font("ZapfDingbats", None))
        return self.zadb_ref

    def unicode(self) -> tuple[UnicodeFont, IndirectObject]:
        if self.uni is None or self.uni_ref is None:
            self.uni = UnicodeFont(self.options.font_path)
            self.uni_ref = add_indirect(self.writer, DictionaryObject())  # filled in finish()
        return self.uni, self.uni_ref

    def pick_font(self, da: DA, text: str) -> tuple[str, PdfObject, _SimpleFont | _UniFont]:
        """(resource name, font object, font) for drawing ``text`` with this DA."""
        form_font = self.dr_fonts.get("/" + da.font) if self.dr_fonts is not None else None
        if winansi_fits(text):
            if form_font is not None and _simple_usable(form_font.get_object(), text):
                key = "form:" + da.font
                if key not in self.picked:
                    wrapper = _SimpleFont(self._metrics(da.font, form_font.get_object()))
                    self.picked[key] = (da.font, form_font, wrapper)
                return self.picked[key]
            std = standard_name(da.font)
            if std == "Helvetica" or std not in STANDARD_14 or std in ("Symbol", "ZapfDingbats"):
                std = "Helvetica"
            key = "std:" + std
            if key not in self.picked:
                ref = (
                    self.helvetica()
                    if std == "Helvetica"
                    else add_indirect(self.writer, _standard_font(std, "WinAnsiEncoding"))
                )
                res = HELV_RES if std == "Helvetica" else "FF" + std.replace("-", "")
                self.picked[key] = (res, ref, _SimpleFont(SimpleFontMetrics(std)))
            return self.picked[key]
        uni, ref = self.unicode()
        if not uni.covers(text):
            missing = sorted({c for c in text if not uni.covers(c)})
            self.report.notes.append(
                f"the fallback font has no glyph for {''.join(missing)!r}; drawn as blank boxes"
            )
        if "uni" not in self.picked:
            self.picked["uni"] = (UNI_RES, ref, _UniFont(uni))
        return self.picked["uni"]

    def _metrics(self, name: str, fobj: DictionaryObject) -> SimpleFontMetrics:
        if name not in self.metrics_cache:
            std = standard_name(str(fobj.get("/BaseFont", "/" + name))[1:])
            widths = fobj.get("/Widths")
            if widths is not None:
                first = int(fobj.get("/FirstChar", 0))
                self.metrics_cache[name] = SimpleFontMetrics(
                    std, first, tuple(float(w) for w in widths.get_object())
                )
            else:
                self.metrics_cache[name] = SimpleFontMetrics(std)
        return self.metrics_cache[name]

    def finish(self) -> None:
        """Write the Unicode subset once every text is known (one subset per document)."""
        if self.uni is None or self.uni_ref is None:
            return
        sub = self.uni.subset()
        ff = StreamObject()
        ff._data = sub.font_file  # already Flate-compressed; set_data would re-encode it
        ff[NameObject("/Filter")] = NameObject("/FlateDecode")
        ff[NameObject("/Length1")] = NumberObject(len(zlib.decompress(sub.font_file)))
        ff_ref = add_indirect(self.writer, ff)
        tu = DecodedStreamObject()
        tu.set_data(sub.to_unicode)
        tu_ref = add_indirect(self.writer, tu)
        desc = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/FontDescriptor"),
                NameObject("/FontName"): NameObject("/" + sub.base_name),
                NameObject("/Flags"): NumberObject(32),
                NameObject("/FontBBox"): ArrayObject([NumberObject(v) for v in sub.bbox]),
                NameObject("/ItalicAngle"): NumberObject(0),
                NameObject("/Ascent"): NumberObject(sub.ascent),
                NameObject("/Descent"): NumberObject(sub.descent),
                NameObject("/CapHeight"): NumberObject(sub.cap_height),
                NameObject("/StemV"): NumberObject(80),
                NameObject("/FontFile2"): ff_ref,
            }
        )
        w = ArrayObject()
        for gid, width in sub.widths:
            w.append(NumberObject(gid))
            w.append(ArrayObject([NumberObject(width)]))
        cid = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/CIDFontType2"),
                NameObject("/BaseFont"): NameObject("/" + sub.base_name),
                NameObject("/CIDSystemInfo"): DictionaryObject(
                    {
                        NameObject("/Registry"): TextStringObject("Adobe"),
                        NameObject("/Ordering"): TextStringObject("Identity"),
                        NameObject("/Supplement"): NumberObject(0),
                    }
                ),
                NameObject("/FontDescriptor"): add_indirect(self.writer, desc),
                NameObject("/CIDToGIDMap"): NameObject("/Identity"),
                NameObject("/DW"): NumberObject(1000),
                NameObject("/W"): w,
            }
        )
        type0 = self.uni_ref.get_object()
        assert isinstance(type0, DictionaryObject)
        type0.update(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type0"),
                NameObject("/BaseFont"): NameObject("/" + sub.base_name),
                NameObject("/Encoding"): NameObject("/Identity-H"),
                NameObject("/DescendantFonts"): ArrayObject([add_indirect(self.writer, cid)]),
                NameObject("/ToUnicode"): tu_ref,
            }
        )


def _standard_font(base: str, encoding: str | None) -> DictionaryObject:
    d = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/" + base),
        }
    )
    if encoding:
        d[NameObject("/Encoding")] = NameObject("/" + encoding)
    return d


def _simple_usable(font: DictionaryObject, text: str) -> bool:
    """Can this form font draw ``text`` (already known to fit WinAnsi) with its own encoding?"""
    subtype = font.get("/Subtype")
    if subtype not in ("/Type1", "/TrueType", "/MMType1"):
        return False
    base = str(font.get("/BaseFont", ""))
    desc = font.get("/FontDescriptor")
    if desc is not None:
        d = desc.get_object()
        embedded = any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        if embedded and "+" in base:
            return False  # a subset may lack the glyphs we need
    enc = font.get("/Encoding")
    enc = enc.get_object() if enc is not None else None
    if text.isascii():
        if isinstance(enc, DictionaryObject) and "/Differences" in enc:
            return _differences_spare(enc, text)
        return True
    if enc == "/WinAnsiEncoding":
        return True
    if isinstance(enc, DictionaryObject) and enc.get("/BaseEncoding") == "/WinAnsiEncoding":
        return _differences_spare(enc, text)
    return False


def _differences_spare(enc: DictionaryObject, text: str) -> bool:
    """True when the /Differences of an encoding leave every code of ``text`` alone."""
    diffs = enc.get("/Differences")
    if diffs is None:
        return True
    changed: set[int] = set()
    code = 0
    for item in diffs.get_object():
        if isinstance(item, NumberObject | int) and not isinstance(item, NameObject):
            code = int(item)
        else:
            changed.add(code)
            code += 1
    return not any(b in changed for b in text.encode("cp1252"))


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
    doc: _Doc,
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


def _draw_text(doc: _Doc, f: Field, text: str) -> bool:
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


def _draw_list(doc: _Doc, f: Field, index: int) -> None:
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


def _button_ap(doc: _Doc, w: Widget, state: str, radio: bool) -> NameObject:
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


def _set_value(f: Field, value: PdfObject) -> None:
    """/V on the field; stale /V copies on its widgets (some forms have them) are removed,
    since readers such as pdftk would otherwise read the widget's old value."""
    f.obj[NameObject("/V")] = value
    for w in f.widgets:
        if w.obj is not f.obj and "/V" in w.obj and "/T" not in w.obj:
            del w.obj["/V"]


def _non_ascii_names(f: Field) -> bool:
    """Does a button field carry a name pypdf may spell otherwise than the file (non-ASCII)?"""
    v = f.obj.get("/V")
    names = [*f.on_states(), *(w.obj.get("/AS") for w in f.widgets), v]
    return any(n is not None and not str(n).isascii() for n in names)


def _keep_spelling(f: Field, spelt: Mapping[str, bytes]) -> None:
    """Give a button field's names (/V, /AS, the /AP /N /D /R keys) the bytes the blank spelt
    them with, as RawName: pypdf writes every name as UTF-8, and it rewrites a widget's inline
    /AP along with any /AS it changes."""

    def keep(name: PdfObject) -> PdfObject:
        raw = spelt.get(str(name)) if isinstance(name, NameObject) else None
        return RawName(str(name), raw) if raw is not None else name

    for obj in [f.obj, *(w.obj for w in f.widgets)]:
        for key in ("/V", "/AS"):
            if key in obj:
                obj[NameObject(key)] = keep(obj[key])
    for w in f.widgets:
        ap = w.obj.get("/AP")
        if ap is None:
            continue
        for key in ("/N", "/D", "/R"):
            d = ap.get_object().get(key)
            d = d.get_object() if d is not None else None
            if isinstance(d, DictionaryObject) and any(str(k) in spelt for k in d):
                items = [(keep(k), v) for k, v in d.items()]
                d.clear()  # a dict keeps its old key object on assignment: rebuild it
                for k, v in items:
                    d[k] = v


def _fill_button(doc: _Doc, f: Field, value: Value) -> FieldOutcome:
    radio = f.kind == "radio"
    states = f.on_states()
    exports = {f.export_of(s): s for s in states}
    target: NameObject | None
    if value is False:
        target = None
    elif value is True:
        if len(states) > 1:
            return FieldOutcome(
                f.name,
                Status.FAILED,
                None,
                f"field has several on-states ({', '.join(exports)}): give the one to set",
            )
        if not states:
            target = _button_ap(doc, f.widgets[0], "Yes", radio) if f.widgets else None
            if target is None:
                return FieldOutcome(f.name, Status.FAILED, None, "field has no widget")
        else:
            target = states[0]
    else:
        text = str(value).lstrip("/")
        target = exports.get(text)
        if target is None:
            target = next((s for s in states if str(s)[1:] == text), None)
        if target is None:
            choices = ", ".join(exports) or "none"
            return FieldOutcome(
                f.name, Status.FAILED, None, f"{text!r} is not one of its states ({choices})"
            )
    off = NameObject("/Off")
    _set_value(f, target if target is not None else off)
    for w in f.widgets:
        ws = w.states()
        w.obj[NameObject("/AS")] = target if (target is not None and target in ws) else off
    shown = f.export_of(target) if target is not None else "Off"
    return FieldOutcome(f.name, Status.FILLED, shown, "", f.tooltip)


def _fill_choice(doc: _Doc, f: Field, value: Value) -> FieldOutcome:
    if isinstance(value, bool):
        return FieldOutcome(f.name, Status.FAILED, None, "a choice takes an option, not true/false")
    opts = f.opt()
    text = str(value)
    index = next((i for i, (e, _) in enumerate(opts) if e == text), None)
    if index is None:
        index = next((i for i, (_, d) in enumerate(opts) if d == text), None)
        if index is not None:
            text = opts[index][0]
    if index is None and not (f.kind == "combo" and f.flags & FF_EDIT):
        sample = ", ".join(e for e, _ in opts[:8])
        return FieldOutcome(
            f.name, Status.FAILED, None, f"{text!r} is not one of its options ({sample})"
        )
    _set_value(f, TextStringObject(text))
    if index is not None:
        f.obj[NameObject("/I")] = ArrayObject([NumberObject(index)])
    elif "/I" in f.obj:
        del f.obj["/I"]
    display = opts[index][1] if index is not None else text
    if f.kind == "list" and index is not None:
        _draw_list(doc, f, index)
        overflow = False
    else:
        overflow = _draw_text(doc, f, display)
    status = Status.OVERFLOW if overflow else Status.FILLED
    reason = "does not fit its box even at the smallest font size" if overflow else ""
    return FieldOutcome(f.name, status, text, reason, f.tooltip)


def _fill_text(doc: _Doc, f: Field, value: Value) -> FieldOutcome:
    if isinstance(value, bool):
        return FieldOutcome(f.name, Status.FAILED, None, "a text field takes text, not true/false")
    text = str(value)
    maxlen = f.attrs.get("/MaxLen")
    status, reason = Status.FILLED, ""
    if maxlen is not None and len(text) > int(maxlen):
        status = Status.TRUNCATED
        reason = f"{len(text)} characters, the field holds {int(maxlen)}: stored the first ones"
        text = text[: int(maxlen)]
    _set_value(f, TextStringObject(text))
    overflow = _draw_text(doc, f, text)
    if overflow and status is Status.FILLED:
        status, reason = Status.OVERFLOW, "does not fit its box even at the smallest font size"
    return FieldOutcome(f.name, status, text, reason, f.tooltip)


def _redraw_existing(doc: _Doc, fields: list[Field], touched: set[str]) -> int:
    """Draw appearances for values already in the blank that have none (prefilled forms)."""
    n = 0
    for f in fields:
        if f.name in touched or f.kind not in ("text", "combo"):
            continue
        v = f.attrs.get("/V")
        if v is None:
            continue
        text = str(v.get_object())
        if not text or any("/AP" in w.obj for w in f.widgets):
            continue
        _draw_text(doc, f, text)
        n += 1
    return n


def _suggest(name: str, names: list[str]) -> str:
    hits = fuzz_process.extract(name, names, limit=3, score_cutoff=70)
    return f" (did you mean {', '.join(repr(h[0]) for h in hits)}?)" if hits else ""


def fill_pdf(
    blank: BlankForm, values: Mapping[str, Value], options: FillOptions | None = None
) -> tuple[bytes, FillReport]:
    """Fill ``values`` (full field name -> text, true/false, or export value) into a copy of
    the blank; returns the PDF bytes and the report of each value."""
    options = options or FillOptions()
    incremental = not blank.reader.is_encrypted
    writer = (
        PdfWriter(blank.reader, incremental=True)
        if incremental
        else PdfWriter(clone_from=blank.reader)
    )
    root, pages = document_parts(writer)
    if "/AcroForm" not in root:
        raise FillError(blank.name, "the PDF has no AcroForm")
    acro = as_dict(root["/AcroForm"])
    report = FillReport(document=blank.name)
    fields = list(iter_fields(root, pages))
    check_fillable(blank.name, root, fields)
    if "/XFA" in acro:
        del acro["/XFA"]
        report.notes.append("hybrid AcroForm+XFA form: filled through the AcroForm, XFA removed")
    if blank.reader.is_encrypted:
        report.notes.append("the blank was encrypted with an empty password; output is not")
    orphans = [f for f in fields if f.orphan]
    if orphans:
        arr = acro.get("/Fields")
        arr = arr.get_object() if arr is not None else None
        if not isinstance(arr, ArrayObject):
            arr = ArrayObject()
            acro[NameObject("/Fields")] = arr
        for f in orphans:
            ref = f.obj.indirect_reference
            if ref is not None:
                arr.append(ref)
        report.notes.append(f"{len(orphans)} widget(s) only on a page, added to the form's fields")
    dr = acro.get("/DR")
    dr_fonts = dr.get_object().get("/Font") if dr is not None else None
    doc = _Doc(
        writer=writer,
        acro=acro,
        options=options,
        report=report,
        dr_fonts=dr_fonts.get_object() if dr_fonts is not None else None,
    )
    by_name = {f.name: f for f in fields}
    names = list(by_name)
    # every button name pypdf would re-spell gets the blank's bytes, touched or not: an
    # encrypted blank is rewritten whole, and a widget is rewritten whenever its /AS changes
    if any(f.kind in ("checkbox", "radio") and _non_ascii_names(f) for f in fields):
        for fname, spelt in blank.button_spellings().items():
            if fname in by_name:
                _keep_spelling(by_name[fname], spelt)
    for name, value in values.items():
        found = by_name.get(name)
        if found is None:
            report.add(
                FieldOutcome(name, Status.FAILED, None, "no such field" + _suggest(name, names))
            )
            continue
        f = found
        if f.flags & FF_READ_ONLY and name not in options.write_read_only:
            reason = "read-only field: left as the agency set"
            report.add(FieldOutcome(name, Status.SKIPPED, None, reason, f.tooltip))
            continue
        if f.kind == "text":
            out = _fill_text(doc, f, value)
        elif f.kind in ("checkbox", "radio"):
            out = _fill_button(doc, f, value)
        elif f.kind in ("combo", "list"):
            out = _fill_choice(doc, f, value)
        else:
            out = FieldOutcome(name, Status.FAILED, None, f"a {f.kind} field cannot take a value")
        out.label = f.tooltip
        if out.status is not Status.FAILED and f.widgets and all(w.hidden for w in f.widgets):
            out.reason = (out.reason + "; " if out.reason else "") + "every widget is hidden"
        report.add(out)
    redrawn = _redraw_existing(doc, fields, set(values))
    if redrawn:
        report.notes.append(f"drew appearances for {redrawn} value(s) the blank already held")
    doc.finish()
    # we drew every appearance we touched: viewers must not redraw (qpdf refuses to flatten
    # a file that still asks for it)
    acro[NameObject("/NeedAppearances")] = BooleanObject(False)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue(), report


def flatten_pdf(name: str, data: bytes) -> bytes:
    """Burn every widget's appearance into its page and remove the form."""
    writer = PdfWriter(clone_from=open_pdf(name, data))
    _, pages = document_parts(writer)
    pdf_flatten.flatten(writer, pages, lambda o: add_indirect(writer, o))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
