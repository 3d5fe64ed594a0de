"""Fonts for field appearances: widths of the form's own fonts, and a Unicode fallback font.

A field's DA font is used only when every character of the value fits its encoding (WinAnsi) and
the font is not a subset that may lack the glyphs. Otherwise the text is drawn with a TrueType font
from a Debian package (DejaVu Sans by default), embedded as a subset: a Type0 font with Identity-H
encoding over a CIDFontType2 whose glyph ids are the original ones (retain_gids), with widths and
a ToUnicode map so text extraction reads the letters back. This module builds the bytes and
numbers; pdf_fill turns them into PDF objects.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont
from reportlab.pdfbase import pdfmetrics

from formfill.errors import FillError

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
)

# base font names of the standard 14 (and their usual AcroForm aliases) -> reportlab metrics
STANDARD_ALIASES = {
    "Helv": "Helvetica",
    "HeBo": "Helvetica-Bold",
    "HeOb": "Helvetica-Oblique",
    "TiRo": "Times-Roman",
    "TiBo": "Times-Bold",
    "TiIt": "Times-Italic",
    "Cour": "Courier",
    "CoBo": "Courier-Bold",
    "ZaDb": "ZapfDingbats",
    "Symb": "Symbol",
}
STANDARD_14 = {
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-Oblique",
    "Helvetica-BoldOblique",
    "Times-Roman",
    "Times-Bold",
    "Times-Italic",
    "Times-BoldItalic",
    "Courier",
    "Courier-Bold",
    "Courier-Oblique",
    "Courier-BoldOblique",
    "Symbol",
    "ZapfDingbats",
}


def is_available() -> bool:
    """True when a Unicode fallback font is installed (Debian: fonts-dejavu-core)."""
    return any(Path(p).exists() for p in FONT_CANDIDATES)


def standard_name(base_font: str) -> str:
    """The standard-14 font whose metrics stand in for a form font (Arial -> Helvetica...)."""
    name = base_font.split("+", 1)[-1]
    if name in STANDARD_14:
        return name
    if name in STANDARD_ALIASES:
        return STANDARD_ALIASES[name]
    low = name.lower()
    bold = "bold" in low or low.endswith("-bd") or "heavy" in low or "black" in low
    if "courier" in low or "mono" in low:
        return "Courier-Bold" if bold else "Courier"
    if "times" in low or "roman" in low or ("serif" in low and "sans" not in low):
        return "Times-Bold" if bold else "Times-Roman"
    return "Helvetica-Bold" if bold else "Helvetica"


def winansi_fits(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class SimpleFontMetrics:
    """Widths of a simple (one-byte) font: its /Widths where it has them, else standard-14 AFM."""

    standard: str
    first_char: int = 0
    widths: tuple[float, ...] = ()

    def width(self, text: str, size: float) -> float:
        if not self.widths:
            return float(pdfmetrics.stringWidth(text, self.standard, size))
        total = 0.0
        for ch in text.encode("cp1252", "replace"):
            i = ch - self.first_char
            w = self.widths[i] if 0 <= i < len(self.widths) else 0.0
            if w <= 0:
                w = float(pdfmetrics.stringWidth(chr(ch), self.standard, 1000))
            total += w
        return total * size / 1000.0


@dataclass(frozen=True)
class _LoadedFont:
    path: str
    data: bytes
    cmap: dict[int, str]  # code point -> glyph name
    gid: dict[str, int]  # glyph name -> glyph id
    advance: dict[str, int]  # glyph name -> advance width in font units
    units_per_em: int
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    ps_name: str


@lru_cache(maxsize=4)
def _load(path: str) -> _LoadedFont:
    data = Path(path).read_bytes()
    tt = TTFont(io.BytesIO(data), lazy=True)
    cmap = dict(tt.getBestCmap())
    order = tt.getGlyphOrder()
    gid = {n: i for i, n in enumerate(order)}
    hmtx = tt["hmtx"].metrics
    advance = {n: int(hmtx[n][0]) for n in order}
    head, hhea = tt["head"], tt["hhea"]
    os2 = tt["OS/2"] if "OS/2" in tt else None
    cap = int(getattr(os2, "sCapHeight", 0) or hhea.ascent * 0.7)
    ps = str(tt["name"].getDebugName(6) or Path(path).stem).replace(" ", "")
    return _LoadedFont(
        path=path,
        data=data,
        cmap=cmap,
        gid=gid,
        advance=advance,
        units_per_em=int(head.unitsPerEm),
        ascent=int(hhea.ascent),
        descent=int(hhea.descent),
        cap_height=cap,
        bbox=(int(head.xMin), int(head.yMin), int(head.xMax), int(head.yMax)),
        ps_name=ps,
    )


def find_font_file(preferred: str | None = None) -> str:
    for p in ((preferred,) if preferred else ()) + FONT_CANDIDATES:
        if p and Path(p).exists():
            return p
    raise FillError(
        "font",
        "no Unicode font found for letters outside WinAnsi (install fonts-dejavu-core)",
    )


@dataclass(frozen=True)
class SubsetFont:
    """What pdf_fill needs to write a Type0 font: all plain data."""

    base_name: str  # "ABCDEF+DejaVuSans"
    font_file: bytes  # the TrueType subset (glyph ids retained), zlib-compressed
    widths: list[tuple[int, int]]  # (gid, width in 1/1000 em)
    to_unicode: bytes  # the CMap program
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]


class UnicodeFont:
    """The fallback font: measure and encode text as glyph ids; subset once per document."""

    def __init__(self, path: str | None = None) -> None:
        self.font = _load(find_font_file(path))
        self.used: dict[int, str] = {}  # gid -> the character it draws

    def _scale(self, v: int) -> int:
        return round(v * 1000 / self.font.units_per_em)

    def covers(self, text: str) -> bool:
        return all(ord(c) in self.font.cmap for c in text if c not in "\r\n\t")

    def gids(self, text: str) -> list[int]:
        out = []
        for ch in text:
            name = self.font.cmap.get(ord(ch), ".notdef")
            g = self.font.gid.get(name, 0)
            out.append(g)
            self.used.setdefault(g, ch)
        return out

    def encode(self, text: str) -> bytes:
        """The Identity-H byte string of the text (two bytes per glyph id)."""
        return b"".join(g.to_bytes(2, "big") for g in self.gids(text))

    def width(self, text: str, size: float) -> float:
        f = self.font
        units = sum(f.advance.get(f.cmap.get(ord(c), ".notdef"), 0) for c in text)
        return units * size / f.units_per_em

    def ascent(self, size: float) -> float:
        return self.font.ascent * size / self.font.units_per_em

    def subset(self) -> SubsetFont:
        """The font program to embed, Flate-compressed: the process-wide European Latin subset
        when it has every glyph used (the usual case: subsetting once per process, not once per
        document, is what keeps a fill near pypdf's bare read-and-write), else a subset of
        exactly the glyphs used."""
        f = self.font
        gids = sorted(set(self.used) | {0})
        latin_gids, latin_file, latin_tag = _latin_subset(f.path)
        if latin_gids.issuperset(gids):
            tag, font_file = latin_tag, latin_file
        else:
            font_file = _subset_program(f.data, gids)
            tag = _tag(gids)
        order = list(f.gid)
        widths = [(g, self._scale(f.advance[order[g]])) for g in gids if g < len(order)]
        return SubsetFont(
            base_name=f"{tag}+{f.ps_name}",
            font_file=font_file,
            widths=widths,
            to_unicode=to_unicode_cmap({g: c for g, c in self.used.items() if g != 0}),
            ascent=self._scale(f.ascent),
            descent=self._scale(f.descent),
            cap_height=self._scale(f.cap_height),
            bbox=(
                self._scale(f.bbox[0]),
                self._scale(f.bbox[1]),
                self._scale(f.bbox[2]),
                self._scale(f.bbox[3]),
            ),
        )


# Latin-1 Supplement, Latin Extended-A and -B (Nordic, Sámi, Dutch, Polish, Baltic, Czech,
# Romanian... letters), punctuation a form needs, the euro sign
LATIN_CODEPOINTS = (
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x2010, 0x2027),
    0x20AC,
    0x2116,
)


def _tag(gids: list[int]) -> str:
    return "".join(chr(65 + b % 26) for b in hashlib.sha256(repr(gids).encode()).digest()[:6])


def _subset_program(data: bytes, gids: list[int]) -> bytes:
    """A TrueType subset keeping glyph ids (so CIDToGIDMap stays Identity), zlib-compressed."""
    tt = TTFont(io.BytesIO(data), lazy=True)
    opts = ft_subset.Options()
    opts.retain_gids = True
    opts.notdef_outline = True
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.layout_features = []
    opts.hinting = False
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "DSIG", "MATH"]
    sub = ft_subset.Subsetter(opts)
    sub.populate(gids=gids)
    sub.subset(tt)
    buf = io.BytesIO()
    tt.save(buf)
    return zlib.compress(buf.getvalue(), 6)


@lru_cache(maxsize=4)
def _latin_subset(path: str) -> tuple[frozenset[int], bytes, str]:
    """(glyph ids, compressed program, tag) of the European Latin subset, built once."""
    f = _load(path)
    gids = sorted(
        {0} | {f.gid[f.cmap[cp]] for cp in LATIN_CODEPOINTS if cp in f.cmap and f.cmap[cp] in f.gid}
    )
    return frozenset(gids), _subset_program(f.data, gids), _tag(gids)


def to_unicode_cmap(mapping: dict[int, str]) -> bytes:
    """A ToUnicode CMap for two-byte codes (glyph ids) -> Unicode (UTF-16BE)."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for g, ch in chunk:
            lines.append(f"<{g:04X}> <{ch.encode('utf-16-be').hex().upper()}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def parse_to_unicode(data: bytes) -> dict[bytes, str]:
    """Read back the bfchar entries of a ToUnicode CMap (the ones we write); for verification."""
    out: dict[bytes, str] = {}
    text = data.decode("latin-1")
    in_chars = False
    for line in text.splitlines():
        line = line.strip()
        if line.endswith("beginbfchar"):
            in_chars = True
            continue
        if line == "endbfchar":
            in_chars = False
            continue
        if in_chars and line.startswith("<"):
            parts = line.replace("<", " ").replace(">", " ").split()
            if len(parts) == 2:
                out[bytes.fromhex(parts[0])] = bytes.fromhex(parts[1]).decode("utf-16-be")
    return out
