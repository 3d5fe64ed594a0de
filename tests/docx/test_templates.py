"""Word documents: our docxtpl templates (sandboxed, strict) and Word forms with content controls
and legacy form fields. Values are always read back (python-docx or our reader), never compared
byte for byte."""

from __future__ import annotations

import datetime as dt
import io
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from formfill.docx.templates import (
    docx_fingerprint,
    fill_docx_fields,
    inspect_docx,
    read_docx_fields,
    render_template,
    unresolved_placeholders,
)
from formfill.errors import TemplateError, UnsupportedFormError
from formfill.report import Status

REPO = Path(__file__).resolve().parents[2]
COMMON = REPO / "templates" / "common"
KOMMUNE = REPO / "sample_forms" / "kommune" / "kommune-bostotte-vedlegg.docx"
CORPUS_FORMS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "forms"
needs_corpus = pytest.mark.skipif(not CORPUS_FORMS.is_dir(), reason="corpus not present")


def context(representative: bool = True) -> dict[str, Any]:
    """A profile-like context (plain dicts), synthetic person with æ ø å Č Đ Ŋ Ł."""
    return {
        "person": {"full_name": "Åse Čiekčá Ødegård", "birth_date": dt.date(1984, 3, 9)},
        "identifiers": {"national_id": "09038412345"},
        "address": {
            "current": {
                "street_line": "Bjørnstjerne Bjørnsons gate 5 B",
                "postal_line": "9520 GUOVDAGEAIDNU",
                "city": "Guovdageaidnu",
            }
        },
        "contact": {"phone_mobile": "412 34 567"},
        "representative": {"full_name": "Đorđe Łukasz Ŋutti"} if representative else None,
        "fill": {
            "date": dt.date(2025, 3, 1),
            "agencies": ["NAV Guovdageaidnu", "Kautokeino kommune, tildelingskontoret"],
            "recipient": "NAV Tromsø",
            "enclosures": ["Søknad om bostøtte", "Lønnsslipp for mars & april <2025>"],
        },
    }


def text_of(data: bytes) -> str:
    """All text python-docx sees, paragraph by paragraph, including text inside content
    controls (python-docx's Paragraph.text skips w:sdt, so the w:t elements are read)."""
    d = docx.Document(io.BytesIO(data))
    paragraphs = d.element.body.iter(qn("w:p"))
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs)


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    """A throwaway Word file with one paragraph per string."""
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(str(path))
    return path


# ----------------------------------------------------------------- templates


@pytest.mark.parametrize(
    "name",
    [
        "consent-share-information-nb",
        "consent-share-information-nl",
        "agency-cover-letter-nb",
        "agency-cover-letter-nl",
    ],
)
def test_each_template_renders_every_value(name: str) -> None:
    """Each common template renders the client's values (non-ASCII intact), leaves no Jinja tag
    behind and reports its placeholders as filled."""
    data, report = render_template(COMMON / f"{name}.docx", context())
    text = text_of(data)
    for value in ("Åse Čiekčá Ødegård", "09038412345", "Đorđe Łukasz Ŋutti"):
        assert value in text
    assert "Bjørnstjerne Bjørnsons gate 5 B" in text and "9520 GUOVDAGEAIDNU" in text
    assert "01.03.2025" in text or "01-03-2025" in text
    assert unresolved_placeholders(data) == []
    assert report.ok and report.by_status(Status.FILLED)


def test_consent_lists_agencies_and_birth_date() -> None:
    """The consent form names each agency on its own line and shows the birth date."""
    text = text_of(render_template(COMMON / "consent-share-information-nb.docx", context())[0])
    assert "NAV Guovdageaidnu" in text
    assert "Kautokeino kommune, tildelingskontoret" in text
    assert "09.03.1984" in text


def test_cover_letter_escapes_markup_in_values() -> None:
    """autoescape: '&' and '<...>' in a value land as text and the document stays valid."""
    data, _ = render_template(COMMON / "agency-cover-letter-nl.docx", context())
    assert "Lønnsslipp for mars & april <2025>" in text_of(data)


def test_representative_block_disappears_without_one() -> None:
    """{%p if representative %}: no representative, no representative paragraph or name."""
    data, report = render_template(COMMON / "consent-share-information-nb.docx", context(False))
    text = text_of(data)
    assert "Ŋutti" not in text and "Representant" not in text
    blank = {o.field for o in report.by_status(Status.BLANK)}
    assert "representative.full_name" in blank


def test_optional_fill_extras_fall_back_to_blank_lines() -> None:
    """Without fill.agencies / fill.recipient the templates print lines to write on, no error."""
    ctx = context()
    ctx["fill"] = {"date": dt.date(2025, 3, 1)}
    for name in ("consent-share-information-nb", "agency-cover-letter-nb"):
        data, _ = render_template(COMMON / f"{name}.docx", ctx)
        assert "_" * 50 in text_of(data)


def test_template_renders_a_real_profile() -> None:
    """The templates work with the profile's own objects (derived properties) via resolve."""
    from formfill.profile.expressions import expression_context
    from formfill.profile.validation import load_profile

    profile = load_profile(REPO / "personas" / "nb_single_parent.json")
    ctx = expression_context(profile, dt.date(2025, 3, 1))
    data, report = render_template(COMMON / "consent-share-information-nb.docx", ctx)
    assert "Tuva Ødegård Sæther" in text_of(data)
    assert report.ok


def test_undefined_names_are_all_reported_at_once(tmp_path: Path) -> None:
    """Undefined variables are never rendered blank: one TemplateError lists every dotted name,
    including a missing attribute, an unknown root, an attribute of a None section and a loop
    item's typo."""
    tpl = make_docx(
        tmp_path / "t.docx",
        [
            "{{ person.full_nmae }} and {{ persn.given_name }}",
            "{{ representative.full_name }}",
            "{% for m in household.members %}{{ m.given_nam }}{% endfor %}",
            "{% if reprsentative %}x{% endif %}",
        ],
    )
    ctx = {
        "person": {"full_name": "Åse"},
        "representative": None,
        "household": {"members": [{"given_name": "Čiekčá"}]},
    }
    with pytest.raises(TemplateError) as err:
        render_template(tpl, ctx)
    assert err.value.undefined == [
        "person.full_nmae",
        "persn.given_name",
        "representative.full_name",
        "household.members[0].given_nam",
        "reprsentative",
    ]


def test_sandbox_blocks_python_internals(tmp_path: Path) -> None:
    """The Jinja sandbox refuses {{ ''.__class__.__mro__ }} (docxtpl's default Jinja would not)."""
    tpl = make_docx(tmp_path / "t.docx", ["{{ ''.__class__.__mro__ }}"])
    with pytest.raises(TemplateError, match="sandbox"):
        render_template(tpl, {})


def test_syntax_error_names_the_paragraph(tmp_path: Path) -> None:
    """A broken tag is a TemplateError that quotes the paragraph it is in."""
    tpl = make_docx(tmp_path / "t.docx", ["Fine", "Navn: {{ person.full_name "])
    with pytest.raises(TemplateError, match=r"Navn: \{\{ person\.full_name"):
        render_template(tpl, {"person": {"full_name": "x"}})


def test_inspect_lists_template_placeholders() -> None:
    """inspect_docx lists a template's dotted placeholder names, loop variables left out."""
    names = {f.name for f in inspect_docx(COMMON / "consent-share-information-nb.docx")}
    assert {"person.full_name", "identifiers.national_id", "address.current.street_line"} <= names
    assert {"representative.full_name", "fill.date", "fill.agencies"} <= names
    assert "agency" not in names


# ----------------------------------------------------------------- our kommune form


def test_inspect_kommune_form() -> None:
    """Every content control and legacy field of our sample form, with kinds and options."""
    fields = {f.name: f for f in inspect_docx(KOMMUNE)}
    kinds = {n: (f.source, f.kind) for n, f in fields.items()}
    assert kinds == {
        "navn": ("sdt", "text"),
        "fodselsnummer": ("sdt", "text"),
        "adresse": ("sdt", "text"),
        "kommune": ("sdt", "dropdown"),
        "samtykke": ("sdt", "checkbox"),
        "dato": ("sdt", "date"),
        "Telefon": ("legacy", "text"),
        "Boform": ("legacy", "dropdown"),
        "BorAlene": ("legacy", "checkbox"),
    }
    assert ("Tromsø", "Tromsø") in fields["kommune"].options
    assert fields["navn"].showing_placeholder and fields["navn"].current == ""
    assert fields["Telefon"].max_len == 12 and fields["Telefon"].current == ""
    assert fields["Boform"].current == "Leier"
    assert fields["samtykke"].current is False


def test_fill_kommune_form_and_read_back() -> None:
    """Text, checkbox, dropdown and date controls and legacy text/checkbox/dropdown fields land,
    non-ASCII intact, and Word would show them (placeholder flag and grey style gone)."""
    values: dict[str, str | bool] = {
        "navn": "Åse Čiekčá Ødegård",
        "fodselsnummer": "09038412345",
        "adresse": "Bjørnstjerne Bjørnsons gate 5 B, 9520 GUOVDAGEAIDNU",
        "kommune": "Tromsø",
        "samtykke": True,
        "dato": "01.03.2025",
        "Telefon": "412 34 567",
        "BorAlene": True,
        "Boform": "Borettslag",
    }
    data, report = fill_docx_fields(KOMMUNE, values)
    assert report.ok and len(report.by_status(Status.FILLED)) == len(values)
    assert read_docx_fields(data) == values
    document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "showingPlcHdr" not in document.split('w:val="samtykke"')[0]
    assert "PlaceholderText" not in document.split('w:val="kommune"')[0]
    assert "\u2612" in document  # the checked-box glyph
    text = text_of(data)  # python-docx opens the result and sees the text
    assert "Åse Čiekčá Ødegård" in text and "412 34 567" in text
    # walk 7: the filled Kommune and Dato kept the hint's grey, reading as not filled in on paper
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(document.encode())
    grey = []
    for sdt in root.iter(w + "sdt"):
        tag = sdt.find(f"{w}sdtPr/{w}tag")
        if tag is None or tag.get(w + "val") not in values:
            continue
        for colour in sdt.iterfind(f"{w}sdtContent//{w}color"):
            grey.append((tag.get(w + "val"), colour.get(w + "val")))
        for style in sdt.iterfind(f"{w}sdtContent//{w}rStyle"):
            grey.append((tag.get(w + "val"), style.get(w + "val")))
    assert grey == []


def test_refilling_a_filled_form(tmp_path: Path) -> None:
    """A filled form can be filled again: checkbox back to false, text and dropdown replaced."""
    first, _ = fill_docx_fields(KOMMUNE, {"navn": "Ida Łódź", "samtykke": True, "Boform": "Eier"})
    path = tmp_path / "filled.docx"
    path.write_bytes(first)
    second, report = fill_docx_fields(path, {"navn": "Ola Nordmann", "samtykke": False})
    got = read_docx_fields(second)
    assert report.ok
    assert (got["navn"], got["samtykke"], got["Boform"]) == ("Ola Nordmann", False, "Eier")
    assert "\u2610" in text_of(second) and "Łódź" not in text_of(second)


def test_unknown_and_invalid_values_are_reported_failed() -> None:
    """Unknown names, a value outside a dropdown's list and wrong value kinds fail loudly, and
    the rest of the fill still happens."""
    data, report = fill_docx_fields(
        KOMMUNE,
        {
            "navn": "Ola",
            "no_such_tag": "x",
            "kommune": "Narvik",
            "samtykke": "yes",
            "Boform": "Hytte",
        },
    )
    failed = {o.field: o.reason for o in report.by_status(Status.FAILED)}
    assert set(failed) == {"no_such_tag", "kommune", "samtykke", "Boform"}
    assert "Narvik" in failed["kommune"] and "Tromsø" in failed["kommune"]
    assert not report.ok
    assert read_docx_fields(data)["navn"] == "Ola"


def test_legacy_text_longer_than_max_length_is_truncated() -> None:
    """A value over a FORMTEXT maxLength is cut and reported TRUNCATED, not silently stored."""
    data, report = fill_docx_fields(KOMMUNE, {"Telefon": "+47 412 34 567 89"})
    (outcome,) = report.outcomes
    assert outcome.status is Status.TRUNCATED
    assert read_docx_fields(data)["Telefon"] == "+47 412 34 5"


def test_kommune_map_fingerprint_matches_the_form() -> None:
    """The map's fingerprint is the one docx_fingerprint computes for the sample form."""
    fmap = tomllib.loads(
        (REPO / "form_maps" / "kommune" / "kommune-bostotte-vedlegg.toml").read_text("utf-8")
    )
    assert fmap["fingerprint"] == docx_fingerprint(inspect_docx(KOMMUNE))
    names = {f.name for f in inspect_docx(KOMMUNE)}
    assert {f["field"] for f in fmap["fields"]} == names


# ----------------------------------------------------------------- refusing non-DOCX files


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Word 97-2003"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100), "JPEG"),
        (b"%PDF-1.7\n", "PDF"),
        (b"just some text", "not a zip"),
    ],
)
def test_not_a_docx_is_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    """Files are judged by content, not by the .docx name: each gets a reason that says why."""
    path = tmp_path / "form.docx"
    path.write_bytes(content)
    for call in (inspect_docx, lambda p: fill_docx_fields(p, {}), lambda p: render_template(p, {})):
        with pytest.raises(UnsupportedFormError, match=reason):
            call(path)


def test_zip_without_word_document_is_refused(tmp_path: Path) -> None:
    """A zip that is not a Word package (an OpenDocument file, say) is refused."""
    path = tmp_path / "form.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(UnsupportedFormError, match="OpenDocument"):
        inspect_docx(path)


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    """A part that unpacks to more than the limit is refused before anything is parsed."""
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", bytes(110 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(UnsupportedFormError, match="zip bomb"):
        fill_docx_fields(path, {})


# ----------------------------------------------------------------- real Word files (corpus)


@pytest.mark.corpus
@needs_corpus
def test_corpus_will_template_has_34_controls() -> None:
    """FormFyxer's will template: 34 content controls in the body (no tags: named sdt:<id>),
    text and dropdown kinds with their list items."""
    fields = inspect_docx(CORPUS_FORMS / "will_template_content_controls.docx")
    body = [f for f in fields if f.source == "sdt" and f.part == "word/document.xml"]
    assert len(body) == 34
    assert all(f.name.startswith("sdt:") for f in body)
    dropdowns = [f for f in body if f.kind == "dropdown"]
    assert ("widowed", "widowed") in dropdowns[0].options


@pytest.mark.corpus
@needs_corpus
def test_corpus_will_template_fill_and_read_back() -> None:
    """Fill a few of the will template's controls (placeholder text, dropdown) and read back."""
    path = CORPUS_FORMS / "will_template_content_controls.docx"
    body = [f for f in inspect_docx(path) if f.source == "sdt" and f.part == "word/document.xml"]
    texts = [f for f in body if f.kind == "text" and f.showing_placeholder][:3]
    dropdown = next(f for f in body if f.kind == "dropdown")
    values: dict[str, str | bool] = {
        t.name: v for t, v in zip(texts, ["Åse Čiekčá", "Ŋ", "Ø"], strict=True)
    }
    values[dropdown.name] = "divorced"
    data, report = fill_docx_fields(path, values)
    assert report.ok
    got = read_docx_fields(data)
    assert {k: got[k] for k in values} == values
    assert "Åse Čiekčá" in text_of(data)


@pytest.mark.corpus
@needs_corpus
def test_corpus_assemblyline_templates_list_placeholders() -> None:
    """docxtpl templates written by others: inspect finds their dotted placeholders."""
    names = {f.name for f in inspect_docx(CORPUS_FORMS / "al_next_steps_letter.docx")}
    assert "interview.intro_prompt" in names
    names = {f.name for f in inspect_docx(CORPUS_FORMS / "al_basic_addendum.docx")}
    assert "trial_court.address.county" in names


@pytest.mark.corpus
@needs_corpus
def test_corpus_broken_template_is_a_template_error() -> None:
    """us_ma_pfc_generic_motion.docx puts {%p if %} mid-paragraph, which docxtpl cannot parse:
    a TemplateError quoting the paragraph, not a crash."""
    with pytest.raises(TemplateError, match="endif"):
        inspect_docx(CORPUS_FORMS / "us_ma_pfc_generic_motion.docx")
