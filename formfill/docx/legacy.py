"""Legacy form fields of Word forms (FORMTEXT, FORMCHECKBOX, FORMDROPDOWN: ``w:ffData`` inside a
field's ``w:fldChar`` runs): finding them, what each holds, and filling one. A legacy field's
name is its bookmark name (``w:ffData/w:name``), else ``ffield:<n>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from formfill.docx.wordml import W_NS, DocxField, W, clean_rpr, inline_text, make_run, val
from formfill.report import Status

_BLANK_RESULT = re.compile(r"^[\u2002 ]*$")  # Word's empty FORMTEXT result is five en spaces


@dataclass
class Legacy:
    name: str
    kind: str
    ffdata: etree._Element
    separate: etree._Element | None  # the run holding fldChar separate
    end: etree._Element  # the run holding fldChar end
    result: list[etree._Element]  # runs between separate and end


def legacy_fields(root: etree._Element) -> Iterator[Legacy]:
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
            yield Legacy(val(ff.find(W + "name")), what, ff, sep, run, result)


def legacy_field(f: Legacy, part: str, n: int) -> DocxField:
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
        entries = [val(e) for e in dd.findall(W + "listEntry")]
        idx = int(val(dd.find(W + "result")) or val(dd.find(W + "default")) or 0)
        current = entries[idx] if 0 <= idx < len(entries) else ""
        options = [(e, e) for e in entries]
        return DocxField(name, "dropdown", "legacy", options=options, current=current, part=part)
    text = "".join(inline_text(r) for r in f.result)
    max_len = val(f.ffdata.find(f"{W}textInput/{W}maxLength"))
    current = "" if _BLANK_RESULT.match(text) else text
    size = int(max_len) if max_len else None
    return DocxField(name, "text", "legacy", current=current, max_len=size, part=part)


def fill_legacy(f: Legacy, value: str | bool) -> tuple[Status, str, str]:
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
        entries = [val(e) for e in dd.findall(W + "listEntry")]
        if value not in entries:
            return Status.FAILED, "", f"{value!r} is not one of the entries: {', '.join(entries)}"
        result = dd.find(W + "result")
        if result is None:
            result = etree.Element(W + "result")
            dd.insert(0, result)
        result.set(W + "val", str(entries.index(value)))
        return Status.FILLED, value, ""
    status, reason, text = Status.FILLED, "", value
    max_len = val(f.ffdata.find(f"{W}textInput/{W}maxLength"))
    if max_len and len(value) > int(max_len):
        text = value[: int(max_len)]
        status, reason = Status.TRUNCATED, f"{len(value)} characters; the field takes {max_len}"
    rpr = clean_rpr(f.result[0] if f.result else None)
    for run in f.result:
        parent = run.getparent()
        if parent is not None:
            parent.remove(run)
    if f.separate is None:
        f.end.addprevious(
            etree.fromstring(f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="separate"/></w:r>')
        )
    f.end.addprevious(make_run(rpr, text))
    return status, text, reason
