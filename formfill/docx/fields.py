"""Word agency forms: content controls (w:sdt) and legacy form fields, read and filled with lxml.

A form is changed in place: only the story parts (document, headers, footers, notes) that hold
fields are rewritten; everything else in the package is copied as it was. A field's name is the
content control's tag, else its alias (title), else ``sdt:<w:id>`` (stable for one file: Word
keeps the ids); a legacy field's name is its bookmark name (``w:ffData/w:name``).

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
from copy import deepcopy
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from formfill.errors import FillError, UnsupportedFormError
from formfill.report import FieldOutcome, FillReport, Status

MAX_FILE_BYTES = 50 * 1024 * 1024  # the .docx file itself
MAX_MEMBER_BYTES = 100 * 1024 * 1024  # one uncompressed part
MAX_TOTAL_BYTES = 250 * 1024 * 1024  # all parts uncompressed (zip bomb guard)
MAX_MEMBERS = 5000

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W = "{" + W_NS + "}"
W14 = "{" + W14_NS + "}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
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
_KEEP_IN_CONTENT = {W + t for t in ("pPr", "bookmarkStart", "bookmarkEnd", "permStart", "permEnd")}
_BLANK_RESULT = re.compile(r"^[\u2002 ]*$")  # Word's empty FORMTEXT result is five en spaces
_SIMPLE = (str, int, float, bool, type(None))


@dataclass
class DocxField:
    """One fillable thing in a Word file: a content control, legacy form field or placeholder."""

    name: str  # tag / alias / sdt:<id> / legacy bookmark name / dotted Jinja path
    kind: str  # text|richtext|checkbox|dropdown|combo|date|picture|other (|placeholder: Jinja)
    source: str  # sdt | legacy | jinja
    tag: str = ""
    alias: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, display text)
    current: str | bool | None = None
    max_len: int | None = None
    showing_placeholder: bool = False
    part: str = ""


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


# ---------------------------------------------------------------- text helpers


def _inline_text(el: etree._Element) -> str:
    out = []
    for node in el.iter(W + "t", W + "tab", W + "br", W + "cr"):
        if node.tag == W + "t":
            out.append(node.text or "")
        else:
            out.append("\t" if node.tag == W + "tab" else "\n")
    return "".join(out)


def _text(el: etree._Element) -> str:
    paras = list(el.iter(W + "p"))
    if not paras or el.tag == W + "p":
        return _inline_text(el)
    return "\n".join(_inline_text(p) for p in paras)


def _make_run(rpr: etree._Element | None, value: str) -> etree._Element:
    run = etree.Element(W + "r")
    if rpr is not None:
        run.append(rpr)
    for i, line in enumerate(value.split("\n")):
        if i:
            etree.SubElement(run, W + "br")
        t = etree.SubElement(run, W + "t")
        t.text = line
        t.set(_XML_SPACE, "preserve")
    return run


def _clean_rpr(run: etree._Element | None) -> etree._Element | None:
    """A copy of a run's properties without Word's grey placeholder style."""
    rpr = run.find(W + "rPr") if run is not None else None
    if rpr is None:
        return None
    rpr = deepcopy(rpr)
    for style in rpr.findall(W + "rStyle"):
        if style.get(W + "val") == "PlaceholderText":
            rpr.remove(style)
    return rpr


# ---------------------------------------------------------------- content controls (w:sdt)

_SDT_KINDS = {
    W + "text": "text",
    W + "richText": "richtext",
    W + "dropDownList": "dropdown",
    W + "comboBox": "combo",
    W + "date": "date",
    W + "picture": "picture",
    W14 + "checkbox": "checkbox",
}


def _sdt_kind(pr: etree._Element) -> str:
    for child in pr:
        if child.tag in _SDT_KINDS:
            return _SDT_KINDS[child.tag]
    known = {W + "rPr", W + "alias", W + "tag", W + "id", W + "lock", W + "placeholder"}
    extra = {W + "showingPlcHdr", W + "dataBinding", W + "temporary", W14 + "appearance"}
    others = [c for c in pr if isinstance(c.tag, str) and c.tag not in known | extra]
    return "other" if others else "richtext"


def _val(el: etree._Element | None, attr: str = W + "val") -> str:
    return (el.get(attr) or "") if el is not None else ""


def _options(pr: etree._Element) -> list[tuple[str, str]]:
    lst = pr.find(W + "dropDownList")
    lst = lst if lst is not None else pr.find(W + "comboBox")
    if lst is None:
        return []
    items = []
    for li in lst.findall(W + "listItem"):
        value = li.get(W + "value") or li.get(W + "displayText") or ""
        items.append((value, li.get(W + "displayText") or value))
    return items


def _sdt_field(sdt: etree._Element, part: str) -> DocxField:
    pr = sdt.find(W + "sdtPr")
    pr = pr if pr is not None else etree.Element(W + "sdtPr")
    content = sdt.find(W + "sdtContent")
    tag, alias = _val(pr.find(W + "tag")), _val(pr.find(W + "alias"))
    kind = _sdt_kind(pr)
    placeholder = pr.find(W + "showingPlcHdr") is not None
    current: str | bool = ""
    if kind == "checkbox":
        current = _val(pr.find(f"{W14}checkbox/{W14}checked"), W14 + "val") in ("1", "true")
    elif not placeholder and content is not None:
        current = _text(content)
        if kind in ("dropdown", "combo"):
            last = _val(
                pr.find(W + ("dropDownList" if kind == "dropdown" else "comboBox")), W + "lastValue"
            )
            shown = {d: v for v, d in _options(pr)}
            current = last if last and shown.get(current) == last else shown.get(current, current)
    name = tag or alias or f"sdt:{_val(pr.find(W + 'id'))}"
    return DocxField(name, kind, "sdt", tag, alias, _options(pr), current, None, placeholder, part)


def _fill_sdt(sdt: etree._Element, value: str | bool) -> tuple[Status, str, str]:
    """Fill one control; return (status, value as written, reason)."""
    pr, content = sdt.find(W + "sdtPr"), sdt.find(W + "sdtContent")
    if pr is None or content is None:
        return Status.FAILED, "", "content control without properties or content"
    kind = _sdt_kind(pr)
    if kind == "checkbox":
        if not isinstance(value, bool):
            return Status.FAILED, "", f"checkbox needs true/false, got {value!r}"
        box = pr.find(W14 + "checkbox")
        assert box is not None
        checked = box.find(W14 + "checked")
        if checked is None:
            checked = etree.Element(W14 + "checked")
            box.insert(0, checked)
        checked.set(W14 + "val", "1" if value else "0")
        state = box.find(W14 + ("checkedState" if value else "uncheckedState"))
        glyph = chr(int(_val(state, W14 + "val") or ("2612" if value else "2610"), 16))
        font = _val(state, W14 + "font") or "MS Gothic"
        run = content.find(f".//{W}r")
        rpr = _clean_rpr(run) if run is not None else None
        rpr = rpr if rpr is not None else etree.Element(W + "rPr")
        for old in rpr.findall(W + "rFonts"):
            rpr.remove(old)
        fonts = {W + a: font for a in ("ascii", "hAnsi", "eastAsia")} | {W + "hint": "eastAsia"}
        rpr.insert(0, etree.Element(W + "rFonts", fonts))
        _replace_content(content, _make_run(rpr, glyph))
        _drop_placeholder(pr)
        return Status.FILLED, "true" if value else "false", ""
    if isinstance(value, bool):
        return Status.FAILED, "", f"{kind} control needs text, got {value!r}"
    if kind in ("picture", "other"):
        return Status.FAILED, "", f"cannot put text in a {kind} content control"
    if any(c.tag in (W + "tc", W + "tr") for c in content):
        return Status.FAILED, "", "row or cell content controls are not filled"
    text = value
    if kind in ("dropdown", "combo"):
        lst = pr.find(W + ("dropDownList" if kind == "dropdown" else "comboBox"))
        assert lst is not None
        match = [(v, d) for v, d in _options(pr) if value in (v, d)]
        if match:
            lst.set(W + "lastValue", match[0][0])
            text = match[0][1]
        elif kind == "dropdown":
            allowed = ", ".join(v for v, _ in _options(pr))
            return Status.FAILED, "", f"{value!r} is not one of the list items: {allowed}"
        elif W + "lastValue" in lst.attrib:
            del lst.attrib[W + "lastValue"]
    if kind == "date":
        date = pr.find(W + "date")
        assert date is not None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            date.set(W + "fullDate", value + "T00:00:00Z")
        elif W + "fullDate" in date.attrib:
            del date.attrib[W + "fullDate"]
    multi = _val(pr.find(W + "text"), W + "multiLine") in ("1", "true")
    if kind != "richtext" and not multi:
        text = text.replace("\n", " ")
    _replace_content(content, _make_run(_clean_rpr(content.find(f".//{W}r")), text))
    _drop_placeholder(pr)
    return Status.FILLED, value, ""


def _drop_placeholder(pr: etree._Element) -> None:
    for ph in pr.findall(W + "showingPlcHdr"):
        pr.remove(ph)


def _replace_content(content: etree._Element, run: etree._Element) -> None:
    """Put ``run`` in place of everything the control shows (first paragraph for block ones)."""
    paras = [c for c in content if c.tag == W + "p"]
    host = paras[0] if paras else content
    if paras:
        for c in list(content):
            if c is not host and c.tag in (W + "p", W + "tbl", W + "sdt"):
                content.remove(c)
    for c in list(host):
        if c.tag not in _KEEP_IN_CONTENT:
            host.remove(c)
    host.append(run)


# ---------------------------------------------------------------- legacy form fields


@dataclass
class _Legacy:
    name: str
    kind: str
    ffdata: etree._Element
    separate: etree._Element | None  # the run holding fldChar separate
    end: etree._Element  # the run holding fldChar end
    result: list[etree._Element]  # runs between separate and end


def _legacy_fields(root: etree._Element) -> Iterator[_Legacy]:
    runs = list(root.iter(W + "r"))
    index = {id(r): i for i, r in enumerate(runs)}
    stack: list[list[Any]] = []
    for fc in root.iter(W + "fldChar"):
        kind, run = fc.get(W + "fldCharType"), fc.getparent()
        if kind == "begin":
            stack.append([fc, None])
        elif kind == "separate" and stack:
            stack[-1][1] = run
        elif kind == "end" and stack and run is not None:
            begin, sep = stack.pop()
            ff = begin.find(W + "ffData")
            if ff is None:
                continue
            body = ff.find(W + "checkBox"), ff.find(W + "ddList"), ff.find(W + "textInput")
            what = (
                "checkbox" if body[0] is not None else "dropdown" if body[1] is not None else "text"
            )
            result = runs[index[id(sep)] + 1 : index[id(run)]] if sep is not None else []
            yield _Legacy(_val(ff.find(W + "name")), what, ff, sep, run, result)


def _legacy_field(f: _Legacy, part: str, n: int) -> DocxField:
    name = f.name or f"ffield:{n}"
    if f.kind == "checkbox":
        box = f.ffdata.find(W + "checkBox")
        checked = box.find(W + "checked") if box is not None else None
        if checked is None and box is not None:
            checked = box.find(W + "default")
        on = checked is not None and checked.get(W + "val", "1") in ("1", "true", "on")
        return DocxField(name, "checkbox", "legacy", current=on, part=part)
    if f.kind == "dropdown":
        dd = f.ffdata.find(W + "ddList")
        assert dd is not None
        entries = [_val(e) for e in dd.findall(W + "listEntry")]
        idx = int(_val(dd.find(W + "result")) or _val(dd.find(W + "default")) or 0)
        current = entries[idx] if 0 <= idx < len(entries) else ""
        options = [(e, e) for e in entries]
        return DocxField(name, "dropdown", "legacy", options=options, current=current, part=part)
    text = "".join(_inline_text(r) for r in f.result)
    max_len = _val(f.ffdata.find(f"{W}textInput/{W}maxLength"))
    current = "" if _BLANK_RESULT.match(text) else text
    size = int(max_len) if max_len else None
    return DocxField(name, "text", "legacy", current=current, max_len=size, part=part)


def _fill_legacy(f: _Legacy, value: str | bool) -> tuple[Status, str, str]:
    if f.kind == "checkbox":
        if not isinstance(value, bool):
            return Status.FAILED, "", f"checkbox needs true/false, got {value!r}"
        box = f.ffdata.find(W + "checkBox")
        assert box is not None
        checked = box.find(W + "checked")
        if checked is None:
            checked = etree.SubElement(box, W + "checked")
        checked.set(W + "val", "1" if value else "0")
        return Status.FILLED, "true" if value else "false", ""
    if isinstance(value, bool):
        return Status.FAILED, "", f"{f.kind} form field needs text, got {value!r}"
    if f.kind == "dropdown":
        dd = f.ffdata.find(W + "ddList")
        assert dd is not None
        entries = [_val(e) for e in dd.findall(W + "listEntry")]
        if value not in entries:
            return Status.FAILED, "", f"{value!r} is not one of the entries: {', '.join(entries)}"
        result = dd.find(W + "result")
        if result is None:
            result = etree.Element(W + "result")
            dd.insert(0, result)
        result.set(W + "val", str(entries.index(value)))
        return Status.FILLED, value, ""
    status, reason, text = Status.FILLED, "", value
    max_len = _val(f.ffdata.find(f"{W}textInput/{W}maxLength"))
    if max_len and len(value) > int(max_len):
        text = value[: int(max_len)]
        status, reason = Status.TRUNCATED, f"{len(value)} characters; the field takes {max_len}"
    rpr = _clean_rpr(f.result[0] if f.result else None)
    for run in f.result:
        parent = run.getparent()
        if parent is not None:
            parent.remove(run)
    if f.separate is None:
        f.end.addprevious(
            etree.fromstring(f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="separate"/></w:r>')
        )
    f.end.addprevious(_make_run(rpr, text))
    return status, text, reason


# ---------------------------------------------------------------- public API: forms


def _all_fields(parts: Mapping[str, etree._Element]) -> Iterator[tuple[DocxField, Any]]:
    n = 0
    for part, root in parts.items():
        for sdt in root.iter(W + "sdt"):
            yield _sdt_field(sdt, part), sdt
        for leg in _legacy_fields(root):
            n += 1
            yield _legacy_field(leg, part, n), leg


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
    data = load_docx(path)
    parts = story_parts(data, str(path))
    by_name: dict[str, list[Any]] = {}
    for f, node in _all_fields(parts):
        by_name.setdefault(f.name, []).append(node)
    report = FillReport(document=path.name)
    for name, value in values.items():
        targets = by_name.get(name)
        if not targets:
            report.add(
                FieldOutcome(
                    name, Status.FAILED, None, "no content control or form field by that name"
                )
            )
            continue
        for node in targets:
            fill = _fill_legacy if isinstance(node, _Legacy) else _fill_sdt
            status, written, reason = fill(node, value)
            report.add(FieldOutcome(name, status, written or None, reason))
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
            text = _inline_text(p)
            found += re.findall(r"\{\{.*?(?:\}\}|$)|\{%.*?(?:%\}|$)", text)
    return found
