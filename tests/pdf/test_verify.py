"""formfill.pdf.verify: a good fill passes; a filled PDF tampered with afterwards (value changed,
appearance emptied, checkbox switched off) fails with a reason; merge() folds failures in."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

from formfill.pdf.fields import iter_fields
from formfill.pdf.fill import BlankForm, fill_pdf
from formfill.pdf.verify import verify_pdf, verify_pdf_file
from formfill.report import FieldOutcome, FillReport, Status, merge

Value = str | bool

VALUES: dict[str, Value] = {
    "First Name": "Testa",
    "Last Name": "Eksempelsen",
    "SSN": "123456789",
    "State": "IL",
    "Household Status": "Married",
    "Interpreter": "Sí",
    "Certify": True,
    "Member1 Relationship": "CHILD",
    "Monthly Income": "1250",
}


def _filled(samples: dict[str, Path]) -> bytes:
    data, report = fill_pdf(BlankForm.from_path(samples["housing-assistance"]), VALUES)
    assert report.ok
    return data


def _tamper(data: bytes, name: str, change: Callable[[DictionaryObject, PdfWriter], None]) -> bytes:
    """Rewrite the filled PDF with ``change`` applied to the named field's dictionary."""
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    fields = {f.name: f for f in iter_fields(w.root_object, [p.get_object() for p in w.pages])}
    change(fields[name].obj, w)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _outcome(report: FillReport, name: str) -> FieldOutcome:
    return next(o for o in report.outcomes if o.field == name)


def test_good_fill_passes(samples: dict[str, Path]) -> None:
    """Every value of a fresh fill verifies FILLED, text, comb, choice and buttons alike."""
    report = verify_pdf("out.pdf", _filled(samples), VALUES)
    assert report.ok
    assert [o.field for o in report.outcomes] == list(VALUES)
    assert all(o.status is Status.FILLED for o in report.outcomes)


def test_verify_file(samples: dict[str, Path], tmp_path: Path) -> None:
    """verify_pdf_file reads the document from disk and reports its path."""
    p = tmp_path / "filled.pdf"
    p.write_bytes(_filled(samples))
    report = verify_pdf_file(p, {"First Name": "Testa"})
    assert report.ok and report.document == str(p)


def test_wrong_expectation_fails(samples: dict[str, Path]) -> None:
    """Asking for a value the document does not hold fails, naming both values."""
    report = verify_pdf("out.pdf", _filled(samples), {"First Name": "Other", "State": "WI"})
    assert not report.ok
    first = _outcome(report, "First Name")
    assert first.status is Status.FAILED and "'Testa'" in first.reason
    assert _outcome(report, "State").status is Status.FAILED


def test_changed_value_fails(samples: dict[str, Path]) -> None:
    """/V changed after the fill (the appearance still shows the old value) fails."""

    def change(obj: DictionaryObject, _: PdfWriter) -> None:
        obj[NameObject("/V")] = TextStringObject("Forged")

    data = _tamper(_filled(samples), "Last Name", change)
    report = verify_pdf("out.pdf", data, VALUES)
    o = _outcome(report, "Last Name")
    assert o.status is Status.FAILED and "Forged" in o.reason
    assert _outcome(report, "First Name").status is Status.FILLED


def test_changed_appearance_fails(samples: dict[str, Path]) -> None:
    """/V intact but the value no longer drawn: the appearance the viewer shows must agree."""

    def change(obj: DictionaryObject, _: PdfWriter) -> None:
        obj[NameObject("/V")] = TextStringObject("Forged")

    # the value says Forged, the appearance says Eksempelsen: asking for Forged must fail too
    data = _tamper(_filled(samples), "Last Name", change)
    o = _outcome(verify_pdf("out.pdf", data, {"Last Name": "Forged"}), "Last Name")
    assert o.status is Status.FAILED and "appearance" in o.reason


def test_empty_appearance_fails(samples: dict[str, Path]) -> None:
    """A widget whose appearance is replaced by an empty stream shows nothing: FAILED."""

    def change(obj: DictionaryObject, w: PdfWriter) -> None:
        empty = DecodedStreamObject()
        empty.set_data(b"")
        empty[NameObject("/BBox")] = obj["/AP"]["/N"].get_object()["/BBox"]
        empty[NameObject("/Subtype")] = NameObject("/Form")
        obj[NameObject("/AP")] = DictionaryObject({NameObject("/N"): w._add_object(empty)})

    for name in ("First Name", "SSN", "State"):
        data = _tamper(_filled(samples), name, change)
        o = _outcome(verify_pdf("out.pdf", data, VALUES), name)
        assert o.status is Status.FAILED and "appearance" in o.reason, name


def test_missing_appearance_fails(samples: dict[str, Path]) -> None:
    """A text widget with no appearance at all fails: the value would not show."""

    def change(obj: DictionaryObject, _: PdfWriter) -> None:
        del obj["/AP"]

    data = _tamper(_filled(samples), "First Name", change)
    o = _outcome(verify_pdf("out.pdf", data, VALUES), "First Name")
    assert o.status is Status.FAILED and "no appearance" in o.reason


def test_checkbox_switched_off_fails(samples: dict[str, Path]) -> None:
    """/AS set to /Off on a ticked checkbox (its /V still on) fails: the box shows empty."""

    def change(obj: DictionaryObject, _: PdfWriter) -> None:
        obj[NameObject("/AS")] = NameObject("/Off")

    data = _tamper(_filled(samples), "Certify", change)
    o = _outcome(verify_pdf("out.pdf", data, VALUES), "Certify")
    assert o.status is Status.FAILED and "/Off" in o.reason


def test_group_widget_switched_fails(samples: dict[str, Path]) -> None:
    """In the Single/Married/HoH group, a second widget turned on as well fails."""

    def change(obj: DictionaryObject, _: PdfWriter) -> None:
        for kid in obj["/Kids"]:
            k = kid.get_object()
            if "/Single" in k["/AP"]["/N"]:
                k[NameObject("/AS")] = NameObject("/Single")

    data = _tamper(_filled(samples), "Household Status", change)
    o = _outcome(verify_pdf("out.pdf", data, VALUES), "Household Status")
    assert o.status is Status.FAILED and "/Single" in o.reason


def test_unknown_field_fails(samples: dict[str, Path]) -> None:
    """A value for a field the document does not have fails."""
    report = verify_pdf("out.pdf", _filled(samples), {"Nickname": "T"})
    assert _outcome(report, "Nickname").status is Status.FAILED


def test_merge_claimed_but_missing() -> None:
    """merge() turns a value the fill claims (FILLED or OVERFLOW) but verification cannot find
    into FAILED with the check's reason; other outcomes are left as they are."""
    fill = FillReport(
        "f.pdf",
        [
            FieldOutcome("A", Status.FILLED, "x"),
            FieldOutcome("B", Status.OVERFLOW, "y", "does not fit"),
            FieldOutcome("C", Status.FILLED, "z"),
            FieldOutcome("D", Status.SKIPPED, None, "read-only"),
        ],
    )
    check = FillReport(
        "f.pdf",
        [
            FieldOutcome("A", Status.FAILED, "x", "a widget has no appearance"),
            FieldOutcome("B", Status.FAILED, "y", "value is ''"),
            FieldOutcome("C", Status.FILLED, "z"),
            FieldOutcome("D", Status.FAILED, None, "value is ''"),
        ],
    )
    assert fill.ok
    merged = merge(fill, check)
    assert not merged.ok
    a, b, c, d = merged.outcomes
    assert a.status is Status.FAILED and a.reason == "verification: a widget has no appearance"
    assert b.status is Status.FAILED and "verification" in b.reason
    assert c.status is Status.FILLED
    assert d.status is Status.SKIPPED and d.reason == "read-only"
