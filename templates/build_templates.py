"""Build our own Word files reproducibly: the common docxtpl templates and a sample kommune form.

Run from the repository root:  .venv/bin/python templates/build_templates.py

Writes
  templates/common/consent-share-information-{nb,nl}.docx   docxtpl templates
  templates/common/agency-cover-letter-{nb,nl}.docx         docxtpl templates
  sample_forms/kommune/kommune-bostotte-vedlegg.docx        an agency-style form with content
                                                            controls and legacy form fields
The output is byte-for-byte the same on every run (fixed zip timestamps and core properties).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parents[1]
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
NS = f'xmlns:w="{W_NS}" xmlns:w14="{W14_NS}"'
FIXED = dt.datetime(2025, 1, 1, 0, 0, 0)


def new_document(title: str, language: str) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    doc.styles["Normal"].font.size = Pt(11)
    props = doc.core_properties
    props.title, props.author, props.language = title, "formfill", language
    props.created = props.modified = FIXED
    props.last_modified_by, props.revision = "formfill", 1
    return doc


def save(doc: DocumentObject, path: Path) -> None:
    """Save with fixed zip timestamps so a rebuild gives identical bytes."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(fixed, zin.read(info.filename))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def table(doc: DocumentObject, rows: list[tuple[str, str]]) -> None:
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for label, value in rows:
        cells = t.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].width, cells[1].width = Cm(5), Cm(11)


# ----------------------------------------------------------------- docxtpl templates

BLANK_LINE = "_" * 50
# fill.recipient / fill.agencies / fill.enclosures are optional extras of the ``fill`` root
RECIPIENT = (
    "{% if fill.recipient is defined %}{{ fill.recipient }}{% else %}" + BLANK_LINE + "{% endif %}"
)

CONSENT = {
    "nb": {
        "title": "Samtykke til utveksling av opplysninger",
        "about": "Opplysninger om meg",
        "rows": [
            ("Navn", "{{ person.full_name }}"),
            ("Fødselsdato", "{{ person.birth_date.strftime('%d.%m.%Y') }}"),
            ("Fødselsnummer", "{{ identifiers.national_id }}"),
            ("Adresse", "{{ address.current.street_line }}, {{ address.current.postal_line }}"),
        ],
        "intro": "Jeg samtykker til at disse tjenestene kan utveksle opplysninger om meg som er "
        "nødvendige for å behandle søknadene mine og gi meg riktig hjelp:",
        "scope": "Samtykket gjelder bare opplysninger som trengs for dette formålet. Jeg kan når "
        "som helst trekke samtykket tilbake.",
        "rep": "Representant: {{ representative.full_name }}. Representanten kan gi og motta "
        "opplysninger på mine vegne.",
        "place": "Sted og dato: {{ address.current.city }}, {{ fill.date.strftime('%d.%m.%Y') }}",
        "sign": "Underskrift: ____________________________________",
        "sign_rep": "Underskrift representant: ____________________________________",
    },
    "nl": {
        "title": "Toestemming voor het delen van gegevens",
        "about": "Mijn gegevens",
        "rows": [
            ("Naam", "{{ person.full_name }}"),
            ("Geboortedatum", "{{ person.birth_date.strftime('%d-%m-%Y') }}"),
            ("BSN / identificatienummer", "{{ identifiers.national_id }}"),
            ("Adres", "{{ address.current.street_line }}, {{ address.current.postal_line }}"),
        ],
        "intro": "Ik geef toestemming dat de volgende instanties gegevens over mij uitwisselen die "
        "nodig zijn om mijn aanvragen te behandelen en mij de juiste hulp te geven:",
        "scope": "De toestemming geldt alleen voor gegevens die daarvoor nodig zijn. Ik kan mijn "
        "toestemming altijd intrekken.",
        "rep": "Vertegenwoordiger: {{ representative.full_name }}. De vertegenwoordiger mag namens "
        "mij gegevens geven en ontvangen.",
        "place": "Plaats en datum: {{ address.current.city }}, "
        "{{ fill.date.strftime('%d-%m-%Y') }}",
        "sign": "Handtekening: ____________________________________",
        "sign_rep": "Handtekening vertegenwoordiger: ____________________________________",
    },
}

COVER = {
    "nb": {
        "title": "Søknad med vedlegg",
        "to": "Til: " + RECIPIENT,
        "date": "{{ address.current.city }}, {{ fill.date.strftime('%d.%m.%Y') }}",
        "phone": "Telefon: {{ contact.phone_mobile }}",
        "id": "Gjelder: {{ person.full_name }}, fødselsnummer {{ identifiers.national_id }}",
        "body": "Jeg sender med dette følgende skjemaer og vedlegg:",
        "rep": "Søknaden sendes av {{ representative.full_name }} på vegne av "
        "{{ person.full_name }}. Ta gjerne kontakt med meg hvis noe mangler.",
        "close": "Med vennlig hilsen",
    },
    "nl": {
        "title": "Aanvraag met bijlagen",
        "to": "Aan: " + RECIPIENT,
        "date": "{{ address.current.city }}, {{ fill.date.strftime('%d-%m-%Y') }}",
        "phone": "Telefoon: {{ contact.phone_mobile }}",
        "id": "Betreft: {{ person.full_name }}, BSN / identificatienummer "
        "{{ identifiers.national_id }}",
        "body": "Hierbij stuur ik u de volgende formulieren en bijlagen:",
        "rep": "De aanvraag wordt ingediend door {{ representative.full_name }} namens "
        "{{ person.full_name }}. Neem gerust contact met mij op als er iets ontbreekt.",
        "close": "Met vriendelijke groet",
    },
}


def build_consent(lang: str) -> None:
    t = CONSENT[lang]
    doc = new_document(t["title"], lang)
    doc.add_heading(t["title"], level=1)
    doc.add_heading(t["about"], level=2)
    table(doc, t["rows"])
    doc.add_paragraph(t["intro"])
    # fill.agencies is optional (a list of names): without it the form gets lines to write on
    doc.add_paragraph("{%p if fill.agencies is defined and fill.agencies %}")
    doc.add_paragraph("{%p for agency in fill.agencies %}")
    doc.add_paragraph("{{ agency }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p else %}")
    for _ in range(3):
        doc.add_paragraph(BLANK_LINE, style="List Bullet")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph(t["scope"])
    doc.add_paragraph("{%p if representative %}")
    doc.add_paragraph(t["rep"])
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph(t["place"])
    doc.add_paragraph()
    doc.add_paragraph(t["sign"])
    doc.add_paragraph("{{ person.full_name }}")
    doc.add_paragraph("{%p if representative %}")
    doc.add_paragraph(t["sign_rep"])
    doc.add_paragraph("{{ representative.full_name }}")
    doc.add_paragraph("{%p endif %}")
    save(doc, ROOT / "templates" / "common" / f"consent-share-information-{lang}.docx")


def build_cover(lang: str) -> None:
    t = COVER[lang]
    doc = new_document(t["title"], lang)
    for line in (
        "{{ person.full_name }}",
        "{{ address.current.street_line }}",
        "{{ address.current.postal_line }}",
    ):
        doc.add_paragraph(line).paragraph_format.space_after = Pt(0)
    doc.add_paragraph("{%p if contact and contact.phone_mobile %}")
    doc.add_paragraph(t["phone"])
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph()
    doc.add_paragraph(t["to"])
    doc.add_paragraph(t["date"])
    doc.add_heading(t["title"], level=1)
    doc.add_paragraph(t["id"])
    doc.add_paragraph(t["body"])
    doc.add_paragraph("{%p if fill.enclosures is defined and fill.enclosures %}")
    doc.add_paragraph("{%p for item in fill.enclosures %}")
    doc.add_paragraph("{{ item }}", style="List Number")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p else %}")
    for _ in range(3):
        doc.add_paragraph(BLANK_LINE, style="List Number")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if representative %}")
    doc.add_paragraph(t["rep"])
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph(t["close"])
    doc.add_paragraph()
    doc.add_paragraph(
        "{% if representative %}{{ representative.full_name }}{% else %}"
        "{{ person.full_name }}{% endif %}"
    )
    save(doc, ROOT / "templates" / "common" / f"agency-cover-letter-{lang}.docx")


# ----------------------------------------------------------------- the kommune sample form

PLACEHOLDER_RUN = (
    '<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/><w:color w:val="808080"/></w:rPr>'
    "<w:t>{}</w:t></w:r>"
)


def sdt_text(sdt_id: int, tag: str, alias: str, hint: str, multiline: bool = False) -> str:
    ml = ' w:multiLine="1"' if multiline else ""
    return (
        f'<w:sdt {NS}><w:sdtPr><w:alias w:val="{alias}"/><w:tag w:val="{tag}"/>'
        f'<w:id w:val="{sdt_id}"/><w:showingPlcHdr/><w:text{ml}/></w:sdtPr>'
        f"<w:sdtContent>{PLACEHOLDER_RUN.format(hint)}</w:sdtContent></w:sdt>"
    )


def sdt_date(sdt_id: int, tag: str, alias: str, hint: str) -> str:
    return (
        f'<w:sdt {NS}><w:sdtPr><w:alias w:val="{alias}"/><w:tag w:val="{tag}"/>'
        f'<w:id w:val="{sdt_id}"/><w:showingPlcHdr/><w:date><w:dateFormat w:val="dd.MM.yyyy"/>'
        '<w:lid w:val="nb-NO"/><w:storeMappedDataAs w:val="dateTime"/>'
        '<w:calendar w:val="gregorian"/></w:date></w:sdtPr>'
        f"<w:sdtContent>{PLACEHOLDER_RUN.format(hint)}</w:sdtContent></w:sdt>"
    )


def sdt_checkbox(sdt_id: int, tag: str, alias: str) -> str:
    return (
        f'<w:sdt {NS}><w:sdtPr><w:alias w:val="{alias}"/><w:tag w:val="{tag}"/>'
        f'<w:id w:val="{sdt_id}"/><w14:checkbox><w14:checked w14:val="0"/>'
        '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
        '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr>'
        '<w:sdtContent><w:r><w:rPr><w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" '
        'w:hAnsi="MS Gothic" w:hint="eastAsia"/></w:rPr><w:t>\u2610</w:t></w:r></w:sdtContent>'
        "</w:sdt>"
    )


def sdt_dropdown(sdt_id: int, tag: str, alias: str, hint: str, items: list[str]) -> str:
    listed = "".join(f'<w:listItem w:displayText="{i}" w:value="{i}"/>' for i in items)
    return (
        f'<w:sdt {NS}><w:sdtPr><w:alias w:val="{alias}"/><w:tag w:val="{tag}"/>'
        f'<w:id w:val="{sdt_id}"/><w:showingPlcHdr/><w:dropDownList>{listed}</w:dropDownList>'
        f"</w:sdtPr><w:sdtContent>{PLACEHOLDER_RUN.format(hint)}</w:sdtContent></w:sdt>"
    )


def legacy(name: str, bm_id: int, ffbody: str, instr: str, result: bool) -> list[str]:
    """Runs of one legacy form field (wrapped in its bookmark, as Word writes them)."""
    runs = [
        f'<w:bookmarkStart {NS} w:id="{bm_id}" w:name="{name}"/>',
        f'<w:r {NS}><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="{name}"/>'
        f'<w:enabled/><w:calcOnExit w:val="0"/>{ffbody}</w:ffData></w:fldChar></w:r>',
        f'<w:r {NS}><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>',
    ]
    if result:
        runs += [
            f'<w:r {NS}><w:fldChar w:fldCharType="separate"/></w:r>',
            f"<w:r {NS}><w:rPr><w:noProof/></w:rPr><w:t>{chr(0x2002) * 5}</w:t></w:r>",
        ]
    runs += [
        f'<w:r {NS}><w:fldChar w:fldCharType="end"/></w:r>',
        f'<w:bookmarkEnd {NS} w:id="{bm_id}"/>',
    ]
    return runs


def labelled(doc: DocumentObject, label: str, xml: list[str]) -> None:
    p = doc.add_paragraph()
    p.add_run(label).bold = True
    for fragment in xml:
        p._p.append(parse_xml(fragment))


def build_kommune_form() -> None:
    doc = new_document("Vedlegg til søknad om bostøtte", "nb")
    doc.add_heading("Vedlegg til søknad om bostøtte", level=1)
    doc.add_paragraph(
        "Fyll ut skjemaet og send det sammen med søknaden om bostøtte til kommunen der du bor."
    )
    doc.add_heading("Om søkeren", level=2)
    labelled(doc, "Navn: ", [sdt_text(101, "navn", "Navn", "Skriv fullt navn")])
    labelled(
        doc,
        "Fødselsnummer (11 siffer): ",
        [sdt_text(102, "fodselsnummer", "Fødselsnummer", "11 siffer")],
    )
    labelled(
        doc,
        "Adresse: ",
        [sdt_text(103, "adresse", "Adresse", "Gate, postnummer og sted", multiline=True)],
    )
    labelled(
        doc,
        "Telefon: ",
        legacy(
            "Telefon", 1, '<w:textInput><w:maxLength w:val="12"/></w:textInput>', "FORMTEXT", True
        ),
    )
    labelled(
        doc,
        "Kommune: ",
        [
            sdt_dropdown(
                104,
                "kommune",
                "Kommune",
                "Velg kommune",
                ["Oslo", "Bergen", "Trondheim", "Tromsø", "Bodø", "Guovdageaidnu"],
            )
        ],
    )
    doc.add_heading("Om boligen", level=2)
    labelled(
        doc,
        "Boform: ",
        legacy(
            "Boform",
            2,
            "<w:ddList>"
            + "".join(
                f'<w:listEntry w:val="{e}"/>'
                for e in ["Leier", "Eier", "Borettslag", "Kommunal bolig"]
            )
            + "</w:ddList>",
            "FORMDROPDOWN",
            False,
        ),
    )
    labelled(
        doc,
        "Jeg bor alene: ",
        legacy(
            "BorAlene",
            3,
            '<w:checkBox><w:sizeAuto/><w:default w:val="0"/></w:checkBox>',
            "FORMCHECKBOX",
            False,
        ),
    )
    doc.add_heading("Samtykke", level=2)
    labelled(doc, "", [sdt_checkbox(105, "samtykke", "Jeg samtykker")])
    doc.paragraphs[-1].add_run(
        " Jeg samtykker i at kommunen kan hente opplysninger om inntekt og bolig som trengs for "
        "å behandle søknaden."
    )
    labelled(doc, "Dato: ", [sdt_date(106, "dato", "Dato", "Velg dato")])
    doc.add_paragraph("Underskrift: ____________________________________")
    save(doc, ROOT / "sample_forms" / "kommune" / "kommune-bostotte-vedlegg.docx")


def main() -> None:
    for lang in ("nb", "nl"):
        build_consent(lang)
        build_cover(lang)
    build_kommune_form()


if __name__ == "__main__":
    main()
