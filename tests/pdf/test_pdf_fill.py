"""formfill.pdf.fill: every field kind of the sample forms is filled, read back (/V, /AS) and seen
by a viewer that only draws stored appearances (qpdf flatten + pdftotext); the report tells what
did not fit; flatten burns the values in at the right place."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ContentStream,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from reportlab.pdfbase import pdfmetrics

from formfill.pdf.appearance import MIN_FONT_SIZE
from formfill.pdf.fields import Field, iter_fields
from formfill.pdf.fill import BlankForm, FillOptions, fill_pdf, flatten_pdf
from formfill.pdf.resources import add_indirect
from formfill.pdf.verify import shown_text, verify_pdf
from formfill.report import FillReport, Status

FlattenText = Callable[[bytes], str]
Value = str | bool

SAMI_POLISH = "Čiekčá Đuođa Ŋŧ Žššž ŁŁł"
LETTERS = "Č Đ Ŋ Ŧ Ž Š č đ ŋ ŧ ž š Ł ł"


def fill(
    samples: dict[str, Path],
    form: str,
    values: Mapping[str, Value],
    options: FillOptions | None = None,
) -> tuple[bytes, FillReport]:
    return fill_pdf(BlankForm.from_path(samples[form]), values, options)


def fields_of(data: bytes) -> dict[str, Field]:
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"].get_object()
    return {f.name: f for f in iter_fields(root, [p.get_object() for p in reader.pages])}


def normal_stream(widget: DictionaryObject) -> StreamObject:
    n = widget["/AP"].get_object()["/N"].get_object()
    assert isinstance(n, StreamObject)
    return n


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def status_of(report: FillReport, name: str) -> Status:
    return next(o.status for o in report.outcomes if o.field == name)


def outcome(report: FillReport, name: str):  # type: ignore[no-untyped-def]
    return next(o for o in report.outcomes if o.field == name)


def _all_objects(data: bytes) -> list[object]:
    reader = PdfReader(io.BytesIO(data))
    objs = []
    for num in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(num)
        if obj is not None:
            objs.append(obj)
    return objs


def type0_fonts(data: bytes) -> list[DictionaryObject]:
    return [
        o
        for o in _all_objects(data)
        if isinstance(o, DictionaryObject) and o.get("/Subtype") == "/Type0"
    ]


def font_files(data: bytes) -> list[object]:
    return [
        o
        for o in _all_objects(data)
        if isinstance(o, DictionaryObject) and o.get("/Type") == "/FontDescriptor"
        if any(k in o for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    ]


def text_ops(stream: StreamObject) -> list[tuple[float, float, float]]:
    """(font size, x, y) of every BT ... Tf ... Td of an appearance stream."""
    content = ContentStream(stream, None)
    out = []
    size = 0.0
    for operands, op in content.operations:
        if op == b"Tf":
            size = float(operands[1])
        elif op == b"Td":
            out.append((size, float(operands[0]), float(operands[1])))
    return out


# ---------------------------------------------------------------- the private pypdf part


def test_add_indirect_pins_private_pypdf() -> None:
    """add_indirect (PdfWriter._add_object) returns an IndirectObject that resolves to the
    object added: if a pypdf upgrade changes that, this fails loudly."""
    w = PdfWriter()
    obj = DictionaryObject({NameObject("/Probe"): TextStringObject("x")})
    ref = add_indirect(w, obj)
    assert isinstance(ref, IndirectObject)
    assert ref.get_object() is obj
    assert w.get_object(ref.idnum) is obj
    other = add_indirect(w, DictionaryObject())
    assert other.idnum != ref.idnum


# ---------------------------------------------------------------- text fields


def test_text_single_line(samples: dict[str, Path], flatten_text: FlattenText) -> None:
    """A single-line text value is stored in /V, drawn in the widget's appearance and shows
    after a flatten that does not regenerate appearances."""
    values = {"First Name": "Testa", "Last Name": "Eksempelsen", "City": "Springfield"}
    data, report = fill(samples, "housing-assistance", values)
    assert report.ok and all(o.status is Status.FILLED for o in report.outcomes)
    f = fields_of(data)
    for name, v in values.items():
        assert f[name].obj["/V"] == v
        assert v in shown_text(normal_stream(f[name].widgets[0].obj))
    text = flatten_text(data)
    for v in values.values():
        assert v in text


def test_text_multi_line(samples: dict[str, Path], flatten_text: FlattenText) -> None:
    """A multi-line value wraps over several lines inside its box and every word shows."""
    story = (
        "The ladder slipped on a wet floor in the storage room while I carried boxes. "
        "I fell about two metres and landed on my left arm.\nTaken to the emergency ward."
    )
    data, report = fill(samples, "nav-yrkesskade", {"Beskrivelse": story})
    assert status_of(report, "Beskrivelse") is Status.FILLED
    f = fields_of(data)["Beskrivelse"]
    assert f.obj["/V"] == story
    ops = text_ops(normal_stream(f.widgets[0].obj))
    assert len(ops) >= 3  # several lines, each its own BT .. Td .. Tj ET
    assert len({y for _, _, y in ops}) == len(ops)
    assert squash(story) in squash(flatten_text(data))


def test_comb_field(samples: dict[str, Path], flatten_text: FlattenText) -> None:
    """A comb field draws one character per cell, and text extraction still reads the whole
    number (the ActualText span), not nine one-letter words."""
    data, report = fill(samples, "housing-assistance", {"SSN": "123456789"})
    assert status_of(report, "SSN") is Status.FILLED
    f = fields_of(data)["SSN"]
    assert f.obj["/V"] == "123456789"
    stream = normal_stream(f.widgets[0].obj)
    xs = [x for _, x, _ in text_ops(stream)]
    assert len(xs) == 9
    x1, _, x2, _ = f.widgets[0].rect
    cell = (x2 - x1) / 9
    for i, x in enumerate(xs):
        assert i * cell <= x < (i + 1) * cell, (i, x)
    assert b"/ActualText" in stream.get_data()
    assert "123456789" in flatten_text(data)


@pytest.mark.parametrize(
    ("form", "name", "q"),
    [
        ("nav-yrkesskade", "Dato", 1),
        ("toeslag-aanvraag", "Geboortedatum", 1),
        ("nav-yrkesskade", "Timer_per_uke", 2),
        ("housing-assistance", "Monthly Income", 2),
        ("housing-assistance", "First Name", 0),
    ],
)
def test_alignment(samples: dict[str, Path], form: str, name: str, q: int) -> None:
    """/Q 1 centres the text in its box, /Q 2 puts it against the right edge, /Q 0 left."""
    value = "12.03.2024" if q == 1 else "1250"
    data, report = fill(samples, form, {name: value})
    assert report.ok
    f = fields_of(data)[name]
    x1, _, x2, _ = f.widgets[0].rect
    width = x2 - x1
    ((size, x, _),) = text_ops(normal_stream(f.widgets[0].obj))
    tw = pdfmetrics.stringWidth(value, "Helvetica", size)
    if q == 1:
        assert abs((x + tw / 2) - width / 2) < 1.0
    elif q == 2:
        assert x > width / 2
        assert width - 6 <= x + tw <= width
    else:
        assert x < 5


# ---------------------------------------------------------------- buttons


def test_checkbox_ja(samples: dict[str, Path], flatten_text: FlattenText) -> None:
    """A checkbox whose on-state is /Ja is ticked by true: /V and /AS are the name /Ja."""
    data, report = fill(samples, "nav-barnetrygd", {"Utvidet_barnetrygd": True})
    assert report.ok
    f = fields_of(data)["Utvidet_barnetrygd"]
    assert isinstance(f.obj["/V"], NameObject) and f.obj["/V"] == "/Ja"
    assert f.widgets[0].obj["/AS"] == "/Ja"
    data2, _ = fill(samples, "nav-barnetrygd", {"Utvidet_barnetrygd": False})
    f2 = fields_of(data2)["Utvidet_barnetrygd"]
    assert f2.obj["/V"] == "/Off" and f2.widgets[0].obj["/AS"] == "/Off"


def test_checkbox_non_ascii_state(
    samples: dict[str, Path], pdftk_values: Callable[[bytes], dict[str, str]]
) -> None:
    """The county form's /Sí checkbox (one byte /S#ED) is ticked: pdftk reads 'Sí' back and
    the file spells the name /S#ED as the form did."""
    data, report = fill(samples, "housing-assistance", {"Interpreter": "Sí"})
    assert report.ok
    assert outcome(report, "Interpreter").value == "Sí"
    assert b"/S#ED" in data
    f = fields_of(data)["Interpreter"]
    assert str(f.obj["/V"]) == "/Sí" and str(f.widgets[0].obj["/AS"]) == "/Sí"
    assert pdftk_values(data)["Interpreter"] == "Sí"
    assert verify_pdf("out.pdf", data, {"Interpreter": "Sí"}).ok
    assert verify_pdf("out.pdf", data, {"Interpreter": True}).ok


def test_checkbox_non_ascii_state_one_spelling(samples: dict[str, Path]) -> None:
    """After ticking /Sí no appearance dictionary (/N, /D or /R) spells the state in UTF-8
    (/S#C3#AD): that is a second, different name to byte-level readers such as pdftk, which
    then lists a phantom state 'SÃ­' and a rollover appearance that never matches /AS."""
    data, _ = fill(samples, "housing-assistance", {"Interpreter": "Sí"})
    w = fields_of(data)["Interpreter"].widgets[0].obj
    keys = {k: [str(s) for s in w["/AP"][k].get_object()] for k in ("/N", "/D", "/R")}
    assert all("/Sí" in v for v in keys.values()), keys
    utf8 = data.upper().count(b"/S#C3#AD")
    assert utf8 == 0, f"{utf8} name(s) spelt /S#C3#AD beside /S#ED"


def test_per_widget_pair(samples: dict[str, Path]) -> None:
    """A Ja/Nei pair in one field: asking "Nei" ticks only the Nei widget; /V is /Nei."""
    data, report = fill(samples, "nav-barnetrygd", {"Barn1_bor_sammen": "Nei"})
    assert report.ok
    f = fields_of(data)["Barn1_bor_sammen"]
    assert f.obj["/V"] == "/Nei"
    shown = {str(w.states()[0]): str(w.obj["/AS"]) for w in f.widgets}
    assert shown == {"/Ja": "/Off", "/Nei": "/Nei"}


def test_per_widget_pair_refuses_bare_true(samples: dict[str, Path]) -> None:
    """true on a field with several on-states fails and names the states to choose from,
    rather than ticking one at random."""
    _data, report = fill(samples, "toeslag-aanvraag", {"Toeslagpartner": True})
    o = outcome(report, "Toeslagpartner")
    assert o.status is Status.FAILED and "Ja" in o.reason and "Nee" in o.reason
    assert not report.ok


def test_checkbox_group(samples: dict[str, Path]) -> None:
    """Single/Married/HoH in one field: Married ticks the middle widget only."""
    data, report = fill(samples, "housing-assistance", {"Household Status": "Married"})
    assert report.ok
    f = fields_of(data)["Household Status"]
    assert f.obj["/V"] == "/Married"
    shown = {str(w.states()[0]): str(w.obj["/AS"]) for w in f.widgets}
    assert shown == {"/Single": "/Off", "/Married": "/Married", "/HoH": "/Off"}


def test_checkbox_unknown_state(samples: dict[str, Path]) -> None:
    """A state the field does not have fails and lists the states it has."""
    _, report = fill(samples, "housing-assistance", {"Household Status": "Widowed"})
    o = outcome(report, "Household Status")
    assert o.status is Status.FAILED and "Married" in o.reason


def test_radio_with_opt(samples: dict[str, Path]) -> None:
    """A radio group with /Opt takes the export value; /V is the index name (/1) and the
    matching widget is on; verification translates it back and passes."""
    value = "Gehuwd / geregistreerd partner"
    data, report = fill(samples, "toeslag-aanvraag", {"Leefsituatie": value})
    assert report.ok
    assert outcome(report, "Leefsituatie").value == value
    f = fields_of(data)["Leefsituatie"]
    assert f.obj["/V"] == "/1"
    on = [str(w.obj["/AS"]) for w in f.widgets]
    assert on.count("/1") == 1 and on.count("/Off") == len(on) - 1
    assert verify_pdf("out.pdf", data, {"Leefsituatie": value}).ok


def test_radio_escaped_names(
    samples: dict[str, Path], pdftk_values: Callable[[bytes], dict[str, str]]
) -> None:
    """Radio states with a space, a slash or æ (/Registrert#20partner, /S#C3#A6rbo) are set
    as names; pdftk reads the ASCII ones back. (The form spells Særbo in UTF-8 bytes, which
    pdftk shows as 'SÃ¦rbo' on the blank too, so for it pypdf's reading is checked.)"""
    for value in ("Registrert partner", "Skilt/separert", "Særbo"):
        data, report = fill(samples, "nav-barnetrygd", {"Sivilstand": value})
        assert report.ok, value
        f = fields_of(data)["Sivilstand"]
        assert isinstance(f.obj["/V"], NameObject) and str(f.obj["/V"]) == "/" + value
        assert verify_pdf("out.pdf", data, {"Sivilstand": value}).ok
        if value.isascii():
            assert pdftk_values(data)["Sivilstand"] == value
        else:
            assert b"/S#C3#A6rbo" in data


# ---------------------------------------------------------------- choices


def test_combo(samples: dict[str, Path], flatten_text: FlattenText) -> None:
    """A dropdown stores the export value (IL) and draws the display text (Illinois); the
    display text is accepted as input too."""
    for given in ("IL", "Illinois"):
        data, report = fill(samples, "housing-assistance", {"State": given})
        assert report.ok
        f = fields_of(data)["State"]
        assert f.obj["/V"] == "IL"
        assert list(f.obj["/I"]) == [0]
        assert "Illinois" in shown_text(normal_stream(f.widgets[0].obj))
        assert "Illinois" in flatten_text(data)


def test_combo_unknown_option(samples: dict[str, Path]) -> None:
    """An option the dropdown does not have fails and lists some it has."""
    _, report = fill(samples, "housing-assistance", {"State": "CA"})
    o = outcome(report, "State")
    assert o.status is Status.FAILED and "IL" in o.reason


def test_list_box(samples: dict[str, Path], flatten_text: FlattenText) -> None:
    """A list box stores the export value and the selected index, and draws its options."""
    data, report = fill(samples, "nav-yrkesskade", {"Skadet_kroppsdel": "arm"})
    assert report.ok
    f = fields_of(data)["Skadet_kroppsdel"]
    assert f.obj["/V"] == "arm"
    assert list(f.obj["/I"]) == [2]
    assert "Arm" in shown_text(normal_stream(f.widgets[0].obj))
    assert "Arm" in flatten_text(data)


# ---------------------------------------------------------------- quirks of the form tree


def test_field_on_two_pages(samples: dict[str, Path], flatten_text: FlattenText) -> None:
    """One field with widgets on pages 1 and 2: both widgets get an appearance showing the
    value, and it shows on both pages."""
    data, report = fill(samples, "nav-yrkesskade", {"Fodselsnummer": "01017012345"})
    assert report.ok
    f = fields_of(data)["Fodselsnummer"]
    assert sorted(w.page for w in f.widgets if w.page is not None) == [0, 1]
    for w in f.widgets:
        assert "01017012345" in shown_text(normal_stream(w.obj))
    pages = flatten_text(data).split("\f")
    assert "01017012345" in pages[0] and "01017012345" in pages[1]


def test_orphan_widget(samples: dict[str, Path], flatten_text: FlattenText) -> None:
    """A widget only reachable from a page's /Annots is filled, added to /AcroForm /Fields,
    and the report notes it."""
    data, report = fill(samples, "toeslag-aanvraag", {"Telefoonnummer": "0612345678"})
    assert report.ok and status_of(report, "Telefoonnummer") is Status.FILLED
    assert any("only on a page" in n for n in report.notes)
    reader = PdfReader(io.BytesIO(data))
    names = [str(r.get_object().get("/T")) for r in reader.trailer["/Root"]["/AcroForm"]["/Fields"]]
    assert "Telefoonnummer" in names
    assert not fields_of(data)["Telefoonnummer"].orphan
    assert "0612345678" in flatten_text(data)


def test_hidden_widget(samples: dict[str, Path], flatten_text: FlattenText) -> None:
    """A hidden widget gets the value in /V but no appearance is drawn for it; the report
    says every widget is hidden."""
    data, report = fill(samples, "toeslag-aanvraag", {"Verwerkingscode": "ZX81"})
    o = outcome(report, "Verwerkingscode")
    assert "hidden" in o.reason
    f = fields_of(data)["Verwerkingscode"]
    assert f.obj["/V"] == "ZX81"
    ap = f.widgets[0].obj.get("/AP")
    if ap is not None:
        assert "ZX81" not in shown_text(normal_stream(f.widgets[0].obj))
    assert "ZX81" not in flatten_text(data)


def test_read_only_skipped(samples: dict[str, Path]) -> None:
    """A read-only field is skipped (value untouched) unless the options name it."""
    data, report = fill(samples, "housing-assistance", {"Case Number": "C-0001"})
    assert status_of(report, "Case Number") is Status.SKIPPED
    assert report.ok
    assert fields_of(data)["Case Number"].obj.get("/V", "") == ""
    opts = FillOptions(write_read_only=frozenset({"Case Number"}))
    data2, report2 = fill(samples, "housing-assistance", {"Case Number": "C-0001"}, opts)
    assert status_of(report2, "Case Number") is Status.FILLED
    assert fields_of(data2)["Case Number"].obj["/V"] == "C-0001"


def test_skipped_outcome_keeps_label(samples: dict[str, Path]) -> None:
    """A read-only field that is skipped still carries its human label (tooltip) in the
    report, since the CLI prints the label exactly for such non-filled outcomes."""
    _, report = fill(samples, "housing-assistance", {"Case Number": "C-0001"})
    assert outcome(report, "Case Number").label == "Case number (office use only)"


def test_signature_field_refused(samples: dict[str, Path]) -> None:
    """A signature field cannot take a value: FAILED with a reason."""
    _, report = fill(samples, "housing-assistance", {"Applicant Signature": "Testa"})
    o = outcome(report, "Applicant Signature")
    assert o.status is Status.FAILED and "signature" in o.reason


# ---------------------------------------------------------------- letters and fonts


def test_sami_polish_letters(samples: dict[str, Path], flatten_text: FlattenText) -> None:
    """Sámi and Polish letters no WinAnsi font holds are drawn with an embedded Type0 subset
    with a ToUnicode map, and come back from pdftotext after flattening."""
    values = {"Fornavn": SAMI_POLISH, "Etternavn": LETTERS}
    data, report = fill(samples, "nav-yrkesskade", values)
    assert report.ok and not report.notes
    text = squash(flatten_text(data))  # poppler may join single letters: compare sans spaces
    for v in values.values():
        assert squash(v) in text
    assert SAMI_POLISH in flatten_text(data)
    t0 = type0_fonts(data)
    assert len(t0) == 1  # one subset per document
    assert "/ToUnicode" in t0[0] and t0[0]["/Encoding"] == "/Identity-H"
    assert len(font_files(data)) == 1
    fonts = normal_stream(fields_of(data)["Fornavn"].widgets[0].obj)["/Resources"]["/Font"]
    assert any(f.get_object().get("/Subtype") == "/Type0" for f in fonts.values())


def test_winansi_letters_use_form_font(samples: dict[str, Path], flatten_text: FlattenText) -> None:
    """æ ø å é ë ü ß fit WinAnsi: drawn with the form's own font, no font embedded."""
    values = {"Fornavn": "Bjørn Ærlig Åsen", "Etternavn": "Zoë Müller-Groß Renée"}
    data, report = fill(samples, "nav-yrkesskade", values)
    assert report.ok
    text = flatten_text(data)
    for v in values.values():
        assert v in text
    assert type0_fonts(data) == []
    assert font_files(data) == []


def test_ascii_embeds_no_font(samples: dict[str, Path]) -> None:
    """A pure-ASCII fill of every kind of field embeds no font file and no Type0 font."""
    values: dict[str, Value] = {
        "First Name": "Testa",
        "SSN": "123456789",
        "State": "IL",
        "Household Status": "Single",
        "Certify": True,
    }
    data, report = fill(samples, "housing-assistance", values)
    assert report.ok
    assert type0_fonts(data) == []
    assert font_files(data) == []


# ---------------------------------------------------------------- what does not fit


def test_overflow_reported_and_drawn_small(
    samples: dict[str, Path], flatten_text: FlattenText
) -> None:
    """A text far too long for a small single-line box is stored whole, reported OVERFLOW,
    drawn at no less than the minimum font size; the fill is still ok."""
    long = "Aurora Borealis Magnhild Kristine Sofie Testesen-Eksempelsen"
    data, report = fill(samples, "toeslag-aanvraag", {"Voorletters": long})
    o = outcome(report, "Voorletters")
    assert o.status is Status.OVERFLOW and o.reason
    assert report.ok
    f = fields_of(data)["Voorletters"]
    assert f.obj["/V"] == long
    ((size, _, _),) = text_ops(normal_stream(f.widgets[0].obj))
    assert size >= MIN_FONT_SIZE
    assert MIN_FONT_SIZE == 4.0


def test_maxlen_truncated(samples: dict[str, Path]) -> None:
    """A value longer than MaxLen is TRUNCATED, only MaxLen characters stored, report not ok."""
    data, report = fill(samples, "nav-barnetrygd", {"Fodselsnummer": "0101701234599"})
    o = outcome(report, "Fodselsnummer")
    assert o.status is Status.TRUNCATED and "11" in o.reason
    assert not report.ok
    assert fields_of(data)["Fodselsnummer"].obj["/V"] == "01017012345"


def test_unknown_field_did_you_mean(samples: dict[str, Path]) -> None:
    """An unknown field name fails with a did-you-mean naming the close field."""
    _, report = fill(samples, "nav-barnetrygd", {"Fornvan": "Testa"})
    o = outcome(report, "Fornvan")
    assert o.status is Status.FAILED
    assert "did you mean" in o.reason and "Fornavn" in o.reason
    assert not report.ok


def test_bool_for_text_fails(samples: dict[str, Path]) -> None:
    """true for a text field fails rather than writing 'True'."""
    data, report = fill(samples, "nav-barnetrygd", {"Fornavn": True})
    assert status_of(report, "Fornavn") is Status.FAILED
    assert fields_of(data)["Fornavn"].obj.get("/V", "") == ""


def test_need_appearances_false(samples: dict[str, Path]) -> None:
    """The output says NeedAppearances false: every touched appearance was drawn."""
    for form in samples:
        data, _ = fill(samples, form, {})
        acro = PdfReader(io.BytesIO(data)).trailer["/Root"]["/AcroForm"]
        assert acro["/NeedAppearances"] == BooleanObject(False)


def test_hybrid_xfa_removed(samples: dict[str, Path]) -> None:
    """A hybrid AcroForm+XFA form is filled through the AcroForm and loses its stale XFA
    packet; the report notes it."""
    w = PdfWriter(clone_from=PdfReader(samples["housing-assistance"]))
    xfa = w._add_object(TextStringObject("<xdp:xdp/>"))  # test-only fixture building
    w.root_object["/AcroForm"][NameObject("/XFA")] = ArrayObject(
        [TextStringObject("datasets"), xfa]
    )
    buf = io.BytesIO()
    w.write(buf)
    blank = BlankForm("hybrid.pdf", buf.getvalue())
    data, report = fill_pdf(blank, {"First Name": "Testa"})
    assert report.ok
    assert any("XFA" in n for n in report.notes)
    acro = PdfReader(io.BytesIO(data)).trailer["/Root"]["/AcroForm"]
    assert "/XFA" not in acro


def test_blank_reused(samples: dict[str, Path]) -> None:
    """One BlankForm fills many times without one fill leaking into the next."""
    blank = BlankForm.from_path(samples["housing-assistance"])
    a, _ = fill_pdf(blank, {"First Name": "Alfa"})
    b, _ = fill_pdf(blank, {"Last Name": "Bravo"})
    fb = fields_of(b)
    assert fb["First Name"].obj.get("/V", "") == ""
    assert fb["Last Name"].obj["/V"] == "Bravo"
    assert fields_of(a)["First Name"].obj["/V"] == "Alfa"


# ---------------------------------------------------------------- flatten


def bbox_words(pdf: bytes, tmp_path: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page: (word, xMin, yMin, xMax, yMax) from pdftotext -bbox (top-left origin)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext")
    p = tmp_path / "flat.pdf"
    p.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", str(p), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages: list[list[tuple[str, float, float, float, float]]] = []
    for line in out.splitlines():
        if "<page " in line:
            pages.append([])
        m = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>',
            line,
        )
        if m:
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            pages[-1].append((m.group(5), x0, y0, x1, y1))
    return pages


def _inside(word: tuple[float, float, float, float], box: tuple[float, ...], tol: float = 1.0):  # type: ignore[no-untyped-def]
    x0, y0, x1, y1 = word
    bx0, by0, bx1, by1 = box
    return bx0 - tol <= x0 and x1 <= bx1 + tol and by0 - tol <= y0 and y1 <= by1 + tol


@pytest.mark.parametrize("rotate", [0, 90])
def test_flatten_places_values(samples: dict[str, Path], tmp_path: Path, rotate: int) -> None:
    """flatten_pdf removes /AcroForm and every widget; each value is then page text lying
    inside its former widget rectangle, on an unrotated page and on a page with /Rotate 90."""
    w = PdfWriter(clone_from=PdfReader(samples["housing-assistance"]))
    if rotate:
        w.pages[0][NameObject("/Rotate")] = NumberObject(rotate)
    buf = io.BytesIO()
    w.write(buf)
    blank = BlankForm("form.pdf", buf.getvalue())
    values: dict[str, Value] = {
        "First Name": "Kariane",
        "City": "Springfield",
        "Employer": "Acmeco",
    }
    filled, report = fill_pdf(blank, {**values, "Certify": True})
    assert report.ok
    rects = {n: f.widgets[0].rect for n, f in fields_of(filled).items()}
    pages_of = {n: f.widgets[0].page for n, f in fields_of(filled).items()}
    flat = flatten_pdf("form.pdf", filled)
    reader = PdfReader(io.BytesIO(flat))
    assert "/AcroForm" not in reader.trailer["/Root"]
    for page in reader.pages:
        for a in page.get("/Annots", []) or []:
            assert a.get_object().get("/Subtype") != "/Widget"
    height = float(reader.pages[0].mediabox.height)
    words = bbox_words(flat, tmp_path)
    for name, value in values.items():
        x1, y1, x2, y2 = rects[name]
        page = pages_of[name]
        assert page is not None
        if rotate == 90 and page == 0:
            box = (y1, x1, y2, x2)  # displayed: x runs along user y, y (down) along user x
        else:
            box = (x1, height - y2, x2, height - y1)
        hits = [wd[1:] for wd in words[page] if wd[0] == value]
        assert hits, (name, value)
        assert any(_inside(h, box) for h in hits), (name, hits, box)


def test_flatten_keeps_checkbox_and_drops_hidden(samples: dict[str, Path], tmp_path: Path) -> None:
    """Flattening draws the ticked checkbox state and drops hidden widgets, leaving their
    value out of the page text."""
    filled, _ = fill(
        samples,
        "toeslag-aanvraag",
        {"Aanvraag_huurtoeslag": True, "Verwerkingscode": "ZX81", "Achternaam": "Testsma"},
    )
    flat = flatten_pdf("t.pdf", filled)
    words = [wd[0] for wd in bbox_words(flat, tmp_path)[0]]
    assert "Testsma" in words and "ZX81" not in words
    page = PdfReader(io.BytesIO(flat)).pages[0]
    assert "/Annots" not in page
    xobjects = page["/Resources"]["/XObject"]
    assert len([k for k in xobjects if str(k).startswith("/FFw")]) > 0


def test_flatten_through_fill_and_verify(
    samples: dict[str, Path], flatten_text: FlattenText
) -> None:
    """fill_and_verify(flatten=True) verifies before flattening and returns a form-less PDF
    whose page text holds the values."""
    from formfill.fill import fill_and_verify

    blank = BlankForm.from_path(samples["nav-barnetrygd"])
    data, report = fill_and_verify(blank, {"Fornavn": "Testa", "Sivilstand": "Gift"}, flatten=True)
    assert report.ok and any("flattened" in n for n in report.notes)
    assert "/AcroForm" not in PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert "Testa" in flatten_text(data)


def test_pinned_pypdf_private_stream_data_for_the_embedded_font(samples: dict[str, Path]) -> None:
    """Pins pdf_fill's other private pypdf use: the Unicode font program is assigned to
    StreamObject._data already Flate-compressed. If pypdf changes how it writes that, the
    embedded font would come out double-encoded or empty: read it back and parse it."""
    import io as _io
    import zlib as _zlib

    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    from formfill.pdf.fill import BlankForm, fill_pdf

    blank = BlankForm.from_path(samples["nav-barnetrygd"])
    data, report = fill_pdf(blank, {"Fornavn": "Máret Čiekčá Łódź"})
    assert report.ok
    reader = PdfReader(_io.BytesIO(data))
    widget = next(
        a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object().get("/T") == "Fornavn"
    )
    fonts = widget["/AP"]["/N"].get_object()["/Resources"]["/Font"]
    type0 = fonts["/FFUni"].get_object()
    descriptor = type0["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    programs = [descriptor["/FontFile2"].get_object()]
    program = programs[0].get_data()
    assert int(programs[0]["/Length1"]) == len(program)
    font = TTFont(_io.BytesIO(program))
    assert "glyf" in font and font.getBestCmap()
    assert _zlib.compress(program)  # decoded once, not still compressed
