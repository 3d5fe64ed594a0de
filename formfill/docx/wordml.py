"""WordprocessingML shared by the readers of Word forms: the namespaces, the DocxField each
reader makes, the text of an element, and a run of text as Word writes it."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W = "{" + W_NS + "}"
W14 = "{" + W14_NS + "}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


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


def inline_text(el: etree._Element) -> str:
    """The text of an element's runs, tabs and breaks as one line (breaks as newlines)."""
    out = []
    for node in el.iter(W + "t", W + "tab", W + "br", W + "cr"):
        if node.tag == W + "t":
            out.append(node.text or "")
        else:
            out.append("\t" if node.tag == W + "tab" else "\n")
    return "".join(out)


def element_text(el: etree._Element) -> str:
    """The text of an element, one line per paragraph."""
    paras = list(el.iter(W + "p"))
    if not paras or el.tag == W + "p":
        return inline_text(el)
    return "\n".join(inline_text(p) for p in paras)


def make_run(rpr: etree._Element | None, value: str) -> etree._Element:
    """A run of ``value`` with these run properties, each newline a ``w:br``."""
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


def clean_rpr(run: etree._Element | None) -> etree._Element | None:
    """A copy of a run's properties without Word's grey placeholder look: the PlaceholderText
    style and, on a run that had it, the grey colour set beside it (a value drawn in the hint's
    grey reads as not filled in, or as an example, on paper)."""
    rpr = run.find(W + "rPr") if run is not None else None
    if rpr is None:
        return None
    rpr = deepcopy(rpr)
    placeholder = False
    for style in rpr.findall(W + "rStyle"):
        if style.get(W + "val") == "PlaceholderText":
            rpr.remove(style)
            placeholder = True
    if placeholder:
        for colour in rpr.findall(W + "color"):
            rpr.remove(colour)
    return rpr


def val(el: etree._Element | None, attr: str = W + "val") -> str:
    """An attribute of an element (``w:val`` unless told), '' when either is absent."""
    return (el.get(attr) or "") if el is not None else ""
