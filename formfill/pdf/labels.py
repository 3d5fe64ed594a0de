"""Human labels for form fields: the tooltip, the field name made readable, the printed text nearest
the widget. Used to draft maps, to match renamed fields between form versions, and in reports.

Nearby text comes from pdfplumber words: on the widget's line to its left, and just above it. One
extraction per page, so labelling a 700-field form costs about one pass over its text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from formfill.errors import UnsupportedFormError
from formfill.pdf.inspect import FieldInfo

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


def norm(text: str) -> str:
    """Lower case, accents folded (é -> e; ø and æ kept), punctuation to spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w]+", " ", text.replace("'s ", " ").replace("\u2019s ", " "))
    return re.sub(r"\s+", " ", text).strip()


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


@dataclass(frozen=True)
class Heading:
    """A line of printed text above a field that no widget sits on."""

    text: str
    page: int
    top: float  # top-down, in points from the page's top
    section: bool  # bold, larger than the page's body text, or numbered ('3.', 'Deel 2')
    caption: bool = False  # a box starts just below it: it may be that box's own caption


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
    left_field: str = ""  # the nearest field left of this one on its line (same row)
    split: str = ""  # one value split over boxes on a line (SSN 3-2-4): the first box's name
    split_at: tuple[int, int] = (0, 0)  # (this box's index in the split, number of boxes)
    row: int = 0  # a cell of a table column: its row, from 1 (the row says which child)
    table: str = ""  # a cell of a table: every column heading of the table, in order
    row_label: str = ""  # a cell of a table whose rows are labelled: its row's label ('Kind 2')
    shared_tooltip: bool = False  # the same tooltip on three fields or more: a group's caption
    # the lines of text above the field on its page that no widget sits on, nearest first:
    # where a heading saying whose the block is ('Gegevens partner') may be (see Heading)
    headings: list[Heading] = field(default_factory=list)
    heading: str = ""  # the heading that says whose the field's block is, once a draft decided
    top: float = 0.0  # its first widget's top, in points from its page's top

    @property
    def best(self) -> str:
        """The label a person would read: tooltip, else nearby text, else the name made readable."""
        # a lone box captioned on its right ('[x] Deutsch'): its caption; the text on its
        # left is the box before's
        right = self.right[0] if len(self.right) == 1 and self.right[0] else ""
        return self.tooltip or right or self.above or self.left or self.from_name or self.name

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
    strong: bool = False  # bold, or larger than the page's body text


def _page_words(pdf_path: Path, min_pages: int = 1) -> list[tuple[float, list[_Word]]]:
    """(page height, words) per page, in PDF user space (y up) converted from pdfplumber.
    pdfminer finds no pages in some files pypdf reads well (object streams it cannot parse,
    as in an IRS 1040 from 2010): those are read again from pypdf's rewrite of the file."""
    try:
        out = _plumbed(str(pdf_path))
        if len(out) < min_pages:
            buf = BytesIO()
            PdfWriter(clone_from=PdfReader(str(pdf_path))).write(buf)
            buf.seek(0)
            out = _plumbed(buf)
    except (PDFSyntaxError, PdfReadError, ValueError, KeyError) as e:
        raise UnsupportedFormError(str(pdf_path), f"cannot read the page text: {e}") from e
    return out


def _plumbed(src: str | BytesIO) -> list[tuple[float, list[_Word]]]:
    out: list[tuple[float, list[_Word]]] = []
    with pdfplumber.open(src) as pdf:
        for page in pdf.pages:
            height = float(page.height)
            words = [
                _Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]),
                      float(w["bottom"]))
                for w in page.extract_words(keep_blank_chars=False)
                if w.get("upright", True)
            ]  # fmt: skip
            out.append((height, _strong(_glued(words), page.chars)))
    return out


def _glued(words: list[_Word]) -> list[_Word]:
    """Letters a form sets one by one ('num b e r', spaced for a narrow column) joined again:
    pieces on one line that touch (a real space is 2 pt or more)."""
    out: list[_Word] = []
    for w in words:
        prev = out[-1] if out else None
        if (
            prev is not None
            and abs(prev.top - w.top) < 0.6
            and abs(prev.bottom - w.bottom) < 0.6
            and 0 <= w.x0 - prev.x1 < 0.4
        ):
            out[-1] = _Word(prev.text + w.text, prev.x0, w.x1, prev.top, prev.bottom)
        else:
            out.append(w)
    return out


# a word this much larger than the page's most common letter size is set as a heading
HEADING_SIZE = 1.15


def _strong(words: list[_Word], chars: list[dict[str, object]]) -> list[_Word]:
    """Words set in bold or larger than the page's body text marked as such (headings)."""
    if not chars:
        return words
    sizes: dict[float, int] = {}
    for ch in chars:
        size = round(float(str(ch.get("size", 0))), 1)
        sizes[size] = sizes.get(size, 0) + 1
    body = max(sizes, key=lambda k: sizes[k])
    by_line: dict[int, list[dict[str, object]]] = {}
    for ch in chars:
        by_line.setdefault(round(float(str(ch.get("top", 0)))), []).append(ch)
    out = []
    for w in words:
        own = [
            ch for ch in by_line.get(round(w.top), [])
            if w.x0 - 0.5 <= float(str(ch.get("x0", 0))) < w.x1
        ]  # fmt: skip
        bold = bool(own) and all(
            re.search(r"bold|black|heavy|semibold|demi", str(ch.get("fontname", "")), re.I)
            for ch in own
        )
        big = bool(own) and min(float(str(ch.get("size", 0))) for ch in own) >= body * HEADING_SIZE
        out.append(_Word(w.text, w.x0, w.x1, w.top, w.bottom, bold or big))
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
        if w.x1 <= x1 + 2 and x1 - w.x1 < 220
        and (top - 2 <= (w.top + w.bottom) / 2 <= bottom + 2
             or abs((w.top + w.bottom) / 2 - mid) <= 6)
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


def _above_span(x1: float, x2: float, top: float, words: list[_Word], reach: float = 24) -> str:
    """The lines of text just above ``top`` (top-down space) over the span x1..x2, nearest line
    last: a heading that wraps over two lines, or spans several boxes."""
    band = [
        w for w in words
        if w.bottom <= top + 2 and top - w.bottom < reach
        and min(w.x1, x2) - max(w.x0, x1) > 0.3 * (w.x1 - w.x0)
    ]  # fmt: skip
    lines: list[list[_Word]] = []
    for w in sorted(band, key=lambda w: -w.bottom):  # nearest first
        if lines and abs(lines[-1][0].bottom - w.bottom) < 3:
            lines[-1].append(w)
        elif len(lines) < 2 and (not lines or lines[-1][0].top - w.bottom < 6):
            lines.append([w])
    return " ".join(_join(sorted(line, key=lambda w: w.x0)) for line in reversed(lines))


Rect = tuple[float, float, float, float]
Placed = tuple[FieldInfo, Rect]
PageWords = list[tuple[float, list[_Word]]]


def _first(f: FieldInfo) -> tuple[int, Rect] | None:
    return (f.pages[0], f.rects[0]) if f.pages and f.rects else None


def _same_row(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    am, bm = (a[1] + a[3]) / 2, (b[1] + b[3]) / 2
    return b[1] - 2 <= am <= b[3] + 2 and a[1] - 2 <= bm <= a[3] + 2


_SEPARATOR = re.compile(r"^[-–—/]$")


def _rows(fields: list[FieldInfo], out: dict[str, FieldLabel], pages: PageWords) -> None:
    """Each field's nearest neighbour to the left on its line; a value split over boxes (boxes
    on one line, close together, with only a dash or slash between them) labelled as one."""
    placed = [(f, pos) for f in fields if (pos := _first(f)) is not None]
    by_page: dict[int, list[Placed]] = {}
    for f, (page, rect) in placed:
        by_page.setdefault(page, []).append((f, rect))
    for page, items in by_page.items():
        height, words = pages[page - 1] if 0 < page <= len(pages) else (0.0, [])
        items.sort(key=lambda it: it[1][0])
        for f, rect in items:
            lefts = [(g, r) for g, r in items if g is not f and r[2] <= rect[0] + 2
                     and _same_row(rect, r)]  # fmt: skip
            if lefts:
                g, r = max(lefts, key=lambda it: it[1][2])
                lab = out[f.name]
                lab.left_field = g.name
                prev = out[g.name]
                if (
                    f.kind == g.kind == "text"
                    and rect[0] - r[2] <= 18
                    and _SEPARATOR.match(lab.left)
                    and abs((rect[3] - rect[1]) - (r[3] - r[1])) < 3
                ):
                    lab.split = prev.split or g.name
        splits: dict[str, list[Placed]] = {}
        for f, rect in items:
            key = out[f.name].split
            if key:
                splits.setdefault(key, []).append((f, rect))
        for key, members in splits.items():
            head = next((it for it in items if it[0].name == key), None)
            if head is None:
                continue
            members.insert(0, head)
            x1, x2 = members[0][1][0], members[-1][1][2]
            top = height - max(r[3] for _f, r in members)
            caption = _above_span(x1, x2, top, words, reach=20)
            for i, (f, _r) in enumerate(members):
                lab = out[f.name]
                lab.split, lab.split_at = key, (i, len(members))
                lab.above = caption or lab.above
                if i:
                    lab.left = out[key].left


def _columns(fields: list[FieldInfo], out: dict[str, FieldLabel], pages: PageWords) -> None:
    """Tables: text boxes stacked with no room for a caption between them, three or more in
    a column of one width. Each cell gets its column's heading and its row number; every cell
    of the table gets all the table's headings as context ('Dependents: (1) First name ...')."""
    stacks: dict[tuple[int, int, int], list[Placed]] = {}
    for f in fields:
        pos = _first(f)
        if pos is None or f.kind != "text":
            continue
        page, rect = pos
        stacks.setdefault((page, round(rect[0] / 3), round(rect[2] / 3)), []).append((f, rect))
    columns: list[tuple[int, list[Placed]]] = []
    for (page, _a, _b), items in stacks.items():
        items.sort(key=lambda it: -it[1][3])
        run = [items[0]]
        for it in items[1:]:
            if 0 <= run[-1][1][1] - it[1][3] <= 3:
                run.append(it)
                continue
            if len(run) >= 3:
                columns.append((page, run))
            run = [it]
        if len(run) >= 3:
            columns.append((page, run))
    tables: dict[tuple[int, int], list[tuple[float, str, list[Placed]]]] = {}
    for page, run in columns:
        height, words = pages[page - 1] if 0 < page <= len(pages) else (0.0, [])
        x1, _y1, x2, y2 = run[0][1]
        heading = _above_span(x1, x2, height - y2, words)
        tables.setdefault((page, round(y2 / 3)), []).append((x1, heading, run))
    for (page, _row), cols in tables.items():
        height, words = pages[page - 1] if 0 < page <= len(pages) else (0.0, [])
        cols.sort(key=lambda c: c[0])
        # the table's own title: the text beside its headings and left of its rows
        left_edge = cols[0][0]
        top = height - max(r[3] for _x, _h, run in cols for _f, r in run[:1])
        bottom = height - min(r[1] for _x, _h, run in cols for _f, r in run[-1:])
        title = _join(
            sorted(
                (w for w in words
                 if w.x1 <= left_edge + 2 and top - 24 <= w.top and w.bottom <= bottom + 2),
                key=lambda w: (round(w.top), w.x0),
            )
        )  # fmt: skip
        context = " ".join([title, *(h for _x, h, _run in cols if h)]).strip()
        # each row's own label, left of its first cell ('Partner', 'Kind 2'): whose the row is
        first = cols[0][2]
        row_labels = []
        for _f, r in first:
            rt, rb = height - r[3], height - r[1]
            row_labels.append(
                _join(sorted(
                    (w for w in words
                     if w.x1 <= left_edge + 2 and left_edge - w.x1 < 220
                     and rt - 2 <= (w.top + w.bottom) / 2 <= rb + 2),
                    key=lambda w: w.x0,
                ))
            )  # fmt: skip
        if sum(1 for t in row_labels if t) < 2:
            row_labels = [""] * len(first)
        else:  # rows labelled alike without a number ('Kind', 'Kind'): numbered in order
            plain = [re.sub(r"\d", "", norm(t)).strip() for t in row_labels]
            for i, t in enumerate(row_labels):
                if t and not re.search(r"\d", t) and plain.count(plain[i]) > 1:
                    row_labels[i] = f"{t} {plain[: i + 1].count(plain[i])}"
        for _x, heading, run in cols:
            for i, (f, _r) in enumerate(run):
                lab = out[f.name]
                lab.row = i + 1
                lab.table = context
                lab.row_label = row_labels[i] if i < len(row_labels) else ""
                if heading:
                    lab.above = heading


# how far above a field a heading may say whose its block is: lines, and points
HEADING_LINES = 10
HEADING_REACH = 320.0
# a line numbered as a section: '3.', '3a', 'B.', 'II.', 'Part 2', 'Deel 3', 'Teil B', ...
_NUMBERED = re.compile(
    r"^(?:(?:\d{1,2}[a-z]?|[a-h]|[ivx]{1,4})[.)]|\d{1,2}[a-z]?\s|"
    r"(?:part|section|deel|del|teil|abschnitt|rubriek|rubrique|partie|apartado|punkt|"
    r"onderdeel|vraag)\s+\w{1,3}\b)",
    re.I,
)


# a line that ends on one of these words goes on on the next ('Spouse and All' / 'Children')
DANGLING = re.compile(
    r"\b(and|or|all|of|the|your|en|of|van|de|het|und|oder|der|des|et|ou|du|des|y|o|og|eller)$",
    re.I,
)


def _lines(words: list[_Word]) -> list[list[_Word]]:
    """The page's words in lines (words whose middles are within 3 pt), top to bottom; words
    far apart on one line (two columns) are two lines."""
    rows: list[list[_Word]] = []
    for w in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        mid = (w.top + w.bottom) / 2
        if rows and abs((rows[-1][0].top + rows[-1][0].bottom) / 2 - mid) <= 3:
            rows[-1].append(w)
        else:
            rows.append([w])
    out: list[list[_Word]] = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        part = [row[0]]
        for w in row[1:]:
            if w.x0 - part[-1].x1 > 40:
                out.append(part)
                part = [w]
            else:
                part.append(w)
        out.append(part)
    return out


def _headings(fields: list[FieldInfo], out: dict[str, FieldLabel], pages: PageWords) -> None:
    """Each field's candidate headings: the lines above it on its page, over or left of its
    box, that no widget sits on (a widget's line is a caption and its box), nearest first."""
    by_page: dict[int, list[Rect]] = {}
    for f in fields:
        for page, rect in zip(f.pages, f.rects, strict=False):
            by_page.setdefault(page, []).append(rect)
    cache: dict[int, list[tuple[str, float, float, float, bool, bool, bool, float]]] = {}
    for f in fields:
        pos = _first(f)
        if pos is None:
            continue
        page, (x1, _y1, x2, y2) = pos
        if page not in cache:
            height, words = pages[page - 1] if 0 < page <= len(pages) else (0.0, [])
            rects = by_page.get(page, [])
            lines: list[tuple[str, float, float, float, bool, bool, bool, float]] = []
            for line in _lines(words):
                top, bottom = min(w.top for w in line), max(w.bottom for w in line)
                lx1, lx2 = line[0].x0, line[-1].x1
                if any(
                    height - r[3] - 2 <= (top + bottom) / 2 <= height - r[1] + 2
                    and r[2] > lx1 - 60
                    and r[0] - lx2 < 250
                    for r in rects
                ):
                    continue  # a widget on the line: a caption beside a box, not a heading
                if any(
                    -2 <= top - (height - r[1]) <= 12 and r[0] < lx2 and r[2] > lx1 for r in rects
                ):
                    continue  # just under a box: its caption, on forms that caption below
                text = _join(line)
                strong = all(w.strong for w in line)
                # a heading wrapped over two lines ('... Spouse and All' / 'Children'): the
                # line just above in the same column, bold as this one or cut off
                at = next(
                    (i for i in range(len(lines) - 1, max(len(lines) - 5, -1), -1)
                     if 0 <= top - lines[i][7] <= 8 and abs(lx1 - lines[i][2]) < 40
                     and ((strong and lines[i][6]) or DANGLING.search(lines[i][0]))),
                    None,
                )  # fmt: skip
                if at is not None:
                    prev = lines[at]
                    lines[at] = (f"{prev[0]} {text}", prev[1], prev[2], max(lx2, prev[3]),
                                 prev[4], prev[5], prev[6] and strong, bottom)  # fmt: skip
                    continue
                section = strong or bool(_NUMBERED.match(text))
                caption = any(
                    0 <= (height - r[3]) - bottom <= 16 and r[0] < lx2 and r[2] > lx1 for r in rects
                )
                lines.append((text, top, lx1, lx2, section, caption, strong, bottom))
            cache[page] = lines
        height = pages[page - 1][0] if 0 < page <= len(pages) else 0.0
        top = height - y2
        out[f.name].top = top
        near = [
            Heading(text, page, ltop, section, caption)
            for text, ltop, lx1, lx2, section, caption, _strong, _bottom in cache[page]
            if ltop < top - 1 and top - ltop <= HEADING_REACH and lx1 < x2 and lx2 > x1 - 300
        ]
        near.sort(key=lambda h: -h.top)
        out[f.name].headings = near[:HEADING_LINES]


def label_fields(pdf_path: Path, fields: list[FieldInfo]) -> dict[str, FieldLabel]:
    """A label per field: tooltip, readable name, the printed text near its first widget, and
    where it sits among the others (its row neighbour, a split value, a table cell)."""
    pages = _page_words(pdf_path, max((p for f in fields for p in f.pages[:1]), default=1))
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
    tips: dict[str, int] = {}
    for lab in out.values():
        if lab.tooltip:
            tips[lab.tooltip] = tips.get(lab.tooltip, 0) + 1
    for lab in out.values():
        lab.shared_tooltip = tips.get(lab.tooltip, 0) >= 3
    _rows(fields, out, pages)
    _columns(fields, out, pages)
    _headings(fields, out, pages)
    return out
