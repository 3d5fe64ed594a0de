"""Word agency forms: the .docx package, and every fillable field in it read and filled with lxml.

A form is changed in place: only the story parts (document, headers, footers, notes) that hold
fields are rewritten; everything else in the package is copied as it was. Content controls
(w:sdt) are read and filled by :mod:`formfill.docx.controls`, legacy form fields by
:mod:`formfill.docx.legacy`; this module walks the story parts for both, in reading order.

Files are checked by content before anything is parsed: a .doc, a JPEG or a PDF renamed .docx,
a zip without ``word/document.xml`` and oversized packages (zip bombs) are refused with
:class:`UnsupportedFormError`. The public names are re-exported by :mod:`formfill.docx.templates`.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from lxml import etree

from formfill.docx.controls import fill_sdt, sdt_field
from formfill.docx.legacy import Legacy, fill_legacy, legacy_field, legacy_fields
from formfill.docx.wordml import DocxField, W, inline_text
from formfill.errors import FillError, UnsupportedFormError
from formfill.report import FieldOutcome, FillReport, Status

MAX_FILE_BYTES = 50 * 1024 * 1024  # the .docx file itself
MAX_MEMBER_BYTES = 100 * 1024 * 1024  # one uncompressed part
MAX_TOTAL_BYTES = 250 * 1024 * 1024  # all parts uncompressed (zip bomb guard)
MAX_MEMBERS = 5000

_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_MAGIC = [
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an OLE2 file (Word 97-2003 .doc or a password-protected .docx)",
    ),
    (b"%PDF", "a PDF"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
]
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


# ---------------------------------------------------------------- the package (zip) itself


def load_docx(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnsupportedFormError(str(path), f"{size} bytes; the limit is {MAX_FILE_BYTES}")
        data = path.read_bytes()
    except OSError as e:
        raise FillError(str(path), f"cannot read: {e.strerror}") from e
    _open_package(data, str(path)).close()
    return data


def _open_package(data: bytes, name: str) -> zipfile.ZipFile:
    """Open ``data`` as a DOCX package, refusing anything else and anything too large."""
    if len(data) > MAX_FILE_BYTES:
        raise UnsupportedFormError(name, f"{len(data)} bytes; the limit is {MAX_FILE_BYTES}")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnsupportedFormError(name, f"this is {what}, not a Word .docx file")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnsupportedFormError(name, "not a zip package, so not a .docx file") from None
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if len(infos) > MAX_MEMBERS:
        raise UnsupportedFormError(name, f"{len(infos)} zip members; the limit is {MAX_MEMBERS}")
    big = next((i for i in infos if i.file_size > MAX_MEMBER_BYTES), None)
    if big is not None:
        raise UnsupportedFormError(
            name, f"zip member {big.filename} unpacks to {big.file_size} bytes (zip bomb?)"
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        raise UnsupportedFormError(name, f"unpacks to {total} bytes; limit {MAX_TOTAL_BYTES}")
    if "word/document.xml" not in names:
        what = "an OpenDocument file" if "mimetype" in names else "a zip"
        raise UnsupportedFormError(name, f"{what} without word/document.xml, not a Word .docx")
    types = _read_xml(zf, "[Content_Types].xml", name)
    for override in types.iter("{*}Override"):
        if override.get("PartName") == "/word/document.xml":
            ctype = override.get("ContentType", "")
            if ctype != _MAIN_TYPE:
                kind = "macro-enabled (.docm)" if "macroEnabled" in ctype else ctype
                raise UnsupportedFormError(name, f"main part is {kind}, not a plain .docx")
    return zf


def _read_xml(zf: zipfile.ZipFile, member: str, name: str) -> etree._Element:
    try:
        return etree.fromstring(zf.read(member), _PARSER)
    except KeyError:
        raise UnsupportedFormError(name, f"missing package part {member}") from None
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError) as e:
        raise UnsupportedFormError(name, f"damaged package part {member}: {e}") from e


def story_parts(data: bytes, name: str) -> dict[str, etree._Element]:
    """The story parts that can hold fields, document.xml first."""
    with _open_package(data, name) as zf:
        members = sorted(
            (n for n in zf.namelist() if _PARTS.fullmatch(n)),
            key=lambda n: (n != "word/document.xml", n),
        )
        return {m: _read_xml(zf, m, name) for m in members}


def _repack(data: bytes, changed: Mapping[str, etree._Element]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename in changed:
                blob = etree.tostring(
                    changed[info.filename], xml_declaration=True, encoding="UTF-8", standalone=True
                )
            else:
                blob = zin.read(info.filename)
            zout.writestr(info, blob, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# ---------------------------------------------------------------- public API: forms


def _all_fields(parts: Mapping[str, etree._Element]) -> Iterator[tuple[DocxField, Any]]:
    n = 0
    for part, root in parts.items():
        for sdt in root.iter(W + "sdt"):
            yield sdt_field(sdt, part), sdt
        for leg in legacy_fields(root):
            n += 1
            yield legacy_field(leg, part, n), leg


def field_dict(f: DocxField) -> dict[str, Any]:
    """A DocxField as plain data (for the CLI's JSON output)."""
    return asdict(f)


def form_fields(data: bytes, name: str = "<docx>") -> list[DocxField]:
    """Every content control and legacy form field, document first, in reading order."""
    return [f for f, _ in _all_fields(story_parts(data, name))]


def docx_fingerprint(fields: list[DocxField]) -> str:
    """``sha256:`` of the field inventory (names, kinds, options, lengths; not current values)."""
    rows = sorted((f.source, f.name, f.kind, f.options, f.max_len) for f in fields)
    return "sha256:" + hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def fill_docx_fields(path: Path, values: Mapping[str, str | bool]) -> tuple[bytes, FillReport]:
    """Fill content controls (by name) and legacy form fields; unknown names are reported failed."""
    return fill_docx_data(load_docx(path), path.name, values)


def fill_docx_data(
    data: bytes, name: str, values: Mapping[str, str | bool]
) -> tuple[bytes, FillReport]:
    """:func:`fill_docx_fields` of a Word form held in memory (a blank kept in the store)."""
    _open_package(data, name).close()
    parts = story_parts(data, name)
    by_name: dict[str, list[Any]] = {}
    for f, node in _all_fields(parts):
        by_name.setdefault(f.name, []).append(node)
    report = FillReport(document=name)
    for field, value in values.items():
        targets = by_name.get(field)
        if not targets:
            report.add(
                FieldOutcome(
                    field, Status.FAILED, None, "no content control or form field by that name"
                )
            )
            continue
        for node in targets:
            fill = fill_legacy if isinstance(node, Legacy) else fill_sdt
            status, written, reason = fill(node, value)
            report.add(FieldOutcome(field, status, written or None, reason))
    return _repack(data, parts), report


def read_docx_fields(data: bytes) -> dict[str, str | bool]:
    """Name -> value of every control and legacy field (checkbox: bool; placeholder shown: "")."""
    out: dict[str, str | bool] = {}
    for f, _ in _all_fields(story_parts(data, "<docx>")):
        current = f.current if f.current is not None else ""
        out.setdefault(f.name, current)
    return out


def unresolved_placeholders(data: bytes) -> list[str]:
    """Jinja tags (``{{ }}``, ``{% %}``) still visible in a rendered document's text."""
    found: list[str] = []
    for root in story_parts(data, "<docx>").values():
        for p in root.iter(W + "p"):
            text = inline_text(p)
            found += re.findall(r"\{\{.*?(?:\}\}|$)|\{%.*?(?:%\}|$)", text)
    return found
