"""A packet's cover sheet: for whom, which batch, each document with its title and its pages in
the packet, and what is still missing, in the packet's language (en, nb, nl).

The core has no Flask-Babel: the cover's few strings are a table here, read with
:func:`formfill.text.localised` (nn and no read bokmål; any other language English).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from formfill.pdf.font import find_font_file, winansi_fits
from formfill.text import Text, date_locale, localised

__all__ = [
    "COVER_LANGUAGES",
    "CoverCheck",
    "CoverDoc",
    "CoverMissing",
    "cover_language",
    "draw_cover",
    "say",
]

COVER_LANGUAGES = ("en", "nb", "nl")

TEXTS: dict[str, Text] = {  # failed .. conversion: why an item is missing
    "title": {
        "en": "Packet for {name}",
        "nb": "Dokumentpakke for {name}",
        "nl": "Pakket voor {name}",
    },
    "batch": {
        "en": "Batch {batch}, {on}",
        "nb": "Utfylling {batch}, {on}",
        "nl": "Batch {batch}, {on}",
    },
    "inside": {
        "en": "In this packet",
        "nb": "I denne pakken",
        "nl": "In dit pakket",
    },
    "missing": {
        "en": "Still missing",
        "nb": "Mangler fortsatt",
        "nl": "Ontbreekt nog",
    },
    "check": {
        "en": "Still to check before signing",
        "nb": "Må sjekkes før underskrift",
        "nl": "Nog te controleren voor ondertekening",
    },
    "shown": {  # a field the map leaves shows a value of the form's own (a Word dropdown)
        "en": "{field} shows “{shown}”, but nobody chose it",
        "nb": "{field} viser «{shown}», men ingen har valgt det",
        "nl": "{field} toont ‘{shown}’, maar niemand heeft dat gekozen",
    },
    "blank": {  # a field the map fills, left empty because the client's profile has no value
        "en": "{field} is left blank: the profile has no value for it",
        "nb": "{field} står tomt: profilen har ingen verdi for det",
        "nl": "{field} blijft leeg: het profiel heeft er geen waarde voor",
    },
    # a field left blank because the client has something the form cannot take as it is
    "hand_currency": {
        "en": "{field} is left blank: the client's amount is in {have}, the form asks for "
        "{want}; convert it and write it by hand",
        "nb": "{field} står tomt: klientens beløp er i {have}, skjemaet spør om {want}; regn om "
        "og skriv det for hånd",
        "nl": "{field} blijft leeg: het bedrag van de cliënt is in {have}, het formulier vraagt "
        "om {want}; reken het om en vul het met de hand in",
    },
    "hand_currency_unknown": {
        "en": "{field} is left blank: it is not known which currency the amount or the form is "
        "in; write it by hand",
        "nb": "{field} står tomt: det er ikke kjent hvilken valuta beløpet eller skjemaet er i; "
        "skriv det for hånd",
        "nl": "{field} blijft leeg: het is niet bekend in welke valuta het bedrag of het "
        "formulier is; vul het met de hand in",
    },
    "hand_value": {
        "en": "{field} is left blank: the form cannot take “{held}” as it is; write it by hand",
        "nb": "{field} står tomt: skjemaet kan ikke ta «{held}» slik det står; skriv det for hånd",
        "nl": "{field} blijft leeg: het formulier kan ‘{held}’ niet zo overnemen; vul het met "
        "de hand in",
    },
    "hand_undecided": {
        "en": "{field} is left blank: the screening could not decide it; fill it in by hand",
        "nb": "{field} står tomt: vurderingen kunne ikke avgjøre det; fyll det ut for hånd",
        "nl": "{field} blijft leeg: de screening kon het niet beslissen; vul het met de hand in",
    },
    "addendum": {  # rows or text the form had no room for, on pages appended to it
        "en": "{field} continues on an addendum at the end of the document: check it and "
        "enclose it with the form",
        "nb": "{field} fortsetter på et vedlegg til slutt i dokumentet: sjekk det og send det "
        "med skjemaet",
        "nl": "{field} loopt door op een bijlage aan het eind van het document: controleer die "
        "en stuur die mee met het formulier",
    },
    "child": {"en": "Child {n}", "nb": "Barn {n}", "nl": "Kind {n}"},
    "member": {"en": "Household member {n}", "nb": "Husstandsmedlem {n}", "nl": "Gezinslid {n}"},
    "partner": {"en": "Partner", "nb": "Partner", "nl": "Partner"},
    "more_blank": {
        "en": "and {n} more fields left blank",
        "nb": "og {n} andre felt står tomme",
        "nl": "en nog {n} velden blijven leeg",
    },
    "none": {
        "en": "(none)",
        "nb": "(ingen)",
        "nl": "(geen)",
    },
    "page": {
        "en": "page {first}",
        "nb": "side {first}",
        "nl": "pagina {first}",
    },
    "pages": {
        "en": "pages {first}-{last}",
        "nb": "sidene {first}-{last}",
        "nl": "pagina's {first}-{last}",
    },
    "cover": {
        "en": "This cover sheet",
        "nb": "Dette forsidearket",
        "nl": "Dit voorblad",
    },
    "failed": {
        "en": "could not be filled",
        "nb": "kunne ikke fylles ut",
        "nl": "kon niet worden ingevuld",
    },
    "queued": {
        "en": "not filled yet",
        "nb": "ikke fylt ut ennå",
        "nl": "nog niet ingevuld",
    },
    "running": {
        "en": "being filled",
        "nb": "fylles ut nå",
        "nl": "wordt nu ingevuld",
    },
    "unreadable": {
        "en": "could not be read",
        "nb": "kunne ikke leses",
        "nl": "kon niet worden gelezen",
    },
    "conversion": {
        "en": "could not be converted to PDF",
        "nb": "kunne ikke gjøres om til PDF",
        "nl": "kon niet naar PDF worden omgezet",
    },
    "evidence": {  # a required checklist item of the application a document belongs to
        "en": "evidence still needed for",
        "nb": "dokumentasjon som mangler til",
        "nl": "bewijsstuk dat nog ontbreekt voor",
    },
    "evidence_old": {  # the newest evidence of its type is older than the program accepts
        "en": "evidence too old for",
        "nb": "dokumentasjonen er for gammel til",
        "nl": "bewijsstuk te oud voor",
    },
}


def cover_language(preferred: str | None, fallback: str) -> str:
    """The packet's language: the client's preferred language when the cover has it (nn and no
    read bokmål), else ``fallback`` (the reader's language) when it has that, else English."""
    near = {"nn": "nb", "no": "nb"}
    for lang in (preferred, fallback):
        code = near.get((lang or "").lower(), (lang or "").lower())
        if code in COVER_LANGUAGES:
            return code
    return "en"


def say(key: str, language: str, **values: object) -> str:
    return localised(TEXTS[key], language, key).format(**values)


@dataclass(frozen=True)
class CoverDoc:
    title: str
    first: int  # its first page in the packet (1-based)
    pages: int


@dataclass(frozen=True)
class CoverMissing:
    title: str
    why: str  # a TEXTS key: failed, queued, running, unreadable, conversion, evidence(_old)
    detail: str  # the item's error, the document an evidence item is for, or ""


@dataclass(frozen=True)
class CoverCheck:
    """A document of the packet says something nobody chose (the fill report's ``to_check``),
    or leaves a field empty that the profile has no value for (``blank``); ``more``: how many
    more blank fields the document has that are not named one by one."""

    title: str  # the document's
    field: str  # the field's label, else its name
    shown: str  # what the document shows
    blank: bool = False  # not a shown value: a field left empty (the profile has no value)
    more: int = 0
    # left empty although the client has something for it (FieldOutcome.hand / .held)
    hand: str = ""
    held: str = ""


def _fonts(texts: list[str], font_path: str | None) -> tuple[str, str]:
    """(regular, bold): Helvetica when every text fits WinAnsi, else the Unicode fallback font
    (DejaVu Sans; names like "Zdeněk Čapek" lose their letters in Helvetica)."""
    if all(winansi_fits(t) for t in texts):
        return "Helvetica", "Helvetica-Bold"
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = find_font_file(font_path)
    name = "FormfillUnicode-" + hashlib.sha256(path.encode()).hexdigest()[:8]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path))
    return name, name


def _check_text(k: CoverCheck, language: str) -> str:
    if k.hand == "currency":
        have, _, want = k.held.partition(">")
        if "?" in (have, want) or not have or not want:
            return say("hand_currency_unknown", language, field=k.field)
        return say("hand_currency", language, field=k.field, have=have, want=want)
    if k.hand == "value":
        return say("hand_value", language, field=k.field, held=k.held)
    if k.hand == "undecided":
        return say("hand_undecided", language, field=k.field)
    if k.hand == "addendum":
        return say("addendum", language, field=k.field)
    if k.more:
        return say("more_blank", language, n=k.more)
    if k.blank:
        return say("blank", language, field=k.field)
    return say("shown", language, field=k.field, shown=k.shown)


def _pages(doc: CoverDoc, language: str) -> str:
    last = doc.first + doc.pages - 1
    if doc.pages == 1:
        return say("page", language, first=doc.first)
    return say("pages", language, first=doc.first, last=last)


def draw_cover(
    name: str,
    batch: str,
    on: date,
    language: str,
    cover_pages: int,
    docs: list[CoverDoc],
    missing: list[CoverMissing],
    font_path: str | None = None,
    checks: list[CoverCheck] | None = None,
) -> bytes:
    """The cover sheet as PDF bytes (the same input gives the same bytes). ``checks`` are
    listed under "Still to check before signing" when there are any."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    rows_in = [(d.title, _pages(d, language)) for d in docs]
    cover_row = (say("cover", language), _pages(CoverDoc("", 1, cover_pages), language))
    rows_out = [
        (m.title, say(m.why, language) + (f": {m.detail}" if m.detail else "")) for m in missing
    ]
    rows_check = [(k.title, _check_text(k, language)) for k in checks or []]
    texts = [name, batch] + [f"{a} {b}" for a, b in [*rows_in, *rows_out, *rows_check]]
    regular, bold = _fonts(texts, font_path)
    _w, height = A4
    y = height - 72

    width, _height = A4

    def line(text: str, x: float, size: float = 10, font: str = regular) -> None:
        """The text from ``x`` to the right margin, wrapped onto as many lines as it needs
        (a cut line lost "write it by hand", the instruction itself)."""
        nonlocal y
        parts = simpleSplit(text, font, size, width - 72 - x) or [""]
        for i, part in enumerate(parts):
            if i:
                y -= size + 3
            if y < 72:
                c.showPage()
                y = height - 72
            c.setFont(font, size)
            c.drawString(x, y, part)

    line(say("title", language, name=name), 72, 16, bold)
    y -= 22
    when = format_date(on, "long", locale=date_locale(language))
    line(say("batch", language, batch=batch, on=when), 72)
    sections = [
        (say("inside", language), [cover_row, *rows_in]),
        (say("missing", language), rows_out),
    ]
    if rows_check:  # only when there is something: "(none)" here would read as a promise
        sections.append((say("check", language), rows_check))
    for heading, rows in sections:
        y -= 30
        line(heading, 72, 12, bold)
        if not rows:
            y -= 16
            line(say("none", language), 84)
        for title, where in rows:
            y -= 16
            line(title, 84)
            y -= 13
            line(where, 96, 9)
    c.showPage()
    c.save()
    return buf.getvalue()
