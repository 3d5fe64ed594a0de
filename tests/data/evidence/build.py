"""Our own evidence test set: synthetic pay slips, benefit decisions, bank statements, identity
documents (residence cards) and housing costs (rent contracts, a utility bill) in Norwegian,
Dutch and English, rendered to PDF (with a text layer) and to scanner-like images
(noise, blur, skew, rotation, low contrast, a phone photo with an EXIF orientation), each with
its truth (profile path -> value).

Synthetic people only; every identifier passes its check digits (BSNs from the 9999 test range;
the residence card's fødselsnummer 02119040011 is made up for an invented person). Run
``python tests/data/evidence/build.py OUT_DIR`` to write the set to a directory (PDFs, images and
``*.truth.json``); tests and bench/ocr.py call the functions.
"""

from __future__ import annotations

import io
import json
import random
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PIL import Image, ImageChops, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

Row = tuple[str, str]  # (label, value); label "" for a plain line of text, "#" for a heading


@dataclass(frozen=True)
class Sample:
    id: str
    lang: str
    doc_type: str
    header: str
    rows: tuple[Row, ...]
    truth: dict[str, str]  # profile path -> value, as a proposal carries it


KARI = {"person.given_name": "Kari", "person.family_name": "Nordmann"}
JAN = {"person.given_name": "Jan", "person.family_name": "de Vries"}
MARGARET = {"person.given_name": "Margaret", "person.family_name": "Whitfield"}

SAMPLES: tuple[Sample, ...] = (
    Sample(
        "nb_pay_slip", "nb", "pay_slip", "Fjordkraft Testbedrift AS",
        (
            ("#", "Lønnsslipp mars 2024"),
            ("Arbeidsgiver:", "Fjordkraft Testbedrift AS"),
            ("Org.nr.:", "987 654 325"),
            ("Ansatt:", "Kari Nordmann"),
            ("Fødselsnummer:", "140388 12468"),
            ("Stilling:", "Helsefagarbeider"),
            ("Periode:", "01.03.2024 - 31.03.2024"),
            ("Kontonummer:", "9876.54.00007"),
            ("", ""),
            ("Bruttolønn", "42 500,00"),
            ("Skattetrekk", "-12 750,00"),
            ("Netto utbetalt", "29 750,00"),
        ),
        {
            **KARI, "identifiers.no_fnr": "14038812468",
            "employment.employer": "Fjordkraft Testbedrift AS",
            "income.sources[0].payer": "Fjordkraft Testbedrift AS",
            "employment.employer_org_number": "987654325",
            "income.sources[0].payer_org_number": "987654325",
            "employment.occupation": "Helsefagarbeider",
            "income.sources[0].amount": "42500.00", "bank.no_account": "98765400007",
        },
    ),
    Sample(
        "nl_pay_slip", "nl", "pay_slip", "Polderwerk Test B.V.",
        (
            ("#", "Loonstrook maart 2024"),
            ("Werkgever:", "Polderwerk Test B.V."),
            ("Werknemer:", "Jan de Vries"),
            ("BSN:", "9999.90.019"),
            ("Functie:", "Magazijnmedewerker"),
            ("Periode:", "maart 2024"),
            ("IBAN:", "NL13 TEST 0123 4567 89"),
            ("", ""),
            ("Brutoloon", "€ 3.250,00"),
            ("Loonheffing", "€ -512,40"),
            ("Netto loon", "€ 2.737,60"),
        ),
        {
            **JAN, "identifiers.nl_bsn": "999990019",
            "employment.employer": "Polderwerk Test B.V.",
            "income.sources[0].payer": "Polderwerk Test B.V.",
            "employment.occupation": "Magazijnmedewerker",
            "income.sources[0].amount": "3250.00", "bank.iban": "NL13TEST0123456789",
            "income.sources[0].currency": "EUR",  # the € it writes
        },
    ),
    Sample(
        "en_pay_slip", "en", "pay_slip", "Springfield Test Works LLC",
        (
            ("#", "Earnings statement (pay stub)"),
            ("Employer:", "Springfield Test Works LLC"),
            ("Employee:", "Margaret Whitfield"),
            ("SSN:", "536-90-4399"),
            ("Job title:", "Office Assistant"),
            ("Pay date:", "March 15, 2024"),
            ("", ""),
            ("Gross pay", "$3,250.00"),
            ("Federal tax", "-$412.50"),
            ("Net pay", "$2,837.50"),
        ),
        {
            **MARGARET, "identifiers.us_ssn": "536904399",
            "employment.employer": "Springfield Test Works LLC",
            "income.sources[0].payer": "Springfield Test Works LLC",
            "employment.occupation": "Office Assistant",
            "income.sources[0].amount": "3250.00",
            "income.sources[0].currency": "USD",  # the $ it writes
        },
    ),
    Sample(
        "nb_decision", "nb", "benefit_decision", "NAV",
        (
            ("#", "Vedtak om barnetrygd"),
            ("Fra:", "NAV"),
            ("Navn:", "Kari Nordmann"),
            ("Fødselsnummer:", "14038812468"),
            ("Saksnummer:", "SAK-2021-004711"),
            ("", "Vi har innvilget søknaden din. Du har rett til denne ytelsen."),
            ("Ytelse:", "Barnetrygd"),
            ("Beløp per måned:", "1 766,00 kr"),
            ("Fra og med:", "1. juli 2021"),
            ("Til og med:", "30.06.2039"),
            ("", "Klageadgang: du kan klage innen seks uker."),
        ),
        {
            **KARI, "identifiers.no_fnr": "14038812468",
            "benefits.current[0].agency": "NAV", "benefits.current[0].name": "Barnetrygd",
            "benefits.current[0].reference": "SAK-2021-004711",
            "benefits.current[0].amount": "1766.00", "benefits.current[0].period": "month",
            "benefits.current[0].since": "2021-07-01", "benefits.current[0].until": "2039-06-30",
        },
    ),
    Sample(
        "nl_decision", "nl", "benefit_decision", "Belastingdienst/Toeslagen",
        (
            ("#", "Beschikking huurtoeslag 2024"),
            ("Van:", "Belastingdienst/Toeslagen"),
            ("Naam:", "Jan de Vries"),
            ("BSN:", "999990019"),
            ("Kenmerk:", "HT-2024-0012345"),
            ("", "Wij hebben uw aanvraag toegekend."),
            ("Toeslag:", "Huurtoeslag"),
            ("Bedrag per maand:", "€ 245,00"),
            ("Ingangsdatum:", "1 januari 2024"),
            ("Einddatum:", "31 december 2024"),
            ("", "Bent u het niet eens met deze beschikking? Maak dan bezwaar."),
        ),
        {
            **JAN, "identifiers.nl_bsn": "999990019",
            "benefits.current[0].agency": "Belastingdienst/Toeslagen",
            "benefits.current[0].name": "Huurtoeslag",
            "benefits.current[0].reference": "HT-2024-0012345",
            "benefits.current[0].amount": "245.00", "benefits.current[0].period": "month",
            "benefits.current[0].since": "2024-01-01", "benefits.current[0].until": "2024-12-31",
        },
    ),
    Sample(
        "en_decision", "en", "benefit_decision", "Social Security Administration",
        (
            ("#", "Notice of Award"),
            ("From:", "Social Security Administration"),
            ("Name:", "Margaret Whitfield"),
            ("SSN:", "536-90-4399"),
            ("Claim number:", "CLM-2024-55501"),
            ("", "Your application is approved. You are entitled to this benefit."),
            ("Benefit:", "Retirement Insurance"),
            ("Monthly amount:", "$1,234.50"),
            ("Paid:", "monthly"),
            ("Effective date:", "January 1, 2024"),
            ("", "If you disagree with this decision, you may appeal within 60 days."),
        ),
        {
            **MARGARET, "identifiers.us_ssn": "536904399",
            "benefits.current[0].agency": "Social Security Administration",
            "benefits.current[0].name": "Retirement Insurance",
            "benefits.current[0].reference": "CLM-2024-55501",
            "benefits.current[0].amount": "1234.50", "benefits.current[0].period": "month",
            "benefits.current[0].since": "2024-01-01",
        },
    ),
    Sample(
        "nb_bank_statement", "nb", "bank_statement", "Testbanken ASA",
        (
            ("#", "Kontoutskrift mars 2024"),
            ("Bank:", "Testbanken ASA"),
            ("Kontoinnehaver:", "Kari Nordmann"),
            ("Kontonummer:", "9876.54.00007"),
            ("IBAN:", "NO18 9876 5400 007"),
            ("BIC:", "TESTNOKK"),
            ("Inngående saldo", "12 345,67"),
            ("05.03.2024 Husleie", "-9 800,00"),
            ("20.03.2024 Lønn", "29 750,00"),
            ("Utgående saldo", "32 295,67"),
        ),
        {
            "bank.bank_name": "Testbanken ASA", "bank.account_holder": "Kari Nordmann",
            "bank.no_account": "98765400007", "bank.iban": "NO1898765400007",
            "bank.bic": "TESTNOKK",
        },
    ),
    Sample(
        "nl_bank_statement", "nl", "bank_statement", "Testbank N.V.",
        (
            ("#", "Rekeningafschrift maart 2024"),
            ("Bank:", "Testbank N.V."),
            ("Rekeninghouder:", "Jan de Vries"),
            ("IBAN:", "NL13 TEST 0123 4567 89"),
            ("BIC:", "TESTNL2A"),
            ("Beginsaldo", "€ 1.234,56"),
            ("05-03-2024 Huur (af)", "€ -725,00"),
            ("25-03-2024 Salaris (bij)", "€ 2.737,60"),
            ("Eindsaldo", "€ 3.247,16"),
        ),
        {
            "bank.bank_name": "Testbank N.V.", "bank.account_holder": "Jan de Vries",
            "bank.iban": "NL13TEST0123456789", "bank.bic": "TESTNL2A",
        },
    ),
    Sample(
        "en_bank_statement", "en", "bank_statement", "Test Bank plc",
        (
            ("#", "Account statement"),
            ("Bank name:", "Test Bank plc"),
            ("Account holder:", "Margaret Whitfield"),
            ("IBAN:", "GB81 TEST 2030 4012 3456 78"),
            ("BIC:", "TESTGB2L"),
            ("Statement period:", "1 March 2024 to 31 March 2024"),
            ("Opening balance", "£1,204.10"),
            ("Closing balance", "£2,411.35"),
        ),
        {
            "bank.bank_name": "Test Bank plc", "bank.account_holder": "Margaret Whitfield",
            "bank.iban": "GB81TEST20304012345678", "bank.bic": "TESTGB2L",
        },
    ),
    # identity documents: residence cards of synthetic non-citizens (the extractor proposes the
    # card number and expiry as person.residence_permit.*)
    Sample(
        "nb_id_document", "nb", "id_document", "Utlendingsdirektoratet (UDI)",
        (
            ("#", "Oppholdskort"),
            ("Etternavn:", "Haddad"),
            ("Fornavn:", "Amal"),
            ("Fødselsdato:", "02.11.1990"),
            ("Fødselsnummer:", "021190 40011"),
            ("Statsborgerskap:", "Syria"),
            ("Type:", "Permanent oppholdstillatelse"),
            ("Kortnummer:", "NOR4827316"),
            ("Utløpsdato:", "01.02.2029"),
        ),
        {
            "person.given_name": "Amal", "person.family_name": "Haddad",
            "person.birth_date": "1990-11-02", "identifiers.no_fnr": "02119040011",
            "person.residence_permit.number": "NOR4827316",
            "person.residence_permit.valid_until": "2029-02-01",
        },
    ),
    Sample(
        "nl_id_document", "nl", "id_document", "Immigratie- en Naturalisatiedienst",
        (
            ("#", "Verblijfsdocument"),
            ("Achternaam:", "Yilmaz"),
            ("Voornamen:", "Mehmet Ali"),
            ("Geboortedatum:", "17 mei 1985"),
            ("Nationaliteit:", "Turkse"),
            ("Burgerservicenummer:", "9999.90.123"),
            ("Documentnummer:", "VK4829173"),
            ("Geldig tot:", "16-05-2029"),
        ),
        {
            "person.given_name": "Mehmet Ali", "person.family_name": "Yilmaz",
            "person.birth_date": "1985-05-17", "identifiers.nl_bsn": "999990123",
            "person.residence_permit.number": "VK4829173",
            "person.residence_permit.valid_until": "2029-05-16",
        },
    ),
    Sample(
        "en_id_document", "en", "id_document", "Home Office",
        (
            ("#", "Residence permit"),
            ("Surname:", "Raman"),
            ("Given names:", "Priya"),
            ("Date of birth:", "8 July 1992"),
            ("Nationality:", "Indian"),
            ("Document no.:", "ZU7284613"),
            ("Date of expiry:", "31 December 2030"),
        ),
        {
            "person.given_name": "Priya", "person.family_name": "Raman",
            "person.birth_date": "1992-07-08", "person.residence_permit.number": "ZU7284613",
            "person.residence_permit.valid_until": "2030-12-31",
        },
    ),
    # housing costs: rent contracts (nb, nl) and a utility bill (en), with one-line addresses
    Sample(
        "nb_housing_cost", "nb", "housing_cost", "Utleie Testesen AS",
        (
            ("#", "Husleiekontrakt"),
            ("Utleier:", "Utleie Testesen AS"),
            ("Leietaker:", "Kari Nordmann"),
            ("Adresse:", "Storgata 5 B, 0150 Oslo"),
            ("Leieforholdet starter:", "01.04.2024"),
            ("Husleie per måned:", "12 500,00 kr"),
            ("Depositum:", "37 500,00 kr"),
        ),
        {
            **KARI, "address.current.street": "Storgata", "address.current.house_number": "5",
            "address.current.house_letter": "B", "address.current.postal_code": "0150",
            "address.current.city": "Oslo", "address.current.valid_from": "2024-04-01",
        },
    ),
    Sample(
        "nl_housing_cost", "nl", "housing_cost", "Woonstichting Test",
        (
            ("#", "Huurovereenkomst woonruimte"),
            ("Verhuurder:", "Woonstichting Test"),
            ("Huurder:", "Jan de Vries"),
            ("Adres:", "Kerkstraat 12-A, 1012 AB Amsterdam"),
            ("Ingangsdatum huur:", "1 februari 2024"),
            ("Kale huur per maand:", "€ 875,00"),
            ("Servicekosten per maand:", "€ 45,00"),
        ),
        {
            **JAN, "address.current.street": "Kerkstraat", "address.current.house_number": "12",
            "address.current.addition": "A", "address.current.postal_code": "1012 AB",
            "address.current.city": "Amsterdam", "address.current.country": "NL",
            "address.current.valid_from": "2024-02-01",
        },
    ),
    Sample(
        "en_housing_cost", "en", "housing_cost", "Springfield Test Power & Light",
        (
            ("#", "Utility bill"),
            ("Customer:", "Margaret Whitfield"),
            ("Service address:", "123 Main St Apt 4, Springfield, IL 62701"),
            ("Billing period:", "March 1, 2024 to March 31, 2024"),
            ("Electricity used:", "412 kWh"),
            ("Amount due:", "$142.37"),
            ("Due date:", "April 15, 2024"),
        ),
        {
            **MARGARET, "address.current.street": "Main St",
            "address.current.house_number": "123", "address.current.addition": "Apt 4",
            "address.current.postal_code": "62701", "address.current.city": "Springfield",
            "address.current.state": "IL", "address.current.country": "US",
        },
    ),
)  # fmt: skip

VARIANTS = ("clean", "noisy", "skewed", "upside_down", "sideways", "low_contrast", "photo")
DPI = 200


def render_pdf(sample: Sample) -> bytes:
    """The sample as a one-page A4 PDF with a text layer."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    _, height = A4
    y = height - 70
    c.setFont("Helvetica-Bold", 15)
    c.drawString(60, y, sample.header)
    y -= 40
    for label, value in sample.rows:
        if label == "#":
            c.setFont("Helvetica-Bold", 14)
            c.drawString(60, y, value)
            y -= 34
            continue
        c.setFont("Helvetica", 11)
        if not label:
            c.drawString(60, y, value)
        else:
            c.drawString(60, y, label)
            c.drawString(230, y, value)
        y -= 22
    c.showPage()
    c.save()
    return buf.getvalue()


def render_image(pdf: bytes, variant: str = "clean", seed: int = 0, dpi: int = DPI) -> Image.Image:
    """The PDF's first page as a grey image at ``dpi``, degraded like a scan: ``variant`` is one
    of VARIANTS ("photo" is returned upright; save it with ``save_photo``)."""
    doc = pdfium.PdfDocument(pdf)
    img = doc[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    doc.close()
    rng = random.Random(seed)
    if variant in ("noisy", "photo"):
        img = img.filter(ImageFilter.GaussianBlur(0.8))
        noise = Image.effect_noise(img.size, 28)
        img = ImageChops.add(img, noise, scale=1.0, offset=-128)
        for _ in range(400):  # dust specks
            x, y = rng.randrange(img.width), rng.randrange(img.height)
            img.putpixel((x, y), 0)
    if variant == "skewed":
        img = img.rotate(2.0, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if variant == "upside_down":
        img = img.rotate(180)
    if variant == "sideways":
        img = img.rotate(90, expand=True)
    if variant == "low_contrast":
        img = img.point(lambda v: 120 + v * 100 // 255)
    img.info["dpi"] = (dpi, dpi)
    return img


def save_photo(img: Image.Image) -> bytes:
    """A JPEG whose pixels lie on their side with EXIF orientation 6 (turn 90 degrees clockwise
    to view), as phones save a photo taken in portrait."""
    sideways = img.rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    sideways.save(out, format="JPEG", quality=85, exif=exif.tobytes(), dpi=(DPI, DPI))
    return out.getvalue()


def image_bytes(img: Image.Image, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    img.save(out, format=fmt, dpi=img.info.get("dpi", (DPI, DPI)))
    return out.getvalue()


def variant_bytes(sample: Sample, variant: str) -> tuple[str, bytes]:
    """(file suffix, bytes) of one rendered variant of a sample."""
    pdf = render_pdf(sample)
    img = render_image(pdf, variant, seed=zlib.crc32(sample.id.encode()))
    if variant == "photo":
        return ".jpg", save_photo(img)
    return ".png", image_bytes(img)


def build(out: Path, variants: tuple[str, ...] = VARIANTS) -> list[Path]:
    """Write every sample as PDF and as each image variant, with ``<id>.truth.json``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sample in SAMPLES:
        truth = {"doc_type": sample.doc_type, "lang": sample.lang, "fields": sample.truth}
        (out / f"{sample.id}.truth.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        (out / f"{sample.id}.pdf").write_bytes(render_pdf(sample))
        written.append(out / f"{sample.id}.pdf")
        for variant in variants:
            suffix, data = variant_bytes(sample, variant)
            path = out / f"{sample.id}.{variant}{suffix}"
            path.write_bytes(data)
            written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "instance/evidence-samples")
    for p in build(target):
        print(p)
