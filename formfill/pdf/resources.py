"""The fonts and resources of one PDF being filled: the form's own fonts where they can draw a
value, standard fonts added once, the embedded Unicode subset for every other letter, and one
shared /Resources dictionary per font set.

``add_indirect`` here is the only use of a private part of pypdf (``PdfWriter._add_object``, to
add an indirect object); tests/pdf/test_pdf_fill.py pins it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from formfill.errors import FillError
from formfill.pdf.appearance import DA, hexstring, literal
from formfill.pdf.font import (
    STANDARD_14,
    SimpleFontMetrics,
    UnicodeFont,
    standard_name,
    winansi_fits,
)
from formfill.report import FillReport

UNI_RES = "FFUni"
HELV_RES = "FFHelv"
ZADB_RES = "FFZaDb"


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
class Doc:
    """Per-fill state: the writer, the form's fonts, and the fonts we add (created on demand)."""

    writer: PdfWriter
    acro: DictionaryObject
    font_path: str | None  # the Unicode fallback font (None: DejaVu Sans)
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
            self.uni = UnicodeFont(self.font_path)
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
    return not any(b in changed for b in text.encode("cp1252"))
