"""Button state names keep the blank's bytes (issue 12 item 5).

sample_forms/traps/button-states.pdf spells its on-states in single Latin-1 bytes (/S#ED, not
the UTF-8 /S#C3#AD pypdf writes) in every widget shape; one field spells /Sí in UTF-8 and must
stay so. These tests read the output's raw object bytes (pypdf's decoded names cannot tell the
two spellings apart) and check what a name-exact reader such as pdftk would see.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject

from formfill.pdf.fill import BlankForm, fill_pdf
from formfill.pdf.names import RawName
from formfill.pdf.verify import verify_pdf

BLANK = Path(__file__).resolve().parents[2] / "sample_forms" / "traps" / "button-states.pdf"
SI = b"/S#ED"
SI_UTF8 = b"/S#C3#AD"
SITUATION = {"Veuf": b"/Veuf", "Marié": b"/Mari#E9", "Pacsé": b"/Pacs#E9", "Divorcé": b"/Divorc#E9"}
NAME = rb"/[^\s()<>\[\]{}/%]+"


@pytest.fixture(scope="module")
def blank() -> BlankForm:
    return BlankForm.from_path(BLANK)


def _fill(blank: BlankForm, values: dict[str, str | bool]) -> bytes:
    data, report = fill_pdf(blank, values)
    assert report.ok, report
    return data


def _objects(data: bytes, field: str) -> tuple[bytes, list[bytes]]:
    """(raw bytes of the terminal field, raw bytes of each widget) as the newest revision has
    them. The field is found by /T among /Fields and the pages' /Annots."""
    reader = PdfReader(io.BytesIO(data))

    def raw(ref: object) -> bytes:
        off = reader.xref[ref.generation][ref.idnum]  # type: ignore[attr-defined]
        return data[off : data.index(b"endobj", off)]

    refs = list(reader.trailer["/Root"]["/AcroForm"]["/Fields"])
    refs += [a for p in reader.pages for a in p.get("/Annots", [])]
    for ref in refs:
        obj = ref.get_object()
        if obj.get("/T") == field:
            kids = obj.get("/Kids")
            return raw(ref), [raw(k) for k in kids] if kids else [raw(ref)]
    raise AssertionError(f"no field {field}")


def _value(obj: bytes, key: bytes) -> bytes | None:
    m = re.search(rb"/" + key + rb"\s*(" + NAME + rb")", obj)
    return m.group(1) if m else None


def _ap_keys(widget: bytes) -> dict[bytes, list[bytes]]:
    """The state names of the widget's inline /AP /N /D /R dictionaries."""
    ap = widget[widget.index(b"/AP") :]
    out = {}
    for key in (b"N", b"D", b"R"):
        m = re.search(rb"/" + key + rb"\s*<<(.*?)>>", ap, re.S)
        if m:
            out[key] = re.findall(rb"(" + NAME + rb")\s+\d+\s+\d+\s+R", m.group(1))
    return out


def _assert_states(data: bytes, field: str, on: bytes | None, states: set[bytes]) -> None:
    """/V is `on` (or /Off), each widget's /AS is `on` where it has that state (else /Off), and
    every /AP key is one of `states` or /Off, byte for byte; /V names an /AP /N key."""
    fobj, widgets = _objects(data, field)
    assert _value(fobj, b"V") in ((on,) if on else (b"/Off", None))
    for w in widgets:
        keys = _ap_keys(w)
        assert set(keys) == {b"N", b"D", b"R"}
        for names in keys.values():
            assert set(names) - {b"/Off"} <= states, names
        has = on in keys[b"N"]
        assert _value(w, b"AS") == (on if has else b"/Off")
    if on is not None:  # what pdftk reads: /V must be a state of some widget, as bytes
        assert any(on in _ap_keys(w)[b"N"] for w in widgets)


@pytest.mark.parametrize("value", [True, "Sí"])
def test_merged_checkbox_on(blank: BlankForm, value: str | bool) -> None:
    data = _fill(blank, {"Interprete": value})
    _assert_states(data, "Interprete", SI, {SI})
    assert verify_pdf("out.pdf", data, {"Interprete": value}).ok


def test_merged_checkbox_off_after_on(blank: BlankForm) -> None:
    """Refilling an output off rewrites the widget: its /AP keys keep /S#ED."""
    on = _fill(blank, {"Interprete": True})
    off = _fill(BlankForm("on.pdf", on), {"Interprete": False})
    _assert_states(off, "Interprete", None, {SI})
    assert SI_UTF8 not in _objects(off, "Interprete")[0]
    assert verify_pdf("out.pdf", off, {"Interprete": False}).ok


def test_checkbox_with_two_widgets(blank: BlankForm) -> None:
    data = _fill(blank, {"Acepta": True})
    _assert_states(data, "Acepta", b"/Acept#F3", {b"/Acept#F3"})
    assert verify_pdf("out.pdf", data, {"Acepta": True}).ok
    off = _fill(BlankForm("on.pdf", data), {"Acepta": False})
    _assert_states(off, "Acepta", None, {b"/Acept#F3"})
    assert verify_pdf("out.pdf", off, {"Acepta": False}).ok


@pytest.mark.parametrize("choice", list(SITUATION))
def test_radio_each_option(blank: BlankForm, choice: str) -> None:
    """Choosing any option, the ASCII /Veuf too, rewrites every kid with /AS and keeps the
    siblings' Latin-1 names."""
    data = _fill(blank, {"Situation": choice})
    _assert_states(data, "Situation", SITUATION[choice], set(SITUATION.values()))
    assert verify_pdf("out.pdf", data, {"Situation": choice}).ok
    again = _fill(BlankForm("once.pdf", data), {"Situation": "Veuf"})
    _assert_states(again, "Situation", b"/Veuf", set(SITUATION.values()))


def test_orphan_widget(blank: BlankForm) -> None:
    """A widget only on the page is added to /AcroForm /Fields (so pdftk lists it) and keeps
    its bytes, on and off."""
    data, report = fill_pdf(blank, {"Urgente": True})
    assert report.ok and any("added to the form's fields" in n for n in report.notes)
    fields = PdfReader(io.BytesIO(data)).trailer["/Root"]["/AcroForm"]["/Fields"]
    assert "Urgente" in [f.get_object().get("/T") for f in fields]
    _assert_states(data, "Urgente", SI, {SI})
    assert verify_pdf("out.pdf", data, {"Urgente": True}).ok
    off = _fill(BlankForm("on.pdf", data), {"Urgente": False})
    _assert_states(off, "Urgente", None, {SI})


@pytest.mark.parametrize(("choice", "name"), [("Sí", SI_UTF8), ("No", b"/No")])
def test_utf8_state_stays_utf8(blank: BlankForm, choice: str, name: bytes) -> None:
    data = _fill(blank, {"Acompanante": choice})
    _assert_states(data, "Acompanante", name, {b"/No", SI_UTF8})
    assert SI not in b"".join(_objects(data, "Acompanante")[1])
    assert verify_pdf("out.pdf", data, {"Acompanante": choice}).ok


def test_every_shape_at_once_and_again(blank: BlankForm) -> None:
    """One fill of every field, twice from the same parsed blank (a batch): same bytes."""
    values: dict[str, str | bool] = {
        "Interprete": True,
        "Acepta": True,
        "Situation": "Pacsé",
        "Urgente": True,
        "Acompanante": "Sí",
    }
    first, second = _fill(blank, values), _fill(blank, values)
    assert first == second
    _assert_states(first, "Interprete", SI, {SI})
    _assert_states(first, "Situation", b"/Pacs#E9", set(SITUATION.values()))
    _assert_states(first, "Acompanante", SI_UTF8, {b"/No", SI_UTF8})
    assert verify_pdf("out.pdf", first, values).ok


@pytest.mark.parametrize("streams", ["disable", "generate"])
def test_encrypted_blank_rewritten_whole(tmp_path: Path, streams: str) -> None:
    """An encrypted blank is written out whole: untouched fields keep their bytes too, also
    when the blank keeps its objects in (encrypted) object streams."""
    qpdf = shutil.which("qpdf")  # pypdf would re-spell the names while encrypting
    if qpdf is None:
        pytest.skip("qpdf is not installed")
    enc = tmp_path / "enc.pdf"
    encrypt = ["--encrypt", "", "owner", "128", "--use-aes=y", "--"]
    subprocess.run(
        [qpdf, f"--object-streams={streams}", *encrypt, str(BLANK), str(enc)], check=True
    )
    assert (b"/S#ed" in enc.read_bytes()) == (streams == "disable")  # qpdf writes #ed
    data, report = fill_pdf(BlankForm.from_path(enc), {"Situation": "Marié"})
    assert report.ok
    _assert_states(data, "Situation", b"/Mari#E9", set(SITUATION.values()))
    _assert_states(data, "Interprete", None, {SI})
    _assert_states(data, "Acompanante", None, {b"/No", SI_UTF8})
    assert verify_pdf("out.pdf", data, {"Situation": "Marié"}).ok


def _misspelt(blank_data: bytes) -> bytes:
    """What a UTF-8-only writer makes of Interprete=on: /V, /AS and the /AP keys /S#C3#AD
    (pypdf's own NameObject), consistent among themselves, wrong against the blank."""
    writer = PdfWriter(PdfReader(io.BytesIO(blank_data)), incremental=True)
    for annot in writer.pages[0]["/Annots"]:
        w = annot.get_object()
        if w.get("/T") == "Interprete":
            w[NameObject("/V")] = NameObject("/Sí")
            w[NameObject("/AS")] = NameObject("/Sí")
            for key in ("/N", "/D", "/R"):
                d = w["/AP"][key]
                w["/AP"][NameObject(key)] = DictionaryObject(
                    {NameObject(str(k)): v for k, v in d.items()}
                )
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_verify_catches_a_utf8_spelling() -> None:
    blank_data = BLANK.read_bytes()
    data = _misspelt(blank_data)
    fobj, _ = _objects(data, "Interprete")
    assert _value(fobj, b"V") == SI_UTF8  # the decoded value is right: "/Sí"
    for kwargs in ({}, {"blank": blank_data}):  # the blank from the file's revisions, or given
        report = verify_pdf("out.pdf", data, {"Interprete": True}, **kwargs)
        assert not report.ok
        reason = report.outcomes[0].reason
        assert "'Interprete'" in reason and "/S#C3#AD" in reason and "/S#ED" in reason, reason


def test_verify_catches_v_spelt_unlike_its_state() -> None:
    """Without an earlier revision, /V must still match the widget's /AP key byte for byte:
    a one-revision file whose /AP keys and /AS say /S#ED and whose /V says /S#C3#AD."""
    writer = PdfWriter(clone_from=PdfReader(BLANK))
    for annot in writer.pages[0]["/Annots"]:
        w = annot.get_object()
        if w.get("/T") == "Interprete":
            w[NameObject("/V")] = NameObject("/Sí")
            w[NameObject("/AS")] = RawName("/Sí", b"S\xed")
            for key in ("/N", "/D", "/R"):
                d = w["/AP"][key]
                w["/AP"][NameObject(key)] = DictionaryObject(
                    {RawName(str(k), str(k)[1:].encode("latin-1")): v for k, v in d.items()}
                )
    writer.write(out := io.BytesIO())
    data = out.getvalue()
    assert _ap_keys(_objects(data, "Interprete")[1][0])[b"N"] == [b"/Off", SI]
    report = verify_pdf("out.pdf", data, {"Interprete": True})
    assert not report.ok
    assert "/V is spelt /S#C3#AD, the form spells it /S#ED" in report.outcomes[0].reason


def test_pdftk_reads_the_states(blank: BlankForm, tmp_path: Path) -> None:
    """pdftk, which reads names byte for byte, sees each value as one of the field's states."""
    pdftk = shutil.which("pdftk")
    if pdftk is None:
        pytest.skip("pdftk is not installed")
    values: dict[str, str | bool] = {"Interprete": True, "Acepta": True, "Situation": "Divorcé"}
    out = tmp_path / "out.pdf"
    out.write_bytes(_fill(blank, values))
    dump = subprocess.run(
        [pdftk, str(out), "dump_data_fields_utf8"], capture_output=True, text=True, check=True
    ).stdout
    got = dict(re.findall(r"FieldName: (.*)\n(?:.*\n)*?FieldValue: (.*)", dump))
    assert {k: got.get(k) for k in values} == {
        "Interprete": "Sí",
        "Acepta": "Aceptó",
        "Situation": "Divorcé",
    }


# /Ace#F3pt: the high byte is followed by a letter, so pypdf reads the two bytes as one GBK
# character ('Ace鎟t' style); a form in Windows-1252 meant 'Aceópt'. Same length as /Acept#F3,
# so the patched blank keeps its xref offsets.
GBK_TRAP = b"/Ace#F3pt"


def _gbk_blank() -> BlankForm:
    data = BLANK.read_bytes()
    assert data.count(b"/Acept#F3") == 6  # the field's /AP keys and /AS on its two widgets
    return BlankForm("gbk-trap.pdf", data.replace(b"/Acept#F3", GBK_TRAP))


def test_single_byte_name_pypdf_reads_as_gbk_is_chosen_by_its_letters() -> None:
    blank = _gbk_blank()
    names = {str(s) for s in _states(blank, "Acepta")}
    assert len(names) == 1 and "/Aceópt" not in names  # the trap is real: pypdf reads GBK
    data = _fill(blank, {"Acepta": "Aceópt"})
    _assert_states(data, "Acepta", GBK_TRAP, {GBK_TRAP})
    assert verify_pdf("out.pdf", data, {"Acepta": "Aceópt"}, blank=blank.data).ok
    assert not verify_pdf("out.pdf", data, {"Acepta": False}, blank=blank.data).ok


def test_a_value_that_is_no_reading_of_the_name_still_fails() -> None:
    _data, report = fill_pdf(_gbk_blank(), {"Acepta": "Acepto"})
    assert not report.ok
    assert "is not one of its states" in report.outcomes[0].reason


def _states(blank: BlankForm, field: str) -> list[NameObject]:
    from formfill.pdf.fields import document_parts, iter_fields

    root, pages = document_parts(blank.reader)
    return next(f for f in iter_fields(root, pages) if f.name == field).on_states()
