"""Content controls (``w:sdt``) of Word forms: what each one is (text, rich text, check box,
drop-down, combo box, date, picture) and holds, and filling one with a value. A control's name
is its tag, else its alias (title), else ``sdt:<w:id>`` (stable for one file: Word keeps the ids).
"""

from __future__ import annotations

import re

from lxml import etree

from formfill.docx.wordml import W14, DocxField, W, clean_rpr, element_text, make_run, val
from formfill.report import Status

_KEEP_IN_CONTENT = {W + t for t in ("pPr", "bookmarkStart", "bookmarkEnd", "permStart", "permEnd")}

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


def sdt_field(sdt: etree._Element, part: str) -> DocxField:
    pr = sdt.find(W + "sdtPr")
    pr = pr if pr is not None else etree.Element(W + "sdtPr")
    content = sdt.find(W + "sdtContent")
    tag, alias = val(pr.find(W + "tag")), val(pr.find(W + "alias"))
    kind = _sdt_kind(pr)
    placeholder = pr.find(W + "showingPlcHdr") is not None
    current: str | bool = ""
    if kind == "checkbox":
        current = val(pr.find(f"{W14}checkbox/{W14}checked"), W14 + "val") in ("1", "true")
    elif not placeholder and content is not None:
        current = element_text(content)
        if kind in ("dropdown", "combo"):
            last = val(
                pr.find(W + ("dropDownList" if kind == "dropdown" else "comboBox")), W + "lastValue"
            )
            shown = {d: v for v, d in _options(pr)}
            current = last if last and shown.get(current) == last else shown.get(current, current)
    name = tag or alias or f"sdt:{val(pr.find(W + 'id'))}"
    return DocxField(name, kind, "sdt", tag, alias, _options(pr), current, None, placeholder, part)


def fill_sdt(sdt: etree._Element, value: str | bool) -> tuple[Status, str, str]:
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
        glyph = chr(int(val(state, W14 + "val") or ("2612" if value else "2610"), 16))
        font = val(state, W14 + "font") or "MS Gothic"
        run = content.find(f".//{W}r")
        rpr = clean_rpr(run) if run is not None else None
        rpr = rpr if rpr is not None else etree.Element(W + "rPr")
        for old in rpr.findall(W + "rFonts"):
            rpr.remove(old)
        fonts = {W + a: font for a in ("ascii", "hAnsi", "eastAsia")} | {W + "hint": "eastAsia"}
        rpr.insert(0, etree.Element(W + "rFonts", fonts))
        _replace_content(content, make_run(rpr, glyph))
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
    multi = val(pr.find(W + "text"), W + "multiLine") in ("1", "true")
    if kind != "richtext" and not multi:
        text = text.replace("\n", " ")
    _replace_content(content, make_run(clean_rpr(content.find(f".//{W}r")), text))
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
