"""formfill.pdf.inspect: the field inventory of our sample forms, the fingerprint, and the checks
that refuse what formfill cannot fill (not a PDF, damaged, XFA-only, password-protected)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    NameObject,
    TextStringObject,
)

from formfill.errors import UnsupportedFormError
from formfill.pdf.fill import BlankForm, fill_pdf
from formfill.pdf.inspect import FieldInfo, FormInventory, inspect_pdf
from formfill.pdf.verify import verify_pdf


def _inv(samples: dict[str, Path], form: str) -> FormInventory:
    return inspect_pdf(samples[form])


def _field(samples: dict[str, Path], form: str, name: str) -> FieldInfo:
    return _inv(samples, form).by_name()[name]


def _to_bytes(writer: PdfWriter) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def encrypted_sample(path: Path, user: str) -> bytes:
    """A sample form encrypted with the given user password (owner password 'owner')."""
    w = PdfWriter(clone_from=PdfReader(path))
    w.encrypt(user, "owner", algorithm="AES-128")
    return _to_bytes(w)


# ---------------------------------------------------------------- inventory of the sample forms


def test_field_counts_and_pages(samples: dict[str, Path]) -> None:
    """Every sample form is read whole: its page count and number of terminal fields."""
    expected = {
        "nav-barnetrygd": (3, 27),
        "nav-yrkesskade": (2, 19),
        "toeslag-aanvraag": (2, 21),
        "housing-assistance": (2, 33),
    }
    for form, (pages, n) in expected.items():
        inv = _inv(samples, form)
        assert (inv.pages, len(inv.fields)) == (pages, n), form
        assert not inv.has_xfa and not inv.encrypted
        assert inv.fingerprint.startswith("sha256:")


def test_kinds(samples: dict[str, Path]) -> None:
    """Each field kind is recognised: text, checkbox, radio, combo, list, signature."""
    kinds = {
        ("nav-barnetrygd", "Fornavn"): "text",
        ("nav-barnetrygd", "Sivilstand"): "radio",
        ("nav-barnetrygd", "Utvidet_barnetrygd"): "checkbox",
        ("nav-barnetrygd", "Underskrift"): "signature",
        ("nav-yrkesskade", "Skadetype"): "combo",
        ("nav-yrkesskade", "Skadet_kroppsdel"): "list",
        ("toeslag-aanvraag", "Leefsituatie"): "radio",
        ("housing-assistance", "State"): "combo",
        ("housing-assistance", "Household Status"): "checkbox",
        ("housing-assistance", "Applicant Signature"): "signature",
    }
    invs = {form: _inv(samples, form).by_name() for form in samples}
    for (form, name), kind in kinds.items():
        assert invs[form][name].kind == kind, (form, name)


def test_comb_and_maxlen(samples: dict[str, Path]) -> None:
    """Comb fields are flagged with their MaxLen; a multi-line field is flagged multiline."""
    combs = {
        ("nav-barnetrygd", "Fodselsnummer"): 11,
        ("nav-barnetrygd", "Postnummer"): 4,
        ("nav-barnetrygd", "Kontonummer"): 11,
        ("nav-yrkesskade", "Arbeidsgiver_orgnr"): 9,
        ("toeslag-aanvraag", "BSN"): 9,
        ("housing-assistance", "SSN"): 9,
        ("housing-assistance", "ZIP"): 5,
    }
    for (form, name), n in combs.items():
        f = _field(samples, form, name)
        assert f.comb and f.max_len == n, (form, name)
    plain = _field(samples, "nav-barnetrygd", "Fornavn")
    assert not plain.comb and plain.max_len is None
    assert _field(samples, "nav-barnetrygd", "Tilleggsopplysninger").multiline
    assert not plain.multiline


def test_radio_states_translated(samples: dict[str, Path]) -> None:
    """Radio states are export values: /Opt indices (/0 /1 /2) are translated to the /Opt
    texts, and escaped names (/Registrert#20partner, /S#C3#A6rbo) read as words."""
    leef = _field(samples, "toeslag-aanvraag", "Leefsituatie")
    assert leef.states == [
        "Alleenstaand",
        "Gehuwd / geregistreerd partner",
        "Samenwonend (met toeslagpartner)",
    ]
    siv = _field(samples, "nav-barnetrygd", "Sivilstand")
    assert set(siv.states) == {
        "Ugift",
        "Gift",
        "Registrert partner",
        "Samboer",
        "Skilt/separert",
        "Enke/enkemann",
        "Særbo",
    }


def test_per_widget_states(samples: dict[str, Path]) -> None:
    """A checkbox field whose widgets carry different on-states lists each of them, and a
    one-byte non-ASCII state (/S#ED) reads as 'Sí'."""
    assert _field(samples, "nav-barnetrygd", "Barn1_bor_sammen").states == ["Ja", "Nei"]
    assert _field(samples, "toeslag-aanvraag", "Toeslagpartner").states == ["Ja", "Nee"]
    hs = _field(samples, "housing-assistance", "Household Status")
    assert hs.states == ["Single", "Married", "HoH"]
    assert len(hs.rects) == 3
    assert _field(samples, "housing-assistance", "Interpreter").states == ["Sí"]
    assert _field(samples, "housing-assistance", "Certify").states == ["Yes"]
    assert _field(samples, "nav-barnetrygd", "Utvidet_barnetrygd").states == ["Ja"]


def test_choice_options(samples: dict[str, Path]) -> None:
    """Dropdown and list options are (export, display) pairs, the empty first option kept."""
    state = _field(samples, "housing-assistance", "State")
    assert ("IL", "Illinois") in state.options
    skade = _field(samples, "nav-yrkesskade", "Skadetype")
    assert skade.options[0][0] == ""
    assert ("BRUDD", "Bruddskade") in skade.options
    kropp = _field(samples, "nav-yrkesskade", "Skadet_kroppsdel")
    assert [e for e, _ in kropp.options] == ["hode", "oye", "arm", "rygg", "bein"]


def test_orphan_widget_found(samples: dict[str, Path]) -> None:
    """A widget only a page's /Annots reaches (not /AcroForm /Fields) is listed and flagged."""
    tel = _field(samples, "toeslag-aanvraag", "Telefoonnummer")
    assert tel.orphan and tel.kind == "text" and tel.pages == [1]
    assert not _field(samples, "toeslag-aanvraag", "Email").orphan


def test_hidden_widget_flagged(samples: dict[str, Path]) -> None:
    """A field whose only widget has the Hidden annotation flag is flagged hidden."""
    assert _field(samples, "toeslag-aanvraag", "Verwerkingscode").hidden
    assert not _field(samples, "toeslag-aanvraag", "Voorletters").hidden


def test_two_page_field(samples: dict[str, Path]) -> None:
    """A field with a widget on each of two pages reports pages [1, 2] and two rectangles."""
    f = _field(samples, "nav-yrkesskade", "Fodselsnummer")
    assert f.pages == [1, 2]
    assert len(f.rects) == 2


def test_read_only_flagged(samples: dict[str, Path]) -> None:
    """Read-only fields (office use) are flagged; ordinary ones are not."""
    assert _field(samples, "nav-barnetrygd", "Saksnummer").read_only
    assert _field(samples, "housing-assistance", "Case Number").read_only
    assert not _field(samples, "housing-assistance", "First Name").read_only


def test_tooltips(samples: dict[str, Path]) -> None:
    """Tooltips (/TU) are read, non-ASCII included, and serve as the label."""
    f = _field(samples, "nav-barnetrygd", "Fodselsnummer")
    assert f.tooltip == "Fødselsnummer (11 siffer)"
    assert f.label == f.tooltip
    interp = _field(samples, "housing-assistance", "Interpreter")
    assert interp.tooltip.startswith("¿Necesita intérprete?")


def test_pages_and_rects(samples: dict[str, Path]) -> None:
    """Fields report the page they are on and their rectangle (x1, y1, x2, y2)."""
    inv = _inv(samples, "housing-assistance").by_name()
    assert inv["First Name"].pages == [1]
    assert inv["First Name"].rects == [(36.0, 616.0, 206.0, 632.0)]
    assert inv["Employer"].pages == [2]


def test_to_dict_is_json_ready(samples: dict[str, Path]) -> None:
    """The inventory serialises to JSON (for `formfill inspect --json`)."""
    import json

    d = _inv(samples, "nav-yrkesskade").to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False))["pages"] == 2


# ---------------------------------------------------------------- fingerprint


def test_fingerprint_stable(samples: dict[str, Path], tmp_path: Path) -> None:
    """Two reads of the same form, and a re-save by pypdf that changes nothing, keep the print."""
    path = samples["nav-barnetrygd"]
    first = inspect_pdf(path).fingerprint
    assert inspect_pdf(path).fingerprint == first
    copy = tmp_path / "resaved.pdf"
    copy.write_bytes(_to_bytes(PdfWriter(clone_from=PdfReader(path))))
    assert inspect_pdf(copy).fingerprint == first


def test_fingerprint_changes_on_rename(samples: dict[str, Path], tmp_path: Path) -> None:
    """Renaming one field (the agency changed the form) changes the fingerprint."""
    path = samples["nav-barnetrygd"]
    w = PdfWriter(clone_from=PdfReader(path))
    for ref in w.root_object["/AcroForm"]["/Fields"]:
        obj = ref.get_object()
        if obj.get("/T") == "Etternavn":
            obj[NameObject("/T")] = TextStringObject("Slektsnavn")
            break
    else:
        pytest.fail("Etternavn not found")
    variant = tmp_path / "renamed.pdf"
    variant.write_bytes(_to_bytes(w))
    inv = inspect_pdf(variant)
    assert "Slektsnavn" in inv.by_name()
    assert inv.fingerprint != inspect_pdf(path).fingerprint


# ---------------------------------------------------------------- what formfill refuses


def test_jpeg_renamed_pdf(tmp_path: Path, jpeg_bytes: bytes) -> None:
    """A JPEG named .pdf is refused by content, with a reason saying what it is."""
    p = tmp_path / "photo.pdf"
    p.write_bytes(jpeg_bytes)
    with pytest.raises(UnsupportedFormError) as e:
        inspect_pdf(p)
    assert "not a PDF" in e.value.reason and "JPEG" in e.value.reason
    with pytest.raises(UnsupportedFormError):
        BlankForm.from_path(p)


def test_truncated_pdf(samples: dict[str, Path], tmp_path: Path) -> None:
    """A PDF cut in half is refused as truncated or damaged, not a pypdf traceback."""
    data = samples["housing-assistance"].read_bytes()
    p = tmp_path / "half.pdf"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnsupportedFormError) as e:
        inspect_pdf(p)
    assert "truncated" in e.value.reason or "damaged" in e.value.reason
    with pytest.raises(UnsupportedFormError):
        BlankForm.from_path(p)


def test_empty_file(tmp_path: Path) -> None:
    """An empty file is refused with a reason saying it is empty."""
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    with pytest.raises(UnsupportedFormError) as e:
        inspect_pdf(p)
    assert "empty" in e.value.reason


def test_missing_file(tmp_path: Path) -> None:
    """A path that does not exist is refused with a reason, not an OSError."""
    with pytest.raises(UnsupportedFormError) as e:
        inspect_pdf(tmp_path / "nope.pdf")
    assert "cannot read" in e.value.reason


@pytest.mark.parametrize("with_signature", [True, False], ids=["signature-only", "no-fields"])
def test_xfa_only_refused(with_signature: bool, xfa_only_pdf: Callable[..., bytes]) -> None:
    """An XFA-only form (AcroForm with /XFA and at most a signature field) is refused by
    BlankForm with a message naming XFA; inspect still lists its AcroForm shell."""
    data = xfa_only_pdf(with_signature)
    with pytest.raises(UnsupportedFormError) as e:
        BlankForm("xfa.pdf", data)
    assert "XFA" in e.value.reason
    assert "XFA" in str(e.value)


def test_xfa_only_inspected(tmp_path: Path, xfa_only_pdf: Callable[..., bytes]) -> None:
    """inspect_pdf lists an XFA-only form and reports has_xfa (so the CLI can explain)."""
    p = tmp_path / "xfa.pdf"
    p.write_bytes(xfa_only_pdf(with_signature=True))
    inv = inspect_pdf(p)
    assert inv.has_xfa
    assert [f.kind for f in inv.fields] == ["signature"]


def test_no_fields_refused(samples: dict[str, Path]) -> None:
    """A plain PDF without form fields is refused, saying it has none."""
    w = PdfWriter()
    w.add_blank_page(200, 200)
    with pytest.raises(UnsupportedFormError) as e:
        BlankForm("plain.pdf", _to_bytes(w))
    assert "no fillable form fields" in e.value.reason


def test_encrypted_empty_password_opens_and_fills(samples: dict[str, Path], tmp_path: Path) -> None:
    """A form encrypted with an empty user password is inspected and filled; the report says
    the output is not encrypted, and the values verify."""
    data = encrypted_sample(samples["housing-assistance"], "")
    p = tmp_path / "enc.pdf"
    p.write_bytes(data)
    inv = inspect_pdf(p)
    assert inv.encrypted and len(inv.fields) == 33
    blank = BlankForm.from_path(p)
    values = {"First Name": "Testa", "State": "IL", "Certify": True}
    out, report = fill_pdf(blank, values)
    assert report.ok
    assert any("encrypted" in n for n in report.notes)
    assert not PdfReader(io.BytesIO(out)).is_encrypted
    assert verify_pdf("out.pdf", out, values).ok


def test_password_needed_refused(samples: dict[str, Path], tmp_path: Path) -> None:
    """A form that needs a user password is refused with a reason naming the password."""
    p = tmp_path / "locked.pdf"
    p.write_bytes(encrypted_sample(samples["housing-assistance"], "s3cret"))
    with pytest.raises(UnsupportedFormError) as e:
        inspect_pdf(p)
    assert "password" in e.value.reason
    with pytest.raises(UnsupportedFormError):
        BlankForm.from_path(p)
