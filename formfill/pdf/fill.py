"""Fill a PDF AcroForm with pypdf so the values hold in any viewer.

For every widget it touches it draws its own appearance stream (text, comb, multi-line, choice:
formfill.pdf.widgets) and clears NeedAppearances; buttons get /V as a name on the field and /AS on
every widget, spelt with the blank's own bytes (formfill.pdf.names). Letters the form's font
cannot encode are drawn with an embedded Unicode subset (formfill.pdf.resources). Hybrid XFA forms
lose their XFA packet; XFA-only forms are refused.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from formfill.errors import FillError
from formfill.pdf import flatten as pdf_flatten
from formfill.pdf.fields import FF_READ_ONLY, Field, as_dict, document_parts, iter_fields
from formfill.pdf.inspect import check_fillable, open_pdf, read_bytes
from formfill.pdf.names import RawName, RawObjects, button_bytes, readings
from formfill.pdf.resources import Doc, add_indirect
from formfill.pdf.widgets import button_ap, draw_list, draw_text
from formfill.report import FieldOutcome, FillReport, Status
from formfill.suggest import close_matches, did_you_mean

logging.getLogger("pypdf").setLevel(logging.ERROR)

Value = str | bool
FF_EDIT = 1 << 18


@dataclass(frozen=True)
class FillOptions:
    write_read_only: frozenset[str] = frozenset()  # read-only fields a map explicitly fills
    font_path: str | None = None  # the Unicode fallback font (default: DejaVu Sans)


class BlankForm:
    """A blank form parsed once; fill it many times (a batch of one form for many clients)."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.data = data
        self.reader: PdfReader = open_pdf(name, data)
        root, pages = document_parts(self.reader)
        acro = as_dict(root.get("/AcroForm"))
        if "/XFA" in acro or not acro.get("/Fields"):
            # only a form that may be XFA-only or fieldless pays for a walk here; every fill
            # walks its own copy anyway and checks again (a 700-field walk is ~15% of a fill)
            check_fillable(name, root, list(iter_fields(root, pages)))
        self._spellings: dict[str, dict[str, bytes]] | None = None

    def button_spellings(self) -> dict[str, dict[str, bytes]]:
        """Field name -> {pypdf's name: the blank's bytes} for every button name pypdf would
        write with other bytes than the blank has (/S#ED, not /S#C3#AD). Read once per blank,
        and only when a fill meets a non-ASCII button name."""
        if self._spellings is None:
            root, pages = document_parts(self.reader)
            raw = RawObjects(self.reader, self.data)
            self._spellings = {}
            for f in iter_fields(root, pages):
                if f.kind in ("checkbox", "radio") and _non_ascii_names(f):
                    found = button_bytes(raw, f).spellings()
                    if found:
                        self._spellings[f.name] = found
        return self._spellings

    @classmethod
    def from_path(cls, path: Path) -> BlankForm:
        return cls(str(path), read_bytes(path))


def _set_value(f: Field, value: PdfObject) -> None:
    """/V on the field; stale /V copies on its widgets (some forms have them) are removed,
    since readers such as pdftk would otherwise read the widget's old value."""
    f.obj[NameObject("/V")] = value
    for w in f.widgets:
        if w.obj is not f.obj and "/V" in w.obj and "/T" not in w.obj:
            del w.obj["/V"]


def _non_ascii_names(f: Field) -> bool:
    """Does a button field carry a name pypdf may spell otherwise than the file (non-ASCII)?"""
    v = f.obj.get("/V")
    names = [*f.on_states(), *(w.obj.get("/AS") for w in f.widgets), v]
    return any(n is not None and not str(n).isascii() for n in names)


def _keep_spelling(f: Field, spelt: Mapping[str, bytes]) -> None:
    """Give a button field's names (/V, /AS, the /AP /N /D /R keys) the bytes the blank spelt
    them with, as RawName: pypdf writes every name as UTF-8, and it rewrites a widget's inline
    /AP along with any /AS it changes."""

    def keep(name: PdfObject) -> PdfObject:
        raw = spelt.get(str(name)) if isinstance(name, NameObject) else None
        return RawName(str(name), raw) if raw is not None else name

    for obj in [f.obj, *(w.obj for w in f.widgets)]:
        for key in ("/V", "/AS"):
            if key in obj:
                obj[NameObject(key)] = keep(obj[key])
    for w in f.widgets:
        ap = w.obj.get("/AP")
        if ap is None:
            continue
        for key in ("/N", "/D", "/R"):
            d = ap.get_object().get(key)
            d = d.get_object() if d is not None else None
            if isinstance(d, DictionaryObject) and any(str(k) in spelt for k in d):
                items = [(keep(k), v) for k, v in d.items()]
                d.clear()  # a dict keeps its old key object on assignment: rebuild it
                for k, v in items:
                    d[k] = v


def _fill_button(doc: Doc, f: Field, value: Value) -> FieldOutcome:
    radio = f.kind == "radio"
    states = f.on_states()
    exports = {f.export_of(s): s for s in states}
    target: NameObject | None
    if value is False:
        target = None
    elif value is True:
        if len(states) > 1:
            return FieldOutcome(
                f.name,
                Status.FAILED,
                None,
                f"field has several on-states ({', '.join(exports)}): give the one to set",
            )
        if not states:
            target = button_ap(doc, f.widgets[0], "Yes", radio) if f.widgets else None
            if target is None:
                return FieldOutcome(f.name, Status.FAILED, None, "field has no widget")
        else:
            target = states[0]
    else:
        text = str(value).lstrip("/")
        target = exports.get(text)
        if target is None:
            target = next((s for s in states if text in readings(s)), None)
        if target is None:
            choices = ", ".join(exports) or "none"
            return FieldOutcome(
                f.name, Status.FAILED, None, f"{text!r} is not one of its states ({choices})"
            )
    off = NameObject("/Off")
    _set_value(f, target if target is not None else off)
    for w in f.widgets:
        ws = w.states()
        w.obj[NameObject("/AS")] = target if (target is not None and target in ws) else off
    shown = f.export_of(target) if target is not None else "Off"
    return FieldOutcome(f.name, Status.FILLED, shown, "", f.tooltip)


def _fill_choice(doc: Doc, f: Field, value: Value) -> FieldOutcome:
    if isinstance(value, bool):
        return FieldOutcome(f.name, Status.FAILED, None, "a choice takes an option, not true/false")
    opts = f.opt()
    text = str(value)
    index = next((i for i, (e, _) in enumerate(opts) if e == text), None)
    if index is None:
        index = next((i for i, (_, d) in enumerate(opts) if d == text), None)
        if index is not None:
            text = opts[index][0]
    if index is None and not (f.kind == "combo" and f.flags & FF_EDIT):
        sample = ", ".join(e for e, _ in opts[:8])
        return FieldOutcome(
            f.name, Status.FAILED, None, f"{text!r} is not one of its options ({sample})"
        )
    _set_value(f, TextStringObject(text))
    if index is not None:
        f.obj[NameObject("/I")] = ArrayObject([NumberObject(index)])
    elif "/I" in f.obj:
        del f.obj["/I"]
    display = opts[index][1] if index is not None else text
    if f.kind == "list" and index is not None:
        draw_list(doc, f, index)
        overflow = False
    else:
        overflow = draw_text(doc, f, display)
    status = Status.OVERFLOW if overflow else Status.FILLED
    reason = "does not fit its box even at the smallest font size" if overflow else ""
    return FieldOutcome(f.name, status, text, reason, f.tooltip)


def _fill_text(doc: Doc, f: Field, value: Value) -> FieldOutcome:
    if isinstance(value, bool):
        return FieldOutcome(f.name, Status.FAILED, None, "a text field takes text, not true/false")
    text = str(value)
    maxlen = f.attrs.get("/MaxLen")
    status, reason = Status.FILLED, ""
    if maxlen is not None and len(text) > int(maxlen):
        status = Status.TRUNCATED
        reason = f"{len(text)} characters, the field holds {int(maxlen)}: stored the first ones"
        text = text[: int(maxlen)]
    _set_value(f, TextStringObject(text))
    overflow = draw_text(doc, f, text)
    if overflow and status is Status.FILLED:
        status, reason = Status.OVERFLOW, "does not fit its box even at the smallest font size"
    return FieldOutcome(f.name, status, text, reason, f.tooltip)


def _redraw_existing(doc: Doc, fields: list[Field], touched: set[str]) -> int:
    """Draw appearances for values already in the blank that have none (prefilled forms)."""
    n = 0
    for f in fields:
        if f.name in touched or f.kind not in ("text", "combo"):
            continue
        v = f.attrs.get("/V")
        if v is None:
            continue
        text = str(v.get_object())
        if not text or any("/AP" in w.obj for w in f.widgets):
            continue
        draw_text(doc, f, text)
        n += 1
    return n


def fill_pdf(
    blank: BlankForm, values: Mapping[str, Value], options: FillOptions | None = None
) -> tuple[bytes, FillReport]:
    """Fill ``values`` (full field name -> text, true/false, or export value) into a copy of
    the blank; returns the PDF bytes and the report of each value."""
    options = options or FillOptions()
    incremental = not blank.reader.is_encrypted
    writer = (
        PdfWriter(blank.reader, incremental=True)
        if incremental
        else PdfWriter(clone_from=blank.reader)
    )
    root, pages = document_parts(writer)
    if "/AcroForm" not in root:
        raise FillError(blank.name, "the PDF has no AcroForm")
    acro = as_dict(root["/AcroForm"])
    report = FillReport(document=blank.name)
    fields = list(iter_fields(root, pages))
    check_fillable(blank.name, root, fields)
    if "/XFA" in acro:
        del acro["/XFA"]
        report.notes.append("hybrid AcroForm+XFA form: filled through the AcroForm, XFA removed")
    if blank.reader.is_encrypted:
        report.notes.append("the blank was encrypted with an empty password; output is not")
    orphans = [f for f in fields if f.orphan]
    if orphans:
        arr = acro.get("/Fields")
        arr = arr.get_object() if arr is not None else None
        if not isinstance(arr, ArrayObject):
            arr = ArrayObject()
            acro[NameObject("/Fields")] = arr
        for f in orphans:
            ref = f.obj.indirect_reference
            if ref is not None:
                arr.append(ref)
        report.notes.append(f"{len(orphans)} widget(s) only on a page, added to the form's fields")
    dr = acro.get("/DR")
    dr_fonts = dr.get_object().get("/Font") if dr is not None else None
    doc = Doc(
        writer=writer,
        acro=acro,
        font_path=options.font_path,
        report=report,
        dr_fonts=dr_fonts.get_object() if dr_fonts is not None else None,
    )
    by_name = {f.name: f for f in fields}
    names = list(by_name)
    # every button name pypdf would re-spell gets the blank's bytes, touched or not: an
    # encrypted blank is rewritten whole, and a widget is rewritten whenever its /AS changes
    if any(f.kind in ("checkbox", "radio") and _non_ascii_names(f) for f in fields):
        for fname, spelt in blank.button_spellings().items():
            if fname in by_name:
                _keep_spelling(by_name[fname], spelt)
    for name, value in values.items():
        found = by_name.get(name)
        if found is None:
            hint = did_you_mean(close_matches(name, names, loose=True), quote=True)
            report.add(FieldOutcome(name, Status.FAILED, None, "no such field" + hint))
            continue
        f = found
        if f.flags & FF_READ_ONLY and name not in options.write_read_only:
            reason = "read-only field: left as the agency set"
            report.add(FieldOutcome(name, Status.SKIPPED, None, reason, f.tooltip))
            continue
        if f.kind == "text":
            out = _fill_text(doc, f, value)
        elif f.kind in ("checkbox", "radio"):
            out = _fill_button(doc, f, value)
        elif f.kind in ("combo", "list"):
            out = _fill_choice(doc, f, value)
        else:
            out = FieldOutcome(name, Status.FAILED, None, f"a {f.kind} field cannot take a value")
        out.label = f.tooltip
        if out.status is not Status.FAILED and f.widgets and all(w.hidden for w in f.widgets):
            out.reason = (out.reason + "; " if out.reason else "") + "every widget is hidden"
        report.add(out)
    redrawn = _redraw_existing(doc, fields, set(values))
    if redrawn:
        report.notes.append(f"drew appearances for {redrawn} value(s) the blank already held")
    doc.finish()
    # we drew every appearance we touched: viewers must not redraw (qpdf refuses to flatten
    # a file that still asks for it)
    acro[NameObject("/NeedAppearances")] = BooleanObject(False)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue(), report


def flatten_pdf(name: str, data: bytes) -> bytes:
    """Burn every widget's appearance into its page and remove the form."""
    writer = PdfWriter(clone_from=open_pdf(name, data))
    _, pages = document_parts(writer)
    pdf_flatten.flatten(writer, pages, lambda o: add_indirect(writer, o))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
