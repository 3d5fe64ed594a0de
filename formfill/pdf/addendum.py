"""The addendum: what a form has no room for, on pages appended to the filled document.

A client with more people than the form has rows (a fourth child, a fifth household member)
and text that does not fit its box even at the smallest font size are never dropped: they go
on an addendum page in the form's language, headed by the form's title, the client's name and
identifier and the date, saying which section and rows it continues. The box that could not
hold its text says "see addendum". Verification reads every value back from the addendum.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from pypdf import PdfReader, PdfWriter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from formfill.errors import FillError
from formfill.pdf.font import find_font_file
from formfill.text import localised

__all__ = [
    "Addendum",
    "ContinuedTable",
    "Overflow",
    "append_to_pdf",
    "phrase",
    "render_pdf",
    "verify_pdf_addendum",
]

# every phrase of the addendum in each form language (fallback: English)
PHRASES: dict[str, dict[str, str]] = {
    "addendum": {"nb": "Vedlegg", "nn": "Vedlegg", "nl": "Bijlage", "en": "Addendum",
                 "de": "Anhang", "fr": "Annexe", "es": "Anexo"},
    "to_form": {"nb": "til skjemaet", "nn": "til skjemaet", "nl": "bij het formulier",
                "en": "to the form", "de": "zum Formular", "fr": "au formulaire",
                "es": "del formulario"},
    "applicant": {"nb": "Søker", "nn": "Søkjar", "nl": "Aanvrager", "en": "Applicant",
                  "de": "Antragsteller", "fr": "Demandeur", "es": "Solicitante"},
    "identifier": {"nb": "Fødselsnummer / ID-nummer", "nn": "Fødselsnummer / ID-nummer",
                   "nl": "BSN / identificatienummer", "en": "Identification number",
                   "de": "Identifikationsnummer", "fr": "Numéro d'identification",
                   "es": "Número de identificación"},
    "date": {"nb": "Dato", "nn": "Dato", "nl": "Datum", "en": "Date", "de": "Datum",
             "fr": "Date", "es": "Fecha"},
    "continued": {"nb": "Fortsettelse av {section}, rad {first}–{last}",
                  "nn": "Framhald av {section}, rad {first}–{last}",
                  "nl": "Vervolg van {section}, rij {first}–{last}",
                  "en": "Continued from {section}, rows {first}–{last}",
                  "de": "Fortsetzung von {section}, Zeilen {first}–{last}",
                  "fr": "Suite de {section}, lignes {first} à {last}",
                  "es": "Continuación de {section}, filas {first}–{last}"},
    "continued_one": {"nb": "Fortsettelse av {section}, rad {first}",
                      "nn": "Framhald av {section}, rad {first}",
                      "nl": "Vervolg van {section}, rij {first}",
                      "en": "Continued from {section}, row {first}",
                      "de": "Fortsetzung von {section}, Zeile {first}",
                      "fr": "Suite de {section}, ligne {first}",
                      "es": "Continuación de {section}, fila {first}"},
    "row": {"nb": "Rad", "nn": "Rad", "nl": "Rij", "en": "Row", "de": "Zeile", "fr": "Ligne",
            "es": "Fila"},
    "overflow": {"nb": "Tekst som ikke fikk plass i feltet",
                 "nn": "Tekst som ikkje fekk plass i feltet",
                 "nl": "Tekst die niet in het vak paste", "en": "Text that did not fit its box",
                 "de": "Text, der nicht in das Feld passte",
                 "fr": "Texte qui ne tenait pas dans la case",
                 "es": "Texto que no cabía en la casilla"},
    "see": {"nb": "Se vedlegg", "nn": "Sjå vedlegg", "nl": "Zie bijlage", "en": "See addendum",
            "de": "Siehe Anhang", "fr": "Voir annexe", "es": "Véase anexo"},
}  # fmt: skip

_BABEL = {"nb": "nb_NO", "nn": "nn_NO", "nl": "nl_NL", "en": "en_GB", "de": "de_DE",
          "fr": "fr_FR", "es": "es_ES"}  # fmt: skip


def phrase(key: str, language: str) -> str:
    """One phrase of the addendum in the form's language (English when it has none)."""
    return localised(PHRASES[key], language)


@dataclass(frozen=True)
class ContinuedTable:
    """Rows of a form's table continued on the addendum."""

    section: str  # the form's name for the table
    columns: tuple[str, ...]
    first_row: int  # the row number (1-based) the first continued item would have had
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Overflow:
    """A text that does not fit its box: the box says 'see addendum', the text is here."""

    field: str
    label: str
    text: str


@dataclass
class Addendum:
    """What one filled form continues on its addendum."""

    title: str
    language: str
    client_name: str
    client_id: str | None
    on: date
    tables: list[ContinuedTable] = field(default_factory=list)
    overflows: list[Overflow] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.tables or self.overflows)

    def expected_texts(self) -> list[str]:
        """Every value the addendum must show (what verification reads back)."""
        cells = [c for t in self.tables for row in t.rows for c in row if c]
        return [self.client_name, *cells, *(o.text for o in self.overflows)]

    def entries(self) -> list[str]:
        """What went to the addendum, one line each, for the fill report."""
        out = []
        for t in self.tables:
            last = t.first_row + len(t.rows) - 1
            rows = f"rows {t.first_row}-{last}" if last > t.first_row else f"row {last}"
            out.append(f"{t.section}: {rows} continued on the addendum")
        out += [f"{o.label or o.field}: text continued on the addendum" for o in self.overflows]
        return out


# --- drawing -----------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _font(path: str | None) -> str:
    """Register the Unicode font (Sámi letters: DejaVu Sans) with reportlab once."""
    found = find_font_file(path)
    name = "FormfillAddendum-" + Path(found).stem
    pdfmetrics.registerFont(TTFont(name, found))
    return name


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_pdf(
    addendum: Addendum, page_size: tuple[float, float], font_path: str | None = None
) -> bytes:
    """The addendum as PDF pages of ``page_size`` (points), text in a Unicode font."""
    font = _font(font_path)
    lang = addendum.language
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=12)
    head = ParagraphStyle("head", parent=base, fontSize=14, leading=18, spaceAfter=4)
    sub = ParagraphStyle("sub", parent=base, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4)
    cell = ParagraphStyle("cell", parent=base, fontSize=9, leading=11)
    story: list[object] = [
        Paragraph(_esc(f"{phrase('addendum', lang)} {phrase('to_form', lang)}"), head),
        Paragraph(_esc(addendum.title), sub),
        Paragraph(_esc(f"{phrase('applicant', lang)}: {addendum.client_name}"), base),
    ]
    if addendum.client_id:
        story.append(Paragraph(_esc(f"{phrase('identifier', lang)}: {addendum.client_id}"), base))
    when = format_date(addendum.on, "long", locale=_BABEL.get(lang, "en_GB"))
    story.append(Paragraph(_esc(f"{phrase('date', lang)}: {when}"), base))
    width = page_size[0] - 36 * mm
    for t in addendum.tables:
        last = t.first_row + len(t.rows) - 1
        key = "continued" if last > t.first_row else "continued_one"
        title = phrase(key, lang).format(section=t.section, first=t.first_row, last=last)
        story.append(Paragraph(_esc(title), sub))
        data = [[Paragraph(_esc(phrase("row", lang)), cell)]]
        data[0] += [Paragraph(_esc(c), cell) for c in t.columns]
        for n, row in enumerate(t.rows, start=t.first_row):
            data.append([Paragraph(str(n), cell), *(Paragraph(_esc(c), cell) for c in row)])
        first = 12 * mm
        rest = (width - first) / max(1, len(t.columns))
        table = Table(data, colWidths=[first] + [rest] * len(t.columns), repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, "#555555"),
                    ("BACKGROUND", (0, 0), (-1, 0), "#e8e8e8"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    if addendum.overflows:
        story.append(Paragraph(_esc(phrase("overflow", lang)), sub))
        for o in addendum.overflows:
            story.append(Paragraph(_esc(o.label or o.field), cell))
            for line in o.text.splitlines() or [""]:
                story.append(Paragraph(_esc(line), base))
            story.append(Spacer(1, 6))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=page_size,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{phrase('addendum', lang)}: {addendum.title}",
        invariant=1,
    )
    doc.build(story)
    return buf.getvalue()


def append_to_pdf(name: str, filled: bytes, pages: bytes) -> bytes:
    """The filled document with the addendum's pages at the end (an incremental update: the
    form and its values are untouched)."""
    try:
        reader = PdfReader(io.BytesIO(filled))
        writer = PdfWriter(reader, incremental=True)
        # pypdf leaves an incremental update's own xref stream out of its /Index, so a second
        # update would number its first new object like that stream (pypdf 7.1): start new
        # objects after the trailer's /Size instead
        size = int(reader.trailer.get("/Size", 0))
        objects = writer._objects
        objects.extend([None] * max(0, size - 1 - len(objects)))
        for page in PdfReader(io.BytesIO(pages)).pages:
            writer.add_page(page)
        buf = io.BytesIO()
        writer.write(buf)
    except (ValueError, KeyError, OSError) as e:
        raise FillError(name, f"could not append the addendum: {e}") from e
    return buf.getvalue()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def verify_pdf_addendum(data: bytes, addendum: Addendum, pages: int) -> list[str]:
    """The expected texts that the last ``pages`` pages of ``data`` do not show."""
    reader = PdfReader(io.BytesIO(data))
    shown = _squash("".join(p.extract_text() or "" for p in reader.pages[-pages:]))
    return [t for t in addendum.expected_texts() if _squash(t) not in shown]
