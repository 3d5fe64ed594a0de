"""Draw the appearance stream of a text or choice widget (pure: numbers and text in, bytes out).

Single-line, multi-line (word wrap) and comb layouts, alignment (/Q), auto and fixed font sizes.
Text that does not fit shrinks down to MIN_FONT_SIZE; below that it is drawn at the minimum and
reported as overflow, never silently cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

MIN_FONT_SIZE = 4.0
AUTO_MAX_FONT_SIZE = 12.0
PADDING = 2.0
LINE_GAP = 1.15


class TextFont(Protocol):
    def width(self, text: str, size: float) -> float: ...

    def operand(self, text: str) -> bytes: ...


@dataclass(frozen=True)
class DA:
    """A parsed default-appearance string: /Font size Tf plus a colour operator."""

    font: str  # resource name without slash
    size: float
    color: str  # e.g. "0 g", "0 0 1 rg"; "0 g" when absent


_DA_TF = re.compile(r"/([^\s/\[\]()<>{}%]+)\s+(-?[\d.]+)\s+Tf")
_DA_COLOR = re.compile(r"((?:-?[\d.]+\s+){1,4})(g|rg|k)\b")


def parse_da(da: str) -> DA:
    m = _DA_TF.search(da)
    font, size = ("Helv", 0.0) if m is None else (m.group(1), float(m.group(2)))
    found = list(_DA_COLOR.finditer(da))
    c = found[-1] if found else None
    color = f"{c.group(1).strip()} {c.group(2)}" if c else "0 g"
    return DA(font=font, size=abs(size), color=color)


@dataclass(frozen=True)
class Box:
    width: float
    height: float
    border: float = 1.0


@dataclass(frozen=True)
class Layout:
    content: bytes
    size: float
    overflow: bool
    lines: list[str]


def _fmt(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


def literal(data: bytes) -> bytes:
    """A PDF literal string operand for raw bytes."""
    out = data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    out = out.replace(b"\r", b"\\r").replace(b"\n", b"\\n")
    return b"(" + out + b")"


def _actual(text: str) -> bytes:
    return hexstring(b"\xfe\xff" + text.encode("utf-16-be"))


def hexstring(data: bytes) -> bytes:
    return b"<" + data.hex().upper().encode() + b">"


def wrap(text: str, font: TextFont, size: float, width: float) -> list[str]:
    """Word-wrap text into lines no wider than width (a long word is broken by characters)."""
    lines: list[str] = []
    for para in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        words = para.split(" ")
        cur = ""
        for word in words:
            cand = word if not cur else f"{cur} {word}"
            if font.width(cand, size) <= width:
                cur = cand
                continue
            if cur:
                lines.append(cur)
            cur = word
            while cur and font.width(cur, size) > width:
                cut = len(cur)
                while cut > 1 and font.width(cur[:cut], size) > width:
                    cut -= 1
                lines.append(cur[:cut])
                cur = cur[cut:]
        lines.append(cur)
    return lines


def _single_size(text: str, font: TextFont, da_size: float, box: Box) -> tuple[float, bool]:
    inner_w = box.width - 2 * (box.border + PADDING)
    if font.width(text, MIN_FONT_SIZE) > inner_w:
        inner_w = box.width - 2 * min(box.border, 0.5) - 1.0  # a tight box: use every point
    inner_h = box.height - 2 * box.border
    size = da_size if da_size > 0 else min(AUTO_MAX_FONT_SIZE, max(inner_h * 0.75, MIN_FONT_SIZE))
    size = min(size, max(inner_h, MIN_FONT_SIZE)) if da_size <= 0 else size
    w = font.width(text, size)
    if w > inner_w > 0:
        size = max(MIN_FONT_SIZE, size * inner_w / w)
    overflow = font.width(text, size) > inner_w + 0.01 or inner_h < MIN_FONT_SIZE * 0.9
    return size, overflow


def _show(res: str, size: float, color: str, x: float, y: float, operand: bytes) -> bytes:
    """One positioned text run: BT /F size Tf colour x y Td (...) Tj ET."""
    head = f"BT /{res} {_fmt(size)} Tf {color} {_fmt(x)} {_fmt(y)} Td "
    return head.encode() + operand + b" Tj ET"


def layout_text(
    text: str,
    font: TextFont,
    font_res: str,
    da: DA,
    box: Box,
    *,
    quadding: int = 0,
    multiline: bool = False,
    comb: int | None = None,
) -> Layout:
    """The content stream of a text widget showing ``text``."""
    b = box.border
    inner_w = max(box.width - 2 * (b + PADDING), 0.0)
    lines: list[str]
    overflow = False
    ops: list[bytes] = []
    if comb:
        cell = box.width / comb
        size = da.size if da.size > 0 else min(AUTO_MAX_FONT_SIZE, box.height * 0.7)
        widest = max((font.width(c, size) for c in text), default=0.0)
        if widest > cell - 1 and widest > 0:
            size = max(MIN_FONT_SIZE, size * (cell - 1) / widest)
        y = (box.height - size * 0.72) / 2
        # one marked span whose ActualText is the whole value: text extraction and screen
        # readers read "12345678901", not eleven separate one-letter words
        ops.append(b"/Span <</ActualText " + _actual(text[:comb]) + b">> BDC")
        for i, ch in enumerate(text[:comb]):
            x = i * cell + (cell - font.width(ch, size)) / 2
            ops.append(_show(font_res, size, da.color, x, y, font.operand(ch)))
        ops.append(b"EMC")
        lines = [text]
        overflow = len(text) > comb
    elif multiline:
        size = da.size if da.size > 0 else AUTO_MAX_FONT_SIZE
        inner_h = box.height - 2 * (b + PADDING)
        longest = max((font.width(w, 1.0) for w in text.split()), default=0.0)
        while True:
            lines = wrap(text, font, size, inner_w)
            fits = len(lines) * size * LINE_GAP <= inner_h + 0.01
            whole_words = longest * size <= inner_w + 0.01
            if (fits and whole_words) or size <= MIN_FONT_SIZE:
                break
            size = max(MIN_FONT_SIZE, size - 0.5)
        if len(lines) * size * LINE_GAP > inner_h + 0.01:
            overflow = True
        if any(font.width(line, size) > inner_w + 0.01 for line in lines):
            overflow = True
        y = box.height - b - PADDING - size * 0.85
        # the field's value is one text, whatever the wrapping: say so to text extraction
        ops.append(b"/Span <</ActualText " + _actual(text) + b">> BDC")
        for line in lines:
            x = _align(line, font, size, box, quadding)
            ops.append(_show(font_res, size, da.color, x, y, font.operand(line)))
            y -= size * LINE_GAP
        ops.append(b"EMC")
    else:
        line = text.replace("\r", " ").replace("\n", " ")
        lines = [line]
        size, overflow = _single_size(line, font, da.size, box)
        x = _align(line, font, size, box, quadding)
        if font.width(line, size) > box.width - 2 * (b + PADDING):
            x = min(b, 0.5) + 0.5
        y = (box.height - size * 0.72) / 2
        ops.append(_show(font_res, size, da.color, x, y, font.operand(line)))
    clip = (
        f"{_fmt(b)} {_fmt(b)} {_fmt(max(box.width - 2 * b, 0))} "
        f"{_fmt(max(box.height - 2 * b, 0))} re W n"
    ).encode()
    content = b"/Tx BMC\nq\n" + clip + b"\n" + b"\n".join(ops) + b"\nQ\nEMC\n"
    return Layout(content=content, size=size, overflow=overflow, lines=lines)


def _align(line: str, font: TextFont, size: float, box: Box, quadding: int) -> float:
    left = box.border + PADDING
    if quadding not in (1, 2):
        return left
    free = box.width - 2 * left - font.width(line, size)
    if free <= 0:
        return left
    return left + (free / 2 if quadding == 1 else free)


def layout_list(
    options: list[str],
    selected: set[int],
    font: TextFont,
    font_res: str,
    da: DA,
    box: Box,
) -> Layout:
    """A list box: the options from the top, the selected ones highlighted (as Acrobat draws)."""
    size = da.size if da.size > 0 else AUTO_MAX_FONT_SIZE
    line_h = size * LINE_GAP
    ops: list[bytes] = []
    y_top = box.height - box.border
    first = min(selected) if selected else 0
    rows = max(int((box.height - 2 * box.border) // line_h), 1)
    start = max(0, min(first, len(options) - rows))
    for row, i in enumerate(range(start, min(len(options), start + rows))):
        y0 = y_top - (row + 1) * line_h
        if i in selected:
            ops.append(
                f"0.6 0.75 0.86 rg {_fmt(box.border)} {_fmt(y0)} "
                f"{_fmt(box.width - 2 * box.border)} {_fmt(line_h)} re f".encode()
            )
        x = box.border + PADDING
        ops.append(_show(font_res, size, da.color, x, y0 + size * 0.25, font.operand(options[i])))
    clip = (
        f"{_fmt(box.border)} {_fmt(box.border)} {_fmt(box.width - 2 * box.border)} "
        f"{_fmt(box.height - 2 * box.border)} re W n"
    ).encode()
    content = b"/Tx BMC\nq\n" + clip + b"\n" + b"\n".join(ops) + b"\nQ\nEMC\n"
    return Layout(content=content, size=size, overflow=False, lines=[options[i] for i in selected])
