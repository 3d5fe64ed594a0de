"""Human labels for form fields: the tooltip, the field name made readable, the printed text nearest
the widget. Used to draft maps, to match renamed fields between form versions, and in reports.

Nearby text comes from pdfplumber words: on the widget's line to its left, and just above it. One
extraction per page, so labelling a 700-field form costs about one pass over its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError

from formfill.errors import UnsupportedFormError
from formfill.pdf_inspect import FieldInfo

# parts of XFA-style names that say nothing about the field
_NOISE = re.compile(
    r"^(topmostsubform|form\d*|page\d*|subform\d*|p\d+|line\d*|table\d*|row\d*|"
    r"section\d*|part\d*|#?subform|body|header|footer)$",
    re.I,
)
_GENERIC = re.compile(
    r"^(f|c|t|p\d*-t|text|check ?box|field|fill|txt|cb|tekstveld|selectievakje|tekstfelt|"
    r"avkrysningsboks|textfeld|kontrollk\w*|campo|champ|casilla|text field)[\s_-]*\d+([_-]\d+)*$",
    re.I,
)


def readable_name(name: str) -> str:
    """'topmostSubform[0].Page1[0].FirstName[0]' -> 'First Name'; '' for generic names (f1_01)."""
    parts = [re.sub(r"\[\d+\]$", "", p) for p in name.split(".")]
    meaningful = [p for p in parts if p and not _NOISE.match(p)]
    if not meaningful:
        return ""
    last = meaningful[-1]
    if _GENERIC.match(last):
        return ""
    words = re.sub(r"([a-zæøå])([A-ZÆØÅ])", r"\1 \2", last)
    words = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", words)
    words = re.sub(r"[_\-.]+", " ", words)
    words = re.sub(r"(\D)(\d)", r"\1 \2", words)
    return re.sub(r"\s+", " ", words).strip()


@dataclass
class FieldLabel:
    name: str
    tooltip: str = ""
    from_name: str = ""
    left: str = ""  # printed text on the widget's line, to its left
    above: str = ""  # printed text just above the widget
    below: str = ""  # printed text just below it (court forms put captions under the line)
    right: list[str] = field(default_factory=list)  # per widget: text just right (checkboxes)
    page: int | None = None
    alternatives: list[str] = field(default_factory=list)
    block: str = ""  # the name of the block of fields this one is numbered in ('Verzoeker 2')

    @property
    def best(self) -> str:
        """The label a person would read: tooltip, else nearby text, else the name made readable."""
        return self.tooltip or self.above or self.left or self.from_name or self.name

    def texts(self) -> list[str]:
        """Every label text worth matching, best first, without duplicates."""
        seen: list[str] = []
        for t in (self.tooltip, self.from_name, self.left, self.above, *self.alternatives):
            t = t.strip()
            if t and t not in seen:
                seen.append(t)
        return seen


@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


def _page_words(pdf_path: Path) -> list[tuple[float, list[_Word]]]:
    """(page height, words) per page, in PDF user space (y up) converted from pdfplumber."""
    out: list[tuple[float, list[_Word]]] = []
    try:
        with pdfplumber.open(str(pdf_path)) as pdf:
            for page in pdf.pages:
                height = float(page.height)
                words = [
                    _Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]),
                          float(w["bottom"]))
                    for w in page.extract_words(keep_blank_chars=False)
                    if w.get("upright", True)
                ]  # fmt: skip
                out.append((height, words))
    except (PDFSyntaxError, ValueError, KeyError) as e:
        raise UnsupportedFormError(str(pdf_path), f"cannot read the page text: {e}") from e
    return out


def _join(words: list[_Word]) -> str:
    return " ".join(w.text for w in words).strip(" :.*")


def _right(rect: tuple[float, float, float, float], height: float, words: list[_Word]) -> str:
    """The words just right of a (checkbox) widget on its line: its caption."""
    _x1, y1, x2, y2 = rect
    top, bottom = height - y2, height - y1
    mid = (top + bottom) / 2
    line = sorted(
        (
            w for w in words
            if w.x0 >= x2 - 1 and abs((w.top + w.bottom) / 2 - mid) <= max((bottom - top), 6)
        ),
        key=lambda w: w.x0,
    )  # fmt: skip
    out: list[_Word] = []
    for w in line:
        edge = out[-1].x1 if out else x2
        if w.x0 - edge > (14 if out else 30):
            break
        out.append(w)
        if len(out) >= 8:
            break
    return _join(out)


def _nearby(
    rect: tuple[float, float, float, float], height: float, words: list[_Word]
) -> tuple[str, str, str]:
    x1, y1, x2, y2 = rect
    top, bottom = height - y2, height - y1  # widget in pdfplumber's top-down space
    mid = (top + bottom) / 2
    # left: words whose vertical middle is within the widget's band, ending left of it, nearest
    line = [
        w for w in words
        if w.x1 <= x1 + 2 and abs((w.top + w.bottom) / 2 - mid) <= max((bottom - top) / 2, 6)
        and x1 - w.x1 < 220
    ]  # fmt: skip
    line.sort(key=lambda w: w.x0)
    left: list[_Word] = []
    for w in reversed(line):  # walk leftwards while the words are close together
        edge = left[0].x0 if left else x1
        if edge - w.x1 > 14 and left:
            break
        if edge - w.x1 > 120:
            break
        left.insert(0, w)
    # above: words overlapping the widget horizontally, in the band just above its top
    band = [
        w for w in words
        if w.bottom <= top + 2 and top - w.bottom < 16 and w.x1 > x1 - 4 and w.x0 < x2
    ]  # fmt: skip
    above = ""
    if band:
        nearest = max(w.bottom for w in band)
        row = sorted((w for w in band if nearest - w.bottom < 3), key=lambda w: w.x0)
        above = _join(row)
    under = [
        w for w in words
        if w.top >= bottom - 2 and w.top - bottom < 12 and w.x1 > x1 - 4 and w.x0 < x2
    ]  # fmt: skip
    below = ""
    if under:
        nearest = min(w.top for w in under)
        below = _join(sorted((w for w in under if w.top - nearest < 3), key=lambda w: w.x0))
    return _join(left[-8:]), above, below


def label_fields(pdf_path: Path, fields: list[FieldInfo]) -> dict[str, FieldLabel]:
    """A label per field: tooltip, readable name, and the printed text near its first widget."""
    pages = _page_words(pdf_path)
    out: dict[str, FieldLabel] = {}
    for f in fields:
        lab = FieldLabel(name=f.name, tooltip=f.tooltip.strip(), from_name=readable_name(f.name))
        if f.pages and f.rects:
            pno = f.pages[0] - 1
            if 0 <= pno < len(pages):
                height, words = pages[pno]
                lab.left, lab.above, lab.below = _nearby(f.rects[0], height, words)
                lab.page = f.pages[0]
                if f.kind in ("checkbox", "radio"):
                    lab.right = [_right(r, height, words) for r in f.rects]
        out[f.name] = lab
    return out
