"""Read a filled document back and prove that every value landed and shows.

PDF: each field's /V holds the value; each button's /AS agrees with its /V on every widget, and
every non-ASCII button name (/V, /AS, the /AP keys) has the very bytes the blank spelt it with
(/S#ED stays /S#ED: /S#C3#AD decodes to the same text but is another name to pdftk); each
visible text or choice widget's appearance stream draws the value (decoded through the stream's
own fonts: WinAnsi for simple fonts, the ToUnicode map for Type0). Word documents are checked by
:mod:`formfill.docx.verify`; :func:`formfill.report.merge` folds a check into the fill report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from pypdf.errors import PdfReadError
from pypdf.generic import ContentStream, DictionaryObject, StreamObject

from formfill.pdf.fields import Field, document_parts, iter_fields
from formfill.pdf.font import parse_to_unicode
from formfill.pdf.inspect import open_pdf, read_bytes
from formfill.pdf.names import (
    ButtonBytes,
    RawObjects,
    button_bytes,
    decoded_name,
    readings,
    spelling,
)
from formfill.report import FieldOutcome, FillReport, Status

Value = str | bool


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


class _Decoder:
    def __init__(self, resources: DictionaryObject | None) -> None:
        fonts = resources.get("/Font") if resources is not None else None
        self.fonts = fonts.get_object() if fonts is not None else DictionaryObject()
        self.cache: dict[str, dict[bytes, str] | None] = {}

    def decode(self, font: str, data: bytes) -> str:
        if font not in self.cache:
            f = self.fonts.get(font)
            cmap = None
            if f is not None:
                fobj = f.get_object()
                tu = fobj.get("/ToUnicode")
                if fobj.get("/Subtype") == "/Type0" and tu is not None:
                    cmap = parse_to_unicode(tu.get_object().get_data())
            self.cache[font] = cmap
        cmap = self.cache[font]
        if cmap is None:
            return data.decode("cp1252", "replace")
        return "".join(cmap.get(data[i : i + 2], "\ufffd") for i in range(0, len(data) - 1, 2))


def shown_text(stream: StreamObject) -> str:
    """The text an appearance stream draws, decoded with its own font resources."""
    res = stream.get("/Resources")
    dec = _Decoder(res.get_object() if res is not None else None)
    try:
        content = ContentStream(stream, None)
    except (PdfReadError, ValueError, KeyError):
        return ""
    font = ""
    parts: list[str] = []
    for operands, op in content.operations:
        if op == b"Tf" and operands:
            font = str(operands[0])
        elif op in (b"Tj", b"'", b'"') and operands:
            parts.append(dec.decode(font, _raw(operands[-1])))
        elif op == b"TJ" and operands:
            for item in operands[0]:
                if not isinstance(item, int | float):
                    parts.append(dec.decode(font, _raw(item)))
    return "".join(parts)


def _raw(obj: object) -> bytes:
    get = getattr(obj, "get_original_bytes", None)
    if callable(get):
        out = get()
        return out if isinstance(out, bytes) else b""
    if isinstance(obj, bytes):
        return obj
    return str(obj).encode("cp1252", "replace")


def _normal_stream(widget: DictionaryObject) -> StreamObject | None:
    ap = widget.get("/AP")
    if ap is None:
        return None
    n = ap.get_object().get("/N")
    n = n.get_object() if n is not None else None
    return n if isinstance(n, StreamObject) else None


def _check_text(f: Field, expected: str) -> str | None:
    v = f.attrs.get("/V")
    got = str(v.get_object()) if v is not None else ""
    if got != expected:
        return f"value is {got!r}, expected {expected!r}"
    if not expected:
        return None
    want = _squash(expected)
    for w in f.widgets:
        if w.hidden:
            continue
        s = _normal_stream(w.obj)
        if s is None:
            return "a widget has no appearance: the value would not show"
        if want not in _squash(shown_text(s)):
            return f"a widget's appearance does not show {expected!r}"
    return None


def _check_button(
    f: Field,
    expected: Value,
    spelt: ButtonBytes | None = None,
    blank: dict[str, bytes] | None = None,
) -> str | None:
    v = f.obj.get("/V")
    got = str(v.get_object()) if v is not None else "/Off"
    states = f.on_states()
    if expected is False:
        want = "/Off"
    elif expected is True:
        want = str(states[0]) if len(states) == 1 else ""
    else:
        text = str(expected).lstrip("/")
        want = next((str(s) for s in states if f.export_of(s) == text or text in readings(s)), "")
    if not want:
        return f"{expected!r} is not a state of this field"
    if got != want:
        return f"/V is {got}, expected {want}"
    for w in f.widgets:
        a = str(w.obj.get("/AS", "/Off"))
        should = want if want in [str(s) for s in w.states()] else "/Off"
        if a != should:
            return f"a widget shows {a}, expected {should}"
    return _check_spelling(f, want, spelt, blank) if spelt is not None else None


def _ascii_names(f: Field) -> bool:
    """Every name of the button (/V, each /AS and appearance state) is ASCII as pypdf reads it:
    then its bytes are those letters and there is no spelling to compare (the common case, and
    reading raw objects costs as much as the rest of the check)."""
    v = f.obj.get("/V")
    names = [str(v.get_object()) if v is not None else ""]
    for w in f.widgets:
        names.append(str(w.obj.get("/AS", "")))
        names += [str(s) for s in w.states()]
    return all(n.isascii() for n in names)


def _check_spelling(
    f: Field, want: str, spelt: ButtonBytes, blank: dict[str, bytes] | None
) -> str | None:
    """Compare the field's names as bytes: with the blank's spelling when the blank is known,
    else /V and /AS with the /AP key of the same state."""
    ap_keys = [k for _, ap in spelt.widgets for keys in ap.values() for k in keys]
    on_ap = next((k for k in ap_keys if decoded_name(k) == want), None)
    if blank is not None:
        for raw in ap_keys:
            name = decoded_name(raw)
            if not name.isascii() and name in blank and raw != blank[name]:
                return (
                    f"{f.name!r}: an appearance state is spelt {spelling(raw)}, "
                    f"the blank spells it {spelling(blank[name])}"
                )
    if want.isascii():
        return None
    should = blank.get(want, on_ap) if blank is not None else on_ap
    if should is None:
        return None
    if spelt.v is not None and spelt.v != should:
        return f"{f.name!r}: /V is spelt {spelling(spelt.v)}, the form spells it {spelling(should)}"
    for a, _ in spelt.widgets:
        if a is not None and decoded_name(a) == want and a != should:
            return f"{f.name!r}: /AS is spelt {spelling(a)}, the form spells it {spelling(should)}"
    return None


def _previous_revision(data: bytes) -> bytes | None:
    """The document before its last incremental update: for a fill's output, the blank."""
    start = data.rfind(b"startxref")
    if start < 0:
        return None
    try:
        offset = int(data[start + 9 : start + 40].split()[0])
    except (ValueError, IndexError):
        return None
    eof = data.rfind(b"%%EOF", 0, offset)
    if eof < 0:
        return None
    end = eof + 5
    while end < len(data) and data[end] in b"\r\n" and end - eof < 7:
        end += 1
    return data[:end]


def _blank_names(name: str, blank: bytes | None) -> dict[str, dict[str, bytes]] | None:
    """Field name -> {non-ASCII button name: its bytes} of the blank, or None if unreadable."""
    if blank is None:
        return None
    try:
        reader = open_pdf(name, blank)
        root, pages = document_parts(reader)
        raw = RawObjects(reader, blank)
        out: dict[str, dict[str, bytes]] = {}
        for f in iter_fields(root, pages):
            if f.kind in ("checkbox", "radio"):
                names = {k: v for k, v in button_bytes(raw, f).names().items() if not k.isascii()}
                if names:
                    out[f.name] = names
        return out
    except Exception:  # noqa: BLE001 - an earlier revision we cannot read only loses a check
        return None


def _check_choice(f: Field, expected: str) -> str | None:
    v = f.attrs.get("/V")
    got = str(v.get_object()) if v is not None else ""
    opts = f.opt()
    export = next((e for e, d in opts if expected in (e, d)), expected)
    if got != export:
        return f"value is {got!r}, expected {export!r}"
    display = next((d for e, d in opts if e == export), export)
    for w in f.widgets:
        if w.hidden:
            continue
        s = _normal_stream(w.obj)
        if s is None or _squash(display) not in _squash(shown_text(s)):
            return f"a widget's appearance does not show {display!r}"
    return None


def verify_pdf(
    name: str, data: bytes, values: Mapping[str, Value], blank: bytes | None = None
) -> FillReport:
    """A report with one outcome per value: FILLED when it landed and shows, else FAILED.

    Button names are compared as bytes with ``blank`` (default: the document's revision before
    its last incremental update, which for a fill's output is the blank)."""
    reader = open_pdf(name, data)
    root, pages = document_parts(reader)
    fields = {f.name: f for f in iter_fields(root, pages)}
    report = FillReport(document=name)
    raw = RawObjects(reader, data)
    blank_names: dict[str, dict[str, bytes]] | None = None
    blank_read = False
    for field_name, expected in values.items():
        f = fields.get(field_name)
        if f is None:
            report.add(FieldOutcome(field_name, Status.FAILED, None, "no such field"))
            continue
        if f.kind == "text":
            problem = _check_text(f, str(expected))
        elif f.kind in ("checkbox", "radio"):
            spelt = None if _ascii_names(f) else button_bytes(raw, f)
            if spelt is not None and not blank_read and any(not n.isascii() for n in spelt.names()):
                blank_names = _blank_names(name, blank or _previous_revision(data))
                blank_read = True
            spelt_blank = blank_names.get(f.name) if blank_names is not None else None
            problem = _check_button(f, expected, spelt, spelt_blank)
        elif f.kind in ("combo", "list"):
            problem = _check_choice(f, str(expected))
        else:
            problem = f"a {f.kind} field holds no value"
        status = Status.FAILED if problem else Status.FILLED
        shown = None if isinstance(expected, bool) and not expected else str(expected)
        report.add(FieldOutcome(field_name, status, shown, problem or "", f.tooltip))
    return report


def verify_pdf_file(path: Path, values: Mapping[str, Value]) -> FillReport:
    return verify_pdf(str(path), read_bytes(path), values)
